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
from functools import lru_cache
from math import cos, pi, sin
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import PATH_OPS, Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from leaflet.fonts import FONT_FILES
from leaflet.i18n import ENGLISH, Furniture
from leaflet.layout.cache import Bounded, Held
from leaflet.pdf.compact import pack
from leaflet.pdf.shaping import Glyph, Piece, ShapedLine, shape_line
from leaflet.rlseam import (
    add_operator,
    add_page_entries,
    document_objects,
    last_page,
    page_count,
    reorder_pages,
    set_text_operators,
    text_object_canvas,
    text_operators,
)
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
    #: The text cursor's line start when each pending piece was written (ReportLab moves it only
    #: to skip; otherwise each piece follows the one before by its width).
    pending_x: list[float] | None = None

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
            self.pending, self.pending_x = [], []
        piece = Piece(self._fontname, FONT_FILES[self._fontname], self._fontsize, text)
        self.pending.append((len(text_operators(self)), piece))
        self.pending_x.append(self._x0)  # type: ignore[union-attr]
        return ""

    def flush_line(self) -> None:
        """Write the pending pieces of a line: shaped, placed, each glyph reading back as its characters."""
        pending, self.pending = self.pending, None
        moved, self.pending_x = self.pending_x or [], None
        canvas = text_object_canvas(self)
        canvas.drawn_at = None
        if not pending:
            return
        pieces = [p for _, p in pending]
        line = shape_line(pieces, canvas.rtl)
        shift = 0.0
        if canvas.rtl:
            # ReportLab set the line's start from its own widths of the words, without the space
            # that ends every line (`_textOut`), which right to left is drawn at the far left:
            # the words' right edge goes where ReportLab put it, on the column's edge.
            words = "".join(p.text for p in pieces).rstrip()
            measured, left = 0.0, len(words)
            for p in pieces:
                measured += stringWidth(p.text[:left], p.font, p.size)
                left = max(0, left - len(p.text))
            inked = [g.x + g.advance for g in line.glyphs if not g.text.isspace()]
            shift = measured - max(inked, default=line.width)
            # Where ReportLab put each piece: after the one before, unless it moved the cursor.
            space = getattr(self, "_wordSpace", 0.0)
            starts = [moved[0]]
            for k in range(1, len(pieces)):
                before = pieces[k - 1]
                follows = starts[-1] + stringWidth(before.text, before.font, before.size)
                starts.append(
                    follows + space * before.text.count(" ") if moved[k] == moved[k - 1] else moved[k]
                )
            canvas.drawn_at = drawn_at(pieces, starts, line, starts[0] + shift, space)
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
            # A glyph that stands for no character (a right-to-left word's own glyphs, read
            # through invisible ones) reads as SILENT, with no width of its own.
            ch = code_for(font, g.gid, g.text or SILENT, g.advance * 1000 / size if g.text else 0.0)
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


def drawn_at(
    pieces: list[Piece], starts: list[float], line: ShapedLine, origin: float, word_space: float
) -> list[tuple[float, float, float, float]]:
    """For each glyph of a shaped line that stands for characters: where ReportLab put those
    characters (its widths, left to right from each piece's start) and where they were drawn
    (from `origin`), as (from, to, drawn from, drawn to)."""
    spans = []
    read = [0] * len(pieces)  # characters of each piece read so far

    def reach(piece: Piece, n: int) -> float:
        # As ReportLab measures: the width of the piece's first n characters (shaped, where shaped).
        head = piece.text[:n]
        return stringWidth(head, piece.font, piece.size) + word_space * head.count(" ")

    for g in line.glyphs:
        if not g.text:
            continue
        piece, start = pieces[g.piece], starts[g.piece]
        before = read[g.piece]
        read[g.piece] += len(g.text)
        spans.append(
            (
                start + reach(piece, before),
                start + reach(piece, read[g.piece]),
                origin + g.x,
                origin + g.x + g.advance,
            )
        )
    return spans


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
        packed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        #: Saved as a compact file (one object stream, a cross-reference stream) rather than as ReportLab writes it.
        self.packed = packed
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
        #: The last right-to-left line written: where ReportLab put each glyph's characters, and
        #: where they were drawn (`drawn_at`), so that its underlines and links go under its words.
        self.drawn_at: list[tuple[float, float, float, float]] | None = None
        #: Where the second language of a leaflet printed back to back begins:
        #: (its first page, its language, whether its pages are turned upside down). Set by HalfStart.
        self.second_half: tuple[int, str, bool] | None = None

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
        self.drawn_at = None

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        with self.tagging.artifact(self):
            if y1 != y2 or not self.drawn_at:
                super().line(x1, y1, x2, y2)
                return
            # A link's underline on a right-to-left line: under the words where they were drawn.
            for left, right in self.as_drawn(min(x1, x2), max(x1, x2)):
                super().line(left, y1, right, y2)

    def as_drawn(self, x1: float, x2: float) -> list[tuple[float, float]]:
        """The stretches of the last right-to-left line where the characters ReportLab put
        between x1 and x2 were drawn (one, or more when directions change inside), left to right."""
        drawn = sorted((c, d) for a, b, c, d in self.drawn_at or () if x1 - 0.01 <= (a + b) / 2 <= x2 + 0.01)
        if not drawn:
            return [(x1, x2)]
        stretches = [list(drawn[0])]
        for left, right in drawn[1:]:
            if left <= stretches[-1][1] + 0.5:
                stretches[-1][1] = max(stretches[-1][1], right)
            else:
                stretches.append([left, right])
        return [(a, b) for a, b in stretches]

    def _on_the_line(self, rect: Any) -> Any:
        """A link's area on the last right-to-left line: over its words where they were drawn."""
        if not self.drawn_at or rect is None:
            return rect
        x1, y1, x2, y2 = rect
        stretches = self.as_drawn(min(x1, x2), max(x1, x2))
        return (stretches[0][0], y1, stretches[-1][1], y2)

    def dots(self, xs: list[float], y: float, r: float) -> None:
        """Filled circles of radius `r` centred at each of `xs` on `y`: exactly what `circle` writes for each.

        A contents page has a couple of hundred leader dots; ReportLab makes each one through
        a path object and a general arc routine. The operators here are the same, from the same
        arithmetic, with the angles' sines and cosines worked out once (see `_CIRCLE`).
        """
        fill = PATH_OPS[0, 1, self._fillMode]
        for x in xs:
            for op in _circle_path(x, y, r):
                add_operator(self, op)
            add_operator(self, fill)

    # -- pages and the document

    def showPage(self) -> None:
        number = self.getPageNumber()
        super().showPage()
        entries = self.tagging.page_done(number)
        if self.turned(number):
            # Tilt and turn: the second half's pages are upside down, read from the back cover.
            entries = {**entries, "Rotate": 180}
        add_page_entries(last_page(self), entries)

    def turned(self, number: int) -> bool:
        half = self.second_half
        return half is not None and half[2] and number >= half[0]

    def save(self) -> None:
        if self.draft:
            return
        self.tagging.finish(self)
        if self.second_half is not None:
            self.number_halves()
        if not self.packed:
            super().save()
            return
        # ReportLab's objects go straight into an object stream (leaflet/pdf/compact.py):
        # the bytes `compact` would make of ReportLab's file, without writing that file first.
        objects, root, info = document_objects(self)
        self._filename.write(pack(objects, root, info, b"%d.%d" % self._doc._pdfVersion))

    def number_halves(self) -> None:
        """Back to back, each half's page labels count from its own first page, as its footer does.

        Tilt and turn, the second half's pages go into the file last page first, so that its
        first page is the back cover: turn the printed leaflet over and it reads from there.
        """
        assert self.second_half is not None
        start, _, turned = self.second_half
        total = page_count(self)
        second = list(range(start - 1, total))
        if turned:
            reorder_pages(self, [*range(start - 1), *reversed(second)])
        if not self.tagging.enabled:
            return
        if not turned:
            self.addPageLabel(start - 1, style="ARABIC", start=1)
            return
        for index in second:
            # The page at `index` is the second half's page number total - index.
            self.addPageLabel(index, style="ARABIC", start=total - index)

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
        ann = self._annotation(self._on_the_line(rect), relative, describe_address(url, self.words))
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
        ann = self._annotation(
            self._on_the_line(Rect), relative, contents or self.words("Go to {place}", place=place)
        )
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


#: What a drawn glyph that stands for no character reads as: a space. Readers fold it into
#: the gap between words: poppler leaves spaces out and finds words by where glyphs are, the
#: structure's text has it where a word's drawn glyphs are written (before and after the
#: invisible glyphs that carry its letters, `pdf/shaping.py`), and pdf.js writes a space
#: only after a single one between letters. An empty ToUnicode entry would not do: pdf.js
#: reads such a glyph as its code in the font, a stray control character inside the word.
SILENT = " "

#: What each code made for a shaped glyph stands for (codes are unique across fonts).
GLYPH_TEXT: dict[int, str] = {}
_PRIVATE_USE = 0xF0000  # Supplementary Private Use Area-A: never a character of a leaflet's text
_WIDTH_STEP = 20  # thousandths of the size: 0.26 pt at 13 pt


def code_for(font: Any, gid: int, text: str, advance: float) -> str:
    """A character that draws glyph `gid` of `font` and reads back as `text`.

    The character itself when the font maps it to that glyph; otherwise a private
    code, one per (glyph, text, width), that the font is told draws the glyph and whose
    ToUnicode entry is `text` (see `_to_unicode_cmap`). The width (in thousandths of
    the size, to the nearest `_WIDTH_STEP`) is the one readers take for the glyph's
    box: an invisible glyph carrying one letter of a word is as wide as its share of
    the word, so that the word's letters abut, and none reaches past the line.
    """
    face = font.face
    if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
        return text
    made: dict[tuple[int, str, int], int] = font.__dict__.setdefault("leaflet_codes", {})
    width = round(advance / _WIDTH_STEP) * _WIDTH_STEP
    code = made.get((gid, text, width))
    if code is None:
        code = _PRIVATE_USE + len(GLYPH_TEXT)
        made[(gid, text, width)] = code
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = width
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


# -- the same bytes, sooner
#
# ReportLab formats every name, number and operator of a document through small pure
# functions that a build calls tens of thousands of times. These give byte for byte what
# ReportLab's own give (tests/pdf/test_hooks.py compares them on every kind of input) and
# fall back to them for anything out of the ordinary.

_reportlab_pdf_name = pdfdoc.PDFName
_reportlab_pdfdoc_enc = pdfdoc.pdfdocEnc
_reportlab_split_string = ttfonts.TTFont.splitString
_reportlab_format = pdfdoc.format
_reportlab_make_subset = ttfonts.TTFontFace.makeSubset
_reportlab_compress = pdfdoc.PDFStreamFilterZCompress.encode
_reportlab_reference = pdfdoc.PDFObjectReference.format
#: Names already written (a document uses a few dozen, again and again).
_NAMES: dict[str, str] = {}
#: ASCII characters PDFDocEncoding has no code for (ReportLab raises on them).
_NOT_PDFDOC = re.compile(b"[\x18-\x1f]")


def _pdf_name(data: Any, lo: str = chr(0x21), hi: str = chr(0x7E)) -> str:
    """ReportLab's PDFName, remembered for each name."""
    if lo != "\x21" or hi != "\x7e" or type(data) is not str:
        return _reportlab_pdf_name(data, lo, hi)
    name = _NAMES.get(data)
    if name is None:
        if len(_NAMES) > 4096:
            _NAMES.clear()
        name = _NAMES[data] = _reportlab_pdf_name(data)
    return name


def _pdfdoc_enc(x: Any) -> Any:
    """ReportLab's pdfdocEnc, with plain ASCII (nearly everything it is given) encoded directly."""
    if type(x) is str and x.isascii():
        data = x.encode("ascii")
        if _NOT_PDFDOC.search(data) is None:
            return data
    return _reportlab_pdfdoc_enc(x)


def _format(element: Any, document: Any, toplevel: int = 0) -> bytes:
    """pdfdoc.format: references, bytes, text and numbers (most of what it is given) without its chain of tests."""
    kind = type(element)
    if kind is pdfdoc.PDFObjectReference:
        return _reference(element, document)
    if kind is bytes:
        return element
    if kind is str:
        return _pdfdoc_enc(element)
    if kind is int or kind is float:
        return fp_str(element).encode("ascii")
    return _reportlab_format(element, document, toplevel)


def _reference(ref: Any, document: Any) -> bytes:
    """PDFObjectReference.format: "N G R" for the object the reference names."""
    try:
        return b"%d %d R" % document.idToObjectNumberAndVersion[ref.name]
    except KeyError:
        raise KeyError(f"forward reference to {ref.name!r} not resolved upon final formatting") from None


#: (font face, its subset's characters) → the subset font file. The face is held, so its
#: identity cannot pass to another font; a font read again from a changed file is a new face.
_SUBSETS: Bounded[bytes] = Bounded(64)
#: A few large streams (font subsets) → their compressed bytes: the same subset, compressed once.
_COMPRESSED: Bounded[bytes] = Bounded(16)
_COMPRESS_REMEMBERED = 8192  # bytes: font files, not page contents (which change with every build)


def _make_subset(self: Any, subset: list[int]) -> bytes:
    """TTFontFace.makeSubset, remembered: every build of a leaflet subsets its fonts again, mostly alike."""
    key = (Held(self), tuple(subset))
    data = _SUBSETS.get(key)
    if data is None:
        data = _reportlab_make_subset(self, subset)
        _SUBSETS.put(key, data)
    return data


def _compress(self: Any, text: Any) -> bytes:
    """PDFStreamFilterZCompress.encode, remembered for large byte strings (the font subsets)."""
    if type(text) is not bytes or len(text) < _COMPRESS_REMEMBERED:
        return _reportlab_compress(self, text)
    packed = _COMPRESSED.get(text)
    if packed is None:
        packed = _reportlab_compress(self, text)
        _COMPRESSED.put(text, packed)
    return packed


def _split_string(self: Any, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
    """TTFont.splitString, without its loop when every character already has its code in the first subset."""
    state = self.state.get(doc) if type(text) is str else None
    if state is not None:
        assignments = state.assignments
        try:
            codes = bytes([assignments[c] for c in map(ord, text.replace("\xa0", " "))])
        except (KeyError, ValueError):  # a character new to the document, or a code past 255
            pass
        else:
            return [(0, codes)] if codes else []
    return _reportlab_split_string(self, text, doc, encoding)


pdfdoc.PDFName = _pdf_name
pdfdoc.format = _format
pdfdoc.PDFObjectReference.format = _reference
ttfonts.TTFontFace.makeSubset = _make_subset
pdfdoc.PDFStreamFilterZCompress.encode = _compress
pdfdoc.pdfdocEnc = _pdfdoc_enc
ttfonts.TTFont.splitString = _split_string


def _quarter_arcs() -> list[tuple[float, ...]]:
    """For each quarter of a full circle, the factors ReportLab's `bezierArc` multiplies the radii by.

    Worked out with ReportLab's own expressions (pdfgeom.bezierArc, extent 360°: four arcs of
    90°), so each product below is the same floating-point number it computes for every circle.
    """
    frag = 360 / 4.0
    half = frag * pi / 360.0
    kappa = abs(4.0 / 3.0 * (1.0 - cos(half)) / sin(half))
    arcs = []
    for i in range(4):
        t0 = (0 + i * frag) * pi / 180.0
        t1 = (0 + (i + 1) * frag) * pi / 180.0
        arcs.append(
            (
                cos(t0),
                sin(t0),
                cos(t0) - kappa * sin(t0),
                sin(t0) + kappa * cos(t0),
                cos(t1) + kappa * sin(t1),
                sin(t1) - kappa * cos(t1),
                cos(t1),
                sin(t1),
            )
        )
    return arcs


_CIRCLE = _quarter_arcs()


@lru_cache(maxsize=4096)
def _circle_path(x: float, y: float, r: float) -> tuple[str, ...]:
    """The path operators `Canvas.circle(x, y, r)` writes (a new path, then ellipse and bezierArc), in order.

    Remembered: the dots of a contents page sit on a grid, both columns share its places, and
    the next build of the leaflet puts them there again. The operators depend on nothing else.
    """
    x1, x2, y1, y2 = x - r, x + r, y - r, y + r
    w, h = x2 - x1, y2 - y1
    ax1, ay1, ax2, ay2 = x1, y1, x1 + w, y1 + h
    left, top, right, bottom = min(ax1, ax2), max(ay1, ay2), max(ax1, ax2), min(ay1, ay2)
    xc, yc = (left + right) / 2.0, (top + bottom) / 2.0
    rx, ry = (right - left) / 2.0, (bottom - top) / 2.0
    ops = ["n", f"{fp_str(xc + rx * _CIRCLE[0][0], yc - ry * _CIRCLE[0][1])} m"]
    for _c0, _s0, c1, s1, c2, s2, c3, s3 in _CIRCLE:
        ops.append(
            f"{fp_str(xc + rx * c1, yc - ry * s1, xc + rx * c2, yc - ry * s2, xc + rx * c3, yc - ry * s3)} c"
        )
    return tuple(ops)
