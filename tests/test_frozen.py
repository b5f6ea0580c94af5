"""`@frozen` classes compare, hash and print exactly as `dataclass` would have them do.

Every class of the package made with `@frozen` is held to a twin made by
`dataclasses.dataclass(frozen=True)` from the same fields (the same `compare`, `hash` and
`repr` flags): for the same values, the same `repr`, the same hash, and the same answer to
`==` against an equal instance, an instance differing in each field in turn, and an object of
another class.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Any

import pytest

import leaflet
from leaflet.frozen import _repr, frozen


def frozen_classes() -> list[type]:
    found: dict[str, type] = {}
    for module in pkgutil.walk_packages(leaflet.__path__, "leaflet."):
        if module.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and value.__dict__.get("__repr__") is _repr:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


CLASSES = frozen_classes()


def test_the_package_has_its_frozen_classes() -> None:
    names = {c.__qualname__ for c in CLASSES}
    assert {"Leaflet", "Metadata", "Location", "Theme", "Expected"} <= names
    assert len(CLASSES) >= 60


def made(cls: type, values: dict[str, Any]) -> Any:
    """An instance holding `values`, made without running the class's own checks in __post_init__."""
    obj = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def twin_of(cls: type) -> type:
    spec = [
        (f.name, Any, dataclasses.field(compare=f.compare, hash=f.hash, repr=f.repr))
        for f in dataclasses.fields(cls)
    ]
    twin = dataclasses.make_dataclass(cls.__name__, spec, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_a_frozen_class_behaves_as_its_dataclass_twin(cls: type) -> None:
    twin = twin_of(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    values = {name: (name, n, "value with 'quotes'") for n, name in enumerate(names)}
    obj, copy, its_twin = made(cls, values), made(cls, dict(values)), twin(**values)
    assert repr(obj) == repr(its_twin)
    assert hash(obj) == hash(its_twin) == hash(copy)
    assert (obj == copy) is (its_twin == twin(**values)) is True
    assert obj != object() and obj.__eq__(object()) is NotImplemented
    for name in names:
        changed = {**values, name: "another value"}
        assert (obj == made(cls, changed)) is (its_twin == twin(**changed)), name
        assert (hash(obj) == hash(made(cls, changed))) is (hash(its_twin) == hash(twin(**changed))), name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, names[0] if names else "x", "changed")


def test_a_class_printed_inside_itself_is_shown_as_dots() -> None:
    @frozen
    class Node:
        children: list[Any]

    node = Node([])
    node.children.append(node)
    assert repr(node) == f"{Node.__qualname__}(children=[...])"


def test_a_class_with_its_own_comparison_is_refused() -> None:
    with pytest.raises(TypeError, match="defines __eq__"):

        @frozen
        class Own:
            x: int

            def __eq__(self, other: object) -> bool:
                return True


class Odd:
    """A value whose `==` answers with something other than a bool."""

    def __eq__(self, other: object) -> Any:
        return "an answer"

    __hash__ = object.__hash__


@frozen
class Flags:
    shown: Any
    hidden: Any = dataclasses.field(default=None, repr=False)
    unhashed: Any = dataclasses.field(default=None, hash=False)
    hashed_only: Any = dataclasses.field(default=None, compare=False, hash=True)
    ignored: Any = dataclasses.field(default=None, compare=False)


@dataclasses.dataclass(frozen=True)
class FlagsTwin:
    shown: Any
    hidden: Any = dataclasses.field(default=None, repr=False)
    unhashed: Any = dataclasses.field(default=None, hash=False)
    hashed_only: Any = dataclasses.field(default=None, compare=False, hash=True)
    ignored: Any = dataclasses.field(default=None, compare=False)


@frozen(slots=True)
class Child(Flags):
    extra: Any = 0


@dataclasses.dataclass(frozen=True, slots=True)
class ChildTwin(FlagsTwin):
    extra: Any = 0


def test_field_flags_a_subclass_and_odd_values_behave_as_with_dataclass() -> None:
    nan, odd = float("nan"), Odd()
    values = [1, 2, "x", nan, float("nan"), odd, None]
    made = [
        (cls(*args), twin(*args))
        for cls, twin in ((Flags, FlagsTwin), (Child, ChildTwin))
        for first in values
        for args in ((first,), (1, first), (1, 2, first), (1, 2, 3, first), (1, 2, 3, 4, first))
    ]
    for ours, theirs in made:
        assert repr(ours).replace("Child(", "ChildTwin(").replace("Flags(", "FlagsTwin(") == repr(theirs)
    for a, a_twin in made:
        for b, b_twin in made:
            same = a == b
            assert same == (a_twin == b_twin) and type(same) is type(a_twin == b_twin), (a, b)
            assert (hash(a) == hash(b)) is (hash(a_twin) == hash(b_twin)), (a, b)
    assert Flags(1) != Child(1) and FlagsTwin(1) != ChildTwin(1)  # another class is never equal
    assert (Flags(nan) == Flags(nan)) is (FlagsTwin(nan) == FlagsTwin(nan))
