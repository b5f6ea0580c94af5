"""Escaping text for XML (paragraph markup, XMP), without `xml.sax.saxutils`.

The standard library's `escape` lives in a module whose imports (urllib, http, email,
ssl) cost a cold start more than everything it is used for here.
"""

from __future__ import annotations


def escape(text: str, *, quote: bool = False) -> str:
    """`&`, `<` and `>` as entities (and `"` too when `quote`): the text reads as typed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text
