"""What a library answered, kept between processes: a footer's dates (CLDR, through Babel), a
phone number in its groups (libphonenumber's data, through phonenumbers).

A leaflet prints its dates as its language writes them and its phone numbers as its country
groups them; the libraries that know how are heavy to load. For two or three short strings a
cold build paid about a fifteenth of its time each: Babel's modules and the locale's data
(several pickles, merged), or phonenumbers' metadata for every region. Each answer is kept in a
small JSON file in the tool's cache folder (`leaflet.cachedir`: `answers/`), one file per
library, named by what determines the answers: the installed library (the digest of its
RECORD, which lists every file of the distribution, its data included, with the file's digest)
and the tool's own code (`stamp.tool_fingerprint`, which covers how the question is put).
Inside, each answer is keyed by the question (language tag, date, form; region, number).
Another version of the library or of the tool reads another file, and the older files are
removed.

A process reads each library's file once, and writes it again (a temporary file renamed over
it, so a reader never sees half of one) only after answering a question it did not hold. The
file holds at most `MAX_ENTRIES` answers. Anything odd (no metadata to name the file by, an
unreadable or damaged file, a folder that cannot be written) means asking the library, as if
nothing were kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from leaflet.cachedir import cache_folder, keep_bytes
from leaflet.safeio import MIB, FileProblem, read_file

#: The most answers one file holds; a file that would hold more starts afresh.
MAX_ENTRIES = 2048

#: A temporary file older than this was left by a process that stopped dead.
STALE_TEMPORARY_NS = 3600 * 10**9

#: How many files of answers (for other Babels or versions of the tool) the folder keeps.
KEEP_FILES = 4

#: Each library answers kept: its import name → the names its distribution may be installed
#: under (phonenumbers' data comes in the full package or the lighter one without geocoding).
LIBRARIES = {"babel": ("babel",), "phonenumbers": ("phonenumberslite", "phonenumbers")}

#: Each library's file and the answers in it (read once), or None when nothing is kept.
_kept: dict[str, tuple[Path, dict[str, str]] | None] = {}


def library_identity(library: str) -> str | None:
    """The installed library's dist-info name and the digest of its RECORD, found without importing it."""
    spec = importlib.util.find_spec(library)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).parent
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    found = []
    for name in names:
        distribution = name.lower().partition("-")[0]
        if name.endswith(".dist-info") and distribution in LIBRARIES[library]:
            try:
                record = read_file(folder / name / "RECORD", 16 * MIB)
            except FileProblem:
                return None
            found.append(f"{name} {hashlib.sha256(record).hexdigest()}")
    # Two distributions of one package (both sets of phonenumbers' data): both name the file.
    return " ".join(found) or None


def _load(library: str) -> tuple[Path, dict[str, str]] | None:
    from leaflet.stamp import tool_fingerprint

    identity = library_identity(library)
    if identity is None:
        return None
    key = hashlib.sha256(f"{identity}\0{tool_fingerprint()}".encode()).hexdigest()[:24]
    path = cache_folder("answers") / f"{library}-{key}.json"
    try:
        entries = json.loads(read_file(path, 4 * MIB))
    except (FileProblem, ValueError):
        entries = {}
    if not isinstance(entries, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
    ):
        entries = {}
    if len(entries) > MAX_ENTRIES:
        entries = {}
    return path, entries


def answer(library: str, question: str, ask: Callable[[], str]) -> str:
    """The kept answer of `library` to `question`, else `ask()`'s, kept for the next process."""
    if library not in _kept:
        _kept[library] = _load(library)
    kept = _kept[library]
    if kept is None:
        return ask()
    path, entries = kept
    if question in entries:
        return entries[question]
    value = ask()
    if len(entries) >= MAX_ENTRIES:
        entries.clear()
    entries[question] = value
    _write(library, path, entries)
    return value


def _write(library: str, path: Path, entries: dict[str, str]) -> None:
    data = json.dumps(entries, sort_keys=True).encode()  # ASCII: any text can be written
    with contextlib.suppress(OSError):
        if not path.exists():
            # Answers kept under another version of the library or of the tool: the newest few
            # files are kept (two installed versions need not take turns), the rest removed;
            # so are temporary files a process stopped dead (killed) left over an hour ago.
            others = sorted(path.parent.glob(f"{library}-*.json"), key=_age)
            for other in others[: max(0, len(others) - KEEP_FILES + 1)]:
                with contextlib.suppress(OSError):
                    other.unlink()
            for left in path.parent.glob(f".{library}-*.tmp"):
                if _age(left) < time.time_ns() - STALE_TEMPORARY_NS:
                    with contextlib.suppress(OSError):
                        left.unlink()
    keep_bytes(path, data)


def _age(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def forget() -> None:
    """Read the files again at the next question (for tests, and after the cache folder changes)."""
    _kept.clear()
