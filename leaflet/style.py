"""Style sheets: YAML → a checked, frozen Theme.

A sheet names colours, fonts, page geometry, boxes and text styles. Text styles
inherit from a `parent` (all from `base` in the end); a sheet may `extends:`
another sheet and change only what differs. Every key is known: an unknown
one, a bad unit, a missing parent, a cycle, an unknown font or a colour pair
that is hard to read is an error with its line and column, never a silent
fallback.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from leaflet.errors import Location, Problem, StyleError, did_you_mean
from leaflet.fontfiles import known_family, look_up
from leaflet.frozen import frozen
from leaflet.safeio import FileProblem, is_regular, read_file
from leaflet.yamlsource import MAX_BYTES, PathKey, YamlDocument, YamlProblem, read_yaml

#: The sheets that come with leaflet (package data, so they are there however it is installed).
STYLES_DIR = Path(__file__).resolve().parent / "styles"
#: The project's own sheets: the `styles/` folder where the tool is run (beside `output/`).
PROJECT_STYLES = Path("styles")
#: A sheet's name, as `--style NAME` and `extends: NAME` give it; anything else is a path or a mistake.
_SHEET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
_UNITS_PT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


def installed_family(name: str) -> bool:
    """Whether a font family is installed: as a Python package (fontpkg-<name>) or on the system (fontconfig)."""
    return known_family(name)


#: Every key a text style may have, and what it holds.
TEXT_KEYS = {
    "parent": "the name of the style this one starts from",
    "font": "a font family name, or a role from fonts: (text)",
    "bold": "true or false",
    "size": "a length such as 13pt",
    "leading": "a multiple of the size (1.45) or a length",
    "colour": "a colour name from colours:, or #rrggbb",
    "background": "the colour this text sits on (for the contrast check)",
    "space_before": "a length, or a multiple of the size such as 0.6em",
    "space_after": "a length, or a multiple of the size such as 0.6em",
    "align": "left, centre or right (never justified)",
}
BOX_KEYS = {
    "fill": "a colour",
    "border": "a line width such as 1pt, or 0",
    "border_colour": "a colour",
    "bar": "the width of the thick bar on the left, or 0",
    "bar_colour": "a colour",
    "padding": "a length",
    "space_before": "a length",
    "space_after": "a length",
}
PAGE_KEYS = {
    "size": "A4 or A5",
    "margin_top": "a length",
    "margin_bottom": "a length",
    "margin_left": "a length",
    "margin_right": "a length",
}
LAYOUT_KEYS = {
    "contents_columns_from": "how many entries put In this leaflet in two columns (a whole number)",
    "max_hole": "the most of a page's text height left empty before a page break, as a percentage such as 15%",
}
FONT_KEYS = {
    "text": "a family name",
    "fallback": "a list of family names",
    "families": "family files",
    "languages": "the text family for leaflets in a language, by language code (ar: Noto Sans Arabic)",
    "leading": "lines further apart in leaflets in a language, by language code, as a multiple (ur: 1.4)",
}
#: The most `fonts: leading:` may set lines further apart than the styles say.
MAX_LANGUAGE_LEADING = 2.0
FAMILY_FILE_KEYS = {"regular", "bold"}
TOP_KEYS = {
    "extends": "another sheet to start from",
    "name": "what this sheet is for",
    "large_print": "true for a large-print sheet (body text of 16 pt or more)",
    "page": "page size and margins",
    "layout": "how pages are filled and the contents set out",
    "fonts": "font families",
    "colours": "named colours",
    "boxes": "panels and callout boxes",
    "styles": "text styles",
}
REQUIRED_STYLES = (
    "base",
    "body",
    "organisation",
    "title",
    "subtitle",
    "h2",
    "h3",
    "panel_heading",
    "toc_entry",
    "callout_label",
    "quote",
    "attribution",
    "reference",
    "footer",
)
REQUIRED_BOXES = ("title_band", "panel", "callout", "footer_rule")
#: Styles for the blocks of real pages (level-4 headings, questions, quotations, notes,
#: key points): optional, each taking the style it falls back to when a sheet lacks it.
OPTIONAL_STYLES = {
    "h4": "h3",
    "question": "h3",
    "blockquote": "body",
    "blockquote_attribution": "body",
    "note": "body",
    "key_points_heading": "panel_heading",
    "key_point": "toc_entry",
}
#: Boxes for the key points and the next steps panel, and the bar beside a quotation.
OPTIONAL_BOXES = {"key_points": "panel", "next_steps": "panel", "blockquote": "callout"}
REQUIRED_COLOURS = ("link",)

#: No length in a sheet is longer than an A4 page is tall.
MAX_LENGTH = 842.0
#: The largest text a page holds legibly (a title in large print is 36pt).
MAX_TEXT_SIZE = 72.0
#: The narrowest column the words may be given, and the least height, by the margins.
MIN_COLUMN_MM = 60.0
MIN_PAGE_HEIGHT_MM = 100.0
#: A box's padding, bar and border together (both sides) leave the words this much of the column.
MAX_BOX_INSET_MM = 30.0

MIN_CONTRAST = 4.5
MIN_BODY_CONTRAST = 7.0
#: Box edges against the page: WCAG 1.4.11, contrast of graphical objects.
MIN_EDGE_CONTRAST = 3.0


# ---------------------------------------------------------------- the result


@frozen(slots=True)
class Colour:
    """A colour as a style sheet writes it: #rrggbb."""

    hex: str

    @property
    def rgb(self) -> tuple[float, float, float]:
        h = self.hex.lstrip("#")
        return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


@frozen(slots=True)
class TextStyle:
    """A text style with its inheritance resolved: font, size, leading, colour, spacing, alignment."""

    name: str
    font: str
    bold: bool
    size: float
    leading: float
    colour: Colour
    background: Colour
    space_before: float
    space_after: float
    align: str


@frozen(slots=True)
class BoxStyle:
    """A box's fill, border and bar."""

    fill: Colour | None
    border: float
    border_colour: Colour | None
    bar: float
    bar_colour: Colour | None
    padding: float
    space_before: float
    space_after: float


@frozen(slots=True)
class FontFamily:
    """A font family: by name, or with the files a sheet gives for its regular and bold."""

    name: str
    regular: Path | None
    bold: Path | None


@frozen(slots=True)
class PageStyle:
    """The page: its size and margins, in points."""

    name: str
    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float


@frozen(slots=True)
class LayoutRules:
    """How the layout decides: when the contents take two columns, and the largest hole before a break."""

    #: In this leaflet takes two columns from this many entries.
    contents_columns_from: int = 8
    #: At most this share of a page's text height is left empty before a page break
    #: (but the last): a block kept whole that would leave more is split instead.
    max_hole: float = 0.15


@frozen
class Theme:
    """A style sheet resolved: its page, fonts, colours, text styles and boxes, in points."""

    name: str
    source: str
    large_print: bool
    page: PageStyle
    text_font: str
    fallback_fonts: tuple[str, ...]
    families: dict[str, FontFamily]
    colours: dict[str, Colour]
    styles: dict[str, TextStyle]
    boxes: dict[str, BoxStyle]
    layout: LayoutRules = LayoutRules()
    #: Where each style's colour was set ("footer" → its line in the sheet or one it extends).
    colour_places: dict[str, Location] = field(default_factory=dict)
    #: The text family of leaflets in a language whose script the text family lacks (ar, bn, …).
    language_fonts: dict[str, str] = field(default_factory=dict)

    #: How many times further apart than its styles say the lines of a leaflet in a language are set.
    language_leading: dict[str, float] = field(default_factory=dict)

    def text_font_for(self, language: str) -> str:
        return self.language_fonts.get(language.split("-")[0].lower(), self.text_font)

    def for_language(self, language: str) -> Theme:
        """This sheet as a leaflet in `language` is set: its styles' leading times `fonts: leading:`.

        The same object for the same sheet and language, so a build's remembered pagination
        (keyed by the theme) is found again.
        """
        factor = self.language_leading.get(language.split("-")[0].lower())
        if not factor or factor == 1:
            return self
        key = (id(self), factor)
        held = _FOR_LANGUAGE.get(key)
        if held is None or held[0] is not self:
            styles = {name: replace(st, leading=st.leading * factor) for name, st in self.styles.items()}
            held = _FOR_LANGUAGE[key] = (self, replace(self, styles=styles))
        return held[1]

    @property
    def min_text_size(self) -> float:
        return 16.0 if self.large_print else 12.0

    def style(self, name: str) -> TextStyle:
        return self.styles[name]


#: Sheets as set in a language with its own leading: (id of the sheet, factor) → (sheet, the sheet so set).
_FOR_LANGUAGE: dict[tuple[int, float], tuple[Theme, Theme]] = {}


# ---------------------------------------------------------------- colour maths


def relative_luminance(c: Colour) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c.rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Colour, b: Colour) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def to_grey(c: Colour) -> Colour:
    """The colour as an office printer or pdftoppm -gray renders it (Rec. 601 luma)."""
    r, g, b = c.rgb
    v = round((0.299 * r + 0.587 * g + 0.114 * b) * 255)
    return Colour(f"#{v:02x}{v:02x}{v:02x}")


# ---------------------------------------------------------------- loading


def is_sheet_path(name_or_path: str) -> bool:
    """A path is explicit: it holds a `/` or ends in .yaml or .yml. Anything else is a name."""
    return "/" in name_or_path or os.sep in name_or_path or name_or_path.endswith((".yaml", ".yml"))


def find_sheet(name_or_path: str) -> Path:
    """A style sheet by path, or by name: the project's `styles/NAME.yaml`, else the built-in sheet.

    Nothing else in the working folder is looked at: a file or folder that happens
    to be called `default` or `booklet` there never restyles a leaflet.
    """
    if is_sheet_path(name_or_path):
        return Path(name_or_path)
    if _SHEET_NAME.fullmatch(name_or_path):
        for folder in (PROJECT_STYLES, STYLES_DIR):
            named = folder / f"{name_or_path}.yaml"
            if os.path.lexists(named):
                return named
    known = sorted({p.stem for folder in (PROJECT_STYLES, STYLES_DIR) for p in _sheets_in(folder)})
    hint = did_you_mean(name_or_path, known) or f"; known styles: {', '.join(known)}"
    raise StyleError(
        Problem(
            Location("--style"),
            f"no style sheet named '{name_or_path}' in styles/ or among the built-in sheets{hint} "
            "(a path to a sheet holds a / or ends in .yaml)",
        )
    )


def _sheets_in(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.glob("*.yaml") if _SHEET_NAME.fullmatch(p.stem)]
    except OSError:
        return []


def extends_target(sheet: Path, name: object) -> Path | None:
    """The sheet that `extends: NAME` in `sheet` means, or None when there is none allowed.

    NAME is a name, never a path: the sheet of that name in the same folder, else
    the built-in one (so a project's `default.yaml` may extend the built-in default).
    """
    text = str(name)
    if not _SHEET_NAME.fullmatch(text):
        return None
    for folder in (sheet.parent, STYLES_DIR):
        candidate = folder / f"{text}.yaml"
        if os.path.lexists(candidate) and not _same_file(candidate, sheet):
            return candidate
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return over


class _Layer:
    """One sheet's document, for locating values that it set."""

    def __init__(self, doc: YamlDocument, path: Path) -> None:
        self.doc = doc
        self.path = path


class _Resolver:
    def __init__(self, layers: list[_Layer]) -> None:
        self.layers = layers  # the sheet asked for first, the sheets it extends after
        self.data: dict[str, Any] = {}
        for layer in reversed(layers):
            self.data = _merge(self.data, layer.doc.data)
        self.problems: list[Problem] = []

    def at(self, path: PathKey, key: bool = False) -> Location:
        for layer in self.layers:
            if path in layer.doc.values:
                return layer.doc.at(path, key=key)
        for layer in self.layers:
            p = path
            while p:
                p = p[:-1]
                if p in layer.doc.values:
                    return layer.doc.at(p)
        return Location(self.layers[0].doc.file, 1, 1)

    def mapping(self, key: str) -> dict[str, Any]:
        """A top-level section that must be a mapping; anything else is reported and read as empty."""
        value = self.data.get(key, {})
        if isinstance(value, dict):
            return value
        self.error((key,), f"{key}: expected a mapping of keys, found {type(value).__name__}")
        return {}

    def where_set(self, path: PathKey) -> Path:
        for layer in self.layers:
            if path in layer.doc.values:
                return layer.path
        return self.layers[0].path

    def error(self, path: PathKey, message: str, key: bool = False) -> None:
        self.problems.append(Problem(self.at(path, key), message))

    def unknown_keys(self, mapping: Any, known: dict[str, str] | set[str], path: PathKey) -> None:
        if not isinstance(mapping, dict):
            self.error(path, f"{'.'.join(map(str, path))}: expected a mapping of keys")
            return
        for k in mapping:
            if k not in known:
                hint = did_you_mean(str(k), known) or f"; expected one of {', '.join(sorted(known))}"
                self.error((*path, k), f"unknown key '{k}'{hint}", key=True)

    # -- values

    def length(self, value: Any, path: PathKey, size: float | None = None) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
            return 0.0
        text = str(value).strip()
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|em)", text)
        if not m:
            self.error(path, f"{path[-1]}: expected a length such as 12pt, 4mm or 0.5em, found '{text}'")
            return 0.0
        number, unit = float(m.group(1)), m.group(2)
        if number < 0:
            self.error(path, f"{path[-1]}: a length cannot be negative, found '{text}'")
            return 0.0
        if unit == "em":
            if size is None:
                self.error(path, f"{path[-1]}: 'em' is allowed only in text styles")
                return 0.0
            points = number * size
        else:
            points = number * _UNITS_PT[unit]
        if not math.isfinite(points) or points > MAX_LENGTH:
            self.error(
                path,
                f"{path[-1]}: '{text[:20]}{'…' if len(text) > 20 else ''}' is longer than a page; "
                f"a length is at most {MAX_LENGTH:g}pt (297mm, an A4 page's height)",
            )
            return 0.0
        return points

    def colour(self, value: Any, path: PathKey) -> Colour:
        colours = self.data.get("colours", {})
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            self.error(
                path, f"{path[-1]}: expected a colour name from colours: or #rrggbb, found {_kind(value)}"
            )
            return Colour("#000000")
        if value is None or (path[0] == "colours" and value in colours and colours[value] is None):
            self.error(
                path, f'{path[-1]}: no colour given; in YAML a # starts a comment, so quote it: "#123a63"'
            )
            return Colour("#000000")
        text = str(value).strip()
        # A name from colours:, which may name another (brand: ink): followed to its #rrggbb.
        chain = [str(path[-1])] if path[0] == "colours" else []
        while True:
            if text in chain:
                if path[0] == "colours":
                    self.error(
                        path,
                        f"{path[-1]}: colours that name each other in a circle "
                        f"({' → '.join([*chain[chain.index(text) :], text])}); give one as #rrggbb",
                    )
                return Colour("#000000")
            chain.append(text)
            if not (text in colours and isinstance(colours[text], str)):
                break
            text = colours[text].strip()
        if text in colours:
            return Colour("#000000")  # a name whose colour is not one: said where colours: gives it
        if re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            return Colour(text.lower())
        if re.fullmatch(r"#[0-9a-fA-F]{3}", text):
            return Colour("#" + "".join(ch * 2 for ch in text[1:]).lower())
        if path[0] != "colours" and len(chain) > 1:
            return Colour("#000000")  # a name whose colour is not one: said where colours: gives it
        hint = did_you_mean(text, colours)
        self.error(path, f"{path[-1]}: expected a colour name from colours: or #rrggbb, found '{text}'{hint}")
        return Colour("#000000")


def _kind(value: Any) -> str:
    """What a value of the wrong type is, in an editor's words."""
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes or no)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


#: Sheets already checked in this process, with the bytes they were read from:
#: a batch of leaflets checks its style sheets once, not once a leaflet.
_THEMES: dict[Path, tuple[tuple[tuple[Path, bytes], ...], Theme]] = {}


def _stamp(paths: list[Path]) -> tuple[tuple[Path, bytes], ...]:
    # The files' bytes, not their times: an edit within a second, or one that keeps
    # the size (a colour), must still be seen. Sheets are a few kilobytes.
    return tuple((p, read_file(p, MAX_BYTES)) for p in paths)


class _Pinned(threading.local):
    """The sheets of the builds under way in this thread (`one_version`), innermost last, by the
    name they were asked for."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, Theme]] = []


_PINNED = _Pinned()


@contextmanager
def one_version() -> Iterator[None]:
    """Within the block, a sheet asked for again (in this thread) is the one loaded first, not
    read again.

    The stages of one build (its layout, its checks, its records) each ask for the sheets
    of its editions; they all see one version of each, whatever happens to the files
    meanwhile, and the files are read once a build, not once a stage.
    """
    _PINNED.blocks.append({})
    try:
        yield
    finally:
        _PINNED.blocks.pop()


def load_theme(name_or_path: str = "default") -> Theme:
    """Load, merge, resolve and check a style sheet; raise StyleError listing every problem.

    A sheet is read again whenever its files' bytes have changed, except within `one_version`.
    """
    if not _PINNED.blocks:
        return _load_theme(name_or_path)
    pinned = _PINNED.blocks[-1]
    theme = pinned.get(name_or_path)
    if theme is None:
        theme = pinned[name_or_path] = _load_theme(name_or_path)
    return theme


def _load_theme(name_or_path: str) -> Theme:
    """`load_theme` itself: the sheet as its files are now (made once while their bytes are the same)."""
    path = find_sheet(name_or_path)
    cached = _THEMES.get(path.resolve())
    if cached is not None:
        try:
            if _stamp([p for p, _ in cached[0]]) == cached[0]:
                return cached[1]
        except FileProblem:
            pass
    layers: list[_Layer] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            # Said at the `extends:` that closes the circle.
            where = layers[-1].doc.at(("extends",)) if layers else Location.of_file(current)
            raise StyleError(
                Problem(where, f"the sheet extends itself (a cycle of extends: back to {current.name})")
            )
        seen.add(resolved)
        try:
            doc = read_yaml(current)
        except YamlProblem as exc:
            raise StyleError(exc.problem) from None
        if not isinstance(doc.data, dict):
            raise StyleError(Problem(doc.at(()), "expected a mapping of style-sheet keys"))
        layers.append(_Layer(doc, current))
        parent = doc.data.get("extends")
        if parent is None:
            current = None
        else:
            current = extends_target(current, parent)
            if current is None:
                raise StyleError(Problem(doc.at(("extends",)), _no_parent(parent)))
    theme = _build(_Resolver(layers), path)
    _THEMES[path.resolve()] = (_stamp([layer.path.resolve() for layer in layers]), theme)
    return theme


def _no_parent(parent: object) -> str:
    if not _SHEET_NAME.fullmatch(str(parent)):
        return (
            f"extends: '{parent}' is not a sheet's name; name a sheet in the same folder "
            "(or a built-in one), never a path to elsewhere"
        )
    return f"extends: no sheet '{parent}' beside this one, nor a built-in sheet of that name"


def _build(r: _Resolver, path: Path) -> Theme:
    d = r.data
    for layer in r.layers:
        r.unknown_keys(layer.doc.data, TOP_KEYS, ())
    large_print = d.get("large_print", False)
    if not isinstance(large_print, bool):
        r.error(("large_print",), f"large_print: expected true or false, found '{large_print}'")
        large_print = False

    page_raw = r.mapping("page")
    r.unknown_keys(page_raw, PAGE_KEYS, ("page",))
    size_name = str(page_raw.get("size", "A4"))
    if size_name not in PAGE_SIZES_MM:
        r.error(("page", "size"), f"size: expected one of {', '.join(PAGE_SIZES_MM)}, found '{size_name}'")
        size_name = "A4"
    w_mm, h_mm = PAGE_SIZES_MM[size_name]
    margins = {k: r.length(page_raw.get(k, "20mm"), ("page", k)) for k in PAGE_KEYS if k.startswith("margin")}
    page = PageStyle(size_name, w_mm * _UNITS_PT["mm"], h_mm * _UNITS_PT["mm"], **margins)
    mm = _UNITS_PT["mm"]
    column = page.width - page.margin_left - page.margin_right
    if column < MIN_COLUMN_MM * mm:
        r.error(
            ("page", "margin_right" if "margin_right" in page_raw else "margin_left"),
            f"page: the margins leave a column of {column / mm:.0f} mm on {size_name}; "
            f"at least {MIN_COLUMN_MM:g} mm is needed for the words",
        )
    height = page.height - page.margin_top - page.margin_bottom
    if height < MIN_PAGE_HEIGHT_MM * mm:
        r.error(
            ("page", "margin_bottom" if "margin_bottom" in page_raw else "margin_top"),
            f"page: the margins leave {height / mm:.0f} mm of height on {size_name}; "
            f"at least {MIN_PAGE_HEIGHT_MM:g} mm is needed",
        )

    layout = _layout(r, r.mapping("layout"))

    fonts_raw = r.mapping("fonts")
    r.unknown_keys(fonts_raw, FONT_KEYS, ("fonts",))
    families = _families(r, fonts_raw.get("families", {}))
    text_font = str(fonts_raw.get("text", "Atkinson Hyperlegible"))
    fallback_raw = fonts_raw.get("fallback", []) or []
    if not isinstance(fallback_raw, list):
        r.error(("fonts", "fallback"), f"fallback: expected a list of family names, such as [{fallback_raw}]")
        fallback_raw = []
    fallback = tuple(str(f) for f in fallback_raw)
    # fontconfig is asked about every family the sheet names at once, not one after another
    languages_raw = fonts_raw.get("languages", {}) or {}
    named = [
        text_font,
        *fallback,
        *(map(str, languages_raw.values()) if isinstance(languages_raw, dict) else ()),
    ]
    look_up(f for f in named if f not in families)
    for i, fam in enumerate((text_font, *fallback)):
        if fam not in families and installed_family(fam):
            families[fam] = FontFamily(fam, None, None)
        if fam not in families:
            hint = did_you_mean(fam, families) or (
                f"; known: {', '.join(sorted(families))}"
                if families
                else " (the sheet names no family under fonts: families, and the system has none of this name)"
            )
            where: PathKey = ("fonts", "text") if i == 0 else ("fonts", "fallback", i - 1)
            r.error(where, f"unknown font family '{fam}'{hint}")

    language_fonts: dict[str, str] = {}
    if not isinstance(languages_raw, dict):
        r.error(("fonts", "languages"), "languages: expected a mapping of language code to family name")
        languages_raw = {}
    for lang, fam in languages_raw.items():
        fam = str(fam)
        if fam not in families and installed_family(fam):
            families[fam] = FontFamily(fam, None, None)
        if fam not in families:
            r.error(("fonts", "languages", lang), f"unknown font family '{fam}' (is it installed?)")
        language_fonts[str(lang)] = fam

    leading_raw = fonts_raw.get("leading", {}) or {}
    language_leading: dict[str, float] = {}
    if not isinstance(leading_raw, dict):
        r.error(
            ("fonts", "leading"),
            "leading: expected a mapping of language code to a multiple, such as ur: 1.4",
        )
        leading_raw = {}
    for lang, factor in leading_raw.items():
        if (
            isinstance(factor, bool)
            or not isinstance(factor, int | float)
            or not 1 <= factor <= MAX_LANGUAGE_LEADING
        ):
            r.error(
                ("fonts", "leading", lang),
                f"leading: {factor!r} for '{lang}' is not a multiple from 1 to {MAX_LANGUAGE_LEADING:g} "
                "of the styles' own leading",
            )
            continue
        language_leading[str(lang)] = float(factor)

    colours_raw = r.mapping("colours")
    colours = {name: r.colour(value, ("colours", name)) for name, value in colours_raw.items()}
    for name in REQUIRED_COLOURS:
        if name not in colours:
            r.error(("colours",), f"colours: missing '{name}'")

    boxes_raw = r.mapping("boxes")
    boxes = {}
    r.unknown_keys(boxes_raw, {*REQUIRED_BOXES, *OPTIONAL_BOXES}, ("boxes",))
    for name, raw in boxes_raw.items():
        r.unknown_keys(raw, BOX_KEYS, ("boxes", name))
        if isinstance(raw, dict) and (name in REQUIRED_BOXES or name in OPTIONAL_BOXES):
            boxes[name] = _box(r, raw, ("boxes", name))
    for name in REQUIRED_BOXES:
        if name not in boxes:
            r.error(("boxes",), f"boxes: missing '{name}'")

    colour_places: dict[str, Location] = {}
    styles = _text_styles(r, d.get("styles", {}), text_font, families, colour_places)
    for name in REQUIRED_STYLES:
        if name not in styles and not (isinstance(d.get("styles"), dict) and name in d["styles"]):
            r.error(("styles",), f"styles: missing '{name}'")
    for name, instead in OPTIONAL_STYLES.items():
        if name not in styles and instead in styles:
            styles[name] = styles[instead]
    for name, instead in OPTIONAL_BOXES.items():
        if name not in boxes and instead in boxes:
            boxes[name] = boxes[instead]

    theme = Theme(
        name=str(d.get("name", path.stem)),
        source=r.layers[0].doc.file,
        large_print=large_print,
        page=page,
        text_font=text_font,
        fallback_fonts=fallback,
        families=families,
        colours=colours,
        styles=styles,
        boxes=boxes,
        layout=layout,
        colour_places=colour_places,
        language_fonts=language_fonts,
        language_leading=language_leading,
    )
    if not r.problems:
        _check_legibility(r, theme)
    if r.problems:
        # A value inherited by many styles is wrong once, where it is written.
        unique = list(dict.fromkeys(r.problems))
        raise StyleError(sorted(unique, key=lambda p: (p.location.file, p.location.line, p.location.column)))
    return theme


def _layout(r: _Resolver, raw: dict[str, Any]) -> LayoutRules:
    r.unknown_keys(raw, LAYOUT_KEYS, ("layout",))
    rules = LayoutRules()
    columns = raw.get("contents_columns_from", rules.contents_columns_from)
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        r.error(
            ("layout", "contents_columns_from"),
            f"contents_columns_from: expected a whole number of entries such as 8, found '{columns}'",
        )
        columns = rules.contents_columns_from
    hole = raw.get("max_hole", f"{rules.max_hole * 100:g}%")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", str(hole).strip())
    if not m or not 0 < float(m.group(1)) < 100:
        r.error(
            ("layout", "max_hole"),
            f"max_hole: expected a percentage between 0 and 100 such as 15%, found '{hole}'",
        )
        share = rules.max_hole
    else:
        share = float(m.group(1)) / 100
    return LayoutRules(columns, share)


def _families(r: _Resolver, raw: Any) -> dict[str, FontFamily]:
    out: dict[str, FontFamily] = {}
    if not isinstance(raw, dict):
        r.error(("fonts", "families"), "families: expected a mapping of family name to files")
        return out
    for name, files in raw.items():
        p: PathKey = ("fonts", "families", name)
        r.unknown_keys(files, FAMILY_FILE_KEYS, p)
        if not isinstance(files, dict):
            continue
        found: dict[str, Path | None] = {}
        for weight in ("regular", "bold"):
            if weight not in files:
                r.error(p, f"families.{name}: missing '{weight}'")
                found[weight] = None
                continue
            if "\x00" in str(files[weight]):
                r.error((*p, weight), f"{weight}: a font file's name cannot hold a NUL character")
                found[weight] = None
                continue
            file = (r.where_set((*p, weight)).parent / str(files[weight])).resolve()
            if not is_regular(file) or file.suffix.lower() not in (".ttf", ".otf"):
                r.error((*p, weight), f"{weight}: no TrueType font file at {file}")
            else:
                wrong = _not_embeddable(file)
                if wrong:
                    r.error((*p, weight), f"{weight}: {file} {wrong}")
            found[weight] = file
        out[name] = FontFamily(name, found["regular"], found["bold"])
    return out


#: The first four bytes of a font file, by what it holds.
_TRUETYPE = (b"\x00\x01\x00\x00", b"true")
_CFF = b"OTTO"


def _not_embeddable(file: Path) -> str | None:
    """Why a font file cannot be embedded (ReportLab embeds TrueType outlines only), or None."""
    try:
        head = read_file(file, 4, whole=False)
    except FileProblem as exc:
        return f"cannot be read ({exc.reason})"
    if head in _TRUETYPE:
        return None
    if head == _CFF:
        return (
            "is an OpenType font with PostScript (CFF) outlines, which cannot be embedded; "
            "use the family's TrueType (.ttf) files"
        )
    if head == b"ttcf":
        return "is a font collection (.ttc); name one TrueType (.ttf) file of it"
    return "is not a TrueType font file"


def _box(r: _Resolver, raw: dict[str, Any], path: PathKey) -> BoxStyle:
    def colour(key: str) -> Colour | None:
        return r.colour(raw[key], (*path, key)) if key in raw else None

    def length(key: str) -> float:
        return r.length(raw.get(key, 0), (*path, key))

    box = BoxStyle(
        fill=colour("fill"),
        border=length("border"),
        border_colour=colour("border_colour"),
        bar=length("bar"),
        bar_colour=colour("bar_colour"),
        padding=length("padding"),
        space_before=length("space_before"),
        space_after=length("space_after"),
    )
    inset = 2 * box.padding + box.bar + 2 * box.border
    if inset > MAX_BOX_INSET_MM * _UNITS_PT["mm"]:
        where = next((k for k in ("padding", "bar", "border") if k in raw), "padding")
        r.error(
            (*path, where),
            f"{'.'.join(map(str, path))}: padding, bar and border take {inset / _UNITS_PT['mm']:.0f} mm of "
            f"the column; at most {MAX_BOX_INSET_MM:g} mm leaves the words room",
        )
    return box


def _text_styles(
    r: _Resolver,
    raw: Any,
    text_font: str,
    families: dict[str, FontFamily],
    colour_places: dict[str, Location],
) -> dict[str, TextStyle]:
    if not isinstance(raw, dict) or "base" not in raw:
        r.error(("styles",), "styles: expected a mapping of named styles, with 'base' among them")
        return {}
    for name, entry in raw.items():
        r.unknown_keys(entry, TEXT_KEYS, ("styles", name))
    # A style the leaflet never uses is a typo unless other styles start from it.
    parents = {
        e.get("parent") for e in raw.values() if isinstance(e, dict) and isinstance(e.get("parent"), str)
    }
    for name in raw:
        if name not in REQUIRED_STYLES and name not in OPTIONAL_STYLES and name not in parents:
            known = [*REQUIRED_STYLES, *OPTIONAL_STYLES]
            hint = did_you_mean(str(name), known) or " (nothing uses it, and no style starts from it)"
            r.error(("styles", name), f"unknown style '{name}'{hint}", key=True)

    # Each style's values, and the style each value comes from: its parent's, then its own.
    # Resolved once a style, walking up only to a style already resolved (no recursion), so a
    # chain of parents costs its length, however long.
    resolved: dict[str, tuple[dict[str, Any], dict[str, str]] | None] = {}
    for name in raw:
        chain: list[str] = []
        on_chain: set[str] = set()
        current: str | None = name
        broken = False
        while current is not None and current not in resolved:
            if current in on_chain:
                r.error(
                    ("styles", name, "parent"),
                    f"styles.{name}: parents form a cycle ({' → '.join([*chain, current])})",
                )
                broken = True
                break
            chain.append(current)
            on_chain.add(current)
            entry = raw.get(current) or {}
            parent = entry.get("parent") if isinstance(entry, dict) else None
            if parent is None:
                parent = "base" if current != "base" else None
            elif not isinstance(parent, str):
                r.error(
                    ("styles", current, "parent"),
                    f"styles.{current}: parent: expected the name of another style, found {_kind(parent)}",
                )
                broken = True
                break
            elif parent not in raw:
                hint = did_you_mean(str(parent), raw)
                r.error(("styles", current, "parent"), f"styles.{current}: no style named '{parent}'{hint}")
                broken = True
                break
            current = parent
        below = None if broken else (resolved[current] if current is not None else ({}, {}))
        for link in reversed(chain):
            if below is not None:
                merged, origin = dict(below[0]), dict(below[1])
                entry = raw.get(link) or {}
                if isinstance(entry, dict):
                    for k, v in entry.items():
                        if k != "parent":
                            merged[k] = v
                            origin[k] = link
                below = (merged, origin)
            resolved[link] = below

    out: dict[str, TextStyle] = {}
    for name in raw:
        values = resolved.get(name)
        if values is None:
            continue
        merged, origin = values

        def where(key: str, origin: dict[str, str] = origin) -> PathKey:
            return ("styles", origin.get(key, "base"), key)

        before = len(r.problems)
        size = r.length(merged.get("size", "12pt"), where("size"))
        size_ok = len(r.problems) == before
        leading_raw = merged.get("leading", 1.4)
        if isinstance(leading_raw, int | float) and not isinstance(leading_raw, bool):
            if not math.isfinite(leading_raw) or leading_raw > 3.0:
                # (Below 1 is said by the check that lines are not closer than the size.)
                r.error(
                    where("leading"),
                    f"styles.{origin.get('leading', 'base')}: leading {leading_raw} is not a multiple of the "
                    "size from 1.0 to 3.0 (1.2 to 1.5 reads best)",
                )
                leading_raw = 1.4
            leading = float(leading_raw) * size
        else:
            before = len(r.problems)
            leading = r.length(leading_raw, where("leading"), size)
            if len(r.problems) > before:
                leading = size * 1.4  # already reported
            elif leading > 3 * size:
                r.error(
                    where("leading"),
                    f"styles.{origin.get('leading', 'base')}: leading {leading_raw} sets lines more than three "
                    "sizes apart",
                )
        bold = merged.get("bold", False)
        if not isinstance(bold, bool):
            r.error(where("bold"), f"bold: expected true or false (unquoted), found '{bold}'")
            bold = False
        align = str(merged.get("align", "left"))
        if align not in ("left", "centre", "right"):
            r.error(
                where("align"),
                f"align: expected left, centre or right (text is never justified), found '{align}'",
            )
            align = "left"
        font = str(merged.get("font", "text"))
        if font == "text":
            font = text_font
        elif font not in families and installed_family(font):
            families[font] = FontFamily(font, None, None)
        elif font not in families:
            r.error(where("font"), f"font: unknown font family '{font}'")
        colour_places[name] = r.at(where("colour"))
        out[name] = TextStyle(
            name=name,
            font=font,
            bold=bold,
            size=size,
            leading=leading,
            colour=r.colour(merged.get("colour", "#000000"), where("colour")),
            background=r.colour(merged.get("background", "#ffffff"), where("background")),
            space_before=r.length(merged.get("space_before", 0), where("space_before"), size),
            space_after=r.length(merged.get("space_after", 0), where("space_after"), size),
            align=align,
        )
        size_from = origin.get("size", "base")
        if size_ok and size > MAX_TEXT_SIZE:
            r.error(
                where("size"),
                f"styles.{size_from}: text of {size:g} pt is over the {MAX_TEXT_SIZE:g} pt a page can hold",
            )
        if size_ok and size < (16.0 if r.data.get("large_print") else 12.0):
            # Said once, of the style that sets the size, not of every style inheriting it.
            r.error(
                where("size"),
                f"styles.{size_from}: text of {size:g} pt is below the "
                f"{'16' if r.data.get('large_print') else '12'} pt minimum for "
                f"{'large print' if r.data.get('large_print') else 'a leaflet'}",
            )
        if size_ok and leading < size:
            r.error(
                where("leading"),
                f"styles.{origin.get('leading', 'base')}: leading {leading_raw} sets lines closer than "
                "the text size; use at least 1.2 (Clear Print asks for generous leading)",
            )
    return out


#: The box each style is drawn in; its text must be read against that box's fill.
DRAWN_IN = {
    "organisation": "title_band",
    "title": "title_band",
    "subtitle": "title_band",
    "panel_heading": "panel",
    "callout_label": "callout",
    "quote": "callout",
    "attribution": "callout",
    "key_points_heading": "key_points",
    "key_point": "key_points",
}


def _check_legibility(r: _Resolver, theme: Theme) -> None:
    """Every text/background pair readable, in colour and printed in grey."""
    link = theme.colours["link"]
    for name, box_name in DRAWN_IN.items():
        box = theme.boxes.get(box_name)
        st, fill = theme.styles.get(name), box.fill if box is not None else None
        if st is not None and fill is not None and st.background != fill:
            r.error(
                ("styles", name, "background"),
                f"styles.{name}: background {st.background.hex} is not the fill of boxes.{box_name} "
                f"({fill.hex}), which this text is drawn on; set background: to the box's colour",
            )
    page = theme.colours.get("page", Colour("#ffffff"))
    for name, box in theme.boxes.items():
        for what, colour in (("border_colour", box.border_colour), ("bar_colour", box.bar_colour)):
            if colour is None or not (box.border if what == "border_colour" else box.bar):
                continue
            for grey in (False, True):
                ratio = (
                    contrast_ratio(to_grey(colour), to_grey(page)) if grey else contrast_ratio(colour, page)
                )
                if ratio < MIN_EDGE_CONTRAST:
                    r.error(
                        ("boxes", name, what),
                        f"boxes.{name}: {what} {colour.hex} on the page ({page.hex}) has contrast {ratio:.2f}:1"
                        f"{' when printed in grey' if grey else ''}; at least {MIN_EDGE_CONTRAST:g}:1 keeps the box "
                        "a box on a black-and-white printer",
                    )
                    break
    for name, st in theme.styles.items():
        need = MIN_BODY_CONTRAST if name in ("base", "body") else MIN_CONTRAST
        pairs = [("text", st.colour)]
        if name in ("body", "reference", "toc_entry", "quote", "attribution"):
            pairs.append(("link", link))
        for what, fg in pairs:
            for grey in (False, True):
                a, b = (to_grey(fg), to_grey(st.background)) if grey else (fg, st.background)
                ratio = contrast_ratio(a, b)
                if ratio < need:
                    r.error(
                        ("colours", "link") if what == "link" else ("styles", name, "colour"),
                        f"styles.{name}: {what} colour {fg.hex} on {st.background.hex} has contrast "
                        f"{ratio:.2f}:1{' when printed in grey' if grey else ''}; at least {need:g}:1 is needed",
                    )
                    break
