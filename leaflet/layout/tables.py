"""Tables: a grid of cells when the columns fit the page, else each row stacked as label: value lines.

Column widths follow the content: each column gets at least its longest word
(an address counts by its longest piece between the characters it may break after) and never
less than a few characters; the room left is shared in proportion to how much
more each column would like (its longest cell on one line). When even the
narrowest columns cannot fit side by side (many columns in A5 or large print),
the table is *stacked*: each row becomes a block with its name in bold and one
line per other column, "Column: value", so nothing is squeezed to a word a line.

Tagging: Table > Caption, THead > TR > TH (/Scope /Column), TBody > TR > TH
(/Scope /Row, for a header column) and TD; an empty cell is an empty TD. A grid
splits between rows and draws its header row again at the top of each further
page, as an artifact (/Pagination): the reader has already heard it once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from leaflet.addressbreaks import ADDRESS_BREAKS
from leaflet.content.model import Cell, Table, plain_text
from leaflet.frozen import frozen
from leaflet.layout.flowables import LeafParagraph, Stack, mirrored, named_by_words
from leaflet.layout.markup import inline_markup, text_markup
from leaflet.rlseam import forget_postponed
from leaflet.structure import StructElem
from leaflet.style import Colour

if TYPE_CHECKING:
    from leaflet.layout.story import StoryBuilder

_BIG = 1e9

#: A column is never narrower than this many times the body text size (about six characters).
MIN_COLUMN_EMS = 3.5


@frozen
class TableLook:
    """The table's decoration, taken from the style sheet's colours and the body text size."""

    pad_x: float
    pad_y: float
    rule: Colour | None  # between rows
    head_rule: Colour | None  # under the header row
    head_fill: Colour | None


def column_widths(
    mins: Sequence[float], wants: Sequence[float], avail: float, weights: Sequence[float] | None = None
) -> list[float] | None:
    """Widths for columns that need `mins` and would like `wants`, filling `avail`; None if they cannot fit.

    Every column gets its minimum. The room left is shared out like water, by
    `weights` (how many words each column holds): a column that wants less than its
    share gets all it wants (a column of short doses stays on one line) and gives the
    rest back; the columns still wanting more share what is left by their weights.
    When every column has all it wants, the spare width is shared in proportion to
    the wants, so the table spans the text.
    """
    if sum(mins) > avail + 1e-6:
        return None
    wants = [max(w, m) for w, m in zip(wants, mins, strict=True)]
    if sum(wants) <= avail:
        total = sum(wants)
        return [w + (avail - total) * w / total for w in wants]
    weights = [max(w, 1e-6) for w in (weights or [w - m for w, m in zip(wants, mins, strict=True)])]
    widths = list(mins)
    spare = avail - sum(mins)
    hungry = list(range(len(widths)))
    while hungry:
        total = sum(weights[c] for c in hungry)
        # Satisfied first: columns wanting no more than an equal share, or than their weighted share.
        content = [
            c for c in hungry if wants[c] - widths[c] <= max(spare / len(hungry), spare * weights[c] / total)
        ]
        if not content:
            for c in hungry:
                widths[c] += spare * weights[c] / total
            break
        for c in content:
            spare -= wants[c] - widths[c]
            widths[c] = wants[c]
            hungry.remove(c)
    return widths


def longest_piece(text: str, font: str, size: float) -> float:
    """The width of the longest piece a line may not break: a column never cuts a word inside itself.

    An address (or any word with / . - ? & = in it) breaks after those characters
    when it is wider than its column (leaflet.rlseam.break_words_at_address_breaks),
    so it counts by its longest piece between them; other words count whole.
    """
    return max(
        (stringWidth(piece, font, size) for word in text.split() for piece in _BREAKS.split(word)),
        default=0.0,
    )


#: After a break character, unless another follows (the rule of rlseam.address_break_pairs).
_BREAK_CLASS = "[" + re.escape("".join(sorted(ADDRESS_BREAKS))) + "]"
_BREAKS = re.compile(f"(?<={_BREAK_CLASS})(?!{_BREAK_CLASS})")


# ---------------------------------------------------------------- building


def build_table(sb: StoryBuilder, table: Table, parent: StructElem, lang: str | None) -> Flowable:
    """The table's flowable and its structure elements, as a grid if its columns fit, else stacked."""
    body = sb.theme.style("body")
    size = body.size
    # A script whose sheet sets its lines further apart (Urdu's Nastaliq: `fonts: leading:`) climbs
    # above and below its lines: its rows get that much more room over and under their words, so
    # that no word crosses a rule.
    own = (lang or sb.leaflet.metadata.language).split("-")[0].lower()
    factor = sb.theme.language_leading.get(own, 1.0)
    leading = sb.passage_leading(lang).get("leading", body.leading)
    climb = leading * (1 - 1 / factor) if factor > 1 else 0.0
    look = TableLook(
        pad_x=size * 0.45,
        pad_y=size * 0.3 + climb,
        rule=sb.theme.colours.get("panel_edge"),
        head_rule=sb.theme.colours.get("strong"),
        head_fill=sb.theme.colours.get("panel"),
    )
    regular = sb.fonts.font_name(body.font if body.font else sb.fonts.text.name, False)
    bold = sb.fonts.font_name(body.font if body.font else sb.fonts.text.name, True)
    cols = len(table.header)
    mins, wants, weights = [], [], []
    floor = MIN_COLUMN_EMS * size
    for c in range(cols):
        cells = [(table.header[c], bold)] + [
            (row[c], bold if table.header_column and c == 0 else regular)
            for row in table.rows
            if c < len(row)
        ]
        texts = [(printed(cell), font) for cell, font in cells]
        mins.append(max(floor, *(longest_piece(t, f, size) * 1.02 for t, f in texts)) + 2 * look.pad_x)
        lengths = [stringWidth(t, f, size) for t, f in texts]
        wants.append(max(lengths) + 2 * look.pad_x + 1)
        weights.append(sum(lengths))
    widths = column_widths(mins, wants, sb.frame_width(), weights)
    elem = parent.add("Table", lang=lang)
    caption = None
    if table.caption:
        caption = sb.passage_leaf(
            table.caption,
            sb.passage_style("body", lang, "caption", fontName=bold, spaceAfter=size * 0.35, keepWithNext=1),
            elem.add("Caption"),
            lang,
        )
    # A table in a language written the other way from the leaflet's is drawn as its mirror: its
    # columns run from the other side, and its words start there.
    if widths is None:
        return stacked_table(sb, table, elem, caption, look, lang)
    return grid_table(sb, table, elem, caption, widths, look, lang)


def printed(cell: Cell) -> str:
    """A cell's words as printed, with the addresses that links print beside their text."""
    from leaflet.content.model import Link

    out = plain_text(cell.inlines)
    for node in cell.inlines:
        if isinstance(node, Link):
            out += f" ({node.url})"
    return out


def grid_table(
    sb: StoryBuilder,
    table: Table,
    elem: StructElem,
    caption: LeafParagraph | None,
    widths: list[float],
    look: TableLook,
    lang: str | None = None,
) -> Flowable:
    size = sb.theme.style("body").size
    # A table in a passage: its words in the family and the room between lines of its language.
    ctx = sb.passage_ctx(lang)
    # A row cut across a page break (tables.TableGrid.split) keeps two lines of each cell on the
    # first page; the rest of a cell, even one line, goes on under the repeated header.
    cell_style = sb.passage_style("body", lang, "cell", spaceBefore=0, spaceAfter=0, allowWidows=1)
    head_style = sb.passage_style(
        "body", lang, "cell-head", spaceBefore=0, spaceAfter=0, fontName=_bold(sb), allowWidows=1
    )
    head_tr = elem.add("THead").add("TR")
    header: list[LeafParagraph | None] = []
    repeat: list[LeafParagraph | None] = []
    for cell in table.header:
        th = head_tr.add("TH", scope="Column")
        if cell.empty:
            header.append(None)
            repeat.append(None)
            continue
        header.append(sb.leaf(inline_markup(cell.inlines, ctx), head_style, th))
        # The header drawn again on a further page is decoration: plain words, no element, no links.
        repeat.append(sb.leaf(text_markup(plain_text(cell.inlines), ctx), head_style, None))
    tbody = elem.add("TBody")
    rows: list[list[LeafParagraph | None]] = []
    for row in table.rows:
        tr = tbody.add("TR")
        cells: list[LeafParagraph | None] = []
        for c, cell in enumerate(row):
            row_head = table.header_column and c == 0
            tc = tr.add("TH", scope="Row") if row_head else tr.add("TD")
            if cell.empty:
                cells.append(None)
            else:
                style = head_style if row_head else cell_style
                leaf = sb.leaf(inline_markup(cell.inlines, ctx), style, tc)
                if row_head:
                    # The row's name, drawn again (decoration, plain words) over the rest of the row
                    # when the row is cut across a page: the rest is not left without it.
                    again = sb.leaf(text_markup(plain_text(cell.inlines), ctx), style, None)
                    again.again = again  # type: ignore[attr-defined]  # (and again, a page further)
                    leaf.again = again  # type: ignore[attr-defined]
                cells.append(leaf)
        rows.append(cells)
    body = sb.theme.style("body")
    return TableGrid(
        caption,
        header,
        repeat,
        rows,
        widths,
        look,
        space_before=size * 0.4,
        space_after=body.space_after * 1.5,
        page_height=sb.frame_height(),
        hole_limit=sb.hole_limit(),
        against=sb.against(lang),
    )


def _bold(sb: StoryBuilder) -> str:
    body = sb.theme.style("body")
    return sb.fonts.font_name(body.font if body.font else sb.fonts.text.name, True)


def stacked_table(
    sb: StoryBuilder,
    table: Table,
    elem: StructElem,
    caption: LeafParagraph | None,
    look: TableLook,
    lang: str | None = None,
) -> Flowable:
    """Each row as a block: its name in bold, then "Column: value" for each other cell."""
    size = sb.theme.style("body").size
    ctx = sb.passage_ctx(lang)
    line_style = sb.passage_style("body", lang, "stacked", spaceBefore=0, spaceAfter=size * 0.2)
    name_style = sb.passage_style(
        "body", lang, "stacked-name", spaceBefore=0, spaceAfter=size * 0.2, fontName=_bold(sb)
    )
    tbody = elem.add("TBody")
    blocks: list[Flowable] = [caption] if caption else []
    for row in table.rows:
        tr = tbody.add("TR")
        lines: list[Flowable] = []
        for c, cell in enumerate(row):
            if table.header_column and c == 0:
                lines.append(sb.leaf(inline_markup(cell.inlines, ctx), name_style, tr.add("TH", scope="Row")))
                continue
            td = tr.add("TD")
            if cell.empty:
                continue
            label = plain_text(table.header[c].inlines).strip()
            markup = inline_markup(cell.inlines, ctx)
            if label:
                markup = f"<b>{text_markup(label.rstrip(':'), ctx)}:</b> {markup}"
            lines.append(sb.leaf(markup, line_style, td))
        # A row stays whole on its page when it can, unless moving it would leave a hole.
        blocks.append(
            RuledStack(
                lines,
                inset=(look.pad_y * 1.5, 0, look.pad_y, 0),
                keep_under=sb.frame_height() / 3,
                split_above=sb.hole_limit(),
                rule=look.rule,
            )
        )
    body = sb.theme.style("body")
    return Stack(blocks, inset=(size * 0.4, 0, body.space_after, 0), elem=None, against=sb.against(lang))


# ---------------------------------------------------------------- flowables


class RuledStack(Stack):
    """A stacked row: its lines under a thin rule (decoration)."""

    def __init__(self, children: list[Flowable], *, rule: Colour | None, **kw: Any) -> None:
        super().__init__(children, **kw)
        self.rule = rule

    def decorate(self) -> None:
        if self.rule is None or not self.first:
            return
        canv = self.canv
        with canv.tagging.artifact(canv):
            canv.saveState()
            canv.setStrokeColorRGB(*self.rule.rgb)
            canv.setLineWidth(0.75)
            canv.line(0, self.height, self.width, self.height)
            canv.restoreState()


class TableGrid(Flowable):
    """A table as a grid of cells, split between rows, its header row repeated on each further page."""

    identity = named_by_words

    def __init__(
        self,
        caption: Flowable | None,
        header: list[LeafParagraph | None],
        repeat: list[LeafParagraph | None],
        rows: list[list[LeafParagraph | None]],
        widths: list[float],
        look: TableLook,
        *,
        space_before: float,
        space_after: float,
        page_height: float,
        hole_limit: float = _BIG,
        first: bool = True,
        against: bool = False,
    ) -> None:
        super().__init__()
        #: Written the other way from the leaflet's pages: its columns run from the other side.
        self.against = against
        #: The most of a page that sending a row over may leave empty; more, and the row is cut.
        self.hole_limit = hole_limit
        #: Cut the row at the first page break whatever the hole (the table's start is kept with
        #: a heading or lead-in above it, which must not be left alone).
        self.cut_first = False
        #: The height of the text area: a row taller than this is cut across pages.
        self.page_height = page_height
        self.caption = caption
        self.header = header
        self.repeat = repeat
        self.rows = rows
        self.widths = widths
        self.look = look
        self.space_before = space_before
        self.space_after = space_after
        self.first = first
        self._heights: list[float] = []

    # -- geometry

    def getSpaceBefore(self) -> float:
        return self.space_before if self.first else 0.0

    def getSpaceAfter(self) -> float:
        return self.space_after

    @property
    def head(self) -> list[LeafParagraph | None]:
        """The header row this part draws: the tagged one first, the artifact copy after a page break."""
        return self.header if self.first else self.repeat

    def _row_height(self, cells: Sequence[Flowable | None]) -> float:
        tallest = 0.0
        for cell, width in zip(cells, self.widths, strict=True):
            if cell is not None:
                tallest = max(tallest, cell.wrap(width - 2 * self.look.pad_x, _BIG)[1])
        return tallest + 2 * self.look.pad_y

    def _caption_height(self) -> float:
        if self.caption is None or not self.first:
            return 0.0
        return self.caption.wrap(sum(self.widths), _BIG)[1] + self.caption.getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._head_h = self._row_height(self.head)
        self._heights = [self._row_height(r) for r in self.rows]
        self.width = sum(self.widths)
        self.height = self._caption_height() + self._head_h + sum(self._heights)
        return self.width, self.height

    def first_part(self, cut: bool = False) -> float:
        """The least of the table that may start a page: caption, header and first row; or,
        `cut`, only the first lines of that row (cut across the page break)."""
        if not self._heights:
            self.wrap(sum(self.widths), _BIG)
        if not self._heights:
            return self._caption_height() + self._head_h
        row = self._heights[0]
        if cut:
            row = min(row, self._least_of_row(self.rows[0]))
        return self._caption_height() + self._head_h + row

    def cutting(self) -> TableGrid:
        """This table, cutting the row that would go over at its first page break (whatever
        the hole); its later page breaks are as usual."""
        twin = self.copy_with(self.rows, self.first)
        twin.cut_first = True
        return twin

    def _least_of_row(self, cells: Sequence[LeafParagraph | None]) -> float:
        """The least height of a row's first part when it is cut: two lines of each cell (one line
        alone never starts a row; the rest of a cell may be a single line under the header)."""
        need = 0.0
        for cell, width in zip(cells, self.widths, strict=True):
            if cell is None:
                continue
            h = cell.wrap(width - 2 * self.look.pad_x, _BIG)[1]
            leading = cell.style.leading
            need = max(need, min(h, 2 * leading))
        return need + 2 * self.look.pad_y

    def copy_with(self, rows: list[list[LeafParagraph | None]], first: bool) -> TableGrid:
        twin = self.__class__.__new__(self.__class__)
        twin.__dict__.update(self.__dict__)
        forget_postponed(twin)
        twin.rows = rows
        twin.first = first
        twin.cut_first = False
        twin._heights = []
        return twin

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Between rows, with the header repeated on the next page. A row that would go over and
        leave more than the hole limit of this page empty (or that is taller than a page) is
        cut across the break instead: each cell's words go on where they stop."""
        self.wrap(availWidth, availHeight)
        used = self._caption_height() + self._head_h
        taken = 0
        for h in self._heights:
            if used + h > availHeight:
                break
            used += h
            taken += 1
        if taken == len(self.rows):
            return [self]
        # What going over would leave empty: the whole room, or what is left under the rows taken.
        hole = availHeight if taken == 0 else availHeight - used
        too_tall = self._head_h + self._heights[taken] > self.page_height - self._caption_height()
        if hole > (0.0 if self.cut_first else self.hole_limit) or too_tall:
            cut = self._cut_row(self.rows[taken], availHeight - used)
            if cut is not None:
                top, rest = cut
                again = getattr(top[0], "again", None) if top and rest[0] is None else None
                if again is not None:
                    rest = [again, *rest[1:]]  # the row's name, over the rest of the row
                return [
                    self.copy_with([*self.rows[:taken], top], self.first),
                    self.copy_with([rest, *self.rows[taken + 1 :]], False),
                ]
        if taken == 0:
            return []
        return [self.copy_with(self.rows[:taken], self.first), self.copy_with(self.rows[taken:], False)]

    def _cut_row(
        self, cells: Sequence[LeafParagraph | None], room: float
    ) -> tuple[list[LeafParagraph | None], list[LeafParagraph | None]] | None:
        """A row cut to `room`: its first lines here and the rest on the next page, or None when
        a cell cannot be cut (too little room for two of its lines)."""
        inner = room - 2 * self.look.pad_y
        top: list[LeafParagraph | None] = []
        rest: list[LeafParagraph | None] = []
        for cell, width in zip(cells, self.widths, strict=True):
            if cell is None:
                top.append(None)
                rest.append(None)
                continue
            w = width - 2 * self.look.pad_x
            if cell.wrap(w, _BIG)[1] <= inner:
                top.append(cell)
                rest.append(None)
                continue
            parts = cell.split(w, inner) if inner > 0 else []
            if len(parts) < 2:
                cell.wrap(w, _BIG)  # a paragraph that would not split drops its lines: back whole
                return None
            top.append(parts[0])
            rest.append(parts[1])
        if all(c is None for c in rest):
            return None
        return top, rest

    # -- painting

    def draw(self) -> None:
        canv = self.canv
        y = self.height
        if self.caption is not None and self.first:
            h = self.caption.wrap(self.width, _BIG)[1]
            self.caption.drawOn(canv, 0, y - h)
            y -= h + self.caption.getSpaceAfter()
        if not canv.draft:
            self._decorate(y)
        if self.first:
            self._draw_row(self.head, y, self._head_h)
        else:
            with canv.tagging.artifact(canv, "Pagination"):
                self._draw_row(self.head, y, self._head_h)
        y -= self._head_h
        for row, h in zip(self.rows, self._heights, strict=True):
            self._draw_row(row, y, h)
            y -= h

    def _draw_row(self, cells: Sequence[Flowable | None], top: float, height: float) -> None:
        """A row's cells, the first at the start of the line: at the left, or at the right in a
        leaflet that reads right to left (its columns run from right to left)."""
        mirror = mirrored(self.canv, self)
        x = 0.0
        for cell, width in zip(cells, self.widths, strict=True):
            if cell is not None:
                _, h = cell.wrap(width - 2 * self.look.pad_x, _BIG)
                left = self.width - x - width if mirror else x
                if isinstance(cell, LeafParagraph) and cell.elem is None:
                    # A row's name drawn again over the rest of a cut row: decoration.
                    with self.canv.tagging.artifact(self.canv, "Pagination"):
                        cell.drawOn(self.canv, left + self.look.pad_x, top - self.look.pad_y - h)
                else:
                    cell.drawOn(self.canv, left + self.look.pad_x, top - self.look.pad_y - h)
            x += width

    def _decorate(self, top: float) -> None:
        """The header's tint and the rules between rows, all decoration."""
        canv = self.canv
        look = self.look
        with canv.tagging.artifact(canv):
            canv.saveState()
            if look.head_fill is not None:
                canv.setFillColorRGB(*look.head_fill.rgb)
                canv.rect(0, top - self._head_h, self.width, self._head_h, stroke=0, fill=1)
            if look.rule is not None:
                canv.setStrokeColorRGB(*look.rule.rgb)
                canv.setLineWidth(0.75)
                y = top - self._head_h
                for h in self._heights:
                    y -= h
                    canv.line(0, y, self.width, y)
            if look.head_rule is not None:
                canv.setStrokeColorRGB(*look.head_rule.rgb)
                canv.setLineWidth(1.5)
                canv.line(0, top - self._head_h, self.width, top - self._head_h)
            canv.restoreState()
