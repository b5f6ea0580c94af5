"""`leaflet watch`: a save rebuilds, a broken save leaves the PDFs as they were, Ctrl-C stops cleanly."""

from __future__ import annotations

import gc
import io
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


@pytest.mark.skipif(sys.platform != "linux", reason="the system says when a file is saved on Linux (inotify)")
def test_a_save_wakes_the_loop_at_once_not_at_its_next_look(tmp_path: Path) -> None:
    """On Linux the kernel says when the content is saved: the rebuild starts then, however long
    the loop would otherwise wait before its next look (here five minutes)."""
    from leaflet import watch

    content = tmp_path / "watched.yaml"
    content.write_text(LEAFLET.format(word="tiredness"), "utf-8")
    out = io.StringIO()
    stop = threading.Event()
    looks = [0]

    def keep_going() -> bool:
        looks[0] += 1
        return not stop.is_set()

    loop = threading.Thread(
        target=watch.watch,
        args=(content, ("standard",), None, tmp_path / "out"),
        kwargs={"out": out, "err": io.StringIO(), "interval": 300.0, "keep_going": keep_going},
        daemon=True,
    )
    loop.start()
    try:
        deadline = time.monotonic() + WAIT
        while out.getvalue().count("built in") < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert out.getvalue().count("built in") == 1, out.getvalue()
        time.sleep(0.2)  # the loop is waiting for a save now
        saved = time.monotonic()
        # Saved as most editors do: written beside, then renamed over the file.
        draft = tmp_path / ".watched.yaml.swp"
        draft.write_text(LEAFLET.format(word="fatigue"), "utf-8")
        draft.replace(content)
        while out.getvalue().count("built in") < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert out.getvalue().count("built in") == 2, out.getvalue()
        assert time.monotonic() - saved < WAIT < 300
        assert "Rest when the fatigue comes." in text_of(tmp_path / "out" / "watched.pdf")
        # Written in place, the same words again: the loop wakes, finds nothing new, builds nothing.
        before = looks[0]
        content.write_text(LEAFLET.format(word="fatigue"), "utf-8")
        while looks[0] == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert looks[0] > before
    finally:
        stop.set()
        content.write_text(LEAFLET.format(word="fatigue"), "utf-8")  # wakes the loop to stop
        loop.join(timeout=WAIT)
    assert not loop.is_alive()
    assert out.getvalue().count("built in") == 2


def _watch_rounds(
    content: Path,
    out_dir: Path,
    steps: dict[int, Callable[[], None]],
    rounds: int = 10,
    *,
    err: io.StringIO | None = None,
) -> tuple[str, str]:
    """`watch` on `content` for `rounds` looks, doing `steps[n]()` before look n; what it printed."""
    from leaflet import watch

    counter = iter(range(rounds))

    def keep_going() -> bool:
        n = next(counter, None)
        if n in steps:
            steps[n]()
        return n is not None

    out = io.StringIO()
    err = err if err is not None else io.StringIO()
    try:
        watch.watch(
            content, ("standard",), None, out_dir, out=out, err=err, interval=0, keep_going=keep_going
        )
    finally:
        gc.unfreeze()
    return out.getvalue(), err.getvalue()


def _pictured(tmp_path: Path) -> Path:
    data = ROOT / "tests" / "data"
    content = tmp_path / "pictured.yaml"
    shutil.copy(data / "logo-and-diagram.yaml", content)
    shutil.copytree(data / "images", tmp_path / "images")
    return content


class _Pdfs:
    """Each distinct PDF the watch has written to `folder` so far, as `keep()` finds them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: list[bytes] = []

    def keep(self) -> None:
        built = sorted(self.folder.glob("*.pdf"))
        if built and (not self.seen or built[0].read_bytes() != self.seen[-1]):
            self.seen.append(built[0].read_bytes())


def test_a_picture_replaced_while_watching_is_built_again(tmp_path: Path) -> None:
    """A picture is part of what the PDF is made from: replacing it rebuilds, as editing the text does."""
    content = _pictured(tmp_path)
    images = tmp_path / "images"
    pdfs = _Pdfs(tmp_path / "out")

    def replace_picture() -> None:
        pdfs.keep()
        # Another PNG put in its place, as an image editor saves it.
        shutil.copy(images / "logo.png", images / "new.png")
        (images / "new.png").replace(images / "pacing.png")

    out, err = _watch_rounds(content, tmp_path / "out", {2: replace_picture, 5: pdfs.keep}, rounds=6)
    assert out.count("built in") == 2, (out, err)
    assert len(pdfs.seen) == 2  # the second PDF is another file: the new picture's


@pytest.mark.skipif(sys.platform != "linux", reason="the system says when a file is saved on Linux (inotify)")
def test_saves_are_told_for_the_watched_files_only(tmp_path: Path) -> None:
    from leaflet.saves import Saves

    watched = tmp_path / "leaflet.yaml"
    watched.write_text("a", "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "sheet.yaml"
    target.write_text("a", "utf-8")
    link = tmp_path / "sheet.yaml"
    link.symlink_to(target)
    with Saves([watched, link]) as saves:
        assert saves.live, "inotify is needed on Linux"
        assert not saves.wait(0)
        (tmp_path / "other.yaml").write_text("b", "utf-8")
        assert not saves.wait(0.2)  # another file of the folder
        watched.write_text("b", "utf-8")
        assert saves.wait(WAIT)  # written in place
        assert not saves.wait(0.1)
        (tmp_path / "new").write_text("c", "utf-8")
        os.replace(tmp_path / "new", watched)
        assert saves.wait(WAIT)  # renamed over it
        target.write_text("b", "utf-8")
        assert saves.wait(WAIT)  # the file behind a link, in its own folder
        saves.watch([tmp_path / "other.yaml"])
        watched.write_text("c", "utf-8")
        assert not saves.wait(0.2)  # no longer watched
        saves.watch([watched, link])
        shutil.rmtree(elsewhere)
        assert saves.wait(WAIT)  # a watched folder gone: look at the files
        saves.watch([watched, link])  # the link's target is nowhere now
        watched.write_text("d", "utf-8")
        assert saves.wait(WAIT)
        # The folder made again: watched again on the next call, and its saves told.
        elsewhere.mkdir()
        saves.watch([watched, link])
        target.write_text("c", "utf-8")
        assert saves.wait(WAIT)
        # Gone and made again between two waits: watched again by the next wait.
        shutil.rmtree(elsewhere)
        assert saves.wait(WAIT)
        elsewhere.mkdir()
        assert not saves.wait(0)
        target.write_text("d", "utf-8")
        assert saves.wait(WAIT)


def test_without_inotify_saves_only_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from leaflet import saves

    monkeypatch.setattr(saves, "_LIBC", [None])
    watched = tmp_path / "leaflet.yaml"
    watched.write_text("a", "utf-8")
    with saves.Saves([watched]) as waiting:
        assert not waiting.live
        start = time.monotonic()
        watched.write_text("b", "utf-8")
        assert not waiting.wait(0.1)
        assert time.monotonic() - start >= 0.1


def test_the_checks_settings_made_while_watching_change_what_is_reported(tmp_path: Path) -> None:
    """The settings decide what a build reports: making, then removing, them rebuilds, and the
    findings printed follow them."""
    content = tmp_path / "watched.yaml"
    content.write_text(LEAFLET.format(word="tiredness"), "utf-8")
    settings = tmp_path / "leaflet-checks.yaml"
    err = io.StringIO()
    reported: list[str] = []

    def reports() -> None:
        reported.append(err.getvalue())
        err.seek(0)
        err.truncate()

    def make() -> None:
        reports()
        settings.write_text("checks:\n  trust/contact: off\n", "utf-8")

    def remove() -> None:
        reports()
        settings.unlink()

    out, _ = _watch_rounds(content, tmp_path / "out", {2: make, 5: remove, 7: reports}, rounds=8, err=err)
    assert out.count("built in") == 3, out
    assert len(reported) == 3
    assert "[trust/contact]" in reported[0]
    assert "[trust/contact]" not in reported[1] and "[trust/feedback]" in reported[1]
    assert "[trust/contact]" in reported[2]


def test_a_save_made_while_a_build_changes_the_pictures_is_built_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build of a save that shows other pictures is still running when the next save comes:
    that save is built as well (the digest taken over the new pictures must not pass it for built)."""
    from leaflet import batch

    content = _pictured(tmp_path)
    first = content.read_text("utf-8")
    other_pictures = first.replace("images/photo.jpg", "images/pacing.png")
    last = other_pictures.replace("Pacing means planning", "Pacing means thinking ahead and planning")
    assert last != other_pictures
    real, builds = batch.build_one, [0]

    def build_one(*args: Any, **kwargs: Any) -> batch.Outcome:
        outcome = real(*args, **kwargs)
        builds[0] += 1
        if builds[0] == 2:
            content.write_text(last, "utf-8")  # saved while the second build was finishing
        return outcome

    monkeypatch.setattr(batch, "build_one", build_one)
    out, err = _watch_rounds(
        content, tmp_path / "out", {2: lambda: content.write_text(other_pictures, "utf-8")}
    )
    assert out.count("built in") == 3, (out, err)
    assert "thinking ahead" in text_of(next((tmp_path / "out").glob("*.pdf")))


def test_a_picture_link_pointed_elsewhere_or_a_missing_picture_put_in_place_is_built(tmp_path: Path) -> None:
    content = _pictured(tmp_path)
    images = tmp_path / "images"
    (images / "first").mkdir()
    (images / "second").mkdir()
    shutil.copy(images / "pacing.png", images / "first" / "p.png")
    shutil.copy(images / "logo.png", images / "second" / "p.png")
    (images / "pacing.png").unlink()
    (images / "pacing.png").symlink_to("first/p.png")
    pdfs = _Pdfs(tmp_path / "out")
    keep = pdfs.keep

    def point_elsewhere() -> None:
        keep()
        (images / "link").symlink_to("second/p.png")
        os.replace(images / "link", images / "pacing.png")  # as `ln -sfn` does

    def name_a_missing_picture() -> None:
        keep()
        content.write_text(content.read_text("utf-8").replace("images/photo.jpg", "images/new.png"), "utf-8")

    def put_it_in_place() -> None:
        shutil.copy(images / "logo.png", images / "new.png")

    out, err = _watch_rounds(
        content,
        tmp_path / "out",
        {2: point_elsewhere, 4: name_a_missing_picture, 6: put_it_in_place, 9: keep},
    )
    assert out.count("built in") == 3 and out.count("not built") == 1, (out, err)
    assert "new.png" in err
    assert len(pdfs.seen) == 3  # the first picture, the one the link points to now, then the new one


def test_a_file_gone_while_it_is_built_is_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaflet import batch, stamp
    from leaflet.safeio import FileProblem

    content = tmp_path / "watched.yaml"
    content.write_text(LEAFLET.format(word="tiredness"), "utf-8")

    def gone(*args: Any, **kwargs: Any) -> Any:
        raise FileProblem(content, "no such file")

    monkeypatch.setattr(stamp, "read_facts", gone)
    outcome = batch.build_one(content, ("standard",), None, tmp_path / "out", force=True)
    assert outcome.status == "failed"
    assert outcome.problems == (f"{content}: error: no such file",)


def test_a_picture_put_in_place_while_its_build_ends_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content names a picture not there yet, and the picture is copied in as that (failing)
    build ends: the picture is new to what is watched, and what it is now is not what the build
    saw, so it is built."""
    from leaflet import batch

    content = _pictured(tmp_path)
    naming = content.read_text("utf-8").replace("images/photo.jpg", "images/new.png")
    real, builds = batch.build_one, [0]

    def build_one(*args: Any, **kwargs: Any) -> batch.Outcome:
        outcome = real(*args, **kwargs)
        builds[0] += 1
        if builds[0] == 2:
            shutil.copy(tmp_path / "images" / "logo.png", tmp_path / "images" / "new.png")
        return outcome

    monkeypatch.setattr(batch, "build_one", build_one)
    out, err = _watch_rounds(content, tmp_path / "out", {2: lambda: content.write_text(naming, "utf-8")})
    assert (out.count("built in"), out.count("not built")) == (2, 1), (out, err)


def test_a_picture_that_links_to_itself_is_said_and_the_loop_goes_on(tmp_path: Path) -> None:
    content = _pictured(tmp_path)
    picture = tmp_path / "images" / "pacing.png"
    kept = tmp_path / "pacing.png"

    def loop() -> None:
        picture.rename(kept)
        picture.symlink_to("pacing.png")

    def mend() -> None:
        picture.unlink()
        kept.rename(picture)

    out, err = _watch_rounds(content, tmp_path / "out", {2: loop, 5: mend})
    assert (out.count("built in"), out.count("not built")) == (2, 1), (out, err)
    assert "'images/pacing.png' goes through symbolic links that loop, and reaches no file" in err
    assert "Traceback" not in err


def test_a_welsh_leaflets_partner_is_watched_when_broken_renamed_or_still_to_come(tmp_path: Path) -> None:
    langs = ROOT / "tests" / "data" / "langs"
    content = tmp_path / "cy-en.yaml"
    shutil.copy(langs / "cy-en.yaml", content)
    partner = tmp_path / "en-cy.yaml"
    good = (langs / "en-cy.yaml").read_text("utf-8")
    partner.write_text("metadata: [broken\n", "utf-8")  # broken when the watch starts
    welsh = content.read_text("utf-8")

    def mend() -> None:
        partner.write_text(good, "utf-8")

    def rename() -> None:
        partner.rename(tmp_path / "english.yaml")
        content.write_text(welsh.replace("partner: en-cy.yaml", "partner: english.yaml"), "utf-8")

    def name_one_to_come() -> None:
        content.write_text(welsh.replace("partner: en-cy.yaml", "partner: saesneg.yaml"), "utf-8")

    def put_in_place() -> None:
        shutil.copy(tmp_path / "english.yaml", tmp_path / "saesneg.yaml")

    out, err = _watch_rounds(
        content, tmp_path / "out", {2: mend, 4: rename, 6: name_one_to_come, 8: put_in_place}, rounds=11
    )
    # Broken, mended, renamed (with the content), named before it is there, put in place.
    assert [line.split(" ", 1)[1][:9] for line in out.splitlines()[1:]] == [
        "not built",
        "built in ",
        "built in ",
        "not built",
        "built in ",
    ], (out, err)


@pytest.mark.parametrize(
    ("made", "said"),
    [
        ("nothing", "gone.yaml: error: no such file"),
        ("folder", "gone.yaml: error: expected a file, found a folder; watch takes one content file"),
        ("loop", "gone.yaml: error: too many symbolic links"),
    ],
)
def test_watching_what_is_not_a_content_file_is_said_in_one_line(
    tmp_path: Path, made: str, said: str
) -> None:
    """Nothing to watch is a mistake in the command, said at once (it waited in silence)."""
    target = tmp_path / "gone.yaml"
    if made == "folder":
        target.mkdir()
    elif made == "loop":
        target.symlink_to("gone.yaml")
    cmd = [sys.executable, str(ROOT / "make_leaflet.py"), "watch", "gone.yaml"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=WAIT)
    assert (proc.returncode, proc.stderr.strip(), proc.stdout) == (2, said, "")


def test_building_a_content_file_that_links_to_itself_is_said_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    cmd = [sys.executable, str(ROOT / "make_leaflet.py"), "build", "loop.yaml", "-o", "out"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=WAIT)
    assert (proc.returncode, proc.stderr.strip()) == (2, "loop.yaml: error: too many symbolic links")
