"""Rules read from the web edition's HTML, for what only the page shows.

The rules over the model (link text, headings) hold for the web page as for the PDF,
since both are made from it. These read the page itself back, as a browser's
outline and a screen reader's list of links would: the headings the page really has,
and the words of every link, those the page adds (contents, citations, back-links,
the PDFs) as well as the author's. They run when the leaflet has a web edition.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from leaflet.checks.registry import CheckContext, rule
from leaflet.checks.rules import VAGUE_LINK_TEXT, Found, link_label
from leaflet.checks.text import all_passages, links
from leaflet.content.model import plain_text
from leaflet.errors import Location, Severity

_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _Reader(HTMLParser):
    """Headings (level, id, words) and links (href, words) of a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self.links: list[tuple[str, str]] = []
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS or tag == "a":
            self._open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, attrs, parts = self._open.pop()
            words = " ".join("".join(parts).split())
            for _, _, outer in self._open:
                outer.append("".join(parts))
            if tag == "a":
                self.links.append((attrs.get("href") or "", words))
            else:
                self.headings.append((_HEADINGS[tag], attrs.get("id") or "", words))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def read_page(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def _where_heading(ctx: CheckContext) -> dict[str, Location]:
    return {s.anchor: s.location for s in ctx.leaflet.all_sections()}


@rule("web/heading-outline", Severity.ERROR, "the web page's headings skip a level", needs_web=True)
def heading_outline(ctx: CheckContext, params: dict[str, Any]) -> Found:
    assert ctx.web is not None
    places = _where_heading(ctx)
    start = ctx.leaflet.metadata.location
    headings = read_page(ctx.web).headings
    ones = [h for h in headings if h[0] == 1]
    has = f"the web page has {len(ones)} level-1 heading{'' if len(ones) == 1 else 's'}"
    # A bilingual page holds each language's leaflet, each under its own title.
    if ctx.leaflet.bilingual is not None:
        if len(ones) != 2:
            yield start, f"{has}; it needs exactly two, each language's title"
    elif len(ones) != 1:
        yield start, f"{has}; it needs exactly one, the title"
    level = 0
    for n, anchor, words in headings:
        where = places.get(anchor, start)
        if not words:
            yield where, f"the web page has an empty level-{n} heading"
        if n > level + 1:
            yield where, f"on the web page, heading '{words}' is level {n} after level {level}"
        level = n


@rule(
    "web/link-text", Severity.WARNING, "a link on the web page with no words, or vague ones", needs_web=True
)
def link_text(ctx: CheckContext, params: dict[str, Any]) -> Found:
    assert ctx.web is not None
    # Each link of the page is told at the author's link to its address with its words, else
    # at the first to its address (its words are the page's own: "PDF, 44 kB"), else at the top.
    written: dict[str, Location] = {}
    worded: dict[tuple[str, str], Location] = {}
    for passage in all_passages(ctx.leaflet):
        for link in links(passage.inlines):
            written.setdefault(link.url, link.location)
            words = plain_text(link.children)
            worded.setdefault((link.url, link_label(words)), link.location)
    start = ctx.leaflet.metadata.location
    for href, words in read_page(ctx.web).links:
        label = link_label(words)
        where = worded.get((href, label)) or written.get(href, start)
        if not label:
            yield where, f"a link to {href} on the web page has no words: a screen reader says only 'link'"
        elif label in VAGUE_LINK_TEXT:
            yield where, f"link text “{label}” on the web page means nothing out of context"
