"""The pipeline: content file + style sheet → checked model → laid-out pages → PDF files.

`render_pdf` lays one leaflet out with one theme; `build_editions` makes every
edition asked for and writes each file atomically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.platypus.doctemplate import LayoutError

from leaflet import patch, stamp
from leaflet.content.model import Leaflet
from leaflet.content.scripts import settable_in, unset_script_problems
from leaflet.editions import A5_SCREEN, BOOKLET_NOTE, EDITIONS, Edition
from leaflet.errors import ContentError, Problem
from leaflet.fonts import FontSet, check_coverage, font_set
from leaflet.frozen import frozen
from leaflet.i18n import furniture
from leaflet.layout.bilingual import ENGLISH_PREFIX, BilingualStory
from leaflet.layout.cache import LIKE, PAGINATIONS, Held, Settled
from leaflet.layout.figures import svg_text_problems
from leaflet.layout.markup import citation_anchor
from leaflet.layout.options import PLAIN, LayoutOptions
from leaflet.layout.page import LeafletDocTemplate, PageGeometry
from leaflet.layout.story import Pagination, Shared, StoryBuilder
from leaflet.pdf.canvas import LeafletCanvas
from leaflet.pdf.compact import compact
from leaflet.pdf.impose import impose, printer_note
from leaflet.pdf.metadata import doc_template_options
from leaflet.pdf.tags import PdfTagging, Tagging
from leaflet.pdf.write import write_atomically
from leaflet.plan import Plan, output_path, plan
from leaflet.rlseam import fix_timestamp
from leaflet.style import Theme, load_theme

if TYPE_CHECKING:
    from leaflet.web.page import Download

#: Page numbers printed in the contents and footer come from the pass before:
#: a draft pass learns them, a final pass prints them, and a third pass is a
#: safety net for the rare leaflet whose page numbers move the layout.
MAX_PASSES = 3

#: Set to 1 to build without a structure tree (see leaflet.stamp, which records it).
UNTAGGED_SWITCH = stamp.UNTAGGED_SWITCH


@frozen
class Built:
    """A file a build wrote: its path, edition, pages and size."""

    path: Path
    edition: str
    pages: int
    size: int
    #: The files a web page needs beside it (its stylesheet and fonts).
    assets: tuple[Path, ...] = ()
    #: The PDFs a web page could offer, there or not: it lists those there, with their sizes.
    offers: tuple[Path, ...] = ()


@frozen
class Rendered:
    """A PDF made in memory, and its number of pages."""

    data: bytes
    pages: int


def _render_once(
    leaflet: Leaflet,
    theme: Theme,
    pagination: Pagination,
    *,
    tagged: bool,
    draft: bool,
    options: LayoutOptions,
    bleed: float,
    title: str,
    shared: Shared,
    fonts: FontSet,
    english_fonts: FontSet | None = None,
    packed: bool = True,
    guessed: bool = False,
    keep: patch.Recorder | None = None,
) -> tuple[bytes, Pagination]:
    """Lay the leaflet out once. A draft pass only learns the page numbers: it neither tags nor writes.

    `fonts` (and a bilingual leaflet's `english_fonts`) are the build's, made once for all its passes.
    When the page numbers printed are `guessed`, the pass stops (WrongGuess) at the end of the first
    page that shows them wrong.
    """
    out = BytesIO()
    meta = doc_template_options(leaflet.metadata)
    meta["title"] = title
    geometry = PageGeometry.for_theme(theme, bleed)
    doc = LeafletDocTemplate(out, leaflet, theme, fonts, pagination, geometry, **meta)
    frame = (doc.width, doc.height)
    builder: StoryBuilder | BilingualStory
    if leaflet.bilingual is not None:
        assert english_fonts is not None
        builder = BilingualStory(leaflet, theme, fonts, english_fonts, pagination, frame, options, shared)
    else:
        builder = StoryBuilder(leaflet, theme, fonts, pagination, frame, options, shared)
    story = builder.build()
    if keep is not None and isinstance(builder, StoryBuilder):
        keep.builder = builder
    m = leaflet.metadata
    tagging = PdfTagging(builder.root, title, m.language, m.published) if tagged and not draft else Tagging()

    def make_canvas(*args: object, **kwargs: object) -> LeafletCanvas:
        kwargs["pdfVersion"] = (1, 7)
        canv = LeafletCanvas(
            *args,
            tagging=tagging,
            place_names=builder.place_names,
            draft=draft,
            words=builder.words,
            # Either half's passages in a script that is shaped (an Urdu line in the English half).
            shaping=fonts.shaped or (english_fonts is not None and english_fonts.shaped),
            rtl=builder.words.rtl,
            packed=packed,
            **kwargs,
        )
        fix_timestamp(canv, m.published)
        if keep is not None:
            canv.keep = keep
            keep.canvas = canv
        return canv

    if guessed:
        after_page = doc.afterPage

        def verified_page() -> None:
            after_page()
            if not _holds_so_far(pagination, doc.seen):
                raise WrongGuess("the page numbers guessed are not those found")

        doc.afterPage = verified_page  # type: ignore[method-assign]
    try:
        doc.build(story, canvasmaker=make_canvas)
    except LayoutError as exc:
        raise ContentError(_layout_problem(str(exc), leaflet, theme)) from None
    return out.getvalue(), doc.seen


def _passage_scripts(theme: Theme, lang: str) -> frozenset[str]:
    """The scripts a passage marked `lang` can set: its language's, when the sheet names a family
    for it (an Urdu line in an English leaflet sets Arabic script)."""
    return settable_in(lang) if theme.text_font_for(lang) != theme.text_font else frozenset()


def _check_svg_text(leaflet: Leaflet, fonts: FontSet) -> None:
    """Text in the leaflet's SVG pictures that the PDF would print as empty boxes, or broken."""
    problems = svg_text_problems(leaflet.images(), fonts.text.covers_all, fonts.text.name)
    if problems:
        raise ContentError(problems)


class WrongGuess(Exception):
    """A pass printing guessed page numbers found, at the end of a page, that they are wrong."""


def _holds_so_far(guess: Pagination, seen: Pagination) -> bool:
    """Whether the pages laid out so far agree with the guess: every anchor placed on the page the
    guess gives it, none the guess puts on these pages missing, and no more pages than it says."""
    done = seen.total
    if done > guess.total:
        return False
    for anchor, page in seen.pages.items():
        if guess.pages.get(anchor) != page:
            return False
    return all(anchor in seen.pages for anchor, page in guess.pages.items() if page <= done)


def _layout_problem(message: str, leaflet: Leaflet, theme: Theme) -> Problem:
    """ReportLab's "too large" as a located problem: at the text that would not fit, if it can be told."""
    # The message names the block by its words (every text in it, for a block of several):
    # the longest text found there is the likeliest to have made it too large. Its spaces that
    # do not break (a phone number's, a Polish one-letter word's) were spaces in the content.
    message = message.replace("\u00a0", " ")
    named = [t for t in leaflet.texts if len(t.text) >= 8 and " ".join(t.text.split())[:20] in message]
    found = max(named, key=lambda t: len(t.text), default=None)
    page = re.search(r"on page (\d+)", message)
    where = f" on page {page.group(1)}" if page else ""
    if found is not None:
        return Problem(
            found.location,
            f"this text cannot be laid out{where}: it is too large for a page of {theme.name} "
            f"({theme.source}); shorten it or break it up",
        )
    return Problem(
        leaflet.metadata.location,
        f"the leaflet cannot be laid out{where}: a block is too large for a page of {theme.name} "
        f"({theme.source}); check the sheet's sizes, margins and padding",
    )


def render_pdf(leaflet: Leaflet, theme: Theme, *, tagged: bool | None = None) -> bytes:
    """Lay the leaflet out as it is and return the PDF's bytes (tagged PDF/UA-1 unless told otherwise)."""
    return _render(leaflet, theme, tagged=tagged).data


def _render(
    leaflet: Leaflet,
    theme: Theme,
    *,
    tagged: bool | None = None,
    options: LayoutOptions = PLAIN,
    bleed: float = 0.0,
    title_suffix: str = "",
    compacted: bool = True,
    guess: Pagination | None = None,
) -> Rendered:
    """Lay out until the page numbers printed are those found; `guess`, when nothing is remembered."""
    if tagged is None:
        tagged = not stamp.untagged_switch_on()
    # The pagination is remembered by the sheet as asked for, as `render_edition` and a batch's
    # records look it up; the layout uses the sheet as the language sets it: lines further apart
    # where its script needs it (Nastaliq's tall words).
    sheet = theme
    theme = theme.for_language(leaflet.metadata.language)
    fonts = font_set(theme, leaflet.metadata.language, leaflet.passage_languages)
    # Text the PDF cannot set (it would print backwards) is refused before glyphs are looked for;
    # a leaflet in Arabic, Urdu or Bengali whose sheet gives it a text family is shaped.
    settable = settable_in(leaflet.metadata.language) if fonts.shaped else None
    printed = (*leaflet.texts, *leaflet.addresses)
    unset = unset_script_problems(printed, settable, partial(_passage_scripts, theme))
    if unset:
        raise ContentError(unset)
    check_coverage(printed, fonts)
    _check_svg_text(leaflet, fonts)
    title = leaflet.metadata.title
    english_fonts = None
    if leaflet.bilingual is not None:
        english = leaflet.bilingual.english
        english_fonts = font_set(theme, english.metadata.language, english.passage_languages)
        english_printed = (*english.texts, *english.addresses)
        unset = unset_script_problems(
            english_printed,
            settable_in(english.metadata.language) if english_fonts.shaped else None,
            partial(_passage_scripts, theme),
        )
        if unset:
            raise ContentError(unset)
        check_coverage(english_printed, english_fonts)
        _check_svg_text(english, english_fonts)
        # Both titles, Welsh first, as on the cover.
        title = f"{title} / {english.metadata.title}"
    settings = dict(
        tagged=tagged,
        options=options,
        bleed=bleed,
        title=title + (furniture(leaflet.metadata.language)(title_suffix) if title_suffix else ""),
        shared=Shared(),
        fonts=fonts,
        english_fonts=english_fonts,
        packed=compacted,
    )
    # The page numbers this leaflet's last build in this process settled on: when printing them
    # gives the same page numbers again, one pass is enough. A leaflet new to this process starts
    # from those of the last one laid out like it (the same sheet, edition and sections: a
    # catalogue's leaflets made from one template). A wrong guess is given up at the end of the
    # first page that shows it, and the passes start afresh, as in a first build: it costs part of
    # a pass and changes nothing.
    remembered = _remembered(sheet, leaflet, options, tagged=tagged, bleed=bleed, title_suffix=title_suffix)
    keeping = patch.on() and compacted and leaflet.bilingual is None
    if keeping:
        # An edit that moves nothing (`leaflet watch`): the last build's PDF, patched.
        done = patch.patched(remembered, leaflet, theme, settings)
        if done is not None:
            return Rendered(*done)

    def kept(recorder: patch.Recorder | None, data: bytes, seen: Pagination) -> None:
        if recorder is not None:
            patch.keep(remembered, leaflet, theme, settings, recorder, seen, data)

    alike = _alike(remembered, leaflet)
    names = _named(leaflet)
    known = PAGINATIONS.get(remembered)
    if known is not None and not all(name in known.pages for name in names):
        # A heading renamed since (its anchor is made from its words): the last pagination names a
        # place this leaflet no longer has, and would be given up at its page. The pagination of
        # the leaflet laid out alike (this one, before the edit) is taken under the new names.
        known = None
    like = None if known is not None or guess is not None else _translated(LIKE.get(alike), names)
    guess = known or guess or like
    if guess is not None:
        recorder = patch.Recorder() if keeping else None
        try:
            data, seen = _render_once(
                leaflet, theme, guess, draft=False, guessed=True, keep=recorder, **settings
            )
        except WrongGuess:
            pass
        else:
            if seen == guess:
                if like is not None:
                    PAGINATIONS.put(remembered, seen)
                LIKE.put(alike, (names, seen))
                kept(recorder, data, seen)
                return Rendered(data, seen.total)
    _, pagination = _render_once(leaflet, theme, Pagination(), draft=True, **settings)
    for _ in range(MAX_PASSES - 1):
        recorder = patch.Recorder() if keeping else None
        data, seen = _render_once(leaflet, theme, pagination, draft=False, keep=recorder, **settings)
        if seen == pagination:
            PAGINATIONS.put(remembered, seen)
            LIKE.put(alike, (names, seen))
            kept(recorder, data, seen)
            break
        pagination = seen
    return Rendered(data, seen.total)


def _alike(remembered: Settled, leaflet: Leaflet) -> tuple[Any, ...]:
    """What leaflets laid out alike share (LIKE): the sheet and edition settings, and the shape of
    what their page numbers are printed for (as many sections and references, further reading and
    next steps or not) and as many printed texts. Their headings and references may be named
    otherwise: a guess is translated name for name (`_translated`). Only a first guess: every guess
    is verified, and one from a leaflet of another length would mostly be wrong."""
    shape = tuple(
        (
            len(part.sections),
            len(part.references),
            bool(part.further_reading),
            part.next_steps is not None,
            len(part.texts),
        )
        for part in _parts(leaflet)
    )
    r = remembered
    return (r.theme, r.options, r.bleed, r.tagged, r.title_suffix, shape)


def _parts(leaflet: Leaflet) -> list[Leaflet]:
    """A leaflet, and a bilingual leaflet's English partner."""
    return [leaflet] if leaflet.bilingual is None else [leaflet, leaflet.bilingual.english]


def _named(leaflet: Leaflet) -> tuple[str, ...]:
    """The anchors a leaflet's own words name (its sections, references and next steps), in order:
    the same places in a leaflet of the same shape, under other names."""
    names: list[str] = []
    # A bilingual leaflet's English half names its places with a prefix of its own.
    for prefix, part in zip(("", ENGLISH_PREFIX), _parts(leaflet), strict=False):
        names += [prefix + section.anchor for section in part.sections]
        names += [prefix + citation_anchor(reference.id) for reference in part.references]
        if part.next_steps is not None:
            names.append(prefix + part.next_steps.anchor)
    return tuple(names)


def _translated(like: tuple[tuple[str, ...], Pagination] | None, names: tuple[str, ...]) -> Pagination | None:
    """The pagination of a leaflet laid out alike, its anchors given this leaflet's names."""
    if like is None:
        return None
    theirs, pagination = like
    if theirs == names:
        return pagination
    if len(theirs) != len(names) or len(set(theirs)) != len(theirs):
        return None  # not one place for one place: no guess
    to_ours = dict(zip(theirs, names, strict=True))
    return Pagination({to_ours.get(a, a): page for a, page in pagination.pages.items()}, pagination.total)


def _remembered(
    theme: Theme,
    leaflet: Leaflet,
    options: LayoutOptions,
    *,
    tagged: bool | None,
    bleed: float,
    title_suffix: str,
    compacted: bool = True,
) -> Settled:
    """What a settled pagination is remembered by (PAGINATIONS)."""
    if tagged is None:
        tagged = not stamp.untagged_switch_on()
    return Settled(Held(theme), leaflet.metadata.slug, options, bleed, tagged, title_suffix)


def render_edition(leaflet: Leaflet, edition: Edition, theme: Theme, *, compacted: bool = True) -> Rendered:
    """One edition's PDF. A booklet is padded with notes pages to whole sheets, then imposed.

    Not `compacted`, a PDF is left as ReportLab wrote it (only quicker to read back).
    """
    # Tagged unless the edition is a print sheet (or the measuring switch is on).
    settings = dict(
        tagged=None if edition.tagged else False,
        bleed=edition.bleed,
        title_suffix=edition.title_suffix,
        compacted=compacted,
    )
    if not edition.booklet:
        return _render(leaflet, theme, options=edition.options, **settings)
    # The A5 pages are only read back to be imposed (and the sheets are compacted): packing
    # them first would only make pypdf unpack them.
    settings["compacted"] = False
    plain = _render(leaflet, theme, options=edition.options, **settings)
    padding = -plain.pages % 4
    options = replace(edition.options, notes_pages=padding)
    if options == edition.options:
        padded = plain  # already whole sheets: the same layout again would give the same pages
    else:
        # The notes pages come after the leaflet's own: its headings stay where they were, and
        # only the count grows. The guess is verified as any other.
        settled = PAGINATIONS.get(_remembered(theme, leaflet, edition.options, **settings))
        guess = None if settled is None else Pagination(dict(settled.pages), settled.total + padding)
        padded = _render(leaflet, theme, options=options, guess=guess, **settings)
    words = furniture(leaflet.metadata.language)
    title = leaflet.metadata.title + words(edition.title_suffix)
    fonts = font_set(theme, leaflet.metadata.language, leaflet.passage_languages)

    def make_canvas(*args: Any, **kwargs: Any) -> LeafletCanvas:
        # The leaflet's own canvas, untagged: it shapes Arabic and Bengali as the pages do.
        return LeafletCanvas(
            *args, tagging=Tagging(), place_names={}, shaping=fonts.shaped, rtl=words.rtl, **kwargs
        )

    def runs(text: str) -> list[tuple[str, str]]:
        return [(family.regular, part) for family, part in fonts.runs(text)]

    body = theme.for_language(leaflet.metadata.language).style("body")
    note = printer_note(words(BOOKLET_NOTE), runs, body.size, make_canvas, words.rtl, body.leading)
    return Rendered(compact(impose(padded.data, title, note, words.rtl)), padded.pages // 2 + 1)


def build_editions(
    content: Path,
    editions: Iterable[str] | None = None,
    style: str | None = None,
    output: Path | None = None,
) -> list[Built]:
    """Build the editions asked for (else those the content lists); raise a LeafletError on bad input.

    Every file is written only once all editions have been made, each atomically:
    a problem in one edition leaves every earlier PDF as it was.
    """
    return build_plan(plan(content, editions, style), output)


def build_plan(work: Plan, output: Path | None = None) -> list[Built]:
    """Make and write every edition of a plan: the PDFs, then the web page that links to them."""
    if any(edition.web for edition in work.editions):
        from leaflet.web.write import render_web, write_web  # templates and web fonts: only for a web page

    themes: dict[str, Theme] = {}
    made: list[tuple[Edition, Path, Rendered]] = []
    pages = []
    for edition, path in zip(work.editions, work.paths(output), strict=True):
        if edition.style not in themes:
            themes[edition.style] = load_theme(edition.style)
        if edition.web:
            check_coverage(
                (*work.leaflet.texts, *work.leaflet.addresses),
                font_set(
                    themes[edition.style], work.leaflet.metadata.language, work.leaflet.passage_languages
                ),
            )
            sizes = {p: len(r.data) for _, p, r in made}
            downloads = pdf_downloads(work.leaflet, output, path, sizes)
            page = render_web(work.leaflet, themes[edition.style], downloads)
            pages.append((edition, path, page, offerable(work.leaflet, output)))
        else:
            made.append((edition, path, render_edition(work.leaflet, edition, themes[edition.style])))

    for _, path, rendered in made:
        write_atomically(path, rendered.data)
    built = [Built(path, edition.name, r.pages, len(r.data)) for edition, path, r in made]
    for edition, path, page, offers in pages:
        write_web(page, path)
        assets = tuple(a for a, _ in page.assets(path))
        built.append(Built(path, edition.name, 1, len(page.html), assets, offers))
    return built


def offerable(leaflet: Leaflet, output: Path | None) -> tuple[Path, ...]:
    """Where each PDF a web page may offer is written, in the order the page lists them."""
    editions = (
        EDITIONS["standard"],
        EDITIONS["large-print"],
        A5_SCREEN,
        EDITIONS["booklet"],
        EDITIONS["press"],
    )
    return tuple(output_path(leaflet, edition, output) for edition in editions)


def pdf_downloads(
    leaflet: Leaflet, output: Path | None, page: Path, made: dict[Path, int]
) -> tuple[Download, ...]:
    """The PDFs a web page offers: those of this build, with their sizes, and those already beside it."""
    from leaflet.web.page import Download, relative_href

    offered = []
    labels = (
        EDITIONS["standard"],
        EDITIONS["large-print"],
        A5_SCREEN,
        EDITIONS["booklet"],
        EDITIONS["press"],
    )
    for edition, path in zip(labels, offerable(leaflet, output), strict=True):
        size = made.get(path)
        if size is None and path.is_file():
            size = path.stat().st_size
        if size is not None:
            offered.append(Download(edition.label, relative_href(path, page), size))
    return tuple(offered)


def pages_for_checks(work: Plan) -> dict[str, tuple[bytes, bool]]:
    """The readable editions of a plan, laid out in memory, for the checks that measure pages.

    The printed booklet is left out: its pages are the A5 edition's, measured there. The PDFs
    are not compacted: the rules read every page, and an object stream only slows that down.
    """
    pages: dict[str, tuple[bytes, bool]] = {}
    for edition in work.editions:
        if not edition.booklet and not edition.web:
            theme = load_theme(edition.style)
            rendered = render_edition(work.leaflet, edition, theme, compacted=False)
            pages[edition.name] = (rendered.data, theme.large_print)
    return pages


def page_for_checks(work: Plan) -> str | None:
    """The web edition's HTML, made in memory, when the plan has one."""
    for edition in work.editions:
        if edition.web:
            from leaflet.web.write import render_web

            return render_web(work.leaflet, load_theme(edition.style)).html.decode()
    return None


def build_leaflet(content: Path, style: str = "default", output: Path | None = None) -> Built:
    """Build the standard edition of one leaflet."""
    return build_editions(content, ["standard"], style, output)[0]
