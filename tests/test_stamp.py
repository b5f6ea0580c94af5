"""The stamp beside each PDF: a skip is earned, and the stamp can be neither hijacked nor made to hang."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

import leaflet.build
from leaflet.cli import main
from tests.conftest import metadata_block

LEAFLET = (
    metadata_block("Stamped", "stamped")
    + "sections:\n  - heading: One\n    content:\n      - The first words.\nreferences: []\n"
)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    path = tmp_path / "stamped.yaml"
    path.write_text(LEAFLET, "utf-8")
    return path


def build(capsys: pytest.CaptureFixture[str], content: Path, *more: str) -> tuple[int, str]:
    rc = main(["build", str(content), "-o", str(content.parent / "out"), *more])
    return rc, capsys.readouterr().err


def skipped(err: str) -> bool:
    return "up to date:" in err


def tagged(pdf: Path) -> bool:
    return "/StructTreeRoot" in PdfReader(pdf).trailer["/Root"]


def pdf_of(content: Path) -> Path:
    return content.parent / "out" / "stamped.pdf"


def stamp_of(content: Path) -> Path:
    return content.parent / "out" / ".stamped.pdf.built"


def test_the_stamp_records_what_was_built(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(capsys, content)[0] == 0
    record = json.loads(stamp_of(content).read_text("utf-8"))
    data = pdf_of(content).read_bytes()
    assert record["pdf"] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert record["edition"] == "standard" and record["tagged"] is True
    assert record["tool"] == leaflet.__version__ and len(record["inputs"]) == 64
    assert skipped(build(capsys, content)[1])


def test_a_truncated_or_replaced_pdf_is_built_again(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(capsys, content)
    pdf = pdf_of(content)
    whole = pdf.read_bytes()
    pdf.write_bytes(whole[: len(whole) // 2])
    assert not skipped(build(capsys, content)[1])
    assert pdf.read_bytes() == whole
    middle = len(whole) // 2
    pdf.write_bytes(whole[:middle] + bytes([whole[middle] ^ 1]) + whole[middle + 1 :])  # one bit off
    assert not skipped(build(capsys, content)[1])
    assert pdf.read_bytes() == whole


def test_an_untagged_build_is_not_up_to_date_for_a_tagged_one(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEAFLET_UNTAGGED", "1")
    build(capsys, content)
    assert not tagged(pdf_of(content))
    monkeypatch.delenv("LEAFLET_UNTAGGED")
    assert not skipped(build(capsys, content)[1])
    assert tagged(pdf_of(content))


def test_an_interrupted_build_leaves_no_stamp_vouching_for_the_other_version(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built (v1), changed and stopped between writing the PDF and its stamp (v2), changed back (v1)."""
    build(capsys, content)
    first = pdf_of(content).read_bytes()
    content.write_text(LEAFLET.replace("The first words", "The second words"), "utf-8")
    real = leaflet.build.write_atomically

    def write_then_stop(path: Path, data: bytes) -> None:
        real(path, data)
        raise KeyboardInterrupt  # Ctrl-C after the PDF, before its stamp

    monkeypatch.setattr(leaflet.build, "write_atomically", write_then_stop)
    assert build(capsys, content)[0] == 130
    monkeypatch.undo()
    assert pdf_of(content).read_bytes() != first
    content.write_text(LEAFLET, "utf-8")
    assert not skipped(build(capsys, content)[1])
    assert pdf_of(content).read_bytes() == first


def test_a_stamp_that_is_a_link_is_never_written_through(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = content.parent / "victim.txt"
    victim.write_text("precious", "utf-8")
    (content.parent / "out").mkdir()
    stamp_of(content).symlink_to(victim)
    assert build(capsys, content)[0] == 0
    assert victim.read_text("utf-8") == "precious"
    assert not stamp_of(content).is_symlink() and json.loads(stamp_of(content).read_text("utf-8"))["pdf"]
    assert skipped(build(capsys, content)[1])


BUILD = "import sys; from leaflet.cli import main; sys.exit(main(['build', sys.argv[1], '-o', sys.argv[2]]))"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_stamp_that_is_a_pipe_or_a_device_neither_hangs_nor_fills_memory(
    content: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    build(capsys, content)
    stamp = stamp_of(content)
    stamp.unlink()
    if kind == "fifo":
        os.mkfifo(stamp)
    else:
        stamp.symlink_to("/dev/zero")
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(content), str(content.parent / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" not in result.stderr  # not vouched for: built again
    assert json.loads(stamp.read_text("utf-8"))["pdf"]  # and a real stamp took its place


CHEAP = """
import sys
from pathlib import Path
from leaflet import stamp
inputs = stamp.inputs(Path(sys.argv[1]), ("standard",), ("default",))
fresh = stamp.up_to_date(Path(sys.argv[2]), stamp.Expected(inputs, "standard", True))
print(fresh, sorted(m for m in sys.modules if m.split(".")[0] in ("reportlab", "pypdf", "pikepdf", "jsonschema")))
"""


def test_the_up_to_date_check_loads_no_layout_or_pdf_library(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(capsys, content)
    result = subprocess.run(
        [sys.executable, "-c", CHEAP, str(content), str(pdf_of(content))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "[]"], result.stderr
