"""What the legibility rules read from the laid-out pages: the text operators of each page, read once.

A leaflet's pages are written by ReportLab in a small part of PDF's content syntax
(numbers, names, strings, arrays, marked-content dictionaries and operators). They are
read here with one regular expression, which on a long leaflet is about ten times as
quick as pypdf's general parser; a page holding anything else (an inline image, a
token it does not know) is read by pypdf instead, so every page is read, one way or
the other, to the same operators. `tests/test_check_pages.py` holds both readers to
the same answers.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from io import BytesIO
from typing import Any

from leaflet.frozen import frozen

#: The operators the rules look at: the font and its size, text shown, word spacing.
RULED = frozenset({"Tf", "Tj", "TJ", "Tw"})
#: Those, and the two that show text on a new line.
WANTED = RULED | {"'", '"'}

#: One token after any white space, each kind in its own group; `bad` is any other character.
_TOKEN = re.compile(
    rb"""[\x00\t\n\x0c\r ]*(?:
    (\((?:[^\\()]|\\.)*\))
    |(<[0-9A-Fa-f\x00\t\n\x0c\r ]*>)
    |(<<|\[)
    |(>>|\])
    |(/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
    |([+-]?(?:\d+\.?\d*|\.\d+))
    |([A-Za-z'"*][A-Za-z0-9'"*]*)
    |([^\x00\t\n\x0c\r ]))""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3}|\r\n|\n|\r)")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")"}
_ESCAPES[b"\\"] = b"\\"


class _Unknown(ValueError):
    """A page that uses syntax the quick reader does not know: pypdf reads it."""


@frozen
class Shown:
    """One operator the rules read: its page, the font and size in force, its operands."""

    page: int
    op: str
    size: float
    font: str
    operands: tuple[Any, ...]


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return b""  # a backslash before a line break continues the string


def _quick(content: bytes) -> list[tuple[str, list[Any]]]:
    """(operator, operands) for the wanted operators of one content stream.

    Operands are kept as tokens, and made into values only for the operators wanted.
    """
    ops: list[tuple[str, list[Any]]] = []
    stack: list[list[Any]] = [[]]
    depth_dict = 0
    for token in _TOKEN.findall(content):
        _, _, opening, closing, _, _, op, bad = token
        if op:
            if depth_dict or len(stack) > 1:
                raise _Unknown("an operator inside an array or dictionary")
            if op == b"BI":
                raise _Unknown("an inline image")
            name = op.decode("ascii")
            if name in WANTED:
                ops.append((name, [_value(t) for t in stack[0]]))
            stack[0] = []
        elif opening:
            if opening == b"<<":
                depth_dict += 1
            else:
                stack.append([])
        elif closing:
            if closing == b">>":
                depth_dict -= 1
                if depth_dict < 0:
                    raise _Unknown("an unopened dictionary")
                if depth_dict == 0:
                    stack[-1].append(None)  # a marked-content property list: no rule reads it
            else:
                if len(stack) < 2:
                    raise _Unknown("an unopened array")
                inner = stack.pop()
                stack[-1].append(inner)
        elif bad:
            raise _Unknown(f"unknown syntax: {bad!r}")
        elif not depth_dict:
            stack[-1].append(token)
    if depth_dict or len(stack) > 1:
        raise _Unknown("an unfinished content stream")
    return ops


def _value(token: Any) -> Any:
    """A token as pypdf would give it: a string object, a name as text, a number as a float."""
    from pypdf.generic import create_string_object

    if token is None:
        return None
    if isinstance(token, list):
        return [_value(t) for t in token]
    string, hexa, _, _, name, number, _, _ = token
    if string:
        raw = string[1:-1]
        return create_string_object(_ESCAPE.sub(_unescape, raw) if b"\\" in raw else raw)
    if hexa:
        digits = re.sub(rb"\s", b"", hexa[1:-1])
        return create_string_object(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
    if name:
        return name.decode("latin-1")
    return float(number)


def _by_pypdf(page: Any, reader: Any) -> list[tuple[str, list[Any]]]:
    from pypdf.generic import ContentStream

    return [
        (op.decode("latin-1"), operands)
        for operands, op in ContentStream(page.get_contents(), reader).operations
        if op.decode("latin-1") in WANTED
    ]


def _plain(value: Any) -> Any:
    """pypdf's objects as the rules compare them: names and numbers as str and float."""
    from pypdf.generic import FloatObject, NameObject, NumberObject

    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, NameObject):
        return str(value)
    if isinstance(value, NumberObject | FloatObject):
        return float(value)
    return value


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(font: Any) -> dict[int, str] | None:
    """A one-byte font's codes → characters, from its ToUnicode map; None when it has none of that kind."""
    if "/ToUnicode" not in font:
        return None
    cmap = font["/ToUnicode"].get_object().get_data()
    ranges = re.search(rb"begincodespacerange(.*?)endcodespacerange", cmap, re.DOTALL)
    if ranges is None or any(len(h) != 2 for h in _HEX.findall(ranges.group(1))):
        return None
    codes: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        pairs = _HEX.findall(block)
        for code, text in zip(pairs[::2], pairs[1::2], strict=False):
            codes[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in _BFRANGE.findall(cmap):
        if b"[" in block:
            return None
        for low, high, first in _RANGE.findall(block):
            start = int(first, 16)
            for offset in range(int(high, 16) - int(low, 16) + 1):
                codes[int(low, 16) + offset] = chr(start + offset)
    return codes


def _raw(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        return value
    original = getattr(value, "original_bytes", None)
    return original if isinstance(original, bytes) else None


@frozen
class Pages:
    """What the rules read from one PDF."""

    #: The ruled operators (font, text shown, word spacing) of every page, in order.
    shown: tuple[Shown, ...]
    #: The pages on which a line may end with a hyphen: a piece of text shown ends with one
    #: (or its characters cannot be told). Only these need their text taken out as lines.
    may_hyphenate: frozenset[int]
    #: Each page's characters, piece after piece shown, a line break between pieces; U+FFFD
    #: for characters that cannot be told.
    characters: tuple[str, ...] = ()

    def holding(self, words: list[str]) -> set[int]:
        """The pages that may hold one of `words`, its characters perhaps with space or a line end between.

        A page with characters that cannot be told may hold anything.
        """
        found = {n for n, chars in enumerate(self.characters, start=1) if "\ufffd" in chars}
        joined = "\n".join(self.characters)
        ends = list(itertools.accumulate(len(chars) + 1 for chars in self.characters))
        for word in words:
            if not word:
                continue
            for match in re.finditer(r"\s*".join(re.escape(ch) for ch in word), joined):
                first = bisect.bisect_right(ends, match.start())
                last = bisect.bisect_right(ends, max(match.start(), match.end() - 1))
                found.update(range(first + 1, last + 2))
        return found


class Extracted:
    """pypdf's text of the pages of one PDF, each page taken out once, when first asked for."""

    def __init__(self, data: bytes) -> None:
        from pypdf import PdfReader

        self.reader = PdfReader(BytesIO(data))
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.reader.pages)

    def text(self, number: int) -> str:
        if number not in self._texts:
            self._texts[number] = self.reader.pages[number - 1].extract_text()
        return self._texts[number]


@lru_cache(maxsize=8)
def extracted(data: bytes) -> Extracted:
    """The text of a PDF's pages as pypdf takes it out, shared by every rule that reads lines."""
    return Extracted(data)


@lru_cache(maxsize=8)
def read(data: bytes, *, quick: bool = True) -> Pages:
    """The operators of every page of a PDF, with the font (its BaseFont) and size in force.

    Several rules read the same PDF: it is read once (the cache holds the last few).
    """
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    out: list[Shown] = []
    suspect: set[int] = set()
    characters: list[str] = []
    maps: dict[Any, dict[int, str] | None] = {}
    for number, page in enumerate(reader.pages, start=1):
        resources = page["/Resources"].get("/Font", {})
        fonts, codes = {}, {}
        for name, ref in resources.items():
            font = ref.get_object()
            fonts[str(name)] = str(font["/BaseFont"])
            key = getattr(ref, "idnum", None) or id(font)
            if key not in maps:
                maps[key] = _to_unicode(font)
            codes[str(name)] = maps[key]
        try:
            if not quick:
                raise _Unknown("asked for pypdf")
            contents = page.get_contents()
            ops = _quick(contents.get_data() if contents is not None else b"")
        except _Unknown:
            ops = [(op, [_plain(v) for v in operands]) for op, operands in _by_pypdf(page, reader)]
        size, font_name, cmap = 0.0, "", None
        pieces_shown: list[str] = []
        for op, operands in ops:
            if op == "Tf":
                font_name, size = fonts.get(str(operands[0]), str(operands[0])), float(operands[1])
                cmap = codes.get(str(operands[0]))
            elif op in ("Tj", "TJ", "'", '"'):
                pieces = operands[-1] if op == "TJ" and isinstance(operands[-1], list) else operands[-1:]
                for piece in pieces:
                    raw = _raw(piece)
                    if raw is None:
                        continue  # a number in a TJ array
                    text = "".join(cmap.get(c, "\ufffd") for c in raw) if cmap is not None else "\ufffd"
                    pieces_shown.append(text)
                    ends = text.rstrip().endswith(("-", "\ufffd"))
                    if ends or ("-" in text and ("\n" in text or "\r" in text)):
                        suspect.add(number)
            if op in RULED:
                out.append(Shown(number, op, size, font_name, tuple(operands)))
        characters.append("\n".join(pieces_shown))
    return Pages(tuple(out), frozenset(suspect), tuple(characters))
