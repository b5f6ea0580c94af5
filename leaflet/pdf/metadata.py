"""Document metadata: the info dictionary, fixed dates and the viewer's title."""

from __future__ import annotations

import calendar
import time
from datetime import date
from typing import Any

from reportlab.lib.utils import TimeStamp

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


def fixed_timestamp(day: date) -> TimeStamp:
    """A timestamp for the publication date, so creation dates are reproducible."""
    ts = TimeStamp(invariant=True)
    t = calendar.timegm(day.timetuple())
    ts.t = t
    ts.lt = time.gmtime(t)
    ts.YMDhms = tuple(ts.lt)[:6]
    return ts
