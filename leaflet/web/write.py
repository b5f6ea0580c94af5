"""The web edition made in memory, then put on disk: fonts, stylesheet, and the page last.

Layout on disk, beside the PDFs:

    output/ccsvi.html                         the page
    output/assets/leaflet-<hash>.css          one stylesheet for every leaflet made with the sheet
    output/assets/fonts/<Family>-<weight>-<hash>.woff2

Every file is written atomically, and the page only after the files it needs, so a
reader never meets a page without its stylesheet, and a failure leaves the earlier
page whole. Shared files are named by what they hold, so two builds (or two
processes of one batch) that write one agree on its bytes; one already there with
those bytes is left alone, and one that has been changed (or is a link) is written
again.
"""

from __future__ import annotations

from pathlib import Path

from leaflet.content.model import Leaflet
from leaflet.frozen import frozen
from leaflet.pdf.write import write_atomically
from leaflet.safeio import FileProblem, read_file
from leaflet.style import Theme
from leaflet.web.css import Stylesheet, stylesheet
from leaflet.web.page import Download, render_page

ASSETS = "assets"


@frozen
class WebPage:
    """A leaflet's page and what it needs, ready to write."""

    html: bytes
    stylesheet: Stylesheet

    def assets(self, page: Path) -> list[tuple[Path, object]]:
        """(path, bytes or a face to make them) for each file the page needs: fonts, then the stylesheet."""
        folder = page.parent / ASSETS
        files: list[tuple[Path, object]] = [
            (folder / "fonts" / f.file_name, f) for f in self.stylesheet.faces
        ]
        files.append((folder / self.stylesheet.file_name, self.stylesheet.css.encode()))
        return files


def render_web(leaflet: Leaflet, theme: Theme, downloads: tuple[Download, ...] = ()) -> WebPage:
    # Set as the PDF sets a leaflet in its language: Nastaliq's lines further apart.
    language = leaflet.metadata.language
    sheet = stylesheet(theme.for_language(language), language, leaflet.passage_languages)
    html = render_page(leaflet, f"{ASSETS}/{sheet.file_name}", downloads)
    return WebPage(html.encode(), sheet)


def write_web(page: WebPage, path: Path) -> None:
    for asset, content in page.assets(path):
        data = content if isinstance(content, bytes) else content.data()  # type: ignore[attr-defined]
        if _holds(asset, data):
            continue  # named by what it holds, and it does: another page wrote it
        write_atomically(asset, data, "web page's files")
    write_atomically(path, page.html, "web page")


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file there is a regular file (no link) with exactly these bytes."""
    try:
        return read_file(path, len(data), follow_links=False) == data
    except FileProblem:
        return False
