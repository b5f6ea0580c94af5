"""The files a content file names (its pictures, a Welsh leaflet's English partner), noted as they are read.

Each is noted as named, under the content's folder (a symbolic link not followed), before it
is checked, with what it was when it was looked at: its size, change time and inode, or
nothing when it was not there. `leaflet watch` looks at these between builds, so that a picture
put in place, a link pointed elsewhere or a partner file made after a failed build is built,
and tells a file changed while a build read it from one the build saw as it is.
"""

from __future__ import annotations

from pathlib import Path

from leaflet.safeio import Identity, identity

#: The files named since `asked` last emptied it. Bounded: only a watching process asks.
_NAMED: dict[Path, Identity] = {}
_MOST = 4096


def note(path: Path) -> None:
    """Note a file the content names, as it is now (before it is read)."""
    if len(_NAMED) >= _MOST:
        _NAMED.clear()
    _NAMED[path] = identity(path)


def asked() -> dict[Path, Identity]:
    """The files named since the last call, each with what it was when first looked at; they are forgotten."""
    found = dict(_NAMED)
    _NAMED.clear()
    return found
