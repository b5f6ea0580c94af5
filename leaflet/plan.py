"""What a build will make: the content read and checked, the editions chosen, the files named.

Free of ReportLab, so that learning a leaflet is up to date costs no layout engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from leaflet.content.loader import load_leaflet
from leaflet.content.model import Leaflet
from leaflet.editions import A5_SCREEN, EDITIONS, Edition, with_style
from leaflet.frozen import frozen


def output_path(leaflet: Leaflet, edition: Edition, output: Path | None) -> Path:
    """output/<slug><suffix>.pdf, or beside a name the user gave: OUT.pdf, OUT-large-print.pdf, …

    The web edition is <slug>.html (OUT.html) beside them.
    """
    if output is None:
        return Path("output") / edition.file_name(leaflet.metadata.slug)
    if output.suffix.lower() != ".pdf":
        return output / edition.file_name(leaflet.metadata.slug)
    return output.with_name(f"{output.stem}{edition.suffix}.{edition.extension}")


@frozen
class Plan:
    """A content file read and checked, and the editions to make of it."""

    leaflet: Leaflet
    editions: tuple[Edition, ...]

    def paths(self, output: Path | None) -> list[Path]:
        return [output_path(self.leaflet, edition, output) for edition in self.editions]


def plan(
    content: Path, editions: Iterable[str] | None = None, style: str | None = None, design: str | None = None
) -> Plan:
    """Read the content and settle the editions: those asked for, else those the content lists.

    `design` prints a bilingual leaflet in another of the designs than its content names.
    """
    leaflet = load_leaflet(content)
    if design is not None and leaflet.bilingual is not None:
        leaflet = replace(leaflet, bilingual=replace(leaflet.bilingual, design=design))
    names = tuple(editions) if editions else leaflet.editions
    # The web page comes last: it is written after the PDFs, which it links to with their sizes.
    names = tuple(sorted(names, key=lambda name: EDITIONS[name].web))
    chosen = [with_style(EDITIONS[name], style) for name in names]
    if any(e.booklet for e in chosen):
        # The print booklet goes out with its screen twin, the tagged A5 edition.
        at = next(i for i, e in enumerate(chosen) if e.booklet)
        chosen.insert(at, A5_SCREEN)
    return Plan(leaflet, tuple(chosen))
