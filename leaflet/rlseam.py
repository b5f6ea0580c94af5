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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from copy import copy as shallow_copy
from copy import deepcopy
from datetime import date
from typing import Any

from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFObject
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.frames import Frame

from leaflet.addressbreaks import break_offsets


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


def object_count(doc: Any) -> int:
    """How many objects the document has numbered so far (the next one is numbered one more)."""
    return doc.objectcounter


def add_objects(doc: Any, named: list[tuple[str, Any]]) -> list[bytes]:
    """Give each object a number, in order, under its new name (as `doc.Reference(obj, name)`
    does for each); their references as written ("12 0 R"). An object may be bytes already
    written: the document writes them as they are."""

    numbers, names, objects = doc.idToObjectNumberAndVersion, doc.numberToId, doc.idToObject
    number = doc.objectcounter
    refs = []
    for name, obj in named:
        if name in objects:
            raise ValueError(f"redefining named object: {name!r}")
        number += 1
        if isinstance(obj, PDFObject):
            obj.__InternalName__ = name
        numbers[name] = (number, 0)
        names[number] = name
        objects[name] = obj
        refs.append(b"%d 0 R" % number)
    doc.objectcounter = number
    return refs


def reserve_numbers(doc: Any, count: int) -> int:
    """Take the next `count` object numbers for objects the document does not hold (written and
    packed by the caller: `document_objects` is given them); the first of those numbers."""
    first = doc.objectcounter + 1
    doc.objectcounter += count
    return first


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


def page_contents(canvas: Any) -> list[tuple[str, int, Any]]:
    """Each page's content stream once the document is saved, in page order: its text (what
    showPage joined), the number of its object, and the object (for `formatted_contents`)."""
    doc = canvas._doc
    names = {id(obj): name for name, obj in doc.idToObject.items()}
    found = []
    for page in doc.Pages.pages:
        stream = page.Contents
        number, _ = doc.idToObjectNumberAndVersion[names[id(stream)]]
        found.append((page.stream, number, stream))
    return found


def formatted_contents(canvas: Any, stream: Any, text: str) -> bytes:
    """A page's content stream object (from `page_contents`) as `document_objects` formats it, with other text."""
    from reportlab.pdfbase.pdfdoc import format as pdf_format

    changed = shallow_copy(stream)
    changed.content = text
    return pdf_format(changed, canvas._doc, toplevel=1)


def next_codes(canvas: Any) -> dict[Any, int]:
    """Each font drawn with in the canvas's document so far, and the code its next new character will get.

    ReportLab gives a font's characters their codes in a document in the order they are first
    drawn (TTFont.splitString), except, in a font readable as ASCII, the ASCII characters,
    whose codes are their own from the start (`given_before`).
    """
    doc = canvas._doc
    codes = {}
    for font in doc.delayedFonts:
        state = _font_state(font, doc)
        if state is not None:
            codes[font] = state.nextCode
    return codes


def _font_state(font: Any, doc: Any) -> Any:
    """A font's state in a document (its codes): ReportLab's, which it drops once the document is
    written, or the one the canvas keeps (leaflet/pdf/canvas.py, `_split_string`)."""
    kept = doc.__dict__.get("leaflet_font_states")
    state = kept.get(font) if kept else None
    return state if state is not None else font.state.get(doc)


@contextmanager
def codes_as_given(canvas: Any) -> Iterator[None]:
    """While it lasts, text drawn on a written document's canvas takes the codes its fonts gave
    (ReportLab drops a font's state once the document is written: text it cannot code quickly
    would be given codes afresh, from 1), and a character that has none raises (PDFError)."""
    doc = canvas._doc
    kept = doc.__dict__.get("leaflet_font_states") or {}
    put: list[Any] = []
    frozen: list[tuple[Any, int]] = []
    try:
        for font, state in kept.items():
            if font.state.get(doc) is None:
                font.state[doc] = state
                put.append(font)
            frozen.append((state, state.frozen))
            state.frozen = 1
        yield
    finally:
        for state, was in frozen:
            state.frozen = was
        for font in put:
            font.state.pop(doc, None)


def given_before(canvas: Any, font_name: str, text: str, codes: dict[Any, int]) -> bool:
    """Whether every character of `text` had its code in the font when its next code was the one
    in `codes` (from `next_codes`, earlier in the same document): drawn then, it would have been
    drawn with the same codes."""
    font = getFont(font_name)
    limit = codes.get(font)
    state = _font_state(font, canvas._doc) if limit is not None else None
    if state is None:
        return False
    given = state.assignments
    fixed = 128 if font._asciiReadable else 33
    for ch in {*text, " "}:
        point = 32 if ch == "\u00a0" else ord(ch)  # a no-break space is drawn as a space
        code = given.get(point)
        if code is None or (code >= limit and not 32 <= point < fixed):
            return False
    return True


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


_ATOMIC = frozenset({int, float, str, bool, type(None)})


class QuickCopyFrame(Frame):
    """A Frame whose deep copy is made straight from its attributes.

    ReportLab deep-copies the page's frame every time it measures a group kept together
    (`_listWrapOn`), through copy.deepcopy's general machinery for each of its two dozen
    attributes. A frame holds numbers and names, and a list or two: those are deep-copied
    as before, the rest (immutable) shared, exactly as deepcopy would leave them.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> QuickCopyFrame:
        copied = object.__new__(type(self))
        memo[id(self)] = copied
        copied.__dict__.update(
            {k: v if type(v) in _ATOMIC else deepcopy(v, memo) for k, v in self.__dict__.items()}
        )
        return copied


def kept_flowables(group: Any) -> list[Any]:
    """The flowables a KeepTogether keeps together."""
    return list(group._content)


def kept_parts(group: Any) -> tuple[list[Any], float]:
    """A wrapped KeepTogether's flowables and their total height."""
    return kept_flowables(group), group._H


def wrapped_for(flowable: Any) -> Any:
    """The (width, height) a KeepTogether was last wrapped for, or None."""
    return getattr(flowable, "_wrapInfo", None)


def forget_postponed(flowable: Any) -> None:
    """Clear ReportLab's mark that a flowable was already moved to the next frame once."""
    flowable.__dict__.pop("_postponed", None)


#: What Paragraph.breakLines leaves on the paragraph besides the lines it returns.
_LINE_BREAK_STATE = ("_width_max", "_splitLongWordCount", "_hyphenations")


def line_break_state(paragraph: Any, frags_before: Any) -> dict[str, Any]:
    """The attributes breakLines set on a paragraph, to give a paragraph that reuses its lines.

    Breaking a paragraph of several fonts (kind 1) also replaces its fragments with its words
    (`frags_before` were the fragments it had), and split() cuts those words, not the
    fragments: a paragraph that reuses the lines needs them too, or it is cut another way.
    """
    state = {name: getattr(paragraph, name) for name in _LINE_BREAK_STATE if hasattr(paragraph, name)}
    if paragraph.frags is not frags_before:
        state["frags"] = paragraph.frags
    return state


def own_broken_words(paragraph: Any) -> None:
    """Give a paragraph of several fonts its own copy of the words line breaking put in place of
    its fragments (shared with the kept lines): split() cuts them, and edits the last it keeps
    (`_split_blParaProcessed`)."""
    paragraph.frags = deepcopy(paragraph.frags)


def set_line_break_state(paragraph: Any, state: dict[str, Any]) -> None:
    for name, value in state.items():
        setattr(paragraph, name, value)


#: While ReportLab looks for where to split a word: the room its head has on the line, and the
#: width ReportLab will measure for a head of so many characters.
_room: tuple[float, Callable[[str, int], float]] | None = None
#: Set while a word that starts a line, and whose first piece is wider than the line, is cut.
_cut_anywhere = False


def address_break_pairs(word: str) -> Iterable[tuple[str, str]] | None:
    """Where a word may be broken, as (head, tail) pairs, the longest head first; None for a word
    with nowhere to break: only where `leaflet.addressbreaks` allows, and no hyphen is added (a
    reader copying an address types what is printed)."""
    cuts = range(1, len(word)) if _cut_anywhere else break_offsets(word)
    if not cuts:
        return None
    return ((word[:i], word[i:]) for i in reversed(cuts[: _fitting(word, cuts) + 1]))


def _fitting(word: str, cuts: Sequence[int]) -> int:
    """The index in `cuts` (ascending) of the longest head that fits the room, or of the shortest.

    ReportLab takes the first pair whose head fits, measuring each head from the longest: for a
    word of thousands of characters, thousands of measures of thousands of characters on every
    line. A head's width grows with its length, so the pairs after the longest that fits could
    not fit, and it is found in a few measures.
    """
    if _room is None or max(word, default="") >= "\u0590":
        # (A word in a script that is shaped may grow narrower as it grows: every cut is tried.)
        return len(cuts) - 1
    room, width = _room
    # From the short end, doubling, to the first head too wide (a line holds tens of characters:
    # the heads measured stay short), then halving between the last two.
    low, high, step = 0, len(cuts) - 1, 16
    while step < high and width(word, cuts[step]) <= room:
        low, step = step, step * 2
    high = min(high, step)
    while low < high:
        middle = (low + high + 1) // 2
        if width(word, cuts[middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def _word_head_width(args: tuple[Any, ...]) -> Callable[[str, int], float]:
    """For _hyGenPair(hyphenator, word, word width, new width, max width, font, size, …): the
    width it measures for a head of i characters of the word it asks about (its leading
    punctuation, which it takes off first, in front)."""
    whole = args[1].decode("utf8") if isinstance(args[1], bytes) else args[1]
    found = rl_paragraph._hy_pfx_pat.match(whole)
    pfx = found.group(0) if found else ""
    font, size = args[5], args[6]
    return lambda word, i: stringWidth(pfx + word[:i], font, size)


def _frags_head_width(args: tuple[Any, ...]) -> Callable[[str, int], float]:
    """For _hyGenFragsPair(hyphenator, frag word, new width, max width, …): the width it measures
    for a head of i characters, each piece in its fragment's font."""
    pieces = args[1][1:]
    whole = "".join(text for _, text in pieces)
    found = rl_paragraph._hy_pfx_pat.match(whole)
    skip = len(found.group(0)) if found else 0

    def width(word: str, i: int) -> float:
        left = skip + i
        total = 0.0
        for frag, text in pieces:
            if left <= 0:
                break
            part = text[:left]
            total += stringWidth(part, frag.fontName, frag.fontSize)
            left -= len(part)
        return total

    return width


def _cutting_at_line_start(split: Any, widths: Any, head_width: Any) -> Any:
    """ReportLab's split of an overlong word, cut anywhere when nothing else fits a whole line.

    Only a word that starts its line can need it (elsewhere ReportLab first moves it to a
    line of its own), and then only when even its first piece is wider than the line.
    """

    def split_word(*args: Any) -> Any:
        global _cut_anywhere, _room
        word_width, new_width, max_width = widths(args)
        _room = (max_width - (new_width - word_width), head_width(args))
        try:
            found = split(*args)
            if found is None and new_width - word_width <= 1e-6 and word_width > max_width:
                _cut_anywhere = True
                try:
                    found = split(*args)
                finally:
                    _cut_anywhere = False
        finally:
            _room = None
        return found

    return split_word


def break_words_at_address_breaks() -> None:
    """Make ReportLab break a word wider than its line after / . - ? & = only.

    ReportLab breaks a line at spaces; a word wider than the whole line it cuts at
    any character (`splitLongWords`), unless the paragraph style asks for
    hyphenation. With `embeddedHyphenation=2` (and no hyphenator) it sends such a
    word to a line of its own and asks its URI splitter where to split it, which
    answers for words with a scheme, at slashes only. The splitter is replaced by
    ours, so every overlong word with a break character (an address with or
    without its scheme, an email address, a long hyphenated word) is split where a
    reader expects, with no hyphen added; only a piece between breaks that is
    itself wider than the line is still cut, anywhere, to fill its line (the rest
    of a split word would otherwise run past the frame: ReportLab never cuts a part
    of a word it has split). Words that fit their line are never split, and no
    other word is hyphenated (ReportLab's embedded hyphenation splits only words of
    letters and hyphens, which ours answers first).
    """
    from reportlab.platypus import paragraph

    if getattr(paragraph._uri_split_pairs, "__name__", "") == address_break_pairs.__name__:
        return  # installed already
    paragraph._uri_split_pairs = address_break_pairs
    # (hyphenator, word, word width, new width, max width, …) and (hyphenator, frags, new width, max width, …)
    paragraph._hyGenPair = _cutting_at_line_start(
        paragraph._hyGenPair, lambda a: (a[2], a[3], a[4]), _word_head_width
    )
    paragraph._hyGenFragsPair = _cutting_at_line_start(
        paragraph._hyGenFragsPair, lambda a: (a[1][0], a[2], a[3]), _frags_head_width
    )


def document_objects(
    canvas: Any, apart: dict[int, bytes] | None = None
) -> tuple[list[tuple[int, bytes]], bytes, bytes]:
    """The objects `canvas.save()` would write, formatted, in number order; references to the catalogue and info.

    `apart`: objects written already, under numbers taken with `reserve_numbers`, put in their places.

    What PDFDocument.GetPDFData and PDFDocument.format do before they assemble the file
    (fonts' subsets made, the outline prepared, each object formatted as it is numbered,
    objects made while formatting included), without the assembling: the caller packs the
    objects itself. An encrypted document is refused: a leaflet is never encrypted.
    """
    from reportlab.pdfbase.pdfdoc import format as pdf_format

    if len(canvas._code):
        canvas.showPage()
    doc = canvas._doc
    for font in doc.delayedFonts:
        font.addObjects(doc)
    doc.info.invariant = doc.invariant
    doc.info.digest(doc.signature)
    doc.Reference(doc.Catalog)
    doc.Reference(doc.info)
    doc.Outlines.prepare(doc, canvas)
    if doc.Outlines.ready < 0:
        doc.Catalog.Outlines = None
    doc.encrypt.prepare(doc)
    if doc.encrypt.info():
        raise ValueError("an encrypted document cannot be packed")
    root = doc.Reference(doc.Catalog).format(doc)
    info = doc.Reference(doc.info).format(doc)
    objects = []
    number = 1
    names, held, apart = doc.numberToId, doc.idToObject, apart or {}
    while True:  # objects may be added while others are formatted
        name = names.get(number)
        if name is not None:
            objects.append((number, pdf_format(held[name], doc, toplevel=1)))
        elif number in apart:
            objects.append((number, apart[number]))
        else:
            break
        number += 1
    doc._savedToFile = True  # as SaveToFile: a document is written once
    return objects, root, info
