"""Leaflet + Theme → the story: flowables in reading order, each with its structure element.

The structure tree is built here, from the content model, at the same time as
the flowables that will paint it: the title is an H1, each section heading an
H2 or H3, each list an L with LI, Lbl and LBody, each callout a Div holding
BlockQuotes. Drawing only fills the elements in.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus.paragraph import ParagraphStyle

from leaflet.content.model import (
    Block,
    BlockQuote,
    Callout,
    Figure,
    Leaflet,
    ListBlock,
    ListItem,
    Note,
    Panel,
    Paragraph,
    QuestionList,
    Quote,
    Reference,
    RelatedLink,
    Section,
    Table,
    TermList,
    plain_text,
)
from leaflet.fonts import FontSet
from leaflet.i18n import (
    ABOUT_HEADING,
    FURTHER_HEADING,
    KEY_POINTS_HEADING,
    REFERENCES_HEADING,
    TOC_HEADING,
    Furniture,
    direction,
    furniture,
)
from leaflet.layout.cache import STYLES, Held, colour, style_key
from leaflet.layout.figures import build_figure, build_logo
from leaflet.layout.flowables import (
    Columns,
    KeepWithFirstLines,
    LabelledItem,
    LeaderRow,
    LeafParagraph,
    QrCode,
    Row,
    RuledLines,
    Stack,
    TitleBand,
)
from leaflet.layout.markup import (
    MarkupContext,
    citation_anchor,
    emboldened,
    inline_markup,
    link_markup,
    metadata_date,
    note_anchor,
    printed_address,
    shows_address,
    text_markup,
)
from leaflet.layout.options import PLAIN, LayoutOptions
from leaflet.layout.tables import build_table
from leaflet.structure import StructElem
from leaflet.style import TextStyle, Theme
from leaflet.typography import keeps_one_letter_words

_ALIGN = {"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}

#: The pages that pad a booklet to whole sheets: for the reader's notes, each a different one.
#: (At most one page repeats: the padding is at most three pages.)
NOTES_PAGES = (
    ("Notes", "Questions to ask at my next appointment:"),
    ("Notes", None),
)
ABOUT_ANCHOR = "about-this-leaflet"
REFERENCES_ANCHOR = "references"
FURTHER_ANCHOR = "further-reading"
KEY_POINTS_ANCHOR = "key-points"
NOTES_LABEL = "Notes"
#: The style of each level of heading.
HEADING_STYLES = {2: "h2", 3: "h3", 4: "h4"}


@dataclass
class Shared:
    """What the passes of one build share: paragraph styles, and the settings each was made from."""

    styles: dict[tuple[Any, ...], ParagraphStyle] = field(default_factory=dict)
    #: id(style) → its settings as a key; every style here is held by `styles`, so ids stay its own.
    style_keys: dict[int, Hashable | None] = field(default_factory=dict)


@dataclass
class Pagination:
    """What one pass learnt about page numbers, for the next pass to print."""

    pages: dict[str, int] = field(default_factory=dict)
    total: int = 0


class StoryBuilder:
    def __init__(
        self,
        leaflet: Leaflet,
        theme: Theme,
        fonts: FontSet,
        pagination: Pagination,
        frame: tuple[float, float],
        options: LayoutOptions = PLAIN,
        shared: Shared | None = None,
        *,
        root: StructElem | None = None,
        prefix: str = "",
        place_names: dict[str, str] | None = None,
        numbered_apart: bool = False,
        outlines: bool = True,
        column: bool = False,
    ) -> None:
        self.leaflet = leaflet
        self.theme = theme
        self.fonts = fonts
        self.pagination = pagination
        #: Every paragraph made, in the order made (`leaflet.pdf.patch` compares two builds' lists).
        self.leaves: list[LeafParagraph] = []
        self.frame = frame
        self.options = options
        #: The tool's own words, in the leaflet's language.
        self.words: Furniture = furniture(leaflet.metadata.language)
        #: Put before each of this builder's anchors: one half of a bilingual leaflet keeps its places
        #: apart from the other's.
        self.prefix = prefix
        #: This half's pages are numbered from its own first page (back to back, tilt and turn).
        self.numbered_apart = numbered_apart
        #: Whether headings make entries of the document's outline (bookmarks). Side by side, only the
        #: first language's do: the outline follows the drawing, which goes to and fro between columns.
        self.outlines = outlines
        #: The text is one of two columns (a bilingual leaflet side by side): too narrow to set
        #: words beside the QR code, so they go under it.
        self.column = column
        self.ctx = MarkupContext(
            fonts,
            theme.colours["link"].hex,
            note_label=self.note_label,
            anchor_prefix=prefix,
            glue_one_letter_words=keeps_one_letter_words(leaflet.metadata.language),
        )
        #: The markup's context for passages in other languages, by the family drawing them first.
        self._passage_ctx: dict[str, MarkupContext] = {}
        #: Where this builder's elements go: the Document, or (bilingual) its language's Part.
        self.root = root if root is not None else StructElem("Document", lang=leaflet.metadata.language)
        self.shared = shared or Shared()
        self._styles = self.shared.styles
        #: What each internal destination is called, for link descriptions.
        self.place_names: dict[str, str] = {} if place_names is None else place_names

    # -- styles

    def passage_ctx(self, lang: str | None) -> MarkupContext:
        """The markup's context for a paragraph in `lang`: its words drawn first in the family the
        sheet names for that language, when it names one (an Urdu line in Nastaliq)."""
        if lang is None:
            return self.ctx
        name = self.theme.text_font_for(lang)
        family = self.theme.families.get(name)
        if name == self.theme.text_font or family is None or family not in self.fonts.fallback_families:
            return self.ctx
        made = self._passage_ctx.get(name)
        if made is None:
            made = self._passage_ctx[name] = replace(self.ctx, fonts=self.fonts.preferring(family))
        return made

    def passage_leading(self, lang: str | None, style: str = "body") -> dict[str, float]:
        """For a paragraph in another language whose sheet sets its lines further apart (Urdu:
        `fonts: leading:`), its leading in `style`; else nothing to change."""
        if lang is None:
            return {}
        own = lang.split("-")[0].lower()
        if own == self.leaflet.metadata.language.split("-")[0].lower():
            return {}
        factor = self.theme.language_leading.get(own)
        return {"leading": self.theme.style(style).leading * factor} if factor else {}

    def passage_style(
        self, name: str, lang: str | None, variant: str = "", **overrides: float
    ) -> ParagraphStyle:
        """Paragraph style `name` for words in `lang`: from the other side when the language is
        written the other way from the leaflet's, its lines further apart where its script needs it."""
        return self.pstyle(
            name, variant, against=self.against(lang), **{**self.passage_leading(lang, name), **overrides}
        )

    def passage_leaf(
        self, inlines: str | tuple[Any, ...], style: ParagraphStyle, elem: StructElem | None, lang: str | None
    ) -> LeafParagraph:
        """A paragraph of inline content (or plain words) in `lang`, in the family the sheet names for it."""
        ctx = self.passage_ctx(lang)
        markup = text_markup(inlines, ctx) if isinstance(inlines, str) else inline_markup(inlines, ctx)
        return self.leaf(markup, style, elem)

    def against(self, lang: str | None) -> bool:
        """Whether words in `lang` run the other way from the leaflet's (English in Arabic)."""
        return lang is not None and (direction(lang) == "rtl") != self.words.rtl

    def pstyle(
        self, name: str, variant: str = "", *, against: bool = False, **overrides: float
    ) -> ParagraphStyle:
        """A paragraph style of the sheet; `against`: for words that run the other way from the leaflet's."""
        key = (name, variant, against, *sorted(overrides.items()))
        made = self._styles.get(key)
        if made is not None:
            return made
        st: TextStyle = self.theme.style(name)
        align = _ALIGN[st.align]
        if self.words.rtl != against and align != TA_CENTER:
            # A right-to-left page is a mirror: text starts at the right and is ragged on the left.
            align = TA_RIGHT if align == TA_LEFT else TA_LEFT
        font = self.fonts.font_name(st.font if st.font else self.fonts.text.name, st.bold)
        bullet_font = self.fonts.font_name(st.font)
        # Every build makes the same styles: each is made once a process, kept by all it is made from.
        kept_key = (
            Held(self.theme),
            name,
            variant,
            align,
            font,
            bullet_font,
            tuple(sorted(overrides.items())),
        )
        kept = STYLES.get(kept_key)
        if kept is None:
            params = dict(
                fontName=font,
                fontSize=st.size,
                leading=st.leading,
                textColor=colour(st.colour.hex),
                spaceBefore=st.space_before,
                spaceAfter=st.space_after,
                alignment=align,
                allowWidows=0,
                allowOrphans=0,
                splitLongWords=1,
                # A word wider than the line (an address) goes to a line of its own, where it
                # breaks only after / . - ? & = (leaflet.rlseam.break_words_at_address_breaks);
                # nothing is hyphenated.
                embeddedHyphenation=2,
                bulletFontName=bullet_font,
                # A heading must never be the last thing on a page.
                keepWithNext=1
                if name in ("h2", "h3", "h4", "question", "panel_heading", "callout_label")
                else 0,
            )
            params.update(overrides)
            made = ParagraphStyle(f"{name}{variant}", **params)
            kept = (made, style_key({"name": made.name, **params}))
            STYLES.put(kept_key, kept)
        made, settings = kept
        self._styles[key] = made
        self.shared.style_keys[id(made)] = settings
        return made

    def leaf(self, markup: str, style: ParagraphStyle, elem: StructElem | None, **kw: Any) -> LeafParagraph:
        if style.fontName.endswith("-Bold"):
            markup = emboldened(markup, self.ctx)
        settings = self.shared.style_keys.get(id(style))
        key = None if settings is None else (markup, settings)
        if kw.get("anchor") and self.prefix:
            kw["anchor"] = self.prefix + kw["anchor"]
        quiet = kw.pop("outline", None) if not self.outlines else None
        leaf = LeafParagraph(markup, style, elem, key=key, **kw)
        self.leaves.append(leaf)
        if quiet is not None:
            #: The bookmark this heading would make, for its partner's to name (a bilingual page).
            leaf.quiet_outline = quiet  # type: ignore[attr-defined]
        return leaf

    def para(self, markup: str, style: str, elem: StructElem | None, **kw: Any) -> LeafParagraph:
        return self.leaf(markup, self.pstyle(style), elem, **kw)

    # -- the whole story

    def build(self) -> list[Flowable]:
        story: list[Flowable] = [self.title_band()]
        if self.leaflet.key_points:
            story.append(self.key_points_box(self.leaflet.key_points))
        # The contents straight after the key points, whole on the first page; the introduction
        # flows on from there.
        story.append(self.contents_panel())
        story += self.blocks(self.leaflet.introduction, self.root, level=1)
        for section in self.leaflet.sections:
            story += self.section(section, self.root)
        if self.leaflet.references:
            story.append(self.references_panel())
        if self.leaflet.further_reading:
            story += self.further_reading()
        story += self.about()
        if self.leaflet.next_steps:
            # The leaflet ends with who can help: the next step for a worried reader.
            story.append(self.next_steps_panel(self.leaflet.next_steps))
        for index in range(self.options.notes_pages):
            story += self.notes_page(index)
        return story

    def title_band(self) -> Flowable:
        organisation = self.organisation_line()
        return TitleBand([organisation, *self.title_lines()], box=self.theme.boxes["title_band"])

    def title_lines(self) -> list[Flowable]:
        """The title (the H1) and the subtitle under it."""
        m = self.leaflet.metadata
        lines: list[Flowable] = [
            self.para(
                text_markup(m.title, self.ctx),
                "title",
                self.root.add("H1"),
                anchor="title",
                outline=(m.title, 0),
            ),
        ]
        self.place_names[self.prefix + "title"] = m.title
        if m.subtitle:
            lines.append(self.para(text_markup(m.subtitle, self.ctx), "subtitle", self.root.add("P")))
        return lines

    def organisation_line(self) -> Flowable:
        """The organisation's name, with its logo beside it when the metadata names one."""
        m = self.leaflet.metadata
        logo = build_logo(self, self.root)
        name = self.para(text_markup(m.organisation, self.ctx), "organisation", self.root.add("P"))
        if logo is None:
            return name
        width, _ = logo.wrap(self.frame_width(), self.frame_height())
        return Row(name, logo, right_width=width, gap=12)

    def toc_entries(self) -> list[tuple[str, str]]:
        entries = [(s.anchor, s.heading) for s in self.leaflet.sections]
        if self.leaflet.references:
            entries.append((REFERENCES_ANCHOR, self.words(REFERENCES_HEADING)))
        if self.leaflet.further_reading:
            entries.append((FURTHER_ANCHOR, self.words(FURTHER_HEADING)))
        entries.append((ABOUT_ANCHOR, self.words(ABOUT_HEADING)))
        if self.leaflet.next_steps:
            entries.append((self.leaflet.next_steps.anchor, self.leaflet.next_steps.heading))
        return entries

    def contents_panel(self) -> Flowable:
        """In this leaflet: each section with dot leaders to its page, on the text's left edge."""
        heading = self.para(text_markup(self.words(TOC_HEADING), self.ctx), "h2", self.root.add("H2"))
        toc = self.root.add("TOC")
        rows: list[Flowable] = []
        entry = self.theme.style("toc_entry")
        number_style = self.pstyle("toc_entry", "number", alignment=TA_RIGHT)
        for anchor, text in self.toc_entries():
            # A TOCI holds a Reference (ISO 32000-1, table 333), which holds the links.
            item = toc.add("TOCI").add("Reference")
            page = self.page_of(anchor)
            label = link_markup(f"#{anchor}", text_markup(text, self.ctx), self.ctx, underline=False)
            number = link_markup(f"#{anchor}", str(page) if page else "", self.ctx, underline=False)
            rows.append(
                LeaderRow(
                    self.leaf(label, self.pstyle("toc_entry"), item.add("Link")),
                    self.leaf(number, number_style, item.add("Link")),
                    right_width=entry.size * 1.6,
                    dot_colour=entry.colour,
                    size=entry.size,
                )
            )
        columns = 2 if len(rows) >= self.theme.layout.contents_columns_from else 1
        body = Columns(rows, columns, gap=entry.size * 2)
        # Whole on one page: a contents list split over a page break reads badly.
        # No box: the spacing of a panel, but on the page, like the text around it.
        space = replace(self.theme.boxes["panel"], fill=None, border=0.0, bar=0.0, padding=0.0)
        # Whole when moving it costs little; split between its lines rather than leave a hole.
        return Stack(
            [heading, body], box=space, keep_under=self.frame_height() / 2, split_above=self.hole_limit()
        )

    # -- sections and blocks

    def section(self, section: Section, parent: StructElem) -> list[Flowable]:
        out: list[Flowable] = [self.section_heading(section, parent)]
        out += self.blocks(section.blocks, parent, lang=section.lang, level=section.level)
        if section.notes:
            out.append(self.notes_block(section.notes, parent, section.lang))
        for sub in section.subsections:
            out += self.section(sub, parent)
        return out

    def section_heading(self, section: Section, parent: StructElem) -> Flowable:
        self.place_names[self.prefix + section.anchor] = section.heading
        # A heading in a language written the other way starts at the other side, as its paragraphs
        # do, in the family of its language.
        return self.leaf(
            text_markup(section.heading, self.passage_ctx(section.lang)),
            self.pstyle(HEADING_STYLES[section.level], against=self.against(section.lang)),
            parent.add(f"H{section.level}", lang=section.lang),
            anchor=section.anchor,
            outline=(section.heading, section.level - 1),
        )

    def blocks(
        self, blocks: tuple[Block, ...], parent: StructElem, lang: str | None = None, level: int = 2
    ) -> list[Flowable]:
        """Flowables for blocks under a heading of `level` (a question under them is one deeper)."""
        out: list[Flowable] = []
        for i, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                elem = parent.add("P", lang=block.lang or lang)
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                # A sentence that introduces a callout, or a list ("…:"), stays on its page.
                leads_in = isinstance(following, Callout | BlockQuote) or (
                    isinstance(following, ListBlock | TermList | Table | Figure)
                    and plain_text(block.inlines).rstrip().endswith(":")
                )
                # A paragraph in a language written the other way starts at the other side, and
                # one in a script that climbs (Urdu's Nastaliq) has its lines further apart.
                against = self.against(block.lang or lang)
                room = self.passage_leading(block.lang or lang)
                if block.related:
                    style = self.pstyle(
                        "body", "before-related", against=against, keepWithNext=1, spaceAfter=0, **room
                    )
                elif leads_in:
                    style = self.pstyle("body", "lead-in", against=against, keepWithNext=1, **room)
                else:
                    style = self.pstyle("body", against=against, **room)
                leaf = self.leaf(
                    inline_markup(block.inlines, self.passage_ctx(block.lang or lang)), style, elem
                )
                leaf.lead_in = leads_in and not block.related
                out.append(leaf)
                out += self.related_links(block.related, parent, block.lang or lang)
            elif isinstance(block, ListBlock):
                out.append(self.list_block(block, parent, lang))
            elif isinstance(block, Callout):
                out.append(self.callout(block, parent, lang))
            elif isinstance(block, Table):
                out.append(build_table(self, block, parent, block.lang or lang))
            elif isinstance(block, Figure):
                out.append(build_figure(self, block, parent, lang))
            else:
                out += self.new_block(block, parent, lang, level)
        return out

    def list_block(
        self,
        block: ListBlock,
        parent: StructElem,
        lang: str | None,
        depth: int = 0,
        within: bool | None = None,
    ) -> Flowable:
        """A list in `lang`; `within`: inside an item, whether that item is written the other way from the
        leaflet (an item of this list written the other way from it is set one step in from its own side)."""
        elem = parent.add("L", lang=lang)
        size = self.theme.style("body").size
        items: list[Flowable] = []
        for n, item in enumerate(block.items, start=1):
            li = elem.add("LI", lang=item.lang)
            # An item in a language written the other way from the leaflet's is drawn as the
            # mirror of one in the leaflet's: its label at the other side, its words from there.
            against = self.against(item.lang or lang)
            label_text = f"{n}." if block.ordered else ("•" if depth % 2 == 0 else "–")
            label = self.leaf(
                text_markup(label_text, self.ctx), self.pstyle("body", "item", against=against), li.add("Lbl")
            )
            body_elem = li.add("LBody")
            last = n == len(block.items)
            # An item with a list inside holds its words in a P, made now, so that the
            # words come before the inner list in the structure, as on the page.
            words_elem = body_elem.add("P") if item.sublist else body_elem
            # An item in another language: its family, its room between lines, as a paragraph's.
            room = self.passage_leading(item.lang or lang)
            body: list[Flowable] = [
                self.leaf(
                    inline_markup(item.inlines, self.passage_ctx(item.lang or lang)),
                    self.pstyle("body", "item", against=against, **room)
                    if not last or item.sublist
                    else self.pstyle("body", against=against, **room),
                    words_elem,
                )
            ]
            if item.sublist:
                body.append(self.list_block(item.sublist, body_elem, item.lang or lang, depth + 1, against))
            turned = within is not None and against != within
            start = size * 1.6 if turned else 0.0
            items.append(LabelledItem(label, body, indent=size * 1.6, elem=li, start=start, against=against))
        # Split between items, but never leaving the last item alone at the top of a page.
        return Stack(items, inset=(0, 0, 0, 0), elem=elem, min_rest=2)

    def callout(self, callout: Callout, parent: StructElem, lang: str | None) -> Flowable:
        box = self.theme.boxes["callout"]
        div = parent.add("Div", lang=lang, title=callout.label)
        children: list[Flowable] = [
            self.passage_leaf(callout.label, self.passage_style("callout_label", lang), div.add("P"), lang)
        ]
        for quote in callout.quotes:
            children.append(self.quote(quote, div, quote.lang or lang))
        # Kept whole when it fits on a page and moving it costs little; split between its
        # parts when it does not fit, or when moving it would leave a hole in the page.
        return Stack(
            children,
            box=box,
            elem=div,
            keep_under=self.frame_height(),
            split_above=self.hole_limit(),
            against=self.against(lang),  # its bar at its words' side
        )

    def hole_limit(self) -> float:
        """The most of a page a block kept whole may leave empty by moving to the next page."""
        return self.frame_height() * self.theme.layout.max_hole

    def quote(self, quote: Quote, div: StructElem, lang: str | None = None) -> Flowable:
        """A quotation in `lang`, on the callout's edge, with its attribution on one line where it fits."""
        bq = div.add("BlockQuote", lang=quote.lang)
        words = self.passage_leaf(quote.inlines, self.passage_style("quote", lang), bq.add("P"), lang)
        cite = link_markup(
            f"#{citation_anchor(quote.source.reference_id)}",
            text_markup(f"[{quote.source.number}]", self.ctx),
            self.ctx,
        )
        who = self.attribution_who(quote)
        attribution = self.leaf(
            f"{text_markup(f'— {who}', self.passage_ctx(lang))} {cite}",
            self.passage_style("attribution", lang),
            bq.add("P"),
        )
        # The attribution never alone at the top of a page: the quotation's last lines go with it.
        return Stack([words, attribution], inset=(0, 0, 0, 0), elem=bq, min_rest=2)

    def attribution_who(self, quote: Quote) -> str:
        """ "who, when": a body named with its initials in brackets ("… Excellence (NICE)") is named
        by them, so the attribution takes one line; the label and the reference name it in full."""
        who = quote.who
        short = re.fullmatch(r".*\(([A-Z][A-Za-z]{1,9})\)\s*", who or "")
        if short is not None:
            who = short.group(1)
        return ", ".join(part for part in (who, quote.when) if part)

    # -- the blocks of real pages: quotations, terms, questions, notes, key points, next steps

    def note_label(self, number: int) -> str:
        """A note's marker as printed, in the leaflet's language: [note 1], [nodyn 1]."""
        return f"[{self.words('note {number}', number=number)}]"

    def new_block(self, block: Block, parent: StructElem, lang: str | None, level: int) -> list[Flowable]:
        if isinstance(block, BlockQuote):
            return [self.block_quote(block, parent, lang)]
        if isinstance(block, TermList):
            return [self.term_list(block, parent, lang)]
        if isinstance(block, QuestionList):
            return self.questions(block, parent, lang, level)
        return []

    def related_links(
        self, links: tuple[RelatedLink, ...], parent: StructElem, lang: str | None
    ) -> list[Flowable]:
        """ "See also" lines under their paragraph: the link's words, then its address for paper."""
        out: list[Flowable] = []
        for n, link in enumerate(links, start=1):
            words = inline_markup(link.inlines, self.ctx)
            markup = (
                text_markup(self.words("See also:"), self.ctx) + " " + link_markup(link.url, words, self.ctx)
            )
            if not shows_address(plain_text(link.inlines), link.url):
                markup += text_markup(f" ({printed_address(link.url)})", self.ctx)
            last = n == len(links)
            style = self.pstyle("body") if last else self.pstyle("body", "related", spaceAfter=0)
            out.append(self.leaf(markup, style, parent.add("P", lang=lang)))
        return out

    def block_quote(self, quote: BlockQuote, parent: StructElem, lang: str | None) -> Flowable:
        """A quotation in its own words: opening marks on each paragraph, a closing one at the end."""
        bq = parent.add("BlockQuote", lang=lang)
        own = quote.lang or lang
        ctx = self.passage_ctx(own)
        children: list[Flowable] = []
        last = len(quote.paragraphs) - 1
        for i, words in enumerate(quote.paragraphs):
            markup = text_markup("\u201c", ctx) + inline_markup(words, ctx)
            markup += text_markup("\u201d", ctx) if i == last else ""
            children.append(
                self.leaf(markup, self.passage_style("blockquote", own), bq.add("P", lang=quote.lang))
            )
        who = ", ".join(part for part in (quote.who, quote.when) if part)
        attributed = bool(who or quote.source)
        if attributed:
            line = text_markup(f"— {who}", ctx) if who else ""
            if quote.source:
                cite = link_markup(
                    f"#{citation_anchor(quote.source.reference_id)}",
                    text_markup(f"[{quote.source.number}]", self.ctx),
                    self.ctx,
                )
                line = f"{line} {cite}" if line else cite
            children.append(self.leaf(line, self.passage_style("blockquote_attribution", own), bq.add("P")))
        return Stack(
            children,
            box=self.theme.boxes["blockquote"],
            elem=bq,
            keep_under=self.frame_height() / 3,
            split_above=self.hole_limit(),
            # The attribution never alone at the top of a page: the quotation's last lines go with it.
            min_rest=2 if attributed else 1,
            against=self.against(own),  # its bar at its words' side
        )

    def term_list(self, terms: TermList, parent: StructElem, lang: str | None) -> Flowable:
        """Each term on its own line in bold (the item's label), what it means under it."""
        lst = parent.add("L", lang=lang)
        size = self.theme.style("body").size
        items: list[Flowable] = []
        for n, item in enumerate(terms.items, start=1):
            li = lst.add("LI", lang=item.lang)
            own = item.lang or lang
            term = self.leaf(
                f"<b>{text_markup(item.term, self.passage_ctx(own))}</b>",
                self.passage_style("body", own, "term", spaceAfter=size * 0.15, keepWithNext=1),
                li.add("Lbl"),
            )
            last = n == len(terms.items)
            text = self.passage_leaf(
                item.inlines,
                self.passage_style("body", own) if last else self.passage_style("body", own, "item"),
                li.add("LBody"),
                own,
            )
            # (Indented from its words' side.)
            meaning = Stack([text], inset=(0, size * 1.2, 0, 0), against=self.against(own))
            items.append(Stack([term, meaning], inset=(0, 0, 0, 0), elem=li))
        return Stack(items, inset=(0, 0, 0, 0), elem=lst)

    def questions(
        self, faq: QuestionList, parent: StructElem, lang: str | None, level: int
    ) -> list[Flowable]:
        """Each question a numbered heading one level below its part, so readers can jump between them."""
        heading_level = min(level + 1, 6)
        out: list[Flowable] = []
        for q in faq.questions:
            own = q.lang or lang
            out.append(
                self.passage_leaf(
                    f"{q.number}. {q.question}",
                    self.passage_style("question", own),
                    parent.add(f"H{heading_level}", lang=own),
                    own,
                )
            )
            out += self.blocks(q.blocks, parent, q.lang or lang, heading_level)
        return out

    def notes_block(self, notes: tuple[Note, ...], parent: StructElem, lang: str | None) -> Flowable:
        """A section's notes, after its own content: each a Note with an ID, which its markers link to."""
        label = self.words(NOTES_LABEL)
        div = parent.add("Div", lang=lang, title=label)
        children: list[Flowable] = [
            self.leaf(
                f"<b>{text_markup(label, self.ctx)}</b>",
                self.pstyle("note", "label", keepWithNext=1),
                div.add("P"),
            )
        ]
        for note in notes:
            anchor = note_anchor(note.id)
            self.place_names[self.prefix + anchor] = self.words("note {number}", number=note.number)
            children.append(
                self.leaf(
                    f"<b>{text_markup(self.note_label(note.number), self.ctx)}</b> "
                    + inline_markup(note.inlines, self.ctx),
                    self.pstyle("note"),
                    div.add("Note", id=anchor),
                    anchor=anchor,
                )
            )
        # Short notes go over whole rather than leave their label at the foot of a page.
        return Stack(
            children,
            inset=(0, 0, 0, 0),
            elem=div,
            keep_under=self.frame_height() / 4,
            split_above=self.hole_limit(),
        )

    def key_points_box(self, points: tuple[ListItem, ...]) -> Flowable:
        """The few things to take away, in a box under the title: a Div with its heading and a list."""
        title = self.words(KEY_POINTS_HEADING)
        div = self.root.add("Div", title=title)
        self.place_names[self.prefix + KEY_POINTS_ANCHOR] = title
        heading = self.para(
            text_markup(title, self.ctx),
            "key_points_heading",
            div.add("H2"),
            anchor=KEY_POINTS_ANCHOR,
            outline=(title, 1),
        )
        lst = div.add("L")
        size = self.theme.style("key_point").size
        items: list[Flowable] = []
        for point in points:
            li = lst.add("LI", lang=point.lang)
            label = self.leaf(text_markup("•", self.ctx), self.pstyle("key_point"), li.add("Lbl"))
            body = self.leaf(
                inline_markup(point.inlines, self.ctx), self.pstyle("key_point"), li.add("LBody")
            )
            items.append(LabelledItem(label, [body], indent=size * 1.4, elem=li))
        return Stack(
            [heading, Stack(items, inset=(0, 0, 0, 0), elem=lst)],
            box=self.theme.boxes["key_points"],
            elem=div,
            keep_under=self.frame_height() / 2,
        )

    def next_steps_panel(self, panel: Panel) -> Flowable:
        """Who to contact and what to do next: a Div with its heading, listed in the contents."""
        div = self.root.add("Div", title=panel.heading)
        heading = self.back_heading(panel.heading, panel.anchor, "panel_heading", parent=div)
        return Stack(
            [heading, *self.blocks(panel.blocks, div, level=2)],
            box=self.theme.boxes["next_steps"],
            elem=div,
            keep_under=self.frame_height() / 2,
            split_above=self.hole_limit(),
        )

    # -- back matter

    def references_panel(self) -> Flowable:
        """References: a plain numbered list with hanging numbers, which may split between entries."""
        heading = self.back_heading(REFERENCES_HEADING, REFERENCES_ANCHOR)
        lst = self.root.add("L")
        items: list[Flowable] = []
        size = self.theme.style("reference").size
        indent = size * 2.0
        for ref in self.leaflet.references:
            anchor = citation_anchor(ref.id)
            self.place_names[self.prefix + anchor] = self.words("reference {number}", number=ref.number)
            li = lst.add("LI")
            label = self.leaf(f"{ref.number}.", self.pstyle("reference"), li.add("Lbl"), anchor=anchor)
            body = li.add("LBody")
            items.append(
                LabelledItem(
                    label,
                    self.reference_body(ref, body),
                    indent=indent,
                    elem=li,
                    keep_under=8 * self.theme.style("reference").leading,
                    split_above=self.hole_limit(),
                )
            )
        # The heading goes over with the first entry; the entries split between them.
        entries = Stack(items, inset=(0, 0, 0, 0), elem=lst, min_rest=2, split_above=self.hole_limit())
        return Stack([heading, entries], inset=(0, 0, 0, 0))

    def back_heading(
        self, text: str, anchor: str, style: str = "h2", parent: StructElem | None = None
    ) -> Flowable:
        """A level-2 heading of the leaflet's own (References, Further reading, About this leaflet)."""
        text = self.words(text)
        self.place_names[self.prefix + anchor] = text
        return self.para(
            text_markup(text, self.ctx),
            style,
            (parent or self.root).add("H2"),
            anchor=anchor,
            outline=(text, 1),
        )

    def reference_body(self, ref: Reference, body: StructElem) -> list[Flowable]:
        parts = [p for p in (ref.authors, ref.title, ref.journal, ref.publisher, ref.details, ref.date) if p]
        text = " ".join(p if p.endswith((".", "?", "!")) else f"{p}." for p in parts)
        # One address an entry: a DOI is printed once, as its https://doi.org link.
        address = ref.link_url
        style = self.pstyle("reference", "tight", spaceAfter=0) if address else self.pstyle("reference")
        out: list[Flowable] = [self.leaf(text_markup(text, self.ctx), style, body.add("P"))]
        if address:
            # Too long for a line, it breaks only after / . - ? & = (leaflet.rlseam).
            out.append(
                self.leaf(
                    link_markup(address, text_markup(address, self.ctx), self.ctx),
                    self.pstyle("reference"),
                    # Read aloud or copied, the address is one address, whatever its line breaks.
                    body.add("P").add("Link", actual_text=address),
                )
            )
        return out

    def further_reading(self) -> list[Flowable]:
        heading = self.back_heading(FURTHER_HEADING, FURTHER_ANCHOR)
        note: list[Flowable] = []
        if self.leaflet.further_reading_note:
            # Where the lines can be found, when they carry no address of their own.
            note.append(
                self.leaf(
                    inline_markup(self.leaflet.further_reading_note, self.ctx),
                    self.pstyle("body", "lead-in", keepWithNext=1),
                    self.root.add("P"),
                )
            )
        items: list[Flowable] = []
        lst = self.root.add("L")
        size = self.theme.style("body").size
        for n, item in enumerate(self.leaflet.further_reading, start=1):
            li = lst.add("LI")
            label = self.leaf(text_markup("•", self.ctx), self.pstyle("body", "item"), li.add("Lbl"))
            markup = inline_markup(item.inlines, self.ctx)
            if item.url:
                markup += " " + link_markup(
                    item.url, text_markup(printed_address(item.url), self.ctx), self.ctx
                )
            last = n == len(self.leaflet.further_reading)
            style = self.pstyle("body") if last else self.pstyle("body", "item")
            items.append(
                LabelledItem(label, [self.leaf(markup, style, li.add("LBody"))], indent=size * 1.6, elem=li)
            )
        return [heading, *note, Stack(items, inset=(0, 0, 0, 0), min_rest=2)]

    def about(self) -> list[Flowable]:
        m = self.leaflet.metadata
        out: list[Flowable] = [self.back_heading(ABOUT_HEADING, ABOUT_ANCHOR)]
        lines = [text_markup(line, self.ctx) for line in about_lines(m, self.words)]
        lines += [inline_markup(v, self.ctx) for v in (m.other_formats, m.contact, m.feedback) if v]
        for line in lines:
            out.append(self.para(line, "body", self.root.add("P")))
        if m.url and self.options.qr:
            out.append(self.qr_block(m.url))
        elif m.url:
            out.append(
                self.para(
                    text_markup(self.words("Online:"), self.ctx)
                    + " "
                    + link_markup(m.url, text_markup(printed_address(m.url), self.ctx), self.ctx),
                    "body",
                    self.root.add("P"),
                )
            )
        # The leaflet's last lines go over together: never two stray lines, or the QR code alone,
        # on the last page (which also holds the next steps panel, when there is one).
        # And its heading never at the foot of a page with fewer than three of its lines.
        return [
            Stack(
                out,
                inset=(0, 0, 0, 0),
                min_rest=2 if self.leaflet.next_steps else 3,
                heading_lines=KeepWithFirstLines.FIRST_LINES,
            )
        ]

    def page_of(self, anchor: str) -> int | None:
        """The page an anchor of this builder's was on in the pass before, counted from the first page
        of its half (a bilingual leaflet printed back to back numbers each language's pages apart)."""
        page = self.pagination.pages.get(self.prefix + anchor)
        if page is None or not self.numbered_apart:
            return page
        return page - self.pagination.pages.get(self.prefix + "title", 1) + 1

    def frame_width(self) -> float:
        return self.frame[0]

    def frame_height(self) -> float:
        return self.frame[1]

    def qr_block(self, url: str) -> Flowable:
        """A QR code to the online leaflet, and its address beside it for those without a camera."""
        size = 30 * mm
        w = self.words
        figure = self.root.add(
            "Figure", alt=w("QR code: scan it to open this leaflet online at {url}", url=url)
        )
        if self.column:
            return Stack([QrCode(url, size, figure), *self.column_address(url)], inset=(0, 0, 0, 0))
        words = self.para(
            text_markup(w("Read this leaflet online:"), self.ctx)
            + " "
            + link_markup(url, text_markup(printed_address(url), self.ctx), self.ctx),
            "body",
            self.root.add("P"),
        )
        return Row(QrCode(url, size, figure), words, right_width=self.frame_width() - size - 12, gap=12)

    def column_address(self, url: str) -> list[Flowable]:
        """Under the QR code in a narrow column: the words, then the address on lines of its own,
        broken only after / . - ? & = (leaflet.rlseam), read whole (its Link's ActualText)."""
        markup = text_markup(printed_address(url), self.ctx)
        return [
            self.para(
                text_markup(self.words("Read this leaflet online:"), self.ctx),
                "body",
                self.root.add("P"),
            ),
            self.leaf(
                link_markup(url, markup, self.ctx),
                self.pstyle("body"),
                self.root.add("P").add("Link", actual_text=url),
            ),
        ]

    def notes_page(self, index: int = 0) -> list[Flowable]:
        """A page for the reader's own notes; of the pages padding a booklet, only one asks for questions."""
        heading, prompt = NOTES_PAGES[min(index, len(NOTES_PAGES) - 1)]
        out: list[Flowable] = [
            PageBreak(),
            self.para(text_markup(self.words(heading), self.ctx), "h2", self.root.add("H2")),
        ]
        if prompt:
            out.append(self.para(text_markup(self.words(prompt), self.ctx), "body", self.root.add("P")))
        return [*out, RuledLines(self.theme.style("body").leading * 1.5, self.theme)]


def about_lines(m: Any, w: Furniture | None = None) -> list[str]:
    """The lines of About this leaflet that come from the metadata: only what it says.

    In the leaflet's language (`w`, its furniture); in English when none is given.
    """
    if w is None:
        w = furniture("en-GB")
    lines = [w("Publisher: {organisation}.", organisation=m.organisation)]
    if m.department:
        lines.append(w("Department: {department}.", department=m.department))
    if m.author:
        lines.append(w("Written by: {author}.", author=m.author))
    if m.approved_by:
        if m.approved:
            lines.append(
                w("Approved by: {who}, {date}.", who=m.approved_by, date=metadata_date(m, "approved", w))
            )
        else:
            lines.append(w("Approved by: {who}.", who=m.approved_by))
    dates = [w("Published: {date}.", date=metadata_date(m, "published", w))]
    if m.first_published:
        dates.append(w("First published: {date}.", date=metadata_date(m, "first_published", w)))
    if m.next_review:
        dates.append(w("Next review: {date}.", date=metadata_date(m, "next_review", w)))
    if m.version is not None:
        dates.append(w("Version {version}.", version=m.version))
    lines.append(" ".join(dates))
    return lines
