"""Many leaflets at once: parallel builds, one bad file stopping nothing, skipping what is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from leaflet.cli import main
from tests.conftest import metadata_block

LEAFLET = (
    metadata_block("Leaflet number {n}", "leaflet-{n}")
    + """\
sections:
  - heading: Section {n}
    content:
      - Words of leaflet {n}.
references: []
"""
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "leaflets"
    (src / "more").mkdir(parents=True)
    (src / "one.yaml").write_text(LEAFLET.format(n=1), "utf-8")
    (src / "more" / "two.yaml").write_text(LEAFLET.format(n=2), "utf-8")
    (src / "bad.yaml").write_text(LEAFLET.format(n=3).replace("slug: leaflet-3", "slug: Leaflet 3"), "utf-8")
    (src / ".hidden").mkdir()
    (src / ".hidden" / "ignored.yaml").write_text("not: a leaflet", "utf-8")
    return src


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    rc = main(["build", *args])
    out, err = capsys.readouterr()
    return rc, out.splitlines(), err.splitlines()


def test_one_bad_file_stops_nothing_and_fails_the_run(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    rc, printed, errors = run(capsys, str(folder), "-o", str(out), "--jobs", "2")
    assert rc == 2
    assert sorted(Path(p).name for p in printed) == ["leaflet-1.pdf", "leaflet-2.pdf"]
    assert (out / "leaflet-1.pdf").stat().st_size > 1000 and (out / "leaflet-2.pdf").exists()
    assert any(
        e.endswith(
            "bad.yaml:3:9: error: metadata.slug: expected lower-case letters, digits and "
            "single hyphens, such as nice-2012, found text 'Leaflet 3'"
        )
        for e in errors
    ), errors
    assert sum(e.startswith("[") and "/3] " in e for e in errors) == 3  # progress: done/total and the file
    assert "2 built, 0 up to date, 1 failed" in errors
    assert any(e.strip() == f"failed: {folder / 'bad.yaml'}" for e in errors)


def test_unchanged_leaflets_are_skipped_until_forced_or_changed(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bad.yaml").unlink()
    out = tmp_path / "out"
    assert run(capsys, str(folder), "-o", str(out))[0] == 0
    first = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    rc, _, errors = run(capsys, str(folder), "-o", str(out), "--jobs", "2")
    assert rc == 0 and "0 built, 2 up to date, 0 failed" in errors
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == first

    (folder / "one.yaml").write_text(LEAFLET.format(n=1).replace("Words of", "New words of"), "utf-8")
    rc, _, errors = run(capsys, str(folder), "-o", str(out))
    assert "1 built, 1 up to date, 0 failed" in errors
    assert (out / "leaflet-2.pdf").stat().st_mtime_ns == first["leaflet-2.pdf"]

    rc, _, errors = run(capsys, str(folder), "-o", str(out), "--force")
    assert "2 built, 0 up to date, 0 failed" in errors


def test_a_changed_style_sheet_rebuilds(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from leaflet.style import STYLES_DIR

    sheet = tmp_path / "mine.yaml"
    sheet.write_text((STYLES_DIR / "default.yaml").read_text("utf-8"), "utf-8")
    one = folder / "one.yaml"
    out = tmp_path / "one.pdf"
    assert run(capsys, str(one), "-o", str(out), "--style", str(sheet))[0] == 0
    _, _, errors = run(capsys, str(one), "-o", str(out), "--style", str(sheet))
    assert any(e.startswith("up to date:") for e in errors)
    sheet.write_text(sheet.read_text("utf-8").replace("size: 13pt", "size: 14pt"), "utf-8")
    _, printed, errors = run(capsys, str(one), "-o", str(out), "--style", str(sheet))
    assert printed == [str(out)] and not [e for e in errors if not e.endswith("]") and "advice" not in e]


def test_several_leaflets_need_a_folder_not_a_file_name(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _, errors = run(capsys, str(folder / "one.yaml"), str(folder / "more" / "two.yaml"), "-o", "x.pdf")
    assert rc == 2 and errors == [
        "leaflet: error: -o names one PDF, but there are several leaflets: give a folder"
    ]


def test_unknown_edition_is_a_usage_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["build", str(folder / "one.yaml"), "--edition", "poster"])
    assert info.value.code == 2
    assert "unknown edition 'poster'" in capsys.readouterr().err


def test_an_up_to_date_run_never_imports_the_layout_engine(folder: Path, tmp_path: Path) -> None:
    one = folder / "one.yaml"
    out = tmp_path / "one.pdf"
    code = f"""
import sys
from leaflet.cli import main
rc = main(["build", {str(one)!r}, "-o", {str(out)!r}, "--edition", "standard,booklet"])
print(rc, sorted({{m.split(".")[0] for m in sys.modules}} & {{"reportlab", "jsonschema", "pikepdf", "pypdf"}}))
"""
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.split("\n")[-2].startswith("0 [") and "'reportlab'" in first.stdout  # it did build
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert again.stdout.split("\n")[-2] == "0 []"
    assert "up to date:" in again.stderr


def test_one_leaflet_builds_without_loading_the_workers_machinery(folder: Path, tmp_path: Path) -> None:
    # multiprocessing and concurrent.futures are imported only when a batch starts workers.
    code = f"""
import sys
from leaflet.cli import main
rc = main(["build", {str(folder / "one.yaml")!r}, "-o", {str(tmp_path / "one.pdf")!r}, "--edition", "standard"])
print(rc, sorted({{m.split(".")[0] for m in sys.modules}} & {{"multiprocessing", "concurrent", "reportlab"}}))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split("\n")[-2] == "0 ['reportlab']", run.stdout + run.stderr
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF-")


def test_workers_start_warm_and_build_what_one_process_builds(folder: Path, tmp_path: Path) -> None:
    (folder / "bad.yaml").unlink()
    (folder / "three.yaml").write_text(LEAFLET.format(n=3), "utf-8")
    code = f"""
import dataclasses, hashlib, sys
from pathlib import Path
import leaflet.batch as batch
from leaflet.layout import cache

real = batch.build_one

def spy(content, *args):
    warm = len(cache.LINES) > 0 and "reportlab" in sys.modules
    outcome = real(content, *args)
    return dataclasses.replace(outcome, findings=(f"warm={{warm}}",))

batch.build_one = spy
contents = batch.expand([Path({str(folder)!r})])
for jobs in (2, 1):
    out = Path({str(tmp_path)!r}) / f"out{{jobs}}"
    outcomes = batch.run(contents, ("standard",), None, out, True, jobs, lambda *a: None)
    digests = sorted(hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in out.glob("*.pdf"))
    print(jobs, [o.status for o in outcomes], [o.findings[0] for o in outcomes], digests)
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    two, one = proc.stdout.splitlines()
    assert two.startswith("2 ['built', 'built', 'built'] ['warm=False', 'warm=True', 'warm=True']"), two
    assert one.startswith("1 ['built', 'built', 'built']")
    assert two.split("] [")[-1] == one.split("] [")[-1]  # the same PDFs, byte for byte


def test_a_long_batch_collects_its_garbage_every_few_leaflets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cyclic collector is paused while leaflets are built, runs every COLLECT_EVERY of them
    (a long batch stays the size of a few leaflets), and is itself again when the batch ends."""
    import gc

    from leaflet import batch

    src = tmp_path / "many"
    src.mkdir()
    for n in range(1, 6):
        (src / f"l{n}.yaml").write_text(LEAFLET.format(n=n), "utf-8")
    ran: list[int] = []
    real = gc.collect
    built: list[str] = []

    def collect(*args: object) -> int:
        ran.append(len(built))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "COLLECT_EVERY", 2)
    monkeypatch.setattr(gc, "collect", collect)
    enabled = []

    def report(done: int, total: int, outcome: batch.Outcome) -> None:
        built.append(outcome.status)
        enabled.append(gc.isenabled())

    try:
        outcomes = batch.run(batch.expand([src]), ("standard",), None, tmp_path / "out", True, 1, report)
    finally:
        gc.unfreeze()
    assert [o.status for o in outcomes] == ["built"] * 5
    assert ran == [2, 4]  # after the second leaflet, and the fourth
    assert enabled == [True, False, False, False, False]  # paused after the first build
    assert gc.isenabled()


def test_clashing_slugs_are_found_even_when_the_process_reading_them_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The slugs are read in a forked process while this one makes ready to build; if that process
    dies, they are read here, and a clash still stops the batch before anything is written."""
    import os

    from leaflet import batch

    src = tmp_path / "clash"
    src.mkdir()
    for name in ("a", "b"):
        (src / f"{name}.yaml").write_text(LEAFLET.format(n=7), "utf-8")
    real = batch._slug_clashes
    here = os.getpid()

    def dies_in_the_fork(contents: list[Path], editions: tuple[str, ...]) -> list[object]:
        if os.getpid() != here:
            os._exit(9)  # the reading process killed
        return real(contents, editions)  # type: ignore[return-value]

    monkeypatch.setattr(batch, "_slug_clashes", dies_in_the_fork)
    rc, printed, errors = run(capsys, str(src), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert_b_clashes_with_a(rc, printed, errors, src, tmp_path / "out")


def test_an_up_to_date_folder_looks_at_each_leaflet_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The records of a folder's leaflets are compared once a run (the clash check finds them up to
    date, and the builds are told), for either number of jobs, and no worker is started for them."""
    from leaflet import batch, stamp

    src = tmp_path / "many"
    src.mkdir()
    for n in range(1, 4):
        (src / f"l{n}.yaml").write_text(LEAFLET.format(n=n), "utf-8")
    out = tmp_path / "out"
    assert run(capsys, str(src), "-o", str(out))[0] == 0
    looked: list[Path] = []
    real = stamp.quick_skip

    def counted(content: Path, *args: object) -> object:
        looked.append(content)
        return real(content, *args)  # type: ignore[arg-type]

    def no_workers() -> None:
        raise AssertionError("workers forked for a folder that is up to date")

    monkeypatch.setattr(stamp, "quick_skip", counted)
    forks = batch._warm_context
    monkeypatch.setattr(batch, "_warm_context", no_workers)
    for jobs in ("1", "2"):
        looked.clear()
        rc, printed, errors = run(capsys, str(src), "-o", str(out), "--jobs", jobs)
        assert rc == 0 and "0 built, 3 up to date, 0 failed" in errors, errors
        assert sorted(Path(p).name for p in printed) == ["leaflet-1.pdf", "leaflet-2.pdf", "leaflet-3.pdf"]
        assert sorted(p.name for p in looked) == ["l1.yaml", "l2.yaml", "l3.yaml"]  # once each

    # One changed since: looked at again when its turn comes, and built.
    monkeypatch.setattr(batch, "_warm_context", forks)
    (src / "l2.yaml").write_text(LEAFLET.format(n=2).replace("Words of", "New words of"), "utf-8")
    looked.clear()
    rc, printed, errors = run(capsys, str(src), "-o", str(out))
    assert rc == 0 and "1 built, 2 up to date, 0 failed" in errors, errors
    assert sorted(p.name for p in looked) == ["l1.yaml", "l2.yaml", "l2.yaml", "l3.yaml"]


@pytest.mark.parametrize(
    "written",
    [
        "slug: '{slug}'",
        'slug: "{slug}"  # a comment',
        "slug: !!str {slug}",  # a tag YAML knows
        "slug: &here {slug}",  # an anchor alone is harmless
    ],
)
def test_a_slug_written_any_way_clashes_with_the_same_slug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str
) -> None:
    """The clash check reads each leaflet as a build does: however a slug is written, two leaflets
    with the same one stop the batch before anything is written."""
    src = tmp_path / "clash"
    src.mkdir()
    (src / "a.yaml").write_text(LEAFLET.format(n=7), "utf-8")
    other = LEAFLET.format(n=7).replace("slug: leaflet-7", written.format(slug="leaflet-7"), 1)
    assert other != LEAFLET.format(n=7)
    (src / "b.yaml").write_text(other, "utf-8")
    rc, printed, errors = run(capsys, str(src), "-o", str(tmp_path / "out"))
    assert_b_clashes_with_a(rc, printed, errors, src, tmp_path / "out")


def assert_b_clashes_with_a(rc: int, printed: list[str], errors: list[str], src: Path, out: Path) -> None:
    """The batch stopped before writing anything: b.yaml would write a.yaml's leaflet-7.pdf."""
    assert rc == 2 and printed == []
    clash = f"b.yaml: error: it would write leaflet-7.pdf, as {src / 'a.yaml'} does: give each leaflet its own slug"
    assert any(e.endswith(clash) for e in errors), errors
    assert not out.exists()


def test_a_leaflet_that_does_not_read_takes_no_part_in_the_clash_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file the build would refuse (here a key given twice, deep in a section) writes nothing,
    so it clashes with no other: the other leaflet is built, and the mistake is reported where it is."""
    src = tmp_path / "mixed"
    src.mkdir()
    (src / "a.yaml").write_text(LEAFLET.format(n=7), "utf-8")
    twice = LEAFLET.format(n=7).replace(
        "  - heading: Section 7\n", "  - heading: Section 7\n    heading: Again\n", 1
    )
    assert twice != LEAFLET.format(n=7)
    (src / "b.yaml").write_text(twice, "utf-8")
    rc, printed, errors = run(capsys, str(src), "-o", str(tmp_path / "out"))
    assert rc == 2
    assert [Path(p).name for p in printed] == ["leaflet-7.pdf"]
    assert any("b.yaml:" in e and "duplicate key 'heading'" in e for e in errors), errors
    assert not any("give each leaflet its own slug" in e for e in errors), errors
