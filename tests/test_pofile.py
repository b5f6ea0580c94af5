"""The tool's own reader of its catalogues gives Babel's answers, and refuses what it does not read.

`leaflet/pofile.py` replaced Babel's `read_po` at build time (a cold build no longer loads
Babel's catalogue classes, `email` or `_strptime`). Babel stays the reference: every
catalogue shipped, random catalogues written by Babel's own writer, and hand-written
files with every escape and comment kind are read by both, and the translations must be
the same, in the same order.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaflet.i18n import LOCALE_DIR, available
from leaflet.pofile import CatalogueError, read_catalogue


def babel(data: bytes) -> list[tuple[str, str]]:
    """What the tool read with Babel before: every translated entry that is not fuzzy."""
    return [(str(m.id), str(m.string)) for m in read_po(BytesIO(data)) if m.id and m.string and not m.fuzzy]


def ours(data: bytes) -> list[tuple[str, str]]:
    return list(read_catalogue(data, "x.po").items())


@pytest.mark.parametrize("lang", ["ar", "bn", "cy", "en", "pl", "ur"])
def test_every_shipped_catalogue_reads_as_babel_reads_it(lang: str) -> None:
    assert lang in available()
    data = (LOCALE_DIR / lang / "LC_MESSAGES" / "leaflet.po").read_bytes()
    mine = ours(data)
    assert len(mine) >= 40
    assert mine == babel(data)


HAND_WRITTEN = r"""# a translator's note
#, fuzzy
msgid ""
msgstr ""
"Language: cy\n"
"Content-Type: text/plain; charset=utf-8\n"

#. the heading of a panel
#: leaflet/layout/story.py:12
msgid "In this leaflet"
msgstr "Yn y daflen hon"

#, python-brace-format
msgid ""
"Page {page} "
"of {total}"
msgstr ""
"Tudalen {page} "
  "o {total}"

#, fuzzy, python-brace-format
msgid "Not yet checked"
msgstr "Heb ei wirio"

msgid "Untranslated"
msgstr ""

msgid "Escapes: \\ \" \t \n \r \a \b \f \v"
msgstr "Dianc: \\ \" \t \n \r \a \b \f \v"

   msgid "Indented, with trailing spaces"\t
msgstr    "Wedi'i fewnoli"

#~ msgid "Gone"
#~ msgstr "Wedi mynd"

#, fuzzy
#. a second comment keeps the flag
msgid "Fuzzy two comments up"
msgstr "Niwlog"

msgid "Last"
msgstr "Olaf ✓ ایک"
""".replace('"\\t\n', '"\t \n')  # whitespace after a string


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_hand_written_catalogue_with_every_kind_of_line(newline: str) -> None:
    data = HAND_WRITTEN.replace("\n", newline).encode()
    mine = ours(data)
    assert mine == babel(data)
    assert mine == [
        ("In this leaflet", "Yn y daflen hon"),
        ("Page {page} of {total}", "Tudalen {page} o {total}"),
        ('Escapes: \\ " \t \n \r \a \b \f \v', 'Dianc: \\ " \t \n \r \a \b \f \v'),
        ("Indented, with trailing spaces", "Wedi'i fewnoli"),
        ("Last", "Olaf ✓ ایک"),
    ]


_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.dictionaries(
        st.text(
            st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=40
        ),
        st.tuples(_text, st.booleans(), st.lists(st.from_regex(r"[a-z ]{0,20}", fullmatch=True), max_size=2)),
        max_size=8,
    ),
    width=st.sampled_from([0, 76]),
)
def test_catalogues_written_by_babel_read_as_babel_reads_them(
    entries: dict[str, tuple[str, bool, list[str]]], width: int
) -> None:
    # Babel's writer escapes backslashes, quotes, tabs and line breaks, and folds long strings
    # over lines; fuzzy flags and translators' comments come between the entries.
    catalog = Catalog(locale="cy")
    for msgid, (msgstr, fuzzy, comments) in entries.items():
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [], user_comments=comments)
    out = BytesIO()
    write_po(out, catalog, width=width)
    data = out.getvalue()
    expected = babel(data)
    assert ours(data) == expected
    assert expected == [(i, s) for i, (s, fuzzy, _) in entries.items() if s and not fuzzy]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('msgctxt "menu"\nmsgid "Open"\nmsgstr "Agor"\n', 1, 1, "contexts (msgctxt) are not read"),
        ('msgid "file"\nmsgid_plural "files"\nmsgstr[0] "ffeil"\n', 2, 1, "plural forms are not read"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, 1, "msgid 'a' is given twice"),
        ('#, fuzzy\nmsgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 5, 1, "msgid 'a' is given twice"),
        ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', 3, 1, "a msgstr without its msgid"),
        ('msgid "a"\n# a comment\nmsgstr "b"\n', 1, 1, "a msgid without its msgstr"),
        ('msgid "a\nmsgstr "b"\n', 1, 7, "expected a string in double quotes"),
        ('msgid "a"\nmsgstr "say "hi""\n', 2, 13, 'a " inside a string must be written \\"'),
        ('msgid "a"\nmsgstr "tab\\x09"\n', 2, 12, "the escape \\x is not read"),
        ('"loose"\nmsgid "a"\nmsgstr "b"\n', 1, 1, "a string outside a msgid or msgstr"),
        ('msgid "a"\nmsgstri "b"\n', 2, 1, "unknown keyword 'msgstri'"),
        ('#-#-#-#-# conflict\nmsgid "a"\nmsgstr "b"\n', 1, 1, "a merge conflict marker"),
    ],
)
def test_what_the_reader_does_not_read_is_refused_at_its_place(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(text.encode(), Path("leaflet/locale/cy/LC_MESSAGES/leaflet.po"))
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.location.column) == (line, column)
    assert problem.location.file.endswith("leaflet.po")
    assert message in problem.message
    assert str(problem).count("\n") == 0


def test_a_catalogue_that_is_not_utf8_is_refused_at_its_byte() -> None:
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(b'msgid "a"\nmsgstr "caf\xe9"\n', "x.po")
    assert str(caught.value) == "x.po:2:12: error: not UTF-8"


def test_dates_are_kept_by_language_date_and_form() -> None:
    # The footer asks for the same dates on every page: each is written by Babel once per
    # process, kept by the language's tag, the date and whether it is a month only.
    from datetime import date

    from leaflet.i18n import _date, furniture

    _date.cache_clear()
    d = date(2026, 11, 26)
    assert furniture("en-GB").date(d) == "26 November 2026"
    assert furniture("en-GB").date(d) == "26 November 2026"
    assert _date.cache_info().hits == 1
    assert furniture("cy").date(d) == "26 Tachwedd 2026"
    assert furniture("en-GB").date(date(2026, 11, 27)) == "27 November 2026"
    assert furniture("en-GB").date(d, month_only=True) == "November 2026"
    assert furniture("en-US").date(d) == "November 26, 2026"
    assert _date.cache_info().maxsize is not None
