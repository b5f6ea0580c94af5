"""Where leaflet keeps what it derives from its inputs between runs (fonts cut to a page's needs,
fonts with an open zero, compiled templates): one folder, named in one place.

`$LEAFLET_CACHE` when it is set, else `$XDG_CACHE_HOME/leaflet`, else `~/.cache/leaflet`. Every
file kept there is named by the bytes it was made from, so a stale one is never used; deleting
the folder only makes the next build slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from leaflet.safeio import FileProblem, read_file


def cache_folder(name: str) -> Path:
    """The folder kept for one kind of derived file (not created here)."""
    base = os.environ.get("LEAFLET_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "leaflet"
    )
    return Path(base) / name


def keep(target: Path, write: Callable[[Path], object]) -> Path:
    """Make the cache file `target` whole or not at all: `write` fills a fresh temporary file
    beside it, which then takes its name (another process making the same file writes the same
    bytes, so either one's is right). Whatever happens, no temporary file is left behind;
    a failure is raised to the caller, for whom the file is only ever made again next time.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    finally:
        # Gone once renamed; else left by a failure, or by a stop (Ctrl-C) before the rename.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return target


def keep_bytes(target: Path, data: bytes) -> None:
    """`keep` for bytes in hand; a cache file that cannot be written is simply not kept."""
    with contextlib.suppress(OSError):
        keep(target, lambda tmp: tmp.write_bytes(data))


def keep_sealed(target: Path, data: bytes) -> None:
    """`keep_bytes`, and the SHA-256 of the bytes beside them (`TARGET.sha256`), for `read_sealed`."""
    keep_bytes(target, data)
    keep_bytes(seal_of(target), hashlib.sha256(data).hexdigest().encode("ascii"))


def read_sealed(target: Path, limit: int) -> bytes | None:
    """The bytes kept by `keep_sealed`, or None when they are not there, or are not the bytes
    kept (cut short, or replaced since): the caller makes them again."""
    try:
        data = read_file(target, limit)
        sealed = read_file(seal_of(target), 128)
    except FileProblem:
        return None
    return data if hashlib.sha256(data).hexdigest().encode("ascii") == sealed else None


def seal_of(target: Path) -> Path:
    """Where the digest of a cache file's bytes is kept."""
    return target.with_name(target.name + ".sha256")
