"""The `leaflet` command's entry: hand the command to a running build server, else run it here.

Kept apart from `cli` so that a command the server runs costs this process no more than
starting Python and reading `leaflet.server.client` (see leaflet/server/__init__.py).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    from leaflet.server import wanted

    if wanted():
        from leaflet.server.client import forward

        code = forward(args)
        if code is not None:
            return code
    from leaflet.cli import main as run_here

    return run_here(args)
