"""Reading a web page back as a browser's parser does (html5lib), for the tests."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def parse(path_or_text: Path | str) -> Element:
    text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def text_of(elem: Element, hidden: bool = False) -> str:
    """The words of an element as they are seen (visually hidden words left out unless asked)."""
    parts: list[str] = []

    def walk(e: Element) -> None:
        if not hidden and "visually-hidden" in (e.get("class") or "").split():
            if e.tail:
                parts.append(e.tail)
            return
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
        if e is not elem and e.tail:
            parts.append(e.tail)

    walk(elem)
    return words("".join(parts))


def outline(root: Element) -> list[tuple[int, str]]:
    """(level, words) of every heading, in document order."""
    return [(int(e.tag[1]), text_of(e)) for e in root.iter() if e.tag in HEADINGS]


def find(root: Element, tag: str, **attrs: str) -> list[Element]:
    return [e for e in root.iter(tag) if all(e.get(k.rstrip("_")) == v for k, v in attrs.items())]


def with_class(root: Element, name: str) -> list[Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]
