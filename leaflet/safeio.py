"""Reading the files the tool is given: regular files only, never more bytes than a limit.

Every file `leaflet` reads (content, style sheets and the sheets they extend,
check settings, the stamps beside PDFs, font files, the files a folder build
looks at) goes through `read_file`. A FIFO, a device (`/dev/zero`), a socket or
a folder is refused at once instead of hanging or filling memory; the size is
bounded while reading (a special file's `st_size` says nothing), and a file
that is too large is refused, never read in full. Nothing heavy is imported
here: the up-to-date check uses it before any layout code is loaded.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from pathlib import Path

MIB = 1024 * 1024

#: The largest font file read: the biggest families people use are a few MiB.
MAX_FONT_BYTES = 32 * MIB


#: What a file is, without reading it: (size, change time in ns, inode), or None when it is not
#: there. Two looks that give the same say the file was not written or replaced between them.
Identity = tuple[int, int, int] | None


def identity(path: str | Path) -> Identity:
    """What a file is now (a symbolic link followed), or None when it is not there or cannot be looked at."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class FileProblem(Exception):
    """A file that cannot be read as it should be; `reason` is a phrase for the user."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def read_file(path: str | Path, limit: int, *, follow_links: bool = True, whole: bool = True) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    `whole=False` returns the first `limit` bytes of a longer file instead of
    refusing it. `follow_links=False` refuses a symbolic link (for files the tool
    itself writes beside its output, which nobody should be able to redirect).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileProblem(path, _reason(exc, follow_links)) from None
    except ValueError:  # a NUL in the path
        raise FileProblem(path, "the file name holds a NUL character") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(path, "expected a file, found a folder")
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(path, f"not a regular file (a {_kind(info.st_mode)}); it is not read")
        chunks: list[bytes] = []
        got = 0
        # The file's size as a first guess (one read, no megabyte buffer for a small file); a
        # file that grows, or a size that says nothing, is read on in chunks up to the limit.
        want = info.st_size + 1 if info.st_size else MIB
        while got <= limit:
            chunk = os.read(fd, min(limit + 1 - got, want))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            want = MIB
    except OSError as exc:
        raise FileProblem(path, _reason(exc, follow_links)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        if not whole:
            return data[:limit]
        raise FileProblem(path, f"the file is too large to read; the limit is {limit:,} bytes")
    return data


def is_regular(path: str | Path, *, follow_links: bool = True) -> bool:
    """Whether `path` is a regular file (without opening it, so a FIFO never blocks)."""
    try:
        info = os.stat(path, follow_symlinks=follow_links)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(info.st_mode)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _reason(exc: OSError, follow_links: bool) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "the file cannot be read (permission denied)"
    if exc.errno == errno.ELOOP:
        return "a symbolic link, which is not followed" if not follow_links else "too many symbolic links"
    if exc.errno == errno.EISDIR:
        return "expected a file, found a folder"
    if exc.errno == errno.ENXIO:
        return "not a regular file (a socket or device); it is not read"
    return f"the file cannot be read ({exc.strerror or exc})"


#: Digests of files read in this process, by the file's identity: its path, size, inode and
#: both times (rewriting a file changes its change time, which no one can set back). Bounded.
_DIGESTS: dict[tuple[str, int, int, int, int], str] = {}
#: A file changed this recently is read every time: a file system whose clock is coarse could
#: give a second rewrite in the same tick the same change time.
RECENT_NS = 2_000_000_000


def digest(path: str | Path, limit: int) -> tuple[str, bytes | None]:
    """The SHA-256 of a file's bytes, and the bytes when they had to be read to learn it;
    raises FileProblem as read_file does."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        info = None
    key = (str(path), info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns) if info else None
    if key is not None and key in _DIGESTS:
        return _DIGESTS[key], None
    data = read_file(path, limit)
    found = hashlib.sha256(data).hexdigest()
    if key is not None and info is not None and time.time_ns() - info.st_ctime_ns > RECENT_NS:
        if len(_DIGESTS) >= 256:
            _DIGESTS.clear()
        _DIGESTS[key] = found
    return found, data


def as_named(path: str | Path) -> str:
    """A path made absolute as the system follows it: from the current folder, `..` and links
    left in place (`os.path.abspath` would take `link/..` as the folder holding the link)."""
    path = os.fspath(path)
    return path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
