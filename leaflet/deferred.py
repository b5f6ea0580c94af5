"""Modules ReportLab imports at start-up that a leaflet never uses, loaded only if something uses them.

`reportlab.lib.utils` runs `from PIL import Image` (tens of milliseconds of a cold start)
for bitmap images, `reportlab.platypus.paragraph` imports pyphen for hyphenation, and
`reportlab.pdfbase.ttfonts` imports uharfbuzz for shaping; most leaflets need none of them. Each is put in `sys.modules` as a stand-in: importing it costs
nothing, and the first use of one of its names loads it for real, so code that does use
images still works. This relies on ReportLab only importing these names at start-up and
testing them for truth (`Image is not None`, `if hyphenator and pyphen`,
`uharfbuzz is None`), which tests/pdf/test_hooks.py checks.

Likewise a few regular expressions that ReportLab and PyYAML compile at import and a build
rarely uses (`UNUSED_PATTERNS`) are handed out by `re.compile` as stand-ins, compiled at
their first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from types import ModuleType
from typing import Any

#: Imported by ReportLab at start-up, used only for bitmaps, hyphenation and shaping.
UNUSED_AT_START = ("PIL.Image", "pyphen", "uharfbuzz")


class Deferred(ModuleType):
    """Stands in for a module until one of its names is used, then loads it and hands every name over.

    (Python's own LazyLoader loads a module as soon as an `import` statement names it again.)
    """

    def __getattr__(self, name: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, name)


def defer(names: tuple[str, ...] = UNUSED_AT_START) -> None:
    """Put a stand-in for each module named, unless it is already imported (or not installed)."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except (ImportError, ValueError):
            continue
        stand_in = Deferred(name)
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stand_in)


def loaded(name: str) -> bool:
    """Whether a module is really loaded (not merely stood in for)."""
    module = sys.modules.get(name)
    return module is not None and not (isinstance(module, Deferred) and "_real" not in module.__dict__)


#: Regular expressions that modules a build imports compile at import and a build rarely uses,
#: each with the module that compiles it: the URL pattern of reportlab.platypus.paragraph
#: (splitting a long address across lines: a third of ReportLab's import time), the CJK pattern
#: of reportlab.lib.textsplit (`cjkwrap`), the pattern of PyFontify (colouring Python source in
#: a `PythonPreformatted`, which leaflets never have), and PyYAML's pattern of the characters
#: its pure-Python reader refuses (10 to 25 ms, the costliest pattern of a cold build: a content file is
#: read by LibYAML, and the pure-Python reader reads only a file with a mistake in it).
UNUSED_PATTERNS = {
    "(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9](?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z": (
        "reportlab.platypus.paragraph"
    ),
    "([\u2e80-\uffff])": "reportlab.lib.textsplit",
    (
        "#[^\\n]*|(^|[^a-zA-Z0-9_.\\\"'])(as|assert|exec|del|from|lambda|return|and|"
        "elif|global|not|try|break|else|if|or|while|class|except|import|pass|"
        "continue|finally|in|print|def|for|is|raise|yield|with)(^|"
        "[^a-zA-Z0-9_.\\\"'])|'''[^\\\\']*((\\\\[\\000-\\377]|'(\\\\[\\000-\\377]|[^\\']|"
        "'(\\\\[\\000-\\377]|[^\\\\'])))[^\\\\']*)*'''|\"\"\"[^\\\\\"]*((\\\\[\\000-\\377]|"
        '"(\\\\[\\000-\\377]|[^\\"]|"(\\\\[\\000-\\377]|[^\\\\"])))[^\\\\"]*)*"""|'
        "'[^\\\\'\\n]*(\\\\[\\000-\\377][^\\\\'\\n]*)*'|"
        '"[^\\\\"\\n]*(\\\\[\\000-\\377][^\\\\"\\n]*)*"'
    ): "reportlab.lib.PyFontify",
    "[^\t\n\r -~\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]": "yaml.reader",
}

#: Patterns known by their start and a word in them, as their text changes from run to run:
#: reportlab.lib.rl_safe_eval joins the names it refuses from a set (in the set's order, which
#: varies with Python's string hashing) into a pattern that nothing uses (2 to 3 ms).
UNUSED_PATTERNS_MARKED = {("\\b(?:", "rl_less_safe_eval"): "reportlab.lib.rl_safe_eval"}


class DeferredPattern:
    """Stands in for a compiled regular expression until it is used, then compiles it."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self.compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self.compiled is None:
            self.compiled = _compile(self.pattern, self.flags)
        return getattr(self.compiled, name)


_compile = re.compile


def defer_patterns(
    patterns: dict[str, str] = UNUSED_PATTERNS,
    marked: dict[tuple[str, str], str] = UNUSED_PATTERNS_MARKED,
) -> None:
    """Until each of `patterns` (and of the `marked` ones) has been asked for once, `re.compile`
    hands it out uncompiled.

    Only the patterns of modules not yet imported wait; once all of them have been asked for
    (each module imports once), `re.compile` is Python's own again.
    """
    waiting = {pattern for pattern, module in patterns.items() if module not in sys.modules}
    waiting_marked = {mark for mark, module in marked.items() if module not in sys.modules}

    def compile(pattern: Any, flags: Any = 0) -> Any:
        if type(pattern) is str:
            if pattern in waiting:
                waiting.discard(pattern)
            else:
                mark = next((m for m in waiting_marked if pattern.startswith(m[0]) and m[1] in pattern), None)
                if mark is None:
                    return _compile(pattern, flags)
                waiting_marked.discard(mark)
            if not waiting and not waiting_marked:
                re.compile = _compile
            return DeferredPattern(pattern, flags)
        return _compile(pattern, flags)

    if waiting or waiting_marked:
        re.compile = compile
