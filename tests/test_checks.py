"""`leaflet check`: every rule fires where it should, at the right line and column, and only there.

Each rule has a test with a small bad leaflet (the finding, its level, rule id, line and
column, computed from the text written) and a good one (silence). Content rules are run
through the command line (`leaflet check --format json`) on files written into tmp_path;
rules the content format cannot break (they guard the model) are run on a loaded model
changed in code; the rules that measure laid-out pages are run on tiny PDFs drawn with
ReportLab's canvas, and on the real CCSVI leaflet, which must give none of them.

Every run has a fixed `--today`, so no test depends on the real date. Tests marked
xfail(strict=True) are bugs found while writing these tests: each reason says what goes wrong.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from leaflet.checks import run_checks
from leaflet.checks.registry import RULES
from leaflet.cli import main
from leaflet.content.loader import load_leaflet
from leaflet.content.model import Leaflet
from leaflet.errors import ContentError, Problem

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.yaml"
DEFAULT_STYLE = ROOT / "leaflet" / "styles" / "default.yaml"

TODAY = "2026-03-01"
TODAY_DATE = date.fromisoformat(TODAY)
FILE = "content.yaml"

# A small leaflet that draws no finding at all on TODAY: it has contact, feedback and
# other-formats lines, a review a year after publication and months away, and short,
# plain sentences. Each test changes one thing in it.
HEAD = """\
metadata:
  title: Test leaflet
  slug: test
  language: en-GB
  organisation: Test Org
  version: "1.0"
  published: 2026-01-10
  next_review: 2027-01-10
  contact: Call the clinic on 0300 123 4567.
  feedback: Tell us what you think at the clinic desk.
  other_formats: Ask at the clinic desk for large print or audio.
"""
SECTIONS = """\
sections:
  - heading: First
    content:
      - Hello world [@ref-one].
      - callout:
          label: Said
          quotes:
            - text: Quoted words.
              who: Someone
              source: ref-one
"""
REFERENCES = """\
references:
  - id: ref-one
    title: A reference
"""
BASE = HEAD + SECTIONS + REFERENCES

#: Where the metadata mapping starts: findings about the leaflet as a whole point here.
METADATA_AT = "title: Test leaflet"

# ---------------------------------------------------------------- helpers


def variant(*edits: tuple[str, str], base: str = BASE) -> str:
    """`base` with each (old, new) edit applied; `old` must occur exactly once."""
    text = base
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """The 1-based line and column (in characters) of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def with_content(*blocks: str, base: str = BASE) -> str:
    """BASE with `blocks` (YAML list lines, indented for the first section) after its first paragraph."""
    old = "      - Hello world [@ref-one].\n"
    return variant((old, old + "".join(f"      - {b}\n" for b in blocks)), base=base)


@dataclass
class Checked:
    rc: int
    findings: list[dict[str, Any]]
    stdout: str
    stderr: str

    def of(self, rule: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["rule"] == rule]

    def only(self, rule: str) -> dict[str, Any]:
        found = self.of(rule)
        assert len(found) == 1, found
        return found[0]


Check = Callable[..., Checked]


@pytest.fixture
def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Check:
    """Write the text as content.yaml in tmp_path (the working folder) and run `leaflet check` on it."""
    monkeypatch.chdir(tmp_path)

    def run(text: str | None, *args: str, today: str = TODAY, fmt: str = "json", path: str = FILE) -> Checked:
        if text is not None:
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        rc = main(["check", path, "--today", today, "--format", fmt, *args])
        out = capsys.readouterr()
        findings = json.loads(out.out) if fmt == "json" and out.out.strip() else []
        return Checked(rc, findings, out.out, out.err)

    return run


def assert_at(
    finding: dict[str, Any] | Problem, text: str, needle: str, *, level: str, rule: str, occurrence: int = 1
) -> None:
    """The finding is `rule` at `level`, at the line and column where `needle` is written in `text`."""
    line, column = position(text, needle, occurrence)
    if isinstance(finding, Problem):
        got = (finding.location.line, finding.location.column, finding.severity.value, finding.rule)
    else:
        got = (finding["line"], finding["column"], finding["level"], finding["rule"])
        assert finding["file"] == FILE
    assert got == (line, column, level, rule)


def load(tmp_path: Path, text: str, name: str = FILE) -> Leaflet:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_leaflet(path)


def of(findings: list[Problem], rule: str) -> list[Problem]:
    return [f for f in findings if f.rule == rule]


# Which test covers each rule: a new rule with no test here fails test_every_rule_has_a_test.
TESTED = {
    "trust/review-date-passed": "test_review_date_passed",
    "trust/review-date-near": "test_review_date_near",
    "trust/review-period": "test_review_period",
    "trust/contact": "test_missing_metadata_line",
    "trust/feedback": "test_missing_metadata_line",
    "trust/other-formats": "test_missing_metadata_line",
    "trust/quoted-guidance-referenced": "test_quoted_guidance_referenced",
    "trust/translation-behind": "test_translation_behind",
    "trust/translation-incomplete": "test_translation_incomplete",
    "trust/bilingual-partner": "test_bilingual_partner",
    "plain/reading-age": "test_reading_age",
    "plain/long-sentence": "test_long_sentence",
    "links/vague-text": "test_vague_link_text",
    "links/web-only": "test_web_only_words",
    "links/no-address": "test_further_reading_without_address",
    "structure/skipped-heading": "test_skipped_heading",
    "structure/empty-section": "test_empty_section",
    "structure/duplicate-heading": "test_duplicate_heading",
    "trust/no-review-date": "test_no_version_or_review_date",
    "trust/no-version": "test_no_version_or_review_date",
    "structure/own-about": "test_an_own_about_this_leaflet_section",
    # The rules of the web page are tested beside it, in tests/web/test_check_web.py.
    "web/heading-outline": "test_a_skipped_level_on_the_page_is_found_where_the_heading_is_written",
    "web/link-text": "test_links_with_no_words_or_vague_ones_are_found",
    "legibility/small-text": "test_small_text",
    "legibility/justified": "test_justified_word_spaces",
    "legibility/address-too-wide": "test_an_address_that_cannot_fit_is_found_where_it_is_written",
    "legibility/italic-run": "test_italic_run",
    "legibility/capitals": "test_capitals",
    "legibility/contrast": "test_contrast",
}


def test_every_rule_has_a_test() -> None:
    import tests.web.test_check_web as web_tests

    assert set(RULES) == set(TESTED)
    assert all(callable(globals().get(name) or getattr(web_tests, name, None)) for name in TESTED.values())


def test_rules_have_the_documented_levels() -> None:
    levels = {rule_id: rule.level.value for rule_id, rule in RULES.items()}
    assert levels == {
        "trust/review-date-passed": "error",
        "trust/review-date-near": "warning",
        "trust/review-period": "warning",
        "trust/contact": "warning",
        "trust/feedback": "warning",
        "trust/other-formats": "warning",
        "trust/quoted-guidance-referenced": "error",
        "trust/translation-behind": "warning",
        "trust/translation-incomplete": "warning",
        "trust/bilingual-partner": "error",
        "plain/reading-age": "advice",
        "plain/long-sentence": "advice",
        "links/vague-text": "warning",
        "links/web-only": "warning",
        "links/no-address": "warning",
        "structure/skipped-heading": "error",
        "structure/empty-section": "warning",
        "structure/duplicate-heading": "warning",
        "trust/no-review-date": "warning",
        "trust/no-version": "warning",
        "structure/own-about": "warning",
        "legibility/small-text": "error",
        "legibility/justified": "error",
        "legibility/address-too-wide": "error",
        "legibility/italic-run": "warning",
        "legibility/capitals": "warning",
        "legibility/contrast": "error",
        "web/heading-outline": "error",
        "web/link-text": "warning",
    }


def test_the_base_leaflet_draws_no_finding(check: Check) -> None:
    result = check(BASE)
    assert (result.rc, result.findings) == (0, [])


# ---------------------------------------------------------------- trust


def test_review_date_passed(check: Check) -> None:
    bad = check(BASE, today="2027-01-11")
    assert bad.rc == 1
    finding = bad.only("trust/review-date-passed")
    assert_at(finding, BASE, "2027-01-10", level="error", rule="trust/review-date-passed")
    assert "2027-01-10 has passed" in finding["message"]
    # On the review date itself it has not passed (it is near).
    assert check(BASE, today="2027-01-10").of("trust/review-date-passed") == []


def test_review_date_near(check: Check) -> None:
    bad = check(BASE, today="2026-10-10")  # three months before 2027-01-10
    assert bad.rc == 0
    finding = bad.only("trust/review-date-near")
    assert_at(finding, BASE, "2027-01-10", level="warning", rule="trust/review-date-near")
    assert "less than 3 months away" in finding["message"]
    assert check(BASE, today="2026-10-09").findings == []
    # Once passed, it is the error alone.
    assert check(BASE, today="2027-01-11").of("trust/review-date-near") == []
    # months: 6 warns earlier.
    wider = variant(("references:", "checks:\n  trust/review-date-near: {months: 6}\nreferences:"))
    finding = check(wider, today="2026-07-10").only("trust/review-date-near")
    assert_at(finding, wider, "2027-01-10", level="warning", rule="trust/review-date-near")
    assert "less than 6 months away" in finding["message"]
    assert check(wider, today="2026-07-09").of("trust/review-date-near") == []


def test_review_period(check: Check) -> None:
    long = variant(("next_review: 2027-01-10", "next_review: 2029-01-11"))
    finding = check(long).only("trust/review-period")
    assert_at(finding, long, "2029-01-11", level="warning", rule="trust/review-period")
    assert "more than 3 years after publication (2026-01-10)" in finding["message"]
    exactly_three = variant(("next_review: 2027-01-10", "next_review: 2029-01-10"))
    assert check(exactly_three).findings == []
    four = variant(("references:", "checks:\n  trust/review-period: {years: 4}\nreferences:"), base=long)
    assert check(four).of("trust/review-period") == []


def test_review_period_exactly_three_years_from_the_end_of_a_month(check: Check) -> None:
    text = variant(
        ("published: 2026-01-10", "published: 2026-03-31"),
        ("next_review: 2027-01-10", "next_review: 2029-03-31"),
    )
    assert check(text, today="2026-04-01").of("trust/review-period") == []


def test_review_date_near_at_the_end_of_a_month(check: Check) -> None:
    text = variant(("next_review: 2027-01-10", "next_review: 2027-01-31"))
    assert check(text, today="2026-10-29").of("trust/review-date-near") == []
    assert check(text, today="2026-10-31").of("trust/review-date-near") != []


@pytest.mark.parametrize(
    ("key", "rule"),
    [("contact", "trust/contact"), ("feedback", "trust/feedback"), ("other_formats", "trust/other-formats")],
)
def test_missing_metadata_line(check: Check, key: str, rule: str) -> None:
    line = next(li for li in HEAD.splitlines(keepends=True) if li.startswith(f"  {key}:"))
    bad = variant((line, ""))
    result = check(bad)
    assert result.rc == 0  # a warning
    finding = result.only(rule)
    assert_at(finding, bad, METADATA_AT, level="warning", rule=rule)
    assert finding["message"].startswith(f"no {key} in metadata")
    assert [f["rule"] for f in result.findings] == [rule]
    assert check(BASE).of(rule) == []


def test_quoted_guidance_referenced(tmp_path: Path) -> None:
    # The loader refuses a quotation whose source names no reference, so the rule guards the
    # model: it is tested on a loaded leaflet whose references are then taken away.
    good = load(tmp_path, BASE)
    assert of(run_checks(good, today=TODAY_DATE), "trust/quoted-guidance-referenced") == []
    bad = dataclasses.replace(good, references=())
    findings = of(run_checks(bad, today=TODAY_DATE), "trust/quoted-guidance-referenced")
    assert len(findings) == 1
    assert_at(
        findings[0], BASE, "text: Quoted words.", level="error", rule="trust/quoted-guidance-referenced"
    )
    assert findings[0].message == "the quotation from Someone names no reference"


def test_a_quotation_naming_no_reference_is_refused_by_the_loader(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="'ref-two' names no reference"):
        load(tmp_path, variant(("source: ref-one", "source: ref-two")))


# ---------------------------------------------------------------- plain language

HARD = [
    "Contemporary epidemiological investigations consistently demonstrate substantial associations "
    "between cerebrovascular abnormalities and neurodegenerative manifestations.",
    "Interdisciplinary collaboration facilitates comprehensive understanding of pathophysiological "
    "mechanisms underlying demyelination.",
    "Methodological heterogeneity complicates interpretation of observational investigations considerably.",
]
EASY = [
    "We can help you. You can call us at any time. We will talk with you.",
    "We will help you plan your day. You can ask us what you like.",
    "We are here for you. Come and see us.",
]


def _section(heading: str, paragraphs: list[str]) -> str:
    return f"  - heading: {heading}\n    content:\n" + "".join(f"      - {p}\n" for p in paragraphs)


def test_reading_age(check: Check) -> None:
    bad = variant(
        ("references:", _section("Hard words", HARD) + "references:"),
        ("sections:", "introduction:\n" + "".join(f"  - {p}\n" for p in HARD) + "sections:"),
    )
    result = check(bad)
    assert result.rc == 0
    found = result.of("plain/reading-age")
    assert len(found) == 2
    intro, section = found
    assert_at(intro, bad, HARD[0], level="advice", rule="plain/reading-age")
    assert intro["message"].startswith("'Introduction' reads at about age ")
    assert_at(section, bad, "heading: Hard words", level="advice", rule="plain/reading-age")
    assert section["message"].startswith("'Hard words' reads at about age ")
    assert "(target 11)" in section["message"]
    assert result.of("plain/long-sentence") == []  # every sentence is short; the words are long

    good = variant(("references:", _section("Easy words", EASY) + "references:"))
    assert sum(len(p.split()) for p in EASY) >= 30
    assert check(good).findings == []
    # Fewer than 30 words are not measured at all.
    short = variant(("references:", _section("Hard words", HARD[:2]) + "references:"))
    assert check(short).findings == []
    # A higher target silences it.
    lenient = variant(("references:", "checks:\n  plain/reading-age: {target: 60}\nreferences:"), base=bad)
    assert check(lenient).of("plain/reading-age") == []


LONG = (
    "Then we tell you about the many small steps that you can take at home each day to keep "
    "your feet safe and well."
)
LONGER = (
    "Then we tell you about the many small steps that you can take at home each day to keep "
    "your feet safe and well, warm and dry all through the long year."
)


def test_long_sentence(check: Check) -> None:
    # A short sentence, then a long one that runs on over two lines of the file.
    bad = with_content("Read this first. " + LONG.replace(" to keep ", "\n        to keep "))
    result = check(bad)
    assert result.rc == 0
    finding = result.only("plain/long-sentence")
    assert_at(finding, bad, "Then we tell", level="advice", rule="plain/long-sentence")
    assert len(LONG.split()) == 24
    assert finding["message"] == "a sentence of 24 words (advice: at most 20): “Then we tell you about the …”"
    assert [f["rule"] for f in result.findings] == ["plain/long-sentence"]

    good = with_content("Read this first. Then we tell you about small steps. You can take them at home.")
    assert check(good).findings == []
    exactly_20 = with_content(" ".join(LONG.split()[:19]) + " feet.")
    assert check(exactly_20).findings == []


def test_long_sentence_in_a_list_and_a_quotation(check: Check) -> None:
    bad = variant(
        ("- text: Quoted words.", f"- text: {LONG}"),
        (
            "      - Hello world [@ref-one].\n",
            f"      - Hello world [@ref-one].\n      - bullets:\n          - {LONG}\n",
        ),
    )
    found = check(bad).of("plain/long-sentence")
    assert len(found) == 2
    assert_at(found[0], bad, "Then we tell", level="advice", rule="plain/long-sentence", occurrence=1)
    assert_at(found[1], bad, "Then we tell", level="advice", rule="plain/long-sentence", occurrence=2)


def test_long_sentence_that_repeats_an_earlier_opening(check: Check) -> None:
    bad = with_content("Then we tell you. " + LONG)
    finding = check(bad).only("plain/long-sentence")
    assert_at(finding, bad, "Then we tell", level="advice", rule="plain/long-sentence", occurrence=2)


def test_long_sentence_that_opens_with_a_citation(check: Check) -> None:
    bad = with_content("Read this first. NICE [@ref-one] says that " + LONG)
    finding = check(bad).only("plain/long-sentence")
    assert_at(finding, bad, "NICE [@ref-one]", level="advice", rule="plain/long-sentence")


def test_a_citation_is_not_a_word(check: Check) -> None:
    twenty = " ".join(LONG.split()[:19]) + " feet [@ref-one]."
    assert check(with_content(twenty)).of("plain/long-sentence") == []


# ---------------------------------------------------------------- links and paper


def test_vague_link_text(check: Check) -> None:
    bad = with_content(
        "See [read more](https://example.org/feet) for the details.",
        "'**Or [here](https://example.org/).**'",
    )
    result = check(bad)
    assert result.rc == 0
    found = result.of("links/vague-text")
    assert len(found) == 2
    assert_at(found[0], bad, "[read more]", level="warning", rule="links/vague-text")
    assert found[0]["message"].startswith("link text “read more” means nothing out of context")
    assert_at(found[1], bad, "[here]", level="warning", rule="links/vague-text")
    assert [f["rule"] for f in result.findings] == ["links/vague-text"] * 2

    good = with_content("See [NHS advice on foot care](https://www.nhs.uk/) for the details.")
    assert check(good).findings == []


def test_vague_link_text_everywhere_a_link_is_printed(check: Check) -> None:
    """The metadata's lines, a paragraph's links:, further reading with an address and its note
    print links too; and "click here!" is "click here" (only a full stop was taken off)."""
    bad = variant(
        (
            "  feedback: Tell us what you think at the clinic desk.",
            "  feedback: '[Click here!](mailto:a@example.org)'",
        ),
        (
            "      - Hello world [@ref-one].\n",
            "      - paragraph: Hello world [@ref-one].\n        links:\n"
            "          - text: Read more\n            url: https://www.nhs.uk/\n",
        ),
        (
            "references:",
            "further_reading:\n  - text: Find out more\n    url: https://www.nhs.uk/\n"
            "further_reading_note: 'All of it is on [this page](https://www.nhs.uk/).'\nreferences:",
        ),
    )
    found = check(bad).of("links/vague-text")
    labels = sorted(f["message"].split("”")[0].removeprefix("link text “") for f in found)
    assert labels == ["click here", "find out more", "read more", "this page"], found
    assert_at(
        next(f for f in found if "click here" in f["message"]),
        bad,
        "[Click here!]",
        level="warning",
        rule="links/vague-text",
    )


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("Our clinics are listed below. Scroll down to see them.", "Scroll down"),
        ("The map is on the last page. Back to top.", "Back to top"),
        ("Ask for a copy. Click the button to order one.", "Click the button"),
        ("Ask for a copy. Click on the link below.", "Click on the link"),
        ("Ask for a copy. Click here to order one.", "Click here"),
        ("Ask for a copy. Tap here to order one.", "Tap here"),
        ("Ask for a copy. The form is on this page.", "on this page"),
    ],
)
def test_web_only_words(check: Check, sentence: str, words: str) -> None:
    bad = with_content(sentence)
    result = check(bad)
    assert result.rc == 0
    finding = result.only("links/web-only")
    assert_at(finding, bad, words, level="warning", rule="links/web-only")
    assert finding["message"].startswith(f"“{words}” makes no sense on paper")
    assert [f["rule"] for f in result.findings] == ["links/web-only"]


def test_web_only_words_are_quiet_on_paper_words(check: Check) -> None:
    good = with_content(
        "Our clinics are listed in the box on page 2.",
        "Ask for a copy at the desk.",
        "Clicking sounds are normal.",
        "Your knee may click when you bend it.",
        "It may click on bending.",
        "You may hear a click a few times.",
        "Take vitamins A, B6, B12, C and D with the NHS advice.",
    )
    assert check(good).findings == []


def test_web_only_words_in_further_reading(check: Check) -> None:
    bad = variant(
        (
            "references:",
            "further_reading:\n  - text: Scroll down the NHS page\n    url: https://www.nhs.uk/\nreferences:",
        )
    )
    finding = check(bad).only("links/web-only")
    assert_at(finding, bad, "Scroll down", level="warning", rule="links/web-only")


def test_web_only_words_twice_in_a_paragraph(check: Check) -> None:
    bad = with_content("Scroll down to the map. Then scroll down to the box.")
    found = check(bad).of("links/web-only")
    assert len(found) == 2
    assert_at(found[0], bad, "Scroll down", level="warning", rule="links/web-only")
    assert_at(found[1], bad, "scroll down", level="warning", rule="links/web-only")


def test_further_reading_without_address(check: Check) -> None:
    reading = (
        "further_reading:\n"
        "  - Read more about foot care.\n"
        "  - text: NHS advice on foot care\n"
        "    url: https://www.nhs.uk/\n"
        "  - See [NHS advice on feet](https://www.nhs.uk/feet) too.\n"
        "  - Write to [the clinic](mailto:clinic@example.org).\n"
    )
    bad = variant(("references:", reading + "references:"))
    result = check(bad)
    assert result.rc == 0
    finding = result.only("links/no-address")
    assert_at(finding, bad, "Read more about foot care.", level="warning", rule="links/no-address")
    assert finding["message"].startswith("“Read more about foot care.” gives no address")
    assert [f["rule"] for f in result.findings] == ["links/no-address"]

    good = variant(("  - Read more about foot care.\n", ""), base=bad)
    assert check(good).findings == []
    # An address written in the words is an address.
    for written in ("Our website is www.mssociety.org.uk.", "The MS Helpline: 0808 800 8000."):
        told = variant(("  - Read more about foot care.\n", f"  - {written}\n"), base=bad)
        assert check(told).of("links/no-address") == [], written


# ---------------------------------------------------------------- structure

SUBSECTION = """\
    sections:
      - heading: Deeper
        content:
          - More words here.
"""


def test_skipped_heading(tmp_path: Path) -> None:
    # Sections are level 2 and subsections level 3, so a file cannot skip a level: the rule
    # guards the model, and is tested on a loaded leaflet with a subsection made level 4.
    text = variant(("references:", SUBSECTION + "references:"))
    good = load(tmp_path, text)
    assert [s.level for s in good.all_sections()] == [2, 3]
    assert run_checks(good, today=TODAY_DATE) == []

    first = good.sections[0]
    deeper = dataclasses.replace(first.subsections[0], level=4)
    bad = dataclasses.replace(good, sections=(dataclasses.replace(first, subsections=(deeper,)),))
    findings = run_checks(bad, today=TODAY_DATE)
    assert len(findings) == 1
    assert_at(findings[0], text, "heading: Deeper", level="error", rule="structure/skipped-heading")
    assert findings[0].message == "heading 'Deeper' is level 4 after level 2"


def test_empty_section(check: Check) -> None:
    bad = variant(
        (
            "references:",
            "  - heading: Nothing yet\n  - heading: Parent\n    sections:\n      - heading: Empty child\nreferences:",
        )
    )
    result = check(bad)
    assert result.rc == 0
    found = result.of("structure/empty-section")
    assert len(found) == 2
    assert_at(found[0], bad, "heading: Nothing yet", level="warning", rule="structure/empty-section")
    assert found[0]["message"] == "section 'Nothing yet' has no content"
    assert_at(found[1], bad, "heading: Empty child", level="warning", rule="structure/empty-section")
    assert [f["rule"] for f in result.findings] == ["structure/empty-section"] * 2

    # A section holding only subsections is not empty.
    good = variant(("references:", "  - heading: Parent\n" + SUBSECTION + "references:"))
    assert check(good).findings == []


def test_duplicate_heading(check: Check) -> None:
    bad = variant(
        (
            "references:",
            _section("Foot Care", ["Wash your feet."]) + _section("foot care", ["Dry them."]) + "references:",
        )
    )
    result = check(bad)
    assert result.rc == 0
    finding = result.only("structure/duplicate-heading")
    assert_at(finding, bad, "heading: foot care", level="warning", rule="structure/duplicate-heading")
    first_line = position(bad, "heading: Foot Care")[0]
    assert f"(first at line {first_line})" in finding["message"]
    assert [f["rule"] for f in result.findings] == ["structure/duplicate-heading"]

    good = variant(
        (
            "references:",
            _section("Foot care", ["Wash your feet."]) + _section("Hand care", ["Dry them."]) + "references:",
        )
    )
    assert check(good).findings == []


@pytest.mark.parametrize(
    ("heading", "whose"), [("References", "its references"), ("In this leaflet", "its contents")]
)
def test_a_heading_that_is_one_of_the_leaflet_s_own(check: Check, heading: str, whose: str) -> None:
    """A section called "References" beside the references panel made two entries of one name
    in the contents and the bookmarks, and check said nothing."""
    bad = variant(("references:", _section(heading, ["Wash your feet."]) + "references:"))
    finding = check(bad).only("structure/duplicate-heading")
    assert_at(finding, bad, f"heading: {heading}", level="warning", rule="structure/duplicate-heading")
    assert f"is also the leaflet's own heading for {whose}" in finding["message"]


# ---------------------------------------------------------------- legibility: capitals and contrast


def test_capitals(check: Check) -> None:
    bad = with_content("Please DO NOT STOP TAKING your tablets.")
    result = check(bad)
    assert result.rc == 0
    finding = result.only("legibility/capitals")
    assert_at(finding, bad, "DO NOT STOP TAKING", level="warning", rule="legibility/capitals")
    assert finding["message"].startswith("“DO NOT STOP TAKING” is in capitals")
    assert [f["rule"] for f in result.findings] == ["legibility/capitals"]

    # Acronyms, and three words in capitals, are fine.
    good = with_content("Ask your GP, the NHS or NICE.", "Do NOT STOP NOW.")
    assert check(good).findings == []
    # max_words: 4 allows four.
    four = variant(("references:", "checks:\n  legibility/capitals: {max_words: 4}\nreferences:"), base=bad)
    assert check(four).findings == []


@pytest.mark.parametrize(
    "words",
    ["PEIDIWCH Â CHERDDED YN DROEDNOETH", "NIE CHODŹ BOSO PO DWORZE", "ΜΗ ΣΤΑΜΑΤΑΤΕ ΤΑ ΦΆΡΜΑΚΑ ΣΑΣ"],
    ids=["Welsh", "Polish", "Greek"],
)
def test_capitals_with_accents_are_capitals(check: Check, words: str) -> None:
    # Only A to Z counted: Welsh Â broke the run, and Polish Ź moved it to "BOSO", at its column.
    bad = with_content(f"Please: {words}.")
    finding = check(bad).only("legibility/capitals")
    assert_at(finding, bad, words, level="warning", rule="legibility/capitals")
    assert finding["message"].startswith(f"“{words}"[:41])


def test_a_heading_is_read_for_capitals_and_web_only_words(check: Check) -> None:
    bad = variant(("heading: First", "heading: SCROLL DOWN TO READ ABOUT YOUR FEET"))
    result = check(bad)
    assert sorted(f["rule"] for f in result.findings) == ["legibility/capitals", "links/web-only"]
    for finding in result.findings:
        assert_at(finding, bad, "SCROLL DOWN", level="warning", rule=finding["rule"])


def test_capitals_are_a_run_within_one_passage_never_across_two(check: Check) -> None:
    """The words of all passages are looked at together first; a run found only across the end
    of one paragraph and the start of the next is no run."""
    across = with_content("Read the LEAFLET AGAIN", "BEFORE SURGERY, please.")
    assert check(across).findings == []
    within = with_content("Read the leaflet again", "BEFORE YOUR SURGERY STARTS, please.")
    finding = check(within).only("legibility/capitals")
    assert_at(finding, within, "BEFORE YOUR SURGERY STARTS", level="warning", rule="legibility/capitals")


def test_capitals_after_the_same_words_in_lower_case(check: Check) -> None:
    bad = with_content("Do not stop now. DO NOT STOP NOW EVER.")
    finding = check(bad).only("legibility/capitals")
    assert_at(finding, bad, "DO NOT STOP NOW EVER", level="warning", rule="legibility/capitals")


def test_capitals_with_a_one_letter_word(check: Check) -> None:
    bad = with_content("DO NOT TAKE A DOUBLE DOSE.")
    finding = check(bad).only("legibility/capitals")
    assert_at(finding, bad, "DO NOT TAKE", level="warning", rule="legibility/capitals")


def _style_with_grey_footer(tmp_path: Path) -> tuple[Path, str]:
    """leaflet/styles/default.yaml with the footer's colour a mid grey: 5.3:1 on white, which the sheet allows."""
    text = variant(('quiet: "#3a3f47"', 'quiet: "#6b6b6b"'), base=DEFAULT_STYLE.read_text(encoding="utf-8"))
    path = tmp_path / "style.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_contrast(tmp_path: Path) -> None:
    # A sheet below 4.5:1 is refused when it is loaded, so the rule is shown with a higher
    # minimum, set in the content file, against a sheet that the loader accepts.
    style, _ = _style_with_grey_footer(tmp_path)
    strict = variant(("references:", "checks:\n  legibility/contrast: {minimum: 7}\nreferences:"))
    findings = run_checks(load(tmp_path, strict), today=TODAY_DATE, styles=(str(style),))
    assert [(f.rule, f.severity.value) for f in findings] == [("legibility/contrast", "error")] * 2
    assert {Path(f.location.file).resolve() for f in findings} == {style.resolve()}
    assert findings[0].message == "Standard A4, style footer: #6b6b6b on #ffffff is 5.33:1 (at least 7:1)"
    assert (
        findings[1].message
        == "Standard A4, style footer: #6b6b6b on #ffffff is 5.33:1 in grey (at least 7:1)"
    )

    # At the standard 4.5:1 the same sheet passes, as does the default sheet at 7:1.
    assert run_checks(load(tmp_path, BASE), today=TODAY_DATE, styles=(str(style),)) == []
    assert run_checks(load(tmp_path, strict), today=TODAY_DATE) == []


def test_contrast_points_at_the_style(tmp_path: Path) -> None:
    style, text = _style_with_grey_footer(tmp_path)
    strict = variant(("references:", "checks:\n  legibility/contrast: {minimum: 7}\nreferences:"))
    finding = run_checks(load(tmp_path, strict), today=TODAY_DATE, styles=(str(style),))[0]
    key = position(text, "colour: quiet")
    value = (key[0], key[1] + len("colour: "))
    assert (finding.location.line, finding.location.column) in (key, value)


def test_contrast_reads_the_sheet_of_the_editions_checked(check: Check) -> None:
    text = variant(
        ("sections:", "editions: [large-print]\nchecks:\n  legibility/contrast: {minimum: 12}\nsections:")
    )
    result = check(text)
    found = result.of("legibility/contrast")
    assert found and all(f["message"].startswith("Large print A4, style ") for f in found)
    # Each at the place the colour is written: the large-print sheet takes its colours from default.
    assert {Path(f["file"]).name for f in found} == {"default.yaml"}


# ---------------------------------------------------------------- legibility: measured on pages

REGULAR = "ChecksTest-Regular"
ITALIC = "ChecksTest-Italic"


def _font_file(style: str) -> Path:
    """A 400-weight TTF of Atkinson Hyperlegible, from its package's metadata.json (as leaflet.fonts reads it)."""
    module = importlib.import_module("fontpkg_atkinson_hyperlegible")
    root = Path(module.ROOT)
    meta = json.loads((root / "metadata.json").read_text("utf-8"))
    return next(
        root / f["path"]
        for f in meta["files"]
        if f.get("style", "normal") == style and f.get("weight") == 400
    )


def _pdf(draw: Callable[[canvas.Canvas], None]) -> bytes:
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _line(font: str, size: float, text: str, y: float = 700) -> Callable[[canvas.Canvas], None]:
    def draw(c: canvas.Canvas) -> None:
        c.setFont(font, size)
        c.drawString(72, y, text)

    return draw


def _lines(*draws: Callable[[canvas.Canvas], None]) -> Callable[[canvas.Canvas], None]:
    def draw(c: canvas.Canvas) -> None:
        for d in draws:
            d(c)

    return draw


def _wide(c: canvas.Canvas) -> None:
    text = c.beginText(72, 700)
    text.setFont(REGULAR, 13)
    text.setWordSpace(3)
    text.textLine("Words set wide apart as justified text is")
    c.drawText(text)


NINE = "one two three four five six seven eight nine"


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """Tiny PDFs, each drawn once for the module."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(_font_file("normal"))))
    pdfmetrics.registerFont(TTFont(ITALIC, str(_font_file("italic"))))
    return {
        "plain 12": _pdf(_line(REGULAR, 12, "Plain words at twelve points")),
        "small 9": _pdf(_line(REGULAR, 9, "Small words at nine points")),
        "small 11.5": _pdf(_line(REGULAR, 11.5, "Small words just under twelve")),
        "large 16": _pdf(_line(REGULAR, 16, "Large print words at sixteen")),
        "wide": _pdf(_wide),
        "hyphenated": _pdf(
            _lines(_line(REGULAR, 13, "the treat-", 700), _line(REGULAR, 13, "ment works well", 680))
        ),
        "hyphen in a line": _pdf(
            _lines(_line(REGULAR, 13, "a well-known treatment -", 700), _line(REGULAR, 13, "Next line", 680))
        ),
        "italic 8": _pdf(_line(ITALIC, 13, " ".join(NINE.split()[:8]))),
        "italic 9": _pdf(_line(ITALIC, 13, NINE)),
        "italic 5+5": _pdf(
            _lines(
                _line(ITALIC, 13, "one two three four five", 700),
                _line(ITALIC, 13, "six seven eight nine ten", 680),
            )
        ),
        "italic broken": _pdf(
            _lines(
                _line(ITALIC, 13, "one two three four five", 700),
                _line(REGULAR, 13, "upright", 680),
                _line(ITALIC, 13, "six seven eight nine ten", 660),
            )
        ),
    }


@pytest.fixture(scope="module")
def base_leaflet(tmp_path_factory: pytest.TempPathFactory) -> Leaflet:
    return load(tmp_path_factory.mktemp("base"), BASE)


def measure(leaflet: Leaflet, data: bytes, large: bool = False) -> list[Problem]:
    return run_checks(leaflet, today=TODAY_DATE, pdfs={"standard": (data, large)})


def test_small_text(base_leaflet: Leaflet, pdfs: dict[str, bytes]) -> None:
    findings = measure(base_leaflet, pdfs["small 9"])
    assert len(findings) == 1
    assert_at(findings[0], BASE, METADATA_AT, level="error", rule="legibility/small-text")
    assert findings[0].message == "the standard edition has text of 9 pt on page 1 (at least 12 pt)"
    assert of(measure(base_leaflet, pdfs["small 11.5"]), "legibility/small-text") != []
    assert measure(base_leaflet, pdfs["plain 12"]) == []


def test_small_text_in_large_print(base_leaflet: Leaflet, pdfs: dict[str, bytes]) -> None:
    findings = measure(base_leaflet, pdfs["plain 12"], large=True)
    assert [(f.rule, f.message) for f in findings] == [
        ("legibility/small-text", "the standard edition has text of 12 pt on page 1 (at least 16 pt)")
    ]
    assert measure(base_leaflet, pdfs["large 16"], large=True) == []


def test_justified_word_spaces(base_leaflet: Leaflet, pdfs: dict[str, bytes]) -> None:
    findings = measure(base_leaflet, pdfs["wide"])
    assert len(findings) == 1
    assert_at(findings[0], BASE, METADATA_AT, level="error", rule="legibility/justified")
    assert findings[0].message == "the standard edition stretches word spaces (justified text) on page(s) 1"
    assert measure(base_leaflet, pdfs["plain 12"]) == []


def test_hyphenated_line_end(base_leaflet: Leaflet, pdfs: dict[str, bytes]) -> None:
    findings = measure(base_leaflet, pdfs["hyphenated"])
    assert len(findings) == 1
    assert_at(findings[0], BASE, METADATA_AT, level="error", rule="legibility/justified")
    assert findings[0].message == "the standard edition hyphenates “treat-” at a line end on page 1"
    # A hyphen inside a line, or a dash before a capital, is no hyphenation.
    assert measure(base_leaflet, pdfs["hyphen in a line"]) == []


def test_italic_run(base_leaflet: Leaflet, pdfs: dict[str, bytes]) -> None:
    findings = measure(base_leaflet, pdfs["italic 9"])
    assert len(findings) == 1
    assert_at(findings[0], BASE, METADATA_AT, level="warning", rule="legibility/italic-run")
    assert findings[0].message == "the standard edition sets over 8 words in italic on page 1"
    # A run over two lines counts as one; upright text between two runs ends the first.
    assert of(measure(base_leaflet, pdfs["italic 5+5"]), "legibility/italic-run") != []
    assert measure(base_leaflet, pdfs["italic broken"]) == []
    assert measure(base_leaflet, pdfs["italic 8"]) == []
    assert measure(base_leaflet, pdfs["plain 12"]) == []


def test_page_rules_need_pages(base_leaflet: Leaflet) -> None:
    # Without laid-out pages (run_checks with no pdfs) the page rules say nothing.
    assert run_checks(base_leaflet, today=TODAY_DATE) == []


@pytest.fixture(scope="module")
def ccsvi_pages() -> tuple[Leaflet, dict[str, tuple[bytes, bool]]]:
    """The CCSVI leaflet's editions, laid out as `check` lays them out (the booklet through its A5 pages)."""
    from leaflet.build import plan, render_edition
    from leaflet.style import load_theme

    work = plan(CONTENT)
    made = {}
    for edition in work.editions:
        if edition.booklet:
            continue
        theme = load_theme(edition.style)
        made[edition.name] = (render_edition(work.leaflet, edition, theme).data, theme.large_print)
    return work.leaflet, made


def test_the_ccsvi_layout_passes_the_page_rules(
    ccsvi_pages: tuple[Leaflet, dict[str, tuple[bytes, bool]]],
) -> None:
    leaflet, made = ccsvi_pages
    assert len(made) >= 3
    assert any(large for _, large in made.values())
    findings = run_checks(leaflet, today=date(2026, 11, 26), pdfs=made)
    page_rules = {"legibility/small-text", "legibility/justified", "legibility/italic-run"}
    assert [str(f) for f in findings if f.rule in page_rules] == []


#: A report whose address has a piece longer than any line; and a long address that breaks well.
UNBROKEN = "https://www.example.org/reports/ThisReportHasAnExceptionallyLongNameWithNoBreaksInsideItAtAll2026"
BREAKS_WELL = (
    "https://www.example-neurology-service.org.uk/living-well-with-multiple-sclerosis/"
    "everyday-life/work-and-money?section=benefits&page=2"
)


def test_an_address_that_cannot_fit_is_found_where_it_is_written(check: Check) -> None:
    text = with_content(f"Read [the report]({UNBROKEN}) before your visit.")
    result = check(text)
    finding = result.only("legibility/address-too-wide")
    assert_at(finding, text, "[the report]", level="error", rule="legibility/address-too-wide")
    assert (
        "“ThisReportHasAnExceptionallyLongNameWithNoBreaksInsideItAtAll2026” alone is wider"
        in (finding["message"])
    )
    # One finding for the address, however many editions and lines cut it.
    assert len(result.of("legibility/address-too-wide")) == 1


def test_the_tools_own_breaks_of_an_address_are_not_the_editors_fault(check: Check) -> None:
    # Broken over three lines after its hyphens, slashes and ? (so a line ends "example-"):
    # neither a hyphenated word nor an address that does not fit.
    text = with_content(
        f"Our guide is on [the service's pages]({BREAKS_WELL}) and is updated each spring.",
        "Write to patient.information.team@example-neurology-service.org.uk for a printed copy today.",
    )
    result = check(text)
    assert result.of("legibility/address-too-wide") == [], result.findings
    assert result.of("legibility/justified") == [], [f["message"] for f in result.findings]


# ---------------------------------------------------------------- settings


def test_max_words_setting_changes_the_threshold(check: Check) -> None:
    bad = with_content(LONG)
    assert "(advice: at most 20)" in check(bad).only("plain/long-sentence")["message"]
    lenient = variant(
        ("references:", "checks:\n  plain/long-sentence: {max_words: 30}\nreferences:"), base=bad
    )
    assert check(lenient).findings == []
    longer = variant((LONG, LONGER), base=lenient)
    finding = check(longer).only("plain/long-sentence")
    assert len(LONGER.split()) == 32
    assert finding["message"].startswith("a sentence of 32 words (advice: at most 30)")


def test_off_silences_a_rule(check: Check) -> None:
    bad = variant(("  contact: Call the clinic on 0300 123 4567.\n", ""))
    assert check(bad).of("trust/contact") != []
    off = variant(("references:", "checks:\n  trust/contact: off\nreferences:"), base=bad)
    assert check(off).findings == []
    # An error switched off no longer fails the check.
    passed = variant(("references:", "checks:\n  trust/review-date-passed: off\nreferences:"))
    assert check(passed, today="2027-02-01").rc == 0


def test_a_file_that_cannot_be_read_is_not_counted_as_no_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Among several files, one that cannot be read is said in the summary; alone, no "0 errors"
    follows its error (the summary said 0 errors while a file had not been checked at all)."""
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    assert main(["check", str(missing), str(good), "--today", TODAY]) == 2
    err = capsys.readouterr().err.splitlines()
    assert f"{missing}: error: no such file" in err
    assert err[-1] == "0 errors, 0 warnings, 0 pieces of advice (1 of 2 files could not be checked)"
    assert main(["check", str(missing), "--today", TODAY]) == 2
    assert capsys.readouterr().err.splitlines() == [f"{missing}: error: no such file"]


def test_unknown_rule_is_one_line_with_did_you_mean(check: Check) -> None:
    text = variant(("references:", "checks:\n  trust/contacts: off\nreferences:"))
    result = check(text)
    assert result.rc == 2
    assert json.loads(result.stdout or "[]") == []  # no findings; JSON stays valid for tools
    line, column = position(text, "trust/contacts")
    assert result.stderr.splitlines() == [
        f"{FILE}:{line}:{column}: error: checks: no rule 'trust/contacts'; did you mean 'trust/contact'?"
    ]


@pytest.mark.parametrize(
    ("setting", "at", "message"),
    [
        (
            "plain/long-sentence: {max_word: 30}",
            "plain/long-sentence",
            "checks: plain/long-sentence has no setting max_word (settings: max_words)",
        ),
        # It said "[False] is not valid under any of the given schemas".
        (
            "trust/feedback: [off]",
            "[off]",
            "checks.trust/feedback: expected off, on, or a mapping of the rule's settings, found a list",
        ),
    ],
    ids=["unknown setting", "setting of the wrong kind"],
)
def test_a_setting_that_is_not_one_is_an_error(check: Check, setting: str, at: str, message: str) -> None:
    text = variant(("references:", f"checks:\n  {setting}\nreferences:"))
    result = check(text)
    assert result.rc == 2
    line, column = position(text, at)
    assert result.stderr.splitlines() == [f"{FILE}:{line}:{column}: error: {message}"]


def test_a_setting_that_is_not_a_number_is_an_error(check: Check) -> None:
    text = variant(("references:", "checks:\n  plain/long-sentence: {max_words: many}\nreferences:"))
    result = check(text)
    assert result.rc == 2
    assert "max_words" in result.stderr


def test_project_file_beside_the_content(check: Check, tmp_path: Path) -> None:
    bad = with_content(LONG)
    (tmp_path / "leaflet-checks.yaml").write_text(
        "checks:\n  plain/long-sentence: {max_words: 30}\n", encoding="utf-8"
    )
    assert check(bad).findings == []


def test_project_file_in_a_folder_above(check: Check, tmp_path: Path) -> None:
    bad = variant(("  contact: Call the clinic on 0300 123 4567.\n", ""))
    (tmp_path / "leaflet-checks.yaml").write_text("checks:\n  trust/contact: off\n", encoding="utf-8")
    result = check(bad, path="leaflets/foot-care.yaml")
    assert (result.rc, result.findings) == (0, [])


def test_content_settings_win_over_the_project_file(check: Check, tmp_path: Path) -> None:
    (tmp_path / "leaflet-checks.yaml").write_text(
        "checks:\n  trust/contact: off\n  plain/long-sentence: {max_words: 30}\n", encoding="utf-8"
    )
    text = variant(
        ("  contact: Call the clinic on 0300 123 4567.\n", ""),
        ("references:", "checks:\n  trust/contact: on\n  plain/long-sentence: {max_words: 10}\nreferences:"),
    )
    text = with_content("Then we tell you about the small steps that you can take.", base=text)
    result = check(text)
    assert sorted(f["rule"] for f in result.findings) == ["plain/long-sentence", "trust/contact"]
    assert "(advice: at most 10)" in result.only("plain/long-sentence")["message"]


def test_project_file_errors_point_into_it(check: Check, tmp_path: Path) -> None:
    project = "checks:\n  trust/contact: off\n  plain/long-sentense: {max_words: 30}\n"
    (tmp_path / "leaflet-checks.yaml").write_text(project, encoding="utf-8")
    result = check(BASE)
    assert result.rc == 2
    line, column = position(project, "plain/long-sentense")
    assert result.stderr.splitlines() == [
        f"leaflet-checks.yaml:{line}:{column}: error: checks: no rule 'plain/long-sentense'; "
        "did you mean 'plain/long-sentence'?"
    ]
    (tmp_path / "leaflet-checks.yaml").write_text("checks: {}\nrules: {}\n", encoding="utf-8")
    result = check(BASE)
    assert result.rc == 2
    assert "leaflet-checks.yaml: expected one key, checks:" in result.stderr


# ---------------------------------------------------------------- exit codes and output


def test_exit_1_with_an_error(check: Check) -> None:
    result = check(BASE, today="2027-02-01")
    assert [f["level"] for f in result.findings] == ["error"]
    assert result.rc == 1


def test_exit_0_with_warnings_and_advice(check: Check) -> None:
    text = with_content(LONG, "See [here](https://example.org/).")
    result = check(text)
    assert sorted({f["level"] for f in result.findings}) == ["advice", "warning"]
    assert result.rc == 0


def test_strict_fails_on_warnings(check: Check) -> None:
    text = with_content("See [here](https://example.org/).")
    assert check(text).rc == 0
    assert check(text, "--strict").rc == 1


def test_advice_never_fails_even_with_strict(check: Check) -> None:
    text = with_content(LONG)
    result = check(text, "--strict")
    assert [f["level"] for f in result.findings] == ["advice"]
    assert result.rc == 0


def test_json_output_keys(check: Check) -> None:
    text = with_content(LONG, "See [here](https://example.org/).")
    result = check(text, today="2027-02-01")
    assert len(result.findings) == 3
    for row in result.findings:
        assert set(row) == {"file", "line", "column", "level", "message", "rule"}
        assert isinstance(row["line"], int) and isinstance(row["column"], int)
        assert row["file"] == FILE
        assert row["level"] in ("error", "warning", "advice")
        assert row["rule"] in RULES
    assert check(BASE).stdout.strip() == "[]"


def test_text_output_form(check: Check) -> None:
    text = with_content(LONG, "See [here](https://example.org/).")
    rows = check(text, today="2027-02-01").findings
    result = check(None, today="2027-02-01", fmt="text")
    form = re.compile(
        r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning|advice): (?P<message>.+) \[(?P<rule>[a-z]+/[a-z-]+)\]$"
    )
    lines = result.stdout.splitlines()
    assert lines == [
        f"{r['file']}:{r['line']}:{r['column']}: {r['level']}: {r['message']} [{r['rule']}]" for r in rows
    ]
    assert all(form.match(line) for line in lines)
    assert result.stderr.splitlines() == ["1 errors, 1 warnings, 1 pieces of advice"]
    assert result.rc == 1


def test_build_prints_findings_and_still_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `build` checks as on the real date, so the findings here do not depend on it: the contact
    # line is missing, and a review date of 2001 has passed on any day this test runs.
    monkeypatch.chdir(tmp_path)
    text = variant(
        ("  contact: Call the clinic on 0300 123 4567.\n", ""),
        ("published: 2026-01-10", "published: 2000-01-10"),
        ("next_review: 2027-01-10", "next_review: 2001-01-10"),
    )
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    rc = main(["build", FILE, "-o", "out"])
    out = capsys.readouterr()
    assert rc == 0
    assert (tmp_path / "out" / "test.pdf").is_file()
    assert "out/test.pdf" in out.out
    line, column = position(text, "2001-01-10")
    assert (
        f"{FILE}:{line}:{column}: error: the review date 2001-01-10 has passed: review the leaflet before it "
        "is printed or sent again [trust/review-date-passed]"
    ) in out.err.splitlines()
    line, column = position(text, METADATA_AT)
    assert (
        f"{FILE}:{line}:{column}: warning: no contact in metadata: say how readers can contact the "
        "publisher [trust/contact]"
    ) in out.err.splitlines()


# ---------------------------------------------------------------- the CCSVI leaflet


def test_ccsvi_findings(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CCSVI content draws its known warnings and advice, and no error (a regression test)."""
    monkeypatch.chdir(ROOT)
    text = CONTENT.read_text(encoding="utf-8")
    result = check(None, today="2026-11-26")
    assert result.rc == 0
    levels = [f["level"] for f in result.findings]
    assert "error" not in levels

    warnings = [f for f in result.findings if f["level"] == "warning"]
    trust = [f for f in warnings if f["rule"].startswith("trust/")]
    # The Who can help panel gives the helpline and asks for views: contact and feedback are there.
    assert [f["rule"] for f in trust] == ["trust/other-formats"]
    for finding in trust:
        assert_at(finding, text, "title: Chronic", level="warning", rule=finding["rule"])

    # Further reading's note says where its lines are: none is blamed for lacking an address.
    assert [f for f in warnings if f["rule"] == "links/no-address"] == []
    assert len(warnings) == 1

    advice = [f for f in result.findings if f["level"] == "advice"]
    assert {f["rule"] for f in advice} == {"plain/reading-age", "plain/long-sentence"}
    first_sentence = next(f for f in advice if f["rule"] == "plain/long-sentence")
    # The first is a key point: the page's own sentence, quoted as written.
    assert_at(first_sentence, text, "We don't yet know", level="advice", rule="plain/long-sentence")


def test_translation_behind(check: Check, tmp_path: Path) -> None:
    """A translation names the English version it was made from; check warns when the English moves on."""
    (tmp_path / "english.yaml").write_text(BASE, encoding="utf-8")
    translated = variant(
        (
            "  other_formats:",
            '  translated_from: {file: english.yaml, version: "1.0", date: 2026-01-10}\n  other_formats:',
        )
    )
    assert check(translated).of("trust/translation-behind") == []

    (tmp_path / "english.yaml").write_text(variant(('version: "1.0"', 'version: "1.1"')), encoding="utf-8")
    (found,) = check(translated).of("trust/translation-behind")
    assert_at(found, translated, "{file: english.yaml", level="warning", rule="trust/translation-behind")
    assert "version 1.0 of english.yaml, but the English is now version 1.1" in found["message"]

    (tmp_path / "english.yaml").write_text(
        variant(("published: 2026-01-10", "published: 2026-02-01")), encoding="utf-8"
    )
    (found,) = check(translated).of("trust/translation-behind")
    assert "published again on 2026-02-01" in found["message"]

    (tmp_path / "english.yaml").write_text(variant(('  version: "1.0"\n', "")), encoding="utf-8")
    (found,) = check(translated).of("trust/translation-behind")
    assert "but the English is now without a version (published" in found["message"]  # not "version None"

    (tmp_path / "english.yaml").unlink()
    (found,) = check(translated).of("trust/translation-behind")
    assert "cannot be read" in found["message"]


# ---------------------------------------------------------------- real pages: what editors write


def test_no_version_or_review_date(check: Check) -> None:
    bad = variant(('  version: "1.0"\n', ""), ("  next_review: 2027-01-10\n", ""))
    result = check(bad)
    assert result.rc == 0
    assert [f["rule"] for f in result.findings] == ["trust/no-review-date", "trust/no-version"]
    for finding in result.findings:
        assert_at(finding, bad, METADATA_AT, level="warning", rule=finding["rule"])
    assert "add next_review:" in result.findings[0]["message"]
    # A month is a date: the review rules count from its first day.
    month = variant(("  next_review: 2027-01-10\n", "  next_review: 2026-04\n"))
    assert [f["rule"] for f in check(month).findings] == ["trust/review-date-near"]


def test_a_list_item_without_a_full_stop_is_a_sentence_of_its_own(check: Check) -> None:
    # Twelve short items with no full stop: read as one sentence they would be 60 words long.
    items = [
        f"Take the small blue {n} tablet" for n in ("red", "green", "pink", "grey", "brown", "black")
    ] * 2
    text = variant(
        (
            "references:",
            "  - heading: Tablets\n    content:\n      - bullets:\n"
            + "".join(f"          - {i}\n" for i in items)
            + "references:",
        )
    )
    result = check(text)
    assert result.of("plain/reading-age") == [] and result.of("plain/long-sentence") == []
    assert result.findings == []


def test_repeated_sub_headings_under_different_sections_are_not_duplicates(check: Check) -> None:
    def medicine(name: str) -> str:
        return (
            f"  - heading: {name}\n    content: [About {name}.]\n    sections:\n"
            f"      - heading: Side effects\n        content: [Some people feel sick.]\n"
            f"      - heading: Dose\n        content: [One a day.]\n"
        )

    good = variant(("references:", medicine("Aspirin") + medicine("Paracetamol") + "references:"))
    assert check(good).findings == []
    # Twice under one section, they are still two headings a reader cannot tell apart.
    twice = good.replace("      - heading: Dose\n", "      - heading: side effects\n", 1)
    found = check(twice).of("structure/duplicate-heading")
    assert len(found) == 1 and "'side effects' is used twice" in found[0]["message"]
    assert_at(found[0], twice, "heading: side effects", level="warning", rule="structure/duplicate-heading")


def test_an_own_about_this_leaflet_section(check: Check) -> None:
    bad = variant(
        ("references:", _section("About this leaflet", ["Written by the clinic team."]) + "references:")
    )
    result = check(bad)
    finding = result.only("structure/own-about")
    assert_at(finding, bad, "heading: About this leaflet", level="warning", rule="structure/own-about")
    assert "put these details in metadata" in finding["message"]
    good = variant(("references:", _section("About your operation", ["It takes an hour."]) + "references:"))
    assert check(good).findings == []


def test_a_further_reading_note_with_an_address_answers_for_its_lines(check: Check) -> None:
    lines = "further_reading:\n  - Read more about foot care.\nreferences:"
    bare = variant(("references:", lines))
    assert [f["rule"] for f in check(bare).findings] == ["links/no-address"]
    noted = variant(
        ("references:", "further_reading_note: 'On [our website](https://example.org/).'\n" + lines)
    )
    assert check(noted).findings == []


def test_a_next_steps_panel_gives_contact_and_feedback(check: Check) -> None:
    bare = variant(
        ("  contact: Call the clinic on 0300 123 4567.\n", ""),
        ("  feedback: Tell us what you think at the clinic desk.\n", ""),
    )
    assert [f["rule"] for f in check(bare).findings] == ["trust/contact", "trust/feedback"]
    panel = variant(
        (
            "references:",
            "next_steps:\n  heading: Who can help\n  content:\n"
            "    - 'Call the MS Helpline: [0808 800 8000](tel:08088008000).'\n"
            "    - Tell us what you think of this leaflet.\nreferences:",
        ),
        base=bare,
    )
    assert check(panel).findings == []
    # A number or an email address written in the panel's words is a way to reach someone too.
    for number in ("0808 800 8000", "(0808) 800 8000", "0808-800-8000"):
        written = variant(("[0808 800 8000](tel:08088008000)", f"{number}, free"), base=panel)
        assert check(written).findings == [], number


def test_a_review_due_in_a_month_is_due_by_its_last_day(check: Check) -> None:
    # next_review: 2027-01 was read as 1 January 2027, and had "passed" in the middle of January.
    month = variant(("next_review: 2027-01-10", "next_review: 2027-01"))
    assert check(month, today="2027-01-31").of("trust/review-date-passed") == []
    near = check(month, today="2027-01-15").only("trust/review-date-near")
    assert "the review date 2027-01 is less than 3 months away" in near["message"]
    passed = check(month, today="2027-02-01").only("trust/review-date-passed")
    assert_at(passed, month, "2027-01", level="error", rule="trust/review-date-passed")
    assert "the review date 2027-01 has passed" in passed["message"]


# ---------------------------------------------------------------- the web page (more in tests/web/test_check_web.py)


def test_web_page_heading_outline() -> None:
    from leaflet.checks.registry import CheckContext
    from leaflet.checks.web import heading_outline

    leaflet = load_leaflet(ROOT / "tests" / "data" / "hard.yaml")
    page = "<h1>T</h1><h2 id='lists-inside-lists'>Lists</h2><h4 id='a-third-level-heading'>Deep</h4>"
    found = list(heading_outline(CheckContext(leaflet, date(2026, 11, 29), web=page), {}))
    third = next(s for s in leaflet.all_sections() if s.anchor == "a-third-level-heading")
    assert found == [(third.location, "on the web page, heading 'Deep' is level 4 after level 2")]


def test_web_page_link_words() -> None:
    from leaflet.checks.registry import CheckContext
    from leaflet.checks.web import link_text

    leaflet = load_leaflet(ROOT / "tests" / "data" / "hard.yaml")
    page = '<a href="https://example.org/page"></a> <a href="#x">read more</a> <a href="#y">References</a>'
    found = [m for _, m in link_text(CheckContext(leaflet, date(2026, 11, 29), web=page), {})]
    assert len(found) == 2 and "no words" in found[0] and "“read more”" in found[1]


def test_translation_incomplete(check: Check, tmp_path: Path) -> None:
    """An English part without its partner in the translation is reported where the English writes it."""
    english = variant(
        (
            "      - Hello world [@ref-one].\n",
            "      - Hello world [@ref-one].\n      - A second paragraph.\n",
        )
    )
    (tmp_path / "english.yaml").write_text(english, encoding="utf-8")
    translated = variant(
        ("  other_formats:", '  translated_from: {file: english.yaml, version: "1.0"}\n  other_formats:')
    )
    (found,) = check(translated).of("trust/translation-incomplete")
    line, column = position(english, "A second paragraph.")
    assert (found["file"], found["line"], found["column"]) == ("english.yaml", line, column)
    assert "has no partner in the translation's section 'First'" in found["message"]
    (tmp_path / "english.yaml").write_text(BASE, encoding="utf-8")
    assert check(translated).of("trust/translation-incomplete") == []


def test_bilingual_partner(check: Check, tmp_path: Path) -> None:
    """A block of a bilingual leaflet without its partner is reported where it is written, in its own file."""
    langs = ROOT / "tests" / "data" / "langs"
    welsh = (langs / "cy-en.yaml").read_text("utf-8").replace("partner: en-cy.yaml", "partner: english.yaml")
    english = (langs / "en-cy.yaml").read_text("utf-8")
    (tmp_path / "english.yaml").write_text(english, encoding="utf-8")
    assert check(welsh).of("trust/bilingual-partner") == []
    # An English paragraph with no Welsh partner: reported in the English file, at its line and column.
    lonely = "      - Your MS nurse can help you plan your day.\n"
    anchor = "      - Tell your doctor or nurse if tiredness stops you doing things you enjoy.\n"
    more = english.replace(anchor, lonely + anchor)
    (tmp_path / "english.yaml").write_text(more, encoding="utf-8")
    found = check(welsh)
    (finding,) = found.of("trust/bilingual-partner")
    line, column = position(more, "Your MS nurse can help")
    assert (finding["file"], finding["line"], finding["column"]) == ("english.yaml", line, column)
    assert finding["level"] == "error"
    assert "this English paragraph has no Welsh partner" in finding["message"]
    # The rest stay paired: the paragraphs after the lonely one are not reported.
    (tmp_path / "english.yaml").write_text(english, encoding="utf-8")
    # A Welsh list with no English partner: reported in the Welsh file.
    extra = "      - bullets:\n          - Cysgwch yn dda.\n"
    more_welsh = welsh.replace(
        "      - Ffoniwch y Llinell Gymorth MS am ddim",
        extra + "      - Ffoniwch y Llinell Gymorth MS am ddim",
    )
    (finding,) = check(more_welsh).of("trust/bilingual-partner")
    line, column = position(more_welsh, "- Cysgwch yn dda.")
    assert (finding["file"], finding["line"], finding["column"]) == (FILE, line, column)
    assert "this Welsh list has no English partner in english.yaml" in finding["message"]
    # A list whose English has an item more: the point is missing in Welsh.
    (tmp_path / "english.yaml").write_text(
        english.replace(
            "          - Drink enough **water**.\n",
            "          - Drink enough **water**.\n          - Rest.\n",
        ),
        encoding="utf-8",
    )
    (finding,) = check(welsh).of("trust/bilingual-partner")
    assert "this Welsh list has 3 items and its English partner in english.yaml has 4" in finding["message"]


def test_a_translations_english_is_read_once_for_every_rule_that_compares_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from leaflet.content import loader

    root = Path(__file__).resolve().parent / "data" / "langs"
    polish = loader.load_leaflet(root / "pl.yaml")
    read: list[str] = []
    real = loader.load_leaflet

    def counted(path: object) -> object:
        read.append(str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_leaflet", counted)
    findings = run_checks(polish, today=date(2026, 11, 29), advice=False)
    assert [Path(p).name for p in read] == ["en.yaml"]
    # Both rules still compare: the versions agree and every part is translated, so neither finds anything.
    assert not [f for f in findings if f.rule in ("trust/translation-behind", "trust/translation-incomplete")]
