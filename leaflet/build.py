"""The pipeline: content file + style sheet → checked model → laid-out pages → PDF files.

`render_pdf` lays one leaflet out with one theme; `build_editions` makes every
edition asked for and writes each file atomically.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

from leaflet.content.loader import load_leaflet
from leaflet.content.model import Leaflet
from leaflet.editions import A5_SCREEN, EDITIONS, Edition, with_style
from leaflet.fonts import check_coverage, font_set
from leaflet.i18n import furniture
from leaflet.layout.page import LeafletDocTemplate, PageGeometry
from leaflet.layout.story import PLAIN, LayoutOptions, Pagination, Shared, StoryBuilder
from leaflet.pdf.canvas import LeafletCanvas
from leaflet.pdf.compact import compact
from leaflet.pdf.impose import impose
from leaflet.pdf.metadata import doc_template_options, fixed_timestamp
from leaflet.pdf.tags import PdfTagging, Tagging
from leaflet.pdf.write import write_atomically
from leaflet.style import Theme, load_theme

#: Page numbers printed in the contents and footer come from the pass before:
#: a draft pass learns them, a final pass prints them, and a third pass is a
#: safety net for the rare leaflet whose page numbers move the layout.
MAX_PASSES = 3

#: Set to 1 to build without a structure tree. For measuring what tagging
#: costs (bench/), never for leaflets that people will read.
UNTAGGED_SWITCH = "LEAFLET_UNTAGGED"


@dataclass(frozen=True)
class Built:
    path: Path
    edition: str
    pages: int
    size: int


@dataclass(frozen=True)
class Rendered:
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
) -> tuple[bytes, Pagination]:
    """Lay the leaflet out once. A draft pass only learns the page numbers: it neither tags nor writes."""
    fonts = font_set(theme, leaflet.metadata.language)
    out = BytesIO()
    meta = doc_template_options(leaflet.metadata)
    meta["title"] = title
    geometry = PageGeometry.for_theme(theme, bleed)
    doc = LeafletDocTemplate(out, leaflet, theme, fonts, pagination, geometry, **meta)
    builder = StoryBuilder(leaflet, theme, fonts, pagination, (doc.width, doc.height), options, shared)
    story = builder.build()
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
            shaping=fonts.shaped,
            rtl=builder.words.rtl,
            **kwargs,
        )
        canv._doc._timeStamp = fixed_timestamp(m.published)
        return canv

    doc.build(story, canvasmaker=make_canvas)
    return out.getvalue(), doc.seen


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
) -> Rendered:
    if tagged is None:
        tagged = os.environ.get(UNTAGGED_SWITCH, "") != "1"
    check_coverage(leaflet.texts, font_set(theme, leaflet.metadata.language))
    settings = dict(
        tagged=tagged,
        options=options,
        bleed=bleed,
        title=leaflet.metadata.title
        + (furniture(leaflet.metadata.language)(title_suffix) if title_suffix else ""),
        shared=Shared(),
    )
    _, pagination = _render_once(leaflet, theme, Pagination(), draft=True, **settings)
    for _ in range(MAX_PASSES - 1):
        data, seen = _render_once(leaflet, theme, pagination, draft=False, **settings)
        if seen == pagination:
            break
        pagination = seen
    return Rendered(compact(data), seen.total)


def render_edition(leaflet: Leaflet, edition: Edition, theme: Theme) -> Rendered:
    """One edition's PDF. A booklet is padded with notes pages to whole sheets, then imposed."""
    # Tagged unless the edition is a print sheet (or the measuring switch is on).
    settings = dict(
        tagged=None if edition.tagged else False, bleed=edition.bleed, title_suffix=edition.title_suffix
    )
    if not edition.booklet:
        return _render(leaflet, theme, options=edition.options, **settings)
    plain = _render(leaflet, theme, options=edition.options, **settings)
    padding = -plain.pages % 4
    padded = _render(leaflet, theme, options=replace(edition.options, notes_pages=padding), **settings)
    title = leaflet.metadata.title + furniture(leaflet.metadata.language)(edition.title_suffix)
    return Rendered(compact(impose(padded.data, title)), padded.pages // 2)


def output_path(leaflet: Leaflet, edition: Edition, output: Path | None) -> Path:
    """output/<slug><suffix>.pdf, or beside a name the user gave: OUT.pdf, OUT-large-print.pdf, …"""
    if output is None:
        return Path("output") / edition.file_name(leaflet.metadata.slug)
    if output.suffix.lower() != ".pdf":
        return output / edition.file_name(leaflet.metadata.slug)
    return output.with_name(f"{output.stem}{edition.suffix}{output.suffix}")


@dataclass(frozen=True)
class Plan:
    """A content file read and checked, and the editions to make of it."""

    leaflet: Leaflet
    editions: tuple[Edition, ...]

    def paths(self, output: Path | None) -> list[Path]:
        return [output_path(self.leaflet, edition, output) for edition in self.editions]


def plan(content: Path, editions: Iterable[str] | None = None, style: str | None = None) -> Plan:
    """Read the content and settle the editions: those asked for, else those the content lists."""
    leaflet = load_leaflet(content)
    names = tuple(editions) if editions else leaflet.editions
    chosen = [with_style(EDITIONS[name], style) for name in names]
    if any(e.booklet for e in chosen):
        # The print booklet goes out with its screen twin, the tagged A5 edition.
        at = next(i for i, e in enumerate(chosen) if e.booklet)
        chosen.insert(at, A5_SCREEN)
    return Plan(leaflet, tuple(chosen))


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
    """Make and write every edition of a plan."""
    themes: dict[str, Theme] = {}
    made: list[tuple[Edition, Rendered]] = []
    for edition in work.editions:
        if edition.style not in themes:
            themes[edition.style] = load_theme(edition.style)
        made.append((edition, render_edition(work.leaflet, edition, themes[edition.style])))
    built = []
    for (edition, rendered), path in zip(made, work.paths(output), strict=True):
        write_atomically(path, rendered.data)
        built.append(Built(path, edition.name, rendered.pages, len(rendered.data)))
    return built


def pages_for_checks(work: Plan) -> dict[str, tuple[bytes, bool]]:
    """The readable editions of a plan, laid out in memory, for the checks that measure pages.

    The printed booklet is left out: its pages are the A5 edition's, measured there.
    """
    pages: dict[str, tuple[bytes, bool]] = {}
    for edition in work.editions:
        if not edition.booklet:
            theme = load_theme(edition.style)
            pages[edition.name] = (render_edition(work.leaflet, edition, theme).data, theme.large_print)
    return pages


def build_leaflet(content: Path, style: str = "default", output: Path | None = None) -> Built:
    """Build the standard edition of one leaflet."""
    return build_editions(content, ["standard"], style, output)[0]
