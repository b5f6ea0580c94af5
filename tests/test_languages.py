"""Leaflets in the languages patients read: the tool's own words, dates, fonts and scripts.

The test leaflets in tests/data/langs/ are short texts written for these tests;
each is built and read back (poppler's pdftotext and the structure tree) and
compared with its source words.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from leaflet.build import build_editions
from leaflet.cli import main
from leaflet.i18n import LOCALE_DIR, available, furniture
from tests.conftest import require_tool

LANGS = Path(__file__).resolve().parent / "data" / "langs"


def catalogue(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "leaflet.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test leaflet in its standard edition."""
    out = tmp_path_factory.mktemp("langs")
    paths = {}
    for content in sorted(LANGS.glob("*.yaml")):
        (made,) = build_editions(content, ["standard"], output=out / f"{content.stem}.pdf")
        paths[content.stem] = made.path
    return paths


# ---------------------------------------------------------------- the catalogues


def test_the_catalogues_shipped() -> None:
    assert available() == ("ar", "bn", "cy", "en", "pl", "ur")


@pytest.mark.parametrize("lang", ["cy", "pl", "ar", "ur", "bn"])
def test_every_catalogue_translates_every_message_keeping_its_fields(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert set(other) == set(english)
    for message, translated in other.items():
        assert translated and translated != message, message
        assert sorted(re.findall(r"\{\w+\}", translated)) == sorted(re.findall(r"\{\w+\}", message))


def test_dates_come_from_cldr() -> None:
    from datetime import date

    d = date(2026, 11, 26)
    assert furniture("en-GB").date(d) == "26 November 2026"
    assert furniture("cy").date(d) == "26 Tachwedd 2026"
    assert furniture("pl").date(d) == "26 listopada 2026"


def test_a_language_without_a_catalogue_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (LANGS / "cy.yaml").read_text("utf-8").replace("language: cy", "language: fa")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "language: fa" in t)
    src = tmp_path / "fa.yaml"
    src.write_text(text, "utf-8")
    out = tmp_path / "fa.pdf"
    assert main(["build", str(src), "-o", str(out), "--edition", "standard"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"{src}:{line}:13: error: metadata.language:"), err
    assert "'fa'" in err[0] and "ar, bn, cy, en, pl, ur" in err[0]
    assert not out.exists()


# ---------------------------------------------------------------- Welsh


def test_welsh_furniture_is_welsh(built: dict[str, Path]) -> None:
    text = pdftotext(built["cy"])
    for expected in (
        "Yn y daflen hon",
        "Am y daflen hon",
        "Tudalen 1 o 2",
        "Cyhoeddwyd 26 Tachwedd 2026",
        "Adolygiad nesaf 26 Tachwedd 2028",
        "Cyhoeddwr: MS Society.",
        "Ar-lein: https://www.mssociety.org.uk",
    ):
        assert expected in text, expected
    for english in ("In this leaflet", "Page 1", "Published", "Next review", "About this leaflet"):
        assert english not in text


def test_welsh_link_descriptions_are_welsh(built: dict[str, Path]) -> None:
    reader = PdfReader(built["cy"])
    contents = {str(a.get_object()["/Contents"]) for page in reader.pages for a in page.get("/Annots", [])}
    assert "Ewch i Beth yw blinder?" in contents
    assert "Agorwch https://www.mssociety.org.uk mewn porwr gwe" in contents
    assert not any(c.startswith(("Go to", "Open ")) for c in contents)


# ---------------------------------------------------------------- every script, read back

SCRIPTS = ("cy", "pl", "ar", "ur", "bn")
RTL = ("ar", "ur")
#: Marks poppler puts around right-to-left text in pdftotext's output; not the leaflet's words.
BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


def source_strings(lang: str) -> list[str]:
    """What the leaflet says, in order: title, introduction, each heading and its words."""
    from leaflet.content.loader import load_leaflet
    from tests.test_real_pages import block_words, section_words

    leaflet = load_leaflet(LANGS / f"{lang}.yaml")
    out = [leaflet.metadata.title, *block_words(leaflet.introduction)]
    for section in leaflet.sections:
        out += list(section_words(section))
    return [unicodedata.normalize("NFC", " ".join(s.split())) for s in out]


def struct_text(path: Path) -> str:
    """The words of the structure tree in order, as poppler reads them (`pdfinfo -struct-text`)."""
    out = subprocess.run(
        [require_tool("pdfinfo"), "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    leaves = re.findall(r'^\s*"(.*)"\s*$', out, re.M)
    return unicodedata.normalize("NFC", " ".join(" ".join(leaves).split()))


def assert_in_order(text: str, expected: list[str], what: str) -> None:
    pos = 0
    for words in expected:
        found = text.find(words, pos)
        assert found >= 0, f"{what}: not found in order: {words!r}\nin: {text[pos : pos + 300]!r}"
        pos = found + len(words)


@pytest.mark.parametrize("lang", SCRIPTS)
def test_the_structure_reads_the_source_words_in_order(built: dict[str, Path], lang: str) -> None:
    """What a screen reader is given (the structure tree's text): the words as written, in order."""
    assert_in_order(struct_text(built[lang]), source_strings(lang), f"{lang} structure")


@pytest.mark.parametrize("lang", SCRIPTS)
def test_pdftotext_reads_the_source_characters_in_order(built: dict[str, Path], lang: str) -> None:
    """pdftotext reads the page by position: the same characters in the same order.

    It decides for itself where words break (a gap between two glyphs of a
    conjunct can read as a space), so spaces are left out of the comparison.
    (What a screen reader reads is the structure tree: compared word for word above.)
    """
    page = unicodedata.normalize("NFC", pdftotext(built[lang]).translate(BIDI_MARKS))
    expected = source_strings(lang)
    if lang in RTL:
        # Right to left, poppler puts a full stop that ends a Latin run (". MS Society")
        # by its own reading of the line: letters and digits are compared, in order.
        page, expected = letters(page), [letters(s) for s in expected]
    assert_in_order("".join(page.split()), ["".join(s.split()) for s in expected], f"{lang} pdftotext")


def letters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNM")


@pytest.mark.parametrize("lang", SCRIPTS)
def test_the_document_is_in_the_leaflet_language(built: dict[str, Path], lang: str) -> None:
    from tests.pdf.reader import read_tree

    reader = PdfReader(built[lang])
    assert str(reader.trailer["/Root"]["/Lang"]) == lang
    assert read_tree(reader).attrs.get("Lang", lang) == lang
    # The tool's words are in the leaflet's language: none carries another Lang.
    assert {e.attrs["Lang"] for _, e in read_tree(reader).walk() if "Lang" in e.attrs} <= {lang}


@pytest.mark.parametrize("lang", RTL)
def test_a_right_to_left_page_is_a_mirror(built: dict[str, Path], lang: str) -> None:
    """Text ragged on the left, list markers at the right, contents numbers at the left."""
    from pypdf import PdfReader as Reader

    page = Reader(built[lang]).pages[0]
    width = float(page.mediabox.width)
    spans: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            spans.append((tm[4] * cm[0] + cm[4], text))

    page.extract_text(visitor_text=visit)
    bullets = [x for x, t in spans if t.strip() == "•"]
    assert bullets and all(x > width * 0.6 for x in bullets), bullets
    numbers = [x for x, t in spans if t.strip().isdigit() and len(t.strip()) == 1]
    assert numbers and min(numbers) < width * 0.3, numbers


def test_shaping_draws_what_harfbuzz_draws() -> None:
    """The glyphs placed for a Bengali and an Arabic line are HarfBuzz's own, in its visual order."""
    import uharfbuzz as hb

    from leaflet.fontfiles import family_files
    from leaflet.pdf.shaping import SILENT, Piece, shape_line

    for family, text, rtl in (
        ("Noto Sans Bengali", "ক্লান্তি কোথায় স্ক্যান", False),
        ("Noto Sans Arabic", "للأشخاص على التحدث", True),
    ):
        path, _ = family_files(family)
        line = shape_line([Piece("f", path, 12, text)], rtl)
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(hb.Font(face), buf, {"kern": True, "liga": True})
        theirs = [i.codepoint for i in buf.glyph_infos]
        drawn = [
            g.gid for g in sorted(line.glyphs, key=lambda g: (g.x, -g.advance)) if g.advance or not g.text
        ]
        ours = [g for g in drawn if g in set(theirs)]
        assert sorted(ours) == sorted(theirs), family
        # Every character of the text is read back once, in order, from the glyphs (a vowel
        # drawn in two parts as its two canonical parts); a glyph that stands for none, silently.
        read = "".join(g.text for g in line.glyphs).replace(SILENT, "")
        assert unicodedata.normalize("NFC", read) == text
        assert all(g.text for g in line.glyphs), "every glyph reads as something (pdf.js)"


def test_a_missing_glyph_names_the_character_the_font_and_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (LANGS / "bn.yaml").read_text("utf-8").replace("বাড়িতে বিশ্রাম", "বাড়িতে ሀ বিশ্রাম")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "ሀ" in t)
    col = text.splitlines()[line - 1].index("ሀ") + 1
    src = tmp_path / "bn.yaml"
    src.write_text(text, "utf-8")
    assert main(["build", str(src), "-o", str(tmp_path / "bn.pdf"), "--edition", "standard"]) == 2
    err = capsys.readouterr().err
    assert f"{src}:{line}:{col}: error:" in err, err
    assert "U+1200 ETHIOPIC SYLLABLE HA" in err and "Noto Sans Bengali" in err, err


def test_the_refusal_of_scripts_is_lifted_only_for_the_leaflet_s_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Bengali leaflet sets Bengali (the danda too); Tamil in it, or Bengali in English, is refused."""
    from leaflet.content.scripts import settable_in

    assert settable_in("bn") >= {"Bengali"} and "Arabic" in settable_in("ur") and not settable_in("en-GB")
    text = (LANGS / "bn.yaml").read_text("utf-8").replace("বাড়িতে বিশ্রাম", "বাড়িতে ஓ বিশ্রাম")
    src = tmp_path / "bn.yaml"
    src.write_text(text, "utf-8")
    assert main(["build", str(src), "-o", str(tmp_path / "bn.pdf"), "--edition", "standard"]) == 2
    err = capsys.readouterr().err
    assert "text in the Tamil script" in err and "Bengali script" not in err, err


def test_bold_welsh_is_drawn_bold(built: dict[str, Path]) -> None:
    """ŵ and ŷ in a bold heading come from a bold face, not the regular one."""
    out = subprocess.run(
        [require_tool("pdffonts"), str(built["cy"])], capture_output=True, text=True, check=True
    ).stdout
    faces = {line.split()[0].split("+")[-1] for line in out.splitlines()[2:]}
    assert any(f.startswith("NotoSans") and "Bold" in f for f in faces), faces


@pytest.mark.parametrize("lang", SCRIPTS)
def test_pdfua_finds_nothing(built: dict[str, Path], lang: str) -> None:
    import pdfua

    report = pdfua.validate(str(built[lang]))
    findings = [f for f in report.findings if str(getattr(f, "severity", "")).lower().endswith("error")]
    assert findings == [], findings


def test_a_right_to_left_booklet_opens_from_the_other_side() -> None:
    from leaflet.pdf.impose import saddle_order

    assert saddle_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_order(8, rtl=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]


# ---------------------------------------------------------------- check, by language


def test_reading_age_formulas_only_for_english() -> None:
    """SMOG and Flesch–Kincaid are English formulas: another language gets one note, at its line."""
    from datetime import date

    from leaflet.checks import run_checks
    from leaflet.content.loader import load_leaflet

    for lang in SCRIPTS:
        leaflet = load_leaflet(LANGS / f"{lang}.yaml")
        found = [p for p in run_checks(leaflet, today=date(2027, 1, 1)) if p.rule == "plain/reading-age"]
        assert len(found) == 1, (lang, found)
        (note,) = found
        line = next(
            i
            for i, t in enumerate((LANGS / f"{lang}.yaml").read_text("utf-8").splitlines(), 1)
            if "language:" in t
        )
        assert note.location.line == line
        assert f"no reading-age formula is valid for '{lang}'" in note.message


@pytest.mark.parametrize("lang", SCRIPTS)
def test_every_edition_builds_and_reads_back(tmp_path: Path, lang: str) -> None:
    """Standard, large print, A5 and its booklet, press: each built; each tagged one reads the title first."""
    made = build_editions(LANGS / f"{lang}.yaml", None, output=tmp_path / f"{lang}.pdf")
    assert {b.edition for b in made} == {"standard", "large-print", "a5", "booklet", "press"}
    title = source_strings(lang)[0]
    for b in made:
        if b.edition != "booklet":
            assert title in struct_text(b.path), (lang, b.edition)
