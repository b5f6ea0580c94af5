"""The logical structure of a leaflet, and the drawing-time hooks that tag it.

The layout builds StructElem objects from the content model (Document, H1, P,
L, LI, ...) and gives each leaf flowable its element; while drawing, a
flowable asks the canvas's `Tagging` for `text(canvas, elem)`,
`artifact(canvas)` or `figure(...)`. This base class tags nothing (a draft
pass, an untagged build); `leaflet.pdf.tags.PdfTagging` writes marked content
and the PDF/UA-1 structure tree. Living here, outside `pdf/`, it lets the
layout name elements without knowing anything about how a PDF is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class StructElem:
    """One node of the logical structure: a role, its attributes and its children."""

    role: str
    parent: StructElem | None = None
    lang: str | None = None
    alt: str | None = None
    actual_text: str | None = None
    title: str | None = None
    #: A unique ID (a Note's, which PDF/UA requires), listed in the IDTree.
    id: str | None = None
    #: For a Figure: where it stands on its page (x0, y0, x1, y1), set when drawn.
    bbox: tuple[float, float, float, float] | None = None
    #: For a table's header cell (TH): the cells it heads, Column or Row.
    scope: str | None = None
    kids: list[Any] = field(default_factory=list)

    def add(self, role: str, **attrs: Any) -> StructElem:
        child = StructElem(role, parent=self, **attrs)
        self.kids.append(child)
        return child

    def walk(self) -> Iterator[StructElem]:
        """This element and every element below it, parents before children, in reading order."""
        stack = [self]
        while stack:
            elem = stack.pop()
            yield elem
            stack.extend(kid for kid in reversed(elem.kids) if isinstance(kid, StructElem))


_NOTHING: AbstractContextManager[None] = nullcontext()


class Tagging:
    """Drawing-time hooks. This base class tags nothing (an untagged build)."""

    enabled = False

    # Nothing to open or close: one shared context that does nothing (not a generator made and
    # run for each paragraph), so an untagged build pays nothing for the hooks.
    def text(self, canvas: Any, elem: StructElem | None) -> AbstractContextManager[None]:
        return _NOTHING

    def artifact(
        self, canvas: Any, kind: str = "Layout", lang: str | None = None
    ) -> AbstractContextManager[None]:
        """Painting that is no part of the content (decoration, the footer), in language `lang` if given."""
        return _NOTHING

    def figure(
        self, canvas: Any, elem: StructElem | None, box: tuple[float, float, float, float]
    ) -> AbstractContextManager[None]:
        """Painting that is one picture (a QR code), with its box in the current coordinates."""
        return _NOTHING

    def text_object(self, canvas: Any, tx: Any) -> None:
        """A text object was begun."""

    def link_boundary(self, tx: Any, link: Any, kind: str, written: int) -> None:
        """The start or end of a link's words, after `written` operators of the text object."""

    def text_code(self, canvas: Any, tx: Any, code: list[str]) -> list[str]:
        """The operators `code` of a text object about to be drawn, marked as they should be."""
        return code

    def annotation(self, canvas: Any, annotation: Any, ref: Any, target: str) -> None:
        """A link annotation to `target` was added to the current page."""

    def page_done(self, number: int) -> dict[str, Any]:
        """Page `number` was finished: the entries to add to its page dictionary."""
        return {}

    def finish(self, canvas: Any) -> None:
        """The document is about to be written."""

    def marked_on(self, page: int) -> int:
        """How many marked-content sequences page `page` has so far (its next MCID)."""
        return 0

    def marking_from(self, page: int, first: int) -> AbstractContextManager[None]:
        """While it lasts, what is drawn on `page` is marked from MCID `first` on, and what it marks is
        forgotten afterwards: a paragraph of a finished page drawn again (`leaflet.pdf.patch`)."""
        return _NOTHING
