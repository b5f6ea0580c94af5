"""Editions: one content file, several PDFs, each for a way the leaflet reaches a reader.

standard     A4, for email and office printers; links clickable, addresses printed
large-print  A4 reflowed at 18 pt (never an enlarged copy), after RNIB Clear Print
booklet      A5 pages padded with notes pages to whole sheets and imposed two-up on
             A4 landscape for saddle stitching (print version, untagged), written
             beside the readable, tagged A5 edition (`-a5`) for screens
press        A4 with 3 mm bleed, crop marks, TrimBox and BleedBox, for a printing firm
web          an HTML page (`<slug>.html`) with a stylesheet and fonts shared by every
             leaflet in `assets/` beside it; written after the PDFs, which it links to
"""

from __future__ import annotations

from dataclasses import replace

from leaflet.frozen import frozen
from leaflet.layout.options import PLAIN, LayoutOptions

#: A millimetre in points.
mm = 72 / 25.4

#: What the print version of a booklet says to whoever prints it, on a sheet after the booklet's own
#: (never on its cover, which faces patients).
BOOKLET_NOTE = "Print version: an A5 booklet. Print both sides, flip on the short edge, fold and staple."


@frozen
class Edition:
    """An edition of a leaflet: its sheet, its file name's suffix, and what it asks of the layout."""

    name: str
    style: str
    suffix: str
    options: LayoutOptions = PLAIN
    bleed: float = 0.0
    #: Pad to a multiple of this many pages and impose as a saddle-stitched booklet.
    booklet: bool = False
    title_suffix: str = ""
    tagged: bool = True
    #: What a person choosing a file is told about it ("Large print"), on the web page.
    label: str = ""
    #: The file's extension: pdf, or html for the web edition.
    extension: str = "pdf"

    def file_name(self, slug: str) -> str:
        return f"{slug}{self.suffix}.{self.extension}"

    @property
    def web(self) -> bool:
        return self.extension == "html"


EDITIONS: dict[str, Edition] = {
    "standard": Edition("standard", "default", "", label="Standard print, A4"),
    "large-print": Edition(
        "large-print", "large-print", "-large-print", LayoutOptions(qr=True), label="Large print, A4"
    ),
    "booklet": Edition(
        "booklet",
        "booklet",
        "-booklet",
        LayoutOptions(qr=True),
        booklet=True,
        title_suffix=" (print version: A5 booklet)",
        tagged=False,
        label="A5 booklet to print, fold and staple",
    ),
    "press": Edition(
        "press",
        "press",
        "-press",
        LayoutOptions(qr=True),
        bleed=3 * mm,
        label="For a printing firm, with bleed and crop marks",
    ),
    # Last, so that it is written after the PDFs it links to.
    "web": Edition("web", "default", "", label="Web page", extension="html"),
}

#: Written beside the booklet: the same A5 pages, readable on a screen, tagged.
A5_SCREEN = Edition("a5", "booklet", "-a5", LayoutOptions(qr=True), label="A5 pages, to read on a screen")

ALL = tuple(EDITIONS)


def resolve(names: list[str]) -> tuple[str, ...]:
    """Edition names in a stable order; 'all' means every edition. Unknown names raise KeyError."""
    wanted: list[str] = []
    for raw in names:
        for name in filter(None, (n.strip() for n in raw.split(","))):
            if name == "all":
                wanted.extend(ALL)
            elif name in EDITIONS:
                wanted.append(name)
            else:
                raise KeyError(name)
    return tuple(n for n in ALL if n in wanted)


def with_style(edition: Edition, style: str | None) -> Edition:
    """The standard, press and web editions take the style the user chose; the others have their own sheet."""
    if style and edition.name in ("standard", "press", "web"):
        return replace(edition, style=style)
    return edition
