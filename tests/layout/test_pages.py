"""The laid-out pages, measured: no holes, the measure, one left edge, contents, references, callouts,
the title area and the footer, in every edition, read back from the PDFs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from leaflet.build import build_editions
from leaflet.style import load_theme
from tests.conftest import CONTENT
from tests.layout.measure import Frame, body_measure, empty_shares, frame_for, holes, lines
from tests.pdf.grey import filled_rectangles, stroked_rectangles

HARD = Path(__file__).parent.parent / "data" / "hard.yaml"
#: The readable editions and their sheets (the booklet's sheets are the A5 pages, imposed).
SHEETS = {"standard": "default", "large-print": "large-print", "a5": "booklet", "press": "press"}
MM = 72 / 25.4


def _build(tmp: Path, content: Path) -> dict[str, Path]:
    built = build_editions(
        content, ["standard", "large-print", "booklet", "press"], None, tmp / f"{content.stem}.pdf"
    )
    return {b.edition: b.path for b in built}


@pytest.fixture(scope="module")
def ccsvi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(tmp_path_factory.mktemp("pages"), CONTENT)


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(tmp_path_factory.mktemp("pages-hard"), HARD)


def _frame(content: Path, edition: str) -> Frame:
    return frame_for(content, edition)


# -- holes


def _body(edition: str) -> float:
    return load_theme(SHEETS[edition]).style("body").size


@pytest.mark.parametrize("edition", list(SHEETS))
def test_no_page_of_ccsvi_but_the_last_is_more_than_15_percent_empty(
    ccsvi: dict[str, Path], edition: str
) -> None:
    frame = _frame(CONTENT, edition)
    found = holes(ccsvi[edition], frame, 0.15, _body(edition))
    assert not found, (edition, [round(s * 100, 1) for s in empty_shares(ccsvi[edition], frame)])


@pytest.mark.parametrize("edition", list(SHEETS))
def test_no_page_of_the_hard_leaflet_but_the_last_is_more_than_20_percent_empty(
    hard: dict[str, Path], edition: str
) -> None:
    frame = _frame(HARD, edition)
    found = holes(hard[edition], frame, 0.20, _body(edition))
    assert not found, (edition, [round(s * 100, 1) for s in empty_shares(hard[edition], frame)])


def test_ccsvi_fits_six_a4_pages(ccsvi: dict[str, Path]) -> None:
    assert len(PdfReader(ccsvi["standard"]).pages) == 6


@pytest.mark.parametrize("edition", list(SHEETS))
def test_the_last_page_holds_more_than_two_stray_lines(ccsvi: dict[str, Path], edition: str) -> None:
    frame = _frame(CONTENT, edition)
    found = lines(ccsvi[edition])
    last = max(ln.page for ln in found)
    text = [ln for ln in found if ln.page == last and ln.y_bottom <= frame.bottom + 2]
    assert len(text) > 2, (edition, [ln.text for ln in text])


# -- the measure and the left edge


@pytest.mark.parametrize("edition", ["standard", "press"])
def test_body_text_runs_60_to_70_characters_a_line(ccsvi: dict[str, Path], edition: str) -> None:
    measure = body_measure(ccsvi[edition], _body(edition), _frame(CONTENT, edition))
    assert 60 <= measure <= 70, measure


def test_title_contents_body_and_callouts_share_one_left_edge(ccsvi: dict[str, Path]) -> None:
    path = ccsvi["standard"]
    frame = _frame(CONTENT, "standard")
    found = lines(path)
    first = [ln for ln in found if ln.page == 1]
    for words in ("MS Society", "Chronic cerebrospinal venous", "In this leaflet", "What is CCSVI?"):
        line = next(ln for ln in first if ln.text.startswith(words))
        assert abs(line.x - frame.left) < 1.0, (words, line.x, frame.left)
    # The callout box starts on the same edge (its bar and padding inside it).
    reader = PdfReader(path)
    boxes = [r for i in range(len(reader.pages)) for r in stroked_rectangles(reader, i)]
    assert boxes
    page_height = float(reader.pages[0].mediabox.height)
    for x0, *_ in boxes:
        assert abs(x0 - frame.left) < 1.5, (x0, frame.left, page_height)


# -- contents


def _page_ops(reader: PdfReader, index: int) -> list[tuple[list, bytes]]:
    return ContentStream(reader.pages[index].get_contents(), reader).operations


def test_contents_has_dot_leaders_two_columns_and_no_underlines(ccsvi: dict[str, Path]) -> None:
    path = ccsvi["standard"]
    reader = PdfReader(path)
    frame = _frame(CONTENT, "standard")
    first = [ln for ln in lines(path) if ln.page == 1]
    top = next(ln for ln in first if ln.text == "In this leaflet")
    # The introduction follows the contents.
    end = next(ln for ln in first if ln.text.startswith("There's been") and ln.y_top > top.y_top)
    entries = [ln for ln in first if top.y_bottom < ln.y_top < end.y_top]
    starts = sorted({round(ln.x) for ln in entries if not re.fullmatch(r"\d+", ln.text)})
    assert starts[0] == round(frame.left) and len(starts) == 2, starts  # two columns, the first on the edge
    # The leaders: small filled dots, drawn as artifacts (curves then a fill), many on the page.
    ops = [op for _, op in _page_ops(reader, 0)]
    dots = sum(1 for i, op in enumerate(ops) if op in (b"f", b"f*") and ops[i - 1] == b"c")
    assert dots >= 60, dots
    # No stroke under a contents entry: an underline would be a line in the entries' band.
    height = float(reader.pages[0].mediabox.height)
    y_lo, y_hi = height - end.y_top, height - top.y_bottom
    strokes = []
    operations = _page_ops(reader, 0)
    for i, (_, op) in enumerate(operations):
        if op == b"l" and operations[i - 1][1] == b"m":
            y = float(operations[i - 1][0][1])
            if y_lo < y < y_hi:
                strokes.append(y)
    assert not strokes, strokes
    # The links stay live: every entry has its link annotation on page 1.
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert sum(1 for a in links if str(a.get("/Contents", "")).startswith("Go to ")) >= 22


# -- references


def test_references_are_a_plain_list_with_one_address_each(ccsvi: dict[str, Path]) -> None:
    path = ccsvi["standard"]
    reader = PdfReader(path)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert text.count("10.1136/jnnp.2008.157164") == 1  # the DOI printed once, as its link
    assert "https://doi.org/10.1136/jnnp.2008.157164" in text
    assert "DOI:" not in text
    # No box behind them: nothing stroked or filled around any entry's lines.
    found = lines(path)
    for start in ("National Institute for Health and Clinical Excellence (NICE).", "Zamboni P,"):
        entry = next(ln for ln in found if ln.text.startswith(start))
        height = float(reader.pages[entry.page - 1].mediabox.height)
        y = height - (entry.y_top + entry.y_bottom) / 2
        boxes = stroked_rectangles(reader, entry.page - 1) + [
            r for r in filled_rectangles(reader, entry.page - 1) if r[3] - r[1] > 10
        ]
        assert not [b for b in boxes if b[1] <= y <= b[3]], (start, boxes)
    # Hanging numbers: each number stands left of its entry's lines.
    numbers = [ln for ln in found if re.fullmatch(r"[123]\.", ln.text.split(" ")[0]) and ln.size < 17]
    assert len(numbers) >= 3


# -- callouts


@pytest.mark.parametrize("edition", list(SHEETS))
def test_callout_attributions_take_one_line(ccsvi: dict[str, Path], edition: str) -> None:
    texts = [ln.text for ln in lines(ccsvi[edition])]
    assert "— NICE, 28 March 2012 [1]" in texts
    assert "— FDA, 10 May 2012 [2]" in texts


def test_callouts_have_no_quotation_mark_in_their_margin(ccsvi: dict[str, Path]) -> None:
    text = " ".join(p.extract_text() for p in PdfReader(ccsvi["standard"]).pages)
    assert "\u201c" not in text


# -- title area


@pytest.mark.parametrize("edition", ["standard", "large-print", "a5"])
def test_office_editions_paint_nothing_near_the_paper_edge(ccsvi: dict[str, Path], edition: str) -> None:
    # Office printers leave 4-5 mm white at the edge: no band may depend on printing there.
    reader = PdfReader(ccsvi[edition])
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    painted = filled_rectangles(reader, 0)
    assert painted, "the title area's rule is a filled rectangle"
    for x0, y0, x1, y1, _ in painted:
        assert x0 >= 5 * MM and x1 <= width - 5 * MM, (edition, x0, x1)
        assert y0 >= 5 * MM and y1 <= height - 5 * MM, (edition, y0, y1)


def test_press_edition_keeps_the_band_into_the_bleed(ccsvi: dict[str, Path]) -> None:
    reader = PdfReader(ccsvi["press"])
    fills = [[float(v) for v in operands] for operands, op in _page_ops(reader, 0) if op == b"re"]
    assert any(r[2] >= 216 * MM for r in fills)


# -- footer


def _footer_lines(path: Path, frame: Frame) -> dict[int, list[str]]:
    """Each page's footer, line by line (words at one height are one line, left to right)."""
    rows: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for ln in lines(path):
        if ln.y_top > frame.bottom:
            rows.setdefault((ln.page, round(ln.y_bottom)), []).append((ln.x, ln.text))
    out: dict[int, list[str]] = {}
    for (page, _), parts in sorted(rows.items()):
        out.setdefault(page, []).append(" ".join(text for _, text in sorted(parts)))
    return out


@pytest.mark.parametrize("edition", list(SHEETS))
def test_footer_keeps_the_title_whole_and_large_print_takes_three_lines_at_most(
    ccsvi: dict[str, Path], edition: str
) -> None:
    for page, texts in _footer_lines(ccsvi[edition], _frame(CONTENT, edition)).items():
        assert texts[0].startswith("MS Society · CCSVI"), texts
        assert any(re.search(rf"Page {page} of \d+", t) for t in texts), texts
        assert len(texts) <= 3, (edition, texts)


def test_what_every_footer_repeats_is_remembered_for_its_own_voice_only() -> None:
    # LeafletDocTemplate.text_width and footer_lines remember, for the pages of one document,
    # the footer's pieces and their widths: a bilingual leaflet's two voices (each its own
    # metadata and words, at another width) still get their own lines, the lines a template
    # that remembers nothing gives, and each page its own number.
    from io import BytesIO

    from leaflet.content.loader import load_leaflet
    from leaflet.fonts import font_set
    from leaflet.i18n import furniture
    from leaflet.layout.page import LeafletDocTemplate, Pagination

    welsh = load_leaflet(Path(__file__).parent.parent / "data" / "langs" / "cy-en.yaml")
    assert welsh.bilingual is not None
    english = welsh.bilingual.english
    theme = load_theme("default")
    fonts = font_set(theme, "cy")

    def template() -> LeafletDocTemplate:
        return LeafletDocTemplate(BytesIO(), welsh, theme, fonts, Pagination())

    doc = template()
    half = doc.footer_width / 2
    voices = [
        (welsh, furniture("cy"), half),
        (english, furniture("en-GB"), half),
        (welsh, furniture("cy"), half * 2),
    ]
    seen = []
    for page in (1, 2, 12):
        for leaflet, words, width in voices:
            lines = doc.footer_lines(page, 12, leaflet, words, width)
            assert lines == template().footer_lines(page, 12, leaflet, words, width)
            seen.append(lines)
    assert len({tuple(lines) for lines in seen}) == 9
    assert seen[0][0].left.startswith(welsh.metadata.organisation) and "Tudalen 1" in seen[0][0].right
    assert english.metadata.title.split()[0] in " ".join(line.left for line in seen[1])
    assert "Tudalen 12 o 12" in seen[-1][0].right


@pytest.mark.parametrize("sheet", ["default", "large-print", "booklet"])
def test_a_narrow_footer_cuts_a_date_from_its_words_and_nothing_else(sheet: str) -> None:
    # A bilingual leaflet's footer is half as wide: "Next review 26 November 2028" no longer
    # fits a line. It is cut between its words and its date, never inside either (it was cut
    # as "Adolygiad nesaf 26 / Tachwedd 2028"), and the words end the line before.
    from io import BytesIO

    from leaflet.content.loader import load_leaflet
    from leaflet.fonts import font_set
    from leaflet.i18n import furniture
    from leaflet.layout.page import LeafletDocTemplate, Pagination

    welsh = load_leaflet(Path(__file__).parent.parent / "data" / "langs" / "cy-en.yaml")
    assert welsh.bilingual is not None
    theme = load_theme(sheet)
    doc = LeafletDocTemplate(BytesIO(), welsh, theme, font_set(theme, "cy"), Pagination())
    half = doc.footer_column  # each language's column of a parallel leaflet
    for leaflet, language, dates, labels in (
        (welsh, "cy", ("26 Tachwedd 2026", "26 Tachwedd 2028"), ("Cyhoeddwyd", "Adolygiad nesaf")),
        (
            welsh.bilingual.english,
            "en-GB",
            ("26 November 2026", "26 November 2028"),
            ("Published", "Next review"),
        ),
    ):
        lines = [line.left for line in doc.footer_lines(4, 4, leaflet, furniture(language), half)]
        assert all("\u00a0" not in line for line in lines), lines
        for date, label in zip(dates, labels, strict=True):
            [holding] = [line for line in lines if date in line]
            assert holding == date or holding.endswith(f"{label} {date}"), lines
            if holding == date:
                assert lines[lines.index(holding) - 1].endswith(label), lines
        assert len(lines) <= 6, lines


def test_a_date_no_footer_line_holds_is_cut_rather_than_run_past_the_column() -> None:
    # A date is held whole in the footer; in a column narrower than the date (a custom sheet's
    # half page in large print) it is cut at its own spaces, never drawn past the column.
    from io import BytesIO

    from leaflet.content.loader import load_leaflet
    from leaflet.fonts import font_set
    from leaflet.i18n import furniture
    from leaflet.layout.page import LeafletDocTemplate, Pagination

    welsh = load_leaflet(Path(__file__).parent.parent / "data" / "langs" / "cy-en.yaml")
    theme = load_theme("large-print")
    doc = LeafletDocTemplate(BytesIO(), welsh, theme, font_set(theme, "cy"), Pagination())
    narrow = doc.text_width("26 Tachwedd 2026") - 10
    lines = doc.footer_lines(1, 4, welsh, furniture("cy"), narrow)
    assert all(doc.text_width(line.left) <= narrow for line in lines[1:]), [line.left for line in lines]
    assert "2026" in " ".join(line.left for line in lines)
