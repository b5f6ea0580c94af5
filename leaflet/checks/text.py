"""The leaflet's words as the plain-language and link rules read them: per section, per sentence, located."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from leaflet.content.model import (
    Block,
    BlockQuote,
    Callout,
    Figure,
    Inline,
    Leaflet,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    QuestionList,
    Strong,
    Table,
    TermList,
    plain_text,
)
from leaflet.content.texts import SourceText
from leaflet.errors import Location
from leaflet.frozen import frozen

#: Where a sentence may end: after a full stop, ! or ?, the Bengali danda (।), the Urdu
#: full stop (۔) or the Arabic question mark (؟), and the closing quotes or brackets after it.
_SENTENCE_END = re.compile(r"(?<=[.!?\u0964\u06d4\u061f])([\"”’)]*)\s+")
#: Combining marks inside words (Latin accents, Arabic vowel marks, Bengali and Devanagari vowel
#: signs and viramas) and the joiners of Bengali and Urdu: none of them ends a word.
_MARKS = (
    "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903\u093a-\u094f"
    "\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc\u09be-\u09cd\u09d7\u09e2\u09e3\u200c\u200d"
)
_WORD = re.compile(rf"[^\W_][{_MARKS}\w]*(?:[’'\-][^\W_][{_MARKS}\w]*)*")


@frozen
class Passage:
    """A paragraph, list item or quotation: its words, and where they were written."""

    text: str
    location: Location
    source: SourceText | None
    inlines: tuple[Inline, ...]

    def finder(self, *, case_sensitive: bool = False) -> Callable[[str], Location]:
        """A function that finds fragments of this passage in the file, each after the one before.

        Sentences and phrases are looked for in order, so that the second of two
        sentences starting with the same words is found where it is.
        """
        start = 0

        def locate(fragment: str) -> Location:
            nonlocal start
            if self.source is None:
                return self.location
            found = _search(fragment, self.source.text, start, case_sensitive)
            if found is None:
                return self.location
            start = found + 1
            return self.source.at(found)

        return locate


#: What may stand between two printed words in the file: spaces and punctuation,
#: a citation ([@id], printed [n]) and the address half of a link ([text](address)).
#: Atomic: "](" is punctuation or the start of an address, and trying both ways at each of
#: many took time doubling with each one (a few dozen held a build for minutes).
_BETWEEN = r"(?>(?:\[@[^\]]*\]|\]\([^)]*\)|[\W_])+)"
_CITATION = re.compile(r"\[\d+\]")


def _search(fragment: str, text: str, start: int, case_sensitive: bool) -> int | None:
    wanted = _WORD.findall(_CITATION.sub(" ", fragment))[:4]
    if not wanted:
        return None
    pattern = re.compile(_BETWEEN.join(re.escape(w) for w in wanted), 0 if case_sensitive else re.IGNORECASE)
    found = pattern.search(text, start) or pattern.search(text)
    return found.start() if found else None


def words(text: str) -> list[str]:
    """The words of a text as a reader counts them: citation numbers such as [1] are not words."""
    return _WORD.findall(_CITATION.sub(" ", text))


def as_sentence(text: str) -> str:
    """A passage ended as a sentence: a list item written without a full stop is still one."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?:;…" or text[-1] in '"”’)' else f"{text}."


def sentences(text: str) -> list[str]:
    """The sentences of a text: a new one starts after an ending mark and a space, at anything
    but a small letter ("e.g. this" goes on; Arabic and Bengali have no small letters)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        following = text[m.end() : m.end() + 2].lstrip('"“‘(')
        if following and not following[0].islower():
            out.append(text[start : m.start() + len(m[1])])
            start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def _list_passages(block: ListBlock) -> Iterator[Passage]:
    for item in block.items:
        yield _item_passage(item)
        if item.sublist:
            yield from _list_passages(item.sublist)


def _item_passage(item: ListItem) -> Passage:
    return Passage(plain_text(item.inlines), item.location, item.source, item.inlines)


def block_passages(blocks: tuple[Block, ...]) -> Iterator[Passage]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield Passage(plain_text(block.inlines), block.location, block.source, block.inlines)
        elif isinstance(block, ListBlock):
            yield from _list_passages(block)
        elif isinstance(block, Callout):
            for quote in block.quotes:
                yield Passage(plain_text(quote.inlines), quote.location, quote.written, quote.inlines)
        elif isinstance(block, Table | Figure):
            yield from _media_passages(block)
        else:
            yield from _new_block_passages(block)
        for link in getattr(block, "related", ()):
            yield Passage(plain_text(link.inlines), link.location, link.source, link.inlines)


def _new_block_passages(block: Block) -> Iterator[Passage]:
    """The words of quotations, terms and questions."""
    if isinstance(block, BlockQuote):
        for i, words_ in enumerate(block.paragraphs):
            written = block.written[i] if i < len(block.written) else None
            yield Passage(plain_text(words_), block.location, written, words_)
    elif isinstance(block, TermList):
        for item in block.items:
            text = f"{item.term}: {plain_text(item.inlines)}"
            yield Passage(text, item.location, item.source, item.inlines)
    elif isinstance(block, QuestionList):
        for q in block.questions:
            yield Passage(q.question, q.location, None, ())
            yield from block_passages(q.blocks)


def _media_passages(block: Table | Figure) -> Iterator[Passage]:
    """A table's caption and cells, a figure's caption: words the reader meets, links to check."""
    if block.caption:
        yield Passage(plain_text(block.caption), block.location, block.caption_source, block.caption)
    if isinstance(block, Table):
        for row in (block.header, *block.rows):
            for cell in row:
                if not cell.empty:
                    text = plain_text(cell.inlines).strip()
                    # A cell is a phrase of its own ("10 mg"), never the start of the next cell's sentence.
                    if not text.endswith((".", "!", "?", ":")):
                        text += "."
                    yield Passage(text, cell.location, cell.source, cell.inlines)


def sections_with_passages(leaflet: Leaflet) -> Iterator[tuple[str, Location, list[Passage]]]:
    """(heading, where, passages) for the introduction and every section, each on its own."""
    intro = list(block_passages(leaflet.introduction))
    if intro:
        yield "Introduction", intro[0].location, intro
    for section in leaflet.all_sections():
        notes = [Passage(plain_text(n.inlines), n.location, n.source, n.inlines) for n in section.notes]
        yield section.heading, section.location, [*block_passages(section.blocks), *notes]
    if leaflet.key_points:
        points = [_item_passage(p) for p in leaflet.key_points]
        yield "Key points", points[0].location, points
    if leaflet.next_steps:
        yield (
            leaflet.next_steps.heading,
            leaflet.next_steps.location,
            list(block_passages(leaflet.next_steps.blocks)),
        )


def all_passages(leaflet: Leaflet) -> Iterator[Passage]:
    for _, _, passages in sections_with_passages(leaflet):
        yield from passages
    for item in leaflet.further_reading:
        yield Passage(plain_text(item.inlines), item.location, item.source, item.inlines)


def heading_passages(leaflet: Leaflet) -> Iterator[Passage]:
    """Every heading the leaflet writes (its sections', its questions', the next steps panel's),
    as a passage of its own, at its section."""
    headings = [(s.heading, s.location) for s in leaflet.all_sections()]
    if leaflet.next_steps is not None:
        headings.append((leaflet.next_steps.heading, leaflet.next_steps.location))
    # Where each heading is written in the file, when it is written once as it is.
    wanted = {heading for heading, _ in headings}
    written: dict[str, list[SourceText]] = {}
    for text in leaflet.texts:
        if text.text in wanted:
            written.setdefault(text.text, []).append(text)
    for heading, location in headings:
        found = written.get(heading, [])
        yield Passage(heading, location, found[0] if len(found) == 1 else None, ())


def links(nodes: tuple[Inline, ...]) -> Iterator[Link]:
    for node in nodes:
        if isinstance(node, Link):
            yield node
        elif isinstance(node, Strong):
            yield from links(node.children)
