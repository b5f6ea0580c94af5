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

import pytest
from pypdf import PdfReader

from leaflet.build import build_editions
from tests.conftest import metadata_block
from tests.pdf.reader import Element, read_tree

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
