"""Compiled templates kept between processes, so a web page does not compile its templates every build.

Jinja2 compiles each template to Python the first time a process uses it, which costs
more than rendering the page. The compiled code is kept in the user's cache folder
(`$XDG_CACHE_HOME/leaflet/templates`, else `~/.cache/leaflet/templates`) by Jinja2's own
bytecode cache, which compiles a template again whenever its source changes (it keeps
a checksum of it) or Python's version does. What else shapes the compiled code is the
environment: its options, filters and globals, set in the module that makes it. Each
environment therefore has a folder of its own, named by Jinja2's version and the bytes
of that module, so a changed option never meets code compiled under the old one.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from leaflet.cachedir import cache_folder as folder_for
from leaflet.safeio import MIB, FileProblem, read_file


def cache_folder() -> Path:
    return folder_for("templates")


def bytecode_cache(made_in: str) -> Any:
    """A bytecode cache for the environment made in the module file `made_in`; None when none can be kept."""
    import jinja2

    try:
        code = read_file(made_in, 4 * MIB)
    except FileProblem:
        return None
    key = hashlib.sha256(jinja2.__version__.encode() + b"\0" + code).hexdigest()[:20]
    stem = Path(made_in).stem
    folder = cache_folder() / f"{stem}-{key}"
    if not folder.is_dir():
        # Code compiled under another version of the module is never used again: only the
        # newest folder of each environment is kept.
        for other in cache_folder().glob(f"{stem}-*"):
            shutil.rmtree(other, ignore_errors=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
