"""Writing a PDF so that a failure never damages what was there before."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from leaflet.errors import Location, OutputError, Problem, display_path


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    A reader (or a build killed half-way) sees either the old file whole or the
    new file whole, never a half-written one; no temporary file is left behind.
    """
    where = Location(display_path(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            Problem(where, f"cannot create the folder {display_path(path.parent)} ({exc.strerror})")
        ) from None
    if path.is_dir():
        raise OutputError(Problem(where, "the output path is a folder; give a file name ending in .pdf"))
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private; a leaflet is read by others, as any new file would be.
        os.chmod(tmp_name, _mode_for(path))
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(
            Problem(where, f"cannot write the PDF ({reason}); any earlier file there is unchanged")
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _mode_for(path: Path) -> int:
    """The permissions the PDF should have: those of the file it replaces, else the usual ones."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
