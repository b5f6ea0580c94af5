"""`leaflet watch CONTENT`: an editor's loop. Every save rebuilds the editions, from a warm process.

The files a leaflet is built from (its content, the style sheets of its editions and the
sheets they extend, the fonts, the tool) are looked at a few times a second, as one digest
of their bytes (fonts by size and time); when it changes, the editions are built again and
the time it took is printed with what `build` finds. The process stays up, so everything a
build learns (ReportLab's imports, the fonts, parsed markup, line breaks, page numbers) is
there for the next one. Each PDF is written whole or not at all; a content file that does
not read (half saved, or with a mistake) is reported and the PDFs stay as they were. Ctrl-C
stops the loop.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from leaflet import batch, stamp
from leaflet.errors import LeafletError
from leaflet.safeio import FileProblem

#: Seconds between looks at the files.
INTERVAL = 0.25


def _editions(
    content: Path, editions: tuple[str, ...], style: str | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Path, ...]]:
    """The editions a build would make now, their style sheets, and a bilingual leaflet's
    English partner (what to watch)."""
    from leaflet.plan import plan

    work = plan(content, editions, style)
    names = tuple(e.name for e in work.editions)
    return names, tuple(e.style for e in work.editions), batch.partners(work.leaflet)


def _digest(
    content: Path, names: tuple[str, ...], styles: tuple[str, ...], partners: tuple[Path, ...] = ()
) -> str | None:
    try:
        return stamp.inputs(content, names, styles, partners=partners)
    except (OSError, FileProblem, LeafletError):
        return None  # gone for a moment (an editor replacing the file): look again


def rebuild(
    content: Path, editions: tuple[str, ...], style: str | None, output: Path | None
) -> tuple[batch.Outcome, float]:
    """Build every edition once, whatever the up-to-date records say; the outcome and the seconds taken.

    The cyclic collector waits while the editions are built: the loop collects after each rebuild
    has been reported, while the editor is writing.
    """
    start = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()
    try:
        outcome = batch.build_one(content, editions, style, output, force=True)
    finally:
        if collecting:
            gc.enable()
    return outcome, time.perf_counter() - start


def watch(
    content: Path,
    editions: tuple[str, ...],
    style: str | None,
    output: Path | None,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    interval: float = INTERVAL,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Rebuild on every change until Ctrl-C (or until `keep_going` says no); the exit status."""
    try:
        names, styles, partners = _editions(content, editions, style)
    except LeafletError:
        names, styles, partners = editions or ("standard",), ("default",), ()
    print(f"watching {content} (Ctrl-C to stop)", file=out, flush=True)
    built_from: str | None = None
    frozen = False
    try:
        while keep_going():
            now = _digest(content, names, styles, partners)
            if now is not None and now != built_from:
                built_from = now
                outcome, seconds = rebuild(content, editions, style, output)
                _report(outcome, seconds, out, err)
                gc.collect()  # what the rebuild left, collected before the next save
                if not frozen:
                    # What the first build leaves (modules, fonts, markup and line breaks remembered)
                    # lives as long as the loop: the collector need not look at it on every save.
                    gc.freeze()
                    frozen = True
                if outcome.status == "built":
                    try:
                        found = _editions(content, editions, style)
                    except LeafletError:
                        found = (names, styles, partners)
                    if found != (names, styles, partners):
                        names, styles, partners = found
                        built_from = _digest(content, names, styles, partners)
            time.sleep(interval)
    except KeyboardInterrupt:
        print("stopped: every PDF is whole", file=out, flush=True)
    return 0


def _report(outcome: batch.Outcome, seconds: float, out: TextIO, err: TextIO) -> None:
    clock = time.strftime("%H:%M:%S")
    for finding in outcome.findings:
        print(finding, file=err)
    if outcome.status == "built":
        print(f"{clock} built in {seconds:.2f} s: {', '.join(outcome.paths)}", file=out)
    else:
        for problem in outcome.problems:
            print(problem, file=err)
        print(f"{clock} not built: the PDFs are as they were (fix the file and save again)", file=out)
    err.flush()
    out.flush()
