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


# ---------------------------------------------------------------- the quick skip


HEAVY = (
    "reportlab",
    "pypdf",
    "pikepdf",
    "jsonschema",
    "babel",
    "jinja2",
    "PIL.Image",
    "yaml",
    "textstat",
    "fontTools",
    "uharfbuzz",
    "multiprocessing",
)
#: Our own modules a skip must not load: reading the content, the schema, sheets, checks, layout.
OWN = ("leaflet.content.loader", "leaflet.style", "leaflet.checks", "leaflet.build", "leaflet.plan")

RUN = f"""
import sys
from leaflet.cli import main
from leaflet.deferred import loaded
rc = main(sys.argv[1:])
print(rc, [name for name in {HEAVY + OWN!r} if loaded(name)])
"""


def run_cli(cwd: Path, *args: str) -> tuple[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    return result.stdout.strip().splitlines()[-1], result.stderr


@pytest.mark.parametrize("editions", [["--edition", "standard"], ["--edition", "all"], []])
def test_an_up_to_date_run_reads_only_the_records_and_the_inputs(tmp_path: Path, editions: list[str]) -> None:
    """Nothing needs doing: no content reader, schema, style sheet, layout, PDF or web library is loaded."""
    content = tmp_path / "ccsvi.yaml"
    content.write_text((Path(__file__).parent.parent / "content.yaml").read_text("utf-8"), "utf-8")
    first, _ = run_cli(tmp_path, "build", str(content), "-o", "out", *editions)
    assert first.startswith("0 ") and "reportlab" in first  # built: the layout was loaded
    again, err = run_cli(tmp_path, "build", str(content), "-o", "out", *editions)
    assert again == "0 []", err
    assert "up to date:" in err


def test_an_up_to_date_folder_reads_only_the_records_and_the_inputs(tmp_path: Path) -> None:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    for slug in ("one", "two"):
        (folder / f"{slug}.yaml").write_text(LEAFLET.replace("stamped", slug), "utf-8")
    run_cli(tmp_path, "build", "leaflets", "-o", "out")
    again, err = run_cli(tmp_path, "build", "leaflets", "-o", "out")
    assert again == "0 []", err
    assert "0 built, 2 up to date, 0 failed" in err
    # Two leaflets that would now write one file are still told apart, from what their records say.
    (folder / "two.yaml").write_text(LEAFLET.replace("stamped", "one"), "utf-8")
    clash, err = run_cli(tmp_path, "build", "leaflets", "-o", "out")
    assert clash.startswith("2 ") and "give each leaflet its own slug" in err


def test_the_quick_skip_is_what_skips(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(capsys, content)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the content was read")

    monkeypatch.setattr("leaflet.plan.plan", no_reading)
    assert skipped(build(capsys, content)[1])


def test_the_quick_skip_sees_every_input_change(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each change to something a build read (or looked for) means the full check decides, and builds."""
    from leaflet import stamp

    images = Path(__file__).parent / "data" / "images"
    (content.parent / "logo.png").write_bytes((images / "logo.png").read_bytes())
    text = LEAFLET.replace("  next_review:", "  logo: logo.png\n  next_review:")
    content.write_text(text, "utf-8")
    monkeypatch.chdir(content.parent)
    assert build(capsys, content)[0] == 0
    assert skipped(build(capsys, content)[1])

    def rebuilt() -> bool:
        rc, err = build(capsys, content)
        return rc == 0 and not skipped(err) and skipped(build(capsys, content)[1])

    # A picture's bytes.
    (content.parent / "logo.png").write_bytes((images / "pacing.png").read_bytes())
    assert rebuilt()
    # The project's own sheet of the name, where there was none (the built-in one was used).
    (content.parent / "styles").mkdir()
    builtin = Path(leaflet.build.__file__).parent / "styles" / "default.yaml"
    (content.parent / "styles" / "default.yaml").write_text(builtin.read_text("utf-8"), "utf-8")
    assert rebuilt()
    # That sheet's words.
    with (content.parent / "styles" / "default.yaml").open("a", encoding="utf-8") as sheet:
        sheet.write("\n# a comment changes no style, but the file is another\n")
    assert rebuilt()
    # The tool.
    monkeypatch.setattr(stamp, "tool_fingerprint", lambda: "another tool")
    assert rebuilt()
    monkeypatch.undo()
    monkeypatch.chdir(content.parent)
    # What was asked for.
    rc, err = build(capsys, content, "--edition", "large-print")
    assert rc == 0 and not skipped(err)
    # A settings file for the checks, above the content, with a mistake in it: the build stops.
    (content.parent / "leaflet-checks.yaml").write_text("checks:\n  no/such-rule: off\n", "utf-8")
    rc, err = build(capsys, content)
    assert rc == 2 and "no rule 'no/such-rule'" in err and not skipped(err)


def test_what_a_sheet_names_is_read_again_when_the_sheet_changes(tmp_path: Path) -> None:
    """The facts kept from each sheet for the next leaflet of a batch follow the sheet's words."""
    from leaflet import stamp

    sheet = tmp_path / "mine.yaml"
    sheet.write_text("extends: default\nfonts:\n  families:\n    body:\n      regular: one.ttf\n", "utf-8")
    first = stamp.sheet_files(str(sheet))
    assert tmp_path / "one.ttf" in first
    assert any(p.name == "default.yaml" for p in first)
    before = stamp.inputs(tmp_path / "mine.yaml", ["standard"], [str(sheet)])
    # The same length, the same moment: only the words differ.
    sheet.write_text("extends: press\nfonts:\n  families:\n    body:\n      regular: two.ttf\n", "utf-8")
    os.utime(sheet, ns=(0, 0))
    second = stamp.sheet_files(str(sheet))
    assert tmp_path / "two.ttf" in second and tmp_path / "one.ttf" not in second
    assert any(p.name == "press.yaml" for p in second)
    assert stamp.inputs(tmp_path / "mine.yaml", ["standard"], [str(sheet)]) != before
    # A sheet that is not YAML any more ends the walk at itself.
    sheet.write_text("extends: [press\n", "utf-8")
    assert stamp.sheet_files(str(sheet)) == [sheet]


@pytest.mark.parametrize("through", ["file", "folder"])
def test_a_picture_reached_through_a_link_pointed_elsewhere_is_built_again(
    content: Path, capsys: pytest.CaptureFixture[str], through: str
) -> None:
    """The record reads each picture again by the path the content names, so pointing the link
    (to the picture, or to its folder) at another file is a change: it used to be read by the
    file the link led to when it was built, which had not changed, and the PDF was left stale."""
    images = Path(__file__).parent / "data" / "images"
    for name in ("a", "b"):
        (content.parent / name).mkdir()
        source = images / ("pacing.png" if name == "a" else "logo.png")
        (content.parent / name / "pic.png").write_bytes(source.read_bytes())
    if through == "file":
        (content.parent / "pics").mkdir()
        link, first, second = content.parent / "pics" / "pic.png", "../a/pic.png", "../b/pic.png"
    else:
        link, first, second = content.parent / "pics", "a", "b"
    link.symlink_to(first)
    figure = "      - figure: {file: pics/pic.png, alt: A picture.}\n"
    content.write_text(
        LEAFLET.replace("      - The first words.\n", "      - The first words.\n" + figure), "utf-8"
    )
    assert build(capsys, content)[0] == 0
    before = pdf_of(content).read_bytes()
    assert skipped(build(capsys, content)[1])
    link.unlink()
    link.symlink_to(second)
    rc, err = build(capsys, content)
    assert rc == 0 and not skipped(err), err
    assert pdf_of(content).read_bytes() != before
    assert skipped(build(capsys, content)[1])


def test_a_partner_reached_through_a_link_pointed_elsewhere_is_built_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    langs = Path(__file__).parent / "data" / "langs"
    welsh = tmp_path / "cy.yaml"
    welsh.write_text(
        (langs / "cy-en.yaml").read_text("utf-8").replace("partner: en-cy.yaml", "partner: en.yaml"), "utf-8"
    )
    english = (langs / "en-cy.yaml").read_text("utf-8")
    (tmp_path / "en-1.yaml").write_text(english, "utf-8")
    (tmp_path / "en-2.yaml").write_text(
        english.replace("Take short breaks often.", "Take a short break often."), "utf-8"
    )
    (tmp_path / "en.yaml").symlink_to("en-1.yaml")
    args = ["build", str(welsh), "-o", str(tmp_path / "out"), "--edition", "standard"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 0 and skipped(capsys.readouterr().err)
    (tmp_path / "en.yaml").unlink()
    (tmp_path / "en.yaml").symlink_to("en-2.yaml")
    assert main(args) == 0
    assert not skipped(capsys.readouterr().err)


def test_a_partner_named_with_dots_through_a_linked_folder_is_the_file_the_build_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cy` is a link to real/site/cy and the Welsh file names `../en/en.yaml`: the system finds
    the partner in real/site/en, not beside the link (a path tidied as text would name a decoy
    work/en/en.yaml, and a change to the real partner was taken as up to date)."""
    langs = Path(__file__).parent / "data" / "langs"
    real = tmp_path / "real" / "site"
    (real / "cy").mkdir(parents=True)
    (real / "en").mkdir()
    (tmp_path / "work" / "en").mkdir(parents=True)
    (tmp_path / "work" / "cy").symlink_to(real / "cy")
    welsh = (langs / "cy-en.yaml").read_text("utf-8").replace("partner: en-cy.yaml", "partner: ../en/en.yaml")
    (real / "cy" / "cy.yaml").write_text(welsh, "utf-8")
    english = (langs / "en-cy.yaml").read_text("utf-8")
    (real / "en" / "en.yaml").write_text(english, "utf-8")
    (tmp_path / "work" / "en" / "en.yaml").write_text(english, "utf-8")  # the decoy
    monkeypatch.chdir(tmp_path / "work")
    args = ["build", "cy/cy.yaml", "-o", "out", "--edition", "standard"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 0 and skipped(capsys.readouterr().err)
    changed = english.replace("Take short breaks often.", "Take a short break often.")
    (real / "en" / "en.yaml").write_text(changed, "utf-8")
    assert main(args) == 0
    assert not skipped(capsys.readouterr().err)
