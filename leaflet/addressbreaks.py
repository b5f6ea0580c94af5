"""Where a printed address (a web or email address) may end a line: one rule for the layout,
which breaks there, and for the checks, which find a break anywhere else. No ReportLab here."""

from __future__ import annotations

import re

#: A line may end after one of these, never between two of them ("https://" and "..." stay whole).
ADDRESS_BREAKS = frozenset("/.-?&=")
#: One of them followed by a character that is not (found by the regular expression engine: a
#: long word is looked through on each of its lines).
_BREAK = re.compile(r"[/.\-?&=](?=[^/.\-?&=])", re.DOTALL)


def break_offsets(address: str) -> list[int]:
    """The offsets at which a line may end inside `address`, in order; never leaving a tail of
    break characters alone."""
    return [found.end() for found in _BREAK.finditer(address)]
