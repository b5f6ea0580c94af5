"""Every piece of text a reader will see, with where it came from."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from leaflet.content.model import (
    Block,
    Callout,
    Inline,
    Leaflet,
    ListBlock,
    Paragraph,
    Section,
    Strong,
    Text,
)
from leaflet.content.model import Link as LinkNode
from leaflet.errors import Location, Problem

TextAt = tuple[str, Location]

#: Bidirectional controls can make text read differently from how it is stored.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _inline(nodes: tuple[Inline, ...]) -> Iterator[TextAt]:
    for node in nodes:
        if isinstance(node, Text):
            yield node.text, node.location
        elif isinstance(node, Strong):
            yield from _inline(node.children)
        elif isinstance(node, LinkNode):
            yield from _inline(node.children)
            yield node.url, node.location


def _list(block: ListBlock) -> Iterator[TextAt]:
    for item in block.items:
        yield from _inline(item.inlines)
        if item.sublist:
            yield from _list(item.sublist)


def _blocks(blocks: tuple[Block, ...]) -> Iterator[TextAt]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from _inline(block.inlines)
        elif isinstance(block, ListBlock):
            yield from _list(block)
        elif isinstance(block, Callout):
            yield block.label, block.location
            for q in block.quotes:
                yield from _inline(q.inlines)
                yield q.who, q.location
                if q.when:
                    yield q.when, q.location


def _section(section: Section) -> Iterator[TextAt]:
    yield section.heading, section.location
    yield from _blocks(section.blocks)
    for sub in section.subsections:
        yield from _section(sub)


def visible_texts(leaflet: Leaflet) -> Iterator[TextAt]:
    m = leaflet.metadata
    for value in (
        m.title,
        m.subtitle,
        m.short_title,
        m.organisation,
        m.version,
        m.contact,
        m.feedback,
        m.other_formats,
    ):
        if value:
            yield value, m.location
    yield from _blocks(leaflet.introduction)
    for section in leaflet.sections:
        yield from _section(section)
    for item in leaflet.further_reading:
        yield from _inline(item.inlines)
        if item.url:
            yield item.url, item.location
    for ref in leaflet.references:
        for value in (
            ref.authors,
            ref.title,
            ref.publisher,
            ref.journal,
            ref.details,
            ref.date,
            ref.doi,
            ref.url,
        ):
            if value:
                yield value, ref.location


def character_problems(texts: Iterator[TextAt]) -> list[Problem]:
    """Control and bidi-override characters: invisible, and able to disguise text."""
    problems = []
    for text, where in texts:
        for ch in text:
            if ch in _BIDI_CONTROLS:
                problems.append(
                    Problem(where, f"bidirectional control character U+{ord(ch):04X} is not allowed")
                )
            elif unicodedata.category(ch) == "Cc":
                problems.append(Problem(where, f"control character U+{ord(ch):04X} is not allowed"))
    return problems
