"""The small inline markup of leaflet text.

    **bold words**          strong emphasis (use sparingly: Clear Print)
    [link text](https://…)  a link; http, https, mailto and tel only
    [@reference-id]         a citation of an entry in `references`, printed [n]
    [^note-id]              a marker pointing at a note of the leaflet, printed [note n]
    \\*  \\[  \\]  \\\\         a character that would otherwise be markup

Everything else is literal: `<b>`, `&amp;` or `{{x}}` are printed as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import field

from leaflet.content.model import Citation, Inline, Link, NoteRef, Strong, Text
from leaflet.content.texts import prints_nothing
from leaflet.errors import Location, Problem
from leaflet.frozen import frozen

ALLOWED_SCHEMES = ("http://", "https://", "mailto:", "tel:")

_TOKEN = re.compile(
    r"""
      (?P<escape>\\[\\*\[\]])
    | (?P<cite>\[@(?P<ref>[a-z0-9]+(?:-[a-z0-9]+)*)\])
    | (?P<note>\[\^(?P<note_id>[a-z0-9]+(?:-[a-z0-9]+)*)\])
    | (?P<link>\[(?P<label>(?:\\.|[^\]\\])+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))*)\))
    | (?P<bold>\*\*)
    """,
    re.VERBOSE,
)


@frozen
class InlineContext:
    """What the parser needs from the document around it."""

    reference_numbers: dict[str, int]
    #: "; did you mean 'x'?" for a name that is not among the choices (references' or notes' ids), or "".
    suggest: Callable[[str, list[str]], str]
    #: Each note's number, by its id.
    note_numbers: dict[str, int] = field(default_factory=dict)


#: The longest address: what browsers, email programs and QR codes take.
MAX_ADDRESS = 2_000
#: A telephone number's digits, at most (ITU-T E.164, a country code included).
MAX_PHONE_DIGITS = 15
#: What a tel: address may hold: a + for a country code, then digits and what groups them.
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")


def check_address(url: str) -> str | None:
    """Why an address cannot be used, or None when it can."""
    lowered = url.strip().lower()
    if not lowered.startswith(ALLOWED_SCHEMES):
        scheme = lowered.split(":", 1)[0] if ":" in lowered else ""
        if scheme:
            return f"links with the '{scheme}:' scheme are not allowed; use http, https, mailto or tel"
        return "a link address must start with https://, http://, mailto: or tel:"
    if lowered in ALLOWED_SCHEMES:
        return "the link address is empty after its scheme"
    if len(url) > MAX_ADDRESS:
        return f"the link address is {len(url):,} characters; an address is at most {MAX_ADDRESS:,}"
    if lowered.startswith("tel:"):
        # (An address's spaces may be written %20; an extension follows ";ext=".)
        number = re.sub(r";ext=\d+$", "", url.strip()[4:]).replace("%20", " ")
        if not _PHONE.fullmatch(number):
            return (
                f"'{url.strip()[:40]}' is not a phone number: a tel: address is digits, with spaces, "
                "brackets or hyphens between them and a + before a country code (tel:08088008000)"
            )
        digits = sum(ch.isdigit() for ch in number)
        if digits > MAX_PHONE_DIGITS:
            return f"a phone number has at most {MAX_PHONE_DIGITS} digits; this one has {digits}"
    return None


#: "](" or "] (" outside a well-formed link: a link that is not closed, or with a space in its address.
_BROKEN_LINK = re.compile(r"(?<!\\)\]\s?\(")


def _malformed_links(
    source: str, links: list[tuple[int, int]], loc: Callable[[int], Location], problems: list[Problem]
) -> None:
    """A link the markup cannot read is an error, never printed as raw brackets."""
    for m in _BROKEN_LINK.finditer(source):
        if any(start <= m.start() < end for start, end in links):
            continue
        opening = source.rfind("[", 0, m.start())
        problems.append(
            Problem(
                loc(opening if opening >= 0 else m.start()),
                "this link cannot be read: write [link text](https://…) with no space before '(' "
                "or inside the address, and close it with ')'; to print a bracket, write \\[ or \\]",
            )
        )


def _fold(text: str) -> str:
    """Runs of white space (line folding, double spaces) become one space; accents are composed."""
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


def parse_inline(
    source: str,
    loc: Callable[[int], Location],
    ctx: InlineContext,
    problems: list[Problem],
) -> tuple[Inline, ...]:
    """Parse one text value; problems are appended, never raised.

    `loc(offset)` tells where the character at `offset` of `source` stands in the file.
    """
    if _MARKUP.search(source) is None:
        # Most texts are words alone: nothing to parse, and no bracket for a link gone wrong.
        text = _fold(source).strip()
        return (Text(text, loc(0)),) if text else ()
    return _parse_marked(source, loc, ctx, problems)


#: The characters every piece of markup (and every link gone wrong) is written with.
_MARKUP = re.compile(r"[\\\[\]*]")


def _parse_marked(
    source: str,
    loc: Callable[[int], Location],
    ctx: InlineContext,
    problems: list[Problem],
) -> tuple[Inline, ...]:
    """`parse_inline` for a text with markup in it (or what could be taken for markup)."""
    stack: list[tuple[list[Inline], int]] = [([], 0)]
    buf: list[str] = []
    buf_start = 0

    def flush(end: int) -> None:
        nonlocal buf
        if buf:
            stack[-1][0].append(Text(_fold("".join(buf)), loc(buf_start)))
            buf = []

    links: list[tuple[int, int]] = []
    pos = 0
    for match in _TOKEN.finditer(source):
        if match.lastgroup == "link":
            links.append(match.span())
        if match.start() > pos:
            if not buf:
                buf_start = pos
            buf.append(source[pos : match.start()])
        pos = match.end()
        kind = match.lastgroup
        if kind == "escape":
            if not buf:
                buf_start = match.start()
            buf.append(match.group()[1])
        elif kind == "cite":
            flush(match.start())
            ref = match.group("ref")
            number = ctx.reference_numbers.get(ref)
            if number is None:
                problems.append(
                    Problem(
                        loc(match.start()),
                        f"citation [@{ref}] names no reference"
                        + ctx.suggest(ref, list(ctx.reference_numbers)),
                    )
                )
                number = 0
            stack[-1][0].append(Citation(ref, number, loc(match.start())))
        elif kind == "note":
            flush(match.start())
            note_id = match.group("note_id")
            number = ctx.note_numbers.get(note_id)
            if number is None:
                problems.append(
                    Problem(
                        loc(match.start()),
                        f"note marker [^{note_id}] names no note"
                        + (
                            ctx.suggest(note_id, list(ctx.note_numbers)) or "; add it to the section's notes:"
                        ),
                    )
                )
                number = 0
            stack[-1][0].append(NoteRef(note_id, number, loc(match.start())))
        elif kind == "link":
            flush(match.start())
            url = match.group("url")
            reason = check_address(url)
            if reason:
                problems.append(Problem(loc(match.start("url")), reason))
            label = _fold(re.sub(r"\\(.)", r"\1", match.group("label")))
            stack[-1][0].append(Link((Text(label, loc(match.start("label"))),), url, loc(match.start())))
        else:  # "**" opens or closes bold
            flush(match.start())
            if len(stack) == 1:
                stack.append(([], match.start()))
            else:
                children, start = stack.pop()
                if all(isinstance(c, Text) and prints_nothing(c.text) for c in children):
                    # '****' printed nothing where the editor saw stars, or meant words.
                    problems.append(
                        Problem(
                            loc(start),
                            "'**' and '**' hold no words: put the bold words between them, or write "
                            "\\*\\* to print stars",
                        )
                    )
                stack[-1][0].append(Strong(tuple(children), loc(start)))
    if pos < len(source):
        if not buf:
            buf_start = pos
        buf.append(source[pos:])
    flush(len(source))
    if len(stack) > 1:
        problems.append(
            Problem(
                loc(stack[-1][1]),
                "'**' opens bold text that is never closed; close it with '**' or write \\*\\*",
            )
        )
        children, _ = stack.pop()
        stack[-1][0].extend(children)
    _malformed_links(source, links, loc, problems)
    nodes = stack[0][0]
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].text.lstrip(), nodes[0].location)
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text.rstrip(), nodes[-1].location)
    return tuple(n for n in nodes if not (isinstance(n, Text) and not n.text))
