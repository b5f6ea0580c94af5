"""A style sheet (Theme) → the web edition's CSS, and the font files it names.

Sizes in points become rem (12 pt is a browser's 16 px), spaces become em of the
text they belong to, so everything grows with the reader's text size. Colours are
the sheet's, which the style loader has already checked for contrast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache

import jinja2

from leaflet.frozen import frozen
from leaflet.style import OPTIONAL_BOXES, OPTIONAL_STYLES, BoxStyle, Theme
from leaflet.web.compiled import bytecode_cache
from leaflet.web.fonts import WebFace, passage_faces, web_faces

#: Focus is shown in the colours GOV.UK and the NHS use, unless the sheet names its own.
FOCUS = "#ffdd00"


@frozen
class Stylesheet:
    """The CSS of one theme, with the name it is written under and the fonts it needs."""

    css: str
    faces: tuple[WebFace, ...]

    @property
    def file_name(self) -> str:
        return f"leaflet-{hashlib.sha256(self.css.encode()).hexdigest()[:10]}.css"


def _rem(points: float) -> str:
    return f"{points / 12:.4g}rem"


def _em(points: float, size: float) -> str:
    return f"{points / size:.3g}em" if points else "0"


def _px(points: float) -> str:
    """A line: at least a pixel, so a hairline stays visible."""
    return f"{max(1, round(points * 4 / 3))}px" if points else "0"


def _string(text: str) -> str:
    """A CSS string: the family names a sheet gives, quoted, with nothing that could end it."""
    return json.dumps(text, ensure_ascii=True).replace("<", "\\3C ")


def _text(theme: Theme, name: str) -> dict[str, str]:
    st = theme.style(name)
    return {
        "size": _rem(st.size),
        "leading": f"{st.leading / st.size:.3g}",
        "weight": "700" if st.bold else "400",
        "colour": st.colour.hex,
        "before": _em(st.space_before, st.size),
        "after": _em(st.space_after, st.size),
        # The title shrinks on a narrow screen, never below the size of an H2.
        "narrow": _rem(max(theme.style("h2").size, st.size * 0.75)),
        "indent": "1.7em",
    }


def _box(box: BoxStyle) -> dict[str, str]:
    return {
        "fill": box.fill.hex if box.fill else "transparent",
        "border": _px(box.border),
        "border_colour": box.border_colour.hex if box.border_colour else "transparent",
        "bar": _px(box.bar) if box.bar else _px(box.border),
        "bar_colour": (box.bar_colour or box.border_colour).hex
        if (box.bar_colour or box.border_colour)
        else "",
        "padding": _rem(box.padding),
        "before": _rem(box.space_before),
        "after": _rem(box.space_after),
    }


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("leaflet.web", "templates"),
        autoescape=False,  # CSS, not HTML: every value put in is a number, a #colour or a quoted string
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(__file__),
    )


def stylesheet(theme: Theme, language: str = "en", passages: Iterable[str] = ()) -> Stylesheet:
    """The CSS for a theme, for pages in `language` (whose script may need a family of its own),
    with passages in `passages` (an Urdu line in an English page: its family, its room between lines)."""
    script = theme.text_font_for(language)
    first = [script] if script != theme.text_font else []
    stack = [
        *map(_string, first),
        _string(theme.text_font),
        *map(_string, theme.fallback_fonts),
        "sans-serif",
    ]
    families = ", ".join(stack)
    faces = web_faces(theme, language)
    own = language.split("-")[0].lower()
    others = []
    for lang in sorted({p.split("-")[0].lower() for p in passages} - {own}):
        family = theme.text_font_for(lang)
        if family in (theme.text_font, script):
            continue
        # As in the PDF: the text family first, this family for what it lacks, then the rest.
        faces += passage_faces(theme, family)
        factor = theme.language_leading.get(lang)
        body = theme.style("body")
        others.append(
            {
                "lang": lang,
                "families": ", ".join([stack[len(first)], _string(family), *stack[len(first) + 1 :]]),
                "leading": f"{body.leading * factor / body.size:.3g}" if factor else "",
            }
        )
    colours = {name: colour.hex for name, colour in theme.colours.items()}
    body = theme.style("body")
    colours.setdefault("focus", FOCUS)
    colours.setdefault("focus_ink", body.colour.hex)
    for name, fallback in (
        ("on_brand", theme.style("title").colour.hex),
        ("brand", theme.style("h2").colour.hex),
        ("page", body.background.hex),
        ("ink", body.colour.hex),
    ):
        colours.setdefault(name, fallback)
    for name in ("panel", "panel_edge", "tint", "strong"):
        colours.setdefault(name, "transparent")
    styles = {name: _text(theme, name) for name in theme.styles}
    boxes = {name: _box(box) for name, box in theme.boxes.items()}
    for name, fallback in OPTIONAL_STYLES.items():
        styles.setdefault(name, styles[fallback])
    for name, fallback in OPTIONAL_BOXES.items():
        boxes.setdefault(name, boxes[fallback])
    css = (
        _environment()
        .get_template("leaflet.css.j2")
        .render(
            name=theme.name.replace("*/", "* /"),
            faces=[
                {
                    "family": _string(f.family),
                    "file": f.file_name,
                    "weight": f.weight,
                    "range": f.unicode_range,
                }
                for f in faces
            ],
            families=families,
            passages=others,
            c=colours,
            s=styles,
            b=boxes,
        )
    )
    return Stylesheet(css, faces)
