"""Measurements of laid-out pages, taken from the words poppler reads back (pdftotext -bbox-layout).

How full each page is: the lowest line of text above the footer, against the
text frame's height. How long the lines are: characters per full line of body
text. Both are read from the PDF, never assumed from the layout code.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from leaflet.build import PageGeometry
from leaflet.content.loader import load_leaflet
from leaflet.editions import A5_SCREEN, EDITIONS
from leaflet.fonts import font_set
from leaflet.layout.page import LeafletDocTemplate
from leaflet.layout.story import Pagination
from leaflet.style import load_theme

NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    page: int
    x: float
    y_top: float
    y_bottom: float  # from the top of the page, as poppler gives it
    text: str
    size: float


@dataclass(frozen=True)
class Frame:
    """The text frame of an edition's pages, from the top of the page (the trimmed page for press)."""

    top: float
    bottom: float
    left: float
    width: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def frame_for(content: Path, edition: str) -> Frame:
    """Where the text frame of an edition lies, as the document template places it."""
    ed = A5_SCREEN if edition == "a5" else EDITIONS[edition]
    theme = load_theme(ed.style)
    leaflet = load_leaflet(content)
    geometry = PageGeometry.for_theme(theme, ed.bleed)
    doc = LeafletDocTemplate(BytesIO(), leaflet, theme, font_set(theme), Pagination(), geometry)
    media_height = geometry.media[1]
    return Frame(doc.topMargin, media_height - doc.bottomMargin, doc.leftMargin, doc.width)


def lines(pdf: Path) -> list[Line]:
    """Every line of text on every page, with its box, in poppler's reading order."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed to measure pages"
    xml = subprocess.run(
        [tool, "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(xml)
    out: list[Line] = []
    for number, page in enumerate(root.iter(f"{NS}page"), start=1):
        for line in page.iter(f"{NS}line"):
            words = list(line.iter(f"{NS}word"))
            text = " ".join(w.text or "" for w in words)
            y0 = float(line.get("yMin"))
            y1 = float(line.get("yMax"))
            out.append(Line(number, float(line.get("xMin")), y0, y1, text, y1 - y0))
    return out


def empty_shares(pdf: Path, frame: Frame) -> list[float]:
    """For every page: the share of the frame's height below its lowest line of text."""
    found = lines(pdf)
    pages = max(line.page for line in found)
    shares = []
    for number in range(1, pages + 1):
        inside = [ln.y_bottom for ln in found if ln.page == number and ln.y_bottom <= frame.bottom + 2]
        lowest = max(inside) if inside else frame.top
        shares.append(max(0.0, (frame.bottom - lowest) / frame.height))
    return shares


def body_measure(pdf: Path, body_size: float, frame: Frame) -> float:
    """Median characters per full line of body text.

    A line of body text is one at the body size starting at the frame's left edge
    (list items and boxes are indented); a full line is one that is not the last
    of its paragraph, taken as those at least 80 % of the longest such line's width.
    """
    found = [
        ln
        for ln in lines(pdf)
        if abs(ln.x - frame.left) < 1.5
        and ln.y_bottom <= frame.bottom
        and abs(ln.size - body_size * 1.2) < body_size * 0.3
    ]
    counts = [len(ln.text) for ln in found]
    longest = max(counts)
    full = [c for c in counts if c >= 0.8 * longest]
    return statistics.median(full)


def _table_heads(pdf: Path, page: int) -> list[tuple[float, float]]:
    """The header rows of tables on a page: (top, bottom) from the top of the page, from their
    filled tint, where words stand side by side (a callout's tint holds one column of words)."""
    from pypdf import PdfReader

    from tests.pdf.grey import filled_rectangles

    reader = PdfReader(pdf)
    height = float(reader.pages[page - 1].mediabox.height)
    found = [ln for ln in lines(pdf) if ln.page == page]
    out = []
    for _x0, y0, _x1, y1, _ in filled_rectangles(reader, page - 1):
        top, bottom = height - y1, height - y0
        inside = [ln for ln in found if top <= ln.y_top and ln.y_bottom <= bottom]
        if any(abs(a.y_top - b.y_top) < 1 and abs(a.x - b.x) > 5 for a in inside for b in inside):
            out.append((top, bottom))
    return out


def holes(
    pdf: Path, frame: Frame, limit: float, body_size: float, space_above: float = 0.0
) -> dict[int, float]:
    """Pages (but the last) that end more than `limit` of the frame early, with their empty share.

    A page may end early when the next page starts with a heading that could not
    have fitted in the space left together with three lines of its text, or when
    the next page is the last and starts with About this leaflet, which goes over
    whole rather than leave two lines alone (docs/styles.md, "How pages are filled").
    A table's caption and header row go with its first lines and are not counted
    among the three: its lines are the lines of its rows, the cells of a row side by
    side counting as one line. `space_above` is the space the sheet puts above a heading,
    which it would have needed here too; the words' boxes are a little shorter than
    the lines they stand on (and a table's cells are padded), so half a line of body
    text is allowed for them.
    """
    found = lines(pdf)
    shares = empty_shares(pdf, frame)
    out: dict[int, float] = {}
    for number, share in enumerate(shares[:-1], start=1):
        if share <= limit:
            continue
        following = sorted(
            (
                ln
                for ln in found
                if ln.page == number + 1 and frame.top - 2 <= ln.y_top and ln.y_bottom <= frame.bottom
            ),
            key=lambda ln: ln.y_top,
        )
        body_line = body_size * 1.2 * 1.15
        heading = 0
        while heading < len(following) and following[heading].size > body_line:
            heading += 1
        if heading and number + 1 == len(shares) and following[0].text == "About this leaflet":
            continue
        if heading:
            heads = _table_heads(pdf, number + 1)
            # The lines of its text: words side by side are one line; a table's header row, and
            # its caption just above it, are not counted.
            groups: list[list[Line]] = []
            for ln in following[heading:]:
                if groups and abs(groups[-1][0].y_top - ln.y_top) < 1:
                    groups[-1].append(ln)
                else:
                    groups.append([ln])
            counted: list[list[Line]] = []
            for i, group in enumerate(groups):
                y = group[0].y_top
                in_head = any(top - 1 <= y <= bottom for top, bottom in heads)
                nxt = groups[i + 1][0].y_top if i + 1 < len(groups) else None
                caption = nxt is not None and any(
                    top - 1 <= nxt <= bottom and top - group[-1].y_bottom < body_size * 1.5
                    for top, bottom in heads
                )
                if not in_head and not caption:
                    counted.append(group)
            if len(counted) >= 3:
                need = max(ln.y_bottom for ln in counted[2]) - following[0].y_top + space_above
                if need + body_size * 0.6 > share * frame.height:
                    continue  # the heading and three lines of its text could not have fitted
        out[number] = share
    return out


def main(argv: list[str] | None = None) -> None:
    """Print, per edition, the pages, the empty share of each page and the measure:
    python -m tests.layout.measure content.yaml"""
    import sys
    import tempfile

    from leaflet.build import build_editions

    sheets = {"standard": "default", "large-print": "large-print", "a5": "booklet", "press": "press"}
    for name in argv if argv is not None else sys.argv[1:]:
        content = Path(name)
        with tempfile.TemporaryDirectory() as tmp:
            built = build_editions(
                content, ["standard", "large-print", "booklet", "press"], None, Path(tmp) / "x.pdf"
            )
            for b in built:
                if b.edition not in sheets:
                    continue
                frame = frame_for(content, b.edition)
                shares = empty_shares(b.path, frame)
                size = load_theme(sheets[b.edition]).style("body").size
                print(
                    f"{content.name} {b.edition}: {len(shares)} pages; empty % "
                    + " ".join(f"{s * 100:.1f}" for s in shares)
                    + f"; {body_measure(b.path, size, frame):g} characters a line"
                )


if __name__ == "__main__":
    main()
