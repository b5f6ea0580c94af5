"""Ctrl-C and SIGTERM: real processes, real signals. Everything stops at once, nothing is left half-made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CONTENT, metadata_block

#: The promise is one second; the margin is for a machine busy with other work.
STOP_WITHIN = 2.0
#: Enough that a batch made faster still has leaflets to build when the signal comes.
LEAFLETS = 24


def _leaflet(n: int) -> str:
    parts = "".join(
        f"  - heading: Part {i}\n    content:\n      - Words of part {i} of leaflet {n}, enough for a line.\n"
        for i in range(30)
    )
    return metadata_block(f"Leaflet {n}", f"leaflet-{n}") + "sections:\n" + parts + "references: []\n"


def _start(args: list[str], cwd: Path, code: str | None = None) -> subprocess.Popen[str]:
    """The tool run with `args` (or the Python `code` given them) in a process of its own."""
    command = ["-m", "leaflet.cli"] if code is None else ["-c", code]
    return subprocess.Popen(
        [sys.executable, *command, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(proc: subprocess.Popen[str], signum: int) -> tuple[int, float, str, str]:
    proc.send_signal(signum)
    start = time.monotonic()
    try:
        rc = proc.wait(timeout=30)
    finally:
        proc.kill()
    took = time.monotonic() - start
    return rc, took, proc.stdout.read() if proc.stdout else "", proc.stderr.read() if proc.stderr else ""


def _whole(pdf: Path) -> bool:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True).returncode == 0


@pytest.mark.parametrize(
    ("signum", "code", "said"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_a_parallel_batch_stops_at_once_leaving_only_whole_pdfs(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for n in range(LEAFLETS):
        (src / f"l{n}.yaml").write_text(_leaflet(n), "utf-8")
    out = tmp_path / "out"
    proc = _start(["build", "src", "-o", "out", "--jobs", "2"], tmp_path)
    assert proc.stderr is not None
    earlier = []
    for line in proc.stderr:  # wait until the first leaflet is done: the others are being built
        earlier.append(line)
        if line.startswith("[1/"):
            break
    rc, took, printed, rest = _stop(proc, signum)
    errors = "".join(earlier) + rest

    assert rc == code, errors
    assert took < STOP_WITHIN, f"took {took:.2f} s to stop"
    stopped = [line for line in errors.splitlines() if line.startswith("leaflet: stopped")]
    assert len(stopped) == 1 and f"({said})" in stopped[0], errors
    assert "Traceback" not in errors
    listed = [tmp_path / p for p in printed.split()]
    assert listed and all(_whole(p) for p in listed)
    time.sleep(1.0)  # no worker goes on writing after the main process has gone
    files = sorted(p.name for p in out.iterdir())
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) < LEAFLETS, "the batch was not stopped"
    assert all(_whole(p) for p in pdfs)
    assert not [name for name in files if name.endswith(".tmp")], files
    assert sorted(p.name for p in out.iterdir()) == files


def test_ctrl_c_in_check_says_so_in_one_line(tmp_path: Path) -> None:
    # Eight leaflets to check: reading and laying out every edition of each takes several
    # times the wait (one CCSVI leaflet alone now takes about as long as the wait).
    copies = [tmp_path / f"ccsvi-{n}.yaml" for n in range(8)]
    for copy in copies:
        copy.write_text(CONTENT.read_text("utf-8"), "utf-8")
    proc = _start(["check", *map(str, copies)], tmp_path)
    time.sleep(2.0)
    rc, took, _, errors = _stop(proc, signal.SIGINT)
    assert rc == 130, errors
    assert took < STOP_WITHIN
    assert errors.strip().splitlines() == ["leaflet: stopped (Ctrl-C); nothing half-written was left behind"]


SLOW_SCAN = """
import sys, time
import leaflet.batch as batch
def slow(path):
    print("scanning", file=sys.stderr, flush=True)
    time.sleep(60)
batch._looks_like_leaflet = slow
from leaflet.cli import main
sys.exit(main(["build", sys.argv[1]]))
"""


def test_ctrl_c_while_a_folder_is_scanned_says_so_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(_leaflet(1), "utf-8")
    proc = _start([str(tmp_path)], tmp_path, SLOW_SCAN)
    assert proc.stderr is not None
    assert proc.stderr.readline() == "scanning\n"
    rc, took, _, errors = _stop(proc, signal.SIGINT)
    assert rc == 130 and took < STOP_WITHIN
    assert errors.strip().splitlines() == ["leaflet: stopped (Ctrl-C); nothing half-written was left behind"]
    assert not (tmp_path / "output").exists()


def test_a_stop_annotated_by_reportlab_keeps_its_signal() -> None:
    # ReportLab's paragraph parser re-raises what passes through it as the same class made again
    # with a message: a Ctrl-C or SIGTERM arriving while a paragraph's markup is parsed is still
    # that signal (the one noted when it arrived), so the command says so in one line.
    from reportlab.lib.utils import annotateException

    from leaflet import batch

    batch.reset_stop()
    try:
        batch.stop_requested(signal.SIGTERM)
        arrived = batch.Stopped(signal.SIGTERM)
        with pytest.raises(batch.Stopped) as caught:
            try:
                raise arrived
            except batch.Stopped:
                annotateException("\nparagraph text '<para>x</para>' caused exception")
        assert caught.value is not arrived  # made again, from a message
        assert caught.value.signum == signal.SIGTERM
    finally:
        batch.reset_stop()
    assert batch.Stopped("a message with no signal noted").signum == signal.SIGINT


SLOW_SLUGS = """
import os, sys, time
import leaflet.batch as batch
def slow(contents, editions):
    print(os.getpid(), file=sys.stderr, flush=True)
    time.sleep(60)
batch._slug_clashes = slow
from leaflet.cli import main
sys.exit(main(["build", sys.argv[1]]))
"""


@pytest.mark.parametrize(
    ("signum", "code", "said"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_a_stop_while_the_leaflets_slugs_are_read_ends_the_reader_too(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    """The slugs of a folder's leaflets are read in a forked process while this one makes ready to
    build: a stop ends both at once, and writes nothing."""
    for n in (1, 2):
        (tmp_path / f"l{n}.yaml").write_text(_leaflet(n), "utf-8")
    proc = _start([str(tmp_path)], tmp_path, SLOW_SLUGS)
    assert proc.stderr is not None
    reader = int(proc.stderr.readline())
    assert reader != proc.pid
    rc, took, _, errors = _stop(proc, signum)
    assert rc == code and took < STOP_WITHIN, errors
    assert errors.strip().splitlines() == [f"leaflet: stopped ({said}); nothing half-written was left behind"]
    assert not (tmp_path / "output").exists()
    deadline = time.monotonic() + STOP_WITHIN
    while time.monotonic() < deadline:
        try:
            os.kill(reader, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the process reading the slugs is still running")
