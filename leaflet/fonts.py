"""Font families: finding their files, registering them once, and glyph coverage.

PDF/UA needs every font embedded, so only TrueType files are used, never
ReportLab's built-in Helvetica. A character the text font cannot draw is
either taken from a declared fallback family or refused with its location:
a missing-glyph box is never drawn.
"""

from __future__ import annotations

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
from leaflet.fontfiles import family_files
from leaflet.style import FontFamily, Theme

#: Characters that are layout, not glyphs: they are never looked up in a font.
_NOT_DRAWN = {"\n", "\t", "\u200b", "\u00ad"}


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


#: The file of every registered font, by its registered name (for shaping, which reads the file).
FONT_FILES: dict[str, Path] = {}


@cache
def _register(family: str, regular: Path, bold: Path) -> RegisteredFamily:
    # TTFont parsing is the slowest part of a cold build; it is done once per
    # process and family, however many leaflets are built.
    reg_name, bold_name = internal_name(family), internal_name(family, bold=True)
    reg_font = TTFont(reg_name, str(regular))
    bold_font = TTFont(bold_name, str(bold))
    pdfmetrics.registerFont(reg_font)
    pdfmetrics.registerFont(bold_font)
    FONT_FILES[reg_name], FONT_FILES[bold_name] = regular, bold
    addMapping(reg_name, 0, 0, reg_name)
    addMapping(reg_name, 1, 0, bold_name)
    addMapping(reg_name, 0, 1, reg_name)
    addMapping(reg_name, 1, 1, bold_name)
    cmap = frozenset(reg_font.face.charToGlyph) & frozenset(bold_font.face.charToGlyph)
    return RegisteredFamily(family, reg_name, bold_name, cmap, frozenset(map(chr, cmap)) | _NOT_DRAWN)


def register_family(family: FontFamily) -> RegisteredFamily:
    if family.regular is None or family.bold is None:
        regular, bold = family_files(family.name)
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
    #: The text family is one for a complex script: text is shaped by HarfBuzz.
    shaped: bool = False
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


def font_set(theme: Theme, language: str = "en") -> FontSet:
    """The fonts of a leaflet in `language`: the sheet's text family for it, then the fallbacks.

    A leaflet in a language whose script the sheet's text family lacks (Arabic,
    Bengali) takes the family the sheet names for it under `fonts: languages:`;
    the usual text family then draws what that one lacks (Latin words).
    """
    name = theme.text_font_for(language)
    text = register_family(theme.families[name])
    for family in {st.font for st in theme.styles.values()} - {theme.text_font}:
        register_family(theme.families[family])
    fallbacks = ((theme.text_font,) if name != theme.text_font else ()) + theme.fallback_fonts
    return FontSet(
        text, tuple(theme.families[f] for f in fallbacks), shaped=name in theme.language_fonts.values()
    )


def describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"'{ch}' (U+{ord(ch):04X} {name})"


def check_coverage(texts: Iterable[SourceText], fonts: FontSet) -> None:
    """Raise ContentError naming every character no family can draw, and where it is."""
    problems: list[Problem] = []
    reported: set[tuple[str, Location]] = set()
    for source in texts:
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
