"""A Welsh leaflet and its English partner, paired section by section and block by block.

The Welsh content file names its English partner (`metadata.bilingual: {partner: FILE}`);
each file is an ordinary leaflet in one language, read and checked on its own, and the
two are paired here in order: the first Welsh section with the first English one, and
inside them the first block with the first block, like with like and long with long (a
small alignment, as sentence aligners do it), so one missing paragraph is found where it
is missing and leaves the rest in step. A block (or section) with
no partner on the other side is paired with None, for `check` to report and for the
parallel layout to set opposite a blank.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Hashable, Sequence
from typing import TypeVar

from leaflet.content.model import Bilingual, Block, BlockPair, Image, Leaflet, Section, SectionPair, Text
from leaflet.content.texts import SourceText
from leaflet.errors import Location, Problem
from leaflet.i18n import primary

T = TypeVar("T")

WELSH = "cy"
ENGLISH = "en"


#: What leaving a part without a partner costs, against pairing two parts (see `_pair_cost`).
_ALONE = 1.5


def _aligned(welsh: Sequence[T], english: Sequence[T]) -> list[tuple[T | None, T | None]]:
    """The two sequences paired in order, each part with the likeliest partner, or alone.

    Translations run in the same order with like kinds in the same places and lengths in
    proportion (Gale and Church's observation, on which sentence alignment is built): a
    dynamic programme pairs parts at the least cost, so a paragraph missing from one side
    is found where it is missing and the parts after it stay paired.
    """
    n, m = len(welsh), len(english)
    if n == m and all(_kind(w) == _kind(e) for w, e in zip(welsh, english, strict=True)):
        return list(zip(welsh, english, strict=True))
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            if i < n and j < m and here + _pair_cost(welsh[i], english[j]) < cost[i + 1][j + 1]:
                cost[i + 1][j + 1], step[i + 1][j + 1] = here + _pair_cost(welsh[i], english[j]), "pair"
            if i < n and here + _ALONE < cost[i + 1][j]:
                cost[i + 1][j], step[i + 1][j] = here + _ALONE, "welsh"
            if j < m and here + _ALONE < cost[i][j + 1]:
                cost[i][j + 1], step[i][j + 1] = here + _ALONE, "english"
    out: list[tuple[T | None, T | None]] = []
    i, j = n, m
    while i or j:
        move = step[i][j]
        if move == "pair":
            i, j = i - 1, j - 1
            out.append((welsh[i], english[j]))
        elif move == "welsh":
            i -= 1
            out.append((welsh[i], None))
        else:
            j -= 1
            out.append((None, english[j]))
    return out[::-1]


def _pair_cost(welsh: object, english: object) -> float:
    """How unlikely two parts are to be partners: other kinds, lengths out of proportion, other figures."""
    cost = 0.0 if _kind(welsh) == _kind(english) else 3.0
    a, b = _words(welsh), _words(english)
    cost += 2 * abs(math.log((len(a) + 10) / (len(b) + 10)))
    if sorted(re.findall(r"\d+", a)) != sorted(re.findall(r"\d+", b)):
        cost += 1.0  # phone numbers, dates and doses are the same in both languages
    return cost


def _kind(part: object) -> Hashable:
    if isinstance(part, Section):
        return ("section", part.level)
    return type(part).__name__


def _words(node: object) -> str:
    """Every word a part of the model holds (its Text, headings and terms), for comparing lengths."""
    if isinstance(node, Text):
        return node.text
    if isinstance(node, str):
        return node
    if isinstance(node, tuple):
        return " ".join(_words(item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type | Location | SourceText | Image):
        return " ".join(
            _words(getattr(node, f.name))
            for f in dataclasses.fields(node)
            if f.name not in ("anchor", "url", "kind", "path", "location")
        )
    return ""


def pair_blocks(welsh: tuple[Block, ...], english: tuple[Block, ...]) -> tuple[BlockPair, ...]:
    return tuple(BlockPair(w, e) for w, e in _aligned(welsh, english))


def pair_sections(welsh: tuple[Section, ...], english: tuple[Section, ...]) -> tuple[SectionPair, ...]:
    return tuple(
        SectionPair(
            w,
            e,
            pair_blocks(w.blocks if w else (), e.blocks if e else ()),
            pair_sections(w.subsections if w else (), e.subsections if e else ()),
        )
        for w, e in _aligned(welsh, english)
    )


def pair(
    welsh: Leaflet, english: Leaflet, design: str, file: str, path: str, location: Location
) -> Bilingual:
    """The two leaflets paired (each already read and checked on its own)."""
    return Bilingual(
        english=english,
        design=design,
        file=file,
        path=path,
        location=location,
        introduction=pair_blocks(welsh.introduction, english.introduction),
        sections=pair_sections(welsh.sections, english.sections),
    )


def language_problems(
    welsh_language: str, welsh_at: Location, english: Leaflet | None, file: str, partner_at: Location
) -> list[Problem]:
    """A bilingual leaflet is Welsh, and its partner English: anything else is refused at its line."""
    problems = []
    if primary(welsh_language) != WELSH:
        problems.append(
            Problem(
                welsh_at,
                f"metadata.bilingual: a bilingual leaflet is the Welsh one (language cy) naming its English "
                f"partner; this one is in {welsh_language!r}",
            )
        )
    if english is not None:
        language = english.metadata.language
        if primary(language) != ENGLISH:
            problems.append(
                Problem(
                    partner_at,
                    f"metadata.bilingual.partner: {file} is in {language!r}; the partner of a Welsh leaflet "
                    f"is its English version (language en or en-GB)",
                )
            )
    return problems
