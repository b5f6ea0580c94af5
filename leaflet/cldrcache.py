"""What CLDR (through Babel) answered, kept between processes: a footer's dates, say.

A leaflet prints its dates as its language writes them, and Babel writes them from CLDR's
data. For two or three short strings a cold build paid about a fifteenth of its time:
Babel's modules, then the locale's data (several pickles, merged). Each answer is kept in
a small JSON file in the tool's cache folder (`leaflet.cachedir`: `cldr/`), named by what determines the
answers: the installed Babel (the digest of its RECORD, which lists every file of the
package, CLDR's data included, with the file's digest) and the tool's own code
(`stamp.tool_fingerprint`, which covers how the question is put). Inside, each answer is
keyed by the question (language tag, date, form). Another Babel or another version of
the tool reads another file, and the older files are removed.

A process reads the file once, and writes it again (a temporary file renamed over it, so a
reader never sees half of one) only after answering a question it did not hold. The file
holds at most `MAX_ENTRIES` answers. Anything odd (no Babel metadata to name the file by,
an unreadable or damaged file, a folder that cannot be written) means asking Babel, as if
nothing were kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

from leaflet.cachedir import cache_folder
from leaflet.safeio import MIB, FileProblem, read_file

#: The most answers one file holds; a file that would hold more starts afresh.
MAX_ENTRIES = 2048

#: How many files of answers (for other Babels or versions of the tool) the folder keeps.
KEEP_FILES = 4

#: The file of this process and the answers in it (read once), or None when nothing is kept.
_kept: tuple[Path, dict[str, str]] | None = None
_read = False


def babel_identity() -> str | None:
    """The installed Babel's dist-info name and the digest of its RECORD, found without importing Babel."""
    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).parent
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        if name.lower().startswith("babel-") and name.endswith(".dist-info"):
            try:
                record = read_file(folder / name / "RECORD", 16 * MIB)
            except FileProblem:
                return None
            return f"{name} {hashlib.sha256(record).hexdigest()}"
    return None


def _load() -> tuple[Path, dict[str, str]] | None:
    from leaflet.stamp import tool_fingerprint

    identity = babel_identity()
    if identity is None:
        return None
    key = hashlib.sha256(f"{identity}\0{tool_fingerprint()}".encode()).hexdigest()[:24]
    path = cache_folder("cldr") / f"answers-{key}.json"
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


def answer(question: str, ask: Callable[[], str]) -> str:
    """The kept answer to `question`, else `ask()`'s, kept for the next process."""
    global _kept, _read
    if not _read:
        _kept, _read = _load(), True
    if _kept is None:
        return ask()
    path, entries = _kept
    if question in entries:
        return entries[question]
    value = ask()
    if len(entries) >= MAX_ENTRIES:
        entries.clear()
    entries[question] = value
    _write(path, entries)
    return value


def _write(path: Path, entries: dict[str, str]) -> None:
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Answers kept under another Babel or another version of the tool: the newest few
            # files are kept (two installed versions need not take turns), the rest removed.
            others = sorted(path.parent.glob("answers-*.json"), key=_age)
            for other in others[: max(0, len(others) - KEEP_FILES + 1)]:
                with contextlib.suppress(OSError):
                    other.unlink()
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _age(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def forget() -> None:
    """Read the file again at the next question (for tests, and after the cache folder changes)."""
    global _kept, _read
    _kept, _read = None, False
