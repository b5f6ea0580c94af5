"""The YAML reader: where values were written, and nothing kept from one file to the next."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import yaml

from leaflet import yamlsource
from leaflet.content.loader import load_leaflet
from leaflet.errors import ContentError
from leaflet.yamlsource import YamlDocument, YamlProblem, parse_yaml
from tests.conftest import metadata_block

ROOT = Path(__file__).resolve().parent.parent


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


def _walk_each_character(src: object) -> list[int]:
    """The character-by-character walk leaflet.written._map made before it took words whole (the reference)."""
    from leaflet.written import _BLANK, _ESCAPE_LENGTH, _LOOK_AHEAD

    raw, value, style = src.raw, src.value, src.style  # type: ignore[attr-defined]
    n, j = len(raw), 0
    if style in ("|", ">"):
        newline = raw.find("\n")
        j = newline + 1 if newline >= 0 else n
    indices = []
    for ch in value:
        if style == '"' and raw.startswith("\\", j):
            k, step = j, _ESCAPE_LENGTH.get(raw[j + 1 : j + 2], 2)
        elif raw.startswith(ch, j):
            k, step = j, 1
        elif ch.isspace() and j < n and raw[j] in _BLANK:
            k, step = j, 1
            while k + step < n and raw[k + step] in _BLANK:
                step += 1
        else:
            k = j
            while k < n and raw[k] in _BLANK:
                k += 1
            if not raw.startswith(ch, k):
                found = raw.find(ch, j, j + _LOOK_AHEAD)
                k = found if found >= 0 else j
            step = 1
        indices.append(k)
        j = k + step
    return indices


TRICKY = r"""
plain: Words over
  two lines,  with  double spaces
quoted: "An \"escaped\" quote, a tab\there, \u00e9 and \x41 and
  a folded line \
  continued"
single: 'It''s doubled, and
    folded'
folded: >
  A folded block
  of text, kept
literal: |2
    Indented more
  than the header says
"""


def test_each_character_is_placed_where_the_character_walk_places_it() -> None:
    # leaflet/written.py takes runs of a value written as they read at once; every character
    # must land where the one-character-at-a-time walk puts it, in every scalar style.
    from leaflet.written import _map

    root = Path(__file__).resolve().parent.parent
    texts = [TRICKY] + [
        p.read_text("utf-8") for p in [root / "content.yaml", *sorted(root.glob("tests/data/**/*.yaml"))]
    ]
    checked = 0
    for text in texts:
        for src in parse_yaml(text, "t.yaml").scalars.values():
            assert list(_map(src)[0]) == _walk_each_character(src), src
            checked += 1
    assert checked > 900
    # A long word the file writes otherwise (an escape first, a folded line): still each
    # character where the walk puts it, and found in one pass over the word.
    from leaflet.written import ScalarSource

    for raw, value, style in (
        ('"\\x41' + "b" * 20_000 + '"', "A" + "b" * 20_000, '"'),
        ("a\n  " + "c" * 20_000, "a " + "c" * 20_000, ""),
    ):
        src = ScalarSource(1, 1, style, raw, value)
        assert list(_map(src)[0]) == _walk_each_character(src)


def test_the_shortcut_for_text_written_as_it_reads_places_each_character_as_the_map_does() -> None:
    # ScalarSource.position answers without the map when the value's text up to the character is
    # written as is on the first line; every character of every scalar must land where the map puts it.
    from bisect import bisect_left

    from leaflet.written import ScalarSource, _map

    def by_map(src: ScalarSource, offset: int) -> tuple[int, int]:
        indices, breaks = _map(src)
        k = indices[offset] if 0 <= offset < len(indices) else len(src.raw)
        n = bisect_left(breaks, k)
        return (src.line, src.column + k) if n == 0 else (src.line + n, k - breaks[n - 1])

    root = Path(__file__).resolve().parent.parent
    texts = [TRICKY, 'a: \'It\'\'s\'\nb: "x\\\\y \\"z\\""\nc: "\\\\"\n'] + [
        p.read_text("utf-8") for p in [root / "content.yaml", *sorted(root.glob("tests/data/**/*.yaml"))]
    ]
    quick = 0
    for text in texts:
        for src in parse_yaml(text, "t.yaml").scalars.values():
            for offset in range(len(src.value) + 1):
                assert src.position(offset) == by_map(src, offset), (src, offset)
                quick += src.raw.startswith(src.value[: offset + 1], {"'": 1, '"': 1}.get(src.style, 0))
    assert quick > 1000  # the shortcut is taken, not only the map


# The one pass: a file as an editor writes it is read from LibYAML's events, as the nodes would give it.


def _typed(value: object) -> object:
    """`value` with each scalar's type beside it (1, 1.0 and True are equal, but not the same)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _by_nodes(text: str) -> YamlDocument:
    """The document as LibYAML's nodes give it (the reader used before the one pass)."""
    yamlsource._check_depth(text, "f.yaml")
    root = yamlsource._fast_compose(text)
    assert root is not False
    return yamlsource._document(root, text, "f.yaml")


def _same(one: YamlDocument, other: YamlDocument) -> None:
    assert _typed(one.data) == _typed(other.data)
    for table in ("values", "keys", "scalars"):
        mine, theirs = getattr(one, table), getattr(other, table)
        assert list(mine.items()) == list(theirs.items()), table  # the same places, in the same order


ODD_BUT_FINE = [
    "a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 2024-01-01\ng: 0x1f\nh: .inf\ni: yes\nj: \"x\\ty\"\n",
    "k: |\n  block\n  text\nl: >-\n  folded\n  text\nm: ''\nn:\n",
    "---\n",
    "",
    "# only a comment\n",
    "[1, [2, {a: b}], {}]\n",
    "- a\n- - b\n  - c\n-\n",
    "? a\n: b\n'quoted key': 1\n\"x\": [y]\n",
    "a:\n  b:\n    c: [d, e]\n  é: ü\n",
]


@pytest.mark.parametrize("text", ODD_BUT_FINE)
def test_one_pass_reads_what_the_nodes_give(text: str) -> None:
    one = yamlsource._one_pass(text, "f.yaml")
    assert one is not None
    _same(one, _by_nodes(text))


def test_one_pass_reads_every_yaml_file_of_the_project_as_the_nodes_give_it() -> None:
    files = [
        ROOT / "content.yaml",
        *sorted((ROOT / "tests").rglob("*.yaml")),
        *(ROOT / "leaflet").rglob("*.yaml"),
    ]
    read = 0
    for path in files:
        text = path.read_text("utf-8")
        one = yamlsource._one_pass(text, "f.yaml")
        if one is not None:
            _same(one, _by_nodes(text))
            read += 1
    assert read >= 20


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &x 1\nb: *x\n", "aliases (*name) are not allowed"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("<<: {a: 1}\n", "merge keys (<<) are not allowed"),
        ("[a]: b\n", "a key must be plain text"),
        ("a: " + "9" * 150 + "\n", "a number of 150 characters"),
        ("a: !!python/name:os.system x\n", "YAML tags such as"),
        ("a: " + "[" * 70 + "]" * 70 + "\n", "nested more than 64 deep"),
        ("a: [b\n", "YAML:"),
        ("a: 1\n---\nb: 2\n", "YAML:"),
        ("a: 0b_\n", "f.yaml:1:4: error: '0b_' is not a number YAML can read; put text in quotes"),
        ("a: [b]\nc: -0x__\n", "f.yaml:2:4: error: '-0x__' is not a number YAML can read"),
        ("a: [?&x a, *x]\n", "aliases (*name) are not allowed"),  # an anchor straight after a flow `?`
        ("{?&x key: 1, b: *x}\n", "aliases (*name) are not allowed"),
        ("a: =\n", "YAML tags such as 'tag:yaml.org,2002:value' are not allowed"),
    ],
)
def test_what_one_pass_leaves_is_read_and_refused_where_it_is_wrong(text: str, problem: str) -> None:
    assert yamlsource._one_pass(text, "f.yaml") is None
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text, "f.yaml")
    assert problem in str(caught.value)


def test_a_tag_yaml_knows_is_left_to_the_nodes_and_read() -> None:
    text = "a: !!str 1\nb: !!int '2'\n"
    assert yamlsource._one_pass(text, "f.yaml") is None
    assert _typed(parse_yaml(text, "f.yaml").data) == {"a": ("str", "1"), "b": ("int", 2)}
