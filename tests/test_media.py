"""Tables, figures and the logo: what the editor writes, what the loader refuses, what the PDF says.

Each test builds a small leaflet in tmp_path and reads the PDF back: the
structure tree (roles, /Scope, /Alt, /BBox), marked content per page, the
images and forms in the file, and where words are drawn (pdftotext -bbox).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from leaflet.build import build_editions
from leaflet.cli import main
from leaflet.layout.tables import column_widths
from leaflet.rlseam import address_break_pairs
from leaflet.style import load_theme
from tests.conftest import ROOT, metadata_block
from tests.layout.test_addresses import breaks_in
from tests.pdf.reader import Element, read_tree, walk_page

IMAGES = Path(__file__).parent / "data" / "images"
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def tool(name: str) -> str:
    """A command-line tool a test needs: missing, the test fails (it never skips)."""
    path = shutil.which(name)
    assert path, f"{name} is not installed (Debian: poppler-utils / qpdf); the test needs it"
    return path


def position_of(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def leaflet_dir(tmp_path: Path, body: str, *, logo: bool = False) -> Path:
    """A content file in tmp_path with the test pictures beside it, in images/."""
    shutil.copytree(IMAGES, tmp_path / "images", dirs_exist_ok=True)
    head = metadata_block("Pictures and tables", "media", organisation="Example Neurology Service")
    if logo:
        head += "  logo: images/logo.png\n"
    path = tmp_path / "content.yaml"
    path.write_text(head + body + "references: []\n", encoding="utf-8")
    return path


def build(path: Path, *editions: str) -> dict[str, PdfReader]:
    built = build_editions(path, list(editions) or ["standard"], None, path.with_suffix(".pdf"))
    return {b.edition: PdfReader(b.path) for b in built}


def marks(reader: PdfReader) -> dict:
    return {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}


def elements(reader: PdfReader, role: str) -> list[Element]:
    return [e for _, e in read_tree(reader).walk() if e.role == role]


def errors_of(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    rc = main(["build", str(path), "-o", str(path.with_suffix(".pdf"))])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, [line for line in err.splitlines() if ": error: " in line]


# ---------------------------------------------------------------- tables: the tree

MEDICINES = """\
sections:
  - heading: Your medicines
    content:
      - "The table shows when to take each one:"
      - table:
          caption: Your medicines **each day**
          header_column: true
          header: ["", Morning, Midday, Evening]
          rows:
            - [Tablets for stiffness, 1 tablet, "", 1 tablet]
            - [Vitamin D, 1 capsule, ~, ""]
            - ["Ask first", "Call [the helpline](tel:08088008000) or read [the site](https://example.org/meds) and [the forum](https://example.org/forum)", Yes, 10]
      - After the table.
"""


@pytest.fixture(scope="module")
def medicines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    path = leaflet_dir(tmp_path_factory.mktemp("medicines"), MEDICINES)
    return build(path, "standard", "large-print")


def test_a_table_is_tagged_table_thead_tbody_tr_th_td_with_scopes(medicines: dict[str, PdfReader]) -> None:
    reader = medicines["standard"]
    m = marks(reader)
    (table,) = elements(reader, "Table")
    assert [k.role for k in table.kids] == ["Caption", "THead", "TBody"]
    assert " ".join(table.kids[0].text(m).split()) == "Your medicines each day"
    (head_row,) = table.kids[1].kids
    assert [(c.role, c.attrs.get("Scope"), c.text(m).strip()) for c in head_row.kids] == [
        ("TH", "/Table/Column", ""),  # the corner over the row names: empty, yet there
        ("TH", "/Table/Column", "Morning"),
        ("TH", "/Table/Column", "Midday"),
        ("TH", "/Table/Column", "Evening"),
    ]
    rows = table.kids[2].kids
    assert [r.role for r in rows] == ["TR"] * 3
    cells = [[(c.role, c.attrs.get("Scope"), " ".join(c.text(m).split())) for c in r.kids] for r in rows]
    # Every row keeps all its cells, empty ones included, so the grid stays regular.
    assert cells[0] == [
        ("TH", "/Table/Row", "Tablets for stiffness"),
        ("TD", None, "1 tablet"),
        ("TD", None, ""),
        ("TD", None, "1 tablet"),
    ]
    assert cells[1] == [
        ("TH", "/Table/Row", "Vitamin D"),
        ("TD", None, "1 capsule"),
        ("TD", None, ""),
        ("TD", None, ""),
    ]
    # A yes and a number are printed as they were written, not as true and 10.0.
    assert [c[2] for c in cells[2][2:]] == ["Yes", "10"]


def test_links_in_a_cell_are_link_elements_each_with_its_annotation(medicines: dict[str, PdfReader]) -> None:
    reader = medicines["standard"]
    m = marks(reader)
    (table,) = elements(reader, "Table")
    cell = table.kids[2].kids[2].kids[1]
    links = [k for k in cell.kids if isinstance(k, Element) and k.role == "Link"]
    assert [" ".join(k.text(m).split()) for k in links] == ["the helpline", "the site", "the forum"]
    seen = []
    for link in links:
        # One annotation per line the link's words are on: at least one, none shared.
        objrs = [k[2].idnum for k in link.kids if isinstance(k, tuple) and k[0] == "OBJR"]
        assert objrs
        seen += objrs
    assert len(seen) == len(set(seen))
    targets = {
        str(a.get_object()["/A"].get("/URI"))
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    }
    assert {"tel:08088008000", "https://example.org/meds", "https://example.org/forum"} <= targets
    # The printed words: the addresses stand beside their links, as in paragraphs.
    words = " ".join(cell.text(m).split())
    assert "(https://example.org/meds)" in words and "(0808 800 8000)" in words  # a number as dialled


def test_the_table_reads_in_order_between_its_neighbours(medicines: dict[str, PdfReader]) -> None:
    # A4 holds the grid; in large print the column with an address is too wide, and rows are stacked.
    expected = {
        "standard": ["Your medicines each day", "Morning", "Midday", "Evening", "Tablets for stiffness"],
        # The addresses in the last row break after their slashes and dots, so the columns fit.
        "large-print": ["Your medicines each day", "Morning", "Midday", "Evening", "Tablets for stiffness"],
    }
    for name, reader in medicines.items():
        m = marks(reader)
        tree = read_tree(reader)
        leaves = [
            " ".join(e.text(m).split())
            for _, e in tree.walk()
            if e.role in ("P", "Caption", "TH", "TD") and e.text(m).strip()
        ]
        start = leaves.index("The table shows when to take each one:")
        assert leaves[start + 1 : start + 6] == expected[name]
        end = leaves.index("After the table.")
        assert leaves[end - 1].endswith("10") and end > start + 6


def test_every_painting_is_marked_and_nests(medicines: dict[str, PdfReader]) -> None:
    for name, reader in medicines.items():
        for number, page in marks(reader).items():
            assert page.problems == [], (name, number, page.problems[:3])


def test_column_widths_follow_the_content() -> None:
    # Short columns get what they want; the long one takes the rest.
    widths = column_widths([50, 50, 50], [60, 400, 60], 300)
    assert widths is not None
    assert widths[0] == pytest.approx(60) and widths[2] == pytest.approx(60)
    assert sum(widths) == pytest.approx(300)
    # All fit on one line: the spare width is shared in proportion, the table spans the text.
    assert column_widths([10, 10], [100, 50], 300) == pytest.approx([200, 100])
    # Two long columns share by how many words each holds, not by their single longest cell.
    widths = column_widths([50, 50, 50], [100, 400, 420], 400, weights=[300, 3000, 1000])
    assert widths is not None and widths[0] == pytest.approx(100)
    assert widths[1] > widths[2] and sum(widths) == pytest.approx(400)
    # Columns that cannot all get their minimum: no grid.
    assert column_widths([200, 200], [300, 300], 300) is None


# ---------------------------------------------------------------- tables: long and wide

REST = ('""', "Rest after lunch")
LONG_ROWS = "\n".join(
    f"            - [Day {n}, Walk for {n % 7 + 5} minutes, {REST[n % 2]}, Note how you feel]"
    for n in range(1, 61)
)
LONG = f"""\
sections:
  - heading: Sixty days
    content:
      - table:
          caption: A plan for sixty days
          header_column: true
          header: [Day, Activity, Rest, Diary]
          rows:
{LONG_ROWS}
"""


@pytest.fixture(scope="module")
def long_table(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    return build(leaflet_dir(tmp_path_factory.mktemp("long"), LONG))["standard"]


def test_a_long_table_splits_between_rows_and_repeats_its_header_as_an_artifact(
    long_table: PdfReader,
) -> None:
    m = marks(long_table)
    (table,) = elements(long_table, "Table")
    head = table.kids[1]
    # The header row's content is on one page only: the repeats are not content.
    head_pages = {k[1] for _, e in head.walk() for k in e.kids if isinstance(k, tuple)}
    body_pages = {k[1] for _, e in table.kids[2].walk() for k in e.kids if isinstance(k, tuple)}
    assert len(head_pages) == 1 and len(body_pages) >= 2
    for page in sorted(body_pages - head_pages):
        repeats = [r for r in m[page].runs if r.role == "Artifact" and "Activity" in r.text]
        assert repeats, f"page {page}: no repeated header"
    # Split between rows: every row's cells are on one page, and all 60 rows are there, in order.
    rows = table.kids[2].kids
    assert len(rows) == 60
    for row in rows:
        pages = {k[1] for _, e in row.walk() for k in e.kids if isinstance(k, tuple)}
        assert len(pages) == 1
    assert [" ".join(r.kids[0].text(m).split()) for r in rows] == [f"Day {n}" for n in range(1, 61)]


WIDE = """\
sections:
  - heading: A wide table
    content:
      - table:
          caption: Who to ask about what
          header_column: true
          header: [Question, Nurse, GP, Chemist, Helpline, Notes]
          rows:
            - [New symptoms, Yes first, If the nurse is away, "", For a talk, Write down when they started]
            - [Repeat medicines, "", Yes, Yes, "", Order a week ahead]
            - [Stiffness, Ask, "", "", "", Bring loose clothes]
            - [Side effects, Yes, Yes, Yes first, For a talk, Keep the leaflet from the box]
"""


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, PdfReader]]:
    path = leaflet_dir(tmp_path_factory.mktemp("wide"), WIDE)
    return path, build(path, "standard", "large-print", "booklet")


def _frames(reader: PdfReader) -> tuple[float, float]:
    return float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)


@pytest.mark.parametrize(
    ("edition", "sheet"), [("standard", "default"), ("large-print", "large-print"), ("a5", "booklet")]
)
def test_a_wide_table_never_draws_outside_the_text_frame(
    wide: tuple[Path, dict[str, PdfReader]], edition: str, sheet: str
) -> None:
    path, readers = wide
    pdf = path.with_name(f"content{'' if edition == 'standard' else '-' + edition}.pdf")
    html = subprocess.run(
        [tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width, _ = _frames(readers[edition])
    page = load_theme(sheet).page
    left, right = page.margin_left, width - page.margin_right
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html
    )
    assert len(words) > 100
    for x0, x1, word in words:
        assert left - 0.5 <= float(x0) and float(x1) <= right + 0.5, (edition, word, x0, x1)


def test_a_table_too_wide_for_large_print_is_stacked_as_label_value_lines(
    wide: tuple[Path, dict[str, PdfReader]],
) -> None:
    _, readers = wide
    standard, large = readers["standard"], readers["large-print"]
    # A4 at 13 pt holds the six columns side by side; at 18 pt they would be a word wide.
    assert [k.role for k in elements(standard, "Table")[0].kids] == ["Caption", "THead", "TBody"]
    m = marks(large)
    (table,) = elements(large, "Table")
    assert [k.role for k in table.kids] == ["Caption", "TBody"]
    first = table.kids[1].kids[0]
    texts = [(c.role, c.attrs.get("Scope"), " ".join(c.text(m).split())) for c in first.kids]
    assert texts[0] == ("TH", "/Table/Row", "New symptoms")
    assert texts[1:] == [
        ("TD", None, "Nurse: Yes first"),
        ("TD", None, "GP: If the nurse is away"),
        ("TD", None, ""),
        ("TD", None, "Helpline: For a talk"),
        ("TD", None, "Notes: Write down when they started"),
    ]
    second = [" ".join(c.text(m).split()) for c in table.kids[1].kids[1].kids]
    assert second == ["Repeat medicines", "", "GP: Yes", "Chemist: Yes", "", "Notes: Order a week ahead"]


# ---------------------------------------------------------------- figures

FIGURES = """\
sections:
  - heading: Pictures
    content:
      - Before the pictures.
      - figure:
          file: images/diagram.svg
          alt: A line for the day with a dose in the morning, at midday and in the evening.
          caption: The same times **every day**.
          width: 60mm
      - figure:
          file: images/photo.jpg
          decorative: true
          height: 30mm
      - figure:
          file: images/logo.png
          alt: The service's mark, drawn large.
          width: 900mm
      - figure:
          file: images/photo.jpg
          alt: Hills under a blue sky, with a path.
      - After the pictures.
"""


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PdfReader]:
    path = leaflet_dir(tmp_path_factory.mktemp("figures"), FIGURES, logo=True)
    return path, build(path)["standard"]


def _bbox(elem: Element) -> list[float]:
    a = elem.ref.get_object()["/A"].get_object()
    assert a["/O"] == "/Layout"
    return [float(v) for v in a["/BBox"]]


def test_figures_carry_alt_text_and_a_box_and_decoration_is_an_artifact(
    figures: tuple[Path, PdfReader],
) -> None:
    _, reader = figures
    figs = elements(reader, "Figure")
    alts = [f.attrs.get("Alt") for f in figs]
    # The logo first (read as the organisation), then the described pictures; the decorative one is not there.
    assert alts == [
        "Example Neurology Service",
        "A line for the day with a dose in the morning, at midday and in the evening.",
        "The service's mark, drawn large.",
        "Hills under a blue sky, with a path.",
    ]
    mm = 72 / 25.4
    svg_box = _bbox(figs[1])
    assert svg_box[2] - svg_box[0] == pytest.approx(60 * mm, abs=0.05)
    # Asked for 900 mm: no wider than the text (A4 less the sheet's margins).
    page = load_theme("default").page
    big = _bbox(figs[2])
    assert big[2] - big[0] == pytest.approx(page.width - page.margin_left - page.margin_right, abs=0.05)
    width, height = _frames(reader)
    for fig in figs:
        x0, y0, x1, y1 = _bbox(fig)
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        # Each figure is one marked-content run that paints (an image or a form).
        runs = [k for k in fig.kids if isinstance(k, tuple) and k[0] == "MCR"]
        assert len(runs) == 1
    # The decorative photograph: painted, but only inside an artifact.
    m = marks(reader)
    painted = {r.role for page in m.values() for r in page.runs if r.painted}
    assert "Figure" in painted
    for number, page in m.items():
        assert page.problems == [], (number, page.problems[:3])


def test_a_caption_follows_its_figure(figures: tuple[Path, PdfReader]) -> None:
    _, reader = figures
    m = marks(reader)
    order = [
        (e.role, e.attrs.get("Alt", "")[:10], " ".join(e.text(m).split()))
        for _, e in read_tree(reader).walk()
        if e.role in ("Figure", "Caption", "P")
    ]
    start = order.index(("P", "", "Before the pictures."))
    assert order[start + 1 : start + 3] == [
        ("Figure", "A line for", ""),
        ("Caption", "", "The same times every day."),
    ]


def test_an_image_used_twice_is_embedded_once_and_no_font_goes_unembedded(
    figures: tuple[Path, PdfReader],
) -> None:
    path, reader = figures
    used: dict[str, set[int]] = {"/Image": set(), "/Form": set()}
    draws = 0
    for page in reader.pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            used[str(ref.get_object()["/Subtype"])].add(ref.idnum)
        draws += page.get_contents().get_data().count(b" Do")
    # photo.jpg twice (decorative and described), logo.png twice (title and figure), the diagram once:
    # five pictures drawn from two images and one form.
    assert draws == 5
    assert len(used["/Image"]) == 2 and len(used["/Form"]) == 1
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            assert "/FontFile2" in font.get_object()["/FontDescriptor"].get_object()
    fonts = subprocess.run(
        [tool("pdffonts"), str(path.with_suffix(".pdf"))], capture_output=True, text=True, check=True
    ).stdout
    assert "Helvetica" not in fonts
    # The diagram's words are drawn in the leaflet's own font, inside the form.
    (form,) = [reader.get_object(i) for i in used["/Form"]]
    assert "/Font" in form["/Resources"]
    for font in form["/Resources"]["/Font"].values():
        assert "Atkinson" in str(font.get_object()["/BaseFont"])


def test_the_logo_sits_in_the_title_band_beside_the_organisation(figures: tuple[Path, PdfReader]) -> None:
    _, reader = figures
    logo = elements(reader, "Figure")[0]
    x0, y0, x1, y1 = _bbox(logo)
    width, height = _frames(reader)
    assert y1 <= height and y0 > height - 60 * 72 / 25.4  # in the top 60 mm
    margin = load_theme("default").page.margin_right
    assert width / 2 < x0 and x1 <= width - margin + 0.5  # on the right, inside the margin
    assert y1 - y0 == pytest.approx(14 * 72 / 25.4, abs=0.05)
    pages = {k[1] for k in logo.kids if isinstance(k, tuple)}
    assert pages == {1}


# ---------------------------------------------------------------- bad input, located


@pytest.mark.parametrize(
    ("figure", "needle", "words"),
    [
        ("{file: images/diagram.svg}", "{file", "alt"),
        ("{file: images/diagram.svg, alt: A day., decorative: true}", "true}", "decorative"),
        ("{file: ../outside.png, alt: x}", "../outside.png", "outside the content file's folder"),
        ("{file: /etc/hostname, alt: x}", "/etc/hostname", "absolute path"),
        ("{file: images/link.png, alt: x}", "images/link.png", "symbolic link"),
        ("{file: images/none.png, alt: x}", "images/none.png", "no file"),
        ("{file: images/broken.png, alt: x}", "images/broken.png", "not a readable PNG"),
        ("{file: images/bomb.png, alt: x}", "images/bomb.png", "million pixels"),
        ("{file: images/gif.png, alt: x}", "images/gif.png", "GIF"),
        ("{file: images/notes.txt, alt: x}", "images/notes.txt", "not a PNG, JPEG or SVG"),
        ("{file: images/laughs.svg, alt: x}", "images/laughs.svg", "DOCTYPE"),
        ("{file: images/outside.svg, alt: x}", "images/outside.svg", "refers to another file"),
        ("{file: images/diagram.svg, alt: x, width: 6 furlongs}", "6 furlongs", "a length such as 60mm"),
        ("{file: images/diagram.svg, alt: x, width: 0mm}", "0mm", "too small to see"),  # was drawn invisible
        # Names no file system holds: they were internal errors, and a traceback in `watch`.
        ('{file: "images/a\\0.png", alt: x}', '"images', "cannot hold a NUL character"),
        ("{file: images/" + "a" * 300 + ".png, alt: x}", "images/aaa", "too long for a file name"),
    ],
)
def test_bad_figures_are_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], figure: str, needle: str, words: str
) -> None:
    inner = tmp_path / "leaflet"
    inner.mkdir()
    body = f"sections:\n  - heading: Pictures\n    content:\n      - figure: {figure}\n"
    path = leaflet_dir(inner, body)
    (tmp_path / "outside.png").write_bytes((IMAGES / "logo.png").read_bytes())
    (inner / "images" / "link.png").symlink_to(tmp_path / "outside.png")
    data = (IMAGES / "logo.png").read_bytes()
    (inner / "images" / "broken.png").write_bytes(data[: len(data) // 2])
    PILImage.new("1", (7000, 7000)).save(inner / "images" / "bomb.png")
    PILImage.new("RGB", (8, 8)).save(inner / "images" / "gif.png", format="GIF")
    (inner / "images" / "notes.txt").write_text("words")
    (inner / "images" / "laughs.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&b;</text></svg>'
    )
    (inner / "images" / "outside.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" '
        'height="9"><image xlink:href="../../outside.png" width="9" height="9"/></svg>'
    )
    earlier = path.with_suffix(".pdf")
    earlier.write_bytes(b"%PDF-1.7 an earlier leaflet")
    rc, lines = errors_of(path, capsys)
    assert rc == 2
    assert earlier.read_bytes() == b"%PDF-1.7 an earlier leaflet"  # left whole
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m, lines[0]
    text = path.read_text("utf-8")
    assert (int(m["line"]), int(m["col"])) == position_of(text, needle), lines[0]
    assert words in m["msg"], lines[0]


def test_a_logo_that_climbs_out_is_located_at_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = leaflet_dir(tmp_path, "sections:\n  - heading: A\n    content: [Words.]\n")
    text = path.read_text("utf-8").replace("  language:", "  logo: ../../logo.png\n  language:")
    path.write_text(text, "utf-8")
    rc, lines = errors_of(path, capsys)
    assert rc == 2 and len(lines) == 1
    m = LINE.match(lines[0])
    assert m and (int(m["line"]), int(m["col"])) == position_of(text, "../../logo.png")
    assert "metadata.logo" in m["msg"]


@pytest.mark.parametrize(
    ("rows", "needle", "words"),
    [
        ("[[a, b], [c]]", "[c]", "has 1 cell but the header has 2"),
        ('[[a, b], ["", ~]]', '["", ~]', "nothing in it"),
        ("[[a, b], [x, {text: y}]]", "{text: y}", "expected text"),
    ],
)
def test_bad_tables_are_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: str, needle: str, words: str
) -> None:
    body = f"sections:\n  - heading: T\n    content:\n      - table: {{header: [One, Two], rows: {rows}}}\n"
    path = leaflet_dir(tmp_path, body)
    rc, lines = errors_of(path, capsys)
    assert rc == 2 and len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert (int(m["line"]), int(m["col"])) == position_of(path.read_text("utf-8"), needle), lines[0]
    assert words in m["msg"], lines[0]


TALL_ROW = """\
sections:
  - heading: A row taller than a page
    content:
      - table:
          header: [Topic, What to know]
          rows:
            - [Short, One line.]
            - [Long, "{long}"]
            - [After, The last row.]
"""


def test_a_row_taller_than_a_page_is_cut_across_pages_and_keeps_its_words(tmp_path: Path) -> None:
    sentence = "Each of these words belongs to one cell that will not fit on one page."
    long = " ".join([sentence] * 60)
    reader = build(leaflet_dir(tmp_path, TALL_ROW.format(long=long)), "large-print")["large-print"]
    m = marks(reader)
    (table,) = elements(reader, "Table")
    cell = table.kids[1].kids[1].kids[1]
    pages = {k[1] for _, e in cell.walk() for k in e.kids if isinstance(k, tuple)}
    assert len(pages) >= 2
    assert " ".join(cell.text(m).split()) == long
    assert " ".join(table.kids[1].kids[2].kids[1].text(m).split()) == "The last row."
    for number, page in m.items():
        assert page.problems == [], (number, page.problems[:3])


def test_a_cut_row_s_name_is_drawn_again_over_the_rest_of_the_row(tmp_path: Path) -> None:
    """The rest of a cut row started the next page with an empty first column: its name is drawn
    again there, as decoration, so the structure still reads it once."""
    sentence = "Each of these words belongs to one cell that will not fit on one page."
    long = " ".join([sentence] * 60)
    body = TALL_ROW.format(long=long).replace(
        "          header:", "          header_column: true\n          header:"
    )
    reader = build(leaflet_dir(tmp_path, body), "large-print")["large-print"]
    m = marks(reader)
    (table,) = elements(reader, "Table")
    name = table.kids[1].kids[1].kids[0]
    assert name.role == "TH" and " ".join(name.text(m).split()) == "Long"
    cell = table.kids[1].kids[1].kids[1]
    pages = sorted({k[1] for _, e in cell.walk() for k in e.kids if isinstance(k, tuple)})
    assert len(pages) >= 2
    for number in pages:  # the name on every page the row is on
        words = reader.pages[number - 1].extract_text().split()
        assert "Long" in words, number
    assert " ".join(cell.text(m).split()) == long
    for number, page in m.items():
        assert page.problems == [], (number, page.problems[:3])


def test_a_changed_picture_rebuilds_the_leaflet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "sections:\n  - heading: A\n    content:\n      - figure: {file: images/photo.jpg, decorative: true}\n"
    path = leaflet_dir(tmp_path, body)
    out = tmp_path / "out.pdf"
    assert main(["build", str(path), "-o", str(out)]) == 0
    assert main(["build", str(path), "-o", str(out)]) == 0
    assert "up to date" in capsys.readouterr().err
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(tmp_path / "images" / "photo.jpg")
    assert main(["build", str(path), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "up to date" not in err  # built again: the picture is part of what it is made from


def test_check_reads_the_words_in_cells_and_captions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        "sections:\n  - heading: A\n    content:\n      - table:\n          caption: Where to look\n"
        "          header: [What, Where]\n"
        "          rows:\n            - [Times, '[click here](https://example.org/times)']\n"
    )
    path = leaflet_dir(tmp_path, body)
    capsys.readouterr()
    main(["check", str(path)])
    out = capsys.readouterr()
    found = [line for line in (out.out + out.err).splitlines() if line.endswith("[links/vague-text]")]
    assert len(found) == 1, out
    text = path.read_text("utf-8")
    line, col = position_of(text, "[click here]")
    assert found[0].startswith(f"{path}:{line}:{col}: warning:"), found


def test_an_address_in_a_cell_is_never_cut_inside_itself(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = leaflet_dir(tmp_path_factory.mktemp("address"), MEDICINES)
    build(path, "standard", "large-print", "booklet")
    for suffix in ("", "-large-print", "-a5"):
        pdf = path.with_name(f"content{suffix}.pdf")
        text = subprocess.run(
            [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # Whole on one line, or broken only after one of / . - ? & = (never inside a piece).
        for address in ("https://example.org/meds", "https://example.org/forum"):
            places = breaks_in(pdf, address)
            assert places, (suffix, address, text)
            for pieces in places:
                for k in range(1, len(pieces)):
                    head = "".join(pieces[:k])
                    assert (head, address[len(head) :]) in (address_break_pairs(address) or []), pieces


SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">'


@pytest.mark.parametrize(
    ("inside", "words"),
    [
        ('<rect width="10" height="abc"/>', "cannot be drawn"),
        ('<ellipse cx="5" cy="5" rx="abc" ry="2"/>', "cannot be drawn"),
        ('<rect width="10" height="10" transform="matrix(1)"/>', "cannot be drawn"),
        ('<rect width="10" height="10" style="fill"/>', "cannot be drawn"),
        ('<rect width="10" height="10" stroke="black" stroke-width="1e999"/>', "cannot be drawn"),
        ('<line x1="0" y1="0" x2="9" y2="9" stroke="black" stroke-dasharray="0,0"/>', "cannot be drawn"),
        ('<image xlink:href="data:image/png;base64,AAAA" width="9" height="9"/>', "cannot be drawn"),
        (
            "<style>@import url(http://example.org/a.css);</style><rect width='9' height='9'/>",
            "refers to another file",
        ),
        ('<rect width="9" height="9" style="fill:url(http://example.org/p.png)"/>', "refers to another file"),
        # Text the text font lacks printed as an empty box; text in a script it cannot join, broken.
        ('<text x="5" y="50">Take it <tspan>\U0001f600</tspan></text>', "U+1F600 GRINNING FACE"),
        ('<text x="5" y="50">\u0635\u0628\u0627\u062d</text>', "text in the Arabic script"),
    ],
)
def test_an_svg_that_cannot_be_drawn_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], inside: str, words: str
) -> None:
    """An SVG the loader reads but svglib or ReportLab cannot draw (a length "abc", a number too
    large, a dash of zeros, a broken picture inside it) is said at the line that names it, in one
    line, and the earlier PDF stays whole; it was an "internal error" with no line."""
    body = "sections:\n  - heading: Pictures\n    content:\n      - figure: {file: images/bad.svg, alt: A drawing.}\n"
    path = leaflet_dir(tmp_path, body)
    (tmp_path / "images" / "bad.svg").write_text(SVG_HEAD + inside + "</svg>", "utf-8")
    earlier = path.with_suffix(".pdf")
    earlier.write_bytes(b"%PDF-1.7 an earlier leaflet")
    rc, lines = errors_of(path, capsys)
    assert rc == 2
    assert earlier.read_bytes() == b"%PDF-1.7 an earlier leaflet"
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert (int(m["line"]), int(m["col"])) == position_of(path.read_text("utf-8"), "images/bad.svg"), lines[0]
    assert "'images/bad.svg' " in m["msg"] and words in m["msg"], lines[0]
    assert "internal error" not in m["msg"] and " at 0x" not in m["msg"], lines[0]


def test_text_in_an_svg_the_text_font_draws_is_printed(tmp_path: Path) -> None:
    body = "sections:\n  - heading: Pictures\n    content:\n      - figure: {file: images/words.svg, alt: A drawing.}\n"
    path = leaflet_dir(tmp_path, body)
    (tmp_path / "images" / "words.svg").write_text(
        SVG_HEAD + '<text x="5" y="50">Caf\u00e9 at 9\u2013<tspan>10</tspan></text></svg>', "utf-8"
    )
    build(path)
    drawn = subprocess.run(
        [tool("pdftotext"), str(path.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Caf\u00e9 at 9\u201310" in drawn


def test_what_svglib_leaves_out_of_a_drawing_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "sections:\n  - heading: Pictures\n    content:\n      - figure: {file: images/odd.svg, alt: A drawing.}\n"
    path = leaflet_dir(tmp_path, body)
    odd = '<rect width="9" height="9" fill="#12"/><use id="a" xlink:href="#a"/>'
    (tmp_path / "images" / "odd.svg").write_text(SVG_HEAD + odd + "</svg>", "utf-8")
    # In a process of its own: the test runner's own logging would catch what svglib prints.
    env = {**os.environ, "LEAFLET_SERVER": "off"}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "make_leaflet.py"),
            "build",
            str(path),
            "-o",
            str(path.with_suffix(".pdf")),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(re.match(r"^\S+:\d+:\d+: (warning|advice): ", line) for line in lines), done.stderr
