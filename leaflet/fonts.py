"""Font families: finding their files, registering them by their identity, and glyph coverage.

PDF/UA needs every font embedded, so only TrueType files are used, never
ReportLab's built-in Helvetica. A character the text font cannot draw is
either taken from a declared fallback family or refused with its location:
a missing-glyph box is never drawn.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from leaflet.content.scripts import NEEDS_SHAPING
from leaflet.content.texts import SourceText
from leaflet.errors import ContentError, Location, Problem, StyleError
from leaflet.fontfiles import family_files
from leaflet.frozen import frozen
from leaflet.safeio import MAX_FONT_BYTES, FileProblem, read_file
from leaflet.safeio import digest as file_digest
from leaflet.style import FontFamily, Theme
from leaflet.zero import with_open_zero

#: A character of a script whose glyphs are not its letters one by one (joined, reordered, combined).
_COMPLEX = re.compile(
    "["
    + "".join(
        f"\\u{first:04x}-\\u{last:04x}"
        for first, last in sorted(r for ranges in NEEDS_SHAPING.values() for r in ranges)
    )
    + "]"
)


class TextFont(TTFont):
    """A TrueType font whose width of complex-script text is the width HarfBuzz draws it at.

    ReportLab breaks a paragraph's lines with `stringWidth`, word by word; for an
    Arabic, Urdu or Bengali word it would add up the letters' own widths, which
    are not what is drawn (joined forms, ligatures, conjuncts), so a line could
    overrun its column or end far short of it. Text in other scripts is measured
    as ReportLab measures it (and drawn as it draws it).
    """

    def __init__(self, name: str, data: BytesIO, path: Path) -> None:
        super().__init__(name, data)
        #: The file HarfBuzz shapes with: the one drawn.
        self.path = path

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        if text and max(text) >= "\u0590" and _COMPLEX.search(text):
            from leaflet.pdf.shaping import shaped_width  # HarfBuzz: only leaflets in these scripts

            return shaped_width(self.path, text) * size
        return super().stringWidth(text, size, encoding)


#: Characters that are layout, not glyphs: they are never looked up in a font.
_NOT_DRAWN = {"\n", "\t", "\u200b", "\u00ad"}


def internal_name(family: str) -> str:
    """The start of the names a family is registered under with ReportLab (letters and digits)."""
    return "".join(ch for ch in family if ch.isalnum()) or "Font"


@frozen
class RegisteredFamily:
    """A family as registered with ReportLab: its faces' names and the characters it draws."""

    name: str
    regular: str
    bold: str
    cmap: frozenset[int]
    #: The same characters as strings, to test a whole text at once.
    chars: frozenset[str] = frozenset()
    #: Texts already tested (each build of a leaflet tests the same texts again), and the answer.
    _tested: dict[str, bool] = field(default_factory=dict, init=False, compare=False, repr=False)

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def covers_all(self, text: str) -> bool:
        tested = self._tested
        answer = tested.get(text)
        if answer is None:
            if len(tested) >= _TESTED_LIMIT:
                tested.clear()
            answer = tested[text] = self.chars.issuperset(text)
        return answer


#: How many texts each family remembers testing (a leaflet has a few hundred).
_TESTED_LIMIT = 8192


#: Families registered in this process, by their name and the identity of both files.
_REGISTERED: dict[tuple[str, str, str], RegisteredFamily] = {}
#: The file of every registered font, by its registered name (for shaping, which reads the file).
FONT_FILES: dict[str, Path] = {}


def _unusable(path: Path, exc: FileProblem) -> StyleError:
    return StyleError(Problem(Location.of_file(path), f"cannot use this font file: {exc.reason}"))


def _read_font(path: Path) -> bytes:
    """A font file's bytes (bounded, a regular file only)."""
    try:
        return read_file(path, MAX_FONT_BYTES)
    except FileProblem as exc:
        raise _unusable(path, exc) from None


def _font_digest(path: Path) -> tuple[str, bytes | None]:
    """The identity of a font file (its bytes' digest, taken once a process per file as it is
    on disk: `safeio.digest`), and its bytes when they had to be read to learn it."""
    try:
        return file_digest(path, MAX_FONT_BYTES)
    except FileProblem as exc:
        raise _unusable(path, exc) from None


def _register(family: str, regular: Path, bold: Path) -> RegisteredFamily:
    """Register a family under names that carry the identity of its files.

    Two sheets may declare one family name with different files; each pair of
    files gets its own ReportLab names, so one sheet never changes the font
    another draws, and the glyph coverage is always that of the file drawn.
    TTFont parsing is the slowest part of a cold build; it is done once per
    process and pair of files, however many leaflets are built.
    """
    reg_digest, reg_data = _font_digest(regular)
    bold_digest, bold_data = _font_digest(bold)
    key = (family, reg_digest, bold_digest)
    if key in _REGISTERED:
        return _REGISTERED[key]
    tag = hashlib.sha256(f"{reg_digest} {bold_digest}".encode()).hexdigest()[:12]
    reg_name = f"{internal_name(family)}-{tag}"
    bold_name = f"{reg_name}-Bold"
    reg_font = TextFont(reg_name, BytesIO(reg_data if reg_data is not None else _read_font(regular)), regular)
    bold_font = TextFont(bold_name, BytesIO(bold_data if bold_data is not None else _read_font(bold)), bold)
    pdfmetrics.registerFont(reg_font)
    pdfmetrics.registerFont(bold_font)
    FONT_FILES[reg_name], FONT_FILES[bold_name] = regular, bold
    addMapping(reg_name, 0, 0, reg_name)
    addMapping(reg_name, 1, 0, bold_name)
    addMapping(reg_name, 0, 1, reg_name)
    addMapping(reg_name, 1, 1, bold_name)
    cmap = frozenset(reg_font.face.charToGlyph) & frozenset(bold_font.face.charToGlyph)
    registered = RegisteredFamily(family, reg_name, bold_name, cmap, frozenset(map(chr, cmap)) | _NOT_DRAWN)
    _REGISTERED[key] = registered
    return registered


def register_family(family: FontFamily) -> RegisteredFamily:
    if family.regular is None or family.bold is None:
        regular, bold = family_files(family.name)
    else:
        regular, bold = family.regular, family.bold
    # Figures with a plain zero, whatever the face draws (leaflet/zero.py).
    return _register(family.name, with_open_zero(regular), with_open_zero(bold))


@dataclass
class FontSet:
    """The text family and its fallbacks, ready to draw.

    Fallback families are read only when a character first needs one: most
    leaflets never do, and reading a large font costs start-up time.
    """

    text: RegisteredFamily
    fallback_families: tuple[FontFamily, ...]
    #: Every family the theme's text styles use, by the name the sheet gives it.
    families: dict[str, RegisteredFamily] = field(default_factory=dict)
    #: The text family is one for a complex script: text is shaped by HarfBuzz.
    shaped: bool = False
    _fallbacks: tuple[RegisteredFamily, ...] | None = field(default=None, repr=False)

    @property
    def fallbacks(self) -> tuple[RegisteredFamily, ...]:
        if self._fallbacks is None:
            self._fallbacks = tuple(register_family(f) for f in self.fallback_families)
        return self._fallbacks

    def font_name(self, family: str, bold: bool = False) -> str:
        """The name ReportLab knows a sheet's family by (it carries the identity of the files)."""
        registered = self.families[family]
        return registered.bold if bold else registered.regular

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

    def preferring(self, family: FontFamily) -> FontSet:
        """These fonts with `family` first among the fallbacks: for a passage in the language the
        sheet names it for (an Urdu line in Nastaliq, where Noto Sans Arabic would also draw it)."""
        if self.fallback_families[:1] == (family,) or family not in self.fallback_families:
            return self
        rest = tuple(f for f in self.fallback_families if f != family)
        return FontSet(self.text, (family, *rest), self.families, self.shaped)

    def family_for(self, ch: str) -> RegisteredFamily | None:
        """The family that draws `ch`: the text family if it can, else the first fallback that can."""
        if ch in _NOT_DRAWN or self.text.covers(ch):
            return self.text
        for fam in self.fallbacks:
            if fam.covers(ch):
                return fam
        return None


def font_set(theme: Theme, language: str = "en", passages: Iterable[str] = ()) -> FontSet:
    """The fonts of a leaflet in `language`: the sheet's text family for it, then the fallbacks.

    A leaflet in a language whose script the sheet's text family lacks (Arabic,
    Bengali) takes the family the sheet names for it under `fonts: languages:`;
    the usual text family then draws what that one lacks (Latin words). The family
    named for the language of a passage (`passages`: an Urdu line in an English leaflet)
    draws what the others lack, first among the fallbacks.
    """
    name = theme.text_font_for(language)
    text = register_family(theme.families[name])
    # Styles in the sheet's text family take the leaflet's (Noto Sans Arabic for Arabic).
    families = {theme.text_font: text, name: text}
    for family in {st.font for st in theme.styles.values()} - {theme.text_font}:
        families[family] = register_family(theme.families[family])
    others = tuple(
        dict.fromkeys(
            f for f in (theme.text_font_for(p) for p in sorted(passages)) if f not in (name, theme.text_font)
        )
    )
    fallbacks = others + ((theme.text_font,) if name != theme.text_font else ()) + theme.fallback_fonts
    return FontSet(
        text,
        tuple(theme.families[f] for f in fallbacks),
        families,
        shaped=name in theme.language_fonts.values() or bool(others),
    )


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
