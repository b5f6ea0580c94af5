"""A build after an edit that moves nothing: the last build's PDF with one paragraph drawn again.

An editor's save (`leaflet watch`) mostly changes a few words of one paragraph. When that
paragraph keeps its style, and its height and number of lines at every width it was measured
at, and was drawn whole on one page, every page is laid out as before: only its drawing
changes. So, while `keeping` is on, each build of a leaflet and edition keeps what a patch
needs (`Recorder`): where each paragraph was drawn, the canvas's state and the fonts' codes
as it was drawn, each page's content stream and the objects packed. The next build of the
same leaflet and edition (`patched`) compares the leaflets and their paragraphs; when only
such words changed, it draws the old paragraph again in the kept state (it must give the same
operators, or nothing is patched), then the new one, puts the new operators where the old ones
were in the page's content stream, and packs the objects again. What it writes is the file a
whole build writes (tests/test_patch.py builds both, for every kind of paragraph and edit).

Anything else builds as usual: another sheet, edition, title or fonts; any change besides a
paragraph's or a list item's words (a heading, a table, a caption, a link, a citation, a
picture, the metadata); a paragraph in another style (a sentence that now ends with a colon
leads in to what follows), with a link, cut across pages or offered a split; a word needing a
character whose code the fonts gave later in the document, or old words that were the first
to use one (a whole build numbers a font's characters in the order they are first drawn); a
bilingual leaflet, and text that is shaped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from leaflet.content.model import (
    BlockQuote,
    Figure,
    Leaflet,
    ListItem,
    Paragraph,
    Quote,
    Strong,
    TermItem,
    Text,
)
from leaflet.content.texts import SourceText
from leaflet.errors import Location
from leaflet.layout import cache
from leaflet.layout.story import Pagination, Shared, StoryBuilder
from leaflet.pdf import metadata
from leaflet.pdf.compact import pack
from leaflet.rlseam import (
    codes_as_given,
    formatted_contents,
    given_before,
    last_page,
    next_codes,
    page_contents,
)
from leaflet.structure import StructElem

_keeping = 0


@contextmanager
def keeping() -> Iterator[None]:
    """While it lasts, builds keep what patching their PDF needs, and try a patch first."""
    global _keeping
    _keeping += 1
    cache.KEEPING = True
    try:
        yield
    finally:
        _keeping -= 1
        cache.KEEPING = _keeping > 0


def on() -> bool:
    return _keeping > 0


@dataclasses.dataclass(slots=True)
class Drawn:
    """One paragraph as a build drew it, and what it was drawn in."""

    leaf: Any
    page: int
    x: float
    y: float
    sW: float
    #: The canvas's graphics state (Canvas.STATE_ATTRIBUTES), as the paragraph was drawn.
    state: tuple[Any, ...]
    #: Each font's next code in the document before it was drawn.
    codes: dict[Any, int]
    #: The page's next MCID before it was drawn.
    mcid: int
    #: Where its operators began in the canvas's code, then the operators themselves.
    start: int
    text: str = ""
    #: Whether drawing it gave a character its first code in a font (or used a font first).
    fresh: bool = False
    #: Where its operators stand in the page's content stream (-1: not found once, not patched).
    offset: int = -1


class Recorder:
    """What one build's canvas drew, kept for a patch (`LeafletCanvas.keep`)."""

    def __init__(self) -> None:
        self.canvas: Any = None
        self.builder: StoryBuilder | None = None
        #: id(paragraph) → how it was drawn (None: drawn more than once).
        self.paragraphs: dict[int, Drawn | None] = {}
        self._current: Drawn | None = None
        self._page: list[Drawn] = []

    def drawing(self, canvas: Any, leaf: Any, x: float, y: float, sW: float) -> None:
        page = canvas.getPageNumber()
        self._current = Drawn(
            leaf,
            page,
            x,
            y,
            sW,
            canvas.graphics_state(),
            next_codes(canvas),
            canvas.tagging.marked_on(page),
            canvas.code_mark(),
        )

    def drawn(self, canvas: Any) -> None:
        d, self._current = self._current, None
        if d is None:
            return
        d.text = canvas.code_since(d.start)
        d.fresh = next_codes(canvas) != d.codes
        key = id(d.leaf)
        self.paragraphs[key] = None if key in self.paragraphs else d
        self._page.append(d)

    def page_done(self, canvas: Any) -> None:
        # showPage joined the page's code with newlines: each paragraph's operators are found
        # there as drawn, between two newlines, once (else that paragraph is not patched).
        stream = last_page(canvas).stream
        for d in self._page:
            needle = "\n" + d.text + "\n"
            at = stream.find(needle)
            if at >= 0 and stream.find(needle, at + 1) < 0:
                d.offset = at + 1
        self._page = []


@dataclasses.dataclass(slots=True)
class Base:
    """The last build of a leaflet and edition, as a patch starts from it."""

    leaflet: Leaflet
    theme: Any
    settings: tuple[Any, ...]
    pagination: Pagination
    frame: tuple[float, float]
    leaves: list[Any]
    drawn: dict[int, Drawn | None]
    canvas: Any
    #: Each page's content stream: its text, its object's number, the object.
    pages: list[list[Any]]
    objects: list[tuple[int, bytes]]
    root: bytes
    info: bytes | None
    version: bytes
    data: bytes


def _comparable(settings: dict[str, Any]) -> tuple[Any, ...]:
    """What of a build's settings a patch must find the same (not the passes' shared styles)."""
    fonts = settings["fonts"]
    return (
        settings["tagged"],
        settings["options"],
        settings["bleed"],
        settings["title"],
        settings["packed"],
        (fonts.text, fonts.fallback_families, fonts.families, fonts.shaped),
        settings["english_fonts"] is None,
        metadata.CREATOR,
    )


def keep(
    key: Any,
    leaflet: Leaflet,
    theme: Any,
    settings: dict[str, Any],
    recorder: Recorder,
    pagination: Pagination,
    data: bytes,
) -> None:
    """Keep a build as the base of the next build's patch (a build that kept nothing forgets the last)."""
    cache.PATCHES.pop(key)
    canvas, builder = recorder.canvas, recorder.builder
    if canvas is None or builder is None or canvas.saved is None or canvas.second_half is not None:
        return
    canvas.keep = None  # what is drawn again is not recorded
    objects, root, info, version = canvas.saved
    cache.PATCHES.put(
        key,
        Base(
            leaflet,
            theme,
            _comparable(settings),
            pagination,
            builder.frame,
            builder.leaves,
            recorder.paragraphs,
            canvas,
            [list(page) for page in page_contents(canvas)],
            list(objects),
            root,
            info,
            version,
            data,
        ),
    )


def patched(key: Any, leaflet: Leaflet, theme: Any, settings: dict[str, Any]) -> tuple[bytes, int] | None:
    """The PDF a whole build would make (and its number of pages), patched from the last build's;
    None if it cannot be."""
    base = cache.PATCHES.get(key)
    if base is None:
        return None
    if (base.theme is not theme and base.theme != theme) or base.settings != _comparable(settings):
        return None
    if leaflet.bilingual is not None or settings["fonts"].shaped or base.canvas.shaping:
        return None
    if not _words_only(base.leaflet, leaflet):
        return None
    builder = StoryBuilder(
        leaflet, theme, settings["fonts"], base.pagination, base.frame, settings["options"], Shared()
    )
    builder.build()
    leaves = builder.leaves
    if len(leaves) != len(base.leaves):
        return None
    changes = [
        (i, old, new)
        for i, (old, new) in enumerate(zip(base.leaves, leaves, strict=True))
        if old.leaflet_key != new.leaflet_key
    ]
    drawings = []
    for _, old, new in changes:
        d = base.drawn.get(id(old))
        if d is None or d.offset < 0 or d.fresh or not _alike(old, new) or not _same_sizes(old, new):
            return None
        if not _codes_given_before(new, d, base.canvas):
            return None
        drawings.append(d)
    try:
        texts = [
            _drawn_again(base.canvas, d, old, new) for d, (_, old, new) in zip(drawings, changes, strict=True)
        ]
    except _NotTheSame:
        cache.PATCHES.pop(key)  # the kept canvas may have changed: the next build is a whole one
        return None
    for d, text, (i, old, new) in zip(drawings, texts, changes, strict=True):
        page = base.pages[d.page - 1]
        stream = page[0]
        page[0] = stream[: d.offset] + text + stream[d.offset + len(d.text) :]
        grown = len(text) - len(d.text)
        for other in base.drawn.values():
            if other is not None and other.page == d.page and other.offset > d.offset:
                other.offset += grown
        del base.drawn[id(old)]
        d.leaf, d.text = new, text
        base.drawn[id(new)] = d
        base.leaves[i] = new
    if changes:
        streams = {base.pages[d.page - 1][1]: base.pages[d.page - 1] for d in drawings}
        base.objects = [
            (number, formatted_contents(base.canvas, streams[number][2], streams[number][0]))
            if number in streams
            else (number, body)
            for number, body in base.objects
        ]
        base.data = pack(base.objects, base.root, base.info, base.version)
    base.leaflet = leaflet
    return base.data, base.pagination.total


class _NotTheSame(Exception):
    """Drawing the old paragraph again did not give what the build drew."""


def _drawn_again(canvas: Any, d: Drawn, old: Any, new: Any) -> str:
    """The new paragraph's operators, drawn where and as the old one was (checked by drawing it again)."""
    codes = next_codes(canvas)
    try:
        with codes_as_given(canvas):
            before, state, marked = _draw(canvas, d, old)
            if before != d.text:
                raise _NotTheSame
            text, after, marks = _draw(canvas, d, new)
    except _NotTheSame:
        raise
    except Exception as exc:  # a character with no code in its font (PDFError), or anything unforeseen
        raise _NotTheSame from exc
    if after != state or marks != marked or next_codes(canvas) != codes:
        raise _NotTheSame
    return text


def _draw(canvas: Any, d: Drawn, leaf: Any) -> tuple[str, tuple[Any, ...], int]:
    """A paragraph drawn where `d` was: its operators, the state it leaves, the page's MCIDs after it."""
    elem = leaf.elem
    kids = len(elem.kids) if elem is not None else 0
    tagging = canvas.tagging
    try:
        with tagging.marking_from(d.page, d.mcid):
            text, state = canvas.draw_leaf_again(leaf, d.page, d.x, d.y, d.sW, d.state)
            marked = tagging.marked_on(d.page)
    finally:
        if elem is not None:
            del elem.kids[kids:]  # what it marked belongs to no page of this document
    return text, state, marked


#: What a paragraph's fragments may not carry to be patched (a link's annotation, a picture, a background).
_NOT_PATCHED = ("link", "cbDefn", "backColor", "underline", "strike")


def _alike(old: Any, new: Any) -> bool:
    """Whether two paragraphs differ in their words only."""
    if old.leaflet_key is None or new.leaflet_key is None or old.leaflet_key[1] != new.leaflet_key[1]:
        return False
    for leaf in (old, new):
        if (
            leaf.anchor
            or leaf.outline
            or hasattr(leaf, "quiet_outline")
            or getattr(leaf, "leaflet_split", False)
        ):
            return False
        for frag in leaf.frags:
            if any(getattr(frag, name, None) for name in _NOT_PATCHED):
                return False
    a, b = old.elem, new.elem
    if (a is None) != (b is None):
        return False
    if a is not None and any(type(kid) is StructElem for kid in (*a.kids, *b.kids)):
        return False  # elements of its own inside (a link's)
    return a is None or (a.role, a.lang, a.alt, a.actual_text, a.title, a.id) == (
        b.role,
        b.lang,
        b.alt,
        b.actual_text,
        b.title,
        b.id,
    )


def _same_sizes(old: Any, new: Any) -> bool:
    """Whether the new paragraph has the old one's height and lines at every width it was measured at,
    and is left wrapped at the width it was drawn at."""
    sizes = old.__dict__.get("leaflet_sizes")
    last = old.__dict__.get("_leaflet_wrap")
    if not sizes or last is None:
        return False
    for width, size in sizes.items():
        new.wrap(width, size[0][1])
        if new.__dict__.get("leaflet_sizes", {}).get(width) != size:
            return False
    new.wrap(last[0], last[2][1])
    return (new.width, new.height) == (old.width, old.height)


def _codes_given_before(leaf: Any, d: Drawn, canvas: Any) -> bool:
    """Whether every character the paragraph draws had its code in its font before the old one was
    drawn: a whole build, drawing it there, gives it the same codes."""
    return all(given_before(canvas, name, text, d.codes) for name, text in _texts_by_font(leaf))


def _texts_by_font(leaf: Any) -> Iterator[tuple[str, str]]:
    bl = leaf.blPara
    if bl.kind == 0:
        yield bl.fontName, " ".join(" ".join(words) for _, words in bl.lines)
        return
    for line in bl.lines:
        for frag in line.words:
            yield frag.fontName, frag.text


# -- the leaflets


#: The blocks whose words are drawn as paragraphs of their own, which only the words' height and
#: lines place, and the fields holding those words: only these may differ (a table's cells may not:
#: its columns are as wide as their words ask).
_WORDS: dict[type, str] = {
    Paragraph: "inlines",
    ListItem: "inlines",
    Quote: "inlines",
    TermItem: "inlines",
    BlockQuote: "paragraphs",
    Figure: "caption",
}


def _words_only(a: Any, b: Any) -> bool:
    """Whether two leaflets differ only in the words of paragraphs, list items, quotations, terms'
    meanings and captions (not their places in the file, or how the file is written)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is Location:
        return True
    if kind is tuple or kind is list:
        return len(a) == len(b) and all(map(_words_only, a, b))
    if kind is SourceText:
        return a.lang == b.lang
    if not dataclasses.is_dataclass(a):
        return bool(a == b)
    words = _WORDS.get(kind)
    for field in dataclasses.fields(a):
        name = field.name
        if name == "location" or (kind is Leaflet and name == "source"):
            continue
        x, y = getattr(a, name), getattr(b, name)
        if name == words:
            if kind is BlockQuote:
                if len(x) != len(y) or not all(map(_same_or_plain, x, y)):
                    return False
            elif not _same_or_plain(x, y):
                return False
        elif not _words_only(x, y):
            return False
    return True


def _same_or_plain(x: tuple[Any, ...] | None, y: tuple[Any, ...] | None) -> bool:
    """Whether two runs of inline content are the same, or both words only."""
    if x is None or y is None:
        return x is y
    return (_plain(x) and _plain(y)) or _words_only(x, y)


def _plain(inlines: tuple[Any, ...]) -> bool:
    """Words only, bold or not (no link, citation or note)."""
    return all(type(node) is Text or (type(node) is Strong and _plain(node.children)) for node in inlines)
