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
  default, a quarter bigger, for seven-bit channels nobody uses now).
ReportLab is pinned to 5.1.x because of these; tests/pdf/test_hooks.py checks each.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from leaflet.i18n import ENGLISH, Furniture
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

    def _textOut(self, text: str, TStar: int = 0) -> None:
        # The line these words are on (a link's start is reported after its first words).
        self.text_line = self.lines_written
        if TStar:
            if not text.endswith(" ") and self.lines_written not in text_object_canvas(self).joined_lines:
                text += " "
            self.lines_written += 1
        super()._textOut(text, TStar)

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
