"""Leaflets of known shapes for the bench, made on the fly (never committed as files).

- `scaled_ccsvi(k)`: content.yaml with its sections k times over (headings numbered), to
  show that time per page stays flat as a leaflet grows.
- `guide()`: a long guide of about 5,000 words in 14 sections with subsections, lists and
  callouts, the shape of a charity's "living with" booklet. Its sentences are put together
  from short phrases written for this bench, so no real page's words are copied.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.yaml"


def _dump(data: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    return path


def scaled_ccsvi(k: int, folder: Path) -> Path:
    """content.yaml with the words of every section k times over (the same sections and contents panel)."""
    data = yaml.safe_load(CONTENT.read_text("utf-8"))
    for section in data["sections"]:
        section["content"] = [copy.deepcopy(block) for _ in range(k) for block in section.get("content", [])]
    data.pop("editions", None)
    data["metadata"]["slug"] = f"ccsvi-x{k}"
    return _dump(data, folder / f"ccsvi-x{k}.yaml")


_TOPICS = [
    "fatigue", "sleep", "walking", "balance", "eyesight", "bladder health", "mood", "memory",
    "work", "money", "travel", "exercise", "eating well",
]  # fmt: skip
_OPENERS = [
    "Many people find that", "It often helps to remember that", "Your nurse can explain how",
    "Over time you may notice that", "Some people say that", "It is worth knowing that",
    "On a good day", "When things are harder", "If you are unsure, ask how", "Family and friends may see that",
]  # fmt: skip
_MIDDLES = [
    "{t} changes from week to week", "small changes to your routine make {t} easier to manage",
    "{t} is affected by heat, stress and other illnesses", "planning ahead takes some pressure off {t}",
    "a diary of {t} shows patterns you might otherwise miss", "{t} is something to raise at your next review",
    "support for {t} is available through your health team", "{t} can improve with the right help",
    "talking about {t} early makes it easier to get support", "rest and pacing both play a part in {t}",
]  # fmt: skip
_ENDINGS = [
    "and that is normal.", "so be kind to yourself.", "and there is no single right answer.",
    "which is why a plan helps.", "so keep a note of what works.", "and your team will listen.",
    "even if it takes a while to notice.", "and it is fine to ask again.",
]  # fmt: skip
_TIPS = [
    "Write down your questions before an appointment", "Break big jobs into smaller steps",
    "Keep a glass of water within reach", "Plan the hardest task for your best time of day",
    "Ask for a copy of any letters about your care", "Tell someone you trust how you are feeling",
    "Use a timer to remind you to rest", "Check what your employer can change for you",
]  # fmt: skip


def _sentence(rng: random.Random, topic: str) -> str:
    return f"{rng.choice(_OPENERS)} {rng.choice(_MIDDLES).format(t=topic)}, {rng.choice(_ENDINGS)}"


def _paragraph(rng: random.Random, topic: str, sentences: int) -> str:
    return " ".join(_sentence(rng, topic) for _ in range(sentences))


def guide(folder: Path) -> Path:
    """A long guide of about 5,000 words, with the metadata of content.yaml and a title of its own."""
    rng = random.Random(5000)
    base = yaml.safe_load(CONTENT.read_text("utf-8"))
    metadata = {
        **base["metadata"],
        "title": "Living well with MS: a guide to everyday life",
        "slug": "living-well-guide",
    }
    sections = []
    for topic in _TOPICS:
        section: dict[str, Any] = {
            "heading": f"Living with changes in {topic}",
            "content": [_paragraph(rng, topic, 3), _paragraph(rng, topic, 2)],
            "sections": [],
        }
        for part in ("What you might notice", "What can help"):
            section["sections"].append(
                {
                    "heading": part,
                    "content": [
                        _paragraph(rng, topic, 3),
                        {"bullets": [f"{rng.choice(_TIPS)}." for _ in range(4)]},
                        _paragraph(rng, topic, 2),
                    ],
                }
            )
        sections.append(section)
    data = {
        "metadata": metadata,
        "introduction": [_paragraph(rng, "everyday life", 4)],
        "sections": sections,
        "references": base["references"],
    }
    return _dump(data, folder / "living-well-guide.yaml")


def word_count(path: Path) -> int:
    data = yaml.safe_load(path.read_text("utf-8"))
    total = 0

    def walk(node: Any) -> None:
        nonlocal total
        if isinstance(node, str):
            total += len(node.split())
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("metadata", "references"):
                    walk(value)

    walk(data)
    return total
