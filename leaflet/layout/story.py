"""Leaflet + Theme → the story: flowables in reading order, each with its structure element.

The structure tree is built here, from the content model, at the same time as
the flowables that will paint it: the title is an H1, each section heading an
H2 or H3, each list an L with LI, Lbl and LBody, each callout a Div holding
BlockQuotes. Drawing only fills the elements in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus.paragraph import ParagraphStyle

from leaflet.content.model import (
    Block,
    Callout,
    Leaflet,
    ListBlock,
    Paragraph,
    Quote,
    Reference,
    Section,
    plain_text,
)
from leaflet.fonts import FontSet, internal_name
from leaflet.i18n import Furniture, furniture
from leaflet.layout.flowables import (
    LabelledItem,
    LeafParagraph,
    QrCode,
    QuoteMarkStack,
    Row,
    RuledLines,
    Stack,
    TitleBand,
)
from leaflet.layout.markup import (
    MarkupContext,
    broken_address,
    citation_anchor,
    inline_markup,
    link_markup,
    printed_address,
    text_markup,
)
from leaflet.pdf.tags import StructElem
from leaflet.style import TextStyle, Theme

_ALIGN = {"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}

# The leaflet's own headings: message ids of the catalogues in leaflet/locale.
TOC_HEADING = "In this leaflet"
FURTHER_HEADING = "Further reading"
REFERENCES_HEADING = "References"
ABOUT_HEADING = "About this leaflet"
ABOUT_ANCHOR = "about-this-leaflet"
REFERENCES_ANCHOR = "references"
FURTHER_ANCHOR = "further-reading"


@dataclass(frozen=True)
class LayoutOptions:
    """What an edition adds to or changes in the leaflet's pages."""

    #: A QR code to the online leaflet, with its address (printed editions).
    qr: bool = False
    #: Pages for notes at the end, so a booklet's pages make whole sheets.
    notes_pages: int = 0
    #: A line in the title band saying what this file is for (the print version).
    print_note: str | None = None


@dataclass
class Shared:
    """What the passes of one build share: paragraph styles, and markup already parsed."""

    styles: dict[tuple[str, str], ParagraphStyle] = field(default_factory=dict)
    parsed: dict[tuple[str, int], tuple[Any, Any]] = field(default_factory=dict)


#: The leaflet as it is, with nothing added for an edition.
PLAIN = LayoutOptions()


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
    ) -> None:
        self.leaflet = leaflet
        self.theme = theme
        self.fonts = fonts
        self.pagination = pagination
        self.frame = frame
        self.options = options
        self.ctx = MarkupContext(fonts, theme.colours["link"].hex)
        self.root = StructElem("Document", lang=leaflet.metadata.language)
        #: The tool's own words, in the leaflet's language.
        self.words: Furniture = furniture(leaflet.metadata.language)
        self.shared = shared or Shared()
        self._styles = self.shared.styles
        #: What each internal destination is called, for link descriptions.
        self.place_names: dict[str, str] = {}

    # -- styles

    def pstyle(self, name: str, variant: str = "", **overrides: float) -> ParagraphStyle:
        key = (name, variant)
        if key not in self._styles:
            st: TextStyle = self.theme.style(name)
            # Styles in the sheet's text family take the leaflet's (Noto Sans Arabic for Arabic).
            family = self.fonts.text.name if st.font in (None, self.theme.text_font) else st.font
            align = _ALIGN[st.align]
            if self.words.rtl and align != TA_CENTER:
                # A right-to-left page is a mirror: text starts at the right and is ragged on the left.
                align = TA_RIGHT if align == TA_LEFT else TA_LEFT
            params = dict(
                fontName=internal_name(family, st.bold),
                fontSize=st.size,
                leading=st.leading,
                textColor=st.colour.hex,
                spaceBefore=st.space_before,
                spaceAfter=st.space_after,
                alignment=align,
                allowWidows=0,
                allowOrphans=0,
                splitLongWords=1,
                bulletFontName=internal_name(family),
                # A heading must never be the last thing on a page.
                keepWithNext=1 if name in ("h2", "h3", "panel_heading") else 0,
            )
            params.update(overrides)
            self._styles[key] = ParagraphStyle(f"{name}{variant}", **params)
        return self._styles[key]

    def leaf(self, markup: str, style: ParagraphStyle, elem: StructElem | None, **kw: Any) -> LeafParagraph:
        return LeafParagraph(markup, style, elem, parsed=self.shared.parsed, **kw)

    def para(self, markup: str, style: str, elem: StructElem | None, **kw: Any) -> LeafParagraph:
        return self.leaf(markup, self.pstyle(style), elem, **kw)

    # -- the whole story

    def build(self) -> list[Flowable]:
        story: list[Flowable] = [self.title_band()]
        story += self.blocks(self.leaflet.introduction, self.root)
        story.append(self.contents_panel())
        for section in self.leaflet.sections:
            story += self.section(section, self.root)
        if self.leaflet.references:
            story.append(self.references_panel())
        if self.leaflet.further_reading:
            story += self.further_reading()
        story += self.about()
        for _ in range(self.options.notes_pages):
            story += self.notes_page()
        return story

    def title_band(self) -> Flowable:
        m = self.leaflet.metadata
        children = [
            self.para(text_markup(m.organisation, self.ctx), "organisation", self.root.add("P")),
            self.para(
                text_markup(m.title, self.ctx),
                "title",
                self.root.add("H1"),
                anchor="title",
                outline=(m.title, 0),
            ),
        ]
        self.place_names["title"] = m.title
        if m.subtitle:
            children.append(self.para(text_markup(m.subtitle, self.ctx), "subtitle", self.root.add("P")))
        if self.options.print_note:
            children.append(
                self.leaf(
                    text_markup(self.words(self.options.print_note), self.ctx),
                    self.pstyle("subtitle", "note", spaceBefore=self.theme.style("subtitle").size * 0.6),
                    self.root.add("P"),
                )
            )
        return TitleBand(children, box=self.theme.boxes["title_band"])

    def toc_entries(self) -> list[tuple[str, str]]:
        entries = [(s.anchor, s.heading) for s in self.leaflet.sections]
        if self.leaflet.references:
            entries.append((REFERENCES_ANCHOR, self.words(REFERENCES_HEADING)))
        if self.leaflet.further_reading:
            entries.append((FURTHER_ANCHOR, self.words(FURTHER_HEADING)))
        entries.append((ABOUT_ANCHOR, self.words(ABOUT_HEADING)))
        return entries

    def contents_panel(self) -> Flowable:
        heading = self.para(
            text_markup(self.words(TOC_HEADING), self.ctx), "panel_heading", self.root.add("H2")
        )
        toc = self.root.add("TOC")
        rows: list[Flowable] = [heading]
        number_style = self.pstyle("toc_entry", "number", alignment=TA_RIGHT)
        for anchor, text in self.toc_entries():
            # A TOCI holds a Reference (ISO 32000-1, table 333), which holds the links.
            item = toc.add("TOCI").add("Reference")
            page = self.pagination.pages.get(anchor)
            label = link_markup(f"#{anchor}", text_markup(text, self.ctx), self.ctx)
            number = link_markup(f"#{anchor}", str(page) if page else "", self.ctx)
            rows.append(
                Row(
                    self.leaf(label, self.pstyle("toc_entry"), item.add("Link")),
                    self.leaf(number, number_style, item.add("Link")),
                    right_width=self.theme.style("toc_entry").size * 2.2,
                )
            )
        # Whole on one page when it fits: a contents list split over a page break reads badly.
        return Stack(rows, box=self.theme.boxes["panel"], keep_under=self.frame_height() / 2)

    # -- sections and blocks

    def section(self, section: Section, parent: StructElem) -> list[Flowable]:
        role = f"H{section.level}"
        style = "h2" if section.level == 2 else "h3"
        self.place_names[section.anchor] = section.heading
        out: list[Flowable] = [
            self.para(
                text_markup(section.heading, self.ctx),
                style,
                parent.add(role, lang=section.lang),
                anchor=section.anchor,
                outline=(section.heading, section.level - 1),
            )
        ]
        out += self.blocks(section.blocks, parent, lang=section.lang)
        for sub in section.subsections:
            out += self.section(sub, parent)
        return out

    def blocks(
        self, blocks: tuple[Block, ...], parent: StructElem, lang: str | None = None
    ) -> list[Flowable]:
        out: list[Flowable] = []
        for i, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                elem = parent.add("P", lang=block.lang or lang)
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                # A sentence that introduces a callout, or a list ("…:"), stays on its page.
                leads_in = isinstance(following, Callout) or (
                    isinstance(following, ListBlock) and plain_text(block.inlines).rstrip().endswith(":")
                )
                style = self.pstyle("body", "lead-in", keepWithNext=1) if leads_in else self.pstyle("body")
                out.append(self.leaf(inline_markup(block.inlines, self.ctx), style, elem))
            elif isinstance(block, ListBlock):
                out.append(self.list_block(block, parent, lang))
            elif isinstance(block, Callout):
                out.append(self.callout(block, parent, lang))
        return out

    def list_block(self, block: ListBlock, parent: StructElem, lang: str | None, depth: int = 0) -> Flowable:
        elem = parent.add("L", lang=lang)
        size = self.theme.style("body").size
        items: list[Flowable] = []
        for n, item in enumerate(block.items, start=1):
            li = elem.add("LI", lang=item.lang)
            label_text = f"{n}." if block.ordered else ("•" if depth % 2 == 0 else "–")
            label = self.leaf(text_markup(label_text, self.ctx), self.pstyle("body", "item"), li.add("Lbl"))
            body_elem = li.add("LBody")
            last = n == len(block.items)
            # An item with a list inside holds its words in a P, made now, so that the
            # words come before the inner list in the structure, as on the page.
            words_elem = body_elem.add("P") if item.sublist else body_elem
            body: list[Flowable] = [
                self.leaf(
                    inline_markup(item.inlines, self.ctx),
                    self.pstyle("body", "item") if not last or item.sublist else self.pstyle("body"),
                    words_elem,
                )
            ]
            if item.sublist:
                body.append(self.list_block(item.sublist, body_elem, item.lang or lang, depth + 1))
            items.append(LabelledItem(label, body, indent=size * 1.6, elem=li))
        return Stack(items, inset=(0, 0, 0, 0), elem=elem)

    def callout(self, callout: Callout, parent: StructElem, lang: str | None) -> Flowable:
        box = self.theme.boxes["callout"]
        div = parent.add("Div", lang=lang, title=callout.label)
        children: list[Flowable] = [
            self.para(text_markup(callout.label, self.ctx), "callout_label", div.add("P"))
        ]
        for quote in callout.quotes:
            children.append(self.quote(quote, div))
        # Kept whole when it fits on a page; split between its parts when it does not.
        return Stack(children, box=box, elem=div, keep_under=self.frame_height())

    def quote(self, quote: Quote, div: StructElem) -> Flowable:
        bq = div.add("BlockQuote", lang=quote.lang)
        words = self.para(inline_markup(quote.inlines, self.ctx), "quote", bq.add("P"))
        who = ", ".join(part for part in (quote.who, quote.when) if part)
        cite = link_markup(
            f"#{citation_anchor(quote.source.reference_id)}", f"[{quote.source.number}]", self.ctx
        )
        attribution = self.para(f"— {text_markup(who, self.ctx)} {cite}", "attribution", bq.add("P"))
        size = self.theme.style("quote").size
        return QuoteMarkStack(
            [words, attribution],
            inset=(0, size * 1.7, 0, 0),
            elem=bq,
            mark_colour=self.theme.boxes["callout"].bar_colour,
            font=self.fonts.text.bold,
            size=size * 2.6,
        )

    # -- back matter

    def references_panel(self) -> Flowable:
        heading = self.back_heading(REFERENCES_HEADING, REFERENCES_ANCHOR, "panel_heading")
        lst = self.root.add("L")
        items: list[Flowable] = []
        size = self.theme.style("reference").size
        indent = size * 2.0
        inner = self.frame_width() - 2 * self.theme.boxes["panel"].padding - indent
        for ref in self.leaflet.references:
            anchor = citation_anchor(ref.id)
            self.place_names[anchor] = self.words("reference {number}", number=ref.number)
            li = lst.add("LI")
            label = self.leaf(f"{ref.number}.", self.pstyle("reference"), li.add("Lbl"), anchor=anchor)
            body = li.add("LBody")
            items.append(
                LabelledItem(
                    label,
                    self.reference_body(ref, body, inner),
                    indent=indent,
                    elem=li,
                    keep_under=8 * self.theme.style("reference").leading,
                )
            )
        # The back matter starts whole on a page when it can, rather than split.
        return Stack(
            [heading, Stack(items, inset=(0, 0, 0, 0), elem=lst)],
            box=self.theme.boxes["panel"],
            keep_under=self.frame_height(),
        )

    def back_heading(self, text: str, anchor: str, style: str = "h2") -> Flowable:
        """A level-2 heading of the leaflet's own (References, Further reading, About this leaflet)."""
        text = self.words(text)
        self.place_names[anchor] = text
        return self.para(
            text_markup(text, self.ctx), style, self.root.add("H2"), anchor=anchor, outline=(text, 1)
        )

    def reference_body(self, ref: Reference, body: StructElem, width: float) -> list[Flowable]:
        parts = [p for p in (ref.authors, ref.title, ref.journal, ref.publisher, ref.details, ref.date) if p]
        text = " ".join(p if p.endswith((".", "?", "!")) else f"{p}." for p in parts)
        if ref.doi:
            text += f" DOI: {ref.doi}"
        style = self.pstyle("reference", "tight", spaceAfter=0) if ref.link_url else self.pstyle("reference")
        out: list[Flowable] = [self.leaf(text_markup(text, self.ctx), style, body.add("P"))]
        if ref.link_url:
            st = self.theme.style("reference")
            lines = broken_address(ref.link_url, internal_name(st.font), st.size, width)
            markup = "<br/>".join(text_markup(line, self.ctx) for line in lines)
            out.append(
                self.leaf(
                    link_markup(ref.link_url, markup, self.ctx),
                    self.pstyle("reference"),
                    # Read aloud or copied, the address is one address, whatever its line breaks.
                    body.add("P").add("Link", actual_text=ref.link_url),
                )
            )
        return out

    def further_reading(self) -> list[Flowable]:
        out: list[Flowable] = [self.back_heading(FURTHER_HEADING, FURTHER_ANCHOR)]
        lst = self.root.add("L")
        size = self.theme.style("body").size
        for n, item in enumerate(self.leaflet.further_reading, start=1):
            li = lst.add("LI")
            label = self.leaf("•", self.pstyle("body", "item"), li.add("Lbl"))
            markup = inline_markup(item.inlines, self.ctx)
            if item.url:
                markup += " " + link_markup(
                    item.url, text_markup(printed_address(item.url), self.ctx), self.ctx
                )
            last = n == len(self.leaflet.further_reading)
            style = self.pstyle("body") if last else self.pstyle("body", "item")
            out.append(
                LabelledItem(label, [self.leaf(markup, style, li.add("LBody"))], indent=size * 1.6, elem=li)
            )
        return out

    def about(self) -> list[Flowable]:
        m = self.leaflet.metadata
        out: list[Flowable] = [self.back_heading(ABOUT_HEADING, ABOUT_ANCHOR)]
        w = self.words
        lines = [
            text_markup(w("Publisher: {organisation}.", organisation=m.organisation), self.ctx),
            text_markup(
                w(
                    "Published: {published}. Next review: {next_review}. Version {version}.",
                    published=w.date(m.published),
                    next_review=w.date(m.next_review),
                    version=m.version,
                ),
                self.ctx,
            ),
        ]
        lines += [inline_markup(v, self.ctx) for v in (m.other_formats, m.contact, m.feedback) if v]
        for line in lines:
            out.append(self.para(line, "body", self.root.add("P")))
        if m.url and self.options.qr:
            out.append(self.qr_block(m.url))
        elif m.url:
            out.append(
                self.para(
                    text_markup(w("Online:"), self.ctx)
                    + " "
                    + link_markup(m.url, text_markup(printed_address(m.url), self.ctx), self.ctx),
                    "body",
                    self.root.add("P"),
                )
            )
        return out

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
        words = self.para(
            text_markup(w("Read this leaflet online:"), self.ctx)
            + " "
            + link_markup(url, text_markup(printed_address(url), self.ctx), self.ctx),
            "body",
            self.root.add("P"),
        )
        return Row(QrCode(url, size, figure), words, right_width=self.frame_width() - size - 12, gap=12)

    def notes_page(self) -> list[Flowable]:
        """A page for the reader's own notes: questions to ask at the next appointment."""
        heading = self.para(text_markup(self.words("Notes"), self.ctx), "h2", self.root.add("H2"))
        prompt = self.para(
            text_markup(self.words("Questions to ask at my next appointment:"), self.ctx),
            "body",
            self.root.add("P"),
        )
        return [PageBreak(), heading, prompt, RuledLines(self.theme.style("body").leading * 1.5, self.theme)]
