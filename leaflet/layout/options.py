"""What an edition asks of the layout, as plain data (no ReportLab), so editions load without it."""

from __future__ import annotations

from leaflet.frozen import frozen


@frozen
class LayoutOptions:
    """What an edition adds to or changes in the leaflet's pages."""

    #: A QR code to the online leaflet, with its address (printed editions).
    qr: bool = False
    #: Pages for notes at the end, so a booklet's pages make whole sheets.
    notes_pages: int = 0


#: The leaflet as it is, with nothing added for an edition.
PLAIN = LayoutOptions()
