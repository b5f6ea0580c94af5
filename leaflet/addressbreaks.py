"""Where a printed address (a web or email address) may end a line: one rule for the layout,
which breaks there, and for the checks, which find a break anywhere else. No ReportLab here."""

from __future__ import annotations

#: A line may end after one of these, never between two of them ("https://" and "..." stay whole).
ADDRESS_BREAKS = frozenset("/.-?&=")


def break_offsets(address: str) -> list[int]:
    """The offsets at which a line may end inside `address`, in order; never leaving a tail of
    break characters alone."""
    return [
        i + 1
        for i, ch in enumerate(address[:-1])
        if ch in ADDRESS_BREAKS and address[i + 1] not in ADDRESS_BREAKS
    ]
