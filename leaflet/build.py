"""The pipeline: content file + style sheet → checked model → laid-out pages → PDF file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from leaflet.content.loader import load_leaflet
from leaflet.content.model import Leaflet
from leaflet.fonts import check_coverage, font_set
from leaflet.layout.page import LeafletDocTemplate
from leaflet.layout.story import Pagination, StoryBuilder
from leaflet.pdf.canvas import LeafletCanvas
from leaflet.pdf.compact import compact
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
    pages: int
    size: int


def _render_once(
    leaflet: Leaflet, theme: Theme, pagination: Pagination, tagged: bool, draft: bool = False
) -> tuple[bytes, Pagination]:
    """Lay the leaflet out once. A draft pass only learns the page numbers: it neither tags nor writes."""
    fonts = font_set(theme)
    builder = StoryBuilder(leaflet, theme, fonts, pagination)
    story = builder.build()
    m = leaflet.metadata
    tagging = (
        PdfTagging(builder.root, m.title, m.language, m.published) if tagged and not draft else Tagging()
    )
    out = BytesIO()
    doc = LeafletDocTemplate(out, leaflet, theme, fonts, pagination, **doc_template_options(leaflet.metadata))

    def make_canvas(*args: object, **kwargs: object) -> LeafletCanvas:
        kwargs["pdfVersion"] = (1, 7)
        canv = LeafletCanvas(*args, tagging=tagging, place_names=builder.place_names, draft=draft, **kwargs)
        canv._doc._timeStamp = fixed_timestamp(leaflet.metadata.published)
        return canv

    doc.build(story, canvasmaker=make_canvas)
    return out.getvalue(), doc.seen


def render_pdf(leaflet: Leaflet, theme: Theme, *, tagged: bool | None = None) -> bytes:
    """Lay the leaflet out and return the PDF's bytes (tagged PDF/UA-1 unless told otherwise)."""
    if tagged is None:
        tagged = os.environ.get(UNTAGGED_SWITCH, "") != "1"
    check_coverage(leaflet.texts, font_set(theme))
    _, pagination = _render_once(leaflet, theme, Pagination(), tagged, draft=True)
    for _ in range(MAX_PASSES - 1):
        data, seen = _render_once(leaflet, theme, pagination, tagged)
        if seen == pagination:
            break
        pagination = seen
    return compact(data)


def default_output(leaflet: Leaflet, folder: Path = Path("output")) -> Path:
    return folder / f"{leaflet.metadata.slug}.pdf"


def build_leaflet(content: Path, style: str = "default", output: Path | None = None) -> Built:
    """Build one leaflet; raise a LeafletError (and leave any earlier PDF alone) on bad input."""
    leaflet = load_leaflet(content)
    theme = load_theme(style)
    data = render_pdf(leaflet, theme)
    path = output or default_output(leaflet)
    write_atomically(path, data)
    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(data)).pages)
    return Built(path, pages, len(data))
