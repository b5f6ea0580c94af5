"""Where leaflet keeps what it derives from its inputs between runs (fonts cut to a page's needs,
fonts with an open zero, compiled templates): one folder, named in one place.

`$LEAFLET_CACHE` when it is set, else `$XDG_CACHE_HOME/leaflet`, else `~/.cache/leaflet`. Every
file kept there is named by the bytes it was made from, so a stale one is never used; deleting
the folder only makes the next build slower.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder(name: str) -> Path:
    """The folder kept for one kind of derived file (not created here)."""
    base = os.environ.get("LEAFLET_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "leaflet"
    )
    return Path(base) / name
