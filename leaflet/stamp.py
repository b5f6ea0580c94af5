"""What each PDF was built from, recorded beside it: a skip must be earned.

Beside `NAME.pdf` a build writes `.NAME.pdf.built`, a small JSON record of
everything that made the file: the fingerprint of its inputs (the content file,
the style sheets and the sheets they extend, the font files, the tool's own
code and version), the edition, whether it was tagged, and the size and
SHA-256 of the PDF as written. A leaflet is skipped only when every one of
its PDFs has a record that matches what would be built now *and* the PDF on
disk still has the recorded size and digest: a truncated, replaced or
untagged file is built again. The web page's record also lists the files it
needs beside it (its stylesheet and fonts in `assets/`), each with its size
and digest: a page whose stylesheet or font has gone or changed is built
again, and the file is written back.

The record is removed before the PDF is replaced and written (atomically)
after it, so an interrupted build leaves no record that vouches for the wrong
file. Records are never read or written through a symbolic link, and are read
as bounded regular files. This module imports nothing heavy (no ReportLab):
the up-to-date check is cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from leaflet import __version__
from leaflet.safeio import MIB, FileProblem, read_file

#: Set to 1 to build without a structure tree. For measuring what tagging
#: costs (bench/), never for leaflets that people will read.
UNTAGGED_SWITCH = "LEAFLET_UNTAGGED"

#: Bumped when the record's meaning changes: an older record never earns a skip.
#: (2: a web page's record lists the files it needs beside it.)
FORMAT = 2
MAX_RECORD_BYTES = 64 * 1024
#: A leaflet's PDF is well under a megabyte; anything this big is not ours to vouch for.
MAX_PDF_BYTES = 256 * MIB


def untagged_switch_on() -> bool:
    return os.environ.get(UNTAGGED_SWITCH, "") == "1"


def stamp_path(pdf: Path) -> Path:
    return pdf.with_name(f".{pdf.name}.built")


@cache
def tool_fingerprint() -> str:
    """The tool's version and its own code, so a changed layout rule rebuilds everything."""
    try:
        reportlab = metadata.version("reportlab")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        reportlab = "unknown"
    h = hashlib.sha256(f"{__version__} reportlab {reportlab}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml", ".po", ".j2"):
            h.update(path.relative_to(package).as_posix().encode())
            h.update(read_file(path, 16 * MIB))
    return h.hexdigest()


def sheet_files(style: str) -> list[Path]:
    """A style sheet, the sheets it extends, and the font files they name: what a build reads.

    Each sheet is read once; a sheet that cannot be read ends the walk (the build reports it).
    """
    from leaflet.style import extends_target, find_sheet
    from leaflet.yamlsource import YamlProblem, read_yaml

    files: list[Path] = []
    path: Path | None = find_sheet(style)
    while path is not None and path not in files:
        files.append(path)
        try:
            data = read_yaml(path).data
        except YamlProblem:
            break
        if not isinstance(data, dict):
            break
        fonts = data.get("fonts", {})
        families = fonts.get("families", {}) if isinstance(fonts, dict) else {}
        if isinstance(families, dict):
            files += [
                path.parent / str(f)
                for spec in families.values()
                if isinstance(spec, dict)
                for f in spec.values()
            ]
        parent = data.get("extends")
        path = None if parent is None else extends_target(path, parent)
    return files


def _package_fonts() -> list[Path]:
    import fontpkg_atkinson_hyperlegible
    import fontpkg_noto_sans

    return [
        p for pkg in (fontpkg_atkinson_hyperlegible, fontpkg_noto_sans) for p in Path(pkg.ROOT).rglob("*.ttf")
    ]


def _identity(path: Path) -> str:
    """A font file by what it is: its name, size, change time and inode (fonts are large; not read)."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return f"{path} missing"
    return f"{path} {info.st_size} {info.st_mtime_ns} {info.st_ino}"


def inputs(
    content: Path, editions: Iterable[str], styles: Iterable[str], images: Iterable[bytes] = ()
) -> str:
    """What a leaflet's PDFs are built from, as one hash: the pictures it shows are part of it."""
    from leaflet.yamlsource import MAX_BYTES

    h = hashlib.sha256(tool_fingerprint().encode())
    h.update(" ".join(editions).encode())
    h.update(read_file(content, MAX_BYTES))
    for data in images:
        h.update(hashlib.sha256(data).digest())
    for style in sorted(set(styles)):
        for file in sheet_files(style):
            h.update(str(file).encode())
            if file.suffix.lower() in (".ttf", ".otf"):
                h.update(_identity(file).encode())
                continue
            try:
                h.update(read_file(file, MAX_BYTES))
            except FileProblem:
                h.update(b"unreadable")
    for font in _package_fonts():
        h.update(_identity(font).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Expected:
    """What a PDF would be built from now."""

    inputs: str
    edition: str
    tagged: bool
    tool: str = __version__
    format: int = FORMAT


def _digest(pdf: Path) -> tuple[int, str] | None:
    try:
        data = read_file(pdf, MAX_PDF_BYTES, follow_links=False)
    except FileProblem:
        return None
    return len(data), hashlib.sha256(data).hexdigest()


def forget(pdf: Path) -> None:
    """Remove a PDF's record: done before the PDF is replaced."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        os.unlink(stamp_path(pdf))


def _asset_name(asset: Path, pdf: Path) -> str:
    return asset.relative_to(pdf.parent).as_posix()


def _asset_path(name: object, pdf: Path) -> Path | None:
    """A recorded file beside the page, or None for a name that would lead out of its folder."""
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
        return None
    return pdf.parent / name


def remember(
    pdf: Path, expected: Expected, hints: dict[str, Any] | None = None, assets: Iterable[Path] = ()
) -> None:
    """Record what the PDF (or web page) now on disk was built from (after it has been written).

    `hints` are kept beside, for the next build to start from (never to decide a skip);
    `assets` are the files a web page needs beside it, vouched for with the page.
    """
    from leaflet.pdf.write import write_atomically

    digest = _digest(pdf)
    if digest is None:
        return  # nothing to vouch for: the next build makes it again
    needed: dict[str, dict[str, object]] = {}
    for asset in assets:
        found = _digest(asset)
        if found is None:
            return  # a file the page needs is not there: nothing to vouch for
        needed[_asset_name(asset, pdf)] = {"size": found[0], "sha256": found[1]}
    record = {**asdict(expected), "pdf": {"size": digest[0], "sha256": digest[1]}}
    if needed:
        record["assets"] = needed
    data = json.dumps(record, sort_keys=True).encode()
    try:
        with_hints = json.dumps({"hints": hints or {}, **record}, sort_keys=True).encode()
    except (TypeError, ValueError):
        with_hints = data
    if len(with_hints) <= MAX_RECORD_BYTES // 2:  # hints never make a record too big to be read
        data = with_hints
    write_atomically(stamp_path(pdf), data)


def hints(pdf: Path) -> dict[str, Any]:
    """What the last build of a PDF left for the next one to start from (empty when nothing)."""
    try:
        record = json.loads(read_file(stamp_path(pdf), MAX_RECORD_BYTES, follow_links=False))
    except (FileProblem, ValueError):
        return {}
    found = record.get("hints") if isinstance(record, dict) else None
    return found if isinstance(found, dict) else {}


def up_to_date(pdf: Path, expected: Expected) -> bool:
    """Whether the PDF on disk is the one its record vouches for, and the record matches `expected`."""
    try:
        record = json.loads(read_file(stamp_path(pdf), MAX_RECORD_BYTES, follow_links=False))
    except (FileProblem, ValueError):
        return False
    if not isinstance(record, dict) or record.get("pdf") is None:
        return False
    wanted = {**asdict(expected)}
    if any(record.get(key) != value for key, value in wanted.items()):
        return False
    files = [(pdf, record["pdf"])]
    assets = record.get("assets", {})
    if not isinstance(assets, dict):
        return False
    for name, found in assets.items():
        path = _asset_path(name, pdf)
        if path is None:
            return False
        files.append((path, found))
    for path, found in files:
        digest = _digest(path)
        if (
            digest is None
            or not isinstance(found, dict)
            or digest != (found.get("size"), found.get("sha256"))
        ):
            return False
    return True
