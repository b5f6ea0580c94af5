"""Every file read is a regular file, read no further than its limit: no hang, no memory blow-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leaflet.safeio import MAX_FONT_BYTES, FileProblem, read_file
from leaflet.style import STYLES_DIR
from tests.conftest import metadata_block

LEAFLET = (
    metadata_block("Read {n}", "read-{n}")
    + "sections:\n  - heading: One\n    content:\n      - Words.\nreferences: []\n"
)


def _leaflet(folder: Path, n: int) -> Path:
    path = folder / f"leaflet-{n}.yaml"
    path.write_text(LEAFLET.format(n=n), "utf-8")
    return path


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in its own process, so that a hang fails the test instead of stopping the suite."""
    return subprocess.run(
        [sys.executable, "-m", "leaflet.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_a_pipe_or_a_device_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(FileProblem, match=r"not a regular file \(a named pipe\)"):
        read_file(fifo, 100)
    with pytest.raises(FileProblem, match=r"not a regular file \(a device\)"):
        read_file("/dev/zero", 100)
    assert time.monotonic() - start < 1


def test_the_limit_is_kept_while_reading_not_taken_from_the_size_the_file_claims(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(FileProblem, match="the limit is 1,000 bytes"):
        read_file(big, 1000)
    assert read_file(big, 1000, whole=False) == b"x" * 1000
    assert read_file(big, 1001) == b"x" * 1001
    link = tmp_path / "link"
    link.symlink_to(big)
    with pytest.raises(FileProblem, match="symbolic link"):
        read_file(link, 5000, follow_links=False)


def test_a_pipe_among_the_leaflets_of_a_folder_is_reported_and_the_others_build(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    _leaflet(src, 1)
    os.mkfifo(src / "pipe.yaml")
    _leaflet(src, 2)
    result = _cli(tmp_path, "build", "src", "-o", "out", "--jobs", "2")
    assert result.returncode == 2
    assert (
        "src/pipe.yaml: error: not a regular file (a named pipe); it is not read"
        in result.stderr.splitlines()
    )
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["read-1.pdf", "read-2.pdf"]


def test_a_content_file_that_is_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    result = _cli(tmp_path, "build", "zero.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["zero.yaml: error: not a regular file (a device); it is not read"]


@pytest.mark.parametrize("which", ["sheet", "extended"])
def test_a_style_sheet_or_the_sheet_it_extends_that_is_a_pipe_is_refused(tmp_path: Path, which: str) -> None:
    _leaflet(tmp_path, 1)
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    if which == "sheet":
        os.mkfifo(sheets / "mine.yaml")
    else:
        (sheets / "mine.yaml").write_text("extends: base\n", "utf-8")
        os.mkfifo(sheets / "base.yaml")
    result = _cli(tmp_path, "build", "leaflet-1.yaml", "--style", "sheets/mine.yaml")
    assert result.returncode == 2
    name = "mine" if which == "sheet" else "base"
    assert f"sheets/{name}.yaml: error: not a regular file (a named pipe); it is not read" in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_font_file_over_the_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    from leaflet.fontfiles import family_files

    huge = tmp_path / "huge.ttf"
    with open(huge, "wb") as fh:
        fh.write(family_files("Atkinson Hyperlegible")[0].read_bytes())  # a real font's start
        fh.truncate(MAX_FONT_BYTES + 1)  # and the rest sparse: costs no disk
    sheet = tmp_path / "huge.yaml"
    text = (STYLES_DIR / "default.yaml").read_text("utf-8")
    text = text.replace(
        "  text: Atkinson Hyperlegible\n",
        "  text: Huge\n  families:\n    Huge:\n      regular: huge.ttf\n      bold: huge.ttf\n",
    )
    sheet.write_text(text, "utf-8")
    _leaflet(tmp_path, 1)
    result = _cli(tmp_path, "build", "leaflet-1.yaml", "--style", "huge.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"huge.ttf: error: cannot use this font file: the file is too large to read; the limit is {MAX_FONT_BYTES:,} bytes"
    ]


def test_every_module_reads_files_through_the_one_reader() -> None:
    """No module opens a file to read it but `leaflet/safeio.py` (package data read by importlib aside)."""
    import re

    package = Path(__file__).resolve().parent.parent / "leaflet"
    reading = re.compile(r"\.read_bytes\(|\.read_text\(|(?<![\w.])open\(|(?<!os)\.open\(")
    found = [
        f"{path.relative_to(package)}:{n}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "safeio.py"
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if reading.search(line) and "resources.files" not in line and "BytesIO" not in line
    ]
    assert found == []
