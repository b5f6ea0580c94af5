"""An edit of a paragraph's words that moves nothing is patched into the last PDF (`leaflet.patch`),
and the file is the one a whole build writes; any other edit is built whole.

Each test builds while `patch.keeping()` is on (as `leaflet watch` does), edits, builds again,
counts the patches made, and compares the PDF with a build of the edited content by a process
that keeps nothing.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import leaflet.pdf.metadata
from leaflet import patch
from leaflet.build import render_edition
from leaflet.content.loader import load_leaflet
from leaflet.editions import EDITIONS
from leaflet.layout import cache
from leaflet.style import STYLES_DIR, load_theme
from leaflet.watch import rebuild
from tests.conftest import metadata_block, needs
from tests.pdf.reader import read_tree, walk_page

ROOT = Path(__file__).resolve().parent.parent
#: A word of a list item on CCSVI's third page (the bench's watch edit).
EDIT = ("lack of research evidence", "lack of trial evidence")


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Each patch tried, and whether it was made."""
    made: list[bool] = []
    real = patch.patched

    def counted(*args: Any) -> Any:
        done = real(*args)
        made.append(done is not None)
        return done

    monkeypatch.setattr(patch, "patched", counted)
    cache.PATCHES.clear()
    yield made
    cache.PATCHES.clear()


def whole(content: Path, edition: str = "standard", style: str = "") -> bytes:
    """The PDF of a build that neither patches nor starts from anything remembered (the patches kept
    stay kept, for the test's next edit)."""
    kept = cache.PATCHES.items()
    cache.forget()
    chosen = EDITIONS[edition]
    data = render_edition(load_leaflet(content), chosen, load_theme(style or chosen.style)).data
    for key, base in kept:
        cache.PATCHES.put(key, base)
    return data


def kept_build(content: Path, edition: str = "standard", style: str = "") -> bytes:
    chosen = EDITIONS[edition]
    with patch.keeping():
        return render_edition(load_leaflet(content), chosen, load_theme(style or chosen.style)).data


@pytest.fixture
def ccsvi(tmp_path: Path) -> Path:
    path = tmp_path / "ccsvi.yaml"
    path.write_text((ROOT / "content.yaml").read_text("utf-8"), "utf-8")
    return path


def small(tmp_path: Path, slug: str, *lines: str) -> Path:
    """A leaflet of one section whose content is `lines` (each a YAML list entry, as written)."""
    content = tmp_path / f"{slug}.yaml"
    body = "sections:\n  - heading: Where to go\n    content:\n" + "".join(
        f"      - {line}\n" for line in lines
    )
    content.write_text(metadata_block(slug.title(), slug) + body + "references: []\n", "utf-8")
    return content


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def words_of(pdf: bytes, tmp: Path) -> str:
    path = tmp / "read.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@needs("pdftotext")
def test_a_words_edit_is_patched_and_is_the_whole_builds_file(
    ccsvi: Path, tmp_path: Path, patches: list[bool]
) -> None:
    first = kept_build(ccsvi)
    edit(ccsvi, *EDIT)
    second = kept_build(ccsvi)
    assert patches == [False, True]
    assert second != first
    assert second == whole(ccsvi)
    assert "lack of trial evidence" in words_of(second, tmp_path)
    # And the next edit starts from the patched file.
    edit(ccsvi, "lack of trial evidence", "lack of good evidence")
    third = kept_build(ccsvi)
    assert patches == [False, True, True]
    assert third == whole(ccsvi)


def test_the_patched_paragraph_reads_in_its_element(ccsvi: Path, tmp_path: Path, patches: list[bool]) -> None:
    from pypdf import PdfReader

    kept_build(ccsvi)
    edit(ccsvi, *EDIT)
    pdf = tmp_path / "patched.pdf"
    pdf.write_bytes(kept_build(ccsvi))
    assert patches[-1]
    reader = PdfReader(pdf)
    marks = {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}
    assert not [m.problems for m in marks.values() if m.problems]
    found = [(depth, e) for depth, e in read_tree(reader).walk() if "lack of trial evidence" in e.text(marks)]
    deepest = max(depth for depth, _ in found)
    assert [e.role for depth, e in found if depth == deepest] == ["LBody"] or [
        e.role for depth, e in found if depth == deepest
    ] == ["P"]


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("What is CCSVI?", "What is CCSVI, then?", "a heading"),
        (
            EDIT[0],
            "lack of research evidence, of trials, of any follow-up over the years, of the people "
            "who took part and of what happened to them after they went home,",
            "more lines",
        ),
        (EDIT[0], "lack of Łódź evidence", "a character the leaflet never drew"),
        ("  title: ", "  title: New ", "the title"),
    ],
)
def test_any_other_edit_is_built_whole(
    ccsvi: Path, tmp_path: Path, patches: list[bool], old: str, new: str, why: str
) -> None:
    kept_build(ccsvi)
    edit(ccsvi, old, new)
    second = kept_build(ccsvi)
    assert patches == [False, False], why
    assert second == whole(ccsvi), why


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        (
            "every-block",
            "The second paragraph of the same quotation.",
            "The second paragraph of this quotation.",
        ),
        ("every-block", "what the first term means", "what the first term says"),
        ("logo-and-diagram", "A paced day turns", "A calm day turns"),
    ],
)
def test_quotations_terms_and_captions_are_patched_too(
    tmp_path: Path, patches: list[bool], name: str, old: str, new: str
) -> None:
    source = ROOT / "tests" / "data" / f"{name}.yaml"
    folder = tmp_path / name
    shutil.copytree(source.parent, folder, ignore=shutil.ignore_patterns("*.yaml", "langs", "__pycache__"))
    content = folder / source.name
    content.write_text(re.sub(r"(?m)^editions:.*\n", "", source.read_text("utf-8")), "utf-8")
    kept_build(content)
    edit(content, old, new)
    made = kept_build(content)
    assert patches == [False, True]
    assert made == whole(content)
    assert new in words_of(made, tmp_path)


def test_old_words_that_first_drew_a_character_are_not_patched(tmp_path: Path, patches: list[bool]) -> None:
    # "café" is the first (and only) word with é: a whole build of "cafe" gives é no code, and the
    # characters after it other codes, so the old PDF cannot be patched.
    content = small(
        tmp_path, "cafe", "Meet us at the café by the door.", "Then go upstairs to the second floor."
    )
    kept_build(content)
    edit(content, "café", "cafe")
    second = kept_build(content)
    assert patches == [False, False]
    assert second == whole(content)
    # Words whose characters were all drawn before are patched.
    edit(content, "upstairs", "downstairs")
    third = kept_build(content)
    assert patches[-1]
    assert third == whole(content)
    # A character drawn only further on (é, in "entrée") would get its code here in a whole build.
    edit(
        content,
        "Meet us at the cafe by the door.",
        "Meet us at the cafe by the door.\n      - Meet at the entrée.",
    )
    kept_build(content)
    edit(content, "Meet us at the cafe", "Meet us at the éclair")
    fourth = kept_build(content)
    assert patches[-1] is False
    assert fourth == whole(content)


def test_characters_coded_past_a_fonts_first_subset_keep_their_codes(
    tmp_path: Path, patches: list[bool]
) -> None:
    """Over 256 letters in one font (its codes run into a second subset): a paragraph drawn again
    takes the codes the fonts gave. (ReportLab drops a font's codes once the file is written, and
    the patch gave such letters codes afresh: the PDF read "ΑΒ" for "ḿΓ".)"""
    ranges = (range(0x391, 0x3CA), range(0x410, 0x450), range(0x100, 0x17F), range(0x1E00, 0x1EFF))
    letters = [chr(c) for block in ranges for c in block if chr(c).isalpha()]
    many = " ".join("".join(letters[i : i + 6]) for i in range(0, len(letters), 6))
    content = small(
        tmp_path,
        "letters",
        f'"{many}"',
        f'"Then go {letters[200]}{letters[1]} upstairs to the second floor and wait."',
    )
    kept_build(content)
    wanted = f"Then go {letters[310]}{letters[2]} upstairs"
    edit(content, f"go {letters[200]}{letters[1]}", f"go {letters[310]}{letters[2]}")
    made = kept_build(content)
    assert patches[-1]
    assert made == whole(content)
    assert wanted in words_of(made, tmp_path)
    edit(content, "second floor", "third floor")
    later = kept_build(content)
    assert patches[-1]
    assert later == whole(content)


def test_a_link_in_the_paragraph_is_not_patched(tmp_path: Path, patches: list[bool]) -> None:
    content = small(
        tmp_path, "link", "Read [our guide](https://www.mssociety.org.uk) before the visit today."
    )
    kept_build(content)
    edit(content, "visit today", "visit soon")
    second = kept_build(content)
    assert patches == [False, False]
    assert second == whole(content)


@pytest.mark.parametrize("change", ["style sheet", "tool version", "edition", "font file"])
def test_a_changed_input_besides_the_words_is_never_patched_from_the_last_build(
    ccsvi: Path, tmp_path: Path, patches: list[bool], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    from leaflet.fontfiles import family_files

    atkinson, noto = family_files("Atkinson Hyperlegible"), family_files("Noto Sans")
    regular, bold = tmp_path / "house-regular.ttf", tmp_path / "house-bold.ttf"
    regular.write_bytes(atkinson[0].read_bytes())
    bold.write_bytes(atkinson[1].read_bytes())
    sheet = tmp_path / "mine.yaml"
    sheet.write_text(
        (STYLES_DIR / "default.yaml").read_text("utf-8")
        if change != "font file"
        else "extends: default\nfonts:\n  text: House\n  families:\n    House:\n"
        f"      regular: {regular}\n      bold: {bold}\n",
        "utf-8",
    )
    first = kept_build(ccsvi, style=str(sheet))
    edit(ccsvi, *EDIT)
    edition, style = "standard", str(sheet)
    if change == "style sheet":
        edit(sheet, 'ink: "#1b1c20"', 'ink: "#202020"')
    elif change == "tool version":
        monkeypatch.setattr(leaflet.pdf.metadata, "CREATOR", "leaflet 99.0")
    elif change == "font file":
        regular.write_bytes(noto[0].read_bytes())  # an editor swaps the face, keeping the file's name
    else:
        edition, style = "large-print", ""
    made = kept_build(ccsvi, edition, style)
    assert not any(patches)
    assert made != first
    assert made == whole(ccsvi, edition, style)
    if change == "tool version":
        assert b"leaflet 99.0" in made


def test_the_watch_patches_and_forgets_when_told_the_tool_changed(
    tmp_path: Path, patches: list[bool]
) -> None:
    content = tmp_path / "ccsvi.yaml"
    text = re.sub(r"(?m)^editions:.*\n", "", (ROOT / "content.yaml").read_text("utf-8"))
    content.write_text(text, "utf-8")
    out = tmp_path / "out"
    rebuild(content, ("standard",), None, out)
    edit(content, *EDIT)
    outcome, _ = rebuild(content, ("standard",), None, out)
    assert outcome.status == "built"
    assert patches == [False, True]
    cache.forget()
    edit(content, "lack of trial evidence", "lack of good evidence")
    rebuild(content, ("standard",), None, out)
    assert patches == [False, True, False]
    assert (out / "ccsvi.pdf").read_bytes() == whole(content)


#: Words an edit puts in: some as long as the one they replace, some not; one that leads in to
#: what follows (a colon); bold; figures kept on one line; characters the leaflets may not have drawn.
WORDS = ["trial", "effect", "people", "a", "treatments", "naïve", "**bold**", "0808 800 8000", "end:", "Łódź"]
LEAFLETS = ["content.yaml", "tests/data/every-block.yaml", "tests/data/faq.yaml", "tests/data/langs/pl.yaml"]


def test_random_edits_give_the_whole_builds_file(tmp_path: Path, patches: list[bool]) -> None:
    """Random one-word edits of several leaflets in three editions: every PDF is the whole build's,
    and most of the edits were patched."""
    chooser = random.Random(13)
    compared = 0
    for name in LEAFLETS:
        source = ROOT / name
        folder = tmp_path / source.stem
        shutil.copytree(
            source.parent, folder, ignore=shutil.ignore_patterns("*.yaml", "langs", "__pycache__")
        )
        content = folder / source.name
        text = re.sub(r"(?m)^editions:.*\n", "", source.read_text("utf-8"))
        words = list(re.finditer(r"(?<= )[a-z]{4,}(?=[ ,.])", text))
        for _ in range(3):
            word = chooser.choice(words)
            edited = text[: word.start()] + chooser.choice(WORDS) + text[word.end() :]
            for edition in ("standard", "large-print", "press"):
                content.write_text(text, "utf-8")
                kept_build(content, edition)
                content.write_text(edited, "utf-8")
                try:
                    made = kept_build(content, edition)
                except Exception:  # an edit that breaks the YAML (a colon in a plain scalar)
                    continue
                assert made == whole(content, edition), (name, word.group(), edition)
                compared += 1
    assert compared >= 24
    assert sum(patches) >= 8, patches
