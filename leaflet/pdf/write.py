"""Writing a PDF so that a failure never damages what was there before."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from leaflet.errors import Location, OutputError, Problem, display_path


def write_atomically(path: Path, data: bytes, what: str = "PDF") -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    A reader (or a build killed half-way) sees either the old file whole or the
    new file whole, never a half-written one. A temporary file left by a build
    that was killed outright (no chance to clean up) is removed by the next
    build of the same file.
    """
    where = Location(display_path(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            Problem(where, f"cannot create the folder {display_path(path.parent)} ({exc.strerror})")
        ) from None
    if path.is_dir():
        suffix = path.suffix or ".pdf"
        raise OutputError(Problem(where, f"the output path is a folder; give a file name ending in {suffix}"))
    _remove_abandoned(path)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
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
            Problem(where, f"cannot write the {what} ({reason}); any earlier file there is unchanged")
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _remove_abandoned(path: Path) -> None:
    """Temporary files of this PDF whose writer is no longer running."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\.[^.]+\.tmp$")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match and not _running(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mode_for(path: Path) -> int:
    """The permissions the PDF should have: those of the file it replaces, else the usual ones."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
