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
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from leaflet import __version__
from leaflet.frozen import frozen
from leaflet.safeio import MIB, FileProblem, as_named, identity, read_file

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
    """The tool's version and its own code, so a changed layout rule rebuilds everything.

    ReportLab's version is read from its installed metadata, found without importing
    ReportLab or importlib.metadata (both slow to load, for a skip that needs neither).
    """
    h = hashlib.sha256(f"{__version__} reportlab {_reportlab_version()}".encode())
    package = os.path.dirname(os.path.realpath(__file__))
    found = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        inside = os.path.relpath(folder, package).replace(os.sep, "/")
        found += [
            (name if inside == "." else f"{inside}/{name}", os.path.join(folder, name))
            for name in names
            if name.endswith((".py", ".json", ".yaml", ".po", ".j2"))
        ]
    for relative, path in sorted(found):
        h.update(relative.encode())
        h.update(read_file(path, 16 * MIB))
    return h.hexdigest()


def _reportlab_version() -> str:
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        # (what glob("reportlab-*.dist-info/METADATA") finds, without compiling its pattern)
        found = [
            Path(folder or ".", name, "METADATA")
            for name in sorted(names)
            if name.startswith("reportlab-") and name.endswith(".dist-info")
        ]
        for path in found:
            try:
                head = read_file(path, 1 * MIB, whole=False)
            except FileProblem:
                continue
            for line in head.decode("utf-8", "replace").splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    return "unknown"


def sheet_files(style: str, probes: list[tuple[str, bool]] | None = None) -> list[Path]:
    """A style sheet, the sheets it extends, and the font files they name: what a build reads.

    Each sheet is read once; a sheet that cannot be read ends the walk (the build reports it).
    """
    from leaflet.style import PROJECT_STYLES, STYLES_DIR, extends_target, find_sheet, is_sheet_path
    from leaflet.yamlsource import MAX_BYTES

    looked = probes if probes is not None else []
    if not is_sheet_path(style):
        looked += [
            (str(folder / f"{style}.yaml"), os.path.lexists(folder / f"{style}.yaml"))
            for folder in (PROJECT_STYLES, STYLES_DIR)
        ]
    files: list[Path] = []
    path: Path | None = find_sheet(style)
    while path is not None and path not in files:
        files.append(path)
        try:
            facts = _sheet_facts(read_file(path, MAX_BYTES), str(path))
        except FileProblem:
            break
        if facts is None:
            break
        fonts, parent = facts
        files += [path.parent / f for f in fonts]
        if parent is not None:
            looked += [
                (str(folder / f"{parent}.yaml"), os.path.lexists(folder / f"{parent}.yaml"))
                for folder in (path.parent, STYLES_DIR)
            ]
        path = None if parent is None else extends_target(path, parent)
    return files


#: What sheet_files learnt from each sheet, by the sheet's bytes: a batch reads the same few
#: sheets for every leaflet. Bounded; keyed on the whole text, so an edited sheet is read again.
_SHEETS: dict[tuple[bytes, str], tuple[tuple[str, ...], Any] | None] = {}
_SHEETS_KEPT = 32


def _sheet_facts(raw: bytes, file: str) -> tuple[tuple[str, ...], Any] | None:
    """The font files a sheet names and the sheet it extends; None for a sheet that cannot be read."""
    from leaflet.yamlsource import YamlProblem, _decode, parse_yaml

    key = (raw, file)
    if key in _SHEETS:
        return _SHEETS[key]
    facts: tuple[tuple[str, ...], Any] | None = None
    try:
        data = parse_yaml(_decode(raw, file), file).data
    except YamlProblem:
        data = None
    if isinstance(data, dict):
        fonts = data.get("fonts", {})
        families = fonts.get("families", {}) if isinstance(fonts, dict) else {}
        names = (
            tuple(str(f) for spec in families.values() if isinstance(spec, dict) for f in spec.values())
            if isinstance(families, dict)
            else ()
        )
        facts = (names, data.get("extends"))
    if len(_SHEETS) >= _SHEETS_KEPT:
        _SHEETS.clear()
    _SHEETS[key] = facts
    return facts


@cache  # the installed font packages: what a running tool was installed with
def _package_fonts() -> tuple[Path, ...]:
    import fontpkg_atkinson_hyperlegible
    import fontpkg_noto_sans

    return tuple(
        p for pkg in (fontpkg_atkinson_hyperlegible, fontpkg_noto_sans) for p in Path(pkg.ROOT).rglob("*.ttf")
    )


def _identity(path: Path) -> str:
    """A font file by what it is: its name, size, change time and inode (fonts are large; not read)."""
    seen = identity(path)
    return f"{path} missing" if seen is None else f"{path} {seen[0]} {seen[1]} {seen[2]}"


def inputs(
    content: Path,
    editions: Iterable[str],
    styles: Iterable[str],
    images: Iterable[bytes] = (),
    sheets: dict[str, list[Any]] | None = None,
    partners: Iterable[Path] = (),
) -> str:
    """What a leaflet's PDFs are built from, as one hash: the pictures it shows are part of it,
    and so is a bilingual leaflet's English partner file.

    `sheets`, when given, receives what was read of the style sheets, for `read_facts`:
    "files" (each path with its digest, a font with its identity) and "probes".
    """
    from leaflet.yamlsource import MAX_BYTES

    read = sheets if sheets is not None else {}
    read.setdefault("files", [])
    read.setdefault("probes", [])
    h = hashlib.sha256(tool_fingerprint().encode())
    h.update(" ".join(editions).encode())
    h.update(read_file(content, MAX_BYTES))
    for partner in partners:
        h.update(b"partner")
        h.update(read_file(partner, MAX_BYTES))
    for data in images:
        h.update(hashlib.sha256(data).digest())
    for style in sorted(set(styles)):
        for file in sheet_files(style, read["probes"]):
            h.update(str(file).encode())
            if file.suffix.lower() in (".ttf", ".otf"):
                identity = _identity(file)
                h.update(identity.encode())
                read["files"].append((str(file), identity))
                continue
            try:
                data = read_file(file, MAX_BYTES)
            except FileProblem:
                h.update(b"unreadable")
                read["files"].append((str(file), None))
                continue
            h.update(data)
            read["files"].append((str(file), hashlib.sha256(data).hexdigest()))
    for font in _package_fonts():
        h.update(_identity(font).encode())
    return h.hexdigest()


@frozen
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
    pdf: Path,
    expected: Expected,
    hints: dict[str, Any] | None = None,
    quick: dict[str, Any] | None = None,
    assets: Iterable[Path] = (),
    offers: Iterable[Path] = (),
) -> None:
    """Record what the PDF (or web page) now on disk was built from (after it has been written).

    `hints` are kept beside, for the next build to start from (never to decide a skip);
    `quick` is what the build read (`read_facts`), for `quick_skip`; `assets` are the
    files a web page needs beside it, vouched for with the page; `offers` are the PDFs a
    web page may list (with their sizes), each as it is now or absent: a PDF made, remade
    or removed since means the page is made again.
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
    listed: dict[str, dict[str, object] | None] = {}
    for offer in offers:
        try:
            name = _asset_name(offer, pdf)
        except ValueError:
            return  # a PDF offered from another folder: nothing to vouch for, the page is made again
        found = _digest(offer)
        listed[name] = None if found is None else {"size": found[0], "sha256": found[1]}
    if listed:
        record["offers"] = listed
    if quick is not None and len(json.dumps(quick)) <= MAX_RECORD_BYTES // 4:
        record["quick"] = quick
    data = json.dumps(record, sort_keys=True).encode()
    try:
        with_hints = json.dumps({"hints": hints or {}, **record}, sort_keys=True).encode()
    except (TypeError, ValueError):
        with_hints = data
    if len(with_hints) <= MAX_RECORD_BYTES // 2:  # hints never make a record too big to be read
        data = with_hints
    # A record is checked against the files it names before any skip rests on it: it need not
    # wait for the disk (the PDF it describes did).
    write_atomically(stamp_path(pdf), data, durable=False)


def hints(pdf: Path) -> dict[str, Any]:
    """What the last build of a PDF left for the next one to start from (empty when nothing)."""
    try:
        record = json.loads(read_file(stamp_path(pdf), MAX_RECORD_BYTES, follow_links=False))
    except (FileProblem, ValueError):
        return {}
    found = record.get("hints") if isinstance(record, dict) else None
    return found if isinstance(found, dict) else {}


def _holds(path: Path, found: object) -> bool:
    """Whether the file at `path` is the one a record describes (its size and digest)."""
    digest = _digest(path)
    return (
        digest is not None and isinstance(found, dict) and digest == (found.get("size"), found.get("sha256"))
    )


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
    assets, offers = record.get("assets", {}), record.get("offers", {})
    if not isinstance(assets, dict) or not isinstance(offers, dict):
        return False
    files = [(pdf, record["pdf"])]
    for name, found in [*assets.items(), *offers.items()]:
        path = _asset_path(name, pdf)
        if path is None:
            return False
        if name in offers and found is None and not os.path.lexists(path):
            continue  # a PDF the page could offer: absent then, absent now
        files.append((path, found))
    return all(_holds(path, found) for path, found in files)


# ---------------------------------------------------------------- the quick skip

#: The largest file a quick skip reads to compare (content, sheet, picture, settings).
_MARK_LIMIT = 64 * MIB
#: An indented `slug:` line, found in a line break and what follows it (a pattern that starts with
#: a character is looked for far faster than one that starts at any line's start).
_SLUG = re.compile(
    rb"\n[ \t]+slug[ \t]*:[ \t]*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE
)


def mark(path: Path) -> str | None:
    """A file as a skip compares it: a font by its identity, anything else by its bytes' digest.

    None for a file that cannot be read as a regular file (a link, say): no skip rests on it.
    """
    if path.suffix.lower() in (".ttf", ".otf"):
        return _identity(path)
    try:
        return hashlib.sha256(read_file(path, _MARK_LIMIT, follow_links=False)).hexdigest()
    except FileProblem:
        return None


def read_facts(
    content: tuple[Path, str | None],
    asked: tuple[tuple[str, ...], str | None, Path | None],
    made: list[tuple[Path, Expected, bool]],
    sheets: dict[str, list[Any]],
    images: Iterable[tuple[str, str, bytes]],
    settings_file: str,
    partners: Iterable[Path] = (),
) -> dict[str, Any] | None:
    """Everything a build of a content file reads and decides, for `quick_skip` to compare next time.

    Taken before the build reads anything it does not already hold, so that a file changed
    meanwhile is found changed next time: `content` is the file with the mark (`mark`) of
    its bytes taken before they were read, `images` the pictures' paths (the file, and the path
    as the content names it) with the bytes the leaflet holds, `sheets` what `inputs` read of
    the style sheets. `made` holds each file to
    be written, with what it is built from and whether its edition is tagged;
    `settings_file` is the check settings file looked for; `partners`, a bilingual
    leaflet's English file.
    """
    content_path, content_mark = content
    files = [(str(content_path.resolve()), content_mark), *sheets["files"]]
    images = list(images)
    files += [(path, hashlib.sha256(data).hexdigest()) for path, _, data in images]
    files += [(str(partner.resolve()), mark(partner)) for partner in partners]
    probes = [(path, "exists", found) for path, found in sheets["probes"]]
    # Each picture and partner by the path the content names, and the file it led to: a link
    # (to the file or a folder on the way) pointed elsewhere is another file.
    for path, named, _ in images:
        if named and named != path:
            probes.append((named, "resolves", path))
    for partner in partners:
        probes.append((as_named(partner), "resolves", str(partner.resolve())))
    for folder in [content_path.resolve().parent, *content_path.resolve().parents]:
        found = (folder / settings_file).is_file()
        probes.append((str(folder / settings_file), "file", found))
        if found:
            files.append((str(folder / settings_file), mark(folder / settings_file)))
            break
    if any(digest is None for _, digest in files):
        return None
    editions, style, output = asked
    return {
        "content": str(content_path.resolve()),
        "cwd": os.getcwd(),
        "asked": [list(editions), style, None if output is None else str(output)],
        "tool": tool_fingerprint(),
        "fonts": [_identity(font) for font in _package_fonts()],
        "made": [[str(path), e.inputs, e.edition, tagged] for path, e, tagged in made],
        "files": files,
        "probes": probes,
    }


def _candidates(content: Path, output: Path | None) -> list[Path]:
    """The records that may hold this leaflet's facts: beside the files it would write."""
    if output is not None and output.suffix.lower() == ".pdf":
        folder, prefix = output.parent, output.stem
    else:
        try:
            head = read_file(content, _MARK_LIMIT)
        except FileProblem:
            return []
        slugs = set(_SLUG.findall(b"\n" + head))  # the first line starts after a break too
        if len(slugs) != 1:
            return []
        folder, prefix = output if output is not None else Path("output"), slugs.pop().decode()
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [
        folder / name for name in sorted(names) if name.startswith(f".{prefix}") and name.endswith(".built")
    ]


def quick_skip(
    content: Path, editions: tuple[str, ...], style: str | None, output: Path | None
) -> tuple[str, ...] | None:
    """The files of a leaflet that is up to date, learnt without reading its content; else None.

    A record beside one of its files holds what its last build read (`read_facts`): when
    the content, every sheet, picture, font and settings file it read, the places it
    looked for sheets and settings, the tool and the command are all as they were, that
    build's decisions (which files, from which inputs) stand, and each file is checked
    against its record as a full check would. Anything else, and the full check decides.
    """
    asked = [list(editions), style, None if output is None else str(output)]
    try:
        where, cwd = str(content.resolve()), os.getcwd()
    except (OSError, RuntimeError):
        return None
    for record_path in _candidates(content, output):
        try:
            record = json.loads(read_file(record_path, MAX_RECORD_BYTES, follow_links=False))
        except (FileProblem, ValueError):
            continue
        facts = record.get("quick") if isinstance(record, dict) else None
        if not isinstance(facts, dict) or [facts.get("content"), facts.get("cwd"), facts.get("asked")] != [
            where,
            cwd,
            asked,
        ]:
            continue
        return _still(facts)
    return None


def _still(facts: dict[str, Any]) -> tuple[str, ...] | None:
    try:
        if any(mark(Path(path)) != digest for path, digest in facts["files"]):
            return None
        for path, kind, found in facts["probes"]:
            if kind == "resolves":
                if os.path.realpath(path) != found:
                    return None
            elif (os.path.lexists(path) if kind == "exists" else Path(path).is_file()) != found:
                return None
        if facts["tool"] != tool_fingerprint():
            return None
        if facts["fonts"] != [_identity(font) for font in _package_fonts()]:
            return None
        untagged = untagged_switch_on()
        made = [
            (Path(path), Expected(inputs, edition, tagged and not untagged))
            for path, inputs, edition, tagged in facts["made"]
        ]
    except (KeyError, TypeError, ValueError):
        return None
    if not made or not all(up_to_date(path, expected) for path, expected in made):
        return None
    return tuple(str(path) for path, _ in made)
