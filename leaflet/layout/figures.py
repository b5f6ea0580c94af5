"""Figures and the organisation's logo: PNG and JPEG through ReportLab's ImageReader, SVG through svglib.

A picture is sized by the width or height the editor asked for, else by its own
size, and never wider than the text nor taller than most of a page. A described
picture is tagged `Figure` with its Alt text and its box (BBox); a decorative
one is drawn as an artifact. An image is embedded once however often it is
drawn: ReportLab names a raster image by its bytes, and an SVG drawing is put
in a form XObject named by its bytes.

Text inside an SVG is set in the leaflet's text font, so that the PDF holds no
font it does not embed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from io import BytesIO
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from leaflet.content.model import Figure, Image
from leaflet.content.scripts import script_needing_shaping
from leaflet.errors import ContentError, Problem
from leaflet.fonts import describe
from leaflet.layout.flowables import Stack
from leaflet.structure import StructElem
from leaflet.style import Colour

if TYPE_CHECKING:
    from leaflet.layout.story import StoryBuilder

#: A picture is never taller than this share of the text area, so it and its caption fit a page.
MAX_HEIGHT_SHARE = 0.7
#: The logo's printed height in the title area.
LOGO_HEIGHT = 14 * mm
#: …and the most of the text width it may take.
LOGO_MAX_WIDTH_SHARE = 0.4


def fitted_size(
    image: Image, width: float | None, height: float | None, frame: tuple[float, float]
) -> tuple[float, float]:
    """The printed size: as asked (or the image's own), keeping its shape, within the text area."""
    ratio = image.height / image.width
    if width is not None:
        w = width
    elif height is not None:
        w = height / ratio
    else:
        w = image.width
    w = min(w, frame[0])
    w = min(w, frame[1] * MAX_HEIGHT_SHARE / ratio)
    return w, w * ratio


def _quiet_svglib() -> None:
    """svglib tells what it leaves out of a drawing (a colour it cannot read, a <use> that
    loops) through `logging`, which with no handler prints bare lines on the command's error
    stream: they are kept from it."""
    logger = logging.getLogger("svglib")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def _written(image: Image) -> str:
    """The picture's file as the content names it, for a message."""
    if image.named:
        return os.path.relpath(image.named, os.path.dirname(os.path.abspath(image.location.file)))
    return os.path.basename(image.path)


def svg_problem(image: Image, exc: Exception) -> ContentError:
    """An SVG image the loader read that svglib cannot draw (a value it cannot use: a length
    "abc", a dash of zeros, a number too large), said at the line that names the picture."""
    written = _written(image)
    reason = " ".join(str(exc).split()) or type(exc).__name__
    reason = re.sub(r"<[^<>]* at 0x[0-9a-fA-F]+>", "a picture inside it", reason)[:160]
    return ContentError(
        Problem(
            image.location,
            f"'{written}' cannot be drawn ({reason}); save it again as plain SVG, or as PNG",
        )
    )


_SVG_TEXT = ("{http://www.w3.org/2000/svg}text",)


@lru_cache(maxsize=16)
def svg_words(data: bytes) -> str:
    """Every character an SVG image's text elements hold (<text> and what is inside it)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)
    return "".join("".join(elem.itertext()) for elem in root.iter(*_SVG_TEXT))


def svg_text_problems(images: Iterable[Image], covers: Callable[[str], bool], font: str) -> list[Problem]:
    """Text in an SVG image the PDF cannot print: svglib sets it in the text font alone, one
    character after another, so a character that font lacks prints as an empty box (an emoji),
    and a script whose letters join or reorder (Arabic, Bengali) prints broken. Said once a
    picture, at the line that names it."""
    problems: list[Problem] = []
    for image in images:
        if image.kind != "svg":
            continue
        words = svg_words(image.data)
        if not words or (words.isascii() and covers(words)):
            continue
        shaped = next((ch for ch in words if script_needing_shaping(ch)), None)
        missing = [ch for ch in dict.fromkeys(words) if not ch.isspace() and not covers(ch)]
        if shaped is not None:
            script = script_needing_shaping(shaped)
            reason = f"text in the {script} script (here {describe(shaped)}), which it cannot join or order"
        elif missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            reason = f"the character {describe(missing[0])}{more}, which the font {font} lacks"
        else:
            continue
        problems.append(
            Problem(
                image.location,
                f"'{_written(image)}' holds {reason}: text in an SVG image is printed in the text "
                "font alone; turn that text into shapes, or put it in the caption",
            )
        )
    return problems


@lru_cache(maxsize=16)
def _svg_drawing(data: bytes, font: str) -> Any:
    from svglib.svglib import svg2rlg

    _quiet_svglib()
    drawing = svg2rlg(BytesIO(data))
    if drawing is None:  # the loader read it as SVG already: this does not happen
        raise ValueError("svglib could not read an SVG image the loader accepted")
    drawing.initialFontName = font
    _set_font(drawing, font)
    return drawing


def _set_font(node: Any, font: str) -> None:
    from reportlab.graphics.shapes import Group, String

    if isinstance(node, String):
        node.fontName = font
    if isinstance(node, Group):
        for kid in node.contents:
            _set_font(kid, font)


class Picture(Flowable):
    """One image at a fixed size: a Figure with its box, or decoration when it has no element."""

    def __init__(
        self,
        image: Image,
        width: float,
        height: float,
        elem: StructElem | None,
        font: str,
        plate: Colour | None = None,
        plate_pad: float = 0.0,
    ) -> None:
        super().__init__()
        self.image = image
        self.draw_width = width
        self.draw_height = height
        self.elem = elem
        self.font = font
        #: A plain background behind the image (a logo on a dark band), as decoration.
        self.plate = plate
        self.plate_pad = plate_pad

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self.draw_width + 2 * self.plate_pad
        self.height = self.draw_height + 2 * self.plate_pad
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if canv.draft:
            return
        tagging = canv.tagging
        if self.plate is not None:
            with tagging.artifact(canv):
                canv.saveState()
                canv.setFillColorRGB(*self.plate.rgb)
                canv.roundRect(0, 0, self.width, self.height, self.plate_pad, stroke=0, fill=1)
                canv.restoreState()
        x0 = y0 = self.plate_pad
        box = (x0, y0, x0 + self.draw_width, y0 + self.draw_height)
        if self.image.kind == "svg":
            self._define_form()  # outside the figure's marked content: a form is its own stream
        if self.elem is None:
            with tagging.artifact(canv):
                self._paint(x0, y0)
        else:
            with tagging.figure(canv, self.elem, box):
                self._paint(x0, y0)

    def _paint(self, x: float, y: float) -> None:
        canv = self.canv
        if self.image.kind == "svg":
            self._paint_svg(x, y)
            return
        from reportlab.lib.utils import ImageReader

        canv.drawImage(
            ImageReader(BytesIO(self.image.data)),
            x,
            y,
            self.draw_width,
            self.draw_height,
            mask="auto",
        )

    @property
    def form_name(self) -> str:
        return "SVG" + hashlib.sha1(self.image.data).hexdigest()[:16]

    def _define_form(self) -> None:
        """The SVG drawing as a form XObject, written once per document, however often it is drawn."""
        from reportlab.graphics import renderPDF

        canv = self.canv
        if canv.hasForm(self.form_name):
            return
        try:
            drawing = _svg_drawing(self.image.data, self.font)
            # The canvas marks the lines it draws as decoration; inside a form they are the
            # form's content, marked where the form is used. Inside an artifact, the canvas
            # marks nothing more, so the form's own stream holds no marked content.
            with canv.tagging.artifact(canv):
                canv.beginForm(self.form_name, 0, 0, drawing.width or 1, drawing.height or 1)
                renderPDF.draw(drawing, canv, 0, 0)
                canv.endForm()
        except Exception as exc:  # svglib's and ReportLab's own words for what they cannot use
            raise svg_problem(self.image, exc) from None

    def _paint_svg(self, x: float, y: float) -> None:
        canv = self.canv
        drawing = _svg_drawing(self.image.data, self.font)
        name = self.form_name
        canv.saveState()
        canv.translate(x, y)
        canv.scale(self.draw_width / (drawing.width or 1), self.draw_height / (drawing.height or 1))
        canv.doForm(name)
        canv.restoreState()


def build_figure(sb: StoryBuilder, figure: Figure, parent: StructElem, lang: str | None) -> Flowable:
    """A figure and its caption, kept together on one page."""
    width, height = fitted_size(figure.image, figure.width, figure.height, sb.frame)
    elem = None if figure.decorative else parent.add("Figure", alt=figure.alt, lang=lang)
    picture = Picture(figure.image, width, height, elem, _font(sb))
    children: list[Flowable] = [picture]
    if figure.caption:
        size = sb.theme.style("body").size
        children.append(
            sb.passage_leaf(
                figure.caption,
                sb.passage_style("body", lang, "figure-caption", spaceBefore=size * 0.4),
                parent.add("Caption", lang=lang),
                lang,
            )
        )
    size = sb.theme.style("body").size
    return Stack(children, inset=(size * 0.4, 0, size * 0.4, 0), keep_under=sb.frame_height())


def build_logo(sb: StoryBuilder, parent: StructElem) -> Picture | None:
    """The organisation's logo, sized for the title area, read by a screen reader as the organisation's name.

    On a white plate, so a dark logo stays visible on a dark band and a printer prints it as drawn.
    """
    m = sb.leaflet.metadata
    if m.logo is None:
        return None
    width, height = fitted_size(m.logo, None, LOGO_HEIGHT, (sb.frame_width() * LOGO_MAX_WIDTH_SHARE, _BIGH))
    elem = parent.add("Figure", alt=m.organisation)
    return Picture(m.logo, width, height, elem, _font(sb), plate=sb.theme.colours.get("page"), plate_pad=3)


_BIGH = 1e9


def _font(sb: StoryBuilder) -> str:
    return sb.fonts.font_name(sb.fonts.text.name, False)
