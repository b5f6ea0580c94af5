"""`leaflet watch`: a save rebuilds, a broken save leaves the PDFs as they were, Ctrl-C stops cleanly."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import metadata_block

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = (
    metadata_block("Watched", "watched")
    + """\
sections:
  - heading: What to do
    content:
      - Rest when the {word} comes.
references: []
"""
)
#: Generous bounds: a loaded machine builds slowly, but nothing here may hang.
WAIT = 120


class Lines:
    """A process's output lines as they come, from both of its streams."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.claimed: set[int] = set()
        for name, stream in (("out", proc.stdout), ("err", proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.queue.put((name, line.rstrip("\n")))

    def until(self, needle: str) -> str:
        """The first line not yet waited for that holds `needle` (the two streams interleave freely)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for i, (_, line) in enumerate(self.seen):
                if i not in self.claimed and needle in line:
                    self.claimed.add(i)
                    return line
            try:
                self.seen.append(self.queue.get(timeout=1))
            except queue.Empty:
                continue
        raise AssertionError(f"no line with {needle!r} within {WAIT} s; saw {self.seen}")


def text_of(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed by this test"
    return subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_watch_rebuilds_on_save_keeps_pdfs_on_a_bad_save_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    content = tmp_path / "watched.yaml"
    content.write_text(LEAFLET.format(word="tiredness"), "utf-8")
    pdf = tmp_path / "out" / "watched.pdf"
    cmd = [sys.executable, str(ROOT / "make_leaflet.py"), "watch", str(content), "-o", str(pdf.parent)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        lines = Lines(proc)
        lines.until("watching")
        assert str(pdf) in lines.until("built in")
        assert "Rest when the tiredness comes." in text_of(pdf)

        content.write_text(LEAFLET.format(word="fatigue"), "utf-8")
        lines.until("built in")
        assert "Rest when the fatigue comes." in text_of(pdf)
        good = pdf.read_bytes()

        content.write_text(LEAFLET.format(word="fatigue").replace("slug: watched", "slug: Watched"), "utf-8")
        error = lines.until(": error: ")
        assert error.startswith("watched.yaml:3:9: error: metadata.slug")  # relative to where it runs
        lines.until("not built")
        assert pdf.read_bytes() == good
        assert not list(pdf.parent.glob(".*.tmp"))

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT) == 0
        lines.until("stopped")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not any("Traceback" in line for _, line in lines.seen)
    assert pdf.read_bytes() == good


def test_the_collector_waits_while_a_save_is_rebuilt_and_runs_once_it_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor waits for the build, not for the cyclic collector: it is paused while the editions
    are built and runs after each rebuild has been reported, so the loop's memory stays flat."""
    import gc
    import io

    from leaflet import batch, watch

    content = tmp_path / "watched.yaml"
    content.write_text(LEAFLET.format(word="tiredness"), "utf-8")
    during: list[bool] = []
    collected: list[int] = []
    real_build, real_collect = batch.build_one, gc.collect

    def build(*args: object, **kwargs: object) -> batch.Outcome:
        during.append(gc.isenabled())
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    def collect(*args: object) -> int:
        collected.append(len(during))
        return real_collect(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "build_one", build)
    monkeypatch.setattr(gc, "collect", collect)
    rounds = iter(range(4))

    def keep_going() -> bool:
        n = next(rounds, None)
        if n == 2:
            content.write_text(LEAFLET.format(word="fatigue"), "utf-8")
        return n is not None

    out = io.StringIO()
    try:
        status = watch.watch(
            content, (), None, tmp_path / "out", out=out, err=io.StringIO(), interval=0, keep_going=keep_going
        )
    finally:
        gc.unfreeze()
    assert status == 0 and out.getvalue().count("built in") == 2
    assert during == [False, False]  # paused while building
    assert collected == [1, 2]  # once after each rebuild
    assert gc.isenabled()
    assert "Rest when the fatigue comes." in text_of(tmp_path / "out" / "watched.pdf")
