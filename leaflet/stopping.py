"""How the tool says that a signal stopped it: one line, the same wherever the command ran.

Light on purpose: the build server's client says it too, before anything heavy is loaded.
"""

from __future__ import annotations

import signal


def signal_name(signum: int) -> str:
    """Ctrl-C for SIGINT, else the signal's own name (SIGTERM, SIGHUP)."""
    if signum == signal.SIGINT:
        return "Ctrl-C"
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def stopped_line(signum: int) -> str:
    """What is printed when a signal stopped a command before it had written anything."""
    return f"leaflet: stopped ({signal_name(signum)}); nothing half-written was left behind"
