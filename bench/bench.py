#!/usr/bin/env python3
"""How fast, how big and how hungry CCSVI leaflet builds are, measured in one run.

Run from the repository root:

    python bench/bench.py [--n 20] [--batch 100] [--json]

What is measured (docs/performance.md explains each figure and the targets):

1. **warm build of each edition** - ``render_edition(leaflet, edition, theme)`` in
   this process, with the content and every style sheet loaded beforehand: layout,
   PDF writing and compaction only (the booklet includes its padding pass and the
   imposition). One untimed build of every edition runs first, so font parsing and
   lazy imports are not counted; then N rounds, each building every edition once.
2. **tagged/untagged** - ``render_pdf(leaflet, theme)`` against
   ``render_pdf(leaflet, theme, tagged=False)`` for the standard edition, alternating
   which goes first each round, 3 × N rounds; the ratio of medians and of sizes. Once with
   the cyclic collector running, once with it paused as the tool's warm builds run.
3. **cold build** - ``python make_leaflet.py build content.yaml --edition standard
   --force -o TMP/ccsvi.pdf`` in a fresh interpreter, timed from outside, median of
   max(3, N // 4) runs after one untimed run. Standard edition only (plain
   ``python make_leaflet.py`` builds four editions and is not comparable). Every command
   here runs in a process of its own (``LEAFLET_SERVER=off``), as a session's first command
   does; then the same command again with a build server up (started by an untimed first
   command, in a socket folder of the run's own), as every later command finds it. The
   target is held to the second; both are reported.
4. **batch** - BATCH copies of content.yaml, each with its own title and slug, built
   by one ``make_leaflet.py build FOLDER --edition standard --force`` process with
   ``--jobs 1`` and with ``--jobs 2``: wall time of the whole process. Then, with
   ``--jobs 2``, copies that each number their section headings too, so that no two
   share their sections (a catalogue not made from one template).
5. **output** - bytes and pages of every edition.
6. **peak memory** of one standard build (``build_leaflet``) in a fresh child
   process: ru_maxrss of the whole process, and the tracemalloc peak of the build.
7. **Typst** - the shared reference script, run in the same run, and our/Typst
   ratios (> 1 means leaflet is slower or bigger).

And the up-to-date run, the long guide, scaling, and three figures for ``leaflet watch``: its
rebuild after a one-word edit of the body text and after an edit of a heading (in process), and
the time from a save to the PDF with ``make_leaflet.py watch`` running as a process of its own
(docs/performance.md).

Machines here are shared and noisy: figures are medians (with min and max), and
comparisons are ratios of figures taken in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.yaml"
UNTAGGED_VAR = "LEAFLET_UNTAGGED"  # read by leaflet.build when tagged=None; never set here
SERVER_VAR = "LEAFLET_SERVER"
PEER_PYTHON = Path("/tmp/peers/venv/bin/python")
#: The shared folder sits beside the repository's main checkout (one level up from a worktree of it).
PEER_SCRIPT = next(
    (
        p
        for p in (
            ROOT.parent / "shared" / "peers" / "reference.py",
            ROOT.parent.parent / "shared" / "peers" / "reference.py",
        )
        if p.exists()
    ),
    ROOT.parent / "shared" / "peers" / "reference.py",
)
PEER_SETUP = "bash ../shared/peers/setup.sh"

# Measure the working tree, not whatever copy of `leaflet` might be installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import shapes  # noqa: E402

from leaflet.build import render_edition, render_pdf  # noqa: E402
from leaflet.content.loader import load_leaflet  # noqa: E402
from leaflet.editions import A5_SCREEN, EDITIONS  # noqa: E402
from leaflet.layout.cache import forget  # noqa: E402
from leaflet.style import load_theme  # noqa: E402

#: In the order the table shows them.
ORDER = (
    EDITIONS["standard"],
    EDITIONS["large-print"],
    A5_SCREEN,
    EDITIONS["booklet"],
    EDITIONS["press"],
)
NOTES = {
    "booklet": "padding pass + imposition; pages are A4 sheet sides",
    "a5": "the booklet's tagged screen twin",
    "press": "bleed, crop marks",
}

# Child processes run from ROOT, so `import leaflet` finds the working tree there too.
_RSS_CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
from leaflet.build import build_leaflet
with tempfile.TemporaryDirectory() as tmp:
    build_leaflet(Path(sys.argv[1]), "default", Path(tmp) / "out.pdf")
# VmHWM is this process's own high-water mark; ru_maxrss can carry over the (larger)
# figure of the benchmark process this one was forked from.
try:
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    peak = int(hwm.split()[1]) * 1024
except OSError:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = kib if sys.platform == "darwin" else kib * 1024
print(json.dumps({"maxrss_bytes": peak}))
"""

_TRACEMALLOC_CHILD = """
import json, sys, tempfile, tracemalloc
from pathlib import Path
from leaflet.build import build_leaflet
with tempfile.TemporaryDirectory() as tmp:
    tracemalloc.start()
    build_leaflet(Path(sys.argv[1]), "default", Path(tmp) / "out.pdf")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
print(json.dumps({"peak_bytes": peak}))
"""


@dataclass(frozen=True)
class Stats:
    median_ms: float
    min_ms: float
    max_ms: float
    runs: int

    @classmethod
    def of(cls, seconds: list[float]) -> Stats:
        ms = [s * 1000 for s in seconds]
        return cls(round(statistics.median(ms), 2), round(min(ms), 2), round(max(ms), 2), len(ms))


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


# ---------------------------------------------------------------- environment


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def git_commit() -> str:
    try:
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        return _git("rev-parse", "--short", "HEAD") + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine() -> dict[str, Any]:
    import reportlab

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "cpus": os.cpu_count(),
        "reportlab": reportlab.Version,
        "commit": git_commit(),
    }


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop(UNTAGGED_VAR, None)  # child builds are tagged, as people get them
    # Each command in a process of its own, as a first command finds it; `cold_served` times the
    # build server on its own.
    env[SERVER_VAR] = "off"
    # An installed tool starts from compiled bytecode; a setting that forbids writing it would
    # make every child compile the whole package again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_quiet(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Wall time of one whole process; its output is discarded, a failure raises."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env or child_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def pdf_info(data: bytes) -> tuple[int, bool]:
    """Pages, and whether the catalog has a structure tree."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    return len(reader.pages), "/StructTreeRoot" in reader.trailer["/Root"]


# ---------------------------------------------------------------- measurements


def titled(leaflet: Any, title: str) -> Any:
    """The leaflet under another title (as Typst's warm builds are: no two alike)."""
    return replace(leaflet, metadata=replace(leaflet.metadata, title=title))


def warm_editions(n: int) -> dict[str, dict[str, Any]]:
    """1 and 5: every edition built in process, round-robin, after one untimed round; each round its own title."""
    leaflet = load_leaflet(CONTENT)
    themes = {e.style: load_theme(e.style) for e in ORDER}
    outputs = {e.name: render_edition(leaflet, e, themes[e.style]) for e in ORDER}  # warm-up
    times: dict[str, list[float]] = {e.name: [] for e in ORDER}
    for i in range(n):
        this = titled(leaflet, f"{leaflet.metadata.title} (round {i + 1})")
        for e in ORDER:
            times[e.name].append(timed(render_edition, this, e, themes[e.style])[0])
    result = {}
    for e in ORDER:
        data = outputs[e.name].data
        pages, tagged = pdf_info(data)
        result[e.name] = {
            "ms": asdict(Stats.of(times[e.name])),
            "bytes": len(data),
            "pages": pages,
            "tagged": tagged,
            "note": NOTES.get(e.name, ""),
        }
    return result


def tagging_cost(n: int) -> dict[str, Any]:
    """2: the standard edition with and without its structure tree, alternating, 3 × N rounds.

    Measured twice: with the cyclic collector as Python leaves it (it runs as objects pile up, and
    a tagged build makes more of them), then as the tool's own warm builds run (`watch`, a batch
    after its first leaflet, a served command): what the first builds made set aside, the
    collector paused while a build runs."""
    leaflet = load_leaflet(CONTENT)
    theme = load_theme(EDITIONS["standard"].style)
    tagged_data = render_pdf(leaflet, theme)  # warm-up, both ways
    untagged_data = render_pdf(leaflet, theme, tagged=False)

    def alternating() -> tuple[Stats, Stats]:
        variants = (
            ([], lambda: render_pdf(leaflet, theme)),
            ([], lambda: render_pdf(leaflet, theme, tagged=False)),
        )
        for i in range(3 * n):
            for times, render in variants if i % 2 == 0 else reversed(variants):
                times.append(timed(render)[0])
        return Stats.of(variants[0][0]), Stats.of(variants[1][0])

    tagged, untagged = alternating()
    collecting = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        paused_tagged, paused_untagged = alternating()
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()
    return {
        "tagged_ms": asdict(tagged),
        "untagged_ms": asdict(untagged),
        "time_ratio": round(tagged.median_ms / untagged.median_ms, 3),
        "paused_tagged_ms": asdict(paused_tagged),
        "paused_untagged_ms": asdict(paused_untagged),
        "time_ratio_paused": round(paused_tagged.median_ms / paused_untagged.median_ms, 3),
        "tagged_bytes": len(tagged_data),
        "untagged_bytes": len(untagged_data),
        "size_ratio": round(len(tagged_data) / len(untagged_data), 3),
        "structure_tree": [pdf_info(tagged_data)[1], pdf_info(untagged_data)[1]],
    }


def cold(runs: int, tmp: Path) -> tuple[Stats, bytes]:
    """3: whole-process builds of the standard edition."""
    out = tmp / "ccsvi.pdf"
    cmd = [sys.executable, "make_leaflet.py", "build", "content.yaml", "--edition", "standard"]
    cmd += ["--force", "-o", str(out)]
    run_quiet(cmd)  # untimed: .pyc files written, files in the OS cache
    return Stats.of([run_quiet(cmd) for _ in range(runs)]), out.read_bytes()


def cold_served(runs: int, tmp: Path, expected: bytes) -> dict[str, Any]:
    """3b: the same command as `cold`, a build server up: what every command after a session's first takes.

    The server is started by an untimed first command (in a socket folder of this run's own) and
    waited for; every timed command must have been served by it, and write the same PDF."""
    out = tmp / "served.pdf"
    cmd = [sys.executable, "make_leaflet.py", "build", "content.yaml", "--edition", "standard"]
    cmd += ["--force", "-o", str(out)]
    runtime = tmp / "run"
    runtime.mkdir(mode=0o700)
    env = {**child_env(), SERVER_VAR: "on", "XDG_RUNTIME_DIR": str(runtime)}
    status = [sys.executable, "make_leaflet.py", "server", "status"]

    def served() -> int | None:
        said = subprocess.run(status, cwd=ROOT, env=env, capture_output=True, text=True).stdout
        found = re.search(r"; (\d+) commands served", said)
        return int(found[1]) if found else None

    try:
        run_quiet(cmd, env)  # starts the server
        until = time.monotonic() + 60
        while served() is None:
            if time.monotonic() > until:
                raise SystemExit("bench: the build server did not start within a minute")
            time.sleep(0.2)
        before = served()
        stats = Stats.of([run_quiet(cmd, env) for _ in range(runs)])
        count = (served() or 0) - (before or 0)
    finally:
        subprocess.run([*status[:-1], "stop"], cwd=ROOT, env=env, capture_output=True)
    return {
        "ms": asdict(stats),
        "served": count,
        "all_served": count == runs,
        "same_pdf": out.read_bytes() == expected,
    }


def batch_copies(count: int, folder: Path, *, own_headings: bool = False) -> None:
    """BATCH content files: content.yaml with its own title and slug, and no editions line.

    With `own_headings`, each copy's section headings carry its number too, so no two copies
    share their sections (as a catalogue of leaflets not made from one template)."""
    text = CONTENT.read_text(encoding="utf-8")
    text, n_editions = re.subn(r"(?m)^editions:.*\n", "", text)
    for pattern in (r"(?m)^  title: .*$", r"(?m)^  slug: .*$"):
        if len(re.findall(pattern, text)) != 1:
            raise SystemExit(f"bench: content.yaml has no single metadata line matching {pattern!r}")
    if n_editions != 1:
        raise SystemExit("bench: content.yaml has no single `editions:` line")
    if own_headings and len(re.findall(r"(?m)^  - heading: .*$", text)) < 2:
        raise SystemExit("bench: content.yaml has no section headings to number")
    for i in range(1, count + 1):
        copy = re.sub(r"(?m)^(  title: .*)$", rf"\g<1> (copy {i})", text)
        copy = re.sub(r"(?m)^  slug: .*$", f"  slug: ccsvi-{i}", copy)
        if own_headings:
            copy = re.sub(r"(?m)^(  - heading: .*)$", rf"\g<1> ({i})", copy)
        (folder / f"ccsvi-{i:03d}.yaml").write_text(copy, encoding="utf-8")
    probe = load_leaflet(folder / f"ccsvi-{count:03d}.yaml")  # the copies are what we meant
    assert probe.metadata.slug == f"ccsvi-{count}" and probe.metadata.title.endswith(f"(copy {count})")
    assert probe.editions == ("standard",)
    if own_headings:
        assert all(section.heading.endswith(f"({count})") for section in probe.sections)


def batch(count: int, tmp: Path) -> dict[str, Any]:
    """4: one process building every copy, with --jobs 1 and --jobs 2; then, with --jobs 2,
    copies that each have their own section headings."""
    result: dict[str, Any] = {"leaflets": count}
    for name, jobs, own_headings in (
        ("jobs1", 1, False),
        ("jobs2", 2, False),
        ("own_headings_jobs2", 2, True),
    ):
        folder = tmp / f"batch-{name}"
        folder.mkdir()
        batch_copies(count, folder, own_headings=own_headings)
        out = tmp / f"batch-out-{name}"
        cmd = [sys.executable, "make_leaflet.py", "build", str(folder), "-o", str(out)]
        cmd += ["--edition", "standard", "--force", "--jobs", str(jobs)]
        seconds = run_quiet(cmd)
        made = sum((out / f"ccsvi-{i}.pdf").is_file() for i in range(1, count + 1))
        result[name] = {
            "wall_s": round(seconds, 2),
            "per_leaflet_ms": round(seconds * 1000 / count, 1),
            "pdfs": made,
            "all_made": made == count,
        }
    return result


def run_output(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall time of one whole process, and the process (its output kept); a failure raises."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, proc


_IMPORTS_CHILD = """
import sys
from leaflet.cli import main
from leaflet.deferred import loaded
rc = main(sys.argv[1:])
print([n for n in ('reportlab', 'jsonschema', 'pypdf', 'jinja2', 'babel', 'PIL.Image') if loaded(n)])
"""


def up_to_date(runs: int, tmp: Path) -> dict[str, Any]:
    """Nothing to do: the standard edition built once, then the same command again, whole process."""
    out = tmp / "uptodate" / "ccsvi.pdf"
    args = ["build", "content.yaml", "--edition", "standard", "-o", str(out)]
    run_quiet([sys.executable, "make_leaflet.py", *args, "--force"])
    times = []
    for _ in range(runs):
        seconds, proc = run_output([sys.executable, "make_leaflet.py", *args])
        if "up to date" not in proc.stderr:
            raise SystemExit(f"bench: the second build was not skipped:\n{proc.stderr}")
        times.append(seconds)
    bare = [run_quiet([sys.executable, "-c", "pass"]) for _ in range(runs)]
    _, proc = run_output([sys.executable, "-c", _IMPORTS_CHILD, *args])
    heavy = proc.stdout.strip().splitlines()[-1]
    return {
        "ms": asdict(Stats.of(times)),
        "interpreter_ms": asdict(Stats.of(bare)),
        "heavy_imports": heavy,
        "reportlab_imported": "reportlab" in heavy,
    }


def guide_shape(runs: int, tmp: Path) -> dict[str, Any]:
    """The long guide: every edition in one whole process, and `check` on it."""
    folder = tmp / "guide"
    folder.mkdir()
    content = shapes.guide(folder)
    build = [sys.executable, "make_leaflet.py", "build", str(content), "--edition", "all", "--force"]
    build += ["-o", str(folder / "out")]
    run_quiet(build)  # untimed, as for the cold build
    built = [run_quiet(build) for _ in range(runs)]
    check = [sys.executable, "make_leaflet.py", "check", str(content)]
    checked = [run_output(check)[0] for _ in range(runs)]
    pdfs = sorted((folder / "out").glob("*.pdf"))
    standard = folder / "out" / "living-well-guide.pdf"
    return {
        "words": shapes.word_count(content),
        "pages": pdf_info(standard.read_bytes())[0],
        "pdfs": len(pdfs),
        "build_ms": asdict(Stats.of(built)),
        "check_ms": asdict(Stats.of(checked)),
    }


def scaling(tmp: Path) -> list[dict[str, Any]]:
    """CCSVI's words 1, 4 and 16 times over, standard edition in process, nothing remembered: ms a page."""
    theme = load_theme("default")
    rows = []
    for k in (1, 4, 16):
        leaflet = load_leaflet(shapes.scaled_ccsvi(k, tmp))
        render_edition(leaflet, EDITIONS["standard"], theme)  # fonts and imports, untimed
        times, pages = [], 0
        for i in range(3):
            forget()  # a first build of these words: parsing, line breaking and both passes
            seconds, made = timed(
                render_edition, titled(leaflet, f"Scaled {k} ({i})"), EDITIONS["standard"], theme
            )
            times.append(seconds)
            pages = made.pages
        stats = Stats.of(times)
        rows.append(
            {
                "times": k,
                "pages": pages,
                "ms": asdict(stats),
                "ms_per_page": round(stats.median_ms / pages, 1),
            }
        )
    return rows


#: Lengths of the word with no break point the `unbroken` row lays out (a text is at most 5,000).
UNBROKEN = (1000, 4000)


def unbroken(tmp: Path) -> list[dict[str, Any]]:
    """A word with no break point (a pasted token), 1,000 and 4,000 characters long, in CCSVI's
    metadata: standard edition in process, nothing remembered; ms per 1,000 characters."""
    text = CONTENT.read_text(encoding="utf-8")
    start = text.index("\nmetadata:")
    metadata = text[start : text.index("\neditions:", start)]
    theme = load_theme("default")
    rows = []
    for length in UNBROKEN:
        word = "".join("abcdefghij"[i % 10] for i in range(length))
        path = tmp / f"unbroken-{length}.yaml"
        path.write_text(
            f"{metadata}\n\nsections:\n  - heading: One word\n    content:\n      - Before {word} after.\n"
            "references: []\n",
            encoding="utf-8",
        )
        leaflet = load_leaflet(path)
        render_edition(leaflet, EDITIONS["standard"], theme)  # imports and fonts, untimed
        times = []
        for _ in range(3):
            forget()
            seconds, _ = timed(render_edition, leaflet, EDITIONS["standard"], theme)
            times.append(seconds)
        stats = Stats.of(times)
        rows.append(
            {
                "characters": length,
                "ms": asdict(stats),
                "ms_per_1000": round(stats.median_ms * 1000 / length, 1),
            }
        )
    return rows


#: The one-word edit the watch rows make: a word of the body text, in the middle of the leaflet.
WATCH_EDIT = ("lack of research evidence", "lack of trial evidence")
#: An edit that moves what is printed elsewhere (a heading: the contents, the outline): laid out whole.
WATCH_HEADING_EDIT = ("What is CCSVI?", "What is CCSVI, then?")


def _watched_text(edit: tuple[str, str] = WATCH_EDIT) -> str:
    text = CONTENT.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^editions:.*\n", "", text)
    if edit[0] not in text:
        raise SystemExit(f"bench: content.yaml has no {edit[0]!r} to edit")
    return text


def watch_rebuild(n: int, tmp: Path, edit: tuple[str, str] = WATCH_EDIT) -> dict[str, Any]:
    """11: `leaflet watch`'s rebuild after an edit, in the watching process: how many of the rebuilds
    were patches of the last PDF (`leaflet.patch`), and whether the last PDF is the one a build that
    patches nothing and remembers nothing makes of the same content."""
    from leaflet import patch
    from leaflet.build import build_editions
    from leaflet.layout import cache
    from leaflet.watch import rebuild

    made: list[bool] = []
    real = patch.patched

    def counted(*args: Any) -> Any:
        done = real(*args)
        made.append(done is not None)
        return done

    content = tmp / "watched.yaml"
    text = _watched_text(edit)
    out = tmp / "watched"
    content.write_text(text, encoding="utf-8")
    rebuild(content, ("standard",), None, out)  # the watch's first build
    times = []
    patch.patched = counted  # type: ignore[assignment]
    try:
        for i in range(n):
            content.write_text(text.replace(edit[0], edit[(i + 1) % 2], 1), encoding="utf-8")
            outcome, seconds = rebuild(content, ("standard",), None, out)
            if outcome.status != "built":
                raise SystemExit(f"bench: the watched rebuild failed: {outcome.problems}")
            times.append(seconds)
    finally:
        patch.patched = real  # type: ignore[assignment]
    cache.forget()
    build_editions(content, ("standard",), None, tmp / "watched-whole")
    whole = (tmp / "watched-whole" / "ccsvi.pdf").read_bytes()
    return {
        "ms": asdict(Stats.of(times)),
        "patched": sum(made),
        "rebuilds": n,
        "same_as_whole": whole == (out / "ccsvi.pdf").read_bytes(),
    }


def watch_save(n: int, tmp: Path) -> dict[str, Any]:
    """12: from a save to the PDF, as an editor waits for it: `leaflet watch` running as a process
    of its own, the content saved with a one-word edit, timed until the watch says it has built.
    The saves come at uneven moments (a loop that looks at its files now and then would find
    each at another point of its wait)."""
    content = tmp / "saved.yaml"
    text = _watched_text()
    content.write_text(text, encoding="utf-8")
    cmd = [sys.executable, "make_leaflet.py", "watch", str(content), "--edition", "standard"]
    cmd += ["-o", str(tmp / "saved")]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )

    def built() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if " built in " in line:
                return
            if "not built" in line:
                raise SystemExit(f"bench: the watched save was not built: {line.strip()}")
        raise SystemExit("bench: `leaflet watch` ended")

    times = []
    try:
        built()
        for i in range(n):
            time.sleep(0.3 + (i % 7) * 0.031)  # a pause between saves, never a whole number of looks
            edited = text.replace(WATCH_EDIT[0], WATCH_EDIT[(i + 1) % 2], 1)
            start = time.perf_counter()
            content.write_text(edited, encoding="utf-8")
            built()
            times.append(time.perf_counter() - start)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return {"ms": asdict(Stats.of(times))}


def _child(code: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", code, str(CONTENT)],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def memory() -> dict[str, float]:
    """6: one standard build in a fresh process, once for RSS and once under tracemalloc."""
    rss = _child(_RSS_CHILD)["maxrss_bytes"]
    heap = _child(_TRACEMALLOC_CHILD)["peak_bytes"]
    return {"rss_peak_mb": round(rss / 1e6, 1), "tracemalloc_peak_mb": round(heap / 1e6, 1)}


def typst(n: int, count: int) -> dict[str, Any]:
    """7: Typst's figures from the shared reference script, or why there are none."""
    if not (PEER_PYTHON.exists() and PEER_SCRIPT.exists()):
        return {"available": False, "note": f"reference typesetter not set up; run `{PEER_SETUP}`"}
    cmd = [str(PEER_PYTHON), str(PEER_SCRIPT), "--n", str(n), "--batch", str(count), "--json"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        lines = (getattr(exc, "stderr", None) or str(exc)).strip().splitlines()
        return {"available": False, "note": f"reference.py failed: {lines[-1] if lines else exc!r}"}
    return {"available": True, **res}


# ---------------------------------------------------------------- report


def run(n: int, count: int) -> dict[str, Any]:
    stray = os.environ.pop(UNTAGGED_VAR, None)  # tagged editions must be tagged
    cold_runs = max(3, n // 4)
    report: dict[str, Any] = {**machine(), "n": n, "cold_runs": cold_runs}
    if stray is not None:
        report["note"] = f"{UNTAGGED_VAR}={stray} was set in the environment; it was ignored"
    # The package compiled first, as an installed tool is: a child process that compiles modules
    # changed since the last run would count that work (and its memory) as the build's.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "leaflet")], env=child_env(), check=True
    )
    # Typst is measured before and after our figures, and the two are averaged: on a shared
    # machine the load can change over the minutes a run takes.
    before = typst(n, count)
    report["editions"] = warm_editions(n)
    report["tagging"] = tagging_cost(n)
    with tempfile.TemporaryDirectory(prefix="leaflet-bench-") as tmp_name:
        tmp = Path(tmp_name)
        cold_stats, cold_data = cold(cold_runs, tmp)
        report["cold_ms"] = asdict(cold_stats)
        report["cold_bytes"] = len(cold_data)
        report["cold_served"] = cold_served(cold_runs, tmp, cold_data)
        report["up_to_date"] = up_to_date(cold_runs, tmp)
        report["batch"] = batch(count, tmp)
        report["guide"] = guide_shape(3, tmp)
        report["scaling"] = scaling(tmp)
        report["unbroken"] = unbroken(tmp)
        report["watch"] = watch_rebuild(n, tmp)
        report["watch_heading"] = watch_rebuild(n, tmp, WATCH_HEADING_EDIT)
        report["watch_save"] = watch_save(n, tmp)
    report.update(memory())
    peer = averaged(before, typst(n, count))
    if peer["available"]:
        standard = report["editions"]["standard"]
        peer["ratios"] = {
            "warm": round(standard["ms"]["median_ms"] / peer["warm_ms"], 2),
            "cold": round(report["cold_served"]["ms"]["median_ms"] / peer["cold_ms"], 2),
            "cold_first": round(cold_stats.median_ms / peer["cold_ms"], 2),
            "batch_jobs2": round(report["batch"]["jobs2"]["wall_s"] / peer["batch_s"], 2),
            "batch_own_headings": round(report["batch"]["own_headings_jobs2"]["wall_s"] / peer["batch_s"], 2),
            "bytes": round(standard["bytes"] / peer["bytes"], 2),
            "watch": round(report["watch"]["ms"]["median_ms"] / peer["warm_ms"], 2),
        }
    report["targets"] = targets(report, peer)
    report["typst"] = peer
    return report


def averaged(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Typst's figures from two runs, averaged, with both kept (each run's figures are its medians)."""
    if not (first["available"] and second["available"]):
        return second if second["available"] else first
    out = dict(second)
    for key in ("warm_ms", "cold_ms", "batch_s"):
        out[key] = round((first[key] + second[key]) / 2, 2)
    out["runs"] = [{k: run[k] for k in ("warm_ms", "cold_ms", "batch_s")} for run in (first, second)]
    return out


def targets(r: dict[str, Any], peer: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Each target of issue 13: what it asks, what was measured, and whether it is met."""
    q = peer.get("ratios", {})
    std = r["editions"]["standard"]
    guide = r["guide"]
    rows: list[tuple[str, str, bool | None]] = [
        ("warm standard <= 1.5x Typst", f"{q['warm']:.2f}x" if q else "n/a", q["warm"] <= 1.5 if q else None),
        ("100 leaflets --jobs 2 <= 1.3x Typst", f"{q['batch_jobs2']:.2f}x" if q else "n/a", q["batch_jobs2"] <= 1.3 if q else None),
        ("cold standard <= 2.0x Typst (server up)", f"{q['cold']:.2f}x" if q else "n/a", q["cold"] <= 2.0 and r["cold_served"]["all_served"] if q else None),
        ("  (a session's first command, no server)", f"{q['cold_first']:.2f}x" if q else "n/a", None),
        ("watch rebuild <= 1.0x Typst warm", f"{q['watch']:.2f}x" if q else "n/a", q["watch"] <= 1.0 if q else None),
        ("up to date <= 0.15 s", f"{r['up_to_date']['ms']['median_ms'] / 1000:.3f} s", r["up_to_date"]["ms"]["median_ms"] <= 150),
        ("up to date imports no ReportLab", r["up_to_date"]["heavy_imports"], not r["up_to_date"]["reportlab_imported"]),
        ("peak memory <= 60 MB", f"{r['rss_peak_mb']} MB", r["rss_peak_mb"] <= 60),
        ("standard CCSVI <= 50 KB", f"{std['bytes']} bytes", std["bytes"] <= 50_000),
        ("tagged/untagged <= 1.15 (both ways)", f"{r['tagging']['time_ratio']:.3f} / {r['tagging']['time_ratio_paused']:.3f} paused", max(r["tagging"]["time_ratio"], r["tagging"]["time_ratio_paused"]) <= 1.15),
        ("guide, every edition < 3 s", f"{guide['build_ms']['median_ms'] / 1000:.2f} s", guide["build_ms"]["median_ms"] < 3000),
        ("check on the guide < 3 s", f"{guide['check_ms']['median_ms'] / 1000:.2f} s", guide["check_ms"]["median_ms"] < 3000),
    ]  # fmt: skip
    per_page = [row["ms_per_page"] for row in r["scaling"]]
    rows.append(
        (
            "time per page flat (16x within 1.25x of 1x)",
            " / ".join(f"{p} ms" for p in per_page),
            per_page[-1] <= 1.25 * per_page[0],
        )
    )
    per_char = [row["ms_per_1000"] for row in r["unbroken"]]
    rows.append(
        (
            "unbroken word: 4x the length within 2x the time a character",
            " / ".join(f"{p} ms" for p in per_char),
            per_char[-1] <= 2 * per_char[0],
        )
    )
    return rows


def print_table(r: dict[str, Any]) -> None:
    print(f"leaflet benchmark  {r['date']}")
    for key in ("platform", "python", "cpus", "reportlab", "commit"):
        print(f"  {key:<10} {r[key]}")
    if "note" in r:
        print(f"  note       {r['note']}")

    print(f"\nwarm build per edition, render_edition in process (ms; {r['n']} rounds after one warm-up)")
    print(f"  {'edition':<13}{'median':>9}{'min':>9}{'max':>9}{'bytes':>9}{'pages':>7}  tagged  note")
    for name, e in r["editions"].items():
        s = e["ms"]
        tagged = "yes" if e["tagged"] else "no"
        print(
            f"  {name:<13}{s['median_ms']:>9.1f}{s['min_ms']:>9.1f}{s['max_ms']:>9.1f}"
            f"{e['bytes']:>9}{e['pages']:>7}  {tagged:<6}  {e['note']}"
        )

    t = r["tagging"]
    rounds = t["tagged_ms"]["runs"]
    print(
        f"\ntagged vs untagged, standard edition, render_pdf in process (ms; alternating order, {rounds} rounds)"
    )
    for label, key in (
        ("tagged", "tagged_ms"),
        ("tagged=False", "untagged_ms"),
        ("tagged", "paused_tagged_ms"),
        ("tagged=False", "paused_untagged_ms"),
    ):
        s = t[key]
        how = "collector paused" if key.startswith("paused") else "collector running"
        print(f"  {label:<13}{s['median_ms']:>9.1f}{s['min_ms']:>9.1f}{s['max_ms']:>9.1f}  {how}")
    trees = "structure tree: tagged {}, untagged {}".format(
        *("yes" if x else "no" for x in t["structure_tree"])
    )
    print(
        f"  time tagged/untagged {t['time_ratio']:.3f} with the collector running, "
        f"{t['time_ratio_paused']:.3f} with it paused as the tool's warm builds run (ratios of medians)"
    )
    print(
        f"  size tagged/untagged {t['size_ratio']:.3f} ({t['tagged_bytes']} / {t['untagged_bytes']} bytes); {trees}"
    )

    s, same = r["cold_ms"], r["cold_bytes"] == r["editions"]["standard"]["bytes"]
    print(
        "\ncold: python make_leaflet.py build content.yaml --edition standard --force (one edition only)"
        f"\n  whole process  median {s['median_ms']:.1f} ms  min {s['min_ms']:.1f}  max {s['max_ms']:.1f}"
        f"  ({s['runs']} runs after one untimed)  {r['cold_bytes']} bytes"
        + ("" if same else "  (size differs from the in-process build!)")
    )
    c = r["cold_served"]
    print(
        "  the same command, a build server up (LEAFLET_SERVER on; it runs the command in a warm child)"
        f"\n  whole process  median {c['ms']['median_ms']:.1f} ms  min {c['ms']['min_ms']:.1f}  max {c['ms']['max_ms']:.1f}"
        f"  ({c['served']} of {c['ms']['runs']} served by it; "
        + ("the same PDF)" if c["same_pdf"] else "A DIFFERENT PDF!)")
    )

    b = r["batch"]
    print(
        f"\nbatch: make_leaflet.py build FOLDER --edition standard --force, {b['leaflets']} distinct leaflets"
    )
    for key, label in (
        ("jobs1", "--jobs 1"),
        ("jobs2", "--jobs 2"),
        ("own_headings_jobs2", "--jobs 2, each copy with its own section headings"),
    ):
        j = b[key]
        made = "all PDFs made" if j["all_made"] else f"ONLY {j['pdfs']} PDFs made"
        print(
            f"  {label}  {j['wall_s']:>7.2f} s wall, whole process  ({j['per_leaflet_ms']:.1f} ms a leaflet; {made})"
        )

    u = r["up_to_date"]
    print(
        "\nup to date: the same build command again, nothing to do (whole process)"
        f"\n  median {u['ms']['median_ms']:.1f} ms  min {u['ms']['min_ms']:.1f}  max {u['ms']['max_ms']:.1f}"
        f"  (the interpreter alone: {u['interpreter_ms']['median_ms']:.1f} ms)  heavy imports: {u['heavy_imports']}"
    )
    g = r["guide"]
    print(
        f"\nthe long guide ({g['words']} words, {g['pages']} pages standard, {g['pdfs']} PDFs), whole process"
        f"\n  build --edition all  median {g['build_ms']['median_ms']:.0f} ms"
        f"  (min {g['build_ms']['min_ms']:.0f}, max {g['build_ms']['max_ms']:.0f})"
        f"\n  check                median {g['check_ms']['median_ms']:.0f} ms"
        f"  (min {g['check_ms']['min_ms']:.0f}, max {g['check_ms']['max_ms']:.0f})"
    )
    print("\nCCSVI's words 1x, 4x, 16x: standard edition in process, nothing remembered (median of 3)")
    for row in r["scaling"]:
        print(
            f"  {row['times']:>3}x  {row['pages']:>3} pages  {row['ms']['median_ms']:>8.1f} ms  {row['ms_per_page']:>6.1f} ms a page"
        )
    print("\na word with no break point, standard edition in process, nothing remembered (median of 3)")
    for row in r["unbroken"]:
        print(
            f"  {row['characters']:>5} characters  {row['ms']['median_ms']:>8.1f} ms  {row['ms_per_1000']:>6.1f} ms a 1,000 characters"
        )
    for key, what in (
        ("watch", "a one-word edit of the body text"),
        ("watch_heading", "an edit of a heading"),
    ):
        row = r[key]
        w = row["ms"]
        print(
            f"{chr(10) if key == 'watch' else ''}watch: standard edition rebuilt after {what}, median {w['median_ms']:.1f} ms"
            f" (min {w['min_ms']:.1f}, max {w['max_ms']:.1f}); {row['patched']} of {row['rebuilds']} patched;"
            f" the last PDF {'is' if row['same_as_whole'] else 'is NOT'} a whole build's"
        )
    w = r["watch_save"]["ms"]
    print(
        f"  from the save to the PDF, `leaflet watch` running: median {w['median_ms']:.1f} ms (min {w['min_ms']:.1f}, max {w['max_ms']:.1f})"
    )

    print("\npeak memory of one standard build in a fresh process (MB = 10**6 bytes)")
    print(f"  {r['rss_peak_mb']:>7.1f}  RSS high-water mark (ru_maxrss): whole process, interpreter included")
    print(
        f"  {r['tracemalloc_peak_mb']:>7.1f}  Python heap peak (tracemalloc): the build only, after imports"
    )

    p = r["typst"]
    if not p["available"]:
        print(f"\nvs Typst: {p['note']}")
        print_targets(r)
        return
    q = p["ratios"]
    std = r["editions"]["standard"]
    print(f"\nvs Typst {p['version']}, same run (ours/Typst; > 1 = leaflet slower or bigger)")
    for label, run in zip(("before ours", "after ours"), p.get("runs", []), strict=False):
        print(
            f"  Typst {label}: warm {run['warm_ms']} ms, cold {run['cold_ms']} ms, batch {run['batch_s']} s"
        )
    rows = (
        ("warm standard build", q["warm"], f"{std['ms']['median_ms']:.1f} / {p['warm_ms']} ms"),
        ("cold, server up", q["cold"], f"{r['cold_served']['ms']['median_ms']:.1f} / {p['cold_ms']} ms"),
        ("cold, first command", q["cold_first"], f"{r['cold_ms']['median_ms']:.1f} / {p['cold_ms']} ms"),
        (
            f"{b['leaflets']} leaflets",
            q["batch_jobs2"],
            f"{b['jobs2']['wall_s']:.2f} s (--jobs 2, whole process) / {p['batch_s']} s ({p['batch_n']} builds)",
        ),
        (
            "  own headings",
            q["batch_own_headings"],
            f"{b['own_headings_jobs2']['wall_s']:.2f} s (--jobs 2, each copy its own section headings)",
        ),
        ("standard size", q["bytes"], f"{std['bytes']} / {p['bytes']} bytes"),
        (
            "watch rebuild",
            q["watch"],
            f"{r['watch']['ms']['median_ms']:.1f} / {p['warm_ms']} ms (Typst warm)",
        ),
    )
    for label, ratio, detail in rows:
        print(f"  {label:<20}{ratio:>6.2f}  {detail}")
    print(
        "  note: Typst's batch_s is its builds in one already running process, one core, no interpreter\n"
        "        start; ours is the wall time of a whole make_leaflet.py process (interpreter start,\n"
        "        imports, fonts, file reading and writing included). Typst's document is its own plain\n"
        "        rendering of the leaflet (DejaVu Sans), so the size ratio compares two different PDFs."
    )
    print_targets(r)


def print_targets(r: dict[str, Any]) -> None:
    print("\ntargets (issue 13)")
    for label, measured, met in r["targets"]:
        verdict = "" if met is None else ("met" if met else "NOT met")
        print(f"  {label:<46} {measured:<28} {verdict}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="warm builds (cold runs: max(3, n // 4))")
    ap.add_argument("--batch", type=int, default=100, help="leaflets in the batch builds")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)
    if args.n < 1 or args.batch < 1:
        ap.error("--n and --batch must be at least 1")
    report = run(args.n, args.batch)
    if args.json:
        print(json.dumps(report))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
