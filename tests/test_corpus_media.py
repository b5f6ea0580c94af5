"""The corpus pages built around tables and pictures, in every edition, read back and audited.

Three realistic pages in tests/data/: a medicines schedule built around tables, a
pacing leaflet with a logo, a diagram, a picture and a photograph, and a long
hospital-stay guide with a contacts table and a glossary longer than a page.
Each is built in every edition and checked the same ways: the words of the
source found in the structure tree in reading order, the structure of every
table and figure, pdfua, the marked-content invariants, nothing drawn outside
the text frame, and every page rendered by poppler without complaint.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.build import build_editions
from leaflet.content.loader import load_leaflet
from leaflet.content.model import Block, Figure, Leaflet, Link, ListBlock, Paragraph, Table, plain_text
from leaflet.style import load_theme
from tests.pdf.reader import Element, read_tree, walk_page

DATA = Path(__file__).parent / "data"
CORPUS = ["medicines-schedule", "logo-and-diagram", "hospital-stay"]
#: Every edition, as the files a build writes: the booklet brings its tagged A5 twin.
EDITIONS = {"standard": "default", "large-print": "large-print", "a5": "booklet", "press": "default"}
_WORD = re.compile(r"\w+")


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian: poppler-utils); the test needs it"
    return path


@dataclass
class Built:
    leaflet: Leaflet
    paths: dict[str, Path]
    readers: dict[str, PdfReader]


@pytest.fixture(scope="module", params=CORPUS)
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    name = request.param
    out = tmp_path_factory.mktemp(name) / f"{name}.pdf"
    built = build_editions(DATA / f"{name}.yaml", ["standard", "large-print", "booklet", "press"], None, out)
    paths = {b.edition: b.path for b in built}
    return Built(load_leaflet(DATA / f"{name}.yaml"), paths, {k: PdfReader(p) for k, p in paths.items()})


def tagged(built: Built) -> list[str]:
    return [e for e in built.paths if e != "booklet"]


def marks(reader: PdfReader) -> dict:
    return {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}


def all_blocks(leaflet: Leaflet) -> list[Block]:
    blocks = list(leaflet.introduction)
    for section in leaflet.all_sections():
        blocks += section.blocks
    return blocks


# ---------------------------------------------------------------- words in order


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _cell_words(table: Table, stacked: bool) -> list[str]:
    words: list[str] = _words(plain_text(table.caption)) if table.caption else []
    if not stacked:
        for row in (table.header, *table.rows):
            for cell in row:
                words += _words(plain_text(cell.inlines))
        return words
    for row in table.rows:
        for c, cell in enumerate(row):
            if cell.empty:
                continue
            if c > 0 or not table.header_column:
                words += _words(plain_text(table.header[c].inlines))
            words += _words(plain_text(cell.inlines))
    return words


def source_words(built: Built, tables_stacked: list[bool]) -> list[str]:
    """The leaflet's own words in reading order: title, introduction, headings, blocks."""
    leaflet = built.leaflet
    stacked = iter(tables_stacked)
    words = _words(leaflet.metadata.title)

    def blocks(items: tuple[Block, ...]) -> list[str]:
        out: list[str] = []
        for block in items:
            if isinstance(block, Paragraph):
                out += _words(plain_text(block.inlines))
            elif isinstance(block, ListBlock):
                for item in block.items:
                    out += _words(plain_text(item.inlines))
            elif isinstance(block, Table):
                out += _cell_words(block, next(stacked))
            elif isinstance(block, Figure) and block.caption:
                out += _words(plain_text(block.caption))
        return out

    words += blocks(leaflet.introduction)
    for section in leaflet.all_sections():
        words += _words(section.heading) + blocks(section.blocks)
    return words


def tree_words(reader: PdfReader) -> list[str]:
    """The words of the structure tree in its order, each element's runs and child links in place."""
    m = marks(reader)
    words: list[str] = []

    def visit(elem: Element) -> None:
        for kid in elem.kids:
            if isinstance(kid, Element):
                visit(kid)
            elif kid[0] == "MCR":
                words.extend(_words(m[kid[1]].by_mcid()[kid[2]].text))

    visit(read_tree(reader))
    return words


def _in_order(wanted: list[str], found: list[str]) -> tuple[int, str]:
    """How many of `wanted` are found in `found` in order, and the first missing word."""
    pos = 0
    for i, word in enumerate(wanted):
        try:
            pos = found.index(word, pos) + 1
        except ValueError:
            return i, word
    return len(wanted), ""


def _stacked(reader: PdfReader) -> list[bool]:
    return [
        not any(k.role == "THead" for k in e.kids) for _, e in read_tree(reader).walk() if e.role == "Table"
    ]


def test_every_word_of_the_source_is_read_in_order(page: Built) -> None:
    for edition in tagged(page):
        reader = page.readers[edition]
        wanted = source_words(page, _stacked(reader))
        found = tree_words(reader)
        done, missing = _in_order(wanted, found)
        context = " ".join(wanted[max(0, done - 8) : done + 3])
        assert done == len(wanted), f"{edition}: '{missing}' not found in order after: {context}"


# ---------------------------------------------------------------- tables and figures in the tree


def test_every_table_and_figure_is_in_the_tree(page: Built) -> None:
    tables = [b for b in all_blocks(page.leaflet) if isinstance(b, Table)]
    described = [b for b in all_blocks(page.leaflet) if isinstance(b, Figure) and not b.decorative]
    logo = [page.leaflet.metadata.organisation] if page.leaflet.metadata.logo else []
    for edition in tagged(page):
        reader = page.readers[edition]
        tree = [e for _, e in read_tree(reader).walk()]
        found = [e for e in tree if e.role == "Table"]
        assert len(found) == len(tables), edition
        for table, elem in zip(tables, found, strict=True):
            kinds = [k.role for k in elem.kids]
            assert kinds in (
                ["Caption", "THead", "TBody"],
                ["Caption", "TBody"],
                ["THead", "TBody"],
                ["TBody"],
            )
            assert (kinds[0] == "Caption") == bool(table.caption)
            body = elem.kids[-1]
            assert len(body.kids) == len(table.rows), edition
            for row in body.kids:
                assert row.role == "TR" and len(row.kids) == len(table.header)
                for c, cell in enumerate(row.kids):
                    heads_row = table.header_column and c == 0
                    assert cell.role == ("TH" if heads_row else "TD")
                    if heads_row:
                        assert cell.attrs["Scope"] == "/Table/Row"
            if kinds[-2] == "THead":
                (head_row,) = elem.kids[-2].kids
                assert [c.attrs["Scope"] for c in head_row.kids] == ["/Table/Column"] * len(table.header)
        figures = [e for e in tree if e.role == "Figure" and "QR code" not in e.attrs.get("Alt", "")]
        assert [f.attrs.get("Alt") for f in figures] == logo + [f.alt for f in described], edition
        width = float(reader.pages[0].mediabox.width)
        height = float(reader.pages[0].mediabox.height)
        for fig in figures:
            box = [float(v) for v in fig.ref.get_object()["/A"]["/BBox"]]
            assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    out = tmp_path_factory.mktemp("guide") / "hospital-stay.pdf"
    build_editions(DATA / "hospital-stay.yaml", ["standard"], None, out)
    return PdfReader(out)


def test_the_long_guide_is_long_and_its_glossary_runs_over_pages_with_its_header_repeated(
    guide: PdfReader,
) -> None:
    assert len(guide.pages) >= 12
    m = marks(guide)
    glossary = [
        e for _, e in read_tree(guide).walk() if e.role == "Table" and "Words and" in e.kids[0].text(m)
    ]
    (table,) = glossary
    pages = sorted({k[1] for _, e in table.kids[2].walk() for k in e.kids if isinstance(k, tuple)})
    assert len(pages) >= 2
    for number in pages[1:]:
        assert any(r.role == "Artifact" and "What it means" in r.text for r in m[number].runs), number
    # The header row is content once, on the table's first page.
    head_pages = {k[1] for _, e in table.kids[1].walk() for k in e.kids if isinstance(k, tuple)}
    assert head_pages == {pages[0]}


# ---------------------------------------------------------------- audits


def test_pdfua_finds_nothing(page: Built) -> None:
    import pdfua

    for edition in tagged(page):
        report = pdfua.validate(str(page.paths[edition]))
        assert len(report.outcomes) >= 10  # the checks ran
        assert list(report.findings) == [], (edition, report.findings[:3])


def test_marked_content_invariants(page: Built) -> None:
    for edition in tagged(page):
        reader = page.readers[edition]
        m = marks(reader)
        referenced: dict[int, list[int]] = {}
        for _, elem in read_tree(reader).walk():
            for kid in elem.kids:
                if isinstance(kid, tuple) and kid[0] == "MCR":
                    referenced.setdefault(kid[1], []).append(kid[2])
        for number, marks_on_page in m.items():
            assert marks_on_page.problems == [], (edition, number, marks_on_page.problems[:3])
            mcids = [r.mcid for r in marks_on_page.runs if r.mcid is not None]
            assert mcids == list(range(len(mcids))), (edition, number)
            # Every marked run belongs to exactly one element, and every element's run exists.
            assert sorted(referenced.get(number, [])) == mcids, (edition, number)
    booklet = page.readers["booklet"]
    assert "/StructTreeRoot" not in booklet.trailer["/Root"]
    # The print booklet's sides hold at least every A5 page, two to a side.
    assert 2 * len(booklet.pages) >= len(page.readers["a5"].pages)


def test_nothing_is_drawn_outside_the_text_frame(page: Built) -> None:
    for edition, style in EDITIONS.items():
        theme = load_theme(style)
        reader = page.readers[edition]
        trim = [float(v) for v in reader.pages[0].trimbox]
        left = trim[0] + theme.page.margin_left
        right = trim[2] - theme.page.margin_right
        html = subprocess.run(
            [tool("pdftotext"), "-bbox", str(page.paths[edition]), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html
        )
        assert len(words) > 200
        outside = [(w, x0, x1) for x0, x1, w in words if float(x0) < left - 0.5 or float(x1) > right + 0.5]
        assert outside == [], (edition, outside[:5])


def test_every_page_renders_cleanly(page: Built, tmp_path: Path) -> None:
    for edition, path in page.paths.items():
        done = subprocess.run(
            [tool("pdftoppm"), "-r", "20", "-gray", "-png", str(path), str(tmp_path / edition)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and done.stderr == "", (edition, done.stderr[:300])
        assert len(list(tmp_path.glob(f"{edition}-*.png"))) == len(page.readers[edition].pages)


def test_links_in_tables_keep_their_annotations(page: Built) -> None:
    tables = [b for b in all_blocks(page.leaflet) if isinstance(b, Table)]
    links = sum(
        1
        for t in tables
        for row in (t.header, *t.rows)
        for cell in row
        for node in cell.inlines
        if isinstance(node, Link)
    )
    for edition in tagged(page):
        reader = page.readers[edition]
        in_cells = [
            e
            for _, cell in read_tree(reader).walk()
            if cell.role in ("TD", "TH")
            for _, e in cell.walk()
            if e.role == "Link"
        ]
        assert len(in_cells) == links, edition
        assert all(any(isinstance(k, tuple) and k[0] == "OBJR" for k in e.kids) for e in in_cells)
