"""Figures with a plain zero: a font whose zero is slashed or dotted, derived with an open one.

A slashed zero ("2Ø09", "IPG42Ø") reads as a typo to lay readers. Atkinson
Hyperlegible slashes its zero (to tell it from O) and has no alternate, so its
zero is redrawn from its own outline: the outer contour is kept, and the
counter, which the slash cuts in two, becomes one counter of the same extent
(the outer contour scaled into it, drawn the other way round so it stays
open). Every other glyph, the metrics and the character map stay as they are,
so text set in the derived font measures and reads (ToUnicode "0") exactly as
before.

The derived file is made once per source file, named by the source's digest,
and kept in a cache folder; a font whose zero has a single counter is used
unchanged.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from leaflet.cachedir import cache_folder, keep, keep_bytes, seal_of
from leaflet.safeio import MAX_FONT_BYTES, FileProblem, read_file
from leaflet.safeio import digest as file_digest

#: Raised when the derivation code changes, so old derived files are not reused.
_RECIPE = "open-zero-2"


def cache_dir() -> Path:
    """Where derived fonts are kept (`leaflet.cachedir`), else a folder of this user's own in the
    system's temporary folder."""
    base = cache_folder("fonts")
    try:
        base.mkdir(parents=True, exist_ok=True)
        if os.access(base, os.W_OK):
            return base
    except OSError:
        pass
    return _private_temporary()


#: This process's own folder for derived fonts, when no other can be trusted (made once).
_OWN: list[Path] = []


def _private_temporary() -> Path:
    """`leaflet-fonts-UID` in the temporary folder, only when it is this user's and no one else
    may write in it (its name is known to everyone: another user could have made it first, and
    put any font there); else a folder of this process's own."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    shared = Path(tempfile.gettempdir()) / f"leaflet-fonts-{uid if uid is not None else 0}"
    try:
        shared.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(shared)
        if stat.S_ISDIR(info.st_mode) and uid is not None and info.st_uid == uid:
            if info.st_mode & 0o022:
                os.chmod(shared, 0o700)  # this user's, made writable by others under a loose umask
            return shared
    except OSError:
        pass
    if not _OWN:
        own = tempfile.mkdtemp(prefix="leaflet-fonts-")
        atexit.register(shutil.rmtree, own, ignore_errors=True)
        _OWN.append(Path(own))
    return _OWN[0]


def zero_contours(path: Path) -> int:
    """How many contours the font's zero has: 2 for a plain zero, more for a slashed or dotted one."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    glyf = font["glyf"]
    name = font.getBestCmap()[0x30]
    glyph = glyf[name]
    if glyph.isComposite():
        glyph = glyf[glyph.components[0].glyphName]
    return glyph.numberOfContours


def with_open_zero(path: Path) -> Path:
    """The font at `path`, or a derived copy of it with a plain, open zero when its zero is not plain."""
    try:
        # The digest of its bytes, read again only when the file may have changed (every build
        # in a process asks again; `safeio.digest`).
        digest = file_digest(path, MAX_FONT_BYTES)[0][:24]
    except FileProblem:
        return path  # registering it says what is wrong with it
    folder = cache_dir()
    target = folder / f"{path.stem}-{_RECIPE}-{digest}.ttf"
    if target.exists() and _as_kept(target):
        return target
    plain = folder / f"{path.stem}-{_RECIPE}-{digest}.plain"
    if plain.exists():
        return path
    from fontTools.ttLib import TTFont

    # The source's own timestamps are kept (fontTools would write the time of saving), so every
    # copy derived from the same file has the same bytes, and so has every PDF that embeds one.
    font = TTFont(str(path), recalcTimestamp=False)
    if "glyf" not in font or "fvar" in font:
        return path  # only static TrueType outlines are redrawn
    glyf = font["glyf"]
    zero = font.getBestCmap().get(0x30)
    if zero is None:  # a font with no figures (Noto Sans Adlam, Noto Music): no zero to open
        _touch(plain)
        return path
    glyph = glyf[zero]
    if glyph.isComposite() or glyph.numberOfContours <= 2:
        _touch(plain)
        return path
    _open_counter(glyph, glyf)
    _rename(font)
    keep(target, lambda tmp: font.save(str(tmp)))
    # The digest of what was kept, beside it: a file cut short or replaced since is made again.
    with contextlib.suppress(OSError, FileProblem):
        keep_bytes(seal_of(target), file_digest(target, MAX_FONT_BYTES)[0].encode("ascii"))
    return target


def _as_kept(target: Path) -> bool:
    """Whether a derived font is the file made for its name: its digest that of its seal."""
    try:
        sealed = read_file(seal_of(target), 128).decode("ascii")
        return file_digest(target, MAX_FONT_BYTES)[0] == sealed
    except (FileProblem, UnicodeDecodeError):
        return False


def _open_counter(glyph: object, glyf: object) -> None:
    """Keep the outer contour of a zero; replace the pieces of its counter by one whole counter."""
    coords, ends, flags = glyph.getCoordinates(glyf)  # type: ignore[attr-defined]
    contours: list[list[tuple[int, int, int]]] = []
    start = 0
    for end in ends:
        contours.append([(*coords[i], flags[i] & 1) for i in range(start, end + 1)])
        start = end + 1

    def area(c: list[tuple[int, int, int]]) -> float:
        xs, ys = [p[0] for p in c], [p[1] for p in c]
        return (max(xs) - min(xs)) * (max(ys) - min(ys))

    outer = max(contours, key=area)
    inner = [c for c in contours if c is not outer]
    ox = [p[0] for p in outer]
    oy = [p[1] for p in outer]
    ix = [p[0] for c in inner for p in c]
    iy = [p[1] for c in inner for p in c]
    # The counter's extent: from the inner pieces' outermost points, which lie on the counter.
    sx = (max(ix) - min(ix)) / (max(ox) - min(ox))
    sy = (max(iy) - min(iy)) / (max(oy) - min(oy))
    ocx, ocy = (max(ox) + min(ox)) / 2, (max(oy) + min(oy)) / 2
    icx, icy = (max(ix) + min(ix)) / 2, (max(iy) + min(iy)) / 2
    counter = [(round(icx + (x - ocx) * sx), round(icy + (y - ocy) * sy), on) for x, y, on in reversed(outer)]
    points = outer + counter
    from fontTools.ttLib.tables import ttProgram
    from fontTools.ttLib.tables._g_l_y_f import GlyphCoordinates

    glyph.coordinates = GlyphCoordinates([(x, y) for x, y, _ in points])  # type: ignore[attr-defined]
    glyph.flags = bytearray(on for _, _, on in points)  # type: ignore[attr-defined]
    glyph.endPtsOfContours = [len(outer) - 1, len(points) - 1]  # type: ignore[attr-defined]
    glyph.numberOfContours = 2  # type: ignore[attr-defined]
    # The hinting named the old points; the new outline is drawn unhinted.
    glyph.program = ttProgram.Program()  # type: ignore[attr-defined]
    glyph.program.fromBytecode(b"")  # type: ignore[attr-defined]
    glyph.recalcBounds(glyf)  # type: ignore[attr-defined]


def _rename(font: object) -> None:
    """A modified font carries a name of its own (SIL OFL 1.1), kept close to the source's."""
    names = font["name"]  # type: ignore[index]
    for record in names.names:
        if record.nameID in (1, 3, 4, 6, 16):
            text = record.toUnicode()
            suffix = "OpenZero" if record.nameID == 6 else " Open Zero"
            record.string = (text + suffix) if record.nameID != 6 else text.replace("-", suffix + "-", 1)


def _touch(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass
