"""Font families: finding their files, registering them once, and glyph coverage.

PDF/UA needs every font embedded, so only TrueType files are used, never
ReportLab's built-in Helvetica. A character the text font cannot draw is
either taken from a declared fallback family or refused with its location:
a missing-glyph box is never drawn.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from leaflet.errors import ContentError, Location, Problem
from leaflet.style import FontFamily, Theme

#: Characters that are layout, not glyphs: they are never looked up in a font.
_NOT_DRAWN = {"\n", "\t", "\u200b", "\u00ad"}


def builtin_files(name: str) -> tuple[Path, Path]:
    if name == "Atkinson Hyperlegible":
        import fontpkg_atkinson_hyperlegible as pkg

        files = pkg.ROOT / "files"
        return files / "AtkinsonHyperlegible-Regular.ttf", files / "AtkinsonHyperlegible-Bold.ttf"
    raise KeyError(name)


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

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.cmap


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
    return RegisteredFamily(family, reg_name, bold_name, cmap)


def register_family(family: FontFamily) -> RegisteredFamily:
    if family.regular is None or family.bold is None:
        regular, bold = builtin_files(family.name)
    else:
        regular, bold = family.regular, family.bold
    return _register(family.name, regular, bold)


@dataclass(frozen=True)
class FontSet:
    """The text family and its fallbacks, registered and ready to draw."""

    text: RegisteredFamily
    fallbacks: tuple[RegisteredFamily, ...]

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
    fallbacks = tuple(register_family(theme.families[name]) for name in theme.fallback_fonts)
    return FontSet(text, fallbacks)


def describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"'{ch}' (U+{ord(ch):04X} {name})"


def check_coverage(texts: Iterable[tuple[str, Location]], fonts: FontSet) -> None:
    """Raise ContentError naming every character no family can draw, and where it is."""
    problems: list[Problem] = []
    reported: set[tuple[str, Location]] = set()
    for text, where in texts:
        for ch in text:
            if fonts.family_for(ch) is None and (ch, where) not in reported:
                reported.add((ch, where))
                fallback = (
                    f"nor the fallback fonts ({', '.join(f.name for f in fonts.fallbacks)})"
                    if fonts.fallbacks
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
