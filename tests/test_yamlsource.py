"""The YAML reader: where values were written, and nothing kept from one file to the next."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import yaml

from leaflet.content.loader import load_leaflet
from leaflet.errors import ContentError
from leaflet.yamlsource import parse_yaml
from tests.conftest import metadata_block


def live_nodes() -> int:
    gc.collect()
    return sum(isinstance(o, yaml.nodes.Node) for o in gc.get_objects())


def test_reading_files_keeps_none_of_their_nodes() -> None:
    text = "a: 1\nb: 2.5\nc: true\nd: null\ne: [1, 2, 3]\nf: words\n"
    parse_yaml(text, "warm.yaml")
    before = live_nodes()
    for i in range(300):
        parse_yaml(text + f"g: {i}\n", "many.yaml")
    assert live_nodes() - before < 20


@pytest.mark.parametrize("indicator", ["|", ">", "|-  # a comment"])
@pytest.mark.parametrize("indent", [10, 50, 90])
def test_columns_inside_block_scalars_at_any_indentation(tmp_path: Path, indicator: str, indent: int) -> None:
    pad = " " * indent
    text = (
        metadata_block("Deep", "deep")
        + f"sections:\n  - heading: H\n    content:\n      - paragraph: {indicator}\n"
        + f"{pad}First line of words.\n{pad}See [@nope] here.\nreferences: []\n"
    )
    path = tmp_path / "deep.yaml"
    path.write_text(text, "utf-8")
    line = text.splitlines().index(f"{pad}See [@nope] here.") + 1
    with pytest.raises(ContentError) as err:
        load_leaflet(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:{line}:{indent + 5}: error: citation [@nope] names no reference"
    ]
