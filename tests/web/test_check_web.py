"""`check` reads the web edition back: its heading outline and the words of its links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leaflet.build import page_for_checks, plan
from leaflet.checks import run_checks
from leaflet.checks.registry import CheckContext
from leaflet.checks.web import heading_outline, link_text
from leaflet.cli import main
from leaflet.content.loader import load_leaflet
from tests.conftest import CONTENT, ROOT

HARD = ROOT / "tests" / "data" / "hard.yaml"
TODAY = date(2026, 11, 29)


def _web_findings(content: Path) -> list[str]:
    work = plan(content, ["web"])
    findings = run_checks(work.leaflet, today=TODAY, web=page_for_checks(work), advice=False)
    return [str(f) for f in findings if f.rule and f.rule.startswith("web/")]


LEAFLETS = [
    CONTENT,
    *sorted((ROOT / "tests" / "data").glob("*.yaml")),
    *sorted((ROOT / "tests" / "data" / "langs").glob("*.yaml")),
]


@pytest.mark.parametrize("content", LEAFLETS, ids=[c.stem for c in LEAFLETS])
def test_the_pages_the_tool_makes_pass(content: Path) -> None:
    assert _web_findings(content) == []


def test_a_skipped_level_on_the_page_is_found_where_the_heading_is_written() -> None:
    leaflet = load_leaflet(HARD)
    html = (
        "<h1>T</h1><h2 id='lists-inside-lists'>Lists</h2><h4 id='a-third-level-heading'>Deep</h4>"
        "<h1>Again</h1><h2></h2>"
    )
    found = list(heading_outline(CheckContext(leaflet, TODAY, web=html), {}))
    third = next(s for s in leaflet.all_sections() if s.anchor == "a-third-level-heading")
    assert (third.location, "on the web page, heading 'Deep' is level 4 after level 2") in found
    assert any("2 level-1 headings" in message for _, message in found)
    assert any("empty level-2 heading" in message for _, message in found)


def test_links_with_no_words_or_vague_ones_are_found() -> None:
    leaflet = load_leaflet(HARD)
    html = (
        '<p><a href="https://example.org/page"><img alt=""></a> '
        '<a href="#x">Click here</a> <a href="#y">[<span>reference </span>1]</a></p>'
    )
    found = list(link_text(CheckContext(leaflet, TODAY, web=html), {}))
    assert len(found) == 2
    (where, message), (_, vague) = found
    assert where.line == 20 and "has no words" in message  # the author's link in hard.yaml
    assert "“click here”" in vague


def test_a_vague_link_on_the_page_is_told_at_the_link_with_its_words(tmp_path: Path) -> None:
    """Two links to one address: the vague one is told where its own words are written, not at
    the first link to that address (all seven were told at one link)."""
    content = tmp_path / "two.yaml"
    content.write_text(
        HARD.read_text("utf-8").replace(
            "introduction:",
            "introduction:\n  - See [the NHS pages on tiredness](https://www.nhs.uk/) first.\n"
            "  - Or [read more](https://www.nhs.uk/).",
            1,
        ),
        "utf-8",
    )
    leaflet = load_leaflet(content)
    html = '<p><a href="https://www.nhs.uk/">the NHS pages on tiredness</a> <a href="https://www.nhs.uk/">Read more.</a></p>'
    [(where, message)] = list(link_text(CheckContext(leaflet, TODAY, web=html), {}))
    lines = content.read_text("utf-8").splitlines()
    assert lines[where.line - 1][where.column - 1 :].startswith("[read more]"), (where, lines[where.line - 1])
    assert "“read more”" in message


def test_check_reads_the_web_page_when_the_leaflet_has_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HARD.read_text("utf-8").replace("introduction:", "editions: [web]\n\nintroduction:", 1)
    content = tmp_path / "leaf.yaml"
    content.write_text(text, "utf-8")
    from leaflet.web import write

    monkeypatch.setattr(write, "render_page", lambda *a, **k: "<h1>One</h1><h1>Two</h1>")
    main(["check", str(content), "--today", "2026-11-29"])
    out = capsys.readouterr().out
    assert "the web page has 2 level-1 headings" in out and "[web/heading-outline]" in out


def test_a_bilingual_page_has_a_title_for_each_language() -> None:
    """The Welsh leaflet and its English partner, each under its own level-1 title: two, no more
    (the tool's own bilingual leaflet failed its check with one level-1 heading wanted)."""
    leaflet = load_leaflet(ROOT / "tests" / "data" / "langs" / "cy-en.yaml")
    assert leaflet.bilingual is not None

    def said(html: str) -> list[str]:
        return [m for _, m in heading_outline(CheckContext(leaflet, TODAY, web=html), {})]

    assert said("<h1>Blinder</h1><h2>Beth</h2><h1>Tiredness</h1><h2>What</h2>") == []
    assert said("<h1>Blinder</h1><h2>Beth</h2>") == [
        "the web page has 1 level-1 heading; it needs exactly two, each language's title"
    ]
