"""Style sheets: inheritance, units, fonts and the legibility rules, each with its location."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaflet.errors import StyleError
from leaflet.style import STYLES_DIR, contrast_ratio, load_theme, to_grey

DEFAULT = (STYLES_DIR / "default.yaml").read_text("utf-8")


def sheet(tmp_path: Path, *edits: tuple[str, str], extra: str = "") -> Path:
    text = DEFAULT
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "sheet.yaml"
    path.write_text(text + extra, "utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(StyleError) as info:
        load_theme(str(path))
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), start=1) if needle in ln)


def test_default_sheet_resolves_inheritance_into_points() -> None:
    theme = load_theme("default")
    assert theme.page.name == "A4"
    assert round(theme.page.margin_left, 2) == round(34 * 72 / 25.4, 2)
    body, h3 = theme.style("body"), theme.style("h3")
    assert body.size == 13 and body.leading == pytest.approx(13 * 1.45)
    assert h3.bold and h3.size == 15 and h3.colour == theme.style("h2").colour  # h3 → h2 → base
    assert body.space_after == pytest.approx(0.6 * 13)  # em is the style's own size


def test_every_pair_in_the_default_sheet_reads_in_colour_and_grey() -> None:
    theme = load_theme("default")
    for name, st in theme.styles.items():
        need = 7.0 if name in ("base", "body") else 4.5
        assert contrast_ratio(st.colour, st.background) >= need, name
        assert contrast_ratio(to_grey(st.colour), to_grey(st.background)) >= need, name


def test_a_style_name_nobody_uses_is_a_typo(tmp_path: Path) -> None:
    path = sheet(tmp_path, ("  title:\n", "  tittle:\n"))
    out = problems(path)
    assert any(
        f":{line_of(path, 'tittle:')}:3: error: unknown style 'tittle'; did you mean 'title'?" in p
        for p in out
    )


def test_a_style_used_as_a_parent_may_have_any_name(tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        ("  h3:\n    parent: h2\n", "  h3:\n    parent: heading_small\n"),
        extra="  heading_small:\n    parent: h2\n    size: 15pt\n",
    )
    assert load_theme(str(path)).style("h3").size == 15


def test_unknown_box_negative_length_and_uncommented_hash(tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        ("  callout:\n    fill: tint", "  calout:\n    fill: tint"),
        (
            "    padding: 12pt\n    space_before: 4pt\n    space_after: 16pt",
            "    padding: -12pt\n    space_before: 4pt\n    space_after: 16pt",
        ),
        ('  ink: "#1b1c20"', "  ink: #1b1c20"),
    )
    out = "\n".join(problems(path))
    assert f":{line_of(path, 'calout:')}:3: error: unknown key 'calout'; did you mean 'callout'?" in out
    assert f":{line_of(path, 'padding: -12pt')}:14: error: padding: a length cannot be negative" in out
    assert "ink: no colour given; in YAML a # starts a comment" in out


def test_text_in_a_box_is_checked_against_the_box_fill(tmp_path: Path) -> None:
    path = sheet(
        tmp_path, ("    colour: brand\n    background: tint\n", "    colour: brand\n    background: page\n")
    )
    out = problems(path)
    assert len(out) == 1
    assert "styles.callout_label: background #ffffff is not the fill of boxes.callout (#e8eff7)" in out[0]


def test_another_packaged_family_can_be_named(tmp_path: Path) -> None:
    path = sheet(tmp_path, ("  h2:\n    parent: base\n", "  h2:\n    parent: base\n    font: Noto Sans\n"))
    theme = load_theme(str(path))
    assert theme.style("h2").font == "Noto Sans"
    from io import BytesIO

    from pypdf import PdfReader

    from leaflet.build import render_pdf
    from leaflet.content.loader import load_leaflet

    pdf = PdfReader(BytesIO(render_pdf(load_leaflet(Path(__file__).parent.parent / "content.yaml"), theme)))
    fonts = {str(f.get_object()["/BaseFont"]) for p in pdf.pages for f in p["/Resources"]["/Font"].values()}
    assert any("NotoSans" in name for name in fonts)


def test_extends_changes_only_what_differs(tmp_path: Path) -> None:
    shutil.copy(STYLES_DIR / "default.yaml", tmp_path / "default.yaml")
    child = tmp_path / "roomy.yaml"
    child.write_text("extends: default\nstyles:\n  base:\n    leading: 1.6\n", "utf-8")
    theme = load_theme(str(child))
    assert theme.style("body").leading == pytest.approx(13 * 1.6)
    assert theme.style("h2").size == 19


def test_an_unknown_family_with_none_known_says_so_rather_than_list_nothing(tmp_path: Path) -> None:
    sheet = tmp_path / "bare.yaml"
    sheet.write_text("extends: default\nfonts:\n  families: {}\n  text: No Such Family\n", "utf-8")
    with pytest.raises(StyleError) as caught:
        load_theme(str(sheet))
    (problem,) = [p for p in caught.value.problems if "No Such Family" in str(p)]
    assert str(problem).endswith(
        "unknown font family 'No Such Family' (the sheet names no family under fonts: families, "
        "and the system has none of this name)"
    ), str(problem)
    assert "known: " not in str(problem)


def test_sheets_that_extend_each_other_are_said_at_the_extends_that_closes_the_circle(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b\n", "utf-8")
    (tmp_path / "b.yaml").write_text("# the second sheet\nextends: a\n", "utf-8")
    with pytest.raises(StyleError) as caught:
        load_theme(str(tmp_path / "a.yaml"))
    (problem,) = caught.value.problems
    assert (
        str(problem)
        == f"{tmp_path / 'b.yaml'}:2:10: error: the sheet extends itself (a cycle of extends: back to a.yaml)"
    )
