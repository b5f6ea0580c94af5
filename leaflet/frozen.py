"""`@frozen`: a frozen dataclass whose comparison, hash and printed form are shared by every class.

`dataclasses.dataclass` writes the source of each method it adds to a class and compiles it
with `exec`: `__init__`, `__repr__`, `__eq__` and `__hash__`, and for a frozen class
`__setattr__` and `__delattr__`. That is about a millisecond a class, and the tool has some
seventy of them: a sixth of a cold start went on compiling them. `frozen` gives a class
`__eq__`, `__hash__` and `__repr__` written once here, which compare, hash and show the same
fields in the same way as the ones `dataclass` of the running Python would write (its rule for
`==` changed in 3.13, and both are followed; tests/test_frozen.py holds every class of the
package to that). `dataclass` is told not to write those three (`eq=False,
repr=False`: it would compile them even for a class that has its own) and keeps the
`__hash__` a class has (its documented rule); it writes the others, `__init__` among them, as
it always does. The class is a frozen dataclass in every other respect: `fields`, `replace`,
`asdict` and `FrozenInstanceError`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields named, as one tuple (as `dataclass`'s methods put them)."""
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


if sys.version_info < (3, 13):

    def _eq(self: Any, other: object) -> Any:
        # dataclass up to Python 3.12: the compared fields as two tuples.
        if other.__class__ is self.__class__:
            compared = self.__class__.__frozen_compared__
            return compared(self) == compared(other)
        return NotImplemented

else:

    def _eq(self: Any, other: object) -> Any:
        # dataclass from Python 3.13: the same object is equal; else field by field, as `and` does.
        if self is other:
            return True
        if other.__class__ is self.__class__:
            result: Any = True
            for mine, theirs in zip(
                self.__class__.__frozen_compared__(self),
                self.__class__.__frozen_compared__(other),
                strict=True,
            ):
                result = mine == theirs
                if not result:
                    return result
            return result
        return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__class__.__frozen_hashed__(self))


@recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__class__.__frozen_shown__)
    return f"{self.__class__.__qualname__}({shown})"


@dataclass_transform(frozen_default=True)
def frozen(cls: type[T] | None = None, /, *, slots: bool = False) -> Any:
    """`@dataclass(frozen=True, slots=slots)`, with the shared `__eq__`, `__hash__` and `__repr__`."""

    def wrap(cls: type[T]) -> type[T]:
        own = {"__eq__", "__hash__", "__repr__"} & set(cls.__dict__)
        if own:
            raise TypeError(f"{cls.__qualname__} defines {', '.join(sorted(own))}: use @dataclass")
        cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
        cls.__hash__ = _hash  # type: ignore[assignment,method-assign]
        cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
        made = dataclasses.dataclass(frozen=True, slots=slots, eq=False, repr=False)(cls)
        fields = dataclasses.fields(made)  # type: ignore[arg-type]
        made.__frozen_compared__ = _values(tuple(f.name for f in fields if f.compare))  # type: ignore[attr-defined]
        made.__frozen_hashed__ = _values(  # type: ignore[attr-defined]
            tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        )
        made.__frozen_shown__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
        return made

    return wrap if cls is None else wrap(cls)
