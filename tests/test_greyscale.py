"""On a black-and-white printer: boxes still read as boxes, and all text stays readable.

Every edition is rendered in grey by poppler; callout and panel edges must
stand out from the page by at least 3:1, and every piece of text from what is
behind it by at least 4.5:1, measured on the pixels.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.build import build_editions
from tests.conftest import CONTENT, needs
from tests.pdf.grey import contrast, render_grey, stroked_rectangles
from tests.test_editions import text_runs

pytestmark = needs("pdftoppm")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("grey") / "ccsvi.pdf"
    return [
        b.path for b in build_editions(CONTENT, ["standard", "large-print", "booklet", "press"], None, out)
    ]


def editions(built: list[Path]) -> list[Path]:
    # The booklet's sheets are the A5 pages again, two to a side; the A5 edition stands for them.
    return [p for p in built if not p.name.endswith("-booklet.pdf")]


def test_box_edges_stand_out_from_the_page_in_grey(built: list[Path]) -> None:
    checked = 0
    for path in editions(built):
        reader = PdfReader(path)
        for index, page in enumerate(reader.pages):
            boxes = [r for r in stroked_rectangles(reader, index) if r[4] >= 0.5]
            if not boxes:
                continue
            grey = render_grey(path, index + 1, float(page.mediabox.height))
            for x0, y0, x1, y1, _ in boxes:
                mid_x = (x0 + x1) / 2
                edge = min(grey.at(mid_x, y1), grey.at(mid_x, y0))  # the top and bottom edges
                outside = grey.at(mid_x, y1 + 4)
                assert contrast(edge, outside) >= 3.0, (path.name, index + 1, (x0, y0, x1, y1), edge, outside)
                checked += 1
    assert checked >= 8  # contents panels, callouts and references panels in every edition


def test_all_text_reads_in_grey(built: list[Path]) -> None:
    worst = (99.0, "")
    for path in editions(built):
        reader = PdfReader(path)
        for index, page in enumerate(reader.pages):
            grey = render_grey(path, index + 1, float(page.mediabox.height))
            for text, x, y, size in text_runs(reader, index):
                if not text.strip() or size < 6:
                    continue
                # The first glyphs of the run, and what lies around them.
                pixels = grey.region(x, y, x + min(len(text.strip()), 3) * size * 0.5, y + size * 0.7)
                background = Counter(pixels).most_common(1)[0][0]
                ink = max(pixels, key=lambda v: abs(v - background))
                ratio = contrast(ink, background)
                worst = min(worst, (ratio, f"{path.name} p{index + 1} {text.strip()[:30]!r}"))
    assert worst[0] >= 4.5, worst
