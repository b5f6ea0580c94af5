"""Booklet imposition: A5 pages two-up on A4 landscape sheets, in saddle-stitch order.

Print the sheets double-sided, flipping on the short edge, fold the stack in
half and staple along the fold: the pages come out in reading order.
"""

from __future__ import annotations

from collections.abc import Callable
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


def printer_note(
    text: str,
    runs: Callable[[str], list[tuple[str, str]]],
    size: float,
    make_canvas: Any = None,
    rtl: bool = False,
    leading: float | None = None,
) -> bytes:
    """A sheet for whoever prints the booklet, kept off the booklet's own pages (its cover faces patients).

    `runs` cuts a text into runs, each with the font that draws it (a Bengali or Urdu
    note has Latin in it: "A5"); `make_canvas` gives the canvas to draw with (the
    leaflet's, which shapes complex scripts); right to left, the lines end at the right
    margin. Lines are broken at spaces, measured run by run.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    def measure(line: str) -> float:
        return sum(stringWidth(part, font, size) for font, part in runs(line))

    out = BytesIO()
    maker = make_canvas or Canvas
    first = runs(text)[:1]
    fonts = {"initialFontName": first[0][0], "initialFontSize": size} if first else {}
    canv = maker(out, pagesize=A4_LANDSCAPE, invariant=1, **fonts)
    width, height = A4_LANDSCAPE
    room = width - 144
    lines: list[str] = []
    for word in text.split():
        if lines and measure(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    y = height - 72
    for line in lines:
        tx = canv.beginText(width - 72 - measure(line) if rtl else 72, y)
        for font, part in runs(line):
            tx.setFont(font, size)
            tx.textOut(part)
        tx.textLine("")
        canv.drawText(tx)
        y -= leading or size * 1.4
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
        placed = []
        for slot, number in enumerate((left, right)):
            page = reader.pages[number - 1]
            # A sheet for printing: links do nothing on paper, and theirs would point at A5 pages.
            if "/Annots" in page:
                del page["/Annots"]
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            # A5 is a hair under half of A4: centre the pair on the sheet.
            placed.append((page, (sheet_w - 2 * w) / 2 + slot * w, (sheet_h - h) / 2))
        turned = any(int(page.get("/Rotate", 0)) % 360 == 180 for page, _, _ in placed)
        side = None if turned else _side(placed, sheet_w, sheet_h)
        if side is None:
            side = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
            for page, x, y in placed:
                place = Transformation().translate(x, y)
                if int(page.get("/Rotate", 0)) % 360 == 180:
                    # A page turned upside down (the back half of a tilt-and-turn leaflet) is printed so.
                    w, h = float(page.mediabox.width), float(page.mediabox.height)
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


#: The kinds of named resources a page's content refers to.
_NAMED = ("/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/XObject", "/Font", "/Properties")


def _side(placed: list[tuple[Any, float, float]], width: float, height: float) -> Any:
    """One sheet side holding pages at (x, y), as pypdf's `merge_transformed_page` draws them.

    Each page's content goes in as it is, clipped to its trim box and moved into place
    (`q 1 0 0 1 x y cm  box re W n  … Q`), under the union of the pages' resources.
    Pages of one leaflet name their fonts and pictures alike, so no content needs
    rewriting, and none is parsed. When two pages give one name to different things,
    None: pypdf merges that side, renaming what clashes.
    """
    from pypdf import PageObject
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    side = PageObject.create_blank_page(width=width, height=height)
    resources = DictionaryObject()
    procsets: set[Any] = set()
    parts = []
    for page, x, y in placed:
        own = page.get("/Resources", DictionaryObject()).get_object()
        for kind in _NAMED:
            if kind not in own:
                continue
            names = own[kind].get_object()
            merged = resources.setdefault(NameObject(kind), DictionaryObject())
            for name, value in names.items():
                if name in merged and not _same(merged.raw_get(name), value):
                    return None
                merged[name] = value
        procsets.update(own.get("/ProcSet", ArrayObject()).get_object())
        box = page.trimbox
        contents = page.get_contents()
        parts.append(
            b"q\n1 0 0 1 %s %s cm\n%s %s %s %s re\nW\nn\n"
            % tuple(_number(v) for v in (x, y, box.left, box.bottom, box.width, box.height))
            + (contents.get_data() if contents is not None else b"")
            + b"\nQ\n"
        )
    resources[NameObject("/ProcSet")] = ArrayObject(sorted(procsets))
    side[NameObject("/Resources")] = resources
    stream = DecodedStreamObject()
    stream.set_data(b"".join(parts))
    side[NameObject("/Contents")] = stream
    return side


def _same(a: Any, b: Any) -> bool:
    ref_a, ref_b = getattr(a, "idnum", None), getattr(b, "idnum", None)
    if ref_a is not None or ref_b is not None:
        return ref_a == ref_b
    return a == b


def _number(value: float) -> bytes:
    return (b"%.6f" % value).rstrip(b"0").rstrip(b".") or b"0"
