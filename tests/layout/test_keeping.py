"""What stays together across a page break, read back from the structure tree of real builds.

A leaflet whose list (led in by a sentence ending in a colon) falls ever lower on
the page is built with one more line of text above it each time, so that every
place the page could break (before, inside and after the lead-in and the list) is
met once. On every build:

- the lead-in ends on the page where its list starts;
- the list's last item never stands alone at the top of a page: some of the item
  before it is on that page too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from leaflet.build import build_editions
from leaflet.layout.flowables import Stack
from leaflet.style import load_theme
from tests.conftest import metadata_block
from tests.layout.measure import empty_shares, frame_for, holes
from tests.pdf.reader import Element, read_tree, walk_page

LEAD_IN = "Before your appointment, it helps to have these things ready for the nurse:"
ITEMS = (
    "A list of every medicine you take, with the dose and the time of day you take it.",
    "The dates of any relapses since your last appointment.",
    "Questions you want to ask, written down so that you do not forget them.",
    "The name of someone you would like to come with you.",
    "Your diary of tiredness for the last two weeks, if you keep one.",
)


def content(extra_lines: int) -> str:
    fillers = "".join(
        f"      - Line {n} of the text above the list, one line long.\n" for n in range(extra_lines)
    )
    items = "".join(f"          - {item}\n" for item in ITEMS)
    return (
        metadata_block("What to bring", "bring")
        + "sections:\n  - heading: Getting ready\n    content:\n"
        + fillers
        + f'      - "{LEAD_IN}"\n      - bullets:\n'
        + items
        + "      - After the list, the text goes on for a line or two more.\n"
        + "references: []\n"
    )


def pages_of(elem: Element) -> list[int]:
    """The pages an element's words are on, in order."""
    out = []
    for _, e in elem.walk():
        out += [kid[1] for kid in e.kids if isinstance(kid, tuple) and kid[0] == "MCR"]
    return out


#: From a page that ends just above the list to one that ends after it, a line at a time.
SHIFTS = range(36, 46)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, PdfReader]:
    out = {}
    for extra in SHIFTS:
        folder = tmp_path_factory.mktemp(f"keep{extra}")
        path = folder / "bring.yaml"
        path.write_text(content(extra), encoding="utf-8")
        (built,) = build_editions(path, ["standard"], None, folder / "bring.pdf")
        out[extra] = PdfReader(built.path)
    return out


def _lead_in_and_list(reader: PdfReader) -> tuple[Element, Element]:
    tree = read_tree(reader)
    kids = [e for _, e in tree.walk() if e.role in ("P", "L")]
    for i, elem in enumerate(kids):
        if elem.role == "L" and i and kids[i - 1].role == "P":
            return kids[i - 1], elem
    raise AssertionError("no list after a paragraph")


def test_the_list_crosses_a_page_break_in_some_builds(builds: dict[int, PdfReader]) -> None:
    # Else the tests below would prove nothing.
    crossing = [n for n, r in builds.items() if len(set(pages_of(_lead_in_and_list(r)[1]))) > 1]
    assert crossing, "no build breaks the page inside the list"
    # And in some the page breaks just before the lead-in or just before the list's last item.
    starts = {n: pages_of(_lead_in_and_list(r)[0])[0] for n, r in builds.items()}
    assert len(set(starts.values())) == 2, starts


@pytest.mark.parametrize("extra", list(SHIFTS))
def test_a_lead_in_ending_in_a_colon_ends_on_the_page_where_its_list_starts(
    builds: dict[int, PdfReader], extra: int
) -> None:
    lead_in, lst = _lead_in_and_list(builds[extra])
    assert pages_of(lead_in)[-1] == pages_of(lst)[0], (extra, pages_of(lead_in), pages_of(lst))


@pytest.mark.parametrize("extra", list(SHIFTS))
def test_the_last_item_never_stands_alone_at_the_top_of_a_page(
    builds: dict[int, PdfReader], extra: int
) -> None:
    _, lst = _lead_in_and_list(builds[extra])
    items = [k for k in lst.kids if isinstance(k, Element) and k.role == "LI"]
    assert len(items) == len(ITEMS)
    last_starts = pages_of(items[-1])[0]
    before = pages_of(items[-2])
    assert before[-1] == last_starts, (extra, before, pages_of(items[-1]))


# ---------------------------------------------------------------- a table after text, ever lower on the page

ROW = (
    "Ask at the desk on the ground floor, by the main doors, where the staff will book you in, "
    "check your details, and tell you where to wait until the nurse calls you through. "
    "If you need help to get there, or a wheelchair, or somewhere quiet to wait, tell the staff "
    "when you arrive; they will also tell you if the clinic is running late, and by how long."
)


def table_content(extra_lines: int) -> str:
    fillers = "".join(
        f"      - Line {n} of the text above the table, one line long.\n" for n in range(extra_lines)
    )
    rows = "".join(f'            - ["Visit {n}", "{ROW}", "{ROW}"]\n' for n in range(1, 5))
    return (
        metadata_block("Your visits", "visits")
        + "sections:\n  - heading: Visits\n    content:\n"
        + fillers
        + "      - table:\n          caption: Where to go\n          header: [Visit, Where, What happens]\n"
        + "          rows:\n"
        + rows
        + "      - After the table, the text goes on for a line or two more.\n"
        + "references: []\n"
    )


TABLE_SHIFTS = range(20, 44, 3)


@pytest.fixture(scope="module")
def table_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, Path, PdfReader]]:
    out = {}
    for extra in TABLE_SHIFTS:
        folder = tmp_path_factory.mktemp(f"table{extra}")
        path = folder / "visits.yaml"
        path.write_text(table_content(extra), encoding="utf-8")
        (built,) = build_editions(path, ["standard"], None, folder / "visits.pdf")
        out[extra] = (path, built.path, PdfReader(built.path))
    return out


def test_a_table_starts_where_the_text_ends_cutting_a_row_rather_than_leave_a_hole(
    table_builds: dict[int, tuple[Path, Path, PdfReader]],
) -> None:
    body = load_theme("default").style("body").size
    cut = 0
    for extra, (content_path, pdf, reader) in table_builds.items():
        frame = frame_for(content_path, "standard")
        assert not holes(pdf, frame, 0.20, body), (extra, empty_shares(pdf, frame))
        (table,) = [e for _, e in read_tree(reader).walk() if e.role == "Table"]
        rows = [r for r in table.kids[2].kids if r.role == "TR"]
        for row in rows:
            pages = sorted(set(pages_of(row)))
            if len(pages) > 1:
                cut += 1
                # The header is drawn again on the page the row goes on to, as an artifact.
                runs = walk_page(reader, pages[-1]).runs
                assert any(r.role == "Artifact" and "What happens" in r.text for r in runs), extra
    assert cut, "no build cut a row across a page: the test proves nothing"


def _lines(count: int) -> Paragraph:
    """A paragraph of exactly `count` lines, 12 points apart."""
    style = ParagraphStyle("lines", fontName="Helvetica", fontSize=10, leading=12)
    return Paragraph("<br/>".join(f"line {n}" for n in range(count)), style)


@pytest.mark.parametrize("limit", [None, 2 * 12])
def test_a_last_entry_goes_over_alone_rather_than_leave_a_hole(limit: float | None) -> None:
    """Entries of 3, 6 and 5 lines (the last kept whole, as a short reference is) in room for 11:
    the third goes over. Sending the second's last line with it, so that it is not alone at the
    top of the next page, leaves 3 lines empty here; with a limit of 2 on the hole (the
    references' `max_hole`), the second stays whole and the third goes over alone."""
    first, second = _lines(3), _lines(6)
    third = Stack([_lines(5)], inset=(0, 0, 0, 0), keep_under=1e6)
    kwargs = {} if limit is None else {"split_above": limit}
    stack = Stack([first, second, third], inset=(0, 0, 0, 0), min_rest=2, **kwargs)
    stack.wrap(200, 11 * 12)
    here, over = stack.split(200, 11 * 12)
    assert here.children[0] is first and over.children[-1] is third
    if limit is None:  # no limit: the second's last line goes over with the third
        assert len(here.children) == len(over.children) == 2
        assert second not in (here.children[1], over.children[0])  # cut in two
        assert here.children[1].wrap(200, 1e9)[1] == 5 * 12
    else:
        assert here.children == [first, second]
        assert over.children == [third]
        # The second entry, kept whole, has its own lines to draw.
        assert second.wrap(200, 1e9)[1] == 6 * 12
