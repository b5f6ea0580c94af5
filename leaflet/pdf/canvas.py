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

import codecs
import re
from collections import OrderedDict
from functools import lru_cache
from math import cos, pi, sin
from operator import itemgetter
from types import MethodType
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.pdfdoc import (
    PDF_SUPPORT_VERSION,
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFString,
)
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.pdfgen.canvas import PATH_OPS, Canvas, ExtGState
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable
from reportlab.platypus import paragraph as rl_paragraph

from leaflet.fonts import FONT_FILES
from leaflet.i18n import ENGLISH, Furniture, direction
from leaflet.layout.cache import Bounded, Held
from leaflet.pdf.compact import pack
from leaflet.pdf.shaping import Glyph, Piece, ShapedLine, shape_line
from leaflet.rlseam import (
    add_objects,
    add_page_entries,
    document_objects,
    last_page,
    object_count,
    page_count,
    reorder_pages,
    reserve_numbers,
    set_text_operators,
    text_object_canvas,
    text_operators,
)
from leaflet.structure import Tagging

rl_config.useA85 = 0  # read by ReportLab when it finishes each page's content stream

#: Annotation flag 3 (Print): a link is part of the page, also on paper.
PRINT_FLAG = 4
#: A link's border: none (each link's own array, as ReportLab makes one for each).
_NO_BORDER = (0, 0, 0)
#: The names every link annotation is written with.
_ANNOT, _LINK, _ACTION, _URI = (PDFName(name) for name in ("Annot", "Link", "Action", "URI"))


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
        canvas = self._canvas
        # The line these words are on (a link's start is reported after its first words).
        line = self.text_line = self.lines_written
        if TStar:
            if not text.endswith(" ") and line not in canvas.joined_lines:
                text += " "
            self.lines_written = line + 1
        if canvas.shaping:
            super()._textOut(text, TStar)
            if TStar:
                self.flush_line()
            return
        # PDFTextObject._textOut, with its _formatText for a TrueType font written out here.
        self._code.append(self._plain_text(text) + " T*" if TStar else self._plain_text(text))

    def line_out(self, text: str) -> None:
        """`_textOut(text, 1)` for a line of one font that is not shaped: the same operators.

        The text of nearly every line of a paragraph has a code for each character in the
        font's first subset (the font's codes in the document, as `_split_string` keeps them);
        such a line is written here in one step, and any other goes through `_textOut`.
        """
        canvas = self._canvas
        line = self.lines_written
        if not text.endswith(" ") and line not in canvas.joined_lines:
            text += " "
        font = getFont(self._fontname)
        states = self._doc.__dict__.get("leaflet_font_states")
        state = states.get(font) if states else None
        table = state.__dict__.get("leaflet_codes") if state is not None else None
        if table is not None:
            codes = text.translate(table)
            if len(codes) == len(text) and codes:
                try:
                    data = codes.encode("latin-1")
                except UnicodeEncodeError:
                    pass  # a code past the first subset
                else:
                    self.text_line = line
                    self.lines_written = line + 1
                    if self._curSubset == 0:
                        self._code.append(f"({escapePDF(data)}) Tj T*")
                    else:  # the first words in this font: the subset's font first
                        self._curSubset = 0
                        chosen = _font_operators(
                            _subset_name(font, 0, self._doc), self._fontsize, self._leading
                        )
                        self._code.append(f"{chosen} ({escapePDF(data)}) Tj T*")
                    return
        self._textOut(text, 1)

    def _plain_text(self, text: str) -> str:
        """PDFTextObject._formatText for text that is not shaped: the operators showing `text`.

        The same operators from the same calls, without what ReportLab does for every piece
        of text (saving and restoring the object's state, testing for shaped strings, which
        only its own shaping makes): the subset's font when it changes, then the codes.
        """
        font = getFont(self._fontname)
        if type(text) is not str or not font._dynamicFont:
            return super()._formatText(text)
        doc = self._doc
        ops = []
        for subset, codes in font.splitString(text, doc):
            if subset != self._curSubset:
                ops.append(_font_operators(_subset_name(font, subset, doc), self._fontsize, self._leading))
                self._curSubset = subset
            ops.append(f"({escapePDF(codes)}) Tj")
        return ops[0] if len(ops) == 1 else " ".join(ops)

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        """PDFTextObject.setFillColor, quicker for an opaque RGB Color (see LeafletCanvas.setFillColor)."""
        canvas = self._canvas
        if (
            alpha is not None
            or not _opaque_rgb(aColor)
            or self._enforceColorSpace is not None
            or not canvas.opaque_fill()
        ):
            super().setFillColor(aColor, alpha)
            return
        self._fillColorObj = aColor
        self._code.append(_rgb_operator(aColor.red, aColor.green, aColor.blue))
        _needs_transparency(canvas._doc)

    def setTextOrigin(self, x: float, y: float) -> None:
        """PDFTextObject.setTextOrigin, its operator kept for each place (a paragraph's first line
        sits at one of a few heights above its bottom: one for each style)."""
        if not self._canvas.bottomup:
            super().setTextOrigin(x, y)
            return
        self._code.append(_origin_operator(x, y))
        self._x0 = self._x = x
        self._y0 = self._y = y

    def _formatText(self, text: str) -> str:
        if not self._canvas.shaping or not text:
            return self._plain_text(text)
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
        rtl = canvas.runs_right_to_left()
        line = shape_line(pieces, rtl)
        shift = 0.0
        if rtl:
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
        #: Saved as a compact file (object streams, a cross-reference stream) rather than as ReportLab writes it.
        self.packed = packed
        #: Objects written already (the structure tree's elements) that a packed canvas packs
        #: in their places without handing them to ReportLab's document: number → bytes.
        self.apart: dict[int, bytes] = {}
        # A draft canvas lays pages out to count them, and writes nothing.
        self.draft = draft
        self.tagging = tagging
        # What each internal destination is called, for the links' /Contents.
        self.place_names = place_names
        #: Each internal destination's link description, in the leaflet's language, once made.
        self.go_to: dict[str, str] = {}
        #: The tool's own words (link descriptions), in the leaflet's language.
        self.words = words
        #: Text is shaped by HarfBuzz (complex scripts), and lines run right to left.
        self.shaping = shaping or rtl
        self.rtl = rtl
        #: The page each anchor was first drawn on, for the contents list.
        self.anchor_pages: dict[str, int] = {}
        self.tag_elem = None  # the element whose paragraph is being drawn
        #: The element of the paragraph being drawn, tagged or not: the language of its words.
        self.leaf_elem: Any = None
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
        #: Lines of words written by `draw_words` in this document, by place, fonts and words: their operators.
        self.words_drawn: dict[tuple[Any, ...], str] = {}
        #: Where each paragraph was drawn and how, kept for patching the PDF after an edit
        #: (`leaflet.pdf.patch`; None: not kept).
        self.keep: Any = None
        #: What `save` packed (objects, catalogue, info, version), when `keep` asks for it.
        self.saved: tuple[list[tuple[int, bytes]], bytes, bytes | None, bytes] | None = None

    # -- the graphics state

    def push_state_stack(self) -> None:
        """Canvas.push_state_stack: the attributes it saves, kept as one tuple rather than a dictionary.

        Every flowable drawn saves the state (q … Q); `pop_state_stack` puts the same values back.
        """
        self.state_stack.append(_state_values(self.__dict__))
        extgstate = self._extgstate
        copy = object.__new__(ExtGState)  # ExtGState.pushCopy, without making two dictionaries to drop one
        copy._d = extgstate._d.copy()
        copy._c = extgstate._c
        self._extgstate = copy

    def pop_state_stack(self) -> None:
        self.__dict__.update(zip(_STATE_NAMES, self.state_stack.pop(), strict=True))

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        """Canvas.setFillColor, quicker for an opaque RGB Color (a style's colours, a paragraph's).

        ReportLab writes its "r g b rg" and sets the fill's opacity to the colour's (1), which
        changes nothing unless another opacity was set; only then is its own path taken.
        """
        if alpha is not None or not _opaque_rgb(aColor) or not self.opaque_fill():
            super().setFillColor(aColor, alpha)
            return
        self._fillColorObj = aColor
        self._code.append(_rgb_operator(aColor.red, aColor.green, aColor.blue))
        _needs_transparency(self._doc)

    def transform(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        """Canvas.transform: the same matrix, and its operator kept for each transformation
        (every flowable is drawn moved to its place, and a leaflet's places repeat from build to
        build); a transformation following another is left to ReportLab, which merges the two."""
        code = self._code
        if not rl_canvas.ENABLE_TRACKING or (code and code[-1][-3:] == " cm"):
            super().transform(a, b, c, d, e, f)
            return
        a0, b0, c0, d0, e0, f0 = self._currentMatrix
        self._currentMatrix = (
            a0 * a + c0 * b,
            b0 * a + d0 * b,
            a0 * c + c0 * d,
            b0 * c + d0 * d,
            a0 * e + c0 * f + e0,
            b0 * e + d0 * f + f0,
        )
        code.append(_matrix_operator(a, b, c, d, e, f))

    def runs_right_to_left(self) -> bool:
        """Whether the words being drawn run right to left: the page's way, unless the element
        they belong to is in a language written the other way (English words in an Arabic leaflet).
        The element is the paragraph's own, tagged or not (every edition runs its words alike)."""
        elem = self.leaf_elem
        while elem is not None:
            if elem.lang:
                return direction(elem.lang) == "rtl"
            elem = elem.parent
        return self.rtl

    def opaque_fill(self) -> bool:
        """The fill is opaque and colours are taken as given: setting an opaque colour changes nothing else."""
        return self._enforceColorSpace is None and self._extgstate._d.get("ca", 1) == 1

    # -- text

    def beginText(self, x: float = 0, y: float = 0, direction: object = None) -> LeafletTextObject:
        tx = LeafletTextObject(self, x, y, direction=direction)
        self.tagging.text_object(self, tx)
        self.tag_tx = tx
        return tx

    def draw_words(self, x: float, y: float, runs: list[tuple[str, str]], size: float) -> None:
        """One line of words as one text object, each run in its font (a page's footer): what
        beginText, setFont and textOut for each run, then drawText write.

        A line no structure element owns (an artifact) and not shaped is written again, at the
        same place in the same fonts, from the operators written for it the first time in this
        document: the characters' codes in a font never change once given, so the same words
        are the same operators (every page's footer repeats all but its page number).
        """
        tx = self.beginText(x, y)
        key = (x, y, size, *runs) if tx.tag_marks is None and not self.shaping else None
        written = self.words_drawn.get(key) if key is not None else None
        if written is not None:
            self._code.append(written)
            self.tag_tx = None
            self.drawn_at = None
            return
        for name, chunk in runs:
            tx.setFont(name, size)
            tx.textOut(chunk)
        code = self._code
        before = len(code)
        self.drawText(tx)
        if key is not None and len(code) == before + 1 and len(self.words_drawn) < 1024:
            self.words_drawn[key] = code[-1]

    def draw_leaf(self, flowable: Any, x: float, y: float, _sW: float = 0) -> None:
        """Flowable.drawOn for a paragraph, once placed: the same operators (q, the move, what it
        draws, Q), with only the transformation saved and put back.

        Drawing a paragraph changes nothing else of the canvas's saved state: what it changes
        (the fill colour; the stroke, for an underline) it saves and restores itself
        (`draw_paragraph`, `draw_fragments`, drawPara), so the state ReportLab would save for it
        and put back is the state it leaves (tests/pdf/test_hooks.py compares the two).
        """
        keep = self.keep
        if keep is not None:
            keep.drawing(self, flowable, x, y, _sW)
        outer, self.leaf_elem = self.leaf_elem, getattr(flowable, "elem", None)
        try:
            if getattr(flowable, "_showBoundary", None):
                Flowable.drawOn(flowable, self, x, y, _sW)  # with ReportLab's outline of its box
                return
            x = flowable._hAlignAdjust(x, _sW)
            matrix = self._currentMatrix
            code = self._code
            code.append("q")
            self.translate(x, y)
            flowable.canv = self
            flowable.draw()
            del flowable.canv
            code.append("Q")
            self._currentMatrix = matrix
        finally:
            self.leaf_elem = outer
            if keep is not None:
                keep.drawn(self)

    # -- drawing a paragraph again (leaflet.patch)

    def code_mark(self) -> int:
        """Where the page's operators stand now (for `code_since`)."""
        return len(self._code)

    def code_since(self, mark: int) -> str:
        """The operators written since `mark`, as the page's content stream joins them."""
        return "\n".join(self._code[mark:])

    def graphics_state(self) -> tuple[Any, ...]:
        """The graphics state as Canvas.saveState keeps it (Canvas.STATE_ATTRIBUTES)."""
        return _state_values(self.__dict__)

    def draw_leaf_again(
        self, flowable: Any, page: int, x: float, y: float, _sW: float, state: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]]:
        """Draw a paragraph as if on page `page` at (x, y) in graphics state `state` (from
        `graphics_state`), once the document is written: its operators, and the state it leaves."""
        self._code = []
        self.__dict__.update(zip(_STATE_NAMES, state, strict=True))
        self._pageNumber = page
        self.draw_leaf(flowable, x, y, _sW)
        return self.code_since(0), _state_values(self.__dict__)

    def _drawn_here(self, para: Any, kind: int) -> bool:
        """Whether a paragraph of ReportLab's `kind` (0: one font and colour, 1: several) has
        none of what drawPara tests and sets up and a leaflet's paragraphs never have, so that
        the canvas may draw it (not with a shaping canvas: shaped text waits for its line's end)."""
        style = para.style
        return not (
            para.blPara.kind != kind
            or self.shaping
            or getattr(para, "debug", 0)
            or para.bulletText
            or style.backColor
            or (getattr(style, "borderColor", None) and getattr(style, "borderWidth", None))
            or getattr(para, "autoLeading", getattr(style, "autoLeading", "")) in ("min", "max")
            or style.wordWrap == "RTL"
            or style.alignment not in _LINE_DRAWERS
            or "preformatted" in type(para).__name__.lower()
        )

    def draw_paragraph(self, para: Any) -> bool:
        """Paragraph.drawPara for a paragraph set in one font and colour (ReportLab's kind 0), or False.

        The same calls, in the same order, for each of its lines (ReportLab's own line
        functions for its alignment, a link rectangle for each line of a paragraph that is a
        link, ReportLab's own underline under each line of a paragraph that is an underlined
        link), without what drawPara tests and sets up for what a leaflet's paragraphs never
        have: backgrounds, borders, bullets, automatic leading, right-to-left justification.
        Anything else (and any shaping canvas) is left to drawPara: False.
        """
        bl = para.blPara
        style = para.style
        if not self._drawn_here(para, 0) or not getFont(bl.fontName)._dynamicFont:
            return False
        lines = bl.lines
        count = len(lines)
        if not count:
            return True
        offsets = getattr(para, "_offsets", [0])
        offsets += (count - len(offsets)) * [offsets[-1]]
        # drawPara saves the graphics state around the paragraph (q … Q). Drawing it changes
        # only the fill colour, when that is an opaque RGB colour and nothing is underlined (an
        # underline sets the stroke colour and width): only that is put back.
        underlines = getattr(bl, "us_lines", None)
        light = _opaque_rgb(bl.textColor) and self.opaque_fill() and not underlines
        if light:
            fill = self._fillColorObj
            self._code.append("q")
        else:
            self.saveState()
        draw_line = _LINE_DRAWERS[style.alignment]
        last_free = not getattr(para, "_JustifyLast", False)
        jllwc = style.justifyLastLine
        cur_y = para.height - (
            bl.fontSize if rl_paragraph.paraFontSizeHeightOffset else getattr(bl, "ascent", bl.fontSize)
        )
        self.setFillColor(bl.textColor)
        left = style.leftIndent
        tx = self.beginText(left, cur_y)
        tx.preformatted = False
        tx.direction = style.wordWrap + "-handled" if style.wordWrap == "LTR" else style.wordWrap
        tx.setFont(bl.fontName, bl.fontSize, style.leading)
        links = getattr(bl, "link", None)
        if underlines:
            # What drawPara sets up for paragraph._do_under_line (a paragraph that is one underlined link).
            rl_paragraph._setTXLineProps(tx, self, style)
            tx._do_line = MethodType(rl_paragraph._do_line, tx)
            tx.XtraState = rl_paragraph.ABag(cur_y=cur_y, f=bl, style=style, lines=lines)
        justified = style.alignment == TA_JUSTIFY
        offset = style.firstLineIndent + offsets[0]
        # Where a simple line (no word spacing to add) starts, from its offset and its room left
        # over, as each of ReportLab's line functions puts it (None: justified, see below).
        shift = _SIMPLE_LINE_SHIFT.get(style.alignment)
        for i, line in enumerate(lines):
            space, words = line[0], line[1]
            last = last_free and i == count - 1
            if last and jllwc and len(words) > jllwc:
                last = False
            line_offset = offset if i == 0 else offsets[i]
            if space > -1e-8 and (shift is not None or (last or space <= 1e-8)):
                # ReportLab's line function for a simple line, written out: move to the line's
                # start (when it is not where the last line started), the words, move back.
                t_off = line_offset + space * shift if shift is not None else line_offset
                moved = t_off > 1e-6 or t_off < -1e-6
                if moved:
                    tx.setXPos(t_off)
                tx.line_out(" ".join(words))
                if moved:
                    tx.setXPos(-t_off)
            else:
                t_off = draw_line(tx, line_offset, space, words, last)
            if underlines:
                # As drawPara calls it: from where the first line starts, then (ReportLab's way)
                # from each later line's offset alone; a justified line's underline takes in
                # the room its spaces grew by.
                rl_paragraph._do_under_line(
                    i,
                    t_off + left if i == 0 else t_off,
                    space if justified and not last else 0,
                    tx,
                    underlines,
                )
            if links:
                # paragraph._do_link_line: the line's words, from where they start, one leading high.
                y = cur_y - i * style.leading - bl.fontSize / 8.0
                width = stringWidth(" ".join(words), bl.fontName, bl.fontSize)
                x = t_off + left
                for _, link in links:
                    rl_paragraph._doLink(tx, link, (x, y, x + width, y + style.leading))
        self.drawText(tx)
        if light:
            self._code.append("Q")
            self._fillColorObj = fill
        else:
            self.restoreState()
        return True

    def draw_fragments(self, para: Any) -> bool:
        """Paragraph.drawPara for a paragraph of several fonts, colours or links (ReportLab's
        kind 1), or False.

        The same calls on the text object and the canvas, in the same order, as drawPara, its
        line functions (`_leftDrawParaLineX` and the others), `_putFragLine` and
        `_do_post_text` make: each fragment's font, colour and words, where each link and
        underline starts and ends (told to the tagging as ReportLab tells it), then each line's
        link rectangles and underlines. Without what those test and keep for what a leaflet's
        paragraphs never have (pictures, anchors and callbacks inside a paragraph, background
        colours, dots to the margin, automatic leading, right-to-left words); anything like that
        (and any shaping canvas) is left to drawPara: False.
        """
        bl = para.blPara
        style = para.style
        if not self._drawn_here(para, 1) or style.endDots:
            return False
        lines = bl.lines
        for line in lines:
            for frag in line.words:
                if hasattr(frag, "cbDefn") or getattr(frag, "backColor", None):
                    return False
        count = len(lines)
        if not count:
            return True
        offsets = getattr(para, "_offsets", [0])
        offsets += (count - len(offsets)) * [offsets[-1]]
        self.saveState()
        alignment = style.alignment
        offset = style.firstLineIndent + offsets[0]
        free_last = not getattr(para, "_JustifyLast", False)
        jllwc = style.justifyLastLine
        first = lines[0]
        if rl_paragraph.paraFontSizeHeightOffset:
            cur_y = para.height - first.fontSize
        else:
            cur_y = para.height - getattr(first, "ascent", first.fontSize)
        left = style.leftIndent
        tx = self.beginText(left, cur_y)
        tx.preformatted = False
        rl_paragraph._setTXLineProps(tx, self, style)
        tx.direction = style.wordWrap
        tx._leading = None
        tx._olb = None
        tx._fontname, tx._fontsize = None, None
        # What _putFragLine keeps between fragments and lines (drawPara's XtraState).
        state = _FragState(cur_y, style.leading, left)
        # _do_post_text's size for underlines and the height of a line: the first line's.
        size = first.fontSize
        for i, line in enumerate(lines):
            last = free_last and i == count - 1
            if last and jllwc and line.wordCount > jllwc:
                last = False
            line_offset = offset if i == 0 else offsets[i]
            # The line function for the alignment: where the line starts, whether the text
            # cursor moves there first, and the space added between words (None: none).
            extra = line.extraSpace
            if alignment == TA_JUSTIFY:
                simple = line.lineBreak or (-1e-8 < extra <= 1e-8) or (last and extra > -1e-8)
            else:
                simple = extra > -1e-8 or getattr(line, "preformatted", False)
            word_space = None
            if not simple:
                spaces = line.wordCount + sum([rl_paragraph._nbspCount(w.text) for w in line.words]) - 1
                if spaces > 0:
                    word_space = extra / float(spaces)
            if alignment in (TA_LEFT, TA_JUSTIFY):
                start, move_first = line_offset, True
            elif word_space is not None:
                start, move_first = line_offset, False
            elif alignment == TA_CENTER:
                start, move_first = line_offset + 0.5 * extra, True
            else:
                start, move_first = line_offset + extra, True
            if move_first and (start > 1e-6 or start < -1e-6):
                tx.setXPos(start)
            if word_space is not None:
                tx.setWordSpace(word_space)
                _put_fragments(start, tx, line, state)
                tx.setWordSpace(0)
            else:
                _put_fragments(start, tx, line, state)
            if start > 1e-6 or start < -1e-6:
                tx.setXPos(-start)
            _after_line(tx, state, size)
        self.drawText(tx)
        self.restoreState()
        return True

    def drawText(self, aTextObject: PDFTextObject) -> None:
        if isinstance(aTextObject, LeafletTextObject) and aTextObject.pending:
            aTextObject.flush_line()
        code = self.tagging.text_code(self, aTextObject, text_operators(aTextObject))
        set_text_operators(aTextObject, code)
        self.tag_tx = None
        self.drawn_at = None
        if aTextObject._clipping:
            super().drawText(aTextObject)
            return
        # Canvas.drawText and PDFTextObject.getCode: the operators, ended, on one line.
        code.append("ET")
        self._code.append(" ".join(code))

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
        code = self._code
        for x in xs:
            code.extend(_circle_path(x, y, r))
            code.append(fill)

    # -- pages and the document

    def showPage(self) -> None:
        number = self.getPageNumber()
        super().showPage()
        entries = self.tagging.page_done(number)
        if self.turned(number):
            # Tilt and turn: the second half's pages are upside down, read from the back cover.
            entries = {**entries, "Rotate": 180}
        add_page_entries(last_page(self), entries)
        if self.keep is not None:
            self.keep.page_done(self)

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
        objects, root, info = document_objects(self, self.apart)
        version = b"%d.%d" % self._doc._pdfVersion
        if self.keep is not None:
            self.saved = (objects, root, info, version)
        self._filename.write(pack(objects, root, info, version))

    def add_written(self, data: list[bytes], name: str) -> int:
        """Number these objects, each written already, in order after the document's: the first one's number.

        A packed canvas only takes their numbers and packs them itself; for ReportLab's own
        writer they are named objects of its document (`name` and a count).
        """
        doc = self._doc
        if not self.packed:
            first = object_count(doc) + 1
            add_objects(doc, [(f"{name}{i}", value) for i, value in enumerate(data)])
            return first
        first = reserve_numbers(doc, len(data))
        self.apart.update(zip(range(first, first + len(data)), data, strict=True))
        return first

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
        ann.dict = {
            "Type": _ANNOT,
            "Subtype": _LINK,
            "Rect": PDFArray(self._page_rect(rect, relative)),
            "Border": PDFArray(_NO_BORDER),
            "F": PRINT_FLAG,
            "Contents": PDFString(contents),
        }
        return ann

    def _page_rect(self, rect: Any, relative: int) -> Any:
        """Canvas._absRect: a rectangle drawn where the canvas is moved to, on the page, from the
        same products of the current transformation (a link's rectangle, once for each link)."""
        if not rect or not relative or self._cropMarks:
            return self._absRect(rect, relative)
        lx, ly, ux, uy = rect
        a, b, c, d, e, f = self._currentMatrix
        # absolutePosition of the lower left, upper right, upper left and lower right corners.
        xs = a * lx + c * ly + e, a * ux + c * uy + e, a * lx + c * uy + e, a * ux + c * ly + e
        ys = b * lx + d * ly + f, b * ux + d * uy + f, b * lx + d * uy + f, b * ux + d * ly + f
        return min(xs), min(ys), max(xs), max(ys)

    def linkURL(
        self, url: str, rect: Any, relative: int = 0, *args: Any, kind: str = "URI", **kw: Any
    ) -> None:
        ann = self._annotation(self._on_the_line(rect), relative, describe_address(url, self.words))
        action = PDFDictionary()
        action["Type"] = _ACTION
        action["S"] = _URI
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
        if not contents:
            contents = self.go_to.get(destinationname)
            if contents is None:
                place = self.place_names.get(destinationname, destinationname)
                contents = self.go_to[destinationname] = self.words("Go to {place}", place=place)
        ann = self._annotation(self._on_the_line(Rect), relative, contents)
        ann["Dest"] = self._bookmarkReference(destinationname)
        self._add_link(ann, destinationname)

    def _add_link(self, ann: PDFDictionary, target: str) -> None:
        self._annotation_names += 1
        # Canvas._addAnnotation(ann, name) and the page's reference to it, written out: the
        # annotation registered under the document's name for it, then referred to by the page.
        internal = f"Annot.Link{self._annotation_names}"  # PDFDocument.annotationName
        self._annotationCount += 1
        self._doc.Reference(ann, internal)
        self._annotationrefs.append(PDFObjectReference(internal))
        self.tagging.annotation(self, ann, PDFObjectReference(internal), target)


def describe_address(url: str, words: Furniture = ENGLISH) -> str:
    if url.startswith("mailto:"):
        return words("Send an email to {address}", address=url[len("mailto:") :])
    if url.startswith("tel:"):
        return words("Call {number}", number=url[len("tel:") :])
    return words("Open {url} in a web browser", url=url)


#: The attributes Canvas.push_state_stack saves, and a function reading them from a canvas's __dict__.
_STATE_NAMES = tuple(Canvas.STATE_ATTRIBUTES)
_state_values = itemgetter(*_STATE_NAMES)


@lru_cache(maxsize=256)
def _font_operators(name: str, size: float, leading: float) -> str:
    """A text object's font and leading as PDFTextObject._formatText writes them."""
    return f"{name} {fp_str(size)} Tf {fp_str(leading)} TL"


@lru_cache(maxsize=1024)
def _origin_operator(x: float, y: float) -> str:
    """PDFTextObject.setTextOrigin's operator (bottom up)."""
    return f"1 0 0 1 {fp_str(x, y)} Tm"


@lru_cache(maxsize=4096)
def _matrix_operator(a: float, b: float, c: float, d: float, e: float, f: float) -> str:
    """Canvas.transform's operator for a transformation of its own."""
    return f"{fp_str(a, b, c, d, e, f)} cm"


_TRANSPARENCY = PDF_SUPPORT_VERSION["transparency"]


def _needs_transparency(doc: Any) -> None:
    """What setting a fill's opacity does to the document: PDF 1.4 at least (ensureMinPdfVersion)."""
    if doc._pdfVersion < _TRANSPARENCY:
        doc.ensureMinPdfVersion("transparency")


def _trailing_space_length(text: str, tx: Any) -> float:
    """paragraph._trailingSpaceLength (the width of the white space ending a line's fragment),
    without its search through the whole text when the text ends in no white space."""
    if type(text) is str and (not text or text[-1] not in rl_paragraph._wsc):
        return 0
    return _reportlab_trailing_space_length(text, tx)


_reportlab_trailing_space_length = rl_paragraph._trailingSpaceLength
# _putFragLine calls it by name for every fragment of a line of mixed fonts, colours or links.
rl_paragraph._trailingSpaceLength = _trailing_space_length


def _opaque_rgb(colour: Any) -> bool:
    return type(colour) is Color and colour.alpha == 1


@lru_cache(maxsize=256)
def _rgb_operator(red: float, green: float, blue: float) -> str:
    """The operator setting an RGB fill colour, as Canvas.setFillColor writes it (a leaflet has a few colours)."""
    return f"{fp_str((red, green, blue))} rg"


class _FragState:
    """What _putFragLine and _do_post_text keep on a text object's XtraState while a paragraph
    of several fragments is drawn: the line's height, the colour and rise set, and where each
    link and underline of the line starts and ends."""

    __slots__ = ("colour", "cur_y", "leading", "left", "links", "rise", "us_lines")

    def __init__(self, cur_y: float, leading: float, left: float) -> None:
        self.cur_y = cur_y
        self.leading = leading
        self.left = left
        self.colour: Any = None
        self.rise: float = 0
        self.links: dict[Any, Any] = {}
        self.us_lines: dict[Any, Any] = {}


def _put_fragments(cur_x: float, tx: Any, line: Any, xs: _FragState) -> None:
    """paragraph._putFragLine for a line without pictures, callbacks, background colours, dots
    or automatic leading: the same calls on the text object, in the same order."""
    x0 = tx._x0
    leading = xs.leading
    cur_x += xs.left
    if tx._leading != leading:
        tx.setLeading(leading)
    ws = getattr(tx, "_wordSpace", 0)
    spaces = 0
    words = line.words
    last_word = words[-1]
    # The links and underlines the words being written are part of (ReportLab's AL and LL).
    in_links: list[Any] = []
    in_us: list[Any] = []
    us_lines = xs.us_lines
    links = xs.links
    link_record = tx._linkRecord
    previous = None
    for frag in words:
        cur_x_s = cur_x + spaces * ws
        end_x = cur_x_s
        size = frag.fontSize
        colour = frag.textColor
        rise = frag.rise
        if previous is not None:
            end_x = cur_x_s - _trailing_space_length(previous.text, tx)
        if tx._fontname != frag.fontName or tx._fontsize != size:
            tx._setFont(frag.fontName, size)
        if xs.colour is not colour and xs.colour != colour:
            xs.colour = colour
            tx.setFillColor(colour)
        if xs.rise != rise:
            xs.rise = rise
            tx.setRise(rise)
        frag_us = frag.us_lines
        frag_links = frag.link
        us_changed = frag_us != in_us
        if us_changed:
            before, now = set(in_us), set(frag_us)
            started_us = now - before
            for u in before - now:
                us_lines[u] = us_lines[u], end_x
        links_changed = frag_links != in_links
        if links_changed:
            before, now = set(in_links), set(frag_links)
            started = now - before
            for link in before - now:
                links[link] = links[link], end_x
                link_record(link, "end")
        text = frag.text
        tx._textOut(text, frag is last_word)
        if us_changed:
            for u in started_us:
                us_lines[u] = (u, size, colour, cur_x_s), size
            in_us = frag_us
        if in_us:
            for u in in_us:
                u0, largest = us_lines[u]
                if size > largest:
                    us_lines[u] = u0, size
        low = rise - 0.2 * size
        high = rise + size
        if links_changed:
            for link in started:
                links[link] = (link, cur_x), low, high
                link_record(link, "start")
            in_links = frag_links
        if in_links:
            for link in in_links:
                l0, lo, hi = links[link]
                if low < lo or high > hi:
                    links[link] = l0, min(low, lo), max(high, hi)
        cur_x += stringWidth(text, tx._fontname, tx._fontsize)
        spaces += text.count(" ") + text.count("\xa0")
        previous = frag
    cur_x_s = cur_x + (spaces - 1) * ws
    if in_us:
        for u in in_us:
            us_lines[u] = us_lines[u], cur_x_s
    if in_links:
        for link in in_links:
            links[link] = links[link], cur_x_s
            link_record(link, "end")
    if tx._x0 != x0:
        dx = x0 - tx._x0
        if dx > 1e-6 or dx < -1e-6:
            tx.setXPos(dx)


def _after_line(tx: Any, xs: _FragState, size: float) -> None:
    """paragraph._do_post_text without background colours or automatic leading: the line's link
    rectangles, then its underlines, and the next line's height."""
    y0 = xs.cur_y
    if xs.links:
        for (((_, link), x1), lo, hi), x2 in sorted(xs.links.values()):
            rl_paragraph._doLink(tx, link, (x1, y0 + lo, x2, y0 + hi))
        xs.links = {}
    if xs.us_lines:
        convert = rl_paragraph._usConv
        values = {"L": size}
        for (((_, kind, c, w, o, r, m, g), fs, tc, x1), largest), x2 in sorted(xs.us_lines.values()):
            underline = kind == "underline"
            values["f"] = fs
            values["F"] = largest
            lw = convert(w, values, default=tx._defaultLineWidth)
            lg = convert(g, values, default=1)
            dy = lg + lw
            if not underline:
                dy = -dy
            y = y0 + r + convert(o if o != "" else ("-0.125*L" if underline else "0.25*L"), values)
            if not c:
                c = tc
            while m > 0:
                rl_paragraph._do_line(tx, x1, y, x2, y, lw, c)
                y -= dy
                m -= 1
        xs.us_lines = {}
    xs.cur_y -= xs.leading


#: For a line of a kind-0 paragraph with no word spacing to add, how far its start moves from its
#: offset, as a share of the room left on the line (ReportLab's line functions); a justified line
#: is simple only when it is the last or fills the line, and then starts at its offset.
_SIMPLE_LINE_SHIFT = {TA_LEFT: 0.0, TA_CENTER: 0.5, TA_RIGHT: 1.0}

#: ReportLab's function drawing one line of a kind-0 paragraph, for each alignment (as drawPara chooses).
_LINE_DRAWERS = {
    TA_LEFT: rl_paragraph._leftDrawParaLine,
    TA_CENTER: rl_paragraph._centerDrawParaLine,
    TA_RIGHT: rl_paragraph._rightDrawParaLine,
    TA_JUSTIFY: rl_paragraph._justifyDrawParaLine,
}

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


#: (font name, subset, the characters of its private codes) → its ToUnicode CMap: every build
#: of a leaflet writes the same subsets again.
_CMAPS: Bounded[str] = Bounded(64)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with each private code made by `code_for` mapped to its characters."""
    key = (fontname, tuple(subset), tuple(GLYPH_TEXT.get(c) for c in subset if c >= _PRIVATE_USE))
    cmap = _CMAPS.get(key)
    if cmap is not None:
        return cmap

    def entry(m: re.Match[str]) -> str:
        text = GLYPH_TEXT.get(int(m[2], 16))
        return m[0] if text is None else f"<{m[1]}> <{text.encode('utf-16-be').hex().upper()}>"

    cmap = _ENTRY.sub(entry, _reportlab_to_unicode_cmap(fontname, subset))
    _CMAPS.put(key, cmap)
    return cmap


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
_reportlab_dictionary = pdfdoc.PDFDictionary.format
_reportlab_array = pdfdoc.PDFArray.format
_reportlab_string = pdfdoc.PDFString.format
_reportlab_destination = pdfdoc.Destination.format
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
    """pdfdoc.format: references, bytes, text, numbers, dictionaries, arrays and strings without its chain of tests."""
    kind = type(element)
    if kind is pdfdoc.PDFObjectReference:
        return _reference(element, document)
    if kind is bytes:
        return element
    if kind is str or kind is int or kind is float:
        data = _ATOMS.get(element)
        return data if data is not None else _atom(element)
    if kind in _PLAIN:
        # ReportLab's format would call the same method, unless the object asks to be written
        # only at the top (a reference in its place) or to carry a comment.
        extra = element.__dict__
        if "__RefOnly__" not in extra and "__Comment__" not in extra:
            return _PLAIN[kind](element, document)
    return _reportlab_format(element, document, toplevel)


#: Numbers and names as written: 12.5 → b"12.5", "/Annot" → b"/Annot" (equal numbers, such as
#: 1 and 1.0, or 0.0 and -0.0, are written alike).
_ATOMS: dict[Any, bytes] = {}


_NUMBER_KINDS = {int, float}


def _atom(value: str | float) -> bytes:
    data = _pdfdoc_enc(value) if type(value) is str else fp_str(value).encode("ascii")
    if type(value) is not str or len(value) <= 64:
        if len(_ATOMS) > 8192:
            _ATOMS.clear()
        _ATOMS[value] = data
    return data


#: Dictionary keys as written: "Type" → b"/Type ".
_KEYS: dict[str, bytes] = {}


def _key(name: Any) -> bytes:
    key = _KEYS.get(name)
    if key is None:
        if len(_KEYS) > 4096:
            _KEYS.clear()
        key = _KEYS[name] = _pdfdoc_enc(_pdf_name(name)) + b" "
    return key


def _rows(items: list[bytes], width: int) -> bytes:
    """Items joined by spaces, a line break after every `width` of them (ReportLab's one-line layout)."""
    if len(items) <= width:
        return b" ".join(items)
    return b" \n  ".join(b" ".join(items[i : i + width]) for i in range(0, len(items), width))


def _value(element: Any, document: Any) -> bytes:
    """_format of an element of a dictionary or an array, the commonest kinds first."""
    kind = type(element)
    if kind is str or kind is int or kind is float:
        return _ATOMS.get(element) or _atom(element)
    if kind is bytes:
        return element
    if kind is pdfdoc.PDFObjectReference:
        try:
            return b"%d %d R" % document.idToObjectNumberAndVersion[element.name]
        except KeyError:
            return _reference(element, document)
    plain = _PLAIN.get(kind)
    if plain is not None:
        # As _format writes it (a dictionary inside a dictionary, a link's destination), one call sooner.
        extra = element.__dict__
        if "__RefOnly__" not in extra and "__Comment__" not in extra:
            return plain(element, document)
    return _format(element, document)


def _dictionary(self: Any, document: Any, IND: bytes = b"\n ") -> bytes:
    """PDFDictionary.format: keys sorted (unless ordered), each with its value, six to a line."""
    entries = self.dict
    keys = list(entries)
    if not isinstance(entries, OrderedDict):
        keys.sort()
    known = _KEYS.get
    items = [(known(k) or _key(k)) + _value(entries[k], document) for k in keys]
    multiline = self.multiline
    if (multiline and rl_config.pdfMultiLine) or multiline == "forced":
        return b"<<\n" + IND.join(items) + b"\n>>"
    return b"<<\n" + _rows(items, 6) + b"\n>>"


#: Arrays of numbers as written (a font's widths, a link's rectangle, a border), by their
#: numbers and layout: the next build of a leaflet writes most of them again.
_NUMBER_ARRAYS: dict[tuple[Any, ...], bytes] = {}


def _array(self: Any, document: Any, IND: bytes = b"\n ") -> bytes:
    """PDFArray.format: the elements, ten to a line."""
    sequence = self.sequence
    multiline = self.multiline
    lines = (multiline and rl_config.pdfMultiLine) or multiline == "forced"
    key = None
    if set(map(type, sequence)) <= _NUMBER_KINDS:
        key = (IND if lines else None, *sequence)
        written = _NUMBER_ARRAYS.get(key)
        if written is not None:
            return written
        known = _ATOMS.get
        items = [known(e) or _atom(e) for e in sequence]
    else:
        items = [_value(e, document) for e in sequence]
    written = b"[ " + (IND.join(items) if lines else _rows(items, 10)) + b" ]"
    if key is not None:
        if len(_NUMBER_ARRAYS) > 1024:
            _NUMBER_ARRAYS.clear()
        _NUMBER_ARRAYS[key] = written
    return written


def _string(self: Any, document: Any) -> bytes:
    """PDFString.format for text (PDFDocEncoding where it suffices, else UTF-16 with its mark), escaped."""
    text = self.s
    if (
        type(text) is not str
        or getattr(self, "enc", "auto") != "auto"
        or getattr(self, "escape", 1) != 1
        or not isinstance(document.encrypt, pdfdoc.NoEncryption)
    ):
        return _reportlab_string(self, document)
    written = _STRINGS.get(text)
    if written is not None:
        return written
    data = text.encode("ascii") if text.isascii() else None
    if data is None or _NOT_PDFDOC.search(data) is not None:
        try:
            data = text.encode("pdfdoc")
        except UnicodeEncodeError:
            data = codecs.BOM_UTF16_BE + text.encode("utf_16_be")
    written = _pdfdoc_enc(f"({escapePDF(data)})")
    if len(text) <= 512:
        if len(_STRINGS) > 2048:
            _STRINGS.clear()
        _STRINGS[text] = written
    return written


#: Text strings as written, by their text (links' descriptions and addresses, outline titles).
_STRINGS: dict[str, bytes] = {}


def _reference(ref: Any, document: Any) -> bytes:
    """PDFObjectReference.format: "N G R" for the object the reference names."""
    try:
        return b"%d %d R" % document.idToObjectNumberAndVersion[ref.name]
    except KeyError:
        raise KeyError(f"forward reference to {ref.name!r} not resolved upon final formatting") from None


#: (font face, its subset's characters) → the subset font file. The face is held, so its
#: identity cannot pass to another font; a font read again from a changed file is a new face.
_SUBSETS: Bounded[bytes] = Bounded(64)
#: Streams (font subsets, their ToUnicode maps, page contents) → their compressed bytes, by
#: their exact contents: a font subset, or a page that a new title leaves as it was, is
#: compressed once. Only streams up to _COMPRESS_LONGEST long are kept (with what they are
#: kept under, at most about 64 × 64 KB × 1.5: 6 MB; a leaflet's page is a few KB).
_COMPRESSED: Bounded[bytes] = Bounded(64)
_COMPRESS_LONGEST = 1 << 16


def _make_subset(self: Any, subset: list[int]) -> bytes:
    """TTFontFace.makeSubset, remembered: every build of a leaflet subsets its fonts again, mostly alike."""
    key = (Held(self), tuple(subset))
    data = _SUBSETS.get(key)
    if data is None:
        data = _reportlab_make_subset(self, subset)
        _SUBSETS.put(key, data)
    return data


def _compress(self: Any, text: Any) -> bytes:
    """PDFStreamFilterZCompress.encode, remembered for each stream's contents (text or bytes)."""
    kind = type(text)
    if (kind is not bytes and kind is not str) or len(text) > _COMPRESS_LONGEST:
        return _reportlab_compress(self, text)
    packed = _COMPRESSED.get(text)
    if packed is None:
        packed = _reportlab_compress(self, text)
        _COMPRESSED.put(text, packed)
    return packed


def _subset_name(font: Any, subset: int, doc: Any) -> str:
    """TTFont.getSubsetInternalName, from the font's state in the document once it has its name
    (the first call gives it one and registers the font with the document: ReportLab's)."""
    states = doc.__dict__.get("leaflet_font_states")
    state = states.get(font) if states else None
    if state is None or state.internalName is None or not 0 <= subset < len(state.subsets):
        return font.getSubsetInternalName(subset, doc)
    return f"/{state.internalName}+{subset}"


class _Codes(dict[int, int]):
    """A font's codes in a document (character → code), as a table for str.translate: a
    character without a code is dropped (None), so the translated text comes out shorter."""

    def __missing__(self, key: int) -> None:
        return None


def _split_string(self: Any, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
    """TTFont.splitString, without its loop when every character already has its code in the first subset.

    The codes come from a copy of the font's assignments in the document (ReportLab's, which
    only ever grow), taken again whenever a character is new to it: a code is never changed
    once given, so the copy gives each character the code ReportLab gave it.
    """
    if type(text) is not str:
        return _reportlab_split_string(self, text, doc, encoding)
    # The font's state in the document (ReportLab keeps it by a weak reference to the document).
    states: dict[Any, Any] | None = doc.__dict__.get("leaflet_font_states")
    if states is None:
        states = doc.__dict__["leaflet_font_states"] = {}
    state = states.get(self)
    if state is None:
        state = self.state.get(doc)
        if state is None:
            return _reportlab_split_string(self, text, doc, encoding)
        states[self] = state
    table: _Codes | None = state.__dict__.get("leaflet_codes")
    if table is not None:
        codes = text.translate(table)
        if len(codes) == len(text):
            try:
                data = codes.encode("latin-1")
            except UnicodeEncodeError:  # a code past the first subset
                pass
            else:
                return [(0, data)] if data else []
    found = _reportlab_split_string(self, text, doc, encoding)
    # A no-break space is written as a space (ReportLab replaces it before giving codes).
    table = _Codes(state.assignments)
    if 32 in table:
        table[0xA0] = table[32]
    state.__dict__["leaflet_codes"] = table
    return found


def _destination(self: Any, document: Any) -> bytes:
    """Destination.format for a place on a page (`/XYZ left top zoom`, what a link or outline
    entry names): the array written directly, without a reference and an array object made for it."""
    fmt, page = self.fmt, self.page
    # ReportLab binds a destination to a reference to its page (canvas.bookmarkPage).
    if type(fmt) is pdfdoc.PDFDestinationXYZ and type(page) is pdfdoc.PDFObjectReference:
        number = document.idToObjectNumberAndVersion.get(page.name)
        if number is not None and not rl_config.pdfMultiLine:
            fmt.page = page  # as Destination.format leaves it
            return b"[ %d %d R %s %s %s %s ]" % (
                *number,
                _value(_pdf_name(fmt.typename), document),
                _value(fmt.left, document),
                _value(fmt.top, document),
                _value(fmt.zoom, document),
            )
    return _reportlab_destination(self, document)


#: The plain objects `_format` writes itself, and how.
_PLAIN = {PDFDictionary: _dictionary, PDFArray: _array, PDFString: _string, pdfdoc.Destination: _destination}

pdfdoc.PDFName = _pdf_name
pdfdoc.format = _format
pdfdoc.PDFDictionary.format = _dictionary
pdfdoc.PDFArray.format = _array
pdfdoc.PDFString.format = _string
pdfdoc.Destination.format = _destination
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
