"""Random leaflets the format accepts make web pages whose outline and words are the leaflet's.

The same random documents as tests/test_properties.py, rendered to HTML only (no PDF,
so this stays quick) and read back with html5lib.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings

from leaflet.content.loader import load_leaflet
from leaflet.content.model import Paragraph, plain_text
from leaflet.errors import LeafletError
from leaflet.web.page import render_page
from tests.test_properties import documents, words_of
from tests.web.html import outline, parse, text_of


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(document=documents())
def test_random_leaflets_make_pages_with_their_outline_and_words(document: dict, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("webprop") / "random.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        leaflet = load_leaflet(path)
    except LeafletError:
        return  # refused cleanly: tests/test_properties.py checks how
    root = parse(render_page(leaflet, "assets/x.css"))
    assert not list(root.iter("script"))
    headings = [(level, words_of(text)) for level, text in outline(root)]
    expected = [(s.level, words_of(s.heading)) for s in leaflet.all_sections()]
    assert headings[0] == (1, words_of(leaflet.metadata.title))
    assert headings[2 : 2 + len(expected)] == expected
    body = words_of(text_of(root.find("body")))
    position = 0
    for block in leaflet.introduction:
        if isinstance(block, Paragraph):
            words = words_of(plain_text(block.inlines))
            found = body.find(words, position)
            assert found >= 0, words
            position = found + len(words)
