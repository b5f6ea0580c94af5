"""Being woken as soon as a file is saved: what lets `leaflet watch` rebuild without waiting for its next look.

On Linux the kernel says when a file is saved (inotify, read through the C library the
interpreter already has loaded): each folder holding a watched file is watched, and a file of
the set written and closed, or put in place by a rename (how most editors save), wakes the
waiter at once. Anywhere else, or when inotify cannot be had (no watches left, an old kernel),
`wait` only waits: the watch loop's own look at the files, a few times a second, finds every
change either way. A wake-up is a hint, never the judge: the loop still compares what the files
hold with what was built.
"""

from __future__ import annotations

import os
import select
import struct
import sys
import time
from collections.abc import Iterable
from pathlib import Path

#: inotify's events (linux/inotify.h): a file written and closed, or moved into the folder;
#: the kernel's queue overflowed; a watch was removed (its folder deleted or unmounted).
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_TO = 0x00000080
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
_WATCHED = IN_CLOSE_WRITE | IN_MOVED_TO
#: struct inotify_event: watch descriptor, mask, cookie, length of the name that follows.
_EVENT = struct.Struct("iIII")


class Saves:
    """Waits until one of `files` is saved, or for at most the time given."""

    def __init__(self, files: Iterable[Path] = ()) -> None:
        self._fd = _inotify()
        #: Watch descriptor → the names of the watched files in its folder.
        self._names: dict[int, frozenset[str]] = {}
        #: Each folder watched → its watch descriptor.
        self._folders: dict[str, int] = {}
        #: Folders to watch that could not be watched yet → the names wanted in each.
        self._wanted: dict[str, frozenset[str]] = {}
        self._places: frozenset[str] = frozenset()
        self.watch(files)

    @property
    def live(self) -> bool:
        """Whether saves are reported as they happen (False: `wait` only waits)."""
        return self._fd is not None and bool(self._names)

    def watch(self, files: Iterable[Path]) -> None:
        """Watch these files from now on, instead of those watched before."""
        # A file is watched where it is named and where it really is (behind a symbolic link, an
        # editor writes the file the link points to).
        places = {os.path.abspath(f) for f in map(os.fspath, files)}
        places |= {os.path.realpath(p) for p in places}
        if self._fd is None:
            return
        if frozenset(places) == self._places:
            self._retry()
            return
        folders: dict[str, set[str]] = {}
        for place in places:
            folder, name = os.path.split(place)
            folders.setdefault(folder, set()).add(name)
        for folder in set(self._folders) - set(folders):
            wd = self._folders.pop(folder)
            if wd not in self._folders.values():
                self._names.pop(wd, None)  # its IN_IGNORED, when it comes, is no news
                _remove(self._fd, wd)
        self._places = frozenset(places)
        self._names = {}
        self._wanted = {folder: frozenset(here) for folder, here in folders.items()}
        self._retry()

    def _retry(self) -> None:
        """Watch the folders wanted and not watched yet: those not there (yet), or for which no
        watch could be had; each is tried again before every wait."""
        assert self._fd is not None
        for folder, here in list(self._wanted.items()):
            wd = self._folders.get(folder)
            if wd is None:
                wd = _add(self._fd, folder)
                if wd < 0:
                    continue
                self._folders[folder] = wd
            # One folder under two names (a link to it, and where it is) is one watch.
            self._names[wd] = self._names.get(wd, frozenset()) | here
            del self._wanted[folder]

    def wait(self, timeout: float) -> bool:
        """Wait until a watched file is saved (True) or `timeout` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        if self._wanted and self._fd is not None:
            self._retry()
        while self.live:
            assert self._fd is not None
            left = max(deadline - time.monotonic(), 0.0)
            poller = select.poll()
            poller.register(self._fd, select.POLLIN)
            if not poller.poll(left * 1000):
                return False
            if self._saved():
                return True
        time.sleep(max(deadline - time.monotonic(), 0.0))  # (the last watched folder went, saying nothing)
        return False

    def _saved(self) -> bool:
        """Read every event waiting: whether any says a watched file was saved."""
        assert self._fd is not None
        saved = False
        while True:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return saved
            except OSError:
                return True  # cannot tell: look at the files
            at = 0
            while at + _EVENT.size <= len(data):
                wd, mask, _, length = _EVENT.unpack_from(data, at)
                name = data[at + _EVENT.size : at + _EVENT.size + length].rstrip(b"\0")
                at += _EVENT.size + length
                if mask & IN_Q_OVERFLOW:
                    saved = True
                elif mask & IN_IGNORED:
                    # A folder gone (or a watch removed here, already forgotten): what it held
                    # is looked at, and the folder watched again when the loop next asks.
                    names = self._names.pop(wd, None)
                    for folder in [f for f, w in self._folders.items() if w == wd]:
                        del self._folders[folder]
                        if names is not None:
                            self._wanted[folder] = names  # watched again once it is back
                    if names is not None:
                        saved = True
                elif mask & _WATCHED and os.fsdecode(name) in self._names.get(wd, ()):
                    saved = True

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._names.clear()
            self._folders.clear()
            self._wanted.clear()

    def __enter__(self) -> Saves:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _libc() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only where inotify can be had

    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library the interpreter runs on
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc


_LIBC: list[object | None] = []


def _c() -> object | None:
    if not _LIBC:
        _LIBC.append(_libc())
    return _LIBC[0]


def _inotify() -> int | None:
    libc = _c()
    if libc is None:
        return None
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)  # type: ignore[attr-defined]
    return fd if fd >= 0 else None


def _add(fd: int, folder: str) -> int:
    """A watch on `folder` (its descriptor), or -1 when it cannot be watched (gone, no watches left)."""
    libc = _c()
    assert libc is not None
    return int(libc.inotify_add_watch(fd, os.fsencode(folder), _WATCHED | IN_ONLYDIR))  # type: ignore[attr-defined]


def _remove(fd: int, wd: int) -> None:
    libc = _c()
    assert libc is not None
    libc.inotify_rm_watch(fd, wd)  # type: ignore[attr-defined]
