"""Where a style sheet is found: by name in the project's styles/ or among the built-in sheets, else by explicit path."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflet.cli import main
from tests.conftest import metadata_block

LEAFLET = metadata_block("Styled", "styled") + (
    "sections:\n  - heading: One\n    content:\n      - Words.\nreferences: []\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "styled.yaml").write_text(LEAFLET, "utf-8")
    return tmp_path


def build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    rc = main(["build", "styled.yaml", *args])
    return rc, capsys.readouterr().err.splitlines()


def test_files_and_folders_named_like_sheets_in_the_working_folder_change_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "default").write_text("page: {size: A5}\n", "utf-8")  # a note someone saved as 'default'
    (project / "booklet").mkdir()
    (project / "large-print").mkdir()
    (project / "large-print" / "notes.txt").write_text("not a sheet", "utf-8")
    rc, errors = build(capsys, "--edition", "all")
    assert rc == 0, errors
    built = sorted(p.name for p in (project / "output").glob("*.pdf"))
    assert built == [
        "styled-a5.pdf",
        "styled-booklet.pdf",
        "styled-large-print.pdf",
        "styled-press.pdf",
        "styled.pdf",
    ]
    from pypdf import PdfReader

    assert [round(float(x)) for x in PdfReader(project / "output" / "styled.pdf").pages[0].mediabox[2:]] == [
        595,
        842,
    ]


def test_extends_may_not_reach_outside_the_sheets_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "sheets").mkdir()
    (project / "outside.yaml").write_text("extends: default\n", "utf-8")
    (project / "sheets" / "mine.yaml").write_text("name: Mine\nextends: ../outside\n", "utf-8")
    rc, errors = build(capsys, "--style", "sheets/mine.yaml")
    assert rc == 2
    assert errors == [
        "sheets/mine.yaml:2:10: error: extends: '../outside' is not a sheet's name; name a sheet in the same "
        "folder (or a built-in one), never a path to elsewhere"
    ]
    assert not (project / "output").exists()


def test_a_project_sheet_is_found_by_name_in_styles_and_may_extend_a_built_in_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "styles").mkdir()
    (project / "styles" / "green.yaml").write_text(
        'extends: default\nname: Green A4\ncolours:\n  brand: "#1e4d2b"\n', "utf-8"
    )
    assert build(capsys, "--style", "green")[0] == 0
    rc, errors = build(capsys, "--style", "gren")
    assert rc == 2
    assert errors[0].startswith(
        "--style: error: no style sheet named 'gren' in styles/ or among the built-in"
    )
    assert "did you mean 'green'?" in errors[0]


@pytest.mark.parametrize("name", ["..", ".default", "default sheet"])
def test_a_style_that_is_neither_a_name_nor_a_path_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    rc, errors = build(capsys, f"--style={name}")
    assert rc == 2 and errors[0].startswith(f"--style: error: no style sheet named '{name}'")
