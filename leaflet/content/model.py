"""The content of a leaflet, as frozen data.

Nothing here knows about YAML or ReportLab: the loader builds these objects,
the layout reads them. Every node carries the Location it came from, so that a
problem found at any later stage can be reported in the author's terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from leaflet.content.texts import SourceText
from leaflet.errors import Location
from leaflet.frozen import frozen

# ---------------------------------------------------------------- inline text


@frozen(slots=True)
class Text:
    """Plain words, printed exactly as written (never interpreted as markup)."""

    text: str
    location: Location


@frozen(slots=True)
class Strong:
    """Words in bold: `**…**`."""

    children: tuple[Inline, ...]
    location: Location


@frozen(slots=True)
class Link:
    """A link to an address outside the leaflet (http, https, mailto or tel)."""

    children: tuple[Inline, ...]
    url: str
    location: Location


@frozen(slots=True)
class Citation:
    """A pointer at an entry of the references, printed as [n]."""

    reference_id: str
    number: int
    location: Location


@frozen(slots=True)
class NoteRef:
    """A marker pointing at a note of the leaflet, written [^id] and printed [note n]."""

    note_id: str
    number: int
    location: Location


Inline = Text | Strong | Link | Citation | NoteRef


def note_marker(number: int) -> str:
    """How a note's marker is printed (and read aloud): a word, not a small raised figure."""
    return f"[note {number}]"


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The words a reader sees, citations included as [n]."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Citation):
            parts.append(f"[{node.number}]")
        elif isinstance(node, NoteRef):
            parts.append(note_marker(node.number))
        else:
            parts.append(plain_text(node.children))
    return "".join(parts)


# ---------------------------------------------------------------- blocks


@frozen(slots=True)
class RelatedLink:
    """A link printed under the paragraph it belongs to ("See also")."""

    inlines: tuple[Inline, ...]
    url: str
    location: Location
    source: SourceText | None = None


@frozen(slots=True)
class Paragraph:
    """A paragraph of inline text, and the links printed under it."""

    inlines: tuple[Inline, ...]
    location: Location
    lang: str | None = None
    #: The text as written, to point at any place in it (a long sentence, say).
    source: SourceText | None = None
    #: Links printed under the paragraph.
    related: tuple[RelatedLink, ...] = ()


@frozen(slots=True)
class ListItem:
    """An item of a list: its words, and a list inside it."""

    inlines: tuple[Inline, ...]
    location: Location
    sublist: ListBlock | None = None
    lang: str | None = None
    source: SourceText | None = None


@frozen(slots=True)
class ListBlock:
    """A list, numbered (ordered) or with bullets."""

    ordered: bool
    items: tuple[ListItem, ...]
    location: Location


@frozen(slots=True)
class Quote:
    """A person's words, who said them and when, and the reference they are from."""

    inlines: tuple[Inline, ...]
    who: str
    when: str | None
    source: Citation
    location: Location
    lang: str | None = None
    written: SourceText | None = None


@frozen(slots=True)
class Callout:
    """A box set apart from the text, holding one or more quotations."""

    label: str
    quotes: tuple[Quote, ...]
    location: Location


# ---------------------------------------------------------------- tables and figures


@frozen(slots=True)
class Cell:
    """One cell of a table: inline text, or nothing at all (an empty cell)."""

    inlines: tuple[Inline, ...]
    location: Location
    source: SourceText | None = None

    @property
    def empty(self) -> bool:
        return not plain_text(self.inlines).strip()


@frozen(slots=True)
class Table:
    """A table: a header row naming the columns, then rows of cells, each row as long as the header.

    With `header_column`, the first cell of each row names its row (a medicine, a day).
    """

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    location: Location
    caption: tuple[Inline, ...] | None = None
    header_column: bool = False
    lang: str | None = None
    caption_source: SourceText | None = None


@frozen(slots=True)
class Image:
    """An image file read and checked: its bytes, its kind and its natural size in points."""

    path: str  # as resolved inside the content's folder, for messages
    kind: str  # "png", "jpeg" or "svg"
    data: bytes
    width: float
    height: float
    location: Location
    #: The path as the content names it (absolute, links not followed): what a build's record
    #: reads again, so that a link pointed at another file is another picture.
    named: str = ""


@frozen(slots=True)
class Figure:
    """A picture in the text: described by `alt`, or decorative (then nothing is said of it)."""

    image: Image
    location: Location
    alt: str | None = None
    caption: tuple[Inline, ...] | None = None
    #: Printed width or height in points, as asked (never wider than the text).
    width: float | None = None
    height: float | None = None
    caption_source: SourceText | None = None

    @property
    def decorative(self) -> bool:
        return self.alt is None


# ---------------------------------------------------------------- more kinds of block


@frozen(slots=True)
class BlockQuote:
    """A quoted statement set apart from the text: one or more paragraphs, maybe an attribution.

    The attribution (`who`, `when`) is words, not a reference; `source` is a
    citation only when the quotation names one.
    """

    paragraphs: tuple[tuple[Inline, ...], ...]
    location: Location
    who: str | None = None
    when: str | None = None
    source: Citation | None = None
    lang: str | None = None
    written: tuple[SourceText | None, ...] = ()


@frozen(slots=True)
class TermItem:
    """A term and what it means: "Contrast dye – a liquid that ..."."""

    term: str
    inlines: tuple[Inline, ...]
    location: Location
    source: SourceText | None = None
    lang: str | None = None


@frozen(slots=True)
class TermList:
    """Terms and what each means."""

    items: tuple[TermItem, ...]
    location: Location


@frozen(slots=True)
class Question:
    """A question (a numbered heading) and its answer."""

    question: str
    number: int
    blocks: tuple[Block, ...]
    location: Location
    lang: str | None = None


@frozen(slots=True)
class QuestionList:
    """Questions people ask, each with its answer."""

    questions: tuple[Question, ...]
    location: Location


Block = Paragraph | ListBlock | Callout | BlockQuote | TermList | QuestionList | Table | Figure


@frozen(slots=True)
class Note:
    """A note of a section, printed at the end of the section's own content."""

    id: str
    number: int
    inlines: tuple[Inline, ...]
    location: Location
    source: SourceText | None = None


@frozen(slots=True)
class Panel:
    """A boxed part of the leaflet with its own heading (the contact and next steps panel)."""

    heading: str
    anchor: str
    blocks: tuple[Block, ...]
    location: Location


@frozen(slots=True)
class Section:
    """A heading and what is under it: blocks, then subsections."""

    heading: str
    anchor: str
    level: int
    blocks: tuple[Block, ...]
    subsections: tuple[Section, ...]
    location: Location
    lang: str | None = None
    notes: tuple[Note, ...] = ()

    def walk(self) -> Iterator[Section]:
        yield self
        for sub in self.subsections:
            yield from sub.walk()


# ---------------------------------------------------------------- back matter


@frozen(slots=True)
class Reference:
    """An entry of the references, cited in the text as [n]."""

    id: str
    number: int
    title: str
    location: Location
    authors: str | None = None
    publisher: str | None = None
    journal: str | None = None
    details: str | None = None
    date: str | None = None
    doi: str | None = None
    url: str | None = None

    @property
    def link_url(self) -> str | None:
        """The one address a reference is printed with (the PDF's and the web page's): its DOI's,
        a DOI printed once, as its https://doi.org link; else its address."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url or None


@frozen(slots=True)
class FurtherReading:
    """An entry of further reading: words, and the address they lead to."""

    inlines: tuple[Inline, ...]
    location: Location
    url: str | None = None
    source: SourceText | None = None


# ---------------------------------------------------------------- the whole


@frozen(slots=True)
class Metadata:
    """What the leaflet says about itself: title, language, organisation, dates, contact, other formats."""

    title: str
    slug: str
    language: str
    organisation: str
    version: str | None
    published: date
    next_review: date | None
    location: Location
    subtitle: str | None = None
    short_title: str | None = None
    summary: str | None = None
    keywords: tuple[str, ...] = ()
    url: str | None = None
    contact: tuple[Inline, ...] | None = None
    feedback: tuple[Inline, ...] | None = None
    other_formats: tuple[Inline, ...] | None = None
    #: The organisation's logo, shown in the title area (its alternative text is the organisation).
    logo: Image | None = None
    author: str | None = None
    department: str | None = None
    approved_by: str | None = None
    approved: date | None = None
    #: When a news item was first published, if this is a later edition of it.
    first_published: date | None = None
    #: The date keys written as a month only (2014-06): printed "June 2014".
    month_only: frozenset[str] = frozenset()
    #: For a translation: the English leaflet and the version of it that was translated.
    translated_from: TranslatedFrom | None = None
    #: Where each key's value is written, for problems about one of them.
    places: tuple[tuple[str, Location], ...] = ()

    @property
    def footer_title(self) -> str:
        return self.short_title or self.title

    def place(self, key: str) -> Location:
        return dict(self.places).get(key, self.location)


@frozen(slots=True)
class TranslatedFrom:
    """Which English leaflet a translation was made from (translation governance)."""

    file: str  # as written
    path: str  # resolved beside the translation's own file
    version: str
    location: Location
    date: date | None = None


@frozen(slots=True)
class Leaflet:
    """A whole leaflet: its metadata, introduction, sections, further reading and references."""

    metadata: Metadata
    introduction: tuple[Block, ...]
    sections: tuple[Section, ...]
    further_reading: tuple[FurtherReading, ...]
    references: tuple[Reference, ...]
    source: str
    #: Every string of the file that will be printed, for checks of its characters.
    texts: tuple[SourceText, ...] = ()
    #: The languages of its passages in other languages (every `lang:` it gives).
    passage_languages: frozenset[str] = frozenset()
    #: Every address the file gives apart from its text (`url:`, `doi:`), printed beside its
    #: words or in the references: for the same checks of its characters (not for the rules on prose).
    addresses: tuple[SourceText, ...] = ()
    #: The editions built when none is named.
    editions: tuple[str, ...] = ("standard",)
    #: Rule settings for `check` given in the file (rule id → off, on or settings).
    check_settings: tuple[tuple[str, object], ...] = ()
    check_places: tuple[tuple[str, Location], ...] = ()
    #: The three to five things to take away, in a box before the contents.
    key_points: tuple[ListItem, ...] = ()
    #: Who to contact and what to do next, in a box after the sections.
    next_steps: Panel | None = None
    #: Where the further-reading lines can be found, when they give no address of their own.
    further_reading_note: tuple[Inline, ...] | None = None
    #: A Welsh leaflet printed with its English partner (metadata.bilingual), paired block by block.
    bilingual: Bilingual | None = None

    def all_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def images(self) -> Iterator[Image]:
        """Every picture the leaflet shows: its logo, then its figures in order."""
        if self.metadata.logo is not None:
            yield self.metadata.logo
        yield from (b.image for b in self.all_blocks() if isinstance(b, Figure))

    def all_blocks(self) -> Iterator[Block]:
        """Every block, in reading order, including those inside answers and the next-steps panel."""

        def walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
            for block in blocks:
                yield block
                if isinstance(block, QuestionList):
                    for question in block.questions:
                        yield from walk(question.blocks)

        yield from walk(self.introduction)
        for section in self.all_sections():
            yield from walk(section.blocks)
        if self.next_steps is not None:
            yield from walk(self.next_steps.blocks)


# ---------------------------------------------------------------- bilingual (Welsh and English)

#: The Welsh Language Commissioner's bilingual designs the layout knows, Welsh read first in each:
#: Welsh and English side by side; the Welsh leaflet whole, then the English; and the same with the
#: English half turned upside down, read from the back cover.
BILINGUAL_DESIGNS = ("parallel", "back-to-back", "tilt-and-turn")


@frozen(slots=True)
class BlockPair:
    """A Welsh block and its English partner; either is None when the other has no partner."""

    welsh: Block | None
    english: Block | None


@frozen(slots=True)
class SectionPair:
    """A Welsh section and its English partner, their blocks paired in order."""

    welsh: Section | None
    english: Section | None
    blocks: tuple[BlockPair, ...]
    subsections: tuple[SectionPair, ...]

    def walk(self) -> Iterator[SectionPair]:
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@frozen(slots=True)
class Bilingual:
    """The English partner of a Welsh leaflet, and the two paired section by section, block by block."""

    english: Leaflet
    #: One of BILINGUAL_DESIGNS.
    design: str
    #: The partner's file, as written in the Welsh one, and resolved beside it.
    file: str
    path: str
    location: Location
    introduction: tuple[BlockPair, ...]
    sections: tuple[SectionPair, ...]

    def all_pairs(self) -> Iterator[BlockPair]:
        """Every pair of blocks, in reading order."""
        yield from self.introduction
        for top in self.sections:
            for pair in top.walk():
                yield from pair.blocks
