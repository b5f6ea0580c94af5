"""The rules a leaflet is checked against: each with an id, a level, a reason and a source.

Rules are small functions registered here with what an editor may change about
them (thresholds); `docs/checks.md` is the readable list of the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import field
from datetime import date
from typing import Any

from leaflet.content.model import Leaflet
from leaflet.errors import LeafletError, Location, Problem, Severity
from leaflet.frozen import frozen


@frozen
class CheckContext:
    """What every rule may look at."""

    leaflet: Leaflet
    today: date
    #: Laid-out editions, for the rules that measure pages: name → (PDF bytes, large print?).
    pdfs: dict[str, tuple[bytes, bool]] = field(default_factory=dict)
    #: The style sheets of the editions checked.
    styles: tuple[str, ...] = ("default",)
    #: The web edition's HTML, when the leaflet has one, for the rules that read it.
    web: str | None = None
    #: Leaflets the rules read beside this one (the English a translation is of), each read once a run.
    read: dict[str, Leaflet | LeafletError] = field(default_factory=dict, compare=False, repr=False)

    def other(self, path: str) -> Leaflet:
        """The leaflet at `path`, read once for every rule that asks; raises its LeafletError each time."""
        if path not in self.read:
            from leaflet.content.loader import load_leaflet

            try:
                self.read[path] = load_leaflet(path)
            except LeafletError as exc:
                self.read[path] = exc
        found = self.read[path]
        if isinstance(found, LeafletError):
            raise found
        return found


Finder = Callable[[CheckContext, dict[str, Any]], Iterator[tuple[Location, str]]]


@frozen
class Rule:
    """A rule of `check`: its id, level and summary, its settings and what it finds."""

    id: str
    level: Severity
    summary: str
    params: dict[str, Any]
    find: Finder
    #: Measured on the laid-out PDFs, so run only when there are some.
    needs_pages: bool = False
    #: Read from the web edition's HTML, so run only when there is one.
    needs_web: bool = False

    def run(self, ctx: CheckContext, params: dict[str, Any]) -> Iterator[Problem]:
        for where, message in self.find(ctx, {**self.params, **params}):
            yield Problem(where, message, self.level, self.id)


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    level: Severity,
    summary: str,
    *,
    needs_pages: bool = False,
    needs_web: bool = False,
    **params: Any,
) -> Callable[[Finder], Finder]:
    def register(find: Finder) -> Finder:
        RULES[id] = Rule(id, level, summary, params, find, needs_pages, needs_web)
        return find

    return register
