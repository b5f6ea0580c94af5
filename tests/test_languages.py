"""Leaflets in the languages patients read: the tool's own words, dates, fonts and scripts.

The test leaflets in tests/data/langs/ are short texts written for these tests;
each is built and read back (poppler's pdftotext and the structure tree) and
compared with its source words.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from pypdf import PdfReader

from leaflet.build import build_editions
from leaflet.cli import main
from leaflet.errors import ContentError
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
    assert "Ewch i Beth yw blinder MS?" in contents
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
    from leaflet.pdf.shaping import Piece, shape_line

    for family, text, rtl in (
        ("Noto Sans Bengali", "ক্লান্তি কোথায় স্ক্যান লক্ষণ কিন্তু", False),
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
        # drawn in two parts, ো, as its two canonical parts, ে া).
        assert unicodedata.normalize("NFC", "".join(g.text for g in line.glyphs)) == text


@pytest.mark.parametrize(
    ("family", "text"),
    [("Noto Sans Arabic", "على الأعمال لا"), ("Noto Sans Arabic", "ہیلپ لائن")],
)
def test_the_glyphs_that_read_back_a_ligature_draw_nothing(family: str, text: str) -> None:
    """Right to left, a ligature's characters read back through glyphs of their own: without ink.

    (Noto Sans Arabic draws U+200D as a visible mark, which sat over every lam-alef and
    'على' on the page.)
    """
    import uharfbuzz as hb

    from leaflet.fontfiles import family_files
    from leaflet.pdf.shaping import Piece, shape_line

    path, _ = family_files(family)
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    harfbuzz = {i.codepoint for i in buf.glyph_infos}
    line = shape_line([Piece("f", path, 12, text)], True)
    added = [g for g in line.glyphs if g.gid not in harfbuzz]
    assert added, "no ligature in the test text"
    for g in added:
        extents = font.get_glyph_extents(g.gid)
        assert (extents.width, extents.height) == (0, 0), (g, font.get_glyph_name(g.gid))
    assert "".join(g.text for g in line.glyphs) == text


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


@pytest.mark.parametrize("lang", SCRIPTS)
def test_the_printer_s_note_is_in_the_leaflet_s_language_and_draws_its_latin(
    tmp_path: Path, lang: str
) -> None:
    """The booklet's last sheet: the print instructions from the catalogue, every character from a
    face that has it ("A5" in a Bengali or Urdu note is drawn by the Latin text family, not by a
    Bengali or Nastaliq face that lacks it and would print a box)."""
    from leaflet.editions import BOOKLET_NOTE

    (made,) = [
        b
        for b in build_editions(LANGS / f"{lang}.yaml", ["booklet"], output=tmp_path / f"{lang}.pdf")
        if b.edition == "booklet"
    ]
    reader = PdfReader(made.path)
    expected = catalogue(lang)[BOOKLET_NOTE]
    assert expected and expected != BOOKLET_NOTE
    last = str(len(reader.pages))
    read = unicodedata.normalize("NFC", pdftotext(made.path, "-f", last, "-l", last).translate(BIDI_MARKS))
    assert letters(read) == letters(expected), (read, expected)
    # Each character is drawn by a face that has it: the Latin ones by the text family.
    drawn: dict[str, str] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: float) -> None:
        if font is not None and text.strip():
            face = str(font["/BaseFont"]).split("+")[-1]  # type: ignore[index]
            drawn[face] = drawn.get(face, "") + text

    reader.pages[-1].extract_text(visitor_text=visit)
    latin = {face for face, text in drawn.items() if re.search("[A-Za-z]", text)}
    assert latin and all(face.startswith("AtkinsonHyperlegible") for face in latin), drawn


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


# ---------------------------------------------------------------- lines broken with shaped widths


def bbox_lines(path: Path) -> list[tuple[int, list[tuple[float, float, float, float]]]]:
    """For each page, its lines as (xMin, xMax, yMax, height), top to bottom, from pdftotext -bbox-layout.

    The footer's lines (pieces joined by " · ") are left out: they are not a paragraph's.
    """
    import xml.etree.ElementTree as ET

    xml = re.sub(r"<!DOCTYPE[^>]*>|xmlns=\"[^\"]*\"", "", pdftotext(path, "-bbox-layout"))
    pages = []
    for number, page in enumerate(ET.fromstring(xml).iter("page"), 1):
        lines = [
            (
                float(line.get("xMin", 0)),
                float(line.get("xMax", 0)),
                float(line.get("yMax", 0)),
                float(line.get("yMax", 0)) - float(line.get("yMin", 0)),
            )
            for block in page.iter("block")
            if "·" not in "".join(block.itertext())
            for line in block.iter("line")
        ]
        pages.append((number, sorted(lines, key=lambda line: line[2])))
    return pages


@pytest.mark.parametrize("lang", ["ar", "ur", "bn"])
def test_shaped_lines_fill_their_column_and_never_overrun_it(tmp_path: Path, lang: str) -> None:
    """Lines are broken with the widths HarfBuzz draws, not the letters' own widths.

    No line drawn in the standard or large-print edition reaches outside the column;
    every line of a paragraph but its last is nearly full (broken with the letters' own
    widths, an Arabic line ended a quarter of the column short, and a Nastaliq one would
    overrun). Two lines are of one paragraph when both start at the column's edge (the
    right edge, right to left), are of one height (one size) and the second is one body
    leading below the first.
    """
    from leaflet.editions import EDITIONS
    from leaflet.style import load_theme

    made = build_editions(
        LANGS / f"{lang}.yaml", ["standard", "large-print"], output=tmp_path / f"{lang}.pdf"
    )
    full = 0
    for b in made:
        theme = load_theme(EDITIONS[b.edition].style).for_language(lang)
        page, leading = theme.page, theme.style("body").leading
        left, right = page.margin_left, page.width - page.margin_right
        column = right - left
        for number, lines in bbox_lines(b.path):
            for x0, x1, _, _ in lines:
                assert x0 >= left - 1 and x1 <= right + 1, (b.edition, number, x0, x1, left, right)
            at_edge = [line for line in lines if abs(right - line[1] if lang in RTL else line[0] - left) < 1]
            for (x0, x1, y, high), (_, _, below, next_high) in itertools.pairwise(at_edge):
                if abs(below - y - leading) < 1.5 and abs(high - next_high) < 0.5:
                    assert x1 - x0 > 0.8 * column, (b.edition, number, x0, x1, column)
                    full += 1
    assert full >= 4, "no paragraph of several lines was measured"


# ---------------------------------------------------------------- Urdu in Nastaliq


NASTALIQ_LINE = "ایم ایس کی تھکاوٹ کیا ہے؟ ہیلپ لائن کو فون کریں"


def test_urdu_is_set_in_nastaliq() -> None:
    from leaflet.fonts import font_set
    from leaflet.style import load_theme

    for sheet in ("default", "large-print", "booklet", "press"):
        assert font_set(load_theme(sheet), "ur").text.name == "Noto Nastaliq Urdu", sheet
        assert font_set(load_theme(sheet), "ar").text.name == "Noto Sans Arabic", sheet


def test_nastaliq_is_drawn_where_harfbuzz_places_it() -> None:
    """Every glyph of a Nastaliq line at HarfBuzz's own place: its id, its x, and its y.

    Nastaliq joins each word on a slope: the glyphs of a word sit above the baseline by
    the offsets of cursive attachment, and the dots and marks by their anchors. A line
    drawn without those offsets would be a row of disjointed letters.
    """
    import uharfbuzz as hb

    from leaflet.fontfiles import family_files
    from leaflet.pdf.shaping import Piece, _invisible, shape_line

    path, _ = family_files("Noto Nastaliq Urdu")
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(NASTALIQ_LINE)
    buf.guess_segment_properties()
    hb.shape(font, buf, {"kern": True, "liga": True})
    size = 12.0
    scale = size / face.upem
    theirs, pen = [], 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        theirs.append((info.codepoint, round(pen + pos.x_offset * scale, 3), round(pos.y_offset * scale, 3)))
        pen += pos.x_advance * scale
    line = shape_line([Piece("f", path, size, NASTALIQ_LINE)], True)
    # (Each word's characters are read back through invisible glyphs of their own, as below.)
    reading = _invisible(path)
    ours = [(g.gid, round(g.x, 3), round(g.y, 3)) for g in line.glyphs if g.gid != reading or not g.text]
    assert sorted(ours) == sorted(theirs)
    assert sum(1 for _, _, y in theirs if y) > 10, "no glyph raised: not Nastaliq's cursive attachment"
    assert "".join(g.text for g in line.glyphs) == NASTALIQ_LINE


def test_the_urdu_page_draws_nastaliq_with_its_offsets_and_room_between_lines(built: dict[str, Path]) -> None:
    """In the PDF: Nastaliq embedded (and its bold), glyphs raised (Ts), lines 1.4 times further apart."""
    from leaflet.style import load_theme

    fonts = subprocess.run(
        [require_tool("pdffonts"), str(built["ur"])], capture_output=True, text=True, check=True
    ).stdout
    faces = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert {"NotoNastaliqUrdu-Regular", "NotoNastaliqUrdu-Bold"} <= faces, faces
    content = b"".join(PdfReader(built["ur"]).pages[0].get_contents().get_data().split(b"\n"))
    rises = {float(v) for v in re.findall(rb"(-?[0-9.]+) Ts", content)} - {0.0}
    assert len(rises) > 20, rises
    # Each line of a paragraph moves down by the text object's leading (TL): the body's times 1.4.
    body = load_theme("default").style("body")
    leadings = {round(float(v), 1) for v in re.findall(rb"([0-9.]+) TL", content)}
    assert round(body.leading * 1.4, 1) in leadings, (leadings, body.leading)
    assert round(body.leading, 1) not in leadings, leadings


@pytest.mark.parametrize("lang", ["en", "cy", "pl", "ar", "ur", "bn"])
def test_each_compiled_catalogue_is_its_po_as_babel_compiles_it(lang: str) -> None:
    """The `.mo` the tool reads is in step with the `.po` translators edit (after an edit:
    `python -m leaflet.i18n`), and gives every translation the `.po` holds."""
    from leaflet.i18n import _catalogue, compiled

    po = LOCALE_DIR / lang / "LC_MESSAGES" / "leaflet.po"
    assert po.with_suffix(".mo").read_bytes() == compiled(po), "run: python -m leaflet.i18n"
    read = _catalogue(lang)
    for message, translated in catalogue(lang).items():
        if translated:
            assert read.gettext(message) == translated


def test_no_polish_line_ends_with_a_one_letter_word(tmp_path: Path) -> None:
    """Polish typesetting keeps "w", "z", "i", "a", "o", "u" with the word after them, in every
    edition and on the web page."""
    require_tool("pdftotext")
    built = build_editions(
        LANGS / "pl.yaml", ["standard", "large-print", "booklet", "press", "web"], None, tmp_path
    )
    ends = []
    for pdf in (b.path for b in built if b.path.suffix == ".pdf"):
        for line in pdftotext(pdf).splitlines():
            last = line.split()[-1] if line.split() else ""
            if len(last) == 1 and last.isalpha():
                ends.append((pdf.name, line))
    assert ends == []
    # The rule was needed: the test leaflet has one-letter words to keep, and each is kept.
    page = next(b.path for b in built if b.path.suffix == ".html").read_text("utf-8")
    assert re.search(r"(?<=\s)[wzioau]\u00a0\w", page)
    assert not re.search(r"(?<=\s)[wzioau] \w", page.split("<main", 1)[1])


def _tofu(pdf: Path) -> list[tuple[int, str, str]]:
    """Each character drawn with its font's "no such glyph" shape (an empty box on paper): the page,
    the font and the character. A drawn code whose glyph in the embedded font has the outline of
    the font's first glyph (.notdef) is one; white space, which draws nothing, is left out."""
    from io import BytesIO

    from fontTools.ttLib import TTFont
    from pypdf.generic import ContentStream

    from tests.pdf.reader import _unicode_map

    reader = PdfReader(pdf)
    found = []
    for number, page in enumerate(reader.pages, 1):
        fonts = {}
        for name, ref in page["/Resources"].get("/Font", {}).items():
            font = ref.get_object()
            if "/FontDescriptor" not in font:
                continue  # one of the 14 standard fonts: never in a leaflet
            face = TTFont(BytesIO(font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()))
            glyf = face["glyf"]
            missing = glyf[face.getGlyphOrder()[0]].compile(glyf)
            cmap: dict[int, str] = {}
            for table in face["cmap"].tables:
                cmap.update(table.cmap)
            # A code the font's cmap does not map draws .notdef; so does one mapped to its outline.
            drawn = {code for code, glyph in cmap.items() if glyf[glyph].compile(glyf) != missing}
            fonts[name] = (str(font["/BaseFont"]).split("+")[-1], drawn, _unicode_map(font))
        current = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                current = operands[0]
            elif op in (b"Tj", b"TJ") and current in fonts:
                base, drawn, chars = fonts[current]
                for item in operands[0] if op == b"TJ" else [operands[0]]:
                    for code in getattr(item, "original_bytes", b""):
                        char = chars.get(code, "?")
                        if code not in drawn and not char.isspace():
                            found.append((number, base, char))
    return found


def _everything_in(lang: str, folder: Path) -> Path:
    """The language's test leaflet with one more section made of its own sentences in every kind of
    markup that adds characters of the tool's own: a link with its address printed, a citation, a
    note, a numbered list and a quotation with its speaker."""
    data = yaml.safe_load((LANGS / f"{lang}.yaml").read_text("utf-8"))
    data.get("metadata", {}).pop("translated_from", None)
    first, second = data["sections"][0], data["sections"][1]
    sentence, bullets = first["content"][0], second["content"][1]["bullets"]
    data["sections"].append(
        {
            "heading": first["heading"] + " 2",
            "content": [
                f"{sentence} [{bullets[0].rstrip('.۔।')}](https://www.mssociety.org.uk) [@report] [^more]",
                {"numbered": list(bullets)},
                {"quote": {"text": sentence, "who": data["metadata"]["organisation"]}},
            ],
            "notes": [{"id": "more", "text": bullets[1]}],
        }
    )
    data["references"] = [{"id": "report", "title": "A published report", "date": 2024}]
    path = folder / f"{lang}-everything.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("lang", ["ar", "ur", "bn", "cy", "pl"])
def test_no_character_is_drawn_as_an_empty_box(tmp_path: Path, lang: str) -> None:
    """Brackets round a printed address, a citation's and a note's, list numbers, bullets and
    dashes are the tool's own characters: each is drawn from a font that has it, in every script."""
    content = _everything_in(lang, tmp_path)
    built = build_editions(content, ["standard", "large-print", "press"], None, tmp_path / "out")
    for pdf in (b.path for b in built):
        assert _tofu(pdf) == [], pdf.name


def test_an_empty_box_is_found_where_there_is_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: with no fallback family, the brackets round an Arabic leaflet's
    printed address are drawn in Noto Sans Arabic, which has none, and are found."""
    from leaflet.fonts import RegisteredFamily

    monkeypatch.setattr(RegisteredFamily, "covers_all", lambda self, text: True)
    content = _everything_in("ar", tmp_path)
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    assert {"(", ")"} <= {char for _, font, char in _tofu(built.path) if font == "NotoSansArabic-Regular"}


def test_brackets_inside_right_to_left_text_enclose_what_they_enclose() -> None:
    """A printed address and a citation in Arabic text: "(" stands right of the address and ")"
    left of it, each bracket pair mirrored as one (the bidirectional algorithm's rule N0)."""
    from leaflet.fontfiles import family_files
    from leaflet.pdf.shaping import Piece, directions, shape_line

    arabic, _ = family_files("Noto Sans Arabic")
    latin, _ = family_files("Atkinson Hyperlegible")
    words, address = "موقع الجمعية", " (https://www.mssociety.org.uk) [1]"
    line = shape_line([Piece("a", arabic, 12, words), Piece("l", latin, 12, address)], True)
    x = {g.text: g.x for g in line.glyphs if g.text in ("(", ")", "[", "]", "h", "k")}
    assert x["("] > x["k"] > x["h"] > x[")"] > x["["] > x["]"]  # the address itself left to right
    # Both brackets of each pair go right to left, with the words around them; what is inside keeps its own way.
    marks = "".join("R" if r else "L" for r in directions(words + address, True))
    text = words + address
    assert [marks[text.index(c)] for c in "()[]"] == ["R"] * 4
    assert marks[text.index("https")] == "L" and marks[text.index("1")] == "L"


def _bbox_words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (html.unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
        for m in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out
        )
    ]


def _underlines(reader: PdfReader, page: int) -> list[tuple[float, float, float]]:
    """Each horizontal line drawn on the page: (x from, x to, y), in the page's own coordinates."""
    from pypdf.generic import ContentStream

    from tests.pdf.grey import _multiply

    lines, ctm, stack, start = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], (0.0, 0.0)
    for operands, op in ContentStream(reader.pages[page - 1].get_contents(), reader).operations:
        if op == b"q":
            stack.append(list(ctm))
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == b"m":
            start = (float(operands[0]), float(operands[1]))
        elif op == b"l" and abs(float(operands[1]) - start[1]) < 1e-6:
            x1, x2, y = start[0], float(operands[0]), start[1]
            points = [(ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]) for x in (x1, x2)]
            lines.append((min(p[0] for p in points), max(p[0] for p in points), points[0][1]))
    return lines


def test_a_right_to_left_link_is_underlined_and_clickable_where_its_words_are(tmp_path: Path) -> None:
    """In Arabic lines, each link's area covers its own words as drawn (not where they would stand
    left to right), and each underline lies under a link's words."""
    require_tool("pdftotext")
    content = _everything_in("ar", tmp_path)
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    reader = PdfReader(built.path)
    link_words = yaml.safe_load(content.read_text("utf-8"))["sections"][1]["content"][1]["bullets"][0]
    checked, about = 0, False
    for number, page in enumerate(reader.pages, 1):
        height = float(page.mediabox.height)
        links = [a.get_object() for a in page.get("/Annots", [])]
        areas = [[float(v) for v in a["/Rect"]] for a in links]
        words = _bbox_words(built.path, number)
        for annotation, (x1, y1, x2, y2) in zip(links, areas, strict=True):
            inside = [
                w for w, a, b, c, d in words if x1 <= (a + c) / 2 <= x2 and y1 <= height - (b + d) / 2 <= y2
            ]
            uri = annotation.get("/A", {}).get("/URI")
            if uri == "https://www.mssociety.org.uk" and "https://www.mssociety.org.uk" in inside:
                assert inside == ["https://www.mssociety.org.uk"], inside  # the About line's address alone
                about = True
                checked += 1
            elif uri == "https://www.mssociety.org.uk":
                # The section's link, its words Arabic: the area holds those words' letters, no others.
                assert inside and set("".join(inside)) <= set(link_words), inside
                checked += 1
            elif "/Dest" in annotation and any("[" in w for w in inside):
                # A citation's or a note's marker: its area holds the marker alone.
                assert all(set(w) <= set("[]0123456789") | set("ملاحظة ") for w in inside), inside
                checked += 1
        column = float(page.mediabox.width) * 0.6
        for left, right, y in _underlines(reader, number):
            if right - left > column:
                continue  # a rule across the page (the footer's), not an underline
            assert any(
                x1 - 1 <= left and right <= x2 + 1 and y1 - 4 <= y <= y2 for x1, y1, x2, y2 in areas
            ), (
                number,
                left,
                right,
                y,
            )
            checked += 1
    assert about and checked >= 5


def test_figures_in_right_to_left_text_read_as_a_browser_reads_them() -> None:
    """In Arabic text, a range "2–3" reads from the right (2, then 3: the dash goes with the
    Arabic, as the bidirectional algorithm's rule N1 sets it and a browser draws it); a phone
    number with its "+" and its groups, a time, a decimal, a share and hyphenated figures each
    stay one number, left to right, and the page isolates each so that a browser agrees."""
    from leaflet.fontfiles import family_files
    from leaflet.pdf.shaping import Piece, shape_line
    from leaflet.web.page import typeset

    arabic, _ = family_files("Noto Sans Arabic")

    def xs(text: str) -> list[float]:
        """Where each character of `text` is drawn: its glyph's x (a character of a ligature, its first glyph's)."""
        line = shape_line([Piece("a", arabic, 12, text)], True)
        found: dict[int, float] = {}
        at = 0
        for glyph in line.glyphs:  # in logical order, each with the characters it stands for
            for k in range(len(glyph.text)):
                found.setdefault(at + k, glyph.x)
            at += len(glyph.text)
        return [found[i] for i in range(len(text))]

    text = "من 2–3 مرات"
    x = xs(text)
    assert x[text.index("2")] > x[text.index("–")] > x[text.index("3")]
    for number in ("+44 808 800 8000", "10:30", "1.5", "50%", "3-4"):
        text = f"اتصل {number} الآن"
        x = xs(text)
        start = text.index(number)
        drawn = x[start : start + len(number)]
        assert drawn == sorted(drawn), (number, drawn)  # left to right, in the order written
        assert x[start - 2] > max(drawn) and x[start + len(number) + 1] < min(drawn)  # between the words
    kept = "+44\u00a0808\u00a0800\u00a08000"
    assert f'<bdi dir="ltr">{kept}</bdi>' in typeset("<p>اتصل +44 808 800 8000 الآن</p>", "ar")
    for number in ("0808-800-8000", "10:30", "3-4", "50%"):
        assert f'<bdi dir="ltr">{number}</bdi>' in typeset(f"<p>اتصل {number} الآن</p>", "ar"), number
    # Figures in a name are read with its letters: isolated, "A4" was drawn "4A".
    for name in ("A4", "B12", "COVID-19", "12.5mg", "10:30am"):
        assert typeset(f"<p>اتصل {name} الآن</p>", "ar") == f"<p>اتصل {name} الآن</p>", name


def test_figures_in_a_right_to_left_passage_of_a_left_to_right_page_are_isolated(tmp_path: Path) -> None:
    """An Arabic line in an English page sets its figures as an Arabic page does (each run an
    isolate, left to right); the English words around it keep their figures as they are."""
    from leaflet.content.loader import load_leaflet
    from leaflet.web.page import render_page, typeset

    html = (
        '<p>Call 0808 800 8000, 3-4 times.</p><p lang="ar" dir="rtl">اتصل <strong>0808-800-8000</strong>'
        '<br>من 10:30 <img alt="" src="x.png"> أو +44 808 800 8000</p><p>Back at 10:30 and 3-4.</p>'
    )
    set_html = typeset(html, "en-GB")
    arabic = set_html.split('dir="rtl">', 1)[1].split("</p>", 1)[0]
    assert '<bdi dir="ltr">0808-800-8000</bdi>' in arabic
    assert '<bdi dir="ltr">10:30</bdi>' in arabic
    assert '<bdi dir="ltr">+44\u00a0808\u00a0800\u00a08000</bdi>' in arabic
    english = set_html.replace(arabic, "")
    assert "<bdi" not in english
    assert "0808\u00a0800\u00a08000" in english and "Back at 10:30 and 3-4." in english
    # In a leaflet: the passage's phone number, isolated on the page.
    data = yaml.safe_load((LANGS / "en.yaml").read_text("utf-8"))
    data["metadata"].pop("translated_from", None)
    data["sections"][0]["content"].append({"paragraph": "اتصل على 0808 800 8000 الآن", "lang": "ar"})
    content = tmp_path / "passage.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    page = render_page(load_leaflet(content), "assets/x.css")
    assert '<p lang="ar" dir="rtl">اتصل على <bdi dir="ltr">0808\u00a0800\u00a08000</bdi> الآن</p>' in page


def test_a_right_to_left_table_runs_its_columns_from_the_right(tmp_path: Path) -> None:
    """The first column (the rows' names) stands at the right in Arabic, the next to its left:
    the order a reader of Arabic reads them in, and the page's (it drew them left to right)."""
    require_tool("pdftotext")
    data = yaml.safe_load((LANGS / "ar.yaml").read_text("utf-8"))
    data["sections"][0]["content"].append(
        {
            "table": {
                "caption": "متى تستريح",
                "header_column": True,
                "header": ["", "الصباح", "الظهر", "المساء"],
                "rows": [["راحة قصيرة", "10 دقائق", "15 دقيقة", "20 دقيقة"]],
            }
        }
    )
    content = tmp_path / "ar-table.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    # (pdftotext gives Arabic words letter by letter, with their boxes: the figures tell the columns.)
    placed = {w: (a + c) / 2 for page in (1, 2) for w, a, _, c, _ in _bbox_words(built.path, page)}
    order = ["10", "15", "20"]
    assert all(w in placed for w in order), placed
    assert placed["10"] > placed["15"] > placed["20"], placed


def test_lists_and_tables_in_a_language_written_the_other_way_are_drawn_as_its_mirror(tmp_path: Path) -> None:
    """An Urdu section's list in an English leaflet has its bullets at the right of its words,
    and an Arabic table its first column at the right; an English list and table in an Arabic
    leaflet have theirs at the left. (They were laid out the page's way.)"""
    require_tool("pdftotext")
    english = yaml.safe_load((LANGS / "en.yaml").read_text("utf-8"))
    english["metadata"].pop("translated_from", None)
    urdu = yaml.safe_load((LANGS / "ur.yaml").read_text("utf-8"))["sections"][1]
    english["sections"].append({**urdu, "lang": "ur"})
    table = {"header": ["", "10", "20"], "header_column": True, "rows": [["30", "40", "50"]]}
    english["sections"].append({"heading": "جدول", "lang": "ar", "content": [{"table": table}]})
    arabic = yaml.safe_load((LANGS / "ar.yaml").read_text("utf-8"))
    arabic["sections"].append(
        {
            "heading": "In English",
            "lang": "en-GB",
            "content": [
                "Some things that may help:",
                {"bullets": ["Rest often.", "Drink water."]},
                {"table": table},
            ],
        }
    )
    for name, data, bullets_right, columns in (
        ("en-ur", english, True, ["50", "40", "30"]),
        ("ar-en", arabic, False, ["30", "40", "50"]),
    ):
        content = tmp_path / f"{name}.yaml"
        content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        (built,) = build_editions(content, ["standard"], None, tmp_path / name)
        pages = len(PdfReader(built.path).pages)
        last = _bbox_words(built.path, pages)
        rows: dict[int, list[tuple[float, str]]] = {}
        for w, a, b, _, d in last:
            rows.setdefault(round((b + d) / 2), []).append((a, w))
        # Each bullet at the right edge of the text, or at its left (A4: 595 points wide).
        bullets = [a for w, a, _, _, _ in last if w == "•"]
        assert len(bullets) == (3 if bullets_right else 2), (name, bullets)
        assert all((a > 400) is bullets_right and (a < 100) is not bullets_right for a in bullets), (
            name,
            bullets,
        )
        # The table's figures, in the order they stand on the page, left to right.
        figures = [w for _, w in sorted((a, w) for line in rows.values() for a, w in line if w in columns)]
        assert figures == columns, (name, figures)


def test_a_table_in_urdu_in_an_english_leaflet_is_set_in_nastaliq_inside_its_rows(tmp_path: Path) -> None:
    """An Urdu section's table: its cells in Nastaliq, each row as tall as Nastaliq's lines need,
    so that no word crosses the rules between rows (they took the fallback family and the English
    room between lines, and Nastaliq's tall words ran over the rules)."""
    require_tool("pdftotext")
    data = yaml.safe_load((LANGS / "en.yaml").read_text("utf-8"))
    data["metadata"].pop("translated_from", None)
    items = yaml.safe_load((LANGS / "ur.yaml").read_text("utf-8"))["sections"][1]["content"][1]["bullets"]
    table = {"header": ["دن", "وقت"], "rows": [[items[0], "10:30"], [items[2], "14:00"]]}
    data["sections"].append({"heading": "اردو میں", "lang": "ur", "content": [{"table": table}]})
    content = tmp_path / "table.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    reader = PdfReader(built.path)
    page = len(reader.pages)
    height = float(reader.pages[page - 1].mediabox.height)
    fonts = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True, check=True).stdout
    assert "NotoNastaliqUrdu" in fonts
    # Each rule of the table, looked at on the page drawn at 100 dpi in grey: no dark pixel of a
    # word lies on it (the rules are a light colour; the words near black).
    from PIL import Image

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-gray",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            str(built.path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("p-*.png")
    image = Image.open(png).convert("L")
    scale = 100 / 72
    rules = [(a, b, y) for a, b, y in _underlines(reader, page) if b - a > 200]
    assert len(rules) >= 3, rules
    for a, b, y in rules:
        row = round((height - y) * scale)
        dark = [x for x in range(round(a * scale) + 2, round(b * scale) - 2) if image.getpixel((x, row)) < 80]
        assert dark == [], (y, dark[:10])


def test_a_sub_item_of_an_item_written_the_other_way_is_set_one_step_in(tmp_path: Path) -> None:
    """An English list holding an Urdu item holding an English sub-item: the sub-item's dash
    stands one step in from the outer bullets, not under them (and the mirror in Arabic)."""
    require_tool("pdftotext")
    urdu = yaml.safe_load((LANGS / "ur.yaml").read_text("utf-8"))["sections"][1]["content"][1]["bullets"][0]
    arabic = yaml.safe_load((LANGS / "ar.yaml").read_text("utf-8"))
    cases = {
        "en": (LANGS / "en.yaml", urdu, "ur", "An English sub-item.", "en-GB"),
        "ar": (LANGS / "ar.yaml", "Drink enough water every day.", "en-GB", arabic["introduction"][0], "ar"),
    }
    for name, (source, item, item_lang, sub, sub_lang) in cases.items():
        data = yaml.safe_load(source.read_text("utf-8"))
        data["metadata"].pop("translated_from", None)
        turned = {"text": item, "lang": item_lang, "bullets": [{"text": sub, "lang": sub_lang}]}
        data["sections"][0]["content"].append({"bullets": ["1", turned, "2"]})
        content = tmp_path / f"{name}.yaml"
        content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        (built,) = build_editions(content, ["standard"], None, tmp_path / name)
        marks = [
            (w, a)
            for page in range(1, len(PdfReader(built.path).pages) + 1)
            for w, a, _, _, _ in _bbox_words(built.path, page)
            if w in ("•", "–")
        ]
        outer = {a for w, a in marks if w == "•"}
        (dash,) = [a for w, a in marks if w == "–"]
        edge = min(outer) if name == "en" else max(outer)  # where the list's own bullets stand
        step = dash - edge if name == "en" else edge - dash
        assert 15 < step < 30, (name, marks)


def test_quotations_terms_and_questions_in_another_language_start_at_its_side(tmp_path: Path) -> None:
    """In an English leaflet, an Urdu section's quotation (its bar), its attribution, a term and
    what it means, and a question all start at the right, in Nastaliq; the English quotation
    before them at the left. (They were set from the left, in the fallback family.)"""
    require_tool("pdftotext")
    data = yaml.safe_load((LANGS / "en.yaml").read_text("utf-8"))
    data["metadata"].pop("translated_from", None)
    urdu = yaml.safe_load((LANGS / "ur.yaml").read_text("utf-8"))
    words = urdu["sections"][0]["content"][0]
    data["sections"].append(
        {
            "heading": "In English",
            "content": [{"quote": {"text": "Words quoted in English.", "who": "Someone"}}],
        }
    )
    data["sections"].append(
        {
            "heading": "اردو میں",
            "lang": "ur",
            "content": [
                {"quote": {"text": words, "who": "ایم ایس"}},
                {"terms": [f"تھکاوٹ – {words}"]},
                {"faq": [{"question": "ایم ایس کی تھکاوٹ کیا ہے؟", "answer": urdu["introduction"][0]}]},
            ],
        }
    )
    content = tmp_path / "quotes.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    fonts = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True, check=True).stdout
    assert "NotoNastaliqUrdu" in fonts
    lines: dict[int, list[tuple[float, float, str]]] = {}
    for page in range(1, len(PdfReader(built.path).pages) + 1):
        for w, a, b, c, d in _bbox_words(built.path, page):
            lines.setdefault(page * 10000 + round((b + d) / 2), []).append((a, c, w))
    # (The contents, on the first page, list the Urdu heading among the English ones, at the left.)
    urdu_lines = [
        line
        for key, line in lines.items()
        if key > 20000 and any("\u0600" <= ch <= "\u06ff" for _, _, w in line for ch in w)
    ]
    assert len(urdu_lines) >= 6
    # Every Urdu line ends at the right (A4, 595 points wide), the short ones (a term, the
    # attribution) too.
    assert all(max(c for _, c, _ in line) > 440 for line in urdu_lines), urdu_lines
    short = [line for line in urdu_lines if max(c for _, c, _ in line) - min(a for a, _, _ in line) < 120]
    assert short and all(min(a for a, _, _ in line) > 300 for line in short), short
    english = next(line for line in lines.values() if any(w == "Someone" for _, _, w in line))
    assert min(a for a, _, _ in english) < 150


def test_an_english_passage_in_an_arabic_leaflet_runs_left_to_right(tmp_path: Path) -> None:
    """A paragraph marked `lang: en-GB` in an Arabic leaflet starts at the left and reads left to
    right, its full stop at its end (it was set right to left: ".Call the …"); the Arabic around
    it is still set right to left, from the right."""
    require_tool("pdftotext")
    data = yaml.safe_load((LANGS / "ar.yaml").read_text("utf-8"))
    english = "Call the free MS Helpline on 0808 800 8000."
    data["sections"][0]["content"].append({"paragraph": english, "lang": "en-GB"})
    content = tmp_path / "ar-english.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    built = build_editions(content, ["standard", "booklet"], None, tmp_path / "out")
    # Every edition, the untagged booklet too (its direction was taken from the tags).
    for made in built:
        pages = len(PdfReader(made.path).pages)
        page = next(
            n for n in range(1, pages + 1) if "Helpline" in pdftotext(made.path, "-f", str(n), "-l", str(n))
        )
        placed = _bbox_words(made.path, page)
        middle = next((b + d) / 2 for w, _, b, _, d in placed if w == "Helpline")
        line = sorted((a, w) for w, a, b, _, d in placed if abs((b + d) / 2 - middle) < 3)
        assert [w for _, w in line] == english.split(), (made.path.name, line)
    built = [made for made in built if made.path.name.endswith("-a5.pdf") or made.edition == "standard"]
    page = next(n for n in (1, 2) if "Helpline" in pdftotext(built[0].path, "-f", str(n), "-l", str(n)))
    placed = _bbox_words(built[0].path, page)
    width = float(PdfReader(built[0].path).pages[page - 1].mediabox.width)
    first = min(a for w, a, *_ in placed if w == "Call")
    assert first < width * 0.2, first  # from the left margin
    from tests.pdf.reader import read_tree

    tree = [e for _, e in read_tree(PdfReader(built[0].path)).walk() if e.attrs.get("Lang") == "en-GB"]
    assert tree, "the passage keeps its language"


def test_an_english_leaflet_carries_lines_in_arabic_urdu_and_bengali(tmp_path: Path) -> None:
    """A line in another script, marked with its language ("this leaflet is also in …"), is set
    in the sheet's family for that language, shaped, in its own direction and with its own room
    between lines; unmarked, it is refused with what to do. (It was refused either way.)"""
    data = yaml.safe_load((LANGS / "en.yaml").read_text("utf-8"))
    data["metadata"].pop("translated_from", None)
    lines = {
        lang: yaml.safe_load((LANGS / f"{lang}.yaml").read_text("utf-8"))["sections"][0]["content"][0]
        for lang in ("ar", "ur", "bn")
    }
    data["sections"][0]["content"] += [{"paragraph": text, "lang": lang} for lang, text in lines.items()]
    content = tmp_path / "mixed.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    from tests.pdf.reader import read_tree

    marked = {
        e.attrs["Lang"]
        for _, e in read_tree(PdfReader(built.path)).walk()
        if e.role == "P" and "Lang" in e.attrs
    }
    assert marked == {"ar", "ur", "bn"}
    said = struct_text(built.path)
    assert_in_order(
        said, [unicodedata.normalize("NFC", " ".join(t.split())) for t in lines.values()], "passages"
    )
    assert _tofu(built.path) == []
    fonts = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansArabic" in fonts and "NotoNastaliqUrdu" in fonts and "NotoSansBengali" in fonts, fonts
    # Unmarked, the Arabic line is refused, and told how to mark it, though the Urdu line beside
    # it, marked, sets the same script.
    data["sections"][0]["content"][-3] = lines["ar"]
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    with pytest.raises(ContentError) as err:
        build_editions(content, ["standard"], None, tmp_path / "out2")
    assert "is set only in a passage marked with its language (lang: ar or lang: ur" in str(
        err.value.problems[0]
    )


def test_a_passage_s_language_is_kept_where_the_leaflet_keeps_it(tmp_path: Path) -> None:
    """An Urdu list item beside an Arabic paragraph is set in Nastaliq (it took Noto Sans Arabic,
    first among the fallbacks); `lang:` beside a whole list marks each of its items, which keep it
    (it was kept by none, and Urdu in such a list was refused as unmarked)."""
    data = yaml.safe_load((LANGS / "en.yaml").read_text("utf-8"))
    data["metadata"].pop("translated_from", None)
    arabic = yaml.safe_load((LANGS / "ar.yaml").read_text("utf-8"))["sections"][0]["content"][0]
    urdu = yaml.safe_load((LANGS / "ur.yaml").read_text("utf-8"))["sections"][0]["content"][0]
    data["sections"][0]["content"] += [
        {"paragraph": arabic, "lang": "ar"},
        {"bullets": ["Rest.", {"text": urdu, "lang": "ur"}]},
    ]
    content = tmp_path / "items.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    fonts = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True, check=True).stdout
    assert "NotoNastaliqUrdu" in fonts and "NotoSansArabic" in fonts, fonts
    assert _tofu(built.path) == []
    data["sections"][0]["content"][-1] = {"bullets": [urdu, {"text": "Rest.", "lang": "en-GB"}], "lang": "ur"}
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out2")
    from tests.pdf.reader import read_tree

    items = [e.attrs.get("Lang") for _, e in read_tree(PdfReader(built.path)).walk() if e.role == "LI"]
    # The first list of the leaflet: its Urdu item, then its English one (the leaflet's language: no /Lang).
    assert items[:2] == ["ur", None], items
    assert _tofu(built.path) == []
