"""Making a finished PDF small enough to email, without changing what it says.

ReportLab writes every object on its own, uncompressed; a tagged leaflet has
hundreds of small structure objects. qpdf (through pikepdf) packs them into
compressed object streams, which takes a third off the file. The identifier
is derived from the content, so the same input still gives the same bytes.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any


def compact(data: bytes) -> bytes:
    import pikepdf  # imported here: only a finished build needs it

    with pikepdf.open(BytesIO(data)) as pdf:
        _glyph_texts(pdf)
        out = BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            deterministic_id=True,
        )
    return out.getvalue()


_BFCHAR = re.compile(rb"<([0-9A-F]{2})> <(F[0-9A-F]{4})>")


def _glyph_texts(pdf: Any) -> None:
    """Shaped glyphs read back as the characters they stand for.

    A glyph that is no single character (a Bengali conjunct, an Arabic
    ligature, a vowel sign drawn before its consonant) is drawn through a
    private-use code made for it (`canvas.code_for`); ReportLab's ToUnicode
    map would give that code. Here each such entry is given the glyph's own
    characters, so text taken from the page is the text that was written.
    """
    from leaflet.pdf.canvas import GLYPH_TEXT

    if not GLYPH_TEXT:
        return
    import pikepdf

    for page in pdf.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            cmap = font.get("/ToUnicode")
            if cmap is None:
                continue
            raw = cmap.read_bytes()

            def text_of(m: re.Match[bytes]) -> bytes:
                code = int(m[2], 16)
                if code not in GLYPH_TEXT:
                    return m[0]
                return b"<%s> <%s>" % (m[1], GLYPH_TEXT[code].encode("utf-16-be").hex().upper().encode())

            fixed = _BFCHAR.sub(text_of, raw)
            if fixed != raw:
                font.ToUnicode = pikepdf.Stream(pdf, fixed)
