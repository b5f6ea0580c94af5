"""Making a finished PDF small enough to email, without changing what it says.

ReportLab writes every object on its own, uncompressed; a tagged leaflet has
hundreds of small structure objects. qpdf (through pikepdf) packs them into
compressed object streams, which takes a third off the file. The identifier
is derived from the content, so the same input still gives the same bytes.
"""

from __future__ import annotations

from io import BytesIO


def compact(data: bytes) -> bytes:
    import pikepdf  # imported here: only a finished build needs it

    with pikepdf.open(BytesIO(data)) as pdf:
        out = BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            deterministic_id=True,
        )
    return out.getvalue()
