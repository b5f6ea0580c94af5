"""The inline markup parser: a text with no markup character takes a shortcut that must give
exactly what the full parse gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from leaflet.content.inline import InlineContext, _parse_marked, parse_inline
from leaflet.errors import Location, Problem
from leaflet.yamlsource import read_yaml
from tests.conftest import ROOT

CTX = InlineContext({"nice": 1}, lambda word, choices: "", {"a-note": 1})


def place(offset: int) -> Location:
    return Location("page.yaml", 1, offset + 1)


def both(text: str) -> tuple[tuple, tuple, list[Problem], list[Problem]]:
    quick: list[Problem] = []
    full: list[Problem] = []
    return parse_inline(text, place, CTX, quick), _parse_marked(text, place, CTX, full), quick, full


# Words, white space of every kind (line folds, tabs, no-break and ideographic spaces), accents to
# compose, brackets and punctuation that are not markup.
PLAIN = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\\[]*"),
        st.sampled_from(" \n\t\u00a0\u3000\u0301e()!&<>"),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(PLAIN)
def test_a_text_without_markup_parses_as_the_full_parser_parses_it(text: str) -> None:
    quick, full, quick_problems, full_problems = both(text)
    assert quick == full
    assert quick_problems == full_problems == []


def test_the_shortcut_is_taken_only_without_markup_characters() -> None:
    for text in ("a **b**", "[@nice]", "[^a-note]", "a \\* b", "a ](x)", "[x](https://e.org)", "x] (y"):
        quick, full, quick_problems, full_problems = both(text)
        assert quick == full and quick_problems == full_problems, text


def test_every_text_of_the_leaflet_parses_as_before() -> None:
    """Every string of content.yaml, as written (markup and all)."""

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    written = strings(read_yaml(ROOT / "content.yaml").data)
    assert len(written) > 60 and any("[@" in t for t in written)
    for text in written:
        quick, full, quick_problems, full_problems = both(text)
        assert quick == full and quick_problems == full_problems, text
