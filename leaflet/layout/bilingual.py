"""A bilingual Welsh/English leaflet → one story, in the Welsh Language Commissioner's designs.

Two StoryBuilders make the two languages' flowables, each into its own `Part` of the
structure tree with its own `Lang` (Welsh first), so a screen reader meets the whole Welsh
leaflet and then the whole English one, whatever the pages look like:

parallel       Welsh in the left column, English in the right: each row holds a Welsh block
               and its English partner, both starting level (headings side by side, the
               title, the contents and the About lines too); same styles for both.
back-to-back   the Welsh leaflet whole, then the English one from a new page, each with its
               own contents and its pages numbered from its own first page.
tilt-and-turn  as back to back, and the English pages are turned upside down and put in
               the file in reverse order, so the English half is read from the back cover
               (the canvas does both: `/Rotate 180` and the order of the page tree).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reportlab.platypus import Flowable, PageBreak

from leaflet.content.model import (
    Block,
    BlockPair,
    BlockQuote,
    Callout,
    Figure,
    Leaflet,
    ListBlock,
    Paragraph,
    SectionPair,
    Table,
    TermList,
    plain_text,
)
from leaflet.fonts import FontSet
from leaflet.layout.flowables import HalfStart, Parallel, RuledLines, Stack, TitleBand
from leaflet.layout.markup import text_markup
from leaflet.layout.options import PLAIN, LayoutOptions
from leaflet.layout.story import NOTES_PAGES, Pagination, Shared, StoryBuilder
from leaflet.structure import StructElem
from leaflet.style import Theme

#: What the English half's anchors start with, apart from the Welsh half's.
ENGLISH_PREFIX = "en-"


class BilingualStory:
    """The story of a Welsh leaflet and its English partner, laid out in the leaflet's design."""

    def __init__(
        self,
        leaflet: Leaflet,
        theme: Theme,
        fonts: FontSet,
        english_fonts: FontSet,
        pagination: Pagination,
        frame: tuple[float, float],
        options: LayoutOptions = PLAIN,
        shared: Shared | None = None,
    ) -> None:
        assert leaflet.bilingual is not None
        self.leaflet = leaflet
        self.pair = leaflet.bilingual
        self.theme = theme
        self.design = self.pair.design
        self.parallel = self.design == "parallel"
        self.options = options
        english = self.pair.english
        # The document holds no language of its own: each Part carries its own /Lang.
        self.root = StructElem("Document")
        welsh_part = self.root.add("Part", lang=leaflet.metadata.language, title=leaflet.metadata.title)
        english_part = self.root.add("Part", lang=english.metadata.language, title=english.metadata.title)
        self.gap = theme.style("body").size * 2
        width = (frame[0] - self.gap) / 2 if self.parallel else frame[0]
        shared = shared or Shared()
        self.place_names: dict[str, str] = {}
        # Side by side, the notes pages are the pair's; back to back, they close the second half
        # (in the middle of a tilt-and-turn booklet, between the two covers' halves).
        plain = replace(options, notes_pages=0)
        self.welsh = StoryBuilder(
            leaflet, theme, fonts, pagination, (width, frame[1]), plain, shared,
            root=welsh_part, place_names=self.place_names, column=self.parallel,
        )  # fmt: skip
        self.english = StoryBuilder(
            english, theme, english_fonts, pagination, (width, frame[1]),
            plain if self.parallel else options, shared,
            root=english_part, prefix=ENGLISH_PREFIX, place_names=self.place_names,
            numbered_apart=not self.parallel, outlines=not self.parallel, column=self.parallel,
        )  # fmt: skip
        #: The words of the first half (the Welsh), for the canvas's link descriptions.
        self.words = self.welsh.words

    def build(self) -> list[Flowable]:
        if not self.parallel:
            turned = self.design == "tilt-and-turn"
            return [
                *self.welsh.build(),
                PageBreak(),
                HalfStart(self.english.words.language, turned, self.english.words),
                *self.english.build(),
            ]
        return self.side_by_side()

    # -- parallel columns

    def row(self, welsh: list[Flowable], english: list[Flowable], keep_with_next: bool = False) -> Parallel:
        # Side by side, only the Welsh headings make bookmarks (the drawing goes to and fro between
        # the columns): each names its English partner too, "Welsh / English", as the title does.
        for cy, en in zip(_headings(welsh, "outline"), _headings(english, "quiet_outline"), strict=False):
            (cy_title, level), en_title = cy.outline, en.quiet_outline[0]
            if en_title != cy_title:
                cy.outline = (f"{cy_title} / {en_title}", level)
        return Parallel(
            welsh,
            english,
            self.gap,
            keep_with_next=keep_with_next,
            words=(self.welsh.words, self.english.words),
        )

    def side_by_side(self) -> list[Flowable]:
        cy, en = self.welsh, self.english
        story: list[Flowable] = [
            TitleBand(
                [cy.organisation_line(), self.row(cy.title_lines(), en.title_lines())],
                box=self.theme.boxes["title_band"],
            )
        ]
        if self.leaflet.key_points or self.pair.english.key_points:
            story.append(
                self.row(
                    [cy.key_points_box(cy.leaflet.key_points)] if cy.leaflet.key_points else [],
                    [en.key_points_box(en.leaflet.key_points)] if en.leaflet.key_points else [],
                )
            )
        story.append(self.row([cy.contents_panel()], [en.contents_panel()]))
        story += self.block_rows(self.pair.introduction, 1)
        for pair in self.pair.sections:
            story += self.section_rows(pair)
        if cy.leaflet.references or en.leaflet.references:
            story.append(
                self.row(
                    [cy.references_panel()] if cy.leaflet.references else [],
                    [en.references_panel()] if en.leaflet.references else [],
                )
            )
        if cy.leaflet.further_reading or en.leaflet.further_reading:
            story.append(
                self.row(
                    cy.further_reading() if cy.leaflet.further_reading else [],
                    en.further_reading() if en.leaflet.further_reading else [],
                )
            )
        story.append(self.row(cy.about(), en.about()))
        if cy.leaflet.next_steps or en.leaflet.next_steps:
            story.append(
                self.row(
                    [cy.next_steps_panel(cy.leaflet.next_steps)] if cy.leaflet.next_steps else [],
                    [en.next_steps_panel(en.leaflet.next_steps)] if en.leaflet.next_steps else [],
                )
            )
        for index in range(self.options.notes_pages):
            story += self.notes_page(index)
        return story

    def block_rows(
        self, pairs: tuple[BlockPair, ...], level: int, lang: tuple[str | None, ...] = (None, None)
    ) -> list[Flowable]:
        rows: list[Flowable] = []
        for i, pair in enumerate(pairs):
            following = pairs[i + 1] if i + 1 < len(pairs) else None
            rows.append(
                self.row(
                    self.side(self.welsh, pair.welsh, self.welsh.root, lang[0], level),
                    self.side(self.english, pair.english, self.english.root, lang[1], level),
                    # A sentence leading in to a list or a box ("…:") stays on the page with it.
                    keep_with_next=following is not None and _leads_in(pair, following),
                )
            )
        return rows

    @staticmethod
    def side(
        builder: StoryBuilder, block: Block | None, parent: StructElem, lang: str | None, level: int
    ) -> list[Flowable]:
        return [] if block is None else builder.blocks((block,), parent, lang=lang, level=level)

    def section_rows(self, pair: SectionPair) -> list[Flowable]:
        cy, en = self.welsh, self.english
        w, e = pair.welsh, pair.english
        rows: list[Flowable] = [
            self.row(
                [cy.section_heading(w, cy.root)] if w else [],
                [en.section_heading(e, en.root)] if e else [],
                keep_with_next=True,
            )
        ]
        level = (w or e).level  # type: ignore[union-attr]
        rows += self.block_rows(pair.blocks, level, (w.lang if w else None, e.lang if e else None))
        if (w and w.notes) or (e and e.notes):
            rows.append(
                self.row(
                    [cy.notes_block(w.notes, cy.root, w.lang)] if w and w.notes else [],
                    [en.notes_block(e.notes, en.root, e.lang)] if e and e.notes else [],
                )
            )
        for sub in pair.subsections:
            rows += self.section_rows(sub)
        return rows

    def notes_page(self, index: int) -> list[Flowable]:
        """A page for the reader's notes, its heading (and prompt) in both languages, side by side."""
        heading, prompt = NOTES_PAGES[min(index, len(NOTES_PAGES) - 1)]
        sides = []
        for builder in (self.welsh, self.english):
            words = [
                builder.para(text_markup(builder.words(heading), builder.ctx), "h2", builder.root.add("H2"))
            ]
            if prompt:
                words.append(
                    builder.para(
                        text_markup(builder.words(prompt), builder.ctx), "body", builder.root.add("P")
                    )
                )
            sides.append(Stack(words, inset=(0, 0, 0, 0)))
        return [
            PageBreak(),
            self.row([sides[0]], [sides[1]]),
            RuledLines(self.theme.style("body").leading * 1.5, self.theme),
        ]


def _headings(flowables: list[Flowable], kind: str) -> list[Any]:
    """The flowables, at any depth of boxes, that make (or would make) a bookmark, in order."""
    found: list[Any] = []
    for flowable in flowables:
        if getattr(flowable, kind, None):
            found.append(flowable)
        found += _headings(getattr(flowable, "children", []), kind)
    return found


def _leads_in(pair: BlockPair, following: BlockPair) -> bool:
    """Whether a pair of blocks introduces the next pair, as StoryBuilder.blocks tells one block."""
    for block, after in ((pair.welsh, following.welsh), (pair.english, following.english)):
        if isinstance(block, Paragraph) and (
            isinstance(after, Callout | BlockQuote)
            or (
                isinstance(after, ListBlock | TermList | Table | Figure)
                and plain_text(block.inlines).rstrip().endswith(":")
            )
        ):
            return True
    return False
