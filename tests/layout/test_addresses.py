"""Long addresses are broken only after / . - ? & = (no hyphen added), everywhere they are printed.

A leaflet with a very long address in running text, as a link's own words, in a
list, in a table cell, in About this leaflet and beside the QR code is built in
A5, large print and standard. Each address is found in the words poppler reads
back, line by line, and every line break inside it must fall after one of those
characters. The structure tree holds each address whole, and the link
annotations cover the printed address and point to the whole address.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.addressbreaks import ADDRESS_BREAKS
from leaflet.build import build_editions
from leaflet.rlseam import address_break_pairs
from tests.conftest import metadata_block, require_tool
from tests.pdf.reader import Element, read_tree, walk_page

SITE = "https://www.example-neurology-service.org.uk"
LIVING = f"{SITE}/living-well-with-multiple-sclerosis/everyday-life/work-and-money?section=benefits&page=2"
CARERS = f"{SITE}/information-for-carers-and-families/looking-after-yourself-while-caring"
STUDIES = f"{SITE}/research/current-studies-and-trials/recruiting-now-for-people-with-ms"
EMAIL = "patient.information.team@example-neurology-service.org.uk"
BOOKING = f"{SITE}/services/physiotherapy/book-an-appointment-online?clinic=north&day=any"
NURSES = f"{SITE}/services/ms-nurses/contact-the-team-by-message-or-telephone"
ONLINE = f"{SITE}/patient-information/leaflets/finding-help-online?edition=large-print&format=pdf"

BODY = f"""\
  url: {ONLINE}
  contact: Write to {EMAIL} with any question about this leaflet.
sections:
  - heading: Where to read more
    content:
      - Our guide to living well is on [the service's pages]({LIVING}) and is updated each spring.
      - "[{CARERS}]({CARERS})"
      - bullets:
          - Read [the list of studies]({STUDIES}) before you ask about one.
          - Email [{EMAIL}](mailto:{EMAIL}) for a printed copy.
      - table:
          caption: Where to find each service
          header: [Service, Address]
          rows:
            - [Physiotherapy, "[Booking page]({BOOKING})"]
            - [Nurses, "[{NURSES}]({NURSES})"]
references: []
"""
#: Every address, as printed, and where it is.
PRINTED = {
    LIVING: "running text, beside its link's words",
    CARERS: "running text, as its link's own words",
    STUDIES: "a list item",
    EMAIL: "a list item (a mailto link's words) and About this leaflet",
    BOOKING: "a table cell, beside its link's words",
    NURSES: "a table cell, as its link's words",
    ONLINE: "About this leaflet (beside the QR code in A5 and large print)",
}
#: Links whose words are their address: the annotations must cover those words.
LINKED = {CARERS: CARERS, EMAIL: f"mailto:{EMAIL}", NURSES: NURSES}
EDITIONS = {"a5": "-a5", "large-print": "-large-print", "standard": ""}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("addresses")
    content = folder / "addresses.yaml"
    content.write_text(metadata_block("Finding help online", "addresses") + BODY, encoding="utf-8")
    build_editions(content, ["standard", "large-print", "booklet"], None, folder / "addresses.pdf")
    return {edition: folder / f"addresses{suffix}.pdf" for edition, suffix in EDITIONS.items()}


def words(pdf: Path) -> list[tuple[int, list[tuple[str, tuple[float, float, float, float]]]]]:
    """Every line poppler reads back, in its order: (page, [(word, box from the top)])."""
    xml = subprocess.run(
        [require_tool("pdftotext"), "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    out = []
    for number, page in enumerate(ET.fromstring(xml).iter(f"{ns}page"), start=1):
        for line in page.iter(f"{ns}line"):
            out.append(
                (
                    number,
                    [
                        (w.text or "", tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                        for w in line.iter(f"{ns}word")
                    ],
                )
            )
    return out


def breaks_in(pdf: Path, address: str) -> list[list[str]]:
    """Each place the address is printed: the pieces of it on each line, in order."""
    found = words(pdf)
    texts = [" ".join(w for w, _ in line) for _, line in found]
    places = []
    for i, text in enumerate(texts):
        for start in range(len(address)):
            head = address[: len(address) - start]
            # The address starts on this line: the line ends with its first part (or holds it all).
            if not (text.endswith(head) or (start == 0 and address in text)):
                continue
            if start == 0:
                places.append([address])
                break
            pieces, rest, j = [head], address[len(head) :], i + 1
            while rest and j < len(texts):
                first = texts[j].split(" ")[0] if texts[j] else ""
                part = first.rstrip(").,") if rest.startswith(first.rstrip(").,")) else ""
                if not part:
                    break
                pieces.append(part)
                rest = rest[len(part) :]
                j += 1
            if not rest:
                places.append(pieces)
                break
    return places


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_an_address_breaks_only_after_a_slash_dot_hyphen_or_query_character(
    built: dict[str, Path], edition: str
) -> None:
    broken = 0
    for address, where in PRINTED.items():
        places = breaks_in(built[edition], address)
        assert places, (edition, where, address)
        allowed = list(address_break_pairs(address) or [])
        for pieces in places:
            assert "".join(pieces) == address, (edition, where, pieces)
            for k in range(1, len(pieces)):
                head = "".join(pieces[:k])
                assert head[-1] in ADDRESS_BREAKS, (edition, where, pieces)
                assert (head, address[len(head) :]) in allowed, (edition, where, pieces)
            broken += len(pieces) > 1
    # Long enough that most of them do break, in every edition.
    assert broken >= 4, (edition, broken)


def test_no_hyphen_is_added_where_an_address_breaks(built: dict[str, Path]) -> None:
    text = " ".join(" ".join(w for w, _ in line) for _, line in words(built["large-print"]))
    # Each printed piece is part of the address as written: none ends in a hyphen of ours.
    for address in PRINTED:
        for pieces in breaks_in(built["large-print"], address):
            assert "".join(pieces) == address
    assert "-\u00ad" not in text and "\u00ad" not in text


def tree_texts(reader: PdfReader) -> list[str]:
    """The words of each element holding words, in the tree's order, a child Link's words in place."""
    marks = {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}
    out = []

    def visit(elem: Element) -> None:
        if any(isinstance(k, tuple) and k[0] == "MCR" for k in elem.kids):
            out.append(elem.text(marks))
        for kid in elem.kids:
            if isinstance(kid, Element):
                visit(kid)

    visit(read_tree(reader))
    return out


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_the_structure_holds_every_address_whole(built: dict[str, Path], edition: str) -> None:
    texts = tree_texts(PdfReader(built[edition]))
    for address, where in PRINTED.items():
        assert any(address in t for t in texts), (edition, where, address)


@pytest.mark.parametrize("edition", ["a5", "large-print"])
def test_link_annotations_cover_a_broken_address_and_open_it_whole(
    built: dict[str, Path], edition: str
) -> None:
    reader = PdfReader(built[edition])
    lines = words(built[edition])
    for address, uri in LINKED.items():
        pieces = breaks_in(built[edition], address)[0]  # the first place it is printed
        assert len(pieces) >= 2, (
            edition,
            address,
            pieces,
        )  # broken over lines, for this test to mean anything
        for piece in pieces:
            # The piece's word on the page, and the link areas on that page with the whole address.
            page, box = next(
                (number, b)
                for number, line in lines
                for w, b in line
                if w.rstrip(").,") == piece or (w.endswith(piece) and piece == pieces[0])
            )
            height = float(reader.pages[page - 1].mediabox.height)
            areas = [
                [float(v) for v in a.get_object()["/Rect"]]
                for a in reader.pages[page - 1].get("/Annots", [])
                if str(a.get_object().get("/A", {}).get("/URI", "")) == uri
            ]
            assert areas, (edition, uri, page)
            x0, y0, x1, y1 = box
            mid_x, mid_y = (x0 + x1) / 2, height - (y0 + y1) / 2
            assert any(r[0] - 1 <= mid_x <= r[2] + 1 and r[1] - 1 <= mid_y <= r[3] + 1 for r in areas), (
                edition,
                piece,
                areas,
            )


def test_a_piece_too_wide_for_any_line_is_the_only_thing_cut_elsewhere() -> None:
    # The break opportunities, as ReportLab is given them: after the characters, never inside "//".
    pairs = address_break_pairs("https://a.example/b-c?d=e&f")
    assert pairs is not None
    heads = [h for h, _ in pairs]
    assert heads == sorted(heads, key=len, reverse=True)
    assert {h[-1] for h in heads} <= set(ADDRESS_BREAKS)
    assert "https:/" not in heads and "https://" in heads
    assert address_break_pairs("unbreakable") is None
    assert re.fullmatch(r"[/.\-?&=]+", "".join(sorted(ADDRESS_BREAKS)))
