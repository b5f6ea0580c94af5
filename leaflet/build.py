"""The pipeline: content file + style sheet → checked model → laid-out pages → PDF file."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from leaflet.content.loader import load_leaflet
from leaflet.content.model import Leaflet
from leaflet.content.texts import visible_texts
from leaflet.fonts import check_coverage, font_set
from leaflet.layout.page import LeafletDocTemplate
from leaflet.layout.story import Pagination, StoryBuilder
from leaflet.pdf.canvas import LeafletCanvas
from leaflet.pdf.metadata import doc_template_options, fixed_timestamp
from leaflet.pdf.tags import Tagging
from leaflet.pdf.write import write_atomically
from leaflet.style import Theme, load_theme

#: Page numbers printed in the contents and footer come from the pass before;
#: two passes settle them, a third is a safety net that is almost never used.
MAX_PASSES = 3


@dataclass(frozen=True)
class Built:
    path: Path
    pages: int
    size: int


def _render_once(leaflet: Leaflet, theme: Theme, pagination: Pagination) -> tuple[bytes, Pagination]:
    fonts = font_set(theme)
    builder = StoryBuilder(leaflet, theme, fonts, pagination)
    story = builder.build()
    tagging = Tagging()
    out = BytesIO()
    doc = LeafletDocTemplate(out, leaflet, theme, pagination, **doc_template_options(leaflet.metadata))

    def make_canvas(*args: object, **kwargs: object) -> LeafletCanvas:
        canv = LeafletCanvas(*args, tagging=tagging, place_names=builder.place_names, **kwargs)
        canv._doc._timeStamp = fixed_timestamp(leaflet.metadata.published)
        return canv

    doc.build(story, canvasmaker=make_canvas)
    return out.getvalue(), doc.seen


def render_pdf(leaflet: Leaflet, theme: Theme) -> bytes:
    """Lay the leaflet out and return the PDF's bytes."""
    check_coverage(visible_texts(leaflet), font_set(theme))
    pagination = Pagination()
    for _ in range(MAX_PASSES):
        data, seen = _render_once(leaflet, theme, pagination)
        if seen == pagination:
            break
        pagination = seen
    return data


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
