"""Image files named by a leaflet: found inside the content's own folder, read, and checked.

A content file may come from anyone, so an image path is held to the folder the
content file is in: no absolute paths, no `..` that climbs out, no symbolic link
that points elsewhere. An image is read once, here, and checked before anything
is laid out: a missing, unreadable, oversized or corrupt file is the editor's
problem at the path's line and column, never a traceback. PNG and JPEG are
opened with Pillow (only their headers, then a full decode inside the limits);
SVG is parsed with lxml with entities, DTDs and the network turned off, and
may not point at other files.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path, PurePosixPath, PureWindowsPath

from leaflet.content import named
from leaflet.content.model import Image
from leaflet.errors import Location
from leaflet.safeio import FileProblem, as_named, read_file

#: An image file larger than this is refused: a leaflet is sent by email.
MAX_BYTES = 8 * 1024 * 1024
#: Width or height in pixels, and pixels in all, beyond which a raster image is refused
#: (a "decompression bomb": a small file that would fill memory once decoded).
MAX_SIDE = 12_000
MAX_PIXELS = 40_000_000
#: Elements an SVG may hold: a diagram, not a map of the world.
MAX_SVG_ELEMENTS = 20_000
#: A raster image without its own resolution is printed at this many dots per inch.
DEFAULT_DPI = 150.0

_SUFFIX_KIND = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
_PIL_KIND = {"PNG": "png", "JPEG": "jpeg"}
_SVG_NS = "{http://www.w3.org/2000/svg}"
#: In a style: an `@import`, or a `url(…)` that is not a part of the image itself (#id) or a
#: picture held inside it.
_OUTSIDE_STYLE = re.compile(
    r"@import\b[^;]*|url\(\s*+(?![\"']?(?:#|data:image/(?:png|jpeg)[;,]))[^)]*\)?", re.IGNORECASE
)
_UNIT_PT = {"": 0.75, "px": 0.75, "pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pc": 12.0}


class ImageProblem(Exception):
    """What is wrong with an image file, in the editor's words."""


#: The longest name of a file or folder (bytes), and of a whole path, that file systems take.
_NAME_MAX, _PATH_MAX = 255, 4096


def _check_name(written: str) -> None:
    """A file name no file system can hold: refused before it is looked for."""
    shown = f"'{written[:60]}…'" if len(written) > 60 else f"'{written}'"
    if "\0" in written:
        raise ImageProblem("a file name cannot hold a NUL character")
    encoded = os.fsencode(written)
    if len(encoded) > _PATH_MAX or any(len(part) > _NAME_MAX for part in encoded.split(b"/")):
        raise ImageProblem(
            f"{shown} is too long for a file name (a name is at most {_NAME_MAX} bytes); name the picture more briefly"
        )


def resolve_inside(written: str, folder: Path) -> Path:
    """The file a path names, held inside `folder` (symbolic links followed, then checked)."""
    if not written.strip():
        raise ImageProblem("the path is empty")
    if PurePosixPath(written).is_absolute() or PureWindowsPath(written).is_absolute() or written[:1] in "\\/":
        raise ImageProblem(
            f"'{written}' is an absolute path; name the file relative to the content file's folder"
        )
    try:
        base = folder.resolve()
        target = (base / written).resolve()
    except RuntimeError:  # (pathlib's word for links that lead back to themselves)
        raise ImageProblem(
            f"'{written}' goes through symbolic links that loop, and reaches no file"
        ) from None
    except OSError as exc:  # a folder on the way that cannot be read
        raise ImageProblem(f"'{written}' cannot be followed to a file ({exc.strerror or exc})") from None
    if not target.is_relative_to(base):
        through = "a symbolic link that points" if ".." not in Path(written).parts else "'..' that climbs"
        raise ImageProblem(
            f"'{written}' goes through {through} outside the content file's folder; "
            "keep images beside the content file"
        )
    if not target.exists():
        raise ImageProblem(f"no file '{written}' beside the content file")
    if not target.is_file():
        raise ImageProblem(f"'{written}' is not a file")
    return target


def load_image(written: str, folder: Path, location: Location) -> Image:
    """Find, read and check one image file; raise ImageProblem saying what is wrong."""
    _check_name(written)
    named.note(folder / written)  # before it is checked: a picture still to come is watched too
    path = resolve_inside(written, folder)
    kind = _SUFFIX_KIND.get(path.suffix.lower())
    if kind is None:
        raise ImageProblem(f"'{written}' is not a PNG, JPEG or SVG file (.png, .jpg, .jpeg or .svg)")
    try:
        size = path.stat().st_size
    except OSError:  # gone since it was found
        raise ImageProblem(f"no file '{written}' beside the content file") from None
    if size > MAX_BYTES:
        raise ImageProblem(
            f"'{written}' is {size / 1048576:.1f} MB; an image may be at most {MAX_BYTES // 1048576} MB"
        )
    try:
        data = read_file(path, MAX_BYTES)
    except FileProblem as exc:
        raise ImageProblem(f"'{written}': {exc.reason}") from None
    if kind == "svg":
        width, height = _svg_size(data, written)
    else:
        kind, width, height = _raster_size(data, written, kind)
    return Image(str(path), kind, data, width, height, location, os.path.join(as_named(folder), written))


def _raster_size(data: bytes, written: str, expected: str) -> tuple[str, float, float]:
    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as im:
                kind = _PIL_KIND.get(im.format or "")
                if kind is None:
                    raise ImageProblem(f"'{written}' holds a {im.format} image; use PNG or JPEG")
                w, h = im.size
                if max(w, h) > MAX_SIDE or w * h > MAX_PIXELS:
                    raise ImageProblem(
                        f"'{written}' is {w} × {h} pixels; an image may be at most {MAX_SIDE} pixels "
                        f"wide or high and {MAX_PIXELS // 1_000_000} million pixels in all"
                    )
                dpi = im.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
                im.load()  # decodes every pixel: a truncated or corrupt file fails here
    except ImageProblem:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageProblem(f"'{written}' would be too large once decoded") from None
    except Exception:
        raise ImageProblem(f"'{written}' is not a readable {expected.upper()} image (damaged?)") from None
    if kind != expected:
        raise ImageProblem(f"'{written}' is named .{expected} but holds a {kind.upper()} image")
    try:
        dx, dy = (float(v) for v in dpi)
    except (TypeError, ValueError):
        dx = dy = DEFAULT_DPI
    dx = dx if 30 <= dx <= 2400 else DEFAULT_DPI
    dy = dy if 30 <= dy <= 2400 else DEFAULT_DPI
    return kind, w * 72 / dx, h * 72 / dy


def _svg_size(data: bytes, written: str) -> tuple[float, float]:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"'{written}' is not a readable SVG file ({exc.msg})") from None
    if root is not None and root.getroottree().docinfo.internalDTD is not None:
        # Entities can expand a few bytes into gigabytes, or read other files: none are needed.
        raise ImageProblem(f"'{written}' declares a DOCTYPE with entities; save it as plain SVG")
    if root is None or root.tag != f"{_SVG_NS}svg":
        raise ImageProblem(f"'{written}' is not an SVG image (its first element is not <svg>)")
    count = 0
    for elem in root.iter():
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise ImageProblem(f"'{written}' holds more than {MAX_SVG_ELEMENTS} elements")
        if not isinstance(elem.tag, str):
            continue
        for name, value in elem.attrib.items():
            if name.endswith("href") and not value.startswith(("#", "data:image/png", "data:image/jpeg")):
                raise ImageProblem(
                    f"'{written}' refers to another file ({value[:60]}); an SVG image must hold "
                    "everything it shows"
                )
        # Styles may refer to files too: `@import` of a style sheet, `url(…)` of a picture or font,
        # in a <style>, a style="…" or a paint or effect (fill="url(…)", filter, mask, markers).
        texts = [elem.text] if elem.tag == f"{_SVG_NS}style" else []
        texts += [value for name, value in elem.attrib.items() if "url(" in value.lower()]
        for text in texts:
            found = _OUTSIDE_STYLE.search(text) if text else None
            if found is not None:
                raise ImageProblem(
                    f"'{written}' refers to another file ({found.group(0)[:60]}); an SVG image must "
                    "hold everything it shows"
                )
    box = root.get("viewBox")
    view = None
    if box:
        parts = re.split(r"[\s,]+", box.strip())
        try:
            view = tuple(float(p) for p in parts)
        except ValueError:
            view = None
        if view is None or len(view) != 4 or view[2] <= 0 or view[3] <= 0:
            raise ImageProblem(f"'{written}' has a viewBox that is not four numbers with a size")
    width = _svg_length(root.get("width"))
    height = _svg_length(root.get("height"))
    if view is not None:
        ratio = view[3] / view[2]
        if width is None and height is None:
            width, height = view[2] * 0.75, view[3] * 0.75
        elif width is None:
            width = height / ratio  # type: ignore[operator]
        elif height is None:
            height = width * ratio
    if not width or not height or width <= 0 or height <= 0:
        raise ImageProblem(f"'{written}' says neither its size (width and height) nor its viewBox")
    return width, height


def _svg_length(value: str | None) -> float | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px|pt|mm|cm|in|pc)?\s*", value)
    if not m:
        return None  # a percentage: the viewBox decides
    return float(m.group(1)) * _UNIT_PT[m.group(2) or ""]
