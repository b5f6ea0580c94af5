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

The same keeps what fontconfig listed for a font family, named by fontconfig's state
(`fontfiles.fontconfig_state`) instead of a distribution.

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
from collections.abc import Callable
from pathlib import Path

from leaflet.cachedir import cache_folder
from leaflet.safeio import MIB, FileProblem, read_file

#: The most answers one file holds; a file that would hold more starts afresh.
MAX_ENTRIES = 2048

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


def _load(library: str, identify: Callable[[], str | None] | None) -> tuple[Path, dict[str, str]] | None:
    from leaflet.stamp import tool_fingerprint

    identity = identify() if identify is not None else library_identity(library)
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
    value = kept(library, question)
    if value is None:
        value = ask()
        keep(library, question, value)
    return value


def kept(library: str, question: str, identify: Callable[[], str | None] | None = None) -> str | None:
    """The answer of `library` to `question` kept by an earlier process, if any.

    `identify` names what the answers depend on when `library` is not an installed Python
    distribution (fontconfig: `fontfiles.fontconfig_state`); it is asked once per process.
    """
    if library not in _kept:
        _kept[library] = _load(library, identify)
    found = _kept[library]
    return None if found is None else found[1].get(question)


def keep(library: str, question: str, value: str) -> None:
    """Keep `library`'s answer to `question` for later processes (after `kept` has been asked)."""
    found = _kept.get(library)
    if found is None:
        return
    path, entries = found
    if entries.get(question) == value:
        return
    if len(entries) >= MAX_ENTRIES:
        entries.clear()
    entries[question] = value
    _write(library, path, entries)


def _write(library: str, path: Path, entries: dict[str, str]) -> None:
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Answers kept under another version of the library or of the tool: the newest few
            # files are kept (two installed versions need not take turns), the rest removed.
            others = sorted(path.parent.glob(f"{library}-*.json"), key=_age)
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
    """Read the files again at the next question (for tests, and after the cache folder changes)."""
    _kept.clear()
