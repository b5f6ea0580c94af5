"""Document metadata: the info dictionary and the viewer's title (fixed dates: leaflet.rlseam)."""

from __future__ import annotations

from typing import Any

from leaflet import __version__
from leaflet.content.model import Metadata

CREATOR = f"leaflet {__version__}"


def doc_template_options(m: Metadata) -> dict[str, Any]:
    """Keyword arguments for the document template that describe the document."""
    return {
        "title": m.title,
        "author": m.organisation,
        "subject": m.summary or m.subtitle or m.title,
        "keywords": list(m.keywords),
        "creator": CREATOR,
        "producer": CREATOR,
        "lang": m.language,
        "displayDocTitle": True,
        # No clock and no random id: the same input gives the same bytes.
        "invariant": True,
    }
