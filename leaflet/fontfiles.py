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
import re
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from leaflet.cachedir import cache_folder, keep
from leaflet.safeio import MAX_FONT_BYTES, MIB, read_file

REGULAR, BOLD = 400, 700


def _module(name: str) -> str:
    return "fontpkg_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def cache_dir() -> Path:
    return cache_folder("fonts")


#: Each family's static upright files as fontconfig lists them, by name (bounded: a few sheets' families).
_SYSTEM: dict[str, dict[int, Path]] = {}
_MAX_SYSTEM = 256


def known() -> dict[str, dict[int, Path]]:
    """What fontconfig has answered so far in this process, by family (a copy)."""
    return dict(_SYSTEM)


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
    if shutil.which("fc-list") is None:
        _SYSTEM.update({name: {} for name in wanted})
        return
    running = [
        (
            name,
            subprocess.Popen(
                [
                    "fc-list",
                    "--format",
                    "%{file}|%{style[0]}|%{slant}|%{width}|%{variable}\n",
                    f":family={name}",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            ),
        )
        for name in wanted
    ]
    for name, listing in running:
        out, _ = listing.communicate()
        _SYSTEM[name] = _static_upright(out)


#: The names a family gives its upright regular and bold styles (DejaVu calls its regular
#: "Book"); fontconfig's slant for upright and width for normal (not condensed), by number.
_STYLE_WEIGHTS = {"Regular": REGULAR, "Book": REGULAR, "Roman": REGULAR, "Normal": REGULAR, "Bold": BOLD}
_FC_UPRIGHT, _FC_NORMAL_WIDTH = "0", "100"


def _static_upright(listing: str) -> dict[int, Path]:
    found: dict[int, Path] = {}
    ranks: dict[int, str] = {}
    for line in sorted(listing.splitlines()):
        fields = line.split("|")
        if len(fields) != 5:
            continue
        file, style, slant, width, variable = fields
        if variable == "True" or not file.lower().endswith((".ttf", ".otf")):
            continue
        if slant != _FC_UPRIGHT or width != _FC_NORMAL_WIDTH or style not in _STYLE_WEIGHTS:
            continue
        weight = _STYLE_WEIGHTS[style]
        # A family's "Regular" before a lighter "Book" or "Roman" it may also have.
        if weight not in found or (style == "Regular" and ranks.get(weight) != "Regular"):
            found[weight] = Path(file)
            ranks[weight] = style
    return found


#: Every font package looked for in this process, and where it was found (None: not installed).
_PACKAGES_ASKED: dict[str, str | None] = {}


def packages_asked() -> dict[str, str | None]:
    """The font packages this process looked for, by module, and where each was found (a copy)."""
    return dict(_PACKAGES_ASKED)


def package_origin(module: str) -> str | None:
    """Where a font package's module is installed now, or None."""
    spec = importlib.util.find_spec(module)
    return None if spec is None else str(spec.origin)


@cache
def package_files(name: str) -> dict[int, Path] | None:
    """The upright files of a family installed as a Python package, by weight; 0 for a variable font."""
    origin = _PACKAGES_ASKED[_module(name)] = package_origin(_module(name))
    if origin is None:
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
    # Written beside its final name, then renamed: two builds at once never read half a font.
    return keep(target, lambda tmp: static.save(str(tmp)))


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
