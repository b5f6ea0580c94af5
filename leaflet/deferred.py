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
