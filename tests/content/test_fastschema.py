"""The shipped quick validator and jsonschema agree, so a valid file never skips a problem."""

from __future__ import annotations

import copy
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from leaflet.content import fastschema
from leaflet.content.loader import schema
from leaflet.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[2]
BASES = [ROOT / "content.yaml", *sorted((ROOT / "tests" / "data").glob("*.yaml"))]

#: Values a mutation may put anywhere: each kind the schema tells apart, and near misses of its patterns.
VALUES: list[Any] = [
    None, 0, 1, -1, 1.5, True, False, "", " ", "x", "Some words", [], {}, ["x"], {"x": 1},
    "2026-02-30", "2026-13-01", "2026-01-01", "26 Jan 2026", "https://example.invalid/a",
    "http://", "mailto:a@example.invalid", "tel:+44 20 7946 0000", "tel:call us",
    "10.1000/xyz", "10.x", "en-GB", "EN", "cy", "english", "a-b", "A B", "-a", "standard",
    "booklet", "note", "warning", "bullet", "numbered", "off", "on",
]  # fmt: skip


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def _near_miss(value: Any, rng: random.Random) -> Any:
    """A value of the same kind, changed a little: what an author's slip looks like."""
    if isinstance(value, str):
        return rng.choice(["", " ", "\n", value + " ", " " + value, value.upper(), value[:-1], value + "-"])
    if isinstance(value, list):
        return rng.choice([[], value[:1], value + value[:1], [*value, None]])
    if isinstance(value, dict):
        return {}
    return rng.choice([None, str(value), -1, 0, 2.5, not value])


def _pick_path(doc: Any, rng: random.Random) -> tuple:
    """A place in the document, every depth as likely as another (the root and metadata included)."""
    by_depth: dict[int, list[tuple]] = {}
    for path in _paths(doc):
        by_depth.setdefault(len(path), []).append(path)
    return rng.choice(by_depth[rng.choice(list(by_depth))])


def mutate(doc: Any, rng: random.Random) -> Any:
    """One to three random edits of a real leaflet: keys removed or added, values swapped, lists changed."""
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        path = _pick_path(doc, rng)
        target = _get(doc, path)
        kind = rng.randrange(6)
        if kind == 5 and path:  # a slip of the same kind
            _get(doc, path[:-1])[path[-1]] = _near_miss(target, rng)
        elif kind == 0 and path:  # replace the value
            parent = _get(doc, path[:-1])
            parent[path[-1]] = copy.deepcopy(rng.choice(VALUES))
        elif kind == 1 and isinstance(target, dict) and target:  # drop a key
            del target[rng.choice(list(target))]
        elif kind == 2 and isinstance(target, dict):  # add a key, known elsewhere or not
            key = rng.choice(["extra", "text", "items", "kind", "label", "title", "id", "url", "level"])
            target[key] = copy.deepcopy(rng.choice(VALUES))
        elif kind == 3 and isinstance(target, list) and target:  # repeat or empty a list
            if rng.random() < 0.5:
                target.append(copy.deepcopy(rng.choice(target)))
            else:
                target.clear()
        elif kind == 4 and path:  # move a value elsewhere in the document
            other = _get(doc, _pick_path(doc, rng))
            parent = _get(doc, path[:-1])
            parent[path[-1]] = copy.deepcopy(other)
    return doc


def test_the_quick_validator_and_jsonschema_agree_on_mutated_leaflets() -> None:
    full = Draft202012Validator(schema())
    bases = [read_yaml(p).data for p in BASES]
    rng = random.Random(13)
    verdicts = {True: 0, False: 0}
    for i in range(250):
        doc = bases[i % len(bases)] if i < len(bases) else mutate(rng.choice(bases), rng)
        expected = full.is_valid(doc)
        assert fastschema.is_valid(doc) is expected, f"disagreement on document {i}"
        verdicts[expected] += 1
    # Both kinds of answer were exercised, not only the easy one.
    assert verdicts[True] >= 25 and verdicts[False] >= 100, verdicts


def test_the_shipped_validator_was_made_from_this_schema() -> None:
    made_from = fastschema._shipped()
    assert made_from is not None, "schema.json changed: run `python -m leaflet.content.fastschema`"
    regenerated = fastschema.generate()
    shipped = fastschema.CODE_FILE.read_text("utf-8")
    strip = lambda text: [line for line in text.splitlines() if not line.startswith("GENERATOR")]  # noqa: E731
    assert strip(regenerated) == strip(shipped)


def test_a_validator_made_from_another_schema_is_not_used() -> None:
    """An edited schema.json with a stale generated file: jsonschema answers, never the old code."""
    code = """
import sys
from leaflet.content import fastschema
fastschema.schema_bytes = lambda: b'{"type": "object"}'
print(fastschema.is_valid({}), "jsonschema" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["None", "False"]


def test_loading_a_valid_leaflet_does_not_import_jsonschema() -> None:
    code = f"""
import sys
from leaflet.content.loader import load_leaflet
load_leaflet({str(ROOT / "content.yaml")!r})
print("jsonschema" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
