"""Modules ReportLab imports at start-up that a leaflet never uses, loaded only if something uses them.

`reportlab.lib.utils` runs `from PIL import Image` (tens of milliseconds of a cold start)
for bitmap images, `reportlab.platypus.paragraph` imports pyphen for hyphenation, and
`reportlab.pdfbase.ttfonts` imports uharfbuzz for shaping; most leaflets need none of them. Each is put in `sys.modules` as a stand-in: importing it costs
nothing, and the first use of one of its names loads it for real, so code that does use
images still works. This relies on ReportLab only importing these names at start-up and
testing them for truth (`Image is not None`, `if hyphenator and pyphen`,
`uharfbuzz is None`), which tests/pdf/test_hooks.py checks.
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


#: Regular expressions ReportLab compiles at import and uses only for rare text: the URL
#: pattern of reportlab.platypus.paragraph (splitting a long address across lines: a third of
#: ReportLab's import time) and the CJK pattern of reportlab.lib.textsplit (`cjkwrap`).
UNUSED_PATTERNS = frozenset(
    {
        "(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9](?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z",
        "([\u2e80-\uffff])",
    }
)


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


def defer_patterns(patterns: frozenset[str] = UNUSED_PATTERNS) -> None:
    """Until each of `patterns` has been asked for once, `re.compile` hands it out uncompiled.

    Once all of them have been (ReportLab imports once), `re.compile` is Python's own again.
    """
    waiting = set(patterns)

    def compile(pattern: Any, flags: Any = 0) -> Any:
        if type(pattern) is str and pattern in waiting:
            waiting.discard(pattern)
            if not waiting:
                re.compile = _compile
            return DeferredPattern(pattern, flags)
        return _compile(pattern, flags)

    if waiting and not any(
        name in sys.modules for name in ("reportlab.platypus.paragraph", "reportlab.lib.textsplit")
    ):
        re.compile = compile
