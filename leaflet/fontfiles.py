"""Where a font family's files are: a Python package (fontpkg-…) or the system's fonts (fontconfig).

A family needs a regular and a bold file, each a static TrueType font: a
variable font's default instance is its regular weight, and drawing "bold"
with it would draw regular glyphs (Welsh ŵ and ŷ in a bold heading did). So a
family packaged only as a variable font takes its static files from the
system's fonts when fontconfig has them (Debian's fonts-noto-core has the Noto
families, static), and otherwise a static instance is made with fontTools'
instancer at the weight asked for, once, and kept in a cache named by the
variable font's digest.

Nothing here knows ReportLab; `fonts.py` registers what is found.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from leaflet.answers import keep, kept
from leaflet.cachedir import cache_folder
from leaflet.safeio import MAX_FONT_BYTES, MIB, read_file

REGULAR, BOLD = 400, 700


def _module(name: str) -> str:
    return "fontpkg_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def cache_dir() -> Path:
    return cache_folder("fonts")


#: Each family's static upright files as fontconfig lists them, by name (bounded: a few sheets' families).
_SYSTEM: dict[str, dict[int, Path]] = {}
_MAX_SYSTEM = 256


def system_files(name: str) -> dict[int, Path]:
    """Static upright files of a family known to fontconfig, by weight (400, 700)."""
    if name not in _SYSTEM:
        _ask([name])
    return _SYSTEM[name]


def look_up(names: Iterable[str]) -> None:
    """Ask fontconfig about each family of `names` that no package provides and that is not yet known.

    One `fc-list` for each, all started before any is read, so that a sheet naming several
    families (its fonts for Urdu and Bengali, say) waits for the slowest, not for the sum.
    """
    _ask([n for n in dict.fromkeys(names) if n not in _SYSTEM and package_files(n) is None])


def _ask(wanted: list[str]) -> None:
    if not wanted:
        return
    if len(_SYSTEM) + len(wanted) > _MAX_SYSTEM:
        _SYSTEM.clear()
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        _SYSTEM.update({name: {} for name in wanted})
        return
    # What fontconfig listed in an earlier process, while nothing it reads has changed since.
    asking = []
    for name in wanted:
        listing = kept("fontconfig", name, fontconfig_state)
        found = _static_upright(listing) if listing else {}
        if found and all(path.is_file() for path in found.values()):
            _SYSTEM[name] = found
        else:
            asking.append(name)
    # Started by its full path with no descriptors to close (Python opens none inheritable), so
    # that Python can spawn it without first copying this whole process (posix_spawn, not fork).
    running = [
        (
            name,
            subprocess.Popen(
                [fc_list, "--format", "%{file}|%{style[0]}|%{variable}\n", f":family={name}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                close_fds=False,
            ),
        )
        for name in asking
    ]
    for name, listing in running:
        out, _ = listing.communicate()
        _SYSTEM[name] = _static_upright(out)
        if _SYSTEM[name] and listing.returncode == 0:
            keep("fontconfig", name, out)  # a family not found is asked again next time


#: Where fontconfig reads its settings and finds fonts, on Linux systems as they are set up.
_SETTINGS = ("/etc/fonts", "~/.config/fontconfig", "~/.fonts.conf", "~/.fonts.conf.d")
_FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def fontconfig_state() -> str | None:
    """What fontconfig's listings depend on, as one digest: fc-list itself, its settings (every
    file's size and times), and every folder of fonts (each folder's modification time, which
    changes when a font is added to it or removed, as fontconfig's own cache checks)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    h = hashlib.sha256()
    for name in (
        "FONTCONFIG_FILE",
        "FONTCONFIG_PATH",
        "FONTCONFIG_SYSROOT",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
    ):
        h.update(f"{name}={os.environ.get(name)}\0".encode())
    data_home = os.environ.get("XDG_DATA_HOME")
    config_home = os.environ.get("XDG_CONFIG_HOME")
    settings = [*_SETTINGS, *([os.path.join(config_home, "fontconfig")] if config_home else [])]
    folders = [*_FONT_FOLDERS, *([os.path.join(data_home, "fonts")] if data_home else [])]
    folders += [os.path.join(d, "fonts") for d in os.environ.get("XDG_DATA_DIRS", "").split(":") if d]
    _stat_into(h, fc_list, files=True)
    for path in settings:
        _stat_into(h, os.path.expanduser(path), files=True)
    for path in folders:
        _stat_into(h, os.path.expanduser(path), files=False)
    return h.hexdigest()


def _stat_into(h: Any, path: str, *, files: bool, depth: int = 0) -> None:
    """Each folder under `path` (and with `files`, each file) by its identity and times, into `h`."""
    try:
        st = os.stat(path)
    except OSError:
        h.update(f"{path}|-\0".encode())
        return
    h.update(f"{path}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}\0".encode())
    if not os.path.isdir(path) or depth > 8:
        return
    try:
        with os.scandir(path) as entries:
            names = sorted((e.name, e.is_dir()) for e in entries)
    except OSError:
        return
    for name, is_dir in names:
        if is_dir or files:
            _stat_into(h, os.path.join(path, name), files=files, depth=depth + 1)


def _static_upright(listing: str) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for line in sorted(listing.splitlines()):
        file, _, rest = line.partition("|")
        style, _, variable = rest.partition("|")
        if variable == "True" or not file.lower().endswith((".ttf", ".otf")):
            continue
        weight = {"Regular": REGULAR, "Bold": BOLD}.get(style)
        if weight is not None:
            found.setdefault(weight, Path(file))
    return found


@cache
def package_files(name: str) -> dict[int, Path] | None:
    """The upright files of a family installed as a Python package, by weight; 0 for a variable font."""
    if importlib.util.find_spec(_module(name)) is None:
        return None
    root = Path(importlib.import_module(_module(name)).ROOT)
    meta = json.loads(read_file(root / "metadata.json", MIB))
    out: dict[int, Path] = {}
    for f in meta["files"]:
        if f.get("style", "normal") != "normal":
            continue
        out[0 if f.get("variable") else int(f.get("weight") or REGULAR)] = root / f["path"]
    return out


def static_instance(variable: Path, weight: int) -> Path:
    """A static instance of a variable font at `weight`, made once and cached by the font's digest."""
    digest = hashlib.sha256(read_file(variable, MAX_FONT_BYTES)).hexdigest()[:16]
    target = cache_dir() / f"{variable.stem.split('[')[0]}-{digest}-w{weight}.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(variable))
    axes = {a.axisTag: a for a in font["fvar"].axes}
    location: dict[str, float] = {}
    if "wght" in axes:
        location["wght"] = max(axes["wght"].minValue, min(axes["wght"].maxValue, weight))
    if "wdth" in axes:
        location["wdth"] = max(axes["wdth"].minValue, min(axes["wdth"].maxValue, 100))
    static = instancer.instantiateVariableFont(font, location, updateFontNames=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name, then renamed: two builds at once never read half a font.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        static.save(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def known_family(name: str) -> bool:
    """Whether a family can be found by name (a fontpkg package, or fontconfig)."""
    return package_files(name) is not None or bool(system_files(name))


def family_files(name: str) -> tuple[Path, Path]:
    """The static regular and bold files of a family found by name.

    A package's static weights first; then the system's static files; then a
    static instance of the package's variable font. Raises LookupError when
    the family is nowhere.
    """
    packaged = package_files(name) or {}
    picked: list[Path] = []
    for weight in (REGULAR, BOLD):
        if weight in packaged:
            picked.append(packaged[weight])
            continue
        system = system_files(name)  # fontconfig only when the package lacks the weight
        if weight in system:
            picked.append(system[weight])
        elif 0 in packaged:
            picked.append(static_instance(packaged[0], weight))
        elif packaged or system:
            # A family with one weight only: it serves for both, as the sheet asked.
            picked.append(next(iter({**packaged, **system}.values())))
        else:
            raise LookupError(f"no font family called '{name}' is installed")
    return picked[0], picked[1]
