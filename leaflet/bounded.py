"""Bounded stores for what a process remembers, and keys that hold their objects.

Used by every stage that keeps something between passes or builds (the loader's parsed
markup, the layout's line breaks and paginations, the PDF writer's compressed streams, the
checks' findings): each store keeps its most recent entries only, and a key never stands for
an object by an `id()` that a freed object could pass on to another.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class Bounded(Generic[V]):
    """A dictionary that forgets its least recently used entries beyond `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def pop(self, key: Hashable) -> V | None:
        return self._items.pop(key, None)

    def items(self) -> list[tuple[Hashable, V]]:
        return list(self._items.items())

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Held:
    """An object in a key by identity, held (so its identity cannot pass to another object)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Held) and other.obj is self.obj
