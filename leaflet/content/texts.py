"""Every piece of text a reader will see, as the author wrote it, able to point at any character."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from leaflet.errors import Location, Problem
from leaflet.frozen import frozen
from leaflet.written import ScalarSource

#: Bidirectional controls can make text read differently from how it is stored.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
#: Every character the tests below could report (category Cc is U+0000–001F and U+007F–009F;
#: a tab and a line break are allowed).
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_BIDI_CONTROLS)) + "]")


@frozen(slots=True)
class SourceText:
    """A printed text with its place in the file, and how it was written there (to place any character of it)."""

    text: str
    location: Location
    written: ScalarSource | None = None
    #: The language it is marked with (`lang:` on it or around it), when not the leaflet's.
    lang: str | None = None

    def at(self, offset: int) -> Location:
        """Where the character at `offset` stands in the file."""
        if self.written is None:
            return self.location
        return Location(self.location.file, *self.written.position(offset))


#: Characters that print nothing on their own: zero-width spaces and joiners, the word joiner,
#: the byte order mark, the soft hyphen.
PRINTS_NOTHING = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def prints_nothing(text: str) -> bool:
    """Whether text holds nothing to see: spaces, and the characters of PRINTS_NOTHING."""
    return not text.translate(PRINTS_NOTHING).strip()


def character_problems(texts: Iterable[SourceText]) -> list[Problem]:
    """Control and bidi-override characters: invisible, and able to disguise text."""
    problems = []
    for source in texts:
        if _SUSPECT.search(source.text) is None:
            continue  # nearly always: one scan in C instead of a test per character
        for i, ch in enumerate(source.text):
            if ch in _BIDI_CONTROLS:
                problems.append(
                    Problem(source.at(i), f"bidirectional control character U+{ord(ch):04X} is not allowed")
                )
            elif unicodedata.category(ch) == "Cc" and ch not in "\n\t":
                problems.append(Problem(source.at(i), f"control character U+{ord(ch):04X} is not allowed"))
    return problems
