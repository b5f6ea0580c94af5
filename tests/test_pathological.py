"""Inputs far under the file-size limit that once took minutes: refused at their place, or laid out in linear time.

Correctness guards, not benchmarks: each bound is generous (a loaded machine
passes), and layout work is counted (paragraph wraps) rather than timed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reportlab.platypus.paragraph import Paragraph

from leaflet.build import render_pdf
from leaflet.content.loader import MAX_TEXT, load_leaflet
from leaflet.errors import ContentError, StyleError
from leaflet.style import STYLES_DIR, load_theme
from tests.conftest import ROOT, metadata_block

BOUND = 20.0  # seconds: ten times what these take; they took minutes before


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(metadata_block("Stress", path.stem.lower().replace(" ", "-")) + body, "utf-8")
    return path


def build(path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "make_leaflet.py"),
            "build",
            str(path),
            "-o",
            str(out),
            "--edition",
            "standard",
        ],
        capture_output=True,
        text=True,
        timeout=BOUND,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("paragraph", "word " * 100_000, "499,999 characters; a text is at most 5,000"),
        ("address", "See [this](https://example.org/" + "a" * 180_000 + ").", "a text is at most 5,000"),
    ],
    ids=["500 KB paragraph", "180 KB address"],
)
def test_a_huge_text_is_refused_at_its_place_at_once(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    path = write(
        tmp_path,
        f"{name}.yaml",
        f"sections:\n  - heading: H\n    content:\n      - {value.strip()}\nreferences: []\n",
    )
    result = build(path, tmp_path / "out.pdf")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{path}:12:9: error: sections[0].content[0]: {result.stderr.split(': ', 3)[3].strip()}"
    ]
    assert message in result.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_addresses_over_their_limits_are_refused_at_their_column(tmp_path: Path) -> None:
    link = "https://example.org/" + "b" * 2_000
    path = write(
        tmp_path,
        "link.yaml",
        f"sections:\n  - heading: H\n    content:\n      - See [this]({link}) now.\nreferences: []\n",
    )
    with pytest.raises(ContentError) as err:
        load_leaflet(path)
    line = path.read_text("utf-8").splitlines()[11]
    assert [(p.location.line, p.location.column) for p in err.value.problems] == [
        (12, line.index("https") + 1)
    ]
    assert (
        "the link address is 2,020 characters; an address is at most 2,000" in err.value.problems[0].message
    )

    text = path.read_text("utf-8").replace(link, "https://example.org/")
    path.write_text(
        text.replace("  version:", "  url: https://example.org/" + "c" * 300 + "\n  version:"), "utf-8"
    )
    with pytest.raises(ContentError) as err:
        load_leaflet(path)
    assert [(p.location.line, p.location.column) for p in err.value.problems] == [(6, 8)]
    assert "printed as a QR code, and at most 250" in err.value.problems[0].message


def test_a_text_at_the_limit_is_accepted(tmp_path: Path) -> None:
    words = ("word " * (MAX_TEXT // 5))[:MAX_TEXT]
    path = write(
        tmp_path, "edge.yaml", f"sections:\n  - heading: H\n    content:\n      - '{words}'\nreferences: []\n"
    )
    assert len(load_leaflet(path).sections[0].blocks[0].source.text) == MAX_TEXT


def paragraph_wraps(monkeypatch: pytest.MonkeyPatch, path: Path) -> int:
    count = 0
    wrap = Paragraph.wrap

    def counting(self: Paragraph, *args: float) -> tuple[float, float]:
        nonlocal count
        count += 1
        return wrap(self, *args)

    monkeypatch.setattr(Paragraph, "wrap", counting)
    render_pdf(load_leaflet(path), load_theme("default"))
    monkeypatch.setattr(Paragraph, "wrap", wrap)
    return count


@pytest.mark.parametrize("kind", ["references", "list items"])
def test_long_panels_and_lists_are_laid_out_in_linear_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    def leaflet(n: int) -> Path:
        if kind == "references":
            refs = "".join(
                f"  - id: r{i}\n    title: Reference number {i} with a title of some length\n"
                for i in range(n)
            )
            cites = " ".join(f"[@r{i}]" for i in range(n))
            body = f"sections:\n  - heading: H\n    content:\n      - Words {cites}\nreferences:\n{refs}"
        else:
            items = "".join(f"          - Item number {i}, with a few words\n" for i in range(n))
            body = f"sections:\n  - heading: H\n    content:\n      - bullets:\n{items}references: []\n"
        return write(tmp_path, f"{kind[0]}{n}.yaml", body)

    small, large = paragraph_wraps(monkeypatch, leaflet(60)), paragraph_wraps(monkeypatch, leaflet(240))
    # Four times the entries, four times the work (each part of a panel once re-measured all the rest).
    assert large < 5 * small, (small, large)


def test_many_misspelt_citations_are_reported_quickly(tmp_path: Path) -> None:
    refs = "".join(f"  - id: reference-{i}\n    title: Reference {i}\n" for i in range(1000))
    paragraphs = "".join(
        "      - Words " + " ".join(f"[@referenc-{i}x]" for i in range(k, k + 10)) + "\n"
        for k in range(0, 1000, 10)
    )
    path = write(
        tmp_path, "cites.yaml", f"sections:\n  - heading: H\n    content:\n{paragraphs}references:\n{refs}"
    )
    start = time.perf_counter()
    with pytest.raises(ContentError) as err:
        load_leaflet(path)
    assert time.perf_counter() - start < BOUND
    problems = err.value.problems
    assert len(problems) == 1000
    assert problems[0].message == "citation [@referenc-0x] names no reference; did you mean 'reference-0'?"
    assert problems[-1].message.startswith("citation [@referenc-999x] names no reference")


def test_a_long_chain_of_parents_is_resolved_quickly(tmp_path: Path) -> None:
    n = 2500
    lines = ["extends: default", "styles:", "  s0:", "    parent: body"]
    for i in range(1, n):
        lines += [f"  s{i}:", f"    parent: s{i - 1}"]
    lines += ["  footer:", f"    parent: s{n - 1}", "    size: 13pt"]
    (tmp_path / "default.yaml").write_bytes((STYLES_DIR / "default.yaml").read_bytes())
    sheet = tmp_path / "chain.yaml"
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    start = time.perf_counter()
    theme = load_theme(str(sheet))
    assert time.perf_counter() - start < BOUND
    assert theme.style("footer").size == 13
    assert theme.style(f"s{n - 1}").colour == theme.style("body").colour
    # A cycle in a long chain is still found, once.
    sheet.write_text("\n".join(lines).replace("    parent: body", f"    parent: s{n - 1}") + "\n", "utf-8")
    with pytest.raises(StyleError) as err:
        load_theme(str(sheet))
    assert any("parents form a cycle" in p.message for p in err.value.problems)


def test_a_word_with_no_break_costs_in_proportion_to_its_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word wider than the line is cut where the longest head fits, found by halving: the
    measures taken grow with the word's lines, not with its lines times its length (a word of
    5,000 characters took minutes: every cut was measured, from the longest, on every line)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import paragraph as rl_paragraph

    from leaflet import rlseam
    from leaflet.layout.flowables import LeafParagraph

    rlseam.break_words_at_address_breaks()
    style = ParagraphStyle(
        "long", fontName="Helvetica", fontSize=10, leading=12, splitLongWords=1, embeddedHyphenation=2
    )
    measured = [0]
    real = rl_paragraph.stringWidth

    def counting(*args: object, **kwargs: object) -> float:
        measured[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(rl_paragraph, "stringWidth", counting)
    monkeypatch.setattr(rlseam, "stringWidth", counting, raising=False)

    def lay_out(length: int) -> tuple[int, int]:
        word = "".join("abcdefghij"[i % 10] for i in range(length))
        measured[0] = 0
        para = LeafParagraph(f"Before {word} after.", style)
        para.wrap(200, 1e9)
        lines = [" ".join(getattr(w, "text", w) for w in line[1]) for line in para.blPara.lines]
        assert "".join(lines).replace(" ", "") == f"Before{word}after."
        assert all(real(text, "Helvetica", 10) <= 200 for text in lines)
        return len(lines), measured[0]

    short_lines, short = lay_out(1000)
    long_lines, long = lay_out(4000)
    assert long_lines >= 3.5 * short_lines
    # Four times the lines, and a few more measures for each (halving a longer word): not sixteen times.
    assert long <= 6 * short, (short, long)


def test_a_long_word_with_no_break_in_a_shaped_script_is_cut_and_built(tmp_path: Path) -> None:
    """An Urdu word longer than a line is cut like any other; it was an internal error (HarfBuzz
    was handed ReportLab's own class for a cut word, and refuses anything but a plain str)."""
    import re

    from leaflet.build import build_editions

    text = (ROOT / "tests" / "data" / "langs" / "ur.yaml").read_text("utf-8")
    first = re.search(r"(?m)^      - (.+)$", text)
    assert first is not None
    word = "کتابچہ" * 60
    content = tmp_path / "ur.yaml"
    content.write_text(text.replace(first.group(0), "      - " + word, 1), "utf-8")
    (built,) = build_editions(content, ["standard"], None, tmp_path / "out")
    from tests.test_languages import struct_text

    # Read back from the structure tree: the word whole, whatever lines it was cut into.
    assert word in struct_text(built.path).replace(" ", "")


def test_a_finding_in_text_full_of_link_brackets_is_located_at_once(tmp_path: Path) -> None:
    r"""Words in capitals after many "\]()" (each one punctuation, or the start of a link's
    address): locating the finding tried both ways at each, and took time doubling with each
    one (28 held `check` for over a minute, and `build`, which runs the rules, too)."""
    brackets = "\\]()" * 60
    path = write(
        tmp_path,
        "brackets.yaml",
        "sections:\n  - heading: H\n    content:\n"
        f"      - 'Now ALPHA {brackets} zzz. ALPHA BETA GAMMA DELTA.'\n"
        "references: []\n",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "make_leaflet.py"), "check", str(path)],
        capture_output=True,
        text=True,
        timeout=BOUND,
        cwd=ROOT,
        env={**os.environ, "LEAFLET_SERVER": "off"},
    )
    line = (
        path.read_text("utf-8")
        .splitlines()
        .index(f"      - 'Now ALPHA {brackets} zzz. ALPHA BETA GAMMA DELTA.'")
        + 1
    )
    column = len(f"      - 'Now ALPHA {brackets} zzz. ") + 1
    assert (
        f"brackets.yaml:{line}:{column}: warning: “ALPHA BETA GAMMA DELTA” is in capitals" in done.stdout
    ), done.stdout + done.stderr
