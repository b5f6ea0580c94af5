"""Every reach into ReportLab's private attributes, in one place.

ReportLab offers no public way to do a few things a tagged, reproducible
leaflet needs: read or replace a text object's operators, add an operator to
the page being drawn, reach the document being written (its info, its pages),
give a page dictionary entries of our own, fix the creation date, and split a
kept-together group by its parts. Each is one small function here, with a test
in tests/pdf/test_hooks.py; the subclasses that override ReportLab's hook
methods are in leaflet/pdf/canvas.py. tests/test_layering.py fails if a
private ReportLab name is used anywhere else, so a ReportLab upgrade that
changes any of these fails loudly, in one place. ReportLab is pinned to 5.1.x
because of them.
"""

from __future__ import annotations

import calendar
import time
from datetime import date
from typing import Any

from reportlab.lib.utils import TimeStamp


def text_operators(tx: Any) -> list[str]:
    """The operators a PDFTextObject has collected so far (BT first)."""
    return tx._code


def set_text_operators(tx: Any, code: list[str]) -> None:
    """Replace a text object's operators before it is drawn."""
    tx._code = code


def text_object_canvas(tx: Any) -> Any:
    """The canvas a text object was begun on."""
    return tx._canvas


def add_operator(canvas: Any, op: str) -> None:
    """Add one operator to the content of the page being drawn."""
    canvas._code.append(op)


def pdf_document(canvas: Any) -> Any:
    """The PDFDocument a canvas writes into (its info, pages and objects)."""
    return canvas._doc


def last_page(canvas: Any) -> Any:
    """The page object that `showPage` has just added to the document."""
    return canvas._doc.Pages.pages[-1]


def reorder_pages(canvas: Any, order: list[int]) -> None:
    """Put the document's pages in `order` (0-based indices of the pages as drawn) before it is written.

    Each page keeps its object (and so its name, which links, outlines and the structure
    tree refer to); only the page tree's list of kids changes.
    """
    pages = canvas._doc.Pages.pages
    if sorted(order) != list(range(len(pages))):
        raise ValueError(f"not an order of {len(pages)} pages: {order}")
    pages[:] = [pages[i] for i in order]


def page_count(canvas: Any) -> int:
    """How many pages the document has so far."""
    return len(canvas._doc.Pages.pages)


def add_page_entries(page: Any, entries: dict[str, Any]) -> None:
    """Give a PDFPage dictionary entries of our own (it writes only the keys it lists)."""
    if not entries:
        return
    page.__NoDefault__ = [*page.__NoDefault__, *entries]
    for key, value in entries.items():
        setattr(page, key, value)


def fix_timestamp(canvas: Any, day: date) -> None:
    """Creation and modification dates at midnight UTC of `day`, so the same input gives the same bytes."""
    ts = TimeStamp(invariant=True)
    t = calendar.timegm(day.timetuple())
    ts.t = t
    ts.lt = time.gmtime(t)
    ts.YMDhms = tuple(ts.lt)[:6]
    canvas._doc._timeStamp = ts


def kept_parts(group: Any) -> tuple[list[Any], float]:
    """A wrapped KeepTogether's flowables and their total height."""
    return group._content, group._H


def wrapped_for(flowable: Any) -> Any:
    """The (width, height) a KeepTogether was last wrapped for, or None."""
    return getattr(flowable, "_wrapInfo", None)


def forget_postponed(flowable: Any) -> None:
    """Clear ReportLab's mark that a flowable was already moved to the next frame once."""
    flowable.__dict__.pop("_postponed", None)


#: What Paragraph.breakLines leaves on the paragraph besides the lines it returns.
_LINE_BREAK_STATE = ("_width_max", "_splitLongWordCount", "_hyphenations")


def line_break_state(paragraph: Any) -> dict[str, Any]:
    """The attributes breakLines set on a paragraph, to give a paragraph that reuses its lines."""
    return {name: getattr(paragraph, name) for name in _LINE_BREAK_STATE if hasattr(paragraph, name)}


def set_line_break_state(paragraph: Any, state: dict[str, Any]) -> None:
    for name, value in state.items():
        setattr(paragraph, name, value)
