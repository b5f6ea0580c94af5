"""Leaflet → the web edition's HTML page, through Jinja2 templates with autoescaping.

Every block kind of the content model is one macro in `templates/blocks.html.j2`
(`BLOCK_MACROS` names it), and every inline kind one in `templates/inline.html.j2`;
a kind without a macro is refused, never dropped. The author's words reach the page
only through autoescaping, and addresses only when their scheme is one the content
allows.
"""

from __future__ import annotations

import base64
import contextvars
import dataclasses
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from leaflet import i18n
from leaflet.content.inline import check_address
from leaflet.content.model import (
    BlockQuote,
    Callout,
    Citation,
    Figure,
    Image,
    Leaflet,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    QuestionList,
    Reference,
    Section,
    Strong,
    Table,
    TermList,
    Text,
    note_marker,
    plain_text,
)
from leaflet.content.texts import SourceText
from leaflet.errors import Location
from leaflet.frozen import frozen
from leaflet.i18n import direction
from leaflet.layout.markup import citation_anchor, note_anchor, printed_address
from leaflet.layout.story import (
    ABOUT_ANCHOR,
    ABOUT_HEADING,
    FURTHER_ANCHOR,
    FURTHER_HEADING,
    KEY_POINTS_ANCHOR,
    KEY_POINTS_HEADING,
    NOTES_LABEL,
    REFERENCES_ANCHOR,
    REFERENCES_HEADING,
    TOC_HEADING,
    about_lines,
)
from leaflet.typography import FIGURES, GROUPED_FIGURES, glue_one_letter_words, keeps_one_letter_words
from leaflet.web.compiled import bytecode_cache

DOWNLOADS_HEADING = "Print or download this leaflet"
DOWNLOADS_ANCHOR = "print-or-download"
INTRODUCTION = "Introduction"

#: Each block kind of the model → its macro in blocks.html.j2.
BLOCK_MACROS: dict[type, str] = {
    Paragraph: "paragraph",
    ListBlock: "list_block",
    Callout: "callout",
    BlockQuote: "block_quote",
    TermList: "term_list",
    QuestionList: "questions",
    Table: "table",
    Figure: "figure",
}
#: Each inline kind → its macro in inline.html.j2.
INLINE_MACROS: dict[type, str] = {
    Text: "text",
    Strong: "strong",
    Link: "link",
    Citation: "citation",
    NoteRef: "note_ref",
}

#: How the page offers each PDF: "Large print, A4 (PDF, 44 kB)", in the leaflet's language.
OFFER = "{label} (PDF, {size})"


@frozen
class Download:
    """A PDF of the same leaflet, as the page offers it: "Large print, A4 (PDF, 44 kB)"."""

    #: The edition's label, a message of the catalogues ("Large print, A4").
    label: str
    href: str
    size: int

    def offer(self, words: i18n.Furniture = i18n.ENGLISH) -> str:
        """The words of its link, in the language of `words`."""
        return words(OFFER, label=words(self.label), size=words.file_size(self.size))


def file_size(size: int, words: i18n.Furniture = i18n.ENGLISH) -> str:
    """A file's size as people read it in a language (CLDR through Babel): 44 kB, 1.2 MB."""
    return words.file_size(size)


def relative_href(target: Path, page: Path) -> str:
    """The address of a file as seen from the page: its name when they are side by side."""
    return Path(os.path.relpath(target.resolve(), page.resolve().parent)).as_posix()


class _Citations:
    """What one page's macros share: each citation's id and back-links, the tool's words in the
    leaflet's language."""

    def __init__(self, leaflet: Leaflet, prefix: str = "") -> None:
        #: Put before every id of this leaflet's part of the page (the English part of a bilingual page).
        self.prefix = prefix
        self.ids: dict[int, str] = {}
        self.language = leaflet.metadata.language
        self.words = i18n.furniture(self.language)
        #: Where each reference can be read, for a quotation's cite attribute.
        self.reference_urls = {ref.id: ref.link_url for ref in leaflet.references if ref.link_url}
        self.back: dict[str, list[tuple[str, str]]] = {}
        counts: dict[tuple[str, str], int] = {}
        for place, node in _citations(leaflet, self.words):
            seen = len(self.back.setdefault(node.reference_id, [])) + 1
            anchor = f"{prefix}cite-{node.reference_id}-{seen}"
            self.ids[id(node)] = anchor
            counts[(node.reference_id, place)] = counts.get((node.reference_id, place), 0) + 1
            n = counts[(node.reference_id, place)]
            self.back[node.reference_id].append((anchor, place if n == 1 else f"{place} ({n})"))

    def furniture_lang(self, message: str) -> str | None:
        """ "en" for the tool's own words that the leaflet's language has no translation of."""
        if self.words.language == "en" or i18n.translates(self.words.language, message):
            return None
        return "en"


def _citations(leaflet: Leaflet, words: i18n.Furniture) -> Iterator[tuple[str, Citation]]:
    """(the heading a citation is under, in the leaflet's language; the citation), in reading order."""
    for item in leaflet.key_points:
        for node in _walk(item):
            yield words(KEY_POINTS_HEADING), node
    for block in leaflet.introduction:
        for node in _walk(block):
            yield words(INTRODUCTION), node
    for section in leaflet.sections:
        yield from _section_citations(section)
    for item in leaflet.further_reading:
        for node in _walk(item):
            yield words(FURTHER_HEADING), node
    if leaflet.next_steps:
        for node in _walk(leaflet.next_steps.blocks):
            yield leaflet.next_steps.heading, node


def _section_citations(section: Section) -> Iterator[tuple[str, Citation]]:
    for part in (section.blocks, section.notes):
        for node in _walk(part):
            yield section.heading, node
    for sub in section.subsections:
        yield from _section_citations(sub)


def _walk(node: Any) -> Iterator[Citation]:
    """Every citation inside a node of the model, in the order of its fields."""
    if isinstance(node, Citation):
        yield node
    elif isinstance(node, tuple):
        for item in node:
            yield from _walk(item)
    elif dataclasses.is_dataclass(node) and not isinstance(
        node, Section | Image | Location | SourceText | type
    ):
        for f in dataclasses.fields(node):
            yield from _walk(getattr(node, f.name))


#: The page being rendered, for the few globals that need it (its words, its pictures).
_PAGE: contextvars.ContextVar[_Citations] = contextvars.ContextVar("page")


def _words(message: str, **values: object) -> str:
    return _PAGE.get().words(message, **values)


def _furniture_lang(message: str) -> str | None:
    return _PAGE.get().furniture_lang(message)


def _offer(download: Download) -> str:
    return download.offer(_PAGE.get().words)


_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def _image_src(image: Image) -> str:
    """The picture inside the page (a data: address), so the page and its pictures never part."""
    return f"data:{_MIME[image.kind]};base64,{base64.b64encode(image.data).decode('ascii')}"


def _css_pixels(points: float) -> int:
    return max(1, round(points * 4 / 3))


def _image_size(figure: Figure) -> tuple[int, int]:
    """The printed size in CSS pixels (as asked, else the picture's own); CSS keeps it inside the column."""
    ratio = figure.image.height / figure.image.width if figure.image.width else 1.0
    if figure.width:
        width = figure.width
    elif figure.height:
        width = figure.height / ratio if ratio else figure.height
    else:
        width = figure.image.width
    return _css_pixels(width), _css_pixels(width * ratio)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("leaflet.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(__file__),
    )
    env.filters["address"] = safe_address
    env.filters["printed"] = printed_address
    env.filters["address_parts"] = address_parts
    env.globals["words"] = _words
    env.globals["furniture_lang"] = _furniture_lang
    env.globals["offer"] = _offer
    env.globals["image_src"] = _image_src
    env.globals["plain"] = plain_text
    env.globals["image_width"] = lambda figure: _image_size(figure)[0]
    env.globals["image_height"] = lambda figure: _image_size(figure)[1]
    env.globals["note_anchor"] = lambda note_id: _PAGE.get().prefix + note_anchor(note_id)
    env.globals["note_marker"] = note_marker
    env.globals["notes_label"] = NOTES_LABEL
    env.globals["direction"] = direction
    env.globals["anchor_of"] = lambda reference_id: _PAGE.get().prefix + citation_anchor(reference_id)
    env.filters["id"] = id
    env.globals["reference_text"] = reference_text
    env.globals["block"] = _render_block
    env.globals["inlines"] = _render_inlines
    return env


def safe_address(url: str) -> str:
    """An address for href: refused unless its scheme is one the content allows."""
    problem = check_address(url)
    if problem:
        raise ValueError(f"an address the web edition will not link to: {url!r} ({problem})")
    return url


def address_parts(url: str) -> list[str]:
    """An address cut after each slash, where a narrow screen may break it (as the PDF does)."""
    parts = re.findall(r"[^/]*/+|[^/]+$", url)
    return parts or [url]


def _macros(template: str) -> Any:
    return _environment().get_template(template).module


def _render_block(node: object, cites: _Citations, level: int = 2) -> Markup:
    kind = type(node)
    if kind not in BLOCK_MACROS:
        raise TypeError(f"the web edition has no rendering for a {kind.__name__} block")
    return getattr(_macros("blocks.html.j2"), BLOCK_MACROS[kind])(node, cites, level)


def reference_text(ref: Reference) -> str:
    """A reference's words, as the PDF prints them: each part ends with a full stop. Its one
    address (`Reference.link_url`, a DOI as its https://doi.org link) follows as a link."""
    parts = [p for p in (ref.authors, ref.title, ref.journal, ref.publisher, ref.details, ref.date) if p]
    return " ".join(p if p.endswith((".", "?", "!")) else f"{p}." for p in parts)


def _render_inlines(nodes: tuple[object, ...], cites: _Citations) -> Markup:
    module = _macros("inline.html.j2")
    out = Markup("")
    for node in nodes:
        kind = type(node)
        if kind not in INLINE_MACROS:
            raise TypeError(f"the web edition has no rendering for {kind.__name__} text")
        out += getattr(module, INLINE_MACROS[kind])(node, cites)
    return out


#: Where the English part of a bilingual page starts, and what its ids start with.
ENGLISH_PART = "en"
ENGLISH_PREFIX = "en-"
#: The way from the Welsh part to the English one, written in each language.
TO_ENGLISH = "Read this leaflet in English"


def render_page(leaflet: Leaflet, stylesheet_href: str, downloads: tuple[Download, ...] = ()) -> str:
    """The web page of a leaflet, linking to its stylesheet and to the PDFs offered beside it.

    A bilingual leaflet's page holds both languages, Welsh first, each an `article` in its
    own language; a link at the top of the Welsh part leads to the English part.
    """
    m = leaflet.metadata
    title = m.title
    if leaflet.bilingual is None:
        parts = [_render_part(leaflet, downloads)]
    else:
        english = leaflet.bilingual.english
        title = f"{m.title} / {english.metadata.title}"
        texts = tuple(
            (i18n.furniture(part.metadata.language)(TO_ENGLISH), part.metadata.language)
            for part in (leaflet, english)
        )
        other = {"href": ENGLISH_PART, "lang": english.metadata.language, "texts": texts}
        parts = [
            _render_part(leaflet, downloads, part_id="cy", other=other),
            _render_part(english, downloads, part_id=ENGLISH_PART, prefix=ENGLISH_PREFIX),
        ]
    token = _PAGE.set(_Citations(leaflet))
    try:
        return (
            _environment()
            .get_template("page.html.j2")
            .render(
                m=m,
                title=title,
                lang=m.language,
                dir=direction(m.language),
                stylesheet=stylesheet_href,
                downloads=downloads,
                # Each part ends with its own line break; the page puts one after it.
                parts=[Markup(part.removesuffix("\n")) for part in parts],
                published=m.published.isoformat(),
                review=m.next_review.isoformat() if m.next_review else None,
            )
        )
    finally:
        _PAGE.reset(token)


#: The text between two tags of a part (a part's markup holds no <script>, <style> or <title>).
_BETWEEN_TAGS = re.compile(r">([^<]+)<")


#: A run of figures that is not part of a word: "A4", "B12" or "COVID-19" is a name, and "12.5mg"
#: a measure, read with its letters (isolated, its figures would stand on the other side of them:
#: "4A"); the run is taken whole or not at all ("12" of "12.5mg" alone would read "5mg.12").
_LONE_FIGURES = re.compile(rf"(?<![^\W_])(?<![^\W_]-)(?>{FIGURES.pattern})(?![^\W_])")


def typeset(html: str, language: str) -> str:
    """The text of a part's `html` set as the PDF sets it, in one pass: figures in groups (a
    phone number) never cut across lines; one-letter words kept with the next (Polish, Czech,
    Slovak); right to left, each run of grouped figures an isolate set left to right (a browser
    sets such a run right to left inside Arabic or Urdu text, its groups in reverse order: a
    wrong number to dial). Right to left is the page's direction, or a passage's (an element
    with `dir="rtl"`: an Arabic line in an English leaflet)."""
    glue, rtl = keeps_one_letter_words(language), direction(language) == "rtl"

    def grouped(run: re.Match[str]) -> str:
        return run.group().replace(" ", "\u00a0")

    def isolated(run: re.Match[str]) -> str:
        return f'<bdi dir="ltr">{grouped(run)}</bdi>'

    def set_words(words: str, backwards: bool) -> str:
        if glue:
            words = glue_one_letter_words(words)
        # Right to left, every run of figures the PDF sets left to right ("0808-800-8000",
        # "+44 …", "10:30"); else the groups of a number only, kept on one line.
        return _LONE_FIGURES.sub(isolated, words) if backwards else GROUPED_FIGURES.sub(grouped, words)

    if rtl or _RTL_PASSAGE not in html:
        return _BETWEEN_TAGS.sub(lambda between: f">{set_words(between.group(1), rtl)}<", html)
    # Left to right with passages right to left: each text in the direction of the element it is in.
    out: list[str] = []
    within: list[tuple[str, bool]] = []
    for piece in _TAG_OR_TEXT.finditer(html):
        closing, name, rest, words = piece.groups()
        if words is not None:
            out.append(set_words(words, within[-1][1] if within else False))
            continue
        out.append(piece.group())
        name = name.lower()
        if closing:
            while within and within.pop()[0] != name:
                pass
        elif name not in _VOID and not rest.endswith("/"):
            said = _DIR.search(rest)
            within.append((name, said.group(1) == "rtl" if said else (within[-1][1] if within else False)))
    return "".join(out)


#: What marks an element set right to left, and the other parts of reading a part's markup.
_RTL_PASSAGE = 'dir="rtl"'
_DIR = re.compile(r'\sdir="(rtl|ltr|auto)"')
_TAG_OR_TEXT = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>|([^<]+)")
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr")
)


def _render_part(
    leaflet: Leaflet,
    downloads: tuple[Download, ...],
    *,
    part_id: str | None = None,
    prefix: str = "",
    other: dict[str, Any] | None = None,
) -> str:
    """One leaflet's title band and words; in a bilingual page (`part_id`), an article of its own."""
    m = leaflet.metadata
    cites = _Citations(leaflet, prefix)
    w = cites.words
    # (anchor, words, language, the tool's own words?) of each entry of "In this leaflet".
    toc = [(s.anchor, s.heading, s.lang, False) for s in leaflet.sections]
    if downloads:
        toc.append((DOWNLOADS_ANCHOR, DOWNLOADS_HEADING, None, True))
    if leaflet.references:
        toc.append((REFERENCES_ANCHOR, REFERENCES_HEADING, None, True))
    if leaflet.further_reading:
        toc.append((FURTHER_ANCHOR, FURTHER_HEADING, None, True))
    toc.append((ABOUT_ANCHOR, ABOUT_HEADING, None, True))
    if leaflet.next_steps:
        # Who can help comes last, as in the PDF: the last thing read is where to turn.
        toc.append((leaflet.next_steps.anchor, leaflet.next_steps.heading, None, False))
    token = _PAGE.set(cites)
    try:
        html = (
            _environment()
            .get_template("part.html.j2")
            .render(
                leaflet=leaflet,
                m=m,
                lang=m.language,
                dir=direction(m.language),
                bilingual=part_id is not None,
                part_id=part_id,
                prefix=prefix,
                other=other,
                toc=toc,
                downloads=downloads,
                cites=cites,
                about=about_lines(m, w),
                logo=_image_src(m.logo) if m.logo else None,
                headings={
                    "toc": TOC_HEADING,
                    "key_points": (KEY_POINTS_ANCHOR, KEY_POINTS_HEADING),
                    "downloads": (DOWNLOADS_ANCHOR, DOWNLOADS_HEADING),
                    "references": (REFERENCES_ANCHOR, REFERENCES_HEADING),
                    "further": (FURTHER_ANCHOR, FURTHER_HEADING),
                    "about": (ABOUT_ANCHOR, ABOUT_HEADING),
                },
            )
        )
    finally:
        _PAGE.reset(token)
    return typeset(html, m.language)
