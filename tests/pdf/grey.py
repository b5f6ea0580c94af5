"""Measuring a page as a black-and-white printer shows it: rendered in grey, sampled where things are.

Boxes and text are found in the PDF itself (stroked rectangles and text
positions, walked through the content stream with its transformations), then
measured on the page rendered by poppler in grey, so the figures are those of
real pixels, not of the style sheet's colours.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

DPI = 150


@dataclass(frozen=True)
class GreyPage:
    width: int
    height: int
    pixels: bytes
    page_height_pt: float

    def at(self, x_pt: float, y_pt: float) -> int:
        """The grey value (0 black, 255 white) at a point in PDF coordinates."""
        col = min(self.width - 1, max(0, int(x_pt * DPI / 72)))
        row = min(self.height - 1, max(0, int((self.page_height_pt - y_pt) * DPI / 72)))
        return self.pixels[row * self.width + col]

    def region(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        step = 72 / DPI
        values = []
        y = y0
        while y <= y1:
            x = x0
            while x <= x1:
                values.append(self.at(x, y))
                x += step
            y += step
        return values


def render_grey(pdf: Path, page: int, height_pt: float) -> GreyPage:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-gray",
                "-r",
                str(DPI),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(base),
            ],
            check=True,
        )
        data = (base.with_suffix(".pgm")).read_bytes()
    # Binary PGM: "P5\n<width> <height>\n<maxval>\n" then one byte a pixel.
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5" and parts[3] == b"255"
    width, height = int(parts[1]), int(parts[2])
    return GreyPage(width, height, parts[4][: width * height], height_pt)


def luminance(grey: int) -> float:
    v = grey / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def contrast(a: int, b: int) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]


def stroked_rectangles(reader: PdfReader, index: int) -> list[tuple[float, float, float, float, float]]:
    """(x0, y0, x1, y1, line width) of every rectangle stroked on a page, in page coordinates."""
    return _rectangles(reader, index, (b"S", b"s", b"B", b"B*", b"b", b"b*"))


def filled_rectangles(reader: PdfReader, index: int) -> list[tuple[float, float, float, float, float]]:
    """(x0, y0, x1, y1, line width) of every rectangle filled on a page, in page coordinates."""
    return _rectangles(reader, index, (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"))


def _rectangles(
    reader: PdfReader, index: int, painting: tuple[bytes, ...]
) -> list[tuple[float, float, float, float, float]]:
    ctm = [1.0, 0, 0, 1.0, 0, 0]
    stack: list[tuple[list[float], float]] = []
    width = 1.0
    pending: list[tuple[float, float, float, float]] = []
    found = []
    for operands, op in ContentStream(reader.pages[index].get_contents(), reader).operations:
        if op == b"q":
            stack.append((ctm, width))
        elif op == b"Q":
            ctm, width = stack.pop()
        elif op == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == b"w":
            width = float(operands[0])
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            pending.append((x, y, x + w, y + h))
        elif op in painting:
            for x0, y0, x1, y1 in pending:
                a, _, _, d, e, f = ctm
                found.append((a * x0 + e, d * y0 + f, a * x1 + e, d * y1 + f, width))
            pending = []
        elif op in (b"S", b"s", b"B", b"B*", b"b", b"b*", b"f", b"F", b"f*", b"n"):
            pending = []
    return found
