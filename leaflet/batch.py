"""Many leaflets at once: parallel processes, progress, and skipping what is up to date.

A leaflet is rebuilt only when something it is built from has changed: its
content file, the style sheets of its editions (with the sheets they extend),
the fonts, or the tool itself, and the PDFs on disk are still those that were
written (see `leaflet.stamp`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflet import stamp
from leaflet.errors import LeafletError, Location, Problem, UsageError
from leaflet.frozen import frozen
from leaflet.safeio import FileProblem, read_file

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

CONTENT_SUFFIXES = (".yaml", ".yml")


@frozen
class Outcome:
    """What happened to one content file, in a form that crosses process boundaries."""

    content: str
    status: str  # "built", "skipped" or "failed"
    paths: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    #: What `check` finds (errors and warnings), shown but never failing the build.
    findings: tuple[str, ...] = ()


def expand(inputs: Iterable[Path]) -> list[Path]:
    """Content files named, and those found in folders named (recursively), in a stable order."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            inside = sorted(
                p
                for p in item.rglob("*")
                if p.suffix in CONTENT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(item).parts)
                and _looks_like_leaflet(p)
            )
            if not inside:
                raise UsageError(
                    Problem(Location.of_file(item), "a folder with no content files (*.yaml) in it")
                )
            found += inside
        else:
            found.append(item)
    return list(dict.fromkeys(found))


def _looks_like_leaflet(path: Path) -> bool:
    """Everything but the files that are plainly not leaflets: settings files and style sheets.

    Anything else is built, so that a leaflet with a mistake in it is reported, not skipped.
    """
    if path.name == "leaflet-checks.yaml":
        return False
    try:
        head = read_file(path, 65536, whole=False).removeprefix(b"\xef\xbb\xbf")
    except FileProblem:
        return True  # let the build say what is wrong with it
    is_sheet = re.search(rb"^styles\s*:", head, re.MULTILINE) is not None
    return not is_sheet or re.search(rb"^metadata\s*:", head, re.MULTILINE) is not None


def clashes(
    contents: list[Path],
    editions: tuple[str, ...],
    output: Path | None,
    style: str | None = None,
    *,
    meanwhile: Callable[[], object] | None = None,
    known: dict[Path, tuple[str, ...]] | None = None,
) -> list[Problem]:
    """Leaflets that would write the same PDF (a slug, or a slug and an edition, meeting another's).

    When there is work to do, `meanwhile` (making ready to build: `warm_up`) runs here while a
    forked process reads the leaflets (which takes about as long). The leaflets found up to date
    on the way, with the files their records vouch for, are put in `known` (for `run`).
    """
    if len(contents) < 2:
        return []
    # Leaflets that are all up to date write what their records say (each recorded the files it
    # wrote when nothing clashed): told without reading any of them.
    written = [stamp.quick_skip(content, editions, style, output) for content in contents]
    if known is not None:
        known.update((c, paths) for c, paths in zip(contents, written, strict=True) if paths is not None)
    if all(paths is not None for paths in written):
        return []
    # Side by side only where there are two processors to do it.
    context = _warm_context() if meanwhile is not None and (os.cpu_count() or 1) > 1 else None
    if context is None:
        if meanwhile is not None:
            meanwhile()
        return _slug_clashes(contents, editions)
    with _forked(1, context, [(_slug_clashes, (contents, editions))]) as (future,):
        meanwhile()  # type: ignore[misc]
        try:
            found = future.result()
        except Exception:  # the reading process failed (killed, out of memory): read them here
            found = None
    return _slug_clashes(contents, editions) if found is None else found


@contextlib.contextmanager
def _forked(
    workers: int, context: Any, calls: list[tuple[Callable[..., Any], tuple[Any, ...]]]
) -> Iterator[list[Any]]:
    """`workers` processes forked from this one and given `calls`: their futures, in order.

    The stop signals wait while the processes are forked (one arriving during a fork would be
    lost). Left by an error or a stop (Ctrl-C, SIGTERM), the block ends every worker at once,
    each removing the temporary file it was writing; else the pool is shut down after it.
    """
    from concurrent.futures import ProcessPoolExecutor

    pool = None
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_setup)
            futures = [pool.submit(call, *args) for call, args in calls]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        yield futures
    except BaseException:
        if pool is not None:
            _stop_workers(pool)
        raise
    pool.shutdown()


def warm_up(editions: tuple[str, ...] = (), style: str | None = None) -> None:
    """What the first build would load first (the layout engine, the checks, the sheets asked for)."""
    import leaflet.build
    import leaflet.checks

    try:
        from leaflet.editions import EDITIONS

        for sheet in {style} if style else {EDITIONS[name].style for name in editions if name in EDITIONS}:
            leaflet.build.load_theme(sheet)
    except Exception:
        pass  # the build says what is wrong


def _slug_clashes(contents: list[Path], editions: tuple[str, ...]) -> list[Problem]:
    from leaflet.editions import A5_SCREEN, EDITIONS
    from leaflet.yamlsource import read_yaml

    seen: dict[str, Path] = {}
    problems = []
    for content in contents:
        try:
            data = read_yaml(content).data
            slug = data["metadata"]["slug"]
            names = editions or tuple(data.get("editions", ["standard"]))
            chosen = [EDITIONS[n] for n in names]
        except Exception:
            continue
        if any(e.booklet for e in chosen):
            chosen.append(A5_SCREEN)
        for edition in chosen:
            name = edition.file_name(str(slug))
            if name in seen and seen[name] != content:
                problems.append(
                    Problem(
                        Location.of_file(content),
                        f"it would write {name}, as {seen[name]} does: give each leaflet its own slug",
                    )
                )
                break
            seen[name] = content
    return problems


def partners(leaflet: Any) -> tuple[Path, ...]:
    """The other files a leaflet is made from: a bilingual leaflet's English partner."""
    return (Path(leaflet.bilingual.path),) if leaflet.bilingual is not None else ()


def pictures(leaflet: Any) -> Iterator[Any]:
    """Every picture a leaflet shows, its English partner's too."""
    yield from leaflet.images()
    if leaflet.bilingual is not None:
        yield from leaflet.bilingual.english.images()


def build_one(
    content: Path,
    editions: tuple[str, ...],
    style: str | None,
    output: Path | None,
    force: bool,
    up_to_date: tuple[str, ...] | None = None,
) -> Outcome:
    """Build one content file's editions, or skip them when nothing has changed. Never raises.

    `up_to_date`: the files its records vouched for when this run began (`clashes` found it up to
    date), so that it is not looked at twice.
    """
    try:
        # What the last build read, compared without reading the content: most skips end here,
        # before the content, the schema or the style sheets are loaded.
        if force:
            skipped = None
        elif up_to_date is not None:
            skipped = up_to_date
        else:
            skipped = stamp.quick_skip(content, editions, style, output)
        if skipped is not None:
            return Outcome(str(content), "skipped", skipped)
        content_mark = stamp.mark(content)  # before the content is read for the build
        from leaflet.checks import PROJECT_FILE, project_settings, run_checks, settings_for
        from leaflet.plan import plan

        work = plan(content, editions, style)
        # Settings for the checks are input too: a mistake in them stops the build before
        # anything is written.
        project = project_settings(content)
        settings_for(work.leaflet, project)
        paths = work.paths(output)
        sheets: dict[str, list[Any]] = {}
        inputs = stamp.inputs(
            content,
            tuple(e.name for e in work.editions),
            (e.style for e in work.editions),
            (image.data for image in pictures(work.leaflet)),
            sheets,
            partners(work.leaflet),
        )
        untagged = stamp.untagged_switch_on()
        expected = [stamp.Expected(inputs, e.name, e.tagged and not untagged) for e in work.editions]
        if not force and all(map(stamp.up_to_date, paths, expected)):
            return Outcome(str(content), "skipped", tuple(map(str, paths)))
        # The page numbers the last build settled on, to start from; then no record may vouch
        # for a file that is about to change.
        left = [stamp.hints(path) for path in paths]
        for path in paths:
            stamp.forget(path)
        import datetime

        from leaflet.build import build_plan  # the layout engine, only when there is work for it
        from leaflet.layout.cache import recall_paginations, recorded_paginations
        from leaflet.style import load_theme, one_version

        # One version of each sheet for the whole build: its layout, checks and records.
        with one_version():
            slug = work.leaflet.metadata.slug
            for edition, hint in zip(work.editions, left, strict=True):
                recall_paginations(load_theme(edition.style), slug, hint.get("paginations"))
            facts = stamp.read_facts(
                (content, content_mark),
                (editions, style, output),
                [
                    (path, wanted, e.tagged)
                    for path, wanted, e in zip(paths, expected, work.editions, strict=True)
                ],
                sheets,
                ((image.path, image.named, image.data) for image in pictures(work.leaflet)),
                PROJECT_FILE,
                partners(work.leaflet),
            )
            built = build_plan(work, output)
            # The rules once the PDFs are written (run beside the writing, in a thread, they took
            # longer: the two took the interpreter from each other, and a PDF is written in a moment).
            findings = run_checks(
                work.leaflet,
                today=datetime.date.today(),
                project=project,
                styles=tuple(e.style for e in work.editions),
                # Plain-language advice and the measurements of laid-out pages are `check`'s: the
                # first needs a pronouncing dictionary, the second reads every PDF back, and a build
                # of many leaflets should not pay for either (the layout keeps those rules by
                # construction).
                advice=False,
            )
            for item, wanted, edition in zip(built, expected, work.editions, strict=True):
                paginations = recorded_paginations(load_theme(edition.style), slug)
                stamp.remember(
                    item.path, wanted, {"paginations": paginations}, facts, item.assets, item.offers
                )
            return Outcome(
                str(content), "built", tuple(str(b.path) for b in built), findings=tuple(map(str, findings))
            )
    except LeafletError as exc:
        return Outcome(str(content), "failed", problems=tuple(str(p) for p in exc.problems))
    except OSError as exc:
        return Outcome(str(content), "failed", problems=(f"{content}: error: {exc.strerror or exc}",))
    except FileProblem as exc:  # a file gone or replaced while it was read (an editor saving it)
        return Outcome(str(content), "failed", problems=(f"{exc.path}: error: {exc.reason}",))
    except Exception as exc:  # a bug must not stop the other leaflets of a batch
        return Outcome(
            str(content),
            "failed",
            problems=(f"{content}: error: internal error ({type(exc).__name__}: {exc})",),
        )


class Stopped(KeyboardInterrupt):
    """A signal (Ctrl-C's SIGINT, or SIGTERM) asked the tool to stop."""

    def __init__(self, signum: int | str) -> None:
        if not isinstance(signum, int):
            # Made again with a message by a library that annotates what passes through it
            # (ReportLab's paragraph parser): the signal is the one noted when it arrived.
            signum = _STOPPING[0] if _STOPPING else signal.SIGINT
        super().__init__(signum)
        self.signum = signum


#: Signals received, noted by `stop_requested` (the command line's handlers) before they raise
#: Stopped: Python drops an exception raised where it cannot be passed on (inside a fork, a
#: finaliser), so the batch also looks here between leaflets.
_STOPPING: list[int] = []
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def stop_requested(signum: int) -> None:
    _STOPPING.append(signum)


def reset_stop() -> None:
    _STOPPING.clear()


def check_stop() -> None:
    """Raise Stopped if a signal asked to stop, even one whose exception was lost."""
    if _STOPPING:
        raise Stopped(_STOPPING[0])


def run(
    contents: list[Path],
    editions: tuple[str, ...],
    style: str | None,
    output: Path | None,
    force: bool,
    jobs: int,
    report: Callable[[int, int, Outcome], None],
    known: dict[Path, tuple[str, ...]] | None = None,
) -> list[Outcome]:
    """Build every content file; one bad file never stops the others. `known`: those found up to
    date when the run began (by `clashes`), skipped without being looked at again.

    Ctrl-C (or SIGTERM) stops everything at once: the worker processes are ended,
    each removing the temporary file it was writing, so every PDF is either whole
    or as it was, and the interruption is raised to the caller.
    """
    outcomes: list[Outcome] = []
    total = len(contents)
    # Up to date means nothing to a forced build: every leaflet is built, by the workers asked for.
    known = {} if force else (known or {})
    # Workers only for work: a folder found up to date is gone through here.
    if jobs <= 1 or total == 1 or all(content in known for content in contents):
        collecting = gc.isenabled()
        try:
            for content in contents:
                outcome = build_one(content, editions, style, output, force, known.get(content))
                outcomes.append(outcome)
                report(len(outcomes), total, outcome)
                if total > 1:
                    _collect_between(len(outcomes))
                check_stop()
        finally:
            if collecting:
                gc.enable()
        return outcomes
    from concurrent.futures import FIRST_COMPLETED, wait  # only when there are workers

    # The first leaflet is built here, and the workers are forked from this process after it:
    # they start warm (ReportLab imported, fonts read, markup parsed, lines broken) instead of
    # each paying for a cold start.
    outcomes.append(build_one(contents[0], editions, style, output, force, known.get(contents[0])))
    report(1, total, outcomes[0])
    check_stop()
    # What the first build made (modules, fonts, parsed markup, line breaks) lives as long as the
    # process: the collector need not look at it again in each worker, nor touch the pages the
    # workers share with this process.
    gc.freeze()
    calls = [(_build_in_worker, (c, editions, style, output, force, known.get(c))) for c in contents[1:]]
    with _forked(min(jobs, total - 1), _warm_context(), calls) as futures:
        pending = set(futures)
        while pending:
            check_stop()
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                outcome = future.result()
                outcomes.append(outcome)
                report(len(outcomes), total, outcome)
    order = {str(c): i for i, c in enumerate(contents)}
    return sorted(outcomes, key=lambda o: order[o.content])


#: Leaflets built between two runs of the cyclic garbage collector, in a batch.
COLLECT_EVERY = 8


def _collect_between(built: int) -> None:
    """After each leaflet of a batch: the collector runs every COLLECT_EVERY leaflets, not as objects pile up.

    A build makes tens of thousands of objects, a few of them in cycles (a canvas and its document);
    the collector, left to itself, walks them dozens of times a leaflet. After the first build, what
    it made (modules, fonts, markup and line breaks remembered) is set aside for good, and the
    collector is paused: every few leaflets it looks once at the youngest objects (all that those
    leaflets made, their cycles among them), and now and then at everything.
    """
    if built == 1:
        gc.freeze()
        gc.disable()
    elif built % (COLLECT_EVERY * 8) == 0:
        gc.collect()  # now and then everything, for a cycle that reaches into what an earlier run kept
    elif built % COLLECT_EVERY == 0:
        gc.collect(0)


#: Leaflets this worker process has built.
_BUILT_HERE: list[int] = [0]


def _build_in_worker(*args: Any) -> Outcome:
    """`build_one(*args)` in a worker (forked after the first build: its leaflets count on from there)."""
    outcome = build_one(*args)
    _BUILT_HERE[0] += 1
    _collect_between(_BUILT_HERE[0])
    return outcome


def _warm_context() -> Any:
    """Workers forked from this process, where the platform forks safely; else the default."""
    import sys

    if sys.platform == "linux":
        import multiprocessing  # only when there are workers: a one-leaflet build never starts one

        return multiprocessing.get_context("fork")
    return None


def _worker_setup() -> None:
    """In each worker: Ctrl-C is the main process's to handle; SIGTERM ends the worker cleanly."""
    import leaflet.pdf.write  # noqa: F401  (loaded now: the SIGTERM handler uses it)

    _STOPPING.clear()
    _BUILT_HERE[0] = 1  # the main process's first build, and what it left, are this worker's too
    gc.disable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # held while the worker was forked


def _worker_stop(signum: int, frame: object) -> None:
    from leaflet.pdf.write import remove_live_temporaries

    remove_live_temporaries()
    os._exit(128 + signum)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker now (each removes its temporary file), and forget the queued leaflets."""
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(2)
        if child.is_alive():
            child.kill()
            child.join(1)
