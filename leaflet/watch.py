"""`leaflet watch CONTENT`: an editor's loop. Every save rebuilds the editions, from a warm process.

The files a leaflet is built from (its content, the style sheets of its editions and the
sheets they extend, the fonts, the pictures it shows, the checks' settings, the tool) are summed
up as one digest (of their bytes; fonts, pictures and settings by size, time and inode). A save
of the content, a bilingual leaflet's partner, a picture, the settings or a sheet wakes the loop at once where the system says when a
file is saved (`leaflet.saves`: Linux); otherwise, and for everything else, the loop looks
again a few times a second. When the digest has changed, the editions are built again and the
time it took is printed with what `build` finds. The process stays up, so everything a build
learns (ReportLab's imports, the fonts, parsed markup, line breaks, page numbers) is there for
the next one. Each PDF is written whole or not at all; a content file that does not read (half
saved, or with a mistake) is reported and the PDFs stay as they were. Ctrl-C stops the loop.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from leaflet import batch, stamp
from leaflet.errors import LeafletError
from leaflet.frozen import frozen
from leaflet.safeio import FileProblem
from leaflet.saves import Saves
from leaflet.stamp import _identity

#: Seconds between looks at the files (a save the system reports wakes the loop sooner).
INTERVAL = 0.25


@frozen
class Watched:
    """What a build of the leaflet would read now, besides the tool and the fonts it comes with."""

    #: The editions built, and their style sheets (names or paths).
    names: tuple[str, ...]
    styles: tuple[str, ...]
    #: A bilingual leaflet's English partner.
    partners: tuple[Path, ...] = ()
    #: The pictures the leaflet (and its partner) shows.
    pictures: tuple[Path, ...] = ()

    def files(self, content: Path) -> list[Path]:
        """The files whose saves wake the loop: the content, its partner and pictures, the checks'
        settings in use, the sheets and the fonts they name."""
        files = [content, *self.partners, *self.pictures]
        files += [path for path in _settings_files(content) if path.is_file()][:1]
        for style in self.styles:
            files += stamp.sheet_files(style)
        return files


def _settings_files(content: Path) -> list[Path]:
    """Where the checks' settings may be, nearest first (`checks.project_settings` takes the first there)."""
    from leaflet.checks import PROJECT_FILE

    folder = content.resolve().parent
    return [place / PROJECT_FILE for place in (folder, *folder.parents)]


def _editions(content: Path, editions: tuple[str, ...], style: str | None) -> Watched:
    """The editions a build would make now, their style sheets, and the other files it would read."""
    from leaflet.plan import plan

    work = plan(content, editions, style)
    return Watched(
        tuple(e.name for e in work.editions),
        tuple(e.style for e in work.editions),
        batch.partners(work.leaflet),
        tuple(dict.fromkeys(Path(image.path) for image in batch.pictures(work.leaflet))),
    )


def _digest(content: Path, watched: Watched) -> str | None:
    try:
        inputs = stamp.inputs(content, watched.names, watched.styles, partners=watched.partners)
    except (OSError, FileProblem, LeafletError):
        return None  # gone for a moment (an editor replacing the file): look again
    # Pictures by what they are, as fonts are (a build reads them whole; a look need not); and the
    # checks' settings, which decide what the build reports (any of them made, changed or removed).
    return " ".join([inputs, *map(_identity, watched.pictures), *map(_identity, _settings_files(content))])


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
        watched = _editions(content, editions, style)
    except LeafletError:
        watched = Watched(editions or ("standard",), ("default",))
    print(f"watching {content} (Ctrl-C to stop)", file=out, flush=True)
    built_from: str | None = None
    set_aside = False
    with Saves() as saves:
        try:
            while keep_going():
                now = _digest(content, watched)
                if now is not None and now != built_from:
                    built_from = now
                    outcome, seconds = rebuild(content, editions, style, output)
                    _report(outcome, seconds, out, err)
                    gc.collect()  # what the rebuild left, collected before the next save
                    if not set_aside:
                        # What the first build leaves (modules, fonts, markup and line breaks
                        # remembered) lives as long as the loop: the collector need not look at it
                        # on every save.
                        gc.freeze()
                        set_aside = True
                    if outcome.status == "built":
                        try:
                            found = _editions(content, editions, style)
                        except LeafletError:
                            found = watched
                        if found != watched:
                            watched = found
                            built_from = _digest(content, watched)
                with contextlib.suppress(OSError, FileProblem, LeafletError):
                    # (A sheet gone for a moment: the next look finds it.)
                    saves.watch(watched.files(content))
                saves.wait(interval)
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
