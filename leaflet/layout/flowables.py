"""The few flowables a leaflet needs, each tied to its structure element.

Leaf flowables (paragraphs, labels) paint content; containers (boxes, list
items, rows) only group their children and paint decoration. Which is which
matters for tagging: only leaves become marked content, and every stroke or
fill a container paints is decoration (an artifact).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus.paragraph import ParagraphStyle

from leaflet.layout import cache
from leaflet.layout.cache import LINES, PARSED
from leaflet.rlseam import (
    break_words_at_address_breaks,
    forget_postponed,
    kept_flowables,
    kept_parts,
    line_break_state,
    own_broken_words,
    set_line_break_state,
    wrapped_for,
)
from leaflet.structure import StructElem, Tagging
from leaflet.style import BoxStyle

_BIG = 1e9

# An address too wide for its line is broken only after / . - ? & = (styles name no_hyphenation).
break_words_at_address_breaks()

#: Where a block keeps what it holds, for `texts_in`.
_HOLDS = ("caption", "children", "items", "left", "right", "header", "rows")


def texts_in(flowable: Any) -> Iterator[str]:
    """The words of each text a flowable shows, looking inside blocks, in reading order."""
    if isinstance(flowable, Paragraph):
        yield str(flowable.getPlainText())
        return
    if isinstance(flowable, KeepTogether):
        for child in kept_flowables(flowable):
            yield from texts_in(child)
        return
    for name in _HOLDS:
        held = getattr(flowable, name, None)
        for part in held if isinstance(held, list) else [held]:
            for child in part if isinstance(part, list) else [part]:
                if isinstance(child, Flowable):
                    yield from texts_in(child)


def named_by_words(self: Flowable, maxLen: int | None = None) -> str:
    """Flowable.identity for a block: ReportLab names a block too large for a page by this. A
    block's own identity has no words; this gives every text in it (whatever `maxLen`), so that
    the error can be told at the text in the content that made it too large."""
    return f"<{type(self).__name__}>" + " | ".join(itertools.islice(texts_in(self), 200))


class LeafParagraph(Paragraph):
    """A paragraph whose painted text belongs to one structure element.

    When ReportLab splits it across a page break, both halves keep the same
    element, so the reader still meets one P with text on two pages.
    """

    def __init__(
        self,
        markup: str | None,
        style: ParagraphStyle,
        elem: StructElem | None = None,
        *,
        anchor: str | None = None,
        outline: tuple[str, int] | None = None,
        key: Hashable | None = None,
        **kw: Any,
    ) -> None:
        #: What determines this paragraph's fragments and line breaks (its markup and style settings),
        #: when known: parsing and line breaking are then done once per process.
        self.leaflet_key = key if markup is not None and not kw else None
        self.shared_lines = False
        #: The key of the lines breakLines last gave (kept in LINES).
        self.lines_key: Hashable | None = None
        if self.leaflet_key is not None:
            hit = PARSED.get(self.leaflet_key)
            if hit is not None:
                style, frags, plain = hit
                super().__init__(None, style, frags=frags)
            else:
                super().__init__(markup, style)
                plain = _plain(self.frags)
                PARSED.put(self.leaflet_key, (self.style, self.frags, plain))
        else:
            # ReportLab's split() calls the class again with its own keywords.
            super().__init__(markup, style, **kw)
            plain = _plain(self.frags)
        # The words as written, before line breaking replaces the fragments.
        self.plain = plain
        self.elem = elem
        self.anchor = anchor
        self.outline = outline
        #: A sentence leading in to a box or list: it may end on the next page, with them.
        self.lead_in = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Paragraph.wrap, answered from the last wrap when asked again at its width while the
        paragraph still has the lines that wrap gave it (frames and stacks ask a paragraph its
        size more than once at one width; a split, or a wrap at another width, gives it others).
        A paragraph's height does not depend on the height offered."""
        last = self.__dict__.get("_leaflet_wrap")
        if last is not None and last[0] == availWidth and last[1] is self.__dict__.get("blPara"):
            return last[2]
        size = super().wrap(availWidth, availHeight)
        lines = self.__dict__.get("blPara")
        self._leaflet_wrap = (availWidth, lines, size) if lines is not None else None
        if cache.KEEPING:
            count = len(lines.lines) if lines is not None else -1
            self.__dict__.setdefault("leaflet_sizes", {})[availWidth] = (size, count)
        return size

    def breakLines(self, width: Any) -> Any:
        """ReportLab's line breaking, done once per fragments, style and width in a process."""
        if self.leaflet_key is None:
            return super().breakLines(width)
        key = (self.leaflet_key, tuple(width) if isinstance(width, list) else width)
        hit = LINES.get(key)
        if hit is None:
            before = self.frags
            lines = super().breakLines(width)
            LINES.put(key, (lines, line_break_state(self, before)))
        else:
            lines, state = hit
            set_line_break_state(self, state)
        # These lines are shared: ReportLab's split() edits the words it cuts, so it gets a copy.
        self.shared_lines = True
        self.lines_key = key
        return lines

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        if cache.KEEPING:
            self.leaflet_split = True
        lines_key = None
        if self.shared_lines and hasattr(self, "blPara"):
            # The lines split here are the ones kept under lines_key (the last breakLines).
            lines_key = self.lines_key if self.blPara.kind == 0 else None
            self.blPara = _own_lines(self.blPara)
            if self.blPara.kind != 0:
                own_broken_words(self)
            self.shared_lines = False
        parts = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            part.elem = self.elem
            part.anchor = self.anchor if i == 0 else None
            part.outline = self.outline if i == 0 else None
        if lines_key is not None and len(parts) == 2:
            # ReportLab makes each part from the first `head` lines and from the rest, and
            # breaks its lines again: the same lines cut at the same place give the same parts,
            # so their lines are kept too (a paragraph over a page break is cut at one place in
            # every build that lays the page out alike).
            head = len(parts[0].blPara.lines)
            parts[0].leaflet_key = ("head", lines_key, head)
            parts[1].leaflet_key = ("rest", lines_key, head)
        return parts

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Flowable.drawOn, by the canvas, which saves only what drawing a paragraph changes."""
        leaf = getattr(canvas, "draw_leaf", None)
        if leaf is None:
            super().drawOn(canvas, x, y, _sW)
        else:
            leaf(self, x, y, _sW)

    def draw(self) -> None:
        canv = self.canv
        if self.anchor:
            canv.anchor_pages.setdefault(self.anchor, canv.getPageNumber())
        if canv.draft:
            return  # a draft pass only counts pages
        if self.anchor:
            canv.bookmarkHorizontal(self.anchor, 0, self.height)
        if self.outline:
            title, level = self.outline
            canv.addOutlineEntry(title, self.anchor, level=level, closed=False)
        tagging: Tagging = canv.tagging
        canv.joined_lines = self.lines_ending_mid_word()
        try:
            with tagging.text(canv, self.elem):
                if not canv.draw_paragraph(self) and not canv.draw_fragments(self):
                    super().draw()
        finally:
            canv.joined_lines = frozenset()

    def lines_ending_mid_word(self) -> frozenset[int]:
        """Lines that end inside a word (a word too long for the column, cut by ReportLab).

        Every other line end is a space between words, which the text object
        writes out so that the words never run together when read aloud.
        """
        bl = getattr(self, "blPara", None)
        if bl is None:
            return frozenset()
        known = getattr(bl, "leaflet_joined", None)
        if known is not None:
            return known  # lines shared by passes and builds: their ends are worked out once
        if bl.kind == 0:
            texts = [" ".join(words) for _, words in bl.lines]
        else:
            texts = ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]
        whole = self.plain
        joined: set[int] = set()
        pos = 0
        for number, text in enumerate(texts[:-1]):
            for ch in text:
                if ch.isspace():
                    continue
                while pos < len(whole) and whole[pos] != ch:
                    pos += 1
                pos += 1
            if pos < len(whole) and not whole[pos].isspace():
                joined.add(number)
        bl.leaflet_joined = frozenset(joined)
        return bl.leaflet_joined


def _own_lines(bl: Any) -> Any:
    """A copy of shared lines for ReportLab's split() to cut (it edits the words it cuts).

    A paragraph of one font (kind 0) has lines of (room left, words): ReportLab's split
    reads them, copies what it keeps, and may change the class of a word it cuts (a word
    of a str subclass), never a plain str; so each line's words are copied into a new list,
    each word of a subclass copied, and the rest shared. Lines of any other shape (a
    paragraph of several fonts, whose fragments split edits) are deep-copied.
    """
    lines = bl.lines
    if bl.kind != 0 or type(lines) is not list:
        return copy.deepcopy(bl)
    own = []
    for line in lines:
        if type(line) is not tuple or len(line) != 2 or type(line[1]) is not list:
            return copy.deepcopy(bl)
        space, words = line
        own.append((space, [w if type(w) is str else copy.copy(w) for w in words]))
    return bl.clone(lines=own)


def _lines_in(flowable: Flowable) -> int:
    """A paragraph's lines, as last broken; anything else (a box, a picture) counts as many."""
    lines = getattr(flowable.__dict__.get("blPara"), "lines", None)
    return len(lines) if lines is not None else _BIG_COUNT


#: How many lines a block that is not a paragraph counts as, under a heading.
_BIG_COUNT = 1 << 20


def _plain(frags: Any) -> str:
    """The words of a paragraph's fragments, as written."""
    return "".join(getattr(f, "text", "") for f in frags or ())


#: Where a child of a Stack keeps the width it was last wrapped at, and its height there.
_WRAPPED = "leaflet_wrapped_at"


def _height(child: Flowable, width: float) -> float:
    """A Stack's child's height at `width`, wrapped once per width.

    A part of a long panel is wrapped again on every page it reaches; wrapping
    each remaining child again every time made a panel of n entries cost n²
    paragraph wraps (1,000 references: minutes). Only Stacks wrap their children,
    always to the full height, so the last wrap is the one the child is drawn with.
    """
    memo = child.__dict__.get(_WRAPPED)
    if memo is not None and memo[0] == width:
        return memo[1]
    _, h = child.wrap(width, _BIG)
    child.__dict__[_WRAPPED] = (width, h)
    return h


def mirrored(canvas: Any, flowable: Any = None) -> bool:
    """Whether a block is drawn as a mirror: on the pages of a right-to-left leaflet (set on the
    canvas), unless the block is `against` them (a list or a table in a language written the
    other way: an Urdu list in an English leaflet is drawn as the mirror of an English one)."""
    return bool(getattr(canvas, "rtl", False)) != bool(getattr(flowable, "against", False))


class Stack(Flowable):
    """Children one above another, inside padding, over optional decoration.

    Splits between children (or inside a splittable child) at a page break;
    each part repaints its own decoration.
    """

    identity = named_by_words

    def __init__(
        self,
        children: Sequence[Flowable],
        *,
        box: BoxStyle | None = None,
        inset: tuple[float, float, float, float] | None = None,
        elem: StructElem | None = None,
        first: bool = True,
        keep_under: float = 0.0,
        split_above: float = _BIG,
        min_rest: int = 1,
        heading_lines: int = 1,
        against: bool = False,
    ) -> None:
        super().__init__()
        self.children = list(children)
        #: Written the other way from the leaflet's pages: drawn as their mirror (`mirrored`).
        self.against = against
        # A heading (kept with what follows) ends a part with at least this many lines under it.
        self.heading_lines = heading_lines
        # Kept whole (moved to the next page rather than split) when no taller than this,
        self.keep_under = keep_under
        # unless moving it would leave more than this much of the page empty.
        self.split_above = split_above
        # A part that goes over to the next page holds at least this many children
        # (a list's last item never alone at the top of a page, nor two stray lines).
        self.min_rest = min_rest
        self.box = box
        if inset is None:
            pad = box.padding if box else 0.0
            bar = box.bar if box else 0.0
            inset = (pad, pad + bar, pad, pad)  # top, left, bottom, right
        self.inset = inset
        self.elem = elem
        self.first = first
        self._placed: list[tuple[Flowable, float, float]] = []
        #: The width the children were placed at, and whether all of them were.
        self._placed_width: float | None = None
        self._complete = False

    # -- geometry

    def _gap(self, prev: Flowable | None, child: Flowable) -> float:
        if prev is None:
            return 0.0
        return max(prev.getSpaceAfter(), child.getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # Children are placed only as far as matters: past the room given (and past the
        # height under which the stack is kept whole) it is too tall, and will be split,
        # so the rest of a long panel is not measured again on every page it reaches.
        limit = max(availHeight, self.keep_under)
        if self._placed_width == availWidth and (self._complete or self.height > limit):
            return self.width, self.height  # the same children at the same width: the same place
        top, left, bottom, right = self.inset
        inner = availWidth - left - right
        self._placed = []
        self._complete = True
        y = top
        prev = None
        for child in self.children:
            if y > limit:
                self._complete = False
                break
            h = _height(child, inner)
            y += self._gap(prev, child)
            self._placed.append((child, y, h))
            y += h
            prev = child
        self._placed_width = availWidth
        self.width = availWidth
        self.height = y + bottom
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        if self.box:
            return self.box.space_before
        return self.children[0].getSpaceBefore() if self.children else 0.0

    def getSpaceAfter(self) -> float:
        if self.box:
            return self.box.space_after
        return self.children[-1].getSpaceAfter() if self.children else 0.0

    def copy_with(self, children: list[Flowable], first: bool) -> Stack:
        twin = self.__class__.__new__(self.__class__)
        twin.__dict__.update(self.__dict__)
        # ReportLab marks a flowable it has moved to the next frame once; a part is a new flowable.
        forget_postponed(twin)
        twin.__dict__.pop(_WRAPPED, None)  # other children, another height
        twin.children = children
        twin.first = first
        twin._placed = []
        twin._placed_width = None
        return twin

    def kept_whole(self, availHeight: float) -> bool:
        """Whether this box moves to the next page whole rather than split at `availHeight`."""
        return self.first and self.height <= self.keep_under and availHeight <= self.split_above

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self.kept_whole(availHeight):
            return []
        top, left, bottom, right = self.inset
        inner = availWidth - left - right
        room = availHeight - top - bottom
        used = 0.0
        taken: list[Flowable] = []
        prev = None
        for i, child in enumerate(self.children):
            gap = self._gap(prev, child)
            h = _height(child, inner)
            if used + gap + h <= room:
                taken.append(child)
                used += gap + h
                prev = child
                continue
            # Splitting re-wraps the child (or forgets its lines): wrap it afresh when next asked.
            child.__dict__.pop(_WRAPPED, None)
            self._placed_width = None
            parts = child.split(inner, room - used - gap) if room - used - gap > 0 else []
            if len(parts) >= 2:
                taken.append(parts[0])
                rest = [*parts[1:], *self.children[i + 1 :]]
            else:
                rest = self.children[i:]
            # A heading (kept with what follows) never ends a part: it goes over, whole, with
            # the rest (and when it is all this part would hold, the whole goes over).
            while taken and taken[-1].getKeepWithNext():
                heading = taken.pop()
                whole = self.children[len(taken)]  # children are taken in order, one each
                rest = [whole, *self.children[len(taken) + 1 :]] if heading is not whole else [heading, *rest]
            if self.min_rest > 1 and len(self.children) - i < self.min_rest:
                # Too little would go over. Send the last lines of the child before with it,
                # or else the last children whole; but not when that would leave more of the
                # page empty than `split_above` allows (a hole is worse than a lone last item).
                before = self.children[i - 1] if i >= 1 and len(parts) < 2 else None
                tail = before.split(inner, before.wrap(inner, _BIG)[1] - 1) if before is not None else []
                if before is not None and len(tail) < 2:
                    # A paragraph that would not split drops its broken lines (ReportLab); it stays, so
                    # it needs them back before it is drawn.
                    before.wrap(inner, _BIG)
                if len(tail) >= 2 and taken and taken[-1] is before:
                    if self._fills(taken[:-1], tail[0], inner, room):
                        taken[-1], rest = tail[0], [*tail[1:], *self.children[i:]]
                    else:
                        before.wrap(inner, _BIG)  # it stays whole: its own lines back
                else:
                    keep = max(0, len(self.children) - self.min_rest)
                    kept, over = self.children[:keep], self.children[keep:]
                    while kept and kept[-1].getKeepWithNext():
                        over.insert(0, kept.pop())
                    if not kept or self._fills(kept[:-1], kept[-1], inner, room):
                        taken, rest = kept, over
            if self.heading_lines > 1:
                taken, rest = self._heading_kept_with_lines(taken, rest, inner)
            if not taken:
                return []
            return [self.copy_with(taken, self.first), self.copy_with(rest, False)]
        return [self]

    def _heading_kept_with_lines(
        self, taken: list[Flowable], rest: list[Flowable], inner: float
    ) -> tuple[list[Flowable], list[Flowable]]:
        """The part and what goes over, the last heading of the part going over too when fewer
        than `heading_lines` lines of what it heads would stay under it (and its block goes on)."""
        if not rest or rest[0].getKeepWithNext():
            return taken, rest
        for k in range(len(taken) - 1, -1, -1):
            if taken[k].getKeepWithNext():
                under = sum(_lines_in(child) for child in taken[k + 1 :])
                if under >= self.heading_lines:
                    return taken, rest
                moved = self.children[k:]
                for child in moved:  # a child cut for this part goes over whole: its own lines back
                    child.__dict__.pop(_WRAPPED, None)
                    child.wrap(inner, _BIG)
                return taken[:k], list(moved)
        return taken, rest

    def _fills(self, above: list[Flowable], last: Flowable, inner: float, room: float) -> bool:
        """Whether a part of `above` and then `last` leaves no more of `room` empty than `split_above`."""
        if self.split_above >= _BIG:
            return True
        used = 0.0
        prev = None
        for child in [*above, last]:
            used += self._gap(prev, child) + _height(child, inner)
            prev = child
        return room - used <= self.split_above

    # -- painting

    def draw(self) -> None:
        if not self.canv.draft:
            self.decorate()
        # A right-to-left page is a mirror: what is inset on the left is inset on the right.
        x = self.inset[3] if mirrored(self.canv, self) else self.inset[1]
        for child, y, h in self._placed:
            child.drawOn(self.canv, x, self.height - y - h)

    def decorate(self) -> None:
        box = self.box
        if box is None:
            return
        canv = self.canv
        with canv.tagging.artifact(canv):
            canv.saveState()
            if box.fill is not None:
                canv.setFillColorRGB(*box.fill.rgb)
                canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            if box.border and box.border_colour is not None:
                canv.setLineWidth(box.border)
                canv.setStrokeColorRGB(*box.border_colour.rgb)
                half = box.border / 2
                canv.rect(half, half, self.width - box.border, self.height - box.border, stroke=1, fill=0)
            if box.bar and box.bar_colour is not None:
                canv.setFillColorRGB(*box.bar_colour.rgb)
                x = self.width - box.bar if mirrored(canv, self) else 0
                canv.rect(x, 0, box.bar, self.height, stroke=0, fill=1)
            canv.restoreState()


class TitleBand(Stack):
    """The title area, on the text's left edge.

    With a `fill`, a band behind it runs to the top and side edges of the page
    (past the trim into the bleed, in a press edition). Without one, the title
    area sits on white inside the margins, which an office printer can print,
    closed by a rule of the box's `border` width and colour.
    """

    def __init__(self, children: Sequence[Flowable], *, box: BoxStyle) -> None:
        pad = box.padding
        # A band pads its text all round; on white, the text starts at the top and the rule closes it.
        inset = (pad, 0.0, pad, 0.0) if box.fill is not None else (0.0, 0.0, pad + box.border, 0.0)
        super().__init__(children, box=box, inset=inset)

    def decorate(self) -> None:
        box = self.box
        if box is None:
            return
        canv = self.canv
        with canv.tagging.artifact(canv):
            canv.saveState()
            if box.fill is not None:
                x0, y0 = canv.absolutePosition(0, 0)
                left, _, right, top = canv.trim_box
                bleed = canv.bleed  # a press edition runs the band past the trim, into the bleed
                canv.setFillColorRGB(*box.fill.rgb)
                canv.rect(left - bleed - x0, 0, right - left + 2 * bleed, top + bleed - y0, stroke=0, fill=1)
            elif box.border and box.border_colour is not None:
                canv.setFillColorRGB(*box.border_colour.rgb)
                canv.rect(0, 0, self.width, box.border, stroke=0, fill=1)
            canv.restoreState()


class LabelledItem(Stack):
    """A list item: its label (bullet or number) in the margin, its body beside it."""

    def __init__(
        self,
        label: Flowable,
        body: Sequence[Flowable],
        *,
        indent: float,
        elem: StructElem | None,
        keep_under: float = 0.0,
        split_above: float = _BIG,
        start: float = 0.0,
        against: bool = False,
    ) -> None:
        super().__init__(
            body,
            inset=(0.0, indent + start, 0.0, 0.0),
            elem=elem,
            keep_under=keep_under,
            split_above=split_above,
            against=against,
        )
        self.label = label
        self.indent = indent
        #: Room before the label, on the side its lines start: an item of a list inside an item
        #: written the other way (an English sub-item of an Urdu item) is set one step in there.
        self.start = start

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.label.wrap(self.indent, _BIG)
        return super().wrap(availWidth, availHeight)

    def draw(self) -> None:
        if self.first:
            self.label.wrap(self.indent, _BIG)
            start = self.start
            x = self.width - self.indent - start if mirrored(self.canv, self) else start
            self.label.drawOn(self.canv, x, self.height - self.label.height)
        super().draw()


class Row(Flowable):
    """Two leaves side by side: text on the left, a short item right-aligned (a page number)."""

    identity = named_by_words

    def __init__(self, left: Flowable, right: Flowable, right_width: float, gap: float = 8.0) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.right_width = right_width
        self.gap = gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, hl = self.left.wrap(availWidth - self.right_width - self.gap, _BIG)
        _, hr = self.right.wrap(self.right_width, _BIG)
        self.width, self.height = availWidth, max(hl, hr)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.left.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.left.getSpaceAfter()

    def draw(self) -> None:
        if mirrored(self.canv):
            # Right to left: the text on the right, the short item (a page number) on the left.
            self.left.drawOn(self.canv, self.right_width + self.gap, self.height - self.left.height)
            self.right.drawOn(self.canv, 0, self.height - self.right.height)
            return
        self.left.drawOn(self.canv, 0, self.height - self.left.height)
        self.right.drawOn(self.canv, self.width - self.right_width, self.height - self.right.height)


class LeaderRow(Row):
    """A contents line: the entry, dot leaders, and its page number at the right."""

    def __init__(
        self, left: Flowable, right: Flowable, right_width: float, *, dot_colour: object, size: float
    ) -> None:
        super().__init__(left, right, right_width, gap=size * 0.4)
        self.dot_colour = dot_colour
        self.size = size

    def draw(self) -> None:
        # The number on the entry's last line, where the leaders end.
        mirror = mirrored(self.canv)
        if mirror:
            self.left.drawOn(self.canv, self.right_width + self.gap, self.height - self.left.height)
            self.right.drawOn(self.canv, 0, 0)
        else:
            self.left.drawOn(self.canv, 0, self.height - self.left.height)
            self.right.drawOn(self.canv, self.width - self.right_width, 0)
        if self.canv.draft:
            return
        widths = self.left.getActualLineWidths0() or [0.0]
        style = self.left.style
        # On the baseline of the entry's last line (ReportLab sets the first a font size
        # below the top), from its end to the number's start.
        y = self.height - style.fontSize - (len(widths) - 1) * style.leading + self.size * 0.05
        start = widths[-1] + self.size * 0.5
        number_width = self.right.getActualLineWidths0()[0] if self.right.getActualLineWidths0() else 0.0
        end = self.width - number_width - self.size * 0.5
        if mirror:
            # From the number's end (at the right of its column) to the entry's start, at the right.
            start, end = self.right_width + self.size * 0.5, self.width - widths[-1] - self.size * 0.5
        step = self.size * 0.45
        radius = self.size * 0.055
        canv = self.canv
        with canv.tagging.artifact(canv):
            canv.saveState()
            canv.setFillColorRGB(*self.dot_colour.rgb)  # type: ignore[attr-defined]
            # Dots on a grid shared by every line, so the leaders of the contents line up.
            x = (int(start / step) + 1) * step
            xs = []
            while x <= end:
                xs.append(x)
                x += step
            canv.dots(xs, y, radius)
            canv.restoreState()


class Columns(Flowable):
    """Short items (contents lines) in columns read down, then across; kept whole on its page."""

    identity = named_by_words

    def __init__(self, items: Sequence[Flowable], columns: int, gap: float) -> None:
        super().__init__()
        self.items = list(items)
        self.columns = columns
        self.gap = gap
        self._placed: list[tuple[Flowable, float, float]] = []

    def _gap(self, prev: Flowable | None, item: Flowable) -> float:
        return 0.0 if prev is None else max(prev.getSpaceAfter(), item.getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width = (availWidth - self.gap * (self.columns - 1)) / self.columns
        heights = [item.wrap(width, _BIG)[1] for item in self.items]
        total = sum(heights) + sum(
            self._gap(a, b) for a, b in zip([None, *self.items], self.items, strict=False)
        )
        # Fill each column to its share of the whole, in reading order.
        target = total / self.columns
        self._placed = []
        column, y, prev, tallest = 0, 0.0, None, 0.0
        for item, h in zip(self.items, heights, strict=True):
            gap = self._gap(prev, item)
            if prev is not None and column < self.columns - 1 and y + gap + h / 2 > target:
                column, y, prev, gap = column + 1, 0.0, None, 0.0
            y += gap
            self._placed.append((item, column * (width + self.gap), y + h))
            y += h
            tallest = max(tallest, y)
            prev = item
        self.width, self.height = availWidth, tallest
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.items[0].getSpaceBefore() if self.items else 0.0

    def getSpaceAfter(self) -> float:
        return self.items[-1].getSpaceAfter() if self.items else 0.0

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """As many items as fit here, in their own columns, and the rest in columns on the next page.

        Each part fills a row across and is at least two lines deep (an entry of two lines
        counts as two): a contents split into scraps reads worse than a hole, but the start
        of a contents under its heading at the foot of a page reads better than the heading
        alone there, or than a third of a page left empty.
        """
        if len(self.items) < 2 * self.columns:
            return []
        width = (availWidth - self.gap * (self.columns - 1)) / self.columns
        line = min(item.wrap(width, _BIG)[1] for item in self.items)
        deep = 2 * line - 0.5
        for count in range(len(self.items) - self.columns, self.columns - 1, -1):
            head = Columns(self.items[:count], self.columns, self.gap)
            tall = head.wrap(availWidth, availHeight)[1]
            if tall > availHeight:
                continue
            rest = Columns(self.items[count:], self.columns, self.gap)
            if tall < deep:
                return []  # fewer items would be shallower still
            if rest.wrap(availWidth, _BIG)[1] >= deep:
                return [head, rest]
        return []

    def draw(self) -> None:
        width = (self.width - self.gap * (self.columns - 1)) / self.columns
        for item, x, bottom in self._placed:
            # Right to left, the first column is the right-hand one.
            item.drawOn(self.canv, self.width - x - width if mirrored(self.canv) else x, self.height - bottom)


class QrCode(Flowable):
    """A QR code drawn module by module with ReportLab's encoder, tagged as a Figure.

    ReportLab's QR widget is drawn through its graphics renderer, which sets
    Helvetica as it starts; drawing the modules here keeps the PDF free of
    unembedded fonts.
    """

    QUIET_ZONE = 4  # modules of white around the code, as the standard asks

    def __init__(self, value: str, size: float, elem: StructElem | None) -> None:
        super().__init__()
        from reportlab.graphics.barcode import qrencoder

        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(value)
        code.make()
        count = code.getModuleCount()
        self.dark = [[code.isDark(r, c) for c in range(count)] for r in range(count)]
        self.size = size
        self.elem = elem

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self.height = self.size
        return self.size, self.size

    def draw(self) -> None:
        canv = self.canv
        if canv.draft:
            return
        count = len(self.dark)
        module = self.size / (count + 2 * self.QUIET_ZONE)
        with canv.tagging.figure(canv, self.elem, (0, 0, self.size, self.size)):
            canv.saveState()
            canv.setFillColorRGB(0, 0, 0)
            for r, row in enumerate(self.dark):
                y = self.size - (self.QUIET_ZONE + r + 1) * module
                c = 0
                while c < count:
                    if not row[c]:
                        c += 1
                        continue
                    start = c
                    while c < count and row[c]:
                        c += 1
                    # One rectangle per run of dark modules keeps the page small.
                    canv.rect(
                        (self.QUIET_ZONE + start) * module, y, (c - start) * module, module, stroke=0, fill=1
                    )
            canv.restoreState()


class RuledLines(Flowable):
    """Ruled lines to the foot of the page, for the reader's own notes (decoration)."""

    def __init__(self, spacing: float, theme: Any) -> None:
        super().__init__()
        self.spacing = spacing
        self.colour = theme.boxes["panel"].border_colour

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = max(self.spacing, availHeight - 1)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return [self] if availHeight >= self.spacing else []

    def draw(self) -> None:
        canv = self.canv
        if canv.draft:
            return
        with canv.tagging.artifact(canv):
            canv.saveState()
            if self.colour is not None:
                canv.setStrokeColorRGB(*self.colour.rgb)
            canv.setLineWidth(0.6)
            y = self.height - self.spacing
            while y >= 0:
                canv.line(0, y, self.width, y)
                y -= self.spacing
            canv.restoreState()


class KeepWithFirstLines(KeepTogether):
    """What keepWithNext groups (a heading, a lead-in, then a block): kept with the block's start.

    ReportLab's KeepTogether moves the whole group to the next page when it does
    not fit, which leaves most of a page empty before a long paragraph. Here the
    group stays where it is when the heading and the first lines of what follows
    fit; only a block kept whole (a callout) must fit whole.
    """

    FIRST_LINES = 3

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if wrapped_for(self) != (aW, aH):
            self.wrap(aW, aH)
        content, height = kept_parts(self)
        if aH < height and content:
            heights = [f.wrapOn(self.canv, aW, aH)[1] for f in content]
            gaps = [0.0] + [
                max(a.getSpaceAfter(), b.getSpaceBefore()) for a, b in itertools.pairwise(content)
            ]
            before = sum(heights[:-1]) + sum(gaps)
            if before + self._first_part(content[-1], heights[-1], aH - before) <= aH:
                return content[:]
            # Two lines rather than three, when moving would leave a hole in the page.
            hole = aH + content[0].getSpaceBefore()  # what moving would leave empty
            if hole > getattr(self.canv, "hole_limit", _BIG):
                last = content[-1]
                if hasattr(last, "cutting") and before + last.first_part(cut=True) <= aH:
                    # A table whose first row would go over: its first lines stay here.
                    return [*content[:-1], last.cutting()]
                if before + self._first_part(content[-1], heights[-1], aH - before, lines=2) <= aH:
                    return content[:]
                last = content[-1]
                if (
                    isinstance(last, Stack)
                    and before + self._first_part(last, heights[-1], _BIG, lines=2) <= aH
                ):
                    # A box kept whole would move and take its lead-in with it: split it instead.
                    forced = last.copy_with(last.children, last.first)
                    forced.split_above = 0.0
                    return [*content[:-1], forced]
            if len(content) >= 2:
                # A long lead-in may end on the next page, with the start of what it leads to.
                lead = content[-2]
                above = sum(heights[:-2]) + sum(gaps[:-1])
                if getattr(lead, "lead_in", False) and aH - above > 0:
                    parts = lead.split(aW, aH - above)
                    if len(parts) == 2:
                        return [*content[:-2], parts[0], KeepWithFirstLines([parts[1], content[-1]])]
        return super().split(aW, aH)

    def _first_part(
        self, flowable: Flowable, height: float, room: float = _BIG, lines: int = FIRST_LINES
    ) -> float:
        own = getattr(flowable, "first_part", None)
        if own is not None:
            return own()  # a table: its caption, header and first row
        if isinstance(flowable, Stack):
            if flowable.height <= flowable.keep_under and (
                room <= flowable.split_above or not flowable.children
            ):
                return height  # kept whole: all of it must fit
            if not flowable.children:
                return height
            first = flowable.children[0]
            first_h = first.wrapOn(self.canv, flowable.width - flowable.inset[1] - flowable.inset[3], _BIG)[1]
            return flowable.inset[0] + self._first_part(first, first_h, lines=lines)
        leading = getattr(getattr(flowable, "style", None), "leading", None)
        if isinstance(flowable, Paragraph) and leading:
            # No widows: a paragraph of three lines is never cut two and one (ReportLab sends it
            # over whole, which would leave its heading alone here); a longer one gives its
            # widow company from the lines above.
            count = round(height / leading)
            return height if count <= lines or count == lines + 1 <= 3 else lines * leading
        return height


class Parallel(Flowable):
    """Two columns side by side, each starting level at the top: a Welsh block and its English partner.

    Each side is a Stack; at a page break both are split at the same height, so the
    next page starts both columns level again. A pair kept whole on either side is
    moved whole to the next page.
    """

    identity = named_by_words

    def __init__(
        self,
        left: Sequence[Flowable],
        right: Sequence[Flowable],
        gap: float,
        *,
        keep_with_next: bool = False,
        words: tuple[Any, Any] | None = None,
    ) -> None:
        super().__init__()
        #: Each column's furniture (the Welsh, the English), for the descriptions of its links.
        self.words = words
        self.left = left if isinstance(left, Stack) else Stack(left, inset=(0, 0, 0, 0))
        self.right = right if isinstance(right, Stack) else Stack(right, inset=(0, 0, 0, 0))
        self.gap = gap
        #: A row of headings goes to the next page with the row under it.
        self.keepWithNext = keep_with_next

    def column(self, availWidth: float) -> float:
        return (availWidth - self.gap) / 2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width = self.column(availWidth)
        _, hl = self.left.wrap(width, availHeight)
        _, hr = self.right.wrap(width, availHeight)
        self.width, self.height = availWidth, max(hl, hr)
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return max(self.left.getSpaceBefore(), self.right.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return max(self.left.getSpaceAfter(), self.right.getSpaceAfter())

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        width = self.column(availWidth)
        sides = []
        for side in (self.left, self.right):
            if side.wrap(width, availHeight)[1] <= availHeight:
                sides.append((side, side.copy_with([], False)))
                continue
            parts = side.split(width, availHeight)
            if len(parts) < 2:
                return []  # this side cannot go on this page: the pair goes over whole
            sides.append((parts[0], parts[1]))
        (left_now, left_rest), (right_now, right_rest) = sides
        return [
            Parallel(left_now, right_now, self.gap, words=self.words),
            Parallel(left_rest, right_rest, self.gap, words=self.words),
        ]

    def draw(self) -> None:
        width = self.column(self.width)
        canv = self.canv
        before = getattr(canv, "words", None)
        for side, x, words in ((self.left, 0.0, 0), (self.right, width + self.gap, 1)):
            if self.words is not None:
                canv.words = self.words[words]
            side.drawOn(canv, x, self.height - side.height)
        if self.words is not None:
            canv.words = before


class HalfStart(Flowable):
    """Where the second language of a leaflet printed back to back begins (on a new page).

    It paints nothing; drawn, it tells the canvas that the pages from this one on are
    the second half's (its footer, its page numbers), and turned upside down when the
    design is tilt and turn.
    """

    def __init__(self, language: str, turned: bool, words: Any = None) -> None:
        super().__init__()
        self.language = language
        self.turned = turned
        #: The second half's furniture, for the descriptions of its links.
        self.words = words

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        canv = self.canv
        canv.second_half = (canv.getPageNumber(), self.language, self.turned)
        if self.words is not None:
            canv.words = self.words
