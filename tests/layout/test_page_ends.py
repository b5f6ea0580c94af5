"""How each page ends, on CCSVI and on every page of the corpus (tests/data), in every PDF edition.

Each leaflet is built once for this module in every edition and read back:

- no page but the last ends more than 20 % of its text height above the footer,
  unless the next page starts with a heading that could not have fitted with three
  lines of its text (measured on the laid-out words: tests/layout/measure.py);
- no page ends with a heading: the last element read on a page (the structure
  tree, in its order) is never a heading whose text follows on the next page;
- no letter (the footer's last line above all) comes nearer than 5 mm to the trim's bottom
  edge, on every page of every edition and of the imposed booklet, in every language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from leaflet.build import build_editions
from leaflet.style import load_theme
from tests.conftest import CONTENT
from tests.layout.measure import empty_shares, frame_for, holes, lines
from tests.pdf.reader import Element, read_tree, walk_page

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS = (
    "mri-scan",
    "news-statement",
    "faq",
    "every-block",
    "one-page",
    "hospital-stay",
    "medicines-schedule",
    "logo-and-diagram",
)
LEAFLETS = {"ccsvi": CONTENT, **{name: DATA / f"{name}.yaml" for name in CORPUS}}
#: The PDF editions a reader holds, and their sheets (the booklet's pages are the A5 edition's, imposed).
SHEETS = {"standard": "default", "large-print": "large-print", "a5": "booklet", "press": "press"}
HEADINGS = {"H", "H1", "H2", "H3", "H4", "H5", "H6"}
#: The part of a page that may be left empty at its foot (issue 10).
MAX_HOLE = 0.20


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every leaflet in every PDF edition, built once: leaflet → edition → file (and the
    imposed booklet, as "booklet")."""
    out: dict[str, dict[str, Path]] = {}
    for name, content in LEAFLETS.items():
        target = tmp_path_factory.mktemp(f"ends-{name}") / f"{name}.pdf"
        files = build_editions(content, ["standard", "large-print", "booklet", "press"], None, target)
        out[name] = {b.edition: b.path for b in files if b.edition in (*SHEETS, "booklet")}
    return out


CASES = [(name, edition) for name in LEAFLETS for edition in SHEETS]


@pytest.mark.parametrize(("name", "edition"), CASES)
def test_no_page_but_the_last_ends_more_than_a_fifth_early(
    built: dict[str, dict[str, Path]], name: str, edition: str
) -> None:
    path = built[name][edition]
    frame = frame_for(LEAFLETS[name], edition)
    theme = load_theme(SHEETS[edition])
    found = holes(path, frame, MAX_HOLE, theme.style("body").size, theme.style("h2").space_before)
    assert not found, (name, edition, [round(s * 100, 1) for s in empty_shares(path, frame)])


def last_read_on_each_page(reader: PdfReader) -> dict[int, tuple[str, str, bool]]:
    """For each page, the element whose words are read last there: its role, its words, and
    whether its words go on on a later page (reading order is the structure tree's)."""
    marks = {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}
    last: dict[int, tuple[str, str, bool]] = {}

    def visit(elem: Element, owner: Element | None) -> None:
        # A link or span inside a heading reads as part of the heading.
        holder = owner if owner is not None and elem.role in ("Link", "Span") else elem
        pages = [kid[1] for kid in elem.kids if not isinstance(kid, Element) and kid[0] == "MCR"]
        for kid in elem.kids:
            if isinstance(kid, Element):
                visit(kid, holder)
            elif kid[0] == "MCR" and marks[kid[1]].by_mcid()[kid[2]].text.strip():
                later = any(p > kid[1] for p in pages)
                last[kid[1]] = (holder.role, " ".join(holder.text(marks).split()), later)

    visit(read_tree(reader), None)
    return last


@pytest.mark.parametrize(("name", "edition"), [c for c in CASES if c[1] != "press"] + [("ccsvi", "press")])
def test_no_page_ends_with_a_heading(built: dict[str, dict[str, Path]], name: str, edition: str) -> None:
    reader = PdfReader(built[name][edition])
    last = last_read_on_each_page(reader)
    stranded = {
        page: words
        for page, (role, words, _) in last.items()
        if page < len(reader.pages) and role in HEADINGS
    }
    assert not stranded, (name, edition, stranded)


def test_the_contents_of_large_print_ccsvi_starts_under_its_heading(
    built: dict[str, dict[str, Path]],
) -> None:
    reader = PdfReader(built["ccsvi"]["large-print"])
    role, words, _ = last_read_on_each_page(reader)[1]
    assert role != "H2" and words != "In this leaflet", (role, words)
    # Its first entries are on page 1, under the heading; the rest on page 2.
    text = [" ".join(reader.pages[i].extract_text().split()) for i in (0, 1)]
    assert "In this leaflet What is CCSVI? 2" in text[0], text[0][-300:]
    assert "About this leaflet" in text[1]


#: The least room between a page's lowest letters and the trim's bottom edge (STANDARDS: text at
#: least 5 mm inside the trim; an office printer leaves 4 to 5 mm of white at the paper's edge).
EDGE = 5 * mm
LANGUAGES = sorted((DATA / "langs").glob("*.yaml"))


@pytest.fixture(scope="module")
def languages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The language leaflets (tests/data/langs) in every PDF edition but press."""
    out: dict[str, dict[str, Path]] = {}
    for content in LANGUAGES:
        target = tmp_path_factory.mktemp(f"edge-{content.stem}") / f"{content.stem}.pdf"
        files = build_editions(content, ["standard", "large-print", "booklet"], None, target)
        out[content.stem] = {b.edition: b.path for b in files}
    return out


def too_near_the_foot(pdf: Path) -> list[tuple[int, str, float]]:
    """Lines whose letters (to the depth their fonts declare) come within EDGE of the trim's
    bottom edge, the paper's for a PDF without a trim box: (page, words, millimetres left)."""
    page = PdfReader(pdf).pages[0]
    # poppler measures down from the top of the media box; the trim's foot is this far down it.
    foot = float(page.mediabox.top) - float(page.trimbox.bottom)
    return [
        (line.page, line.text, round((foot - line.y_bottom) / mm, 1))
        for line in lines(pdf)
        if foot - line.y_bottom < EDGE
    ]


@pytest.mark.parametrize(("name", "edition"), [*CASES, *((name, "booklet") for name in LEAFLETS)])
def test_no_letter_comes_within_5_mm_of_the_trims_foot(
    built: dict[str, dict[str, Path]], name: str, edition: str
) -> None:
    near = too_near_the_foot(built[name][edition])
    assert not near, (name, edition, near)


@pytest.mark.parametrize("name", [c.stem for c in LANGUAGES])
def test_no_letter_of_a_language_leaflet_comes_within_5_mm_of_the_foot(
    languages: dict[str, dict[str, Path]], name: str
) -> None:
    for edition, pdf in languages[name].items():
        near = too_near_the_foot(pdf)
        assert not near, (name, edition, near)


def footers(pdf: Path, frame_bottom: float) -> dict[int, list[str]]:
    """Each page's footer, line by line, its figures (the page number) left out."""
    rows: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for line in lines(pdf):
        if line.y_top > frame_bottom:
            rows.setdefault((line.page, round(line.y_bottom)), []).append((line.x, line.text))
    out: dict[int, list[str]] = {}
    for (page, _), parts in sorted(rows.items()):
        out.setdefault(page, []).append(re.sub(r"\d+", "#", " ".join(text for _, text in sorted(parts))))
    return out


@pytest.mark.parametrize(("name", "edition"), CASES)
def test_every_pages_footer_is_set_the_same_way(
    built: dict[str, dict[str, Path]], name: str, edition: str
) -> None:
    """The footer's pieces go on the same lines on every page, whatever its number's figures
    ("Page 1 of 4" is narrower than "Page 3 of 4": the first line leaves room for the widest)."""
    found = footers(built[name][edition], frame_for(LEAFLETS[name], edition).bottom)
    assert len({tuple(texts) for texts in found.values()}) == 1, (name, edition, found)


@pytest.mark.parametrize(("name", "edition"), CASES)
def test_no_page_starts_with_a_quotations_attribution(
    built: dict[str, dict[str, Path]], name: str, edition: str
) -> None:
    """A quotation's attribution ("— who") never stands alone at the top of a page: the
    quotation's last lines go over with it (docs/styles.md, How pages are filled)."""
    firsts: dict[int, tuple[float, str]] = {}
    for line in lines(built[name][edition]):
        if line.page not in firsts or line.y_top < firsts[line.page][0]:
            firsts[line.page] = (line.y_top, line.text)
    alone = {page: text for page, (_, text) in firsts.items() if text.startswith("—")}
    assert not alone, (name, edition, alone)


def lines_under_the_about_heading(pdf: Path, heading: str) -> tuple[int, int, int]:
    """The page About this leaflet's heading is on, the lines of text under it there (down to
    the footer), and the pages of the PDF."""
    found = lines(pdf)
    pages = max(line.page for line in found)
    # The heading, after the contents entry of the same words.
    at = [line for line in found if line.text.strip() == heading][-1]
    page = PdfReader(pdf).pages[at.page - 1]
    frame_bottom = float(page.mediabox.top) - float(page.trimbox.bottom) - 25 * mm  # above any footer
    rows = {
        round(line.y_top) for line in found if line.page == at.page and at.y_top < line.y_top < frame_bottom
    }
    return at.page, len(rows), pages


@pytest.mark.parametrize("name", ["en", "pl", "cy"])
def test_about_this_leaflet_never_starts_at_a_pages_foot_with_fewer_than_three_lines(
    languages: dict[str, dict[str, Path]], name: str
) -> None:
    """Its heading goes over with its lines rather than stand at the foot of a page over one
    (docs/styles.md: a heading goes to the next page with at least three lines of what follows)."""
    from leaflet.content.loader import load_leaflet
    from leaflet.i18n import furniture

    heading = furniture(load_leaflet(DATA / "langs" / f"{name}.yaml").metadata.language)("About this leaflet")
    for edition, pdf in languages[name].items():
        if edition == "booklet":
            continue
        page, under, pages = lines_under_the_about_heading(pdf, heading)
        assert page == pages or under >= 3, (name, edition, page, under)
