"""The canvas every leaflet is drawn on: ReportLab's, with accessible links.

Paragraph links reach the canvas through `linkURL` (addresses) and `linkRect`
(places inside the document). Both are replaced here so that every link
annotation describes where it goes (/Contents), prints (/F 4), draws no
border, and is handed to the tagging, which ties it to its Link element.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
from reportlab.pdfgen.canvas import Canvas

from leaflet.pdf.tags import Tagging

#: Annotation flag 3 (Print): a link is part of the page, also on paper.
PRINT_FLAG = 4


class LeafletCanvas(Canvas):
    def __init__(
        self,
        *args: Any,
        tagging: Tagging,
        place_names: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tagging = tagging
        # What each internal destination is called, for the links' /Contents.
        self.place_names = place_names
        #: The page each anchor was first drawn on, for the contents list.
        self.anchor_pages: dict[str, int] = {}

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
        ann = self._annotation(rect, relative, describe_address(url))
        action = PDFDictionary()
        action["Type"] = PDFName("Action")
        action["S"] = PDFName("URI")
        action["URI"] = PDFString(url)
        ann["A"] = action
        self.tagging.annotation(self, ann)
        self._addAnnotation(ann)

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
        ann = self._annotation(Rect, relative, contents or f"Go to {place}")
        ann["Dest"] = self._bookmarkReference(destinationname)
        self.tagging.annotation(self, ann)
        self._addAnnotation(ann, name, addtopage)


def describe_address(url: str) -> str:
    if url.startswith("mailto:"):
        return f"Send an email to {url[len('mailto:') :]}"
    if url.startswith("tel:"):
        return f"Call {url[len('tel:') :]}"
    return f"Open {url} in a web browser"
