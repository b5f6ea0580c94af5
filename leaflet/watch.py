"""`leaflet watch CONTENT`: an editor's loop. Every save rebuilds the editions, from a warm process.

The files a leaflet is built from (its content, the style sheets of its editions and the
sheets they extend, the fonts, the files the content names: its pictures and a Welsh leaflet's
English partner, the checks' settings, the tool) are summed up as one digest (the content and
the sheets by their bytes; fonts, named files and settings by size, time and inode). A save of
any of them wakes the loop at once where the system says when a file is saved
(`leaflet.saves`: Linux); otherwise, and for the tool and the fonts it comes with, the loop looks
again a few times a second. When the digest has changed, the editions are built again and the
time it took is printed with what `build` finds. A file named but not there yet (a picture, a
partner) is looked for, so putting it in place builds. The process stays up, so everything a
build learns (ReportLab's imports, the fonts, parsed markup, line breaks, page numbers, and where
each paragraph was drawn, for an edit of its words to be patched in) is there for the next one. Each PDF is written whole or not at all; a content file that does not read
(half saved, or with a mistake) is reported and the PDFs stay as they were. Ctrl-C stops the loop.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from leaflet import batch, stamp
from leaflet.errors import LeafletError
from leaflet.frozen import frozen
from leaflet.safeio import FileProblem, Identity, identity
from leaflet.saves import Saves

#: Seconds between looks at the files (a save the system reports wakes the loop sooner).
INTERVAL = 0.25


@frozen
class Watched:
    """What a build of the leaflet would read now, besides the tool and the fonts it comes with."""

    #: The editions built, and their style sheets (names or paths).
    names: tuple[str, ...]
    styles: tuple[str, ...]
    #: The files the content names (its pictures, a Welsh leaflet's English partner and its
    #: pictures), as named, there or not.
    named: tuple[Path, ...] = ()
    #: Where the checks' settings may be, nearest first.
    settings: tuple[Path, ...] = ()

    def files(self, content: Path) -> list[Path]:
        """The files whose saves wake the loop: the content, the files it names, the checks'
        settings in use, the sheets and the fonts they name."""
        files = [content, *self.named]
        files += [path for path in self.settings if path.is_file()][:1]
        for style in self.styles:
            files += stamp.sheet_files(style)
        return files


def _settings_files(content: Path) -> tuple[Path, ...]:
    """Where the checks' settings may be, nearest first (`checks.project_settings` takes the first there)."""
    from leaflet.checks import PROJECT_FILE

    try:
        folder = content.resolve().parent
    except (OSError, RuntimeError):  # a link that loops: the build says so, at its line
        folder = content.absolute().parent
    return tuple(place / PROJECT_FILE for place in (folder, *folder.parents))


def _editions(content: Path, editions: tuple[str, ...], style: str | None) -> Watched:
    """The editions a build would make now, their style sheets, and the other files it would read."""
    from leaflet.content import named
    from leaflet.plan import plan

    named.asked()  # what earlier reads named is not this one's
    work = plan(content, editions, style)
    return Watched(
        tuple(e.name for e in work.editions),
        tuple(e.style for e in work.editions),
        _sorted(named.asked()),
        _settings_files(content),
    )


def _sorted(paths: Iterable[Path]) -> tuple[Path, ...]:
    return tuple(sorted(set(paths)))


def _digest(content: Path, watched: Watched) -> str | None:
    """What the files a build reads are now; None while the content cannot be read (an editor
    replacing it): the next look tries again."""
    try:
        inputs = stamp.inputs(content, watched.names, watched.styles)
    except (OSError, FileProblem, LeafletError):
        return None
    # Named files by what they are, as fonts are (a build reads them whole; a look need not), a
    # missing one as missing; and the checks' settings, which decide what the build reports.
    return f"{inputs} {[identity(path) for path in (*watched.named, *watched.settings)]}"


def _after(
    content: Path, watched: Watched, found: Watched, built_from: str, seen: dict[Path, Identity]
) -> tuple[Watched, str | None]:
    """What is watched after a build that started from the files as `built_from` sums them up,
    and the digest taken as built (None: build again at the next look).

    When the build changed what is watched (a picture or a partner named, the first build after
    a file that did not read), the digest is taken again over the new set; but a save made while
    the build ran must still be built. A file already watched shows it in the old set's digest;
    a file new to the set, in what it is now against what it was when the build looked at it
    (`seen`); a new sheet cannot tell, and is built again.
    """
    if found == watched:
        return watched, built_from
    fresh = _digest(content, found)  # first: a save after this is seen at the next look anyway
    other_sheets = (found.names, found.styles) != (watched.names, watched.styles)
    if other_sheets or _digest(content, watched) != built_from:
        return found, None
    for path in set(found.named) - set(watched.named):
        if path not in seen or identity(path) != seen[path]:
            return found, None
    return found, fresh


def rebuild(
    content: Path, editions: tuple[str, ...], style: str | None, output: Path | None
) -> tuple[batch.Outcome, float]:
    """Build every edition once, whatever the up-to-date records say; the outcome and the seconds taken.

    Each build keeps what patching its PDF needs, and an edit of a paragraph's words that moves
    nothing is patched into the last build's PDF (`leaflet.patch`): the same file, without laying
    the leaflet out again. The cyclic collector waits while the editions are built: the loop
    collects after each rebuild has been reported, while the editor is writing.
    """
    from leaflet import patch

    start = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()
    try:
        with patch.keeping():
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
    except Exception:  # anything the first build will say in its own words
        watched = Watched(editions or ("standard",), ("default",), settings=_settings_files(content))
    print(f"watching {content} (Ctrl-C to stop)", file=out, flush=True)
    built_from: str | None = None
    set_aside = False
    watching = False  # whether saves watches the files `watched` names (worked out after each build)
    with Saves() as saves:
        try:
            while keep_going():
                if not watching:
                    with contextlib.suppress(OSError, FileProblem, LeafletError):
                        # (A sheet gone for a moment: the next look finds it, and this is tried again.)
                        saves.watch(watched.files(content))
                        watching = True
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
                    watched, built_from = _found(content, editions, style, watched, now)
                    watching = False
                saves.wait(interval)
        except KeyboardInterrupt:
            print("stopped: every PDF is whole", file=out, flush=True)
    return 0


def _found(
    content: Path, editions: tuple[str, ...], style: str | None, watched: Watched, built_from: str
) -> tuple[Watched, str | None]:
    """After a build: what to watch (read again; after a failed build, what was watched and every
    file the content named, one still to come among them) and the digest taken as built."""
    from leaflet.content import named

    seen = named.asked()  # what the build looked at, as it was then
    try:
        found = _editions(content, editions, style)
    except Exception:  # the build said why in its own words
        found = replace(watched, named=_sorted([*watched.named, *seen]))
    return _after(content, watched, found, built_from, dict(seen))


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
