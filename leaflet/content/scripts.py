"""Which writing systems the PDF editions can set, and refusing text in those they cannot yet.

Some scripts are not a row of separate letters: Arabic and Syriac letters join
and change shape with their neighbours, Hebrew and Thaana run right to left,
and the Indic scripts reorder and combine vowel signs and conjuncts. Drawn one
character at a time, left to right (as the PDF writer does), such text prints
unjoined and backwards: wrong, and worse than no leaflet. Until the PDF writer
shapes a script, text in it is refused at its line and column.

When a script can be set (a shaping engine in the layout), add its name to
SETTABLE: that is the only change here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable

from leaflet.content.texts import SourceText
from leaflet.errors import Location, Problem

#: Scripts that need shaping or right-to-left ordering: their blocks in Unicode (first, last).
NEEDS_SHAPING: dict[str, tuple[tuple[int, int], ...]] = {
    "Hebrew": ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    "Arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE)),
    "Syriac": ((0x0700, 0x074F), (0x0860, 0x086F)),
    "Thaana": ((0x0780, 0x07BF),),
    "N'Ko": ((0x07C0, 0x07FF),),
    "Samaritan": ((0x0800, 0x083F),),
    "Mandaic": ((0x0840, 0x085F),),
    "Devanagari": ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    "Bengali": ((0x0980, 0x09FF),),
    "Gurmukhi": ((0x0A00, 0x0A7F),),
    "Gujarati": ((0x0A80, 0x0AFF),),
    "Oriya": ((0x0B00, 0x0B7F),),
    "Tamil": ((0x0B80, 0x0BFF),),
    "Telugu": ((0x0C00, 0x0C7F),),
    "Kannada": ((0x0C80, 0x0CFF),),
    "Malayalam": ((0x0D00, 0x0D7F),),
    "Sinhala": ((0x0D80, 0x0DFF),),
    "Tibetan": ((0x0F00, 0x0FFF),),
    "Myanmar": ((0x1000, 0x109F),),
    "Khmer": ((0x1780, 0x17FF),),
}

#: Scripts from NEEDS_SHAPING that the PDF editions can set in any leaflet. None yet.
SETTABLE: frozenset[str] = frozenset()
#: Scripts set (shaped by HarfBuzz, right to left where they run so) in a leaflet *in* one of
#: these languages, whose style sheet names a text family for it (`fonts: languages:`).
SET_IN_LANGUAGE: dict[str, frozenset[str]] = {
    "ar": frozenset({"Arabic"}),
    "ur": frozenset({"Arabic"}),
    "bn": frozenset({"Bengali"}),
}


def settable_in(language: str) -> frozenset[str]:
    """The scripts a leaflet in `language` can set, when its sheet gives the language a text family."""
    return SETTABLE | SET_IN_LANGUAGE.get(language.split("-")[0].lower(), frozenset())


_STARTS: list[int] = []
_BLOCKS: list[tuple[int, int, str]] = []
for _script, _ranges in NEEDS_SHAPING.items():
    for _first, _last in _ranges:
        _BLOCKS.append((_first, _last, _script))
_BLOCKS.sort()
_STARTS = [first for first, _, _ in _BLOCKS]


#: Marks in one script's block that other scripts share and that stand alone: the danda and
#: double danda (। ॥) end sentences in Bengali, Hindi and others, and are drawn as they are.
_SHARED = frozenset({"\u0964", "\u0965"})


#: A character in one of the blocks of NEEDS_SHAPING (the shared marks among them too).
_IN_A_SHAPED_BLOCK = re.compile(
    "[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last, _ in _BLOCKS) + "]"
)


def script_needing_shaping(ch: str) -> str | None:
    """The script of `ch` if it needs shaping or right-to-left setting, else None."""
    if ch in _SHARED:
        return None
    i = bisect_right(_STARTS, ord(ch)) - 1
    if i >= 0 and ord(ch) <= _BLOCKS[i][1]:
        return _BLOCKS[i][2]
    return None


def cannot_set(ch: str, settable: frozenset[str] | None = None) -> str | None:
    """The script of `ch` if the PDF editions cannot set it yet, else None: the one predicate to lift."""
    script = script_needing_shaping(ch)
    return (
        script if script is not None and script not in (SETTABLE if settable is None else settable) else None
    )


def unset_script_problems(
    texts: Iterable[SourceText],
    settable: frozenset[str] | None = None,
    passages: Callable[[str], frozenset[str]] | None = None,
) -> list[Problem]:
    """Text in a script the PDF editions cannot set: once a text and script, at its first character.

    `settable`: the scripts set anywhere (the leaflet's language's); `passages`: those set, besides,
    in a text marked with a language (an Urdu line in an English leaflet sets Arabic script there)."""
    problems: list[Problem] = []
    for source in texts:
        if not source.text or max(source.text) < "\u0590":
            continue  # nearly always: no character of a script that needs shaping
        here = settable
        if passages is not None and source.lang is not None:
            here = (settable if settable is not None else SETTABLE) | passages(source.lang)
        seen: set[str] = set()
        for match in _IN_A_SHAPED_BLOCK.finditer(source.text):  # curly quotes and dashes are not
            i, ch = match.start(), match.group()
            script = cannot_set(ch, here)
            if script is None or script in seen:
                continue
            seen.add(script)
            where: Location = source.at(i)
            languages = sorted(lang for lang, scripts in SET_IN_LANGUAGE.items() if script in scripts)
            if languages:
                # A script the editions set in a passage marked with its language.
                marks = " or ".join(f"lang: {lang}" for lang in languages)
                message = (
                    f"text in the {script} script (here '{ch}', U+{ord(ch):04X}) is set only in a passage "
                    f"marked with its language ({marks} on its paragraph, item or section), by a sheet "
                    "that names a family for it (fonts: languages:)"
                )
            else:
                message = (
                    f"text in the {script} script (here '{ch}', U+{ord(ch):04X}) cannot be printed yet: its "
                    "letters must be joined or reordered, and would print broken or backwards; leave this "
                    "text out of the printed editions until they can set it"
                )
            problems.append(Problem(where, message))
    return problems
