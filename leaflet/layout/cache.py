"""What one process remembers between layout passes and between builds, bounded.

- Parsed markup: a paragraph's fragments, by its markup and the settings of its style.
- Line breaks: ReportLab's broken lines for those fragments at one width.
- Paginations: the page numbers a leaflet's last build settled on, as the first guess of its
  next build (always verified: a wrong guess costs a pass, never a wrong page number). They
  are also kept in the record beside each PDF, so a new process starts from them too.

Every key is made of values (text, numbers, names) or of objects the key itself holds, never
of the `id()` of something that may have been freed; each store keeps its most recent entries
only. Font files are part of a key through the names they are registered under.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import asdict
from functools import lru_cache
from typing import Any, NamedTuple

from leaflet.bounded import Bounded, Held


class Settled(NamedTuple):
    """What a settled pagination is remembered by (PAGINATIONS)."""

    theme: Held
    slug: str
    options: Any  # the edition's LayoutOptions
    bleed: float
    tagged: bool
    title_suffix: str


#: (markup, style settings) → (style, fragments, their words). A leaflet has a few hundred paragraphs.
PARSED: Bounded[tuple[Any, Any, str]] = Bounded(8192)
#: (markup, style settings, width) → ReportLab's broken lines.
LINES: Bounded[Any] = Bounded(8192)
#: Settled (theme, slug, options, bleed, tagging, title suffix) → the pagination the last build settled on.
PAGINATIONS: Bounded[Any] = Bounded(256)
#: (theme, options, bleed, tagged, the leaflet's shape) → the anchors its words name and the
#: pagination the last leaflet laid out alike settled on: a first guess, under this leaflet's
#: names, for a leaflet this process has not laid out before (a catalogue's leaflets).
LIKE: Bounded[Any] = Bounded(64)
#: (theme, style name and variant, alignment, font names, overrides) → (paragraph style, its
#: settings' key): a theme's styles are the same in every build (and never changed once made).
STYLES: Bounded[tuple[Any, Hashable | None]] = Bounded(1024)


#: Settled (as PAGINATIONS) → the last build of that leaflet and edition as `leaflet.patch` keeps it
#: (its canvas, its pages' content streams, its objects): a few for each leaflet a watch builds.
PATCHES: Bounded[Any] = Bounded(8)

#: Whether builds keep what `leaflet.pdf.patch` needs to patch their PDF after an edit (`leaflet
#: watch` turns it on): each paragraph's height and lines at every width it was asked, and
#: whether it was offered a split.
KEEPING = False


#: Each paragraph style's settings seen in this process → the number standing for them in keys.
_SETTINGS: dict[tuple[Any, ...], int] = {}
_SETTINGS_LIMIT = 4096
#: Numbers for settings, never given twice in a process.
_SERIALS = itertools.count()


def style_key(params: dict[str, Any]) -> Hashable | None:
    """The settings a paragraph style was made from, as a key (None when one is not hashable).

    The key is a number given to those exact settings the first time they are seen, and
    never to other settings: a paragraph's key is hashed and compared at every lookup, and
    the settings themselves (some twenty names, numbers and colours) are slow to hash. When
    the table is emptied (it is bounded), settings seen again get a new number, so what was
    kept under the old one is never reached again, and never served for other settings.
    """
    settings = tuple(sorted(params.items()))
    try:
        serial = _SETTINGS.get(settings)
    except TypeError:
        return None
    if serial is None:
        if len(_SETTINGS) >= _SETTINGS_LIMIT:
            _SETTINGS.clear()
        serial = _SETTINGS[settings] = next(_SERIALS)
    return serial


def recorded_paginations(theme: Any, slug: str) -> list[dict[str, Any]]:
    """The paginations this process settled on for one leaflet and theme, as data to keep beside its PDF."""
    out = []
    for key, pagination in PAGINATIONS.items():
        assert isinstance(key, Settled)
        if key.theme.obj is theme and key.slug == slug:
            out.append(
                {
                    "options": asdict(key.options),
                    "bleed": key.bleed,
                    "tagged": key.tagged,
                    "title_suffix": key.title_suffix,
                    "pages": dict(pagination.pages),
                    "total": pagination.total,
                }
            )
    return out


def recall_paginations(theme: Any, slug: str, entries: Any) -> None:
    """Paginations recorded by an earlier process, as first guesses here (each is verified when used)."""
    from leaflet.layout.options import LayoutOptions
    from leaflet.layout.story import Pagination

    for entry in entries if isinstance(entries, list) else []:
        try:
            key = Settled(
                Held(theme),
                slug,
                LayoutOptions(**entry["options"]),
                float(entry["bleed"]),
                bool(entry["tagged"]),
                str(entry["title_suffix"]),
            )
            pages = {str(anchor): int(page) for anchor, page in entry["pages"].items()}
            PAGINATIONS.put(key, Pagination(pages, int(entry["total"])))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # a record from another version of the tool: no guess from it


@lru_cache(maxsize=256)
def colour(hex_code: str) -> Any:
    """ReportLab's colour for "#rrggbb", made once: ReportLab parses a string again at every use."""
    from reportlab.lib.colors import toColor

    return toColor(hex_code)


def forget() -> None:
    """Empty every store (tests, and a watch loop told the tool itself changed)."""
    for store in (PARSED, LINES, PAGINATIONS, LIKE, STYLES, PATCHES):
        store.clear()
