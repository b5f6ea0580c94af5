"""Problems as data, and the small exception family that carries them.

The library never prints or exits: it raises a LeafletError holding one or more
Problems, and the command line turns them into lines and an exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from leaflet.frozen import frozen


@frozen(slots=True)
class Location:
    """Where something came from: a file, and a 1-based line and column in it."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    @classmethod
    def of_file(cls, path: str | Path) -> Location:
        return cls(display_path(path))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if one is close enough to suggest ("did you mean …?")."""
    import difflib  # loaded only for a mistake

    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the choice most like `word`, or nothing when none is close."""
    close = closest(word, choices)
    return f"; did you mean '{close}'?" if close else ""


def display_path(path: str | Path) -> str:
    """A path as the user would want to read it: relative to here when it can be."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link that loops: as given
        return str(p)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    #: Guidance for the editor, never a verdict (reading-age formulas, say).
    ADVICE = "advice"


@frozen(slots=True)
class Problem:
    """One thing wrong with an input, and where it is."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR
    rule: str | None = None

    def __str__(self) -> str:
        tail = f" [{self.rule}]" if self.rule else ""
        return f"{self.location}: {self.severity.value}: {self.message}{tail}"


class LeafletError(Exception):
    """Base of every error the library raises on purpose."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: tuple[Problem, ...] = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def usage(cls, message: str) -> UsageError:
        return UsageError(Problem(Location("leaflet"), message))


class ContentError(LeafletError):
    """The content file cannot be read or does not follow the format."""


class StyleError(LeafletError):
    """A style sheet cannot be read, or breaks a rule of legibility."""


class OutputError(LeafletError):
    """The PDF could not be written where it was asked for."""


class UsageError(LeafletError):
    """The command was called with arguments that make no sense."""
