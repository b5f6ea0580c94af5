#!/usr/bin/env python3
"""Where writing a warm standard CCSVI build goes, and what tagging adds, stage by stage.

Run from the repository root:

    python bench/writing.py [--n 40]

After one untimed build, the standard edition is built N times with a new title each
(as the bench's warm figure is), then N times tagged and N times untagged, alternately,
each with a new title. CPU time (``time.process_time``) is taken around the whole build
and around each stage of writing the file: ``PdfTagging.finish`` (the structure tree),
``rlseam.document_objects`` (ReportLab's objects formatted) and ``compact.pack`` (the
object stream and the cross-reference stream), with ``LeafletCanvas.save`` around all
three; and around ``PdfTagging.text_code`` (marked content cut into each text object,
drawn while the pages are). CPU time, so that a shared machine's load counts less;
medians, so that one slow build does not count at all.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflet.build import render_edition, render_pdf  # noqa: E402
from leaflet.content.loader import load_leaflet  # noqa: E402
from leaflet.content.model import Leaflet  # noqa: E402
from leaflet.editions import EDITIONS  # noqa: E402
from leaflet.pdf import canvas, tags  # noqa: E402
from leaflet.style import load_theme  # noqa: E402

STAGES = {
    "finish": (tags.PdfTagging, "finish"),
    "document_objects": (canvas, "document_objects"),
    "pack": (canvas, "pack"),
    "save": (canvas.LeafletCanvas, "save"),
    "text_code": (tags.PdfTagging, "text_code"),
}


def timed(spent: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def stage(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    return stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=40, help="builds of each kind (default 40)")
    n = parser.parse_args().n
    leaflet = load_leaflet(ROOT / "content.yaml")
    edition = EDITIONS["standard"]
    theme = load_theme(edition.style)

    def titled(i: int) -> Leaflet:
        return replace(leaflet, metadata=replace(leaflet.metadata, title=f"{leaflet.metadata.title} ({i})"))

    spent: dict[str, float] = defaultdict(float)
    for name, (owner, attribute) in STAGES.items():
        setattr(owner, attribute, timed(spent, name, getattr(owner, attribute)))
    render_edition(leaflet, edition, theme)

    def one(build: Callable[[], object]) -> dict[str, float]:
        spent.clear()
        start = time.process_time()
        build()
        return {"build": time.process_time() - start, **spent}

    warm = [one(lambda i=i: render_edition(titled(i), edition, theme)) for i in range(n)]
    kinds: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for i in range(n):
        for tagged in (True, False) if i % 2 else (False, True):
            kinds[tagged].append(one(lambda i=i, t=tagged: render_pdf(titled(n + i), theme, tagged=t)))

    def median(runs: list[dict[str, float]], name: str) -> float:
        return statistics.median(run.get(name, 0.0) for run in runs) * 1000

    print(f"warm standard build, {n} builds with new titles (CPU ms, medians)")
    whole = median(warm, "build")
    print(f"  {'build':18} {whole:7.2f}")
    for name in ("save", "finish", "document_objects", "pack"):
        print(f"  {name:18} {median(warm, name):7.2f}  {median(warm, name) / whole:6.1%} of the build")
    print(f"tagged and untagged, {n} of each, alternately, new titles (CPU ms, medians)")
    print(f"  {'stage':18} {'tagged':>7} {'untagged':>9} {'added':>7}")
    for name in ("build", "text_code", "finish", "document_objects", "pack", "save"):
        on, off = median(kinds[True], name), median(kinds[False], name)
        print(f"  {name:18} {on:7.2f} {off:9.2f} {on - off:7.2f}")
    ratio = median(kinds[True], "build") / median(kinds[False], "build")
    print(f"  tagged/untagged {ratio:.3f} (ratio of medians)")


if __name__ == "__main__":
    main()
