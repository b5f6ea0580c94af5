"""The JSON Schema that editors' tools read: itself valid, and what content.yaml points at."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from leaflet.content.loader import schema
from leaflet.yamlsource import read_yaml
from tests.conftest import CONTENT, ROOT


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(schema())


def test_content_yaml_points_editors_at_the_schema_and_follows_it() -> None:
    first = CONTENT.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=leaflet/content/schema.json"
    assert (ROOT / "leaflet" / "content" / "schema.json").is_file()
    errors = list(Draft202012Validator(schema()).iter_errors(read_yaml(CONTENT).data))
    assert errors == []


def test_every_key_has_a_description_for_completion() -> None:
    missing = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if isinstance(value, dict) and "description" not in value and "$ref" not in value:
                    missing.append(f"{path}.{key}")
            for key, value in node.items():
                walk(value, f"{path}.{key}")

    walk(schema(), "")
    assert missing == []
