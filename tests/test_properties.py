"""Random leaflets the format accepts: each builds a readable, well-tagged PDF, or fails cleanly.

Hypothesis writes content documents (odd Unicode, very long words and addresses,
empty and huge sections, deep lists, callouts that meet page breaks, dozens of
references). Each one must either build a PDF whose headings and words read back
in order, with a sound structure tree, or raise the project's own LeafletError,
every problem with a place in the file. Never a traceback, never a hang.
Examples that once broke the tool are kept below as regression tests.
"""

from __future__ import annotations

import unicodedata
from io import BytesIO
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from leaflet.build import render_pdf
from leaflet.content.loader import load_leaflet
from leaflet.errors import LeafletError
from leaflet.style import load_theme
from tests.pdf.reader import read_tree, walk_page

THEME = load_theme("default")

# Mostly what an editor types (the text font draws it), sometimes anything at all.
EVERYDAY = st.characters(min_codepoint=0x20, max_codepoint=0x17F, blacklist_categories=("Cs", "Cc"))
ANYTHING = st.characters(blacklist_categories=("Cs",))
WORD = st.one_of(
    st.text(EVERYDAY, min_size=1, max_size=12),
    st.text(EVERYDAY, min_size=60, max_size=400),  # wider than the column: must wrap, not fail
    st.text(ANYTHING, min_size=1, max_size=6),
)
SENTENCE = st.lists(WORD, min_size=1, max_size=40).map(" ".join).filter(lambda t: t.strip() != "")
ADDRESS = st.builds(
    lambda path: "https://example.org/" + path,
    st.text(st.characters(whitelist_categories=("Ll", "Nd"), max_codepoint=0x7A), min_size=0, max_size=300),
)


def list_items(depth: int) -> st.SearchStrategy[list]:
    item = (
        SENTENCE
        if depth >= 4
        else st.one_of(
            SENTENCE,
            st.fixed_dictionaries({"text": SENTENCE, "bullets": st.deferred(lambda: list_items(depth + 1))}),
            st.fixed_dictionaries({"text": SENTENCE, "numbered": st.deferred(lambda: list_items(depth + 1))}),
        )
    )
    return st.lists(item, min_size=1, max_size=5)


def blocks(ref_ids: list[str]) -> st.SearchStrategy[list]:
    choices = [
        SENTENCE,
        st.fixed_dictionaries({"bullets": list_items(1)}),
        st.fixed_dictionaries({"numbered": list_items(1)}),
    ]
    if ref_ids:
        quote = st.fixed_dictionaries(
            {
                "text": st.lists(SENTENCE, min_size=1, max_size=8).map(" ".join),
                "who": SENTENCE,
                "source": st.sampled_from(ref_ids),
            }
        )
        choices.append(
            st.fixed_dictionaries(
                {
                    "callout": st.fixed_dictionaries(
                        {"label": SENTENCE, "quotes": st.lists(quote, min_size=1, max_size=4)}
                    )
                }
            )
        )
    return st.lists(st.one_of(*choices), min_size=0, max_size=12)


@st.composite
def documents(draw: st.DrawFn) -> dict:
    ref_ids = [f"ref-{i}" for i in range(draw(st.integers(0, 40)))]
    references = [{"id": rid, "title": draw(SENTENCE), "url": draw(ADDRESS)} for rid in ref_ids]
    sections = []
    for _ in range(draw(st.integers(1, 8))):
        section = {"heading": draw(SENTENCE), "content": draw(blocks(ref_ids))}
        if draw(st.booleans()):
            section["sections"] = [
                {"heading": draw(SENTENCE), "content": draw(blocks(ref_ids))}
                for _ in range(draw(st.integers(1, 3)))
            ]
        sections.append(section)
    return {
        "metadata": {
            "title": draw(SENTENCE),
            "slug": "random",
            "language": "en-GB",
            "organisation": draw(SENTENCE),
            "version": "1",
            "published": "2026-01-01",
            "next_review": "2027-01-01",
        },
        "introduction": draw(blocks(ref_ids)),
        "sections": sections,
        "further_reading": draw(st.lists(SENTENCE, max_size=5)),
        "references": references,
    }


def words_of(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def check_document(document: dict, folder: Path) -> None:
    path = folder / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        leaflet = load_leaflet(path)
        data = render_pdf(leaflet, THEME)
    except LeafletError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.file.endswith("random.yaml"), problem
            assert problem.location.line >= 1, problem
        return
    reader = PdfReader(BytesIO(data))
    marks = {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}
    for number, page_marks in marks.items():
        assert page_marks.problems == [], (number, page_marks.problems[:3])
    tree = read_tree(reader)
    headings = [words_of(e.text(marks)) for _, e in tree.walk() if e.role in ("H2", "H3")]
    expected = [words_of(s.heading) for s in leaflet.all_sections()]
    position = 0
    for heading in expected:  # every section heading, in order (after the contents list's own)
        assert heading in headings[position:], heading
        position = headings.index(heading, position) + 1


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(document=documents())
@example(  # a word far wider than the column, in a heading and in a list item
    document={
        "metadata": {
            "title": "x" * 300,
            "slug": "random",
            "language": "en-GB",
            "organisation": "O",
            "version": "1",
            "published": "2026-01-01",
            "next_review": "2027-01-01",
        },
        "sections": [
            {"heading": "y" * 400, "content": [{"bullets": [{"text": "z" * 500, "numbered": ["w" * 300]}]}]}
        ],
        "references": [{"id": "a", "title": "t", "url": "https://example.org/" + "p" * 400}],
    }
)
@example(  # a references panel over two pages: its second part must be free to move to a new page
    document={
        "metadata": {
            "title": "0",
            "slug": "random",
            "language": "en-GB",
            "organisation": "0",
            "version": "1",
            "published": "2026-01-01",
            "next_review": "2027-01-01",
        },
        "sections": [{"heading": "0", "content": []}],
        "references": [{"id": f"ref-{i}", "title": "0", "url": "https://example.org/"} for i in range(40)],
    }
)
def test_random_leaflets_build_or_fail_cleanly(document: dict, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    check_document(document, tmp_path_factory.mktemp("prop"))
