"""The words the tool writes itself, in the leaflet's language.

Headings it adds ("In this leaflet"), the footer ("Page 2 of 6"), the "About
this leaflet" lines, the QR code's text, the notes page, link descriptions and
the booklet's print note come from a gettext catalogue per language: translators edit
`leaflet/locale/<lang>/LC_MESSAGES/leaflet.po`; Babel compiles each into the `leaflet.mo`
beside it (`python -m leaflet.i18n`), which the package ships and the standard library's
gettext reads in a fraction of a millisecond, kept for the process. A test holds each
`.mo` to its `.po`.
Dates are written by Babel from CLDR data (month names, order, punctuation), never from
tables of our own; each answer is kept for the process and, by `answers`, for the next.

A leaflet whose language has no catalogue is refused with the languages that
have one: English words in the middle of a Polish or Farsi leaflet would fail
the reader who cannot read them, and a catalogue is one short file to add.
"""

from __future__ import annotations

import gettext
from datetime import date
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from leaflet.frozen import frozen
from leaflet.safeio import MIB, FileProblem, read_file

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "leaflet"

#: Languages written right to left (the primary subtag of a language tag).
RTL_LANGUAGES = frozenset({"ar", "ur", "fa", "he", "ps", "sd", "ug", "yi"})

# The leaflet's own headings: message ids of the catalogues in leaflet/locale.
TOC_HEADING = "In this leaflet"
FURTHER_HEADING = "Further reading"
REFERENCES_HEADING = "References"
ABOUT_HEADING = "About this leaflet"
KEY_POINTS_HEADING = "Key points"
#: Every language written right to left (primary subtags): Arabic and the languages written in
#: Arabic script (Urdu, Persian, Pashto, Sindhi, Sorani Kurdish, Uyghur, Kashmiri), Hebrew,
#: Yiddish, Syriac, Aramaic, Dhivehi. (RTL_LANGUAGES: those the tool has its own words in.)
WRITTEN_RIGHT_TO_LEFT = RTL_LANGUAGES | {"arc", "ckb", "dv", "ks", "syr"}


def direction(lang: str | None) -> str | None:
    """rtl or ltr for a language tag (an Arabic-script tag such as pa-Arab counts), None for none."""
    if not lang:
        return None
    parts = lang.lower().split("-")
    scripts = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
    if scripts:  # a script subtag says it: pa-Arab is right to left, ks-Deva left to right
        return "rtl" if scripts[0] in ("arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg") else "ltr"
    return "rtl" if parts[0] in WRITTEN_RIGHT_TO_LEFT else "ltr"


def primary(tag: str) -> str:
    """The language of a BCP 47 tag, without script or region: en-GB → en."""
    return tag.split("-")[0].lower()


@cache
def available() -> tuple[str, ...]:
    """The languages that have a catalogue, sorted."""
    return tuple(sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


@cache
def _catalogue(language: str) -> gettext.GNUTranslations:
    """A language's compiled catalogue, read by the standard library's gettext."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    return gettext.GNUTranslations(BytesIO(read_file(path, MIB)))


def translates(language: str, message: str) -> bool:
    """Whether the language's catalogue has `message` in its own words (every shipped one
    differs from the English: a test holds them to it)."""
    return _catalogue(language).gettext(message) != message


def compiled(po: Path) -> bytes:
    """A catalogue's `.po` compiled by Babel, as the `.mo` beside it must hold it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(BytesIO(read_file(po, MIB)), locale=po.parent.parent.name)
    out = BytesIO()
    write_mo(out, catalog)  # fuzzy entries left out, as gettext leaves them
    return out.getvalue()


def compile_catalogues() -> list[Path]:
    """Write each `.po`'s compiled `.mo` beside it; the ones written."""
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        try:
            same = read_file(mo, MIB) == data
        except FileProblem:
            same = False
        if not same:
            mo.write_bytes(data)
            written.append(mo)
    return written


class UnknownLanguage(LookupError):
    """A language with no catalogue; the message names those there are."""


@frozen
class Furniture:
    """The tool's own words in one language, and how that language writes dates."""

    #: The language the words are in (a catalogue's name: en, cy, pl, …).
    language: str
    #: The leaflet's own tag (en-GB), for CLDR's choice of date format.
    tag: str

    def __call__(self, message: str, **values: object) -> str:
        """`message` in this language, with its {fields} filled in."""
        text = _catalogue(self.language).gettext(message)
        return text.format(**values) if values else text

    def date(self, d: date, month_only: bool = False) -> str:
        """A date as the language writes it in full: 26 November 2026, 26 Tachwedd 2026, 26 listopada 2026.

        A date written as a month only (2014-06) is printed as one: June 2014, Mehefin 2014.
        """
        return _date(self.tag, d, month_only)

    def file_size(self, size: int) -> str:
        """A file's size as the language writes it, from CLDR through Babel: 44 kB, 1,2 MB, 44 كيلوبايت.

        In kilobytes of 1024 bytes (as file managers count them), never 0; from a megabyte up,
        in megabytes to one decimal place.
        """
        from babel.units import format_unit

        locale = _locale(self.tag)
        if size < 1024 * 1024:
            return format_unit(max(1, round(size / 1024)), "digital-kilobyte", length="short", locale=locale)
        megabytes = round(size / (1024 * 1024), 1)
        return format_unit(megabytes, "digital-megabyte", length="short", format="#,##0.0", locale=locale)

    @property
    def rtl(self) -> bool:
        return self.language in RTL_LANGUAGES


@lru_cache(maxsize=256)
def _date(tag: str, d: date, month_only: bool) -> str:
    """A date in full as CLDR writes it in language `tag` (a footer asks for the same few on every page).

    Babel is asked once per question; its answer is kept for later processes too (`answers`).
    """
    from leaflet.answers import answer

    form = "yMMMM" if month_only else "long"
    return answer("babel", f"date {tag} {d.isoformat()} {form}", lambda: _babel_date(tag, d, form))


def _babel_date(tag: str, d: date, form: str) -> str:
    from babel.dates import format_date, format_skeleton  # Babel is loaded only when a date is new

    if form == "long":
        return format_date(d, format="long", locale=_locale(tag))
    return format_skeleton(form, d, locale=_locale(tag))


@cache
def _locale(tag: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(primary(tag))


def furniture(tag: str) -> Furniture:
    """The furniture for a leaflet in language `tag`; UnknownLanguage if there is no catalogue."""
    language = primary(tag)
    if language not in available():
        raise UnknownLanguage(
            f"there are no words for the leaflet's own headings and footer in {tag!r}; "
            f"languages with them: {', '.join(available())} (add leaflet/locale/{language}/LC_MESSAGES/{DOMAIN}.po)"
        )
    return Furniture(language, tag)


ENGLISH = Furniture("en", "en-GB")


if __name__ == "__main__":  # python -m leaflet.i18n: compile the catalogues after editing a .po
    for path in compile_catalogues():
        print(f"wrote {path}")
