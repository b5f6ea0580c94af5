"""Values that pass their type but cannot be laid out: each a located error in the file that holds it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaflet.build import build_leaflet
from leaflet.content import scripts
from leaflet.content.loader import load_leaflet
from leaflet.content.texts import SourceText
from leaflet.errors import ContentError, Location, StyleError
from leaflet.layout.flowables import LeafParagraph
from leaflet.style import STYLES_DIR, load_theme
from tests.conftest import metadata_block
from tests.test_bad_input import pdf_text


def child_sheet(tmp_path: Path, body: str) -> Path:
    shutil.copy(STYLES_DIR / "default.yaml", tmp_path / "default.yaml")
    path = tmp_path / "child.yaml"
    path.write_text("extends: default\n" + body, "utf-8")
    return path


def sheet_problems(path: Path) -> list[tuple[str, int, int, str]]:
    with pytest.raises(StyleError) as err:
        load_theme(str(path))
    return [
        (Path(p.location.file).name, p.location.line, p.location.column, p.message)
        for p in err.value.problems
    ]


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("styles:\n  base:\n    size: 0pt\n", 4, 11, "text of 0 pt is below the 12 pt minimum"),
        ("styles:\n  base:\n    size: 9pt\n", 4, 11, "text of 9 pt is below the 12 pt minimum"),
        ("styles:\n  body:\n    size: 10000pt\n", 4, 11, "is longer than a page; a length is at most 842pt"),
        ("styles:\n  title:\n    size: 100pt\n", 4, 11, "text of 100 pt is over the 72 pt a page can hold"),
        ("styles:\n  body:\n    size: .inf\n", 4, 11, "expected a length"),
        ("styles:\n  body:\n    leading: .nan\n", 4, 14, "leading nan is not a multiple of the size"),
        ("styles:\n  body:\n    leading: 1.0e+300\n", 4, 14, "is not a multiple of the size from 1.0 to 3.0"),
        ("styles:\n  body:\n    leading: 1e300\n", 4, 14, "expected a length"),
        (
            "styles:\n  body:\n    bold: 'false'\n",
            4,
            11,
            "bold: expected true or false (unquoted), found 'false'",
        ),
        (
            "page:\n  margin_left: 100mm\n  margin_right: 100mm\n",
            4,
            17,
            "the margins leave a column of 10 mm",
        ),
        ("page:\n  margin_bottom: 250mm\n", 3, 18, "the margins leave 29 mm of height"),
        ("boxes:\n  panel:\n    padding: 60mm\n", 4, 14, "padding, bar and border take 121 mm"),
        ("styles:\n  body:\n    space_after: 99999999999mm\n", 4, 18, "longer than a page"),
        ("fonts:\n  leading:\n    ur: 0.5\n", 4, 9, "0.5 for 'ur' is not a multiple from 1 to 2"),
        ("fonts:\n  leading:\n    ur: 1.4x\n", 4, 9, "'1.4x' for 'ur' is not a multiple from 1 to 2"),
        ("fonts:\n  leading: 1.4\n", 3, 12, "expected a mapping of language code to a multiple"),
        # Values of the wrong kind were internal errors (said at the content file, not the sheet),
        # and a colour that is not one was said again, with "did you mean" itself, at every use.
        (
            "colours:\n  brand: [1, 2]\n",
            3,
            10,
            "brand: expected a colour name from colours: or #rrggbb, found a list",
        ),
        ("colours:\n  brand: {a: 1}\n", 3, 10, "found a mapping"),
        ("styles:\n  body:\n    colour: true\n", 4, 13, "found 'true' (yes or no)"),
        (
            "styles:\n  body:\n    parent: [x]\n",
            4,
            13,
            "parent: expected the name of another style, found a list",
        ),
        ("colours:\n  brand: brand\n", 3, 10, "colours that name each other in a circle (brand → brand)"),
    ],
    ids=[
        "size 0",
        "size 9",
        "size 10000pt",
        "size 100pt",
        "size inf",
        "leading NaN",
        "leading 1.0e+300",
        "leading 1e300 (text)",
        "bold as text",
        "margins wider than the page",
        "margins taller than the page",
        "huge padding",
        "huge space",
        "language leading below 1",
        "language leading as text",
        "language leading not by language",
        "colour as a list",
        "colour as a mapping",
        "colour as yes or no",
        "parent as a list",
        "colour naming itself",
    ],
)
def test_a_value_that_cannot_be_laid_out_is_refused_in_the_sheet(
    tmp_path: Path, body: str, line: int, column: int, words: str
) -> None:
    found = sheet_problems(child_sheet(tmp_path, body))
    assert [(f, ln, col) for f, ln, col, _ in found] == [("child.yaml", line, column)], found
    assert words in found[0][3]


def test_a_colour_may_name_another_colour(tmp_path: Path) -> None:
    # brand: ink was refused at every style that used brand, with "did you mean 'ink'?".
    theme = load_theme(str(child_sheet(tmp_path, "colours:\n  brand: ink\n")))
    assert theme.colours["brand"] == theme.colours["ink"]
    found = sheet_problems(child_sheet(tmp_path, "colours:\n  brand: ink\n  ink: brand\n"))
    assert [(ln, col) for _, ln, col, _ in found] == [(3, 10), (4, 8)], found
    assert "(brand → ink → brand)" in found[0][3] and "(ink → brand → ink)" in found[1][3]
    # A colour that is not one, named by others: said once, where it is given.
    found = sheet_problems(child_sheet(tmp_path, 'colours:\n  ink: "#12"\n'))
    assert [(f, ln, col) for f, ln, col, _ in found] == [("child.yaml", 3, 8)], found


def test_bold_false_is_not_bold(tmp_path: Path) -> None:
    theme = load_theme(str(child_sheet(tmp_path, "styles:\n  h2:\n    bold: false\n")))
    assert theme.style("h2").bold is False and theme.style("title").bold is True


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"This is a text file, not a font.\n", "is not a TrueType font file"),
        (b"OTTO\x00\x0a\x00\x80" + b"\x00" * 64, "PostScript (CFF) outlines, which cannot be embedded"),
        (b"ttcf\x00\x01\x00\x00" + b"\x00" * 64, "is a font collection"),
    ],
    ids=["text named .ttf", "CFF .otf", "collection"],
)
def test_a_file_that_is_not_an_embeddable_font_is_refused(tmp_path: Path, content: bytes, words: str) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Bad.otf").write_bytes(content)
    (tmp_path / "fonts" / "Bad.ttf").write_bytes(content)
    name = "Bad.otf" if content.startswith(b"OTTO") else "Bad.ttf"
    body = f"fonts:\n  text: Clinic Sans\n  families:\n    Clinic Sans:\n      regular: fonts/{name}\n      bold: fonts/{name}\n"
    found = sheet_problems(child_sheet(tmp_path, body))
    assert [(f, ln, col) for f, ln, col, _ in found] == [("child.yaml", 6, 16), ("child.yaml", 7, 13)], found
    assert all(words in message for *_, message in found)


def test_a_nul_in_a_font_path_is_refused(tmp_path: Path) -> None:
    body = 'fonts:\n  families:\n    Clinic Sans:\n      regular: "a\\0b.ttf"\n      bold: b.ttf\n'
    found = sheet_problems(child_sheet(tmp_path, body))
    assert ("child.yaml", 5, 16, "regular: a font file's name cannot hold a NUL character") in found


LEAFLET = (
    metadata_block("Values", "values") + "sections:\n  - heading: H\n    content:\n{content}references: []\n"
)


def write_leaflet(tmp_path: Path, content: str, **meta: str) -> Path:
    text = LEAFLET.format(content=content)
    if meta:
        text = metadata_block("Values", "values", **meta) + text.split("sections:", 1)[1].join(
            ["sections:", ""]
        )
    path = tmp_path / "values.yaml"
    path.write_text(text, "utf-8")
    return path


def content_problems(path: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(ContentError) as err:
        load_leaflet(path)
    return [(p.location.line, p.location.column, p.message) for p in err.value.problems]


def test_lists_deeper_than_the_booklet_takes_are_refused_at_the_too_deep_list(tmp_path: Path) -> None:
    lines, indent = ["      - bullets:"], "          "
    for level in range(1, 6):
        lines.append(f"{indent}- text: Level {level}")
        if level < 5:
            lines.append(f"{indent}  bullets:")
            indent += "    "
    path = write_leaflet(tmp_path, "\n".join(lines) + "\n")
    text = path.read_text("utf-8").splitlines()
    deepest = max(i for i, ln in enumerate(text, 1) if ln.strip() == "bullets:")
    found = content_problems(path)
    assert [(ln, col) for ln, col, _ in found] == [(deepest, text[deepest - 1].index("bullets") + 1)]
    assert "a list nested 5 deep; at most 4" in found[0][2]


@pytest.mark.parametrize("version", ["1" * 5000, '"' + "1" * 5000 + '"', '"' + "9" * 21 + '"'])
def test_a_version_too_long_for_the_footer_is_refused(tmp_path: Path, version: str) -> None:
    path = write_leaflet(tmp_path, "      - Words.\n", version=version)
    found = content_problems(path)
    assert [(ln, col) for ln, col, _ in found] == [(6, 12)]
    assert "numbers are at most 100" in found[0][2] or "a version is at most 20" in found[0][2]


@pytest.mark.parametrize(
    ("words", "script"),
    [
        ("Say مرحبا to them.", "Arabic"),
        ("Say שלום to them.", "Hebrew"),
        ("Say ދިވެހި to them.", "Thaana"),
        ("Say ߒߞߏ to them.", "N'Ko"),
        ("Say ܫܠܡܐ to them.", "Syriac"),
        ("Say নমস্কার to them.", "Bengali"),
        ("Say नमस्ते to them.", "Devanagari"),
    ],
)
def test_text_in_a_script_the_pdf_cannot_set_is_refused_at_its_column(
    tmp_path: Path, words: str, script: str
) -> None:
    path = write_leaflet(tmp_path, f"      - {words}\n")
    with pytest.raises(ContentError) as err:
        build_leaflet(path, "default", tmp_path / "out.pdf")
    assert [(p.location.line, p.location.column) for p in err.value.problems] == [(12, 13)]
    assert f"text in the {script} script" in err.value.problems[0].message
    assert not (tmp_path / "out.pdf").exists()


def test_welsh_polish_and_latin_text_pass_and_the_refusal_lifts_in_one_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = Location("x.yaml", 1, 1)
    settable = [SourceText("Mae ŵyn a ŷd yma. Zażółć gęślą jaźń.", here)]
    assert scripts.unset_script_problems(settable) == []
    arabic = [SourceText("مرحبا", here)]
    assert len(scripts.unset_script_problems(arabic)) == 1
    monkeypatch.setattr(scripts, "SETTABLE", frozenset({"Arabic"}))
    assert scripts.unset_script_problems(arabic) == []


def test_a_heading_too_long_for_a_page_is_told_at_the_heading(tmp_path: Path) -> None:
    # The block too large is the contents panel that lists the heading, whose only words of
    # its own are "In this leaflet": the error is told at the longest text in the block.
    path = write_leaflet(tmp_path, "      - Short words.\n")
    long = " ".join(["Why the weather matters to you"] * 90)
    path.write_text(path.read_text("utf-8").replace("  - heading: H\n", f"  - heading: {long}\n"), "utf-8")
    line = path.read_text("utf-8").splitlines().index(f"  - heading: {long}") + 1
    with pytest.raises(ContentError) as err:
        build_leaflet(path, "default", tmp_path / "out.pdf")
    [problem] = err.value.problems
    assert (problem.location.line, problem.location.column) == (line, 14)
    assert "this text cannot be laid out on page" in problem.message
    assert not (tmp_path / "out.pdf").exists()


def test_a_zero_width_no_break_space_is_not_taken_for_arabic(tmp_path: Path) -> None:
    # U+FEFF (the byte order mark, or a zero-width no-break space pasted from a word processor)
    # sits at the end of the Arabic presentation forms' block, but belongs to no script: it
    # prints nothing, and an English leaflet with one in a sentence builds, its words whole.
    path = write_leaflet(tmp_path, "      - Drink plenty\ufeff of water.\n")
    build_leaflet(path, "default", tmp_path / "out.pdf")
    text = pdf_text(tmp_path / "out.pdf").replace("\ufeff", "")
    assert "Drink plenty of water." in text
    here = Location("x.yaml", 1, 1)
    assert scripts.unset_script_problems([SourceText("a\ufeffb", here)]) == []
    assert len(scripts.unset_script_problems([SourceText("\ufefc", here)])) == 1  # an Arabic ligature


def test_a_layout_error_becomes_a_located_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Anything ReportLab cannot place (here a paragraph made taller than any page) is
    # reported at the words that would not fit, not as a traceback.
    path = write_leaflet(tmp_path, "      - Before it.\n      - Unfittable words stand here.\n")
    wrap, split = LeafParagraph.wrap, LeafParagraph.split

    def tall(self: LeafParagraph, w: float, h: float) -> tuple[float, float]:
        width, height = wrap(self, w, h)
        return (width, 5000.0) if "Unfittable" in self.plain else (width, height)

    def whole(self: LeafParagraph, w: float, h: float) -> list[object]:
        return [] if "Unfittable" in self.plain else split(self, w, h)

    monkeypatch.setattr(LeafParagraph, "wrap", tall)
    monkeypatch.setattr(LeafParagraph, "split", whole)
    with pytest.raises(ContentError) as err:
        build_leaflet(path, "default", tmp_path / "out.pdf")
    [problem] = err.value.problems
    assert (problem.location.line, problem.location.column) == (13, 9)
    assert "this text cannot be laid out on page" in problem.message
