"""Writing a file so that a failure never damages what was there before.

Used for the PDFs and for the stamps beside them. Nothing heavy is imported here.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import stat
import time
import unicodedata
from pathlib import Path

from leaflet.errors import Location, OutputError, Problem, display_path

#: Temporary files this process is writing now, for `remove_live_temporaries` (a worker told to stop).
_LIVE: set[str] = set()

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def write_atomically(path: Path, data: bytes, what: str = "PDF", *, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    A reader (or a build killed half-way) sees either the old file whole or the
    new file whole, never a half-written one. The temporary file is created
    afresh (never through a link someone planted) and locked while it is
    written; a temporary file whose writer has gone (killed outright, with no
    chance to clean up) is removed by the next build of the same file, and
    one that another build is still writing is left alone. A link at `path`
    is replaced by the file, never written through.

    A `durable` file is on the disk before it takes the name (fsync), so that not even a
    power cut can leave an empty file where the old one was. A file that vouches for itself
    (a build record: every file it names is checked against its digest) need not wait for
    the disk: if it is lost, the next build only does more work.
    """
    where = Location(display_path(path))
    if any(unicodedata.category(ch) == "Cc" for ch in path.name):
        raise OutputError(Problem(where, "the file name holds a control character (a line break?)"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            Problem(where, f"cannot create the folder {display_path(path.parent)} ({exc.strerror})")
        ) from None
    if path.is_dir() and not path.is_symlink():
        raise OutputError(
            Problem(where, f"the output path is a folder; give a file name ending in {path.suffix or '.pdf'}")
        )
    remove_abandoned(path)
    tmp: Path | None = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    live = str(tmp)
    _LIVE.add(live)
    fd = -1
    try:
        mode = _mode_for(path)
        fd = os.open(live, _CREATE, 0o600)
        # Held until the file has its final name: a cleaner never takes a live file.
        fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        # The permissions are set on the file itself, never on a name that might be a link.
        os.fchmod(fd, mode)
        if durable:
            os.fsync(fd)
        os.replace(live, path)
        tmp = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        what = "PDF" if path.suffix.lower() == ".pdf" else "file"
        raise OutputError(
            Problem(where, f"cannot write the {what} ({reason}); any earlier file there is unchanged")
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if fd >= 0:
            os.close(fd)
        _LIVE.discard(live)


def remove_live_temporaries() -> None:
    """Remove the temporary files this process is writing: it is about to stop (a signal)."""
    for name in list(_LIVE):
        with contextlib.suppress(OSError):
            os.unlink(name)


def remove_abandoned(path: Path) -> None:
    """Temporary files of `path` that no build is writing any more.

    A file is abandoned when its writer's process is gone and nobody holds its
    lock (a writer on another machine sharing the folder holds the lock, even
    though its process number means nothing here).

    A folder's listing serves this process's writes for LISTING_LIFETIME seconds: a
    batch writing a thousand files into one folder lists it a few times, not once a
    file, and a file abandoned meanwhile is removed by the first write of its file
    after that.
    """
    # Absolute, not normalised: `..` after a link is the folder the link leads to, as for the OS.
    for name, pid in _temporaries(str(path.parent.absolute())).get(path.name, ()):
        if not _running(pid):
            _remove_if_unlocked(path.parent / name)


#: How long a folder's listing of temporary files is used (seconds).
LISTING_LIFETIME = 1.0
#: A temporary file's name: `.NAME.PID.HEX.tmp`, written for the file NAME by process PID.
_TEMPORARY = re.compile(r"^\.(.+)\.(\d+)\.[0-9a-f]+\.tmp$")
#: The folders listed lately: when, and their temporary files by the file each was written for.
#: Bounded: a build writes into a few folders.
_LISTED: dict[str, tuple[float, dict[str, list[tuple[str, int]]]]] = {}
_LISTED_LIMIT = 64


def _temporaries(folder: str) -> dict[str, list[tuple[str, int]]]:
    """The temporary files in `folder` (by the file they were written for), as listed lately."""
    now = time.monotonic()
    known = _LISTED.get(folder)
    if known is not None and now - known[0] < LISTING_LIFETIME:
        return known[1]
    try:
        names = os.listdir(folder)
    except OSError:
        return {}
    found: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        match = _TEMPORARY.match(name)
        if match:
            found.setdefault(match.group(1), []).append((name, int(match.group(2))))
    if len(_LISTED) >= _LISTED_LIMIT:
        _LISTED.clear()
    _LISTED[folder] = (now, found)
    return found


def _remove_if_unlocked(tmp: Path) -> None:
    try:
        fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(tmp)
    except OSError:
        return  # locked: being written
    finally:
        os.close(fd)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _mode_for(path: Path) -> int:
    """The permissions the file should have: those of our own file it replaces, else the usual ones.

    Only a regular file of ours lends its permissions: a link (or somebody else's
    file) planted at the output path must not make the new file writable by others.
    """
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
            return info.st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
