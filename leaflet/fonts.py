"""Font families: finding their files, registering them once, and glyph coverage.

PDF/UA needs every font embedded, so only TrueType files are used, never
ReportLab's built-in Helvetica. A character the text font cannot draw is
either taken from a declared fallback family or refused with its location:
a missing-glyph box is never drawn.
"""

from __future__ import annotations

import importlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from leaflet.content.texts import SourceText
from leaflet.errors import ContentError, Location, Problem
from leaflet.style import FontFamily, Theme

#: Characters that are layout, not glyphs: they are never looked up in a font.
_NOT_DRAWN = {"\n", "\t", "\u200b", "\u00ad"}


def package_files(name: str) -> tuple[Path, Path]:
    """The regular and bold files of a family installed as a Python package (fontpkg-…).

    A variable font serves as both: its default instance is the regular weight,
    which is what a fallback for a few missing characters needs.
    """
    module = importlib.import_module("fontpkg_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"))
    root = Path(module.ROOT)
    meta = json.loads((root / "metadata.json").read_text("utf-8"))
    upright = [f for f in meta["files"] if f.get("style", "normal") == "normal"]

    def pick(weight: int) -> Path:
        exact = [f for f in upright if f.get("weight") == weight and not f.get("variable")]
        chosen = exact or [f for f in upright if f.get("variable")] or upright
        return root / chosen[0]["path"]

    return pick(400), pick(700)


def internal_name(family: str, bold: bool = False) -> str:
    """The name a family is registered under with ReportLab."""
    base = "".join(ch for ch in family if ch.isalnum())
    return f"{base}-Bold" if bold else base


@dataclass(frozen=True)
class RegisteredFamily:
    name: str
    regular: str
    bold: str
    cmap: frozenset[int]
    #: The same characters as strings, to test a whole text at once.
    chars: frozenset[str] = frozenset()

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def covers_all(self, text: str) -> bool:
        return set(text) <= self.chars


@cache
def _register(family: str, regular: Path, bold: Path) -> RegisteredFamily:
    # TTFont parsing is the slowest part of a cold build; it is done once per
    # process and family, however many leaflets are built.
    reg_name, bold_name = internal_name(family), internal_name(family, bold=True)
    reg_font = TTFont(reg_name, str(regular))
    bold_font = TTFont(bold_name, str(bold))
    pdfmetrics.registerFont(reg_font)
    pdfmetrics.registerFont(bold_font)
    addMapping(reg_name, 0, 0, reg_name)
    addMapping(reg_name, 1, 0, bold_name)
    addMapping(reg_name, 0, 1, reg_name)
    addMapping(reg_name, 1, 1, bold_name)
    cmap = frozenset(reg_font.face.charToGlyph) & frozenset(bold_font.face.charToGlyph)
    return RegisteredFamily(family, reg_name, bold_name, cmap, frozenset(map(chr, cmap)) | _NOT_DRAWN)


def register_family(family: FontFamily) -> RegisteredFamily:
    if family.regular is None or family.bold is None:
        regular, bold = package_files(family.name)
    else:
        regular, bold = family.regular, family.bold
    return _register(family.name, regular, bold)


@dataclass
class FontSet:
    """The text family and its fallbacks, ready to draw.

    Fallback families are read only when a character first needs one: most
    leaflets never do, and reading a large font costs start-up time.
    """

    text: RegisteredFamily
    fallback_families: tuple[FontFamily, ...]
    _fallbacks: tuple[RegisteredFamily, ...] | None = field(default=None, repr=False)

    @property
    def fallbacks(self) -> tuple[RegisteredFamily, ...]:
        if self._fallbacks is None:
            self._fallbacks = tuple(register_family(f) for f in self.fallback_families)
        return self._fallbacks

    @property
    def fallback_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fallback_families)

    def runs(self, text: str) -> list[tuple[RegisteredFamily, str]]:
        """The text cut into runs, each drawn by one family (the text family wherever it can)."""
        if self.text.covers_all(text):
            return [(self.text, text)] if text else []  # nearly always: one set test
        runs: list[tuple[RegisteredFamily, str]] = []
        for ch in text:
            family = self.family_for(ch) or self.text
            if runs and runs[-1][0] is family:
                runs[-1] = (family, runs[-1][1] + ch)
            else:
                runs.append((family, ch))
        return runs

    def family_for(self, ch: str) -> RegisteredFamily | None:
        """The family that draws `ch`: the text family if it can, else the first fallback that can."""
        if ch in _NOT_DRAWN or self.text.covers(ch):
            return self.text
        for fam in self.fallbacks:
            if fam.covers(ch):
                return fam
        return None


def font_set(theme: Theme) -> FontSet:
    text = register_family(theme.families[theme.text_font])
    for family in {st.font for st in theme.styles.values()} - {theme.text_font}:
        register_family(theme.families[family])
    return FontSet(text, tuple(theme.families[name] for name in theme.fallback_fonts))


def describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"'{ch}' (U+{ord(ch):04X} {name})"


def check_coverage(texts: Iterable[SourceText], fonts: FontSet) -> None:
    """Raise ContentError naming every character no family can draw, and where it is."""
    problems: list[Problem] = []
    reported: set[tuple[str, Location]] = set()
    for source in texts:
        if fonts.text.covers_all(source.text):
            continue  # nearly always: one set test for the whole text
        for i, ch in enumerate(source.text):
            if fonts.family_for(ch) is not None:
                continue
            where = source.at(i)
            if (ch, where) not in reported:
                reported.add((ch, where))
                fallback = (
                    f"nor do the fallback fonts ({', '.join(fonts.fallback_names)})"
                    if fonts.fallback_families
                    else "and no fallback font is declared (fonts: fallback: in the style sheet)"
                )
                problems.append(
                    Problem(
                        where,
                        f"the character {describe(ch)} cannot be drawn: the font {fonts.text.name} lacks it, {fallback}",
                    )
                )
    if problems:
        raise ContentError(problems)
