"""Every hook into ReportLab's internals, in one place.

The canvas and text object here are ReportLab's, with these changes:
- links: paragraph links reach the canvas through `linkURL` (addresses) and
  `linkRect` (places in the document); every link annotation describes where
  it goes (/Contents), prints (/F 4), draws no border, and is handed to the
  tagging, which ties it to its Link element;
- text objects tell the tagging where a paragraph's links start and end
  (ReportLab's `_linkRecord` hook), hand their operators to it before being
  drawn, and end every line with a space so that words never run together
  when the text is read in structure order;
- strokes and fills made while a paragraph draws (link underlines) are
  decoration, marked as artifacts;
- each finished page and the saved document pass through the tagging;
- page contents are compressed only (ReportLab also wraps them in ASCII85 by
  default, a quarter bigger, for seven-bit channels nobody uses now);
- text in complex scripts and right-to-left lines is not written as ReportLab
  would: each line's pieces wait for its end (`_formatText`), are shaped by
  HarfBuzz as one line (`pdf/shaping.py`), and are written glyph by glyph in
  reading order, each glyph at its place; a glyph that is no single character
  is drawn through a code of its own whose ToUnicode entry is its characters
  (`code_for`, and `makeToUnicodeCMap` wrapped).
ReportLab is pinned to 5.1.x because of these; tests/pdf/test_hooks.py checks each.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from leaflet.fonts import FONT_FILES
from leaflet.i18n import ENGLISH, Furniture
from leaflet.pdf.shaping import Glyph, Piece, shape_line
from leaflet.rlseam import add_page_entries, last_page, set_text_operators, text_object_canvas, text_operators
from leaflet.structure import Tagging

rl_config.useA85 = 0  # read by ReportLab when it finishes each page's content stream

#: Annotation flag 3 (Print): a link is part of the page, also on paper.
PRINT_FLAG = 4


class LeafletTextObject(PDFTextObject):
    #: Lines ended so far, and the line the last words were written on.
    lines_written = 0
    text_line = 0
    #: What the tagging needs to cut this text object into marked runs (None: untagged).
    tag_marks: Any = None
    #: The pieces of the line being written, when the canvas shapes text: (index in _code, Piece).
    pending: list[tuple[int, Piece]] | None = None

    def _textOut(self, text: str, TStar: int = 0) -> None:
        # The line these words are on (a link's start is reported after its first words).
        self.text_line = self.lines_written
        if TStar:
            if not text.endswith(" ") and self.lines_written not in text_object_canvas(self).joined_lines:
                text += " "
            self.lines_written += 1
        super()._textOut(text, TStar)
        if TStar:
            self.flush_line()

    def _formatText(self, text: str) -> str:
        if not text_object_canvas(self).shaping or not text:
            return super()._formatText(text)
        # Shaped text waits for the end of its line: the line is cut into directional
        # runs and shaped as a whole, then each piece is written where it was asked for.
        if self.pending is None:
            self.pending = []
        piece = Piece(self._fontname, FONT_FILES[self._fontname], self._fontsize, text)
        self.pending.append((len(text_operators(self)), piece))
        return ""

    def flush_line(self) -> None:
        """Write the pending pieces of a line: shaped, placed, each glyph reading back as its characters."""
        pending, self.pending = self.pending, None
        if not pending:
            return
        canvas = text_object_canvas(self)
        pieces = [p for _, p in pending]
        line = shape_line(pieces, canvas.rtl)
        shift = 0.0
        if canvas.rtl:
            # ReportLab set the line's start from its own widths: the right edge stays where it put it.
            shift = sum(stringWidth(p.text, p.font, p.size) for p in pieces) - line.width
        by_piece: dict[int, list[Glyph]] = {}
        for g in line.glyphs:
            by_piece.setdefault(g.piece, []).append(g)
        code = text_operators(self)
        pen = 0.0
        for n, (index, piece) in enumerate(pending):
            ops, pen = self.glyph_code(piece, by_piece.get(n, []), pen, shift)
            code[index] = "\n".join(ops) + code[index]
        self._curSubset = -1  # the font was set here, not by ReportLab: it sets it again

    def glyph_code(
        self, piece: Piece, glyphs: list[Glyph], pen: float, shift: float
    ) -> tuple[list[str], float]:
        """PDF operators drawing `glyphs` (in reading order, each at its own x) from the pen at `pen`."""
        canvas = text_object_canvas(self)
        doc = canvas._doc
        font = pdfmetrics.getFont(piece.font)
        size = piece.size
        ops: list[str] = []
        current: tuple[int, float] | None = None
        arr: list[str] = []

        def close() -> None:
            if arr:
                ops.append(f"[{' '.join(arr)}] TJ")
                arr.clear()

        for g in glyphs:
            ch = code_for(font, g.gid, g.text, g.advance * 1000 / size)
            ((subset, data),) = font.splitString(ch, doc)
            if current != (subset, g.y):
                close()
                if current is None or current[0] != subset:
                    name = font.getSubsetInternalName(subset, doc)
                    ops.append(f"{name} {fp_str(size)} Tf {fp_str(self._leading)} TL")
                if current is None or current[1] != g.y:
                    ops.append(f"{fp_str(g.y)} Ts")
                current = (subset, g.y)
            move = (pen - (g.x + shift)) * 1000 / size
            if abs(move) > 1e-3:
                arr.append(fp_str(move))
            arr.append(f"({canvas._escape(data)})")
            pen = g.x + shift + font.face.charWidths.get(ord(ch), 0) * size / 1000
        close()
        if current is not None and current[1]:
            ops.append("0 Ts")
        return ops, pen

    def _linkRecord(self, link: object, kind: str) -> None:
        text_object_canvas(self).tagging.link_boundary(self, link, kind, len(text_operators(self)))


class LeafletCanvas(Canvas):
    def __init__(
        self,
        *args: Any,
        tagging: Tagging,
        place_names: dict[str, str],
        draft: bool = False,
        words: Furniture = ENGLISH,
        shaping: bool = False,
        rtl: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A draft canvas lays pages out to count them, and writes nothing.
        self.draft = draft
        self.tagging = tagging
        # What each internal destination is called, for the links' /Contents.
        self.place_names = place_names
        #: The tool's own words (link descriptions), in the leaflet's language.
        self.words = words
        #: Text is shaped by HarfBuzz (complex scripts), and lines run right to left.
        self.shaping = shaping or rtl
        self.rtl = rtl
        #: The page each anchor was first drawn on, for the contents list.
        self.anchor_pages: dict[str, int] = {}
        self.tag_elem = None  # the element whose paragraph is being drawn
        #: Lines of the paragraph being drawn that end inside a word (no space goes there).
        self.joined_lines: frozenset[int] = frozenset()
        self.tag_tx: LeafletTextObject | None = None  # the text object being filled, if any
        self._annotation_names = 0

    # -- text

    def beginText(self, x: float = 0, y: float = 0, direction: object = None) -> LeafletTextObject:
        tx = LeafletTextObject(self, x, y, direction=direction)
        self.tagging.text_object(self, tx)
        self.tag_tx = tx
        return tx

    def drawText(self, aTextObject: PDFTextObject) -> None:
        if isinstance(aTextObject, LeafletTextObject):
            aTextObject.flush_line()
        set_text_operators(
            aTextObject, self.tagging.text_code(self, aTextObject, text_operators(aTextObject))
        )
        self.tag_tx = None
        super().drawText(aTextObject)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        with self.tagging.artifact(self):
            super().line(x1, y1, x2, y2)

    # -- pages and the document

    def showPage(self) -> None:
        number = self.getPageNumber()
        super().showPage()
        add_page_entries(last_page(self), self.tagging.page_done(number))

    def save(self) -> None:
        if self.draft:
            return
        self.tagging.finish(self)
        super().save()

    def _annotation(self, rect: Any, relative: int, contents: str) -> PDFDictionary:
        ann = PDFDictionary()
        ann["Type"] = PDFName("Annot")
        ann["Subtype"] = PDFName("Link")
        ann["Rect"] = PDFArray(self._absRect(rect, relative))
        ann["Border"] = PDFArray([0, 0, 0])
        ann["F"] = PRINT_FLAG
        ann["Contents"] = PDFString(contents)
        return ann

    def linkURL(
        self, url: str, rect: Any, relative: int = 0, *args: Any, kind: str = "URI", **kw: Any
    ) -> None:
        ann = self._annotation(rect, relative, describe_address(url, self.words))
        action = PDFDictionary()
        action["Type"] = PDFName("Action")
        action["S"] = PDFName("URI")
        action["URI"] = PDFString(url)
        ann["A"] = action
        self._add_link(ann, url)

    def linkRect(
        self,
        contents: str,
        destinationname: str,
        Rect: Any = None,
        addtopage: int = 1,
        name: Any = None,
        relative: int = 1,
        *args: Any,
        **kw: Any,
    ) -> None:
        place = self.place_names.get(destinationname, destinationname)
        ann = self._annotation(Rect, relative, contents or self.words("Go to {place}", place=place))
        ann["Dest"] = self._bookmarkReference(destinationname)
        self._add_link(ann, destinationname)

    def _add_link(self, ann: PDFDictionary, target: str) -> None:
        self._annotation_names += 1
        name = f"Link{self._annotation_names}"
        self._addAnnotation(ann, name)
        self.tagging.annotation(self, ann, self._doc.refAnnotation(name), target)


def describe_address(url: str, words: Furniture = ENGLISH) -> str:
    if url.startswith("mailto:"):
        return words("Send an email to {address}", address=url[len("mailto:") :])
    if url.startswith("tel:"):
        return words("Call {number}", number=url[len("tel:") :])
    return words("Open {url} in a web browser", url=url)


#: What each code made for a shaped glyph stands for (codes are unique across fonts).
GLYPH_TEXT: dict[int, str] = {}
_PRIVATE_USE = 0xF0000  # Supplementary Private Use Area-A: never a character of a leaflet's text


def code_for(font: Any, gid: int, text: str, advance: float) -> str:
    """A character that draws glyph `gid` of `font` and reads back as `text`.

    The character itself when the font maps it to that glyph; otherwise a private
    code, one per (glyph, text), that the font is told draws the glyph and whose
    ToUnicode entry is `text` (see `_to_unicode_cmap`).
    """
    face = font.face
    if (
        len(text) == 1
        and face.charToGlyph.get(ord(text)) == gid
        and abs(face.charWidths.get(ord(text), 0) - advance) < 0.5
    ):
        return text
    # A glyph may be given a width of its own (a mark over the middle of its letter, a
    # ligature's share): the width is part of the code.
    made: dict[tuple[int, str, int], int] = font.__dict__.setdefault("leaflet_codes", {})
    key = (gid, text, round(advance))
    code = made.get(key)
    if code is None:
        code = _PRIVATE_USE + len(GLYPH_TEXT)
        made[key] = code
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = advance
        GLYPH_TEXT[code] = text
    return chr(code)


_ENTRY = re.compile(r"<([0-9A-F]{2})> <(F[0-9A-F]{4})>")
_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with each private code made by `code_for` mapped to its characters."""

    def entry(m: re.Match[str]) -> str:
        text = GLYPH_TEXT.get(int(m[2], 16))
        return m[0] if text is None else f"<{m[1]}> <{text.encode('utf-16-be').hex().upper()}>"

    return _ENTRY.sub(entry, _reportlab_to_unicode_cmap(fontname, subset))


# TTFont.addObjects calls the module's function by name when it writes each subset.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
