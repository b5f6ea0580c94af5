"""Booklet imposition: A5 pages two-up on A4 landscape sheets, in saddle-stitch order.

Print the sheets double-sided, flipping on the short edge, fold the stack in
half and staple along the fold: the pages come out in reading order.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

A4_LANDSCAPE = (841.8898, 595.2756)


def saddle_order(pages: int, rtl: bool = False) -> list[tuple[int, int]]:
    """For each side of each sheet, in printing order, the (left, right) page numbers (1-based).

    The outer sheet carries the last and first pages on its front and the
    second and second-to-last on its back; each sheet inside steps two pages in.
    A right-to-left booklet (Arabic, Urdu) opens from the other side: its spine is
    on the right, so every pair is the other way round.
    """
    if pages <= 0 or pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of four pages, not {pages}")
    sides = []
    for sheet in range(pages // 4):
        sides.append((pages - 2 * sheet, 1 + 2 * sheet))
        sides.append((2 + 2 * sheet, pages - 1 - 2 * sheet))
    return [(b, a) for a, b in sides] if rtl else sides


def printer_note(text: str, font: str, size: float, make_canvas: Any = None, rtl: bool = False) -> bytes:
    """A sheet for whoever prints the booklet, kept off the booklet's own pages (its cover faces patients).

    `make_canvas` gives the canvas to draw with (the leaflet's, which shapes complex
    scripts); right to left, the lines start at the right margin.
    """
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    out = BytesIO()
    maker = make_canvas or Canvas
    canv = maker(out, pagesize=A4_LANDSCAPE, invariant=1, initialFontName=font, initialFontSize=size)
    width, height = A4_LANDSCAPE
    y = height - 72
    for line in simpleSplit(text, font, size, width - 144):
        canv.setFont(font, size)
        if rtl:
            canv.drawRightString(width - 72, y, line)
        else:
            canv.drawString(72, y, line)
        y -= size * 1.4
    canv.showPage()
    canv.save()
    return out.getvalue()


def impose(a5_pdf: bytes, title: str, note: bytes | None = None, rtl: bool = False) -> bytes:
    """The A5 pages of `a5_pdf` imposed for saddle stitching, as a new (untagged) PDF.

    `note`, a one-page PDF, follows the booklet's sheets: the printing instructions,
    on a sheet of their own.
    """
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation  # only booklets need it

    reader = PdfReader(BytesIO(a5_pdf))
    sheet_w, sheet_h = A4_LANDSCAPE
    writer = PdfWriter()
    for left, right in saddle_order(len(reader.pages), rtl):
        side = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        for slot, number in enumerate((left, right)):
            page = reader.pages[number - 1]
            # A sheet for printing: links do nothing on paper, and theirs would point at A5 pages.
            if "/Annots" in page:
                del page["/Annots"]
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            # A5 is a hair under half of A4: centre the pair on the sheet.
            x = (sheet_w - 2 * w) / 2 + slot * w
            y = (sheet_h - h) / 2
            place = Transformation().translate(x, y)
            if int(page.get("/Rotate", 0)) % 360 == 180:
                # A page turned upside down (the back half of a tilt-and-turn leaflet) is printed so.
                place = Transformation().rotate(180).translate(w, h).translate(x, y)
            side.merge_transformed_page(page, place, expand=False)
        writer.add_page(side)
    if note is not None:
        writer.add_page(PdfReader(BytesIO(note)).pages[0])
    info = reader.metadata or {}
    writer.add_metadata({**{k: v for k, v in info.items() if isinstance(v, str)}, "/Title": title})
    writer.compress_identical_objects()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
