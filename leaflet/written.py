"""How a text value was written in its file, so a place inside it can be exact.

Plain Python with no YAML in it: the content model keeps these for every
printed string (to locate a character problem at its column), and must not
depend on the reader that made them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from leaflet.frozen import frozen

_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}
#: How far ahead in the written text a value's next character may stand when it
#: is not after white space (past a quote, or a doubled quote).
_LOOK_AHEAD = 40
_BLANK = " \t\r\n"
_WORD = re.compile(r"\S+")
#: Where the text of a value on one line starts in what was written: plain, or after its quote.
_OPENING = {"": 0, "'": 1, '"': 1}


@frozen(slots=True)
class ScalarSource:
    """A text value and how it was written: where it starts, its quoting, its raw text."""

    line: int
    column: int
    style: str
    raw: str
    value: str

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, column) at which the value's character at `offset` was written."""
        # Most places asked about are the start of a run of text written as it reads, on the
        # value's first line: there the written text and the value agree character by character.
        start = _OPENING.get(self.style)
        if start is not None and 0 <= offset < len(self.value):
            head = self.value[: offset + 1]
            if (
                self.raw.startswith(head, start)
                and "\n" not in head
                and (self.style != '"' or "\\" not in head)
            ):
                return self.line, self.column + start + offset
        indices, breaks = _map(self)
        k = indices[offset] if 0 <= offset < len(indices) else len(self.raw)
        n = bisect_left(breaks, k)  # line breaks before the character
        if n == 0:
            return self.line, self.column + k
        return self.line + n, k - breaks[n - 1]


@lru_cache(maxsize=16)
def _map(src: ScalarSource) -> tuple[list[int], list[int]]:
    """For each character of the value, its index in the raw text; and where the raw text breaks lines.

    One walk of value and raw text together (white space in the value may be a
    folded line break and indentation in the file, a quote may be doubled, a
    character may be written as an escape), kept for the few values asked about
    many times: a long paragraph with many problems is located in linear time.
    """
    raw, value, style = src.raw, src.value, src.style
    n = len(raw)
    j = 0
    if style in ("|", ">"):
        # The header (indicator, chomping, indentation, a comment): the text starts on the next line.
        newline = raw.find("\n")
        j = newline + 1 if newline >= 0 else n
    indices: list[int] = []
    i, length = 0, len(value)
    tried = 0  # the end of the last word tried whole: each is tried once, so the walk stays linear
    while i < length:
        # Most of a value is written as it reads: a word at a time while the file has it as is
        # (and, in double quotes, no escape in it), which is what the character walk finds too.
        word = _WORD.match(value, i) if i >= tried else None
        if word is not None:
            text = word.group()
            tried = word.end()
            k = j
            if not raw.startswith(text, k):
                # After a folded line: the next line's indentation, then the word.
                while k < n and raw[k] in _BLANK:
                    k += 1
            if raw.startswith(text, k) and (style != '"' or "\\" not in text):
                indices.extend(range(k, k + len(text)))
                i, j = word.end(), k + len(text)
                continue
        ch = value[i]
        if style == '"' and raw.startswith("\\", j):
            k = j
            step = _ESCAPE_LENGTH.get(raw[j + 1 : j + 2], 2)
        elif raw.startswith(ch, j):
            k, step = j, 1
        elif ch.isspace() and j < n and raw[j] in _BLANK:
            # A line break and the next line's indentation, folded into one space.
            k, step = j, 1
            while k + step < n and raw[k + step] in _BLANK:
                step += 1
        else:
            # Indentation however deep, then the character; else a quote stands between.
            k = j
            while k < n and raw[k] in _BLANK:
                k += 1
            if not raw.startswith(ch, k):
                found = raw.find(ch, j, j + _LOOK_AHEAD)
                k = found if found >= 0 else j
            step = 1
        indices.append(k)
        j = k + step
        i += 1
    breaks = []
    at = raw.find("\n")
    while at >= 0:
        breaks.append(at)
        at = raw.find("\n", at + 1)
    return indices, breaks
