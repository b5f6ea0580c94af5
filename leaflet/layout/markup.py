"""Inline content → ReportLab paragraph markup.

Every character of the author's text is escaped, so `<b>` or `&amp;` in the
content is printed as typed and never interpreted. Characters the text font
lacks are wrapped in the fallback family that has them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from leaflet.content.model import Citation, Inline, Link, NoteRef, Strong, Text, note_marker
from leaflet.escape import escape
from leaflet.fonts import FontSet
from leaflet.frozen import frozen
from leaflet.i18n import Furniture
from leaflet.typography import glue_one_letter_words, keep_figures_together


@frozen
class MarkupContext:
    """What turning inline text into paragraph markup needs: fonts, link colour, note labels."""

    fonts: FontSet
    link_colour: str
    print_addresses: bool = True
    #: How a note's marker is printed, in the leaflet's language (number → "[note 1]").
    note_label: Callable[[int], str] = note_marker
    #: Put before every place inside the leaflet a link goes to: the English half of a bilingual
    #: leaflet has places of its own ("en-title"), apart from the Welsh half's.
    anchor_prefix: str = ""
    #: One-letter words go over with the next word (Polish, Czech, Slovak: leaflet.typography).
    glue_one_letter_words: bool = False


def text_markup(text: str, ctx: MarkupContext) -> str:
    """Escape text, switching to a fallback family for characters the text font lacks."""
    if ctx.glue_one_letter_words:
        text = glue_one_letter_words(text)
    text = keep_figures_together(text)
    if ctx.fonts.text.covers_all(text):
        return escape(text)  # nearly always: one test for the whole text
    return "".join(
        escape(chunk) if family is ctx.fonts.text else f'<font face="{family.regular}">{escape(chunk)}</font>'
        for family, chunk in ctx.fonts.runs(text)
    )


def emboldened(markup: str, ctx: MarkupContext) -> str:
    """Markup drawn bold: its fallback runs take their family's bold face.

    ReportLab's bold follows `<b>` and the style's font, but a `<font face>`
    names one face, so a fallback run keeps the regular one: Welsh ŵ and ŷ in a
    bold heading were drawn regular. Here each fallback run names the bold face.
    """
    if "<font face=" not in markup:
        return markup
    for family in ctx.fonts.fallbacks:
        markup = markup.replace(f'<font face="{family.regular}">', f'<font face="{family.bold}">')
    return markup


def link_markup(url: str, label_markup: str, ctx: MarkupContext, *, underline: bool = True) -> str:
    """A live link. Underlined in running text, so colour is never its only sign; the
    contents, whose every line is a link, goes without."""
    under = ' underline="1"' if underline else ""
    if url.startswith("#") and ctx.anchor_prefix:
        url = f"#{ctx.anchor_prefix}{url[1:]}"
    return f'<a href="{escape(url, quote=True)}" color="{ctx.link_colour}"{under}>{label_markup}</a>'


def inline_markup(nodes: tuple[Inline, ...], ctx: MarkupContext) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(text_markup(node.text, ctx))
        elif isinstance(node, Strong):
            parts.append(f"<b>{emboldened(inline_markup(node.children, ctx), ctx)}</b>")
        elif isinstance(node, Link):
            label = inline_markup(node.children, ctx)
            parts.append(link_markup(node.url, label, ctx))
            shown = "".join(c.text for c in node.children if isinstance(c, Text))
            if ctx.print_addresses and not shows_address(shown, node.url):
                # Paper cannot be clicked: the address is printed beside its text.
                parts.append(text_markup(f" ({printed_address(node.url)})", ctx))
        elif isinstance(node, Citation):
            parts.append(
                link_markup(
                    f"#{citation_anchor(node.reference_id)}", text_markup(f"[{node.number}]", ctx), ctx
                )
            )
        elif isinstance(node, NoteRef):
            parts.append(
                link_markup(
                    f"#{note_anchor(node.note_id)}", text_markup(ctx.note_label(node.number), ctx), ctx
                )
            )
    return "".join(parts)


def shows_address(shown: str, url: str) -> bool:
    """Whether a link's words already give its address (so it is not printed twice).

    A phone number counts as given when its digits are the number's, however it
    is spaced: "0808 800 8000" shows tel:08088008000 and tel:+448088008000, and so
    does "Call 0808 800 8000"; an email address when the words hold it.
    """
    shown = shown.strip()
    if shown == printed_address(url):
        return True
    if url.startswith(("https://", "http://")) and shown == url.split("://", 1)[1]:
        return True  # "www.example.org" for https://www.example.org
    if url.startswith("tel:"):
        number = _phone_digits(url[4:]).lstrip("+")
        return bool(number) and number in _phone_digits(shown).lstrip("+")
    if url.startswith("mailto:"):
        return printed_address(url).lower() in shown.lower()
    return False


def _phone_digits(number: str) -> str:
    digits = re.sub(r"[^0-9+]", "", number)
    return "0" + digits[3:] if digits.startswith("+44") else digits


def note_anchor(note_id: str) -> str:
    return f"note-{note_id}"


def metadata_date(metadata: object, key: str, words: Furniture) -> str:
    """A date of the metadata (published, next_review, …) as printed in the leaflet's language
    (CLDR, through its furniture): "26 November 2026", or "June 2014" for a date written as a month."""
    value = getattr(metadata, key)
    return words.date(value, month_only=key in getattr(metadata, "month_only", ()))


def citation_anchor(reference_id: str) -> str:
    return f"ref-{reference_id}"


def printed_address(url: str) -> str:
    """How an address is printed: mailto: and tel: prefixes mean nothing on paper; a phone
    number is printed in its usual groups, never split at a line end (leaflet.phones)."""
    if url.startswith("tel:"):
        from leaflet.phones import printed_number

        return printed_number(url[4:])
    return url.removeprefix("mailto:")
