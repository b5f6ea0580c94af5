"""Editions from one content file: large print, A5 and its imposed booklet, press, sizes."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from leaflet.build import build_editions
from leaflet.pdf.impose import saddle_order
from tests.conftest import CONTENT
from tests.pdf.reader import read_tree, walk_page

HARD = Path(__file__).parent / "data" / "hard.yaml"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    out = tmp_path_factory.mktemp("editions") / "ccsvi.pdf"
    built = build_editions(CONTENT, ["standard", "large-print", "booklet", "press"], None, out)
    return {b.path.name: PdfReader(b.path) for b in built}


@pytest.fixture(scope="module")
def hard_editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    out = tmp_path_factory.mktemp("hard-editions") / "hard.pdf"
    built = build_editions(HARD, ["large-print", "booklet"], None, out)
    return {b.path.name: PdfReader(b.path) for b in built}


def text_runs(reader: PdfReader, page_index: int) -> list[tuple[str, float, float, float]]:
    """(text, x, y, font size) of every piece of text on a page, read from the content stream."""
    page = reader.pages[page_index]
    out: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            # Position on the page: the text matrix, then the current transformation.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((text, x, y, size * (tm[0] or 1) * (cm[0] or 1)))

    page.extract_text(visitor_text=visit)
    return out


def tree_words(reader: PdfReader) -> list[str]:
    marks = {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}
    texts = [e.text(marks) for _, e in read_tree(reader).walk() if e.role in ("P", "H1", "H2", "LBody")]
    # An address broken over lines differently in each edition is still the same address.
    return re.sub(r"/\s+", "/", " ".join(texts)).split()


def font_sizes(reader: PdfReader) -> set[float]:
    sizes: set[float] = set()
    for page in reader.pages:
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                sizes.add(float(operands[1]))
    return sizes


def test_the_editions_and_their_names(editions: dict[str, PdfReader]) -> None:
    assert set(editions) == {
        "ccsvi.pdf",
        "ccsvi-large-print.pdf",
        "ccsvi-a5.pdf",
        "ccsvi-booklet.pdf",
        "ccsvi-press.pdf",
    }
    for name, reader in editions.items():
        tagged = "/StructTreeRoot" in reader.trailer["/Root"]
        assert tagged == (name != "ccsvi-booklet.pdf"), name


def test_large_print_is_reflowed_not_scaled(editions: dict[str, PdfReader]) -> None:
    large, standard = editions["ccsvi-large-print.pdf"], editions["ccsvi.pdf"]
    first = large.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    assert min(font_sizes(large)) >= 16  # every piece of text, footer and page numbers too
    assert min(font_sizes(standard)) >= 12
    body = [size for text, _, _, size in text_runs(large, 1) if "CCSVI" in text]
    assert body and min(body) >= 18
    assert len(large.pages) > len(standard.pages)  # the same A4 page holds fewer words
    # The same words in the same order, read from the structure tree (footers are artifacts).
    assert tree_words(large) == tree_words(standard)


def test_a5_is_a_real_a5_layout(editions: dict[str, PdfReader]) -> None:
    a5 = editions["ccsvi-a5.pdf"]
    for page in a5.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (420, 595)
    assert min(font_sizes(a5)) >= 12
    assert read_tree(a5).role == "Document"


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (4, [(4, 1), (2, 3)]),
        (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
        (12, [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]),
    ],
)
def test_saddle_stitch_order(pages: int, expected: list[tuple[int, int]]) -> None:
    assert saddle_order(pages) == expected
    # Every page once; each sheet's pages add up to n + 1, as folded booklets do.
    flat = [p for side in expected for p in side]
    assert sorted(flat) == list(range(1, pages + 1))
    assert all(a + b == pages + 1 for a, b in expected)


def test_saddle_order_refuses_a_count_that_is_not_whole_sheets() -> None:
    with pytest.raises(ValueError):
        saddle_order(6)


def test_booklet_sheets_hold_the_a5_pages_in_saddle_order(editions: dict[str, PdfReader]) -> None:
    booklet = editions["ccsvi-booklet.pdf"]
    sides = len(booklet.pages) - 1  # the last sheet is the printer's note
    pages = 2 * sides
    assert pages % 4 == 0
    for index, (left, right) in enumerate(saddle_order(pages)):
        sheet = booklet.pages[index]
        width = float(sheet.mediabox.width)
        assert (round(width), round(float(sheet.mediabox.height))) == (842, 595)
        found = {}
        for text, x, _, _ in text_runs(booklet, index):
            m = re.search(r"Page (\d+) of (\d+)", text)
            if m:
                assert int(m.group(2)) == pages
                found["left" if x < width / 2 else "right"] = int(m.group(1))
        assert found == {"left": left, "right": right}, index


def test_booklet_says_it_is_the_print_version_and_pads_with_notes(editions: dict[str, PdfReader]) -> None:
    booklet = editions["ccsvi-booklet.pdf"]
    assert "print version" in booklet.metadata.title
    # The instructions are on a sheet of their own after the booklet's, never on its cover.
    *sheets, note = booklet.pages
    assert "Print version: an A5 booklet. Print both sides" in " ".join(note.extract_text().split())
    for sheet in sheets:
        words = " ".join(sheet.extract_text().split())
        assert "Print version" not in words and "flip" not in words and "staple" not in words
    a5_pages = len(editions["ccsvi-a5.pdf"].pages)
    padding = 2 * len(sheets) - a5_pages
    texts = [p.extract_text() for p in sheets]
    # The padding is notes pages, never blank ones; only one asks for questions, so no page
    # is printed three times over.
    notes = [t for t in texts if t.strip().startswith("Notes") or "\nNotes" in t]
    assert len(notes) >= padding
    assert sum("Questions to ask at my next appointment" in t for t in texts) == min(padding, 1)


def test_press_edition_has_bleed_crop_marks_and_safe_text(editions: dict[str, PdfReader]) -> None:
    press = editions["ccsvi-press.pdf"]
    for index, page in enumerate(press.pages):
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert round((trim[2] - trim[0]) / MM) == 210 and round((trim[3] - trim[1]) / MM) == 297
        assert [round((t - b) / MM, 1) for t, b in zip(trim[:2], bleed[:2], strict=True)] == [3.0, 3.0]
        assert media[2] > bleed[2] + 5 * MM  # room for the crop marks
        for text, x, y, _ in text_runs(press, index):
            assert trim[0] + 5 * MM <= x <= trim[2] - 5 * MM, text
            assert trim[1] + 5 * MM <= y <= trim[3] - 5 * MM, text
    # The title band's fill runs into the bleed: a filled rectangle starting left of the trim.
    ops = ContentStream(press.pages[0].get_contents(), press).operations
    fills = [operands for operands, op in ops if op == b"re"]
    assert any(float(r[2]) >= 216 * MM for r in fills)  # wider than the 210 mm trim


def test_standard_edition_is_small_enough_to_email(editions: dict[str, PdfReader], tmp_path: Path) -> None:
    stream = editions["ccsvi.pdf"].stream
    stream.seek(0, 2)
    assert stream.tell() <= 50_000


def test_qr_code_on_printed_editions_is_a_figure_with_alt_text(hard_editions: dict[str, PdfReader]) -> None:
    large = hard_editions["hard-large-print.pdf"]
    figures = [e for _, e in read_tree(large).walk() if e.role == "Figure"]
    assert len(figures) == 1
    assert "https://example.org/leaflets/structure-test" in figures[0].attrs["Alt"]
    text = " ".join(p.extract_text() for p in large.pages)
    assert "Read this leaflet online: https://example.org/leaflets/structure-test" in " ".join(text.split())


def test_standard_edition_has_no_qr_code(editions: dict[str, PdfReader]) -> None:
    assert not [e for _, e in read_tree(editions["ccsvi.pdf"]).walk() if e.role == "Figure"]


def _sheets_as_pixels(pdf: bytes, folder: Path) -> list[bytes]:
    from tests.conftest import require_tool

    (folder / "sheets.pdf").write_bytes(pdf)
    subprocess.run([require_tool("pdftoppm"), "-r", "50", "-png", "sheets.pdf", "s"], cwd=folder, check=True)
    return [p.read_bytes() for p in sorted(folder.glob("s-*.png"))]


def test_sheets_are_drawn_as_pypdf_merges_them_without_parsing_a_page(tmp_path: Path) -> None:
    """Each A5 page goes onto its sheet as it is, clipped and moved: the same pixels as pypdf's merge."""
    from dataclasses import replace

    from leaflet.build import _render
    from leaflet.content.loader import load_leaflet
    from leaflet.editions import EDITIONS
    from leaflet.pdf import impose as imposing
    from leaflet.style import load_theme

    leaflet = load_leaflet(HARD)  # pictures (XObjects) as well as text
    booklet = EDITIONS["booklet"]
    theme = load_theme(booklet.style)
    plain = _render(leaflet, theme, options=booklet.options, tagged=False)
    a5 = _render(leaflet, theme, options=replace(booklet.options, notes_pages=-plain.pages % 4), tagged=False)
    parsed = []
    real = ContentStream._parse_content_stream

    def counting(self: ContentStream, *args: object, **kwargs: object) -> None:
        parsed.append(1)
        real(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ContentStream, "_parse_content_stream", counting)
        quick = imposing.impose(a5.data, "Quick")
    assert parsed == []  # no page's content was parsed
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(imposing, "_side", lambda *args: None)
        merged = imposing.impose(a5.data, "Quick")
    (tmp_path / "q").mkdir()
    (tmp_path / "m").mkdir()
    quick_pixels, merged_pixels = (
        _sheets_as_pixels(quick, tmp_path / "q"),
        _sheets_as_pixels(merged, tmp_path / "m"),
    )
    assert len(quick_pixels) == a5.pages // 2 and quick_pixels == merged_pixels
    assert [p.extract_text() for p in PdfReader(BytesIO(quick)).pages] == [
        p.extract_text() for p in PdfReader(BytesIO(merged)).pages
    ]


def test_a_sheet_whose_pages_name_things_differently_goes_to_pypdf() -> None:
    from pypdf import PageObject
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    from leaflet.pdf.impose import _side

    pages = []
    for value in (1, 2):
        page = PageObject.create_blank_page(width=420, height=595)
        gs = DictionaryObject(
            {NameObject("/GS1"): DictionaryObject({NameObject("/CA"): NumberObject(value)})}
        )
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/ExtGState"): gs})
        pages.append(page)
    assert _side([(pages[0], 0, 0), (pages[1], 420, 0)], 842, 595) is None
    assert _side([(pages[0], 0, 0), (pages[0], 420, 0)], 842, 595) is not None
