#!/usr/bin/env python3
"""How fast, how big and how hungry a CCSVI leaflet build is, measured in one run.

Run from the repository root:

    python bench/bench.py [--n 20] [--json]

What is measured, and why:

* **warm render** - ``render_pdf(leaflet, theme)`` alone, with the content and the
  style sheet already loaded: the cost of layout and PDF writing in a long-lived
  process (a server, a batch). One untimed build runs first, so font parsing
  (cached per process in ``leaflet.fonts``) and lazy imports are not counted.
* **warm build from files** - ``load_leaflet`` + ``load_theme`` + ``render_pdf`` +
  writing the bytes to a temporary file: what one more leaflet costs in that same
  process, reading and checking its YAML included.
* **cold build** - ``python make_leaflet.py build content.yaml -o TMP`` in a fresh
  interpreter, timed from outside: interpreter start, imports, font parsing, the
  build and the write. This is what a person at the command line waits for.
* **output** - size in bytes and page count of the PDF, and whether the cold
  build wrote the same bytes as the in-process one (it should: timestamps are fixed).
* **peak memory of one build**, each in its own fresh child process running
  ``build_leaflet`` (what the command line runs) once:
  *RSS* is ``ru_maxrss``, the resident-set high-water mark of the whole process
  (interpreter, imports, fonts, build); *Python heap* is the ``tracemalloc`` peak
  of Python allocations during the build only (started after ``import
  leaflet.build``; lazy imports and font parsing made during the build count).
  Both are in MB = 10**6 bytes.
* **tagged/untagged** - if ``render_pdf`` takes a ``tagged``/``untagged`` option,
  or ``LEAFLET_UNTAGGED=1`` is read at call time, the warm render is timed both
  ways, alternating which goes first each iteration so machine noise hits both
  alike, and the ratio of medians is printed. When the variable is read nowhere in
  ``leaflet/`` and the output does not change, the ratio is reported only as the
  noise floor and the comparison is skipped with a note.
* **reference typesetter** - if ``/tmp/peers/venv`` and ``../shared/peers`` exist,
  Typst's figures for its own rendering of the same leaflet are taken in the same
  run and our/Typst ratios printed (> 1 means leaflet is slower or bigger).

The machines this runs on are shared and noisy, so each figure is a median (with
min and max to show the spread) rather than a mean, and comparisons are ratios of
figures taken in the same minute, never absolute times from different runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.yaml"
STYLE = "default"
UNTAGGED_VAR = "LEAFLET_UNTAGGED"
PEER_PYTHON = Path("/tmp/peers/venv/bin/python")
PEER_SCRIPT = ROOT.parent / "shared" / "peers" / "reference.py"
PEER_SETUP = "bash ../shared/peers/setup.sh"
SAME_WITHIN = 0.01  # ratios within 1% of 1.0 count as "no difference"

# Measure the working tree, not whatever copy of `leaflet` might be installed.
sys.path.insert(0, str(ROOT))

from leaflet.build import render_pdf  # noqa: E402
from leaflet.content.loader import load_leaflet  # noqa: E402
from leaflet.content.model import Leaflet  # noqa: E402
from leaflet.style import Theme, load_theme  # noqa: E402

# Child processes run from ROOT, so `import leaflet` finds the working tree there too.
_RSS_CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
from leaflet.build import build_leaflet
with tempfile.TemporaryDirectory() as tmp:
    build_leaflet(Path(sys.argv[1]), sys.argv[2], Path(tmp) / "out.pdf")
kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"maxrss_bytes": kib if sys.platform == "darwin" else kib * 1024}))
"""

_TRACEMALLOC_CHILD = """
import json, sys, tempfile, tracemalloc
from pathlib import Path
from leaflet.build import build_leaflet
with tempfile.TemporaryDirectory() as tmp:
    tracemalloc.start()
    build_leaflet(Path(sys.argv[1]), sys.argv[2], Path(tmp) / "out.pdf")
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


# ---------------------------------------------------------------- environment


def _git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return rev + ("+dirty" if dirty else "")


def machine() -> dict[str, Any]:
    import reportlab

    import leaflet

    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "cpus": os.cpu_count(),
        "reportlab": reportlab.Version,
        "leaflet": f"{getattr(leaflet, '__version__', '?')} (git {_git_revision()})",
    }


def child_env() -> dict[str, str]:
    """The environment for child builds: never untagged by accident."""
    env = dict(os.environ)
    env.pop(UNTAGGED_VAR, None)
    return env


# ---------------------------------------------------------------- untagged builds


@dataclass(frozen=True)
class UntaggedSwitch:
    """How (and whether) an untagged build can be asked for."""

    mode: str  # "option:<name>" or "env"
    render: Callable[[Leaflet, Theme], bytes]
    referenced_in: list[str]  # files under leaflet/ that mention the variable or option


def _files_mentioning(word: str) -> list[str]:
    return sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "leaflet").rglob("*.py")
        if word in p.read_text(encoding="utf-8")
    )


def untagged_switch() -> UntaggedSwitch:
    params = inspect.signature(render_pdf).parameters
    if "untagged" in params:
        return UntaggedSwitch(
            "option:untagged",
            lambda lf, th: render_pdf(lf, th, untagged=True),  # type: ignore[call-arg]
            _files_mentioning("untagged"),
        )
    if "tagged" in params:
        return UntaggedSwitch(
            "option:tagged",
            lambda lf, th: render_pdf(lf, th, tagged=False),  # type: ignore[call-arg]
            _files_mentioning("tagged"),
        )

    def render_untagged(lf: Leaflet, th: Theme) -> bytes:
        # Read by leaflet.build at call time (if at all): set only around this call.
        os.environ[UNTAGGED_VAR] = "1"
        try:
            return render_pdf(lf, th)
        finally:
            del os.environ[UNTAGGED_VAR]

    return UntaggedSwitch("env", render_untagged, _files_mentioning(UNTAGGED_VAR))


def untagged_verdict(
    switch: UntaggedSwitch, tagged: Stats, untagged: Stats, outputs_differ: bool
) -> dict[str, Any]:
    exact = tagged.median_ms / untagged.median_ms
    ratio = round(exact, 3)
    same_time = abs(exact - 1.0) <= SAME_WITHIN
    in_effect = switch.mode != "env" or bool(switch.referenced_in) or outputs_differ
    result: dict[str, Any] = {
        "mode": switch.mode,
        "referenced_in": switch.referenced_in,
        "outputs_differ": outputs_differ,
        "untagged_ms": asdict(untagged),
        "ratio_measured": ratio,
    }
    if in_effect:
        result["ratio"] = ratio
        result["note"] = "same time within 1%" if same_time else ""
    else:
        result["ratio"] = None
        result["note"] = (
            f"skipped: {UNTAGGED_VAR} is read nowhere in leaflet/ and the output is byte-identical; "
            f"the interleaved no-op ratio {ratio:.3f} is the noise floor"
            + (" (within 1%)" if same_time else " (beyond 1%: a noisy machine)")
        )
    return result


# ---------------------------------------------------------------- measurements


def warm(n: int, tmp: Path) -> tuple[Stats, Stats, dict[str, Any], bytes]:
    """Warm in-process builds; tagged and untagged renders alternate which goes first."""
    leaflet = load_leaflet(CONTENT)
    theme = load_theme(STYLE)
    switch = untagged_switch()
    out = tmp / "warm.pdf"

    # Untimed warm-up: fonts parsed, lazy imports done, both variants exercised once.
    data = render_pdf(leaflet, theme)
    outputs_differ = switch.render(leaflet, theme) != data

    render_s: list[float] = []
    untagged_s: list[float] = []
    build_s: list[float] = []
    for i in range(n):
        order = ((render_s, render_pdf), (untagged_s, switch.render))
        for times, render in order if i % 2 == 0 else reversed(order):
            t = time.perf_counter()
            render(leaflet, theme)
            times.append(time.perf_counter() - t)

        t = time.perf_counter()
        lf = load_leaflet(CONTENT)
        th = load_theme(STYLE)
        out.write_bytes(render_pdf(lf, th))
        build_s.append(time.perf_counter() - t)

    tagged = Stats.of(render_s)
    verdict = untagged_verdict(switch, tagged, Stats.of(untagged_s), outputs_differ)
    return tagged, Stats.of(build_s), verdict, data


def cold(runs: int, tmp: Path) -> tuple[Stats, bytes]:
    out = tmp / "cold.pdf"
    cmd = [sys.executable, "make_leaflet.py", "build", str(CONTENT.relative_to(ROOT)), "-o", str(out)]
    env = child_env()
    times: list[float] = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return Stats.of(times), out.read_bytes()


def _run_child(code: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", code, str(CONTENT), STYLE],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def memory() -> dict[str, float]:
    rss = _run_child(_RSS_CHILD)["maxrss_bytes"]
    heap = _run_child(_TRACEMALLOC_CHILD)["peak_bytes"]
    return {"rss_peak_mb": round(rss / 1e6, 1), "tracemalloc_peak_mb": round(heap / 1e6, 1)}


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


def peer(n: int) -> dict[str, Any]:
    """Typst's figures from the shared reference script, or how to get them."""
    if not (PEER_PYTHON.exists() and PEER_SCRIPT.exists()):
        return {"available": False, "note": f"reference typesetter not set up; run `{PEER_SETUP}`"}
    # reference.py loops `range(batch)`, so --batch 0 simply skips its batch figure.
    cmd = [str(PEER_PYTHON), str(PEER_SCRIPT), "--n", str(n), "--batch", "0", "--json"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        return {"available": True, **{k: res[k] for k in ("version", "warm_ms", "cold_ms", "bytes")}}
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, IndexError) as exc:
        lines = (getattr(exc, "stderr", None) or str(exc)).strip().splitlines()
        reason = lines[-1] if lines else repr(exc)
        return {"available": False, "note": f"reference.py failed: {reason}"}


# ---------------------------------------------------------------- report


def run(n: int) -> dict[str, Any]:
    stray = os.environ.pop(UNTAGGED_VAR, None)  # tagged figures must be tagged
    cold_runs = max(3, n // 4)
    with tempfile.TemporaryDirectory(prefix="leaflet-bench-") as tmp_name:
        tmp = Path(tmp_name)
        render, build, untagged, data = warm(n, tmp)
        cold_stats, cold_data = cold(cold_runs, tmp)
    report: dict[str, Any] = {
        **machine(),
        "n": n,
        "cold_runs": cold_runs,
        "warm_render_ms": asdict(render),
        "warm_build_ms": asdict(build),
        "cold_ms": asdict(cold_stats),
        "bytes": len(data),
        "pages": page_count(data),
        "cold_same_bytes": cold_data == data,
        **memory(),
        "untagged": untagged,
    }
    if stray is not None:
        report["note"] = f"{UNTAGGED_VAR}={stray} was set in the environment; it was ignored"
    typst = peer(n)
    if typst["available"]:
        typst["ratio_warm"] = round(render.median_ms / typst["warm_ms"], 2)
        typst["ratio_cold"] = round(cold_stats.median_ms / typst["cold_ms"], 2)
        typst["ratio_bytes"] = round(len(data) / typst["bytes"], 2)
    report["typst"] = typst
    return report


def print_table(r: dict[str, Any]) -> None:
    print(f"leaflet benchmark  {r['date']}")
    for key in ("platform", "python", "cpus", "reportlab", "leaflet"):
        print(f"  {key:<10} {r[key]}")
    if "note" in r:
        print(f"  note       {r['note']}")
    print()
    print(f"{'time (ms)':<50}{'median':>9}{'min':>9}{'max':>9}{'runs':>6}")
    untagged = r["untagged"]
    rows = [
        ("warm render_pdf (content, theme loaded)", r["warm_render_ms"]),
        (f"warm render_pdf untagged ({untagged['mode']})", untagged["untagged_ms"]),
        ("warm build from files (load+theme+render+write)", r["warm_build_ms"]),
        ("cold process: make_leaflet.py build", r["cold_ms"]),
    ]
    for label, s in rows:
        print(f"{label:<50}{s['median_ms']:>9.1f}{s['min_ms']:>9.1f}{s['max_ms']:>9.1f}{s['runs']:>6}")
    print()
    same = "same bytes as in-process" if r["cold_same_bytes"] else "DIFFERENT bytes from in-process"
    print(f"output     {r['bytes']} bytes, {r['pages']} pages (cold build: {same})")
    print("peak memory of one build_leaflet in a fresh process (MB = 10**6 bytes):")
    print(f"  {r['rss_peak_mb']:>7.1f} MB  RSS high-water mark, ru_maxrss: whole process incl. interpreter")
    print(
        f"  {r['tracemalloc_peak_mb']:>7.1f} MB  Python heap peak, tracemalloc: the build only, after imports"
    )
    print()
    if untagged["ratio"] is not None:
        note = f"  ({untagged['note']})" if untagged["note"] else ""
        print(f"tagged/untagged warm render: {untagged['ratio']:.3f}{note}")
    else:
        print(f"tagged/untagged warm render: {untagged['note']}")
    t = r["typst"]
    if t["available"]:
        print(
            f"vs Typst {t['version']} (our/Typst, > 1 = leaflet slower or bigger): "
            f"warm {t['ratio_warm']:.2f} ({r['warm_render_ms']['median_ms']:.1f} / {t['warm_ms']} ms), "
            f"cold {t['ratio_cold']:.2f} ({r['cold_ms']['median_ms']:.1f} / {t['cold_ms']} ms), "
            f"size {t['ratio_bytes']:.2f} ({r['bytes']} / {t['bytes']} bytes)"
        )
    else:
        print(f"vs Typst: {t['note']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="warm builds (cold runs: max(3, n // 4))")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    report = run(args.n)
    if args.json:
        print(json.dumps(report))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
