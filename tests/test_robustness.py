"""Mistakes around the content: settings, clashing leaflets, folders, odd style sheets, long names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.cli import main
from leaflet.errors import StyleError
from leaflet.style import STYLES_DIR, load_theme
from tests.conftest import metadata_block

LEAFLET = (
    metadata_block(
        "{title}", "{slug}", organisation="{organisation}", version="{version}", next_review="2027-06-01"
    )
    + """\
sections:
  - heading: One
    content:
      - Some words.
references: []
"""
)


def leaflet(folder: Path, name: str, **fields: str) -> Path:
    values = {"title": "Small leaflet", "slug": "small", "organisation": "Org", "version": '"1"', **fields}
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEAFLET.format(**values), "utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_a_mistake_in_check_settings_stops_the_build_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = leaflet(tmp_path, "small.yaml")
    content.write_text(content.read_text() + "checks:\n  trust/nope: off\n", "utf-8")
    out = tmp_path / "out" / "small.pdf"
    rc, _, err = run(capsys, "build", str(content), "-o", str(out))
    assert rc == 2 and "no rule 'trust/nope'" in err
    assert not out.exists()
    rc, _, err = run(capsys, "build", str(content), "-o", str(out))
    assert rc == 2 and "up to date" not in err  # nothing was recorded as built


def test_two_leaflets_with_one_slug_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = leaflet(tmp_path / "a", "one.yaml", slug="same")
    b = leaflet(tmp_path / "b", "two.yaml", title="Another", slug="same")
    rc, _, err = run(capsys, "build", str(a), str(b), "-o", str(tmp_path / "out"))
    assert rc == 2
    assert "it would write same.pdf, as" in err
    assert not (tmp_path / "out").exists()


def test_a_folder_holds_settings_files_and_style_sheets_besides_leaflets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leaflet(tmp_path / "lf", "small.yaml")
    (tmp_path / "lf" / "leaflet-checks.yaml").write_text("checks:\n  trust/contact: off\n", "utf-8")
    shutil.copy(STYLES_DIR / "default.yaml", tmp_path / "lf" / "house-style.yaml")
    rc, out, err = run(capsys, "build", str(tmp_path / "lf"), "-o", str(tmp_path / "out"))
    assert rc == 0, err
    assert out.split() == [str(tmp_path / "out" / "small.pdf")]
    assert "trust/contact" not in err  # the settings file was read as settings
    rc, out, err = run(capsys, "check", str(tmp_path / "lf"), "--today", "2026-01-02")
    assert rc == 0, err


def test_check_goes_on_past_a_file_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = leaflet(tmp_path, "good.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: [", "utf-8")
    rc, out, err = run(capsys, "check", str(bad), str(good), "--today", "2027-07-01", "--format", "json")
    assert rc == 2
    assert "bad.yaml:1:" in err
    assert "trust/review-date-passed" in out  # the good file was still checked


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("page:\n  size: A4", "page: 5\nunused:\n  size: A4"), "page: expected a mapping of keys"),
        (("fallback: [Noto Sans]", "fallback: Noto Sans"), "fallback: expected a list of family names"),
        (
            ("name: Standard A4", 'name: Standard A4\nlarge_print: "no"'),
            "large_print: expected true or false",
        ),
        (("colours:\n", "colours: [a, b]\nunused:\n"), "colours: expected a mapping of keys"),
    ],
)
def test_malformed_style_sheet_sections_are_reported_not_raised(
    tmp_path: Path, edit: tuple[str, str], words: str
) -> None:
    text = (STYLES_DIR / "default.yaml").read_text("utf-8")
    assert edit[0] in text
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(text.replace(edit[0], edit[1], 1), "utf-8")
    with pytest.raises(StyleError) as info:
        load_theme(str(sheet))
    assert any(words in str(p) for p in info.value.problems), info.value.problems


def test_huge_or_wrong_check_settings_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = leaflet(tmp_path, "small.yaml")
    content.write_text(content.read_text() + "checks:\n  trust/review-date-near: {months: 100000}\n", "utf-8")
    rc, _, err = run(capsys, "check", str(content))
    assert rc == 2 and "months must be between 0 and 1000" in err and "Traceback" not in err
    (tmp_path / "leaflet-checks.yaml").write_text("- a: 1\n", "utf-8")
    content.write_text(content.read_text().split("checks:")[0], "utf-8")
    rc, _, err = run(capsys, "check", str(content))
    assert rc == 2 and "leaflet-checks.yaml: expected one key, checks:" in err


def test_a_version_written_as_a_number_keeps_its_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = leaflet(tmp_path, "small.yaml", version="1.10")
    out = tmp_path / "small.pdf"
    assert run(capsys, "build", str(content), "-o", str(out))[0] == 0
    assert "Version 1.10" in PdfReader(out).pages[0].extract_text()


def test_a_long_organisation_and_title_wrap_in_the_footer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = leaflet(
        tmp_path,
        "small.yaml",
        title="A very long title of a leaflet about living well with multiple sclerosis in the winter",
        organisation="The Multiple Sclerosis Society of Great Britain and Northern Ireland",
    )
    out = tmp_path / "small.pdf"
    assert run(capsys, "build", str(content), "-o", str(out), "--edition", "large-print")[0] == 0
    reader = PdfReader(tmp_path / "small-large-print.pdf")
    width = float(reader.pages[0].mediabox.width)
    right_edges = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            right_edges.append(tm[4] + cm[4] + len(text) * size * 0.3)

    reader.pages[0].extract_text(visitor_text=visit)
    assert right_edges and max(right_edges) < width  # nothing runs off the page
    assert "Northern Ireland" in reader.pages[0].extract_text()


def test_a_slug_that_meets_another_leaflets_edition_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = leaflet(tmp_path, "a.yaml", slug="leaf")
    b = leaflet(tmp_path, "b.yaml", slug="leaf-large-print", title="Another")
    rc, _, err = run(
        capsys, "build", str(a), str(b), "--edition", "standard,large-print", "-o", str(tmp_path / "out")
    )
    assert rc == 2 and "it would write leaf-large-print.pdf" in err


def test_a_folder_builds_leaflets_saved_with_a_byte_order_mark_and_reports_broken_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lf"
    leaflet(folder, "a.yaml", slug="a")
    bom = leaflet(folder, "b.yaml", slug="b")
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    broken = leaflet(folder, "c.yaml", slug="c")
    broken.write_text(broken.read_text().replace("metadata:", "metdata:"), "utf-8")
    rc, out, err = run(capsys, "build", str(folder), "-o", str(tmp_path / "out"))
    assert rc == 2
    assert sorted(Path(p).name for p in out.split()) == ["a.pdf", "b.pdf"]
    assert "c.yaml:1:1: error: unknown key 'metdata'; did you mean 'metadata'?" in err.replace(
        "metdata: unknown", "unknown"
    )


def test_deeply_nested_yaml_is_refused_without_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lf"
    leaflet(folder, "good.yaml")
    deep = folder / "deep.yaml"
    deep.write_text("title: " + "[" * 30000 + "]" * 30000 + "\n", "utf-8")
    rc, out, err = run(capsys, "build", str(folder), "-o", str(tmp_path / "out"))
    assert rc == 2
    assert "deep.yaml:1:71: error: lists and mappings nested more than 64 deep" in err
    assert [Path(p).name for p in out.split()] == ["small.pdf"]  # the good one is still built


def test_a_tab_is_read_the_same_whichever_yaml_reader_is_installed(tmp_path: Path) -> None:
    from leaflet.yamlsource import YamlProblem, parse_yaml

    with pytest.raises(YamlProblem) as info:
        parse_yaml("title:\tTabbed\n", "t.yaml")
    assert "t.yaml:1:" in str(info.value.problem)
