"""The structure tree, and the only code that knows about marked content.

The layout builds StructElem objects from the content model (Document, H1,
P, L, LI, ...), hands each leaf flowable its element, and while drawing asks
for `tagging.text(canvas, elem)` or `tagging.artifact(canvas)`. Whether those
write marked content or nothing at all is decided here, so drawing code never
branches on whether the document is tagged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class StructElem:
    """One node of the logical structure: a role, its attributes and its children."""

    role: str
    parent: StructElem | None = None
    lang: str | None = None
    alt: str | None = None
    actual_text: str | None = None
    title: str | None = None
    kids: list[Any] = field(default_factory=list)

    def add(self, role: str, **attrs: Any) -> StructElem:
        child = StructElem(role, parent=self, **attrs)
        self.kids.append(child)
        return child

    def walk(self) -> Iterator[StructElem]:
        yield self
        for kid in self.kids:
            if isinstance(kid, StructElem):
                yield from kid.walk()


class Tagging:
    """Drawing-time hooks. This base class tags nothing (an untagged build)."""

    enabled = False

    @contextmanager
    def text(self, canvas: Any, elem: StructElem | None) -> Iterator[None]:
        yield

    @contextmanager
    def artifact(self, canvas: Any, kind: str = "Layout") -> Iterator[None]:
        yield

    def annotation(self, canvas: Any, annotation: Any) -> None:
        """A link annotation is about to be added to the current page."""
