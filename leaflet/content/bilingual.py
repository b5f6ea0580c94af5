"""A Welsh leaflet and its English partner, paired section by section and block by block.

The Welsh content file names its English partner (`metadata.bilingual: {partner: FILE}`);
each file is an ordinary leaflet in one language, read and checked on its own, and the
two are paired here in order: the first Welsh section with the first English one, and
inside them the first block with the first block, like with like (difflib's alignment of
their kinds), so one missing paragraph leaves the rest in step. A block (or section) with
no partner on the other side is paired with None, for `check` to report and for the
parallel layout to set opposite a blank.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from itertools import zip_longest
from typing import TypeVar

from leaflet.content.model import Bilingual, Block, BlockPair, Leaflet, Section, SectionPair
from leaflet.errors import Location, Problem
from leaflet.i18n import primary

T = TypeVar("T")

WELSH = "cy"
ENGLISH = "en"


def _aligned(
    welsh: Sequence[T], english: Sequence[T], shape: Callable[[T], Hashable]
) -> Iterator[tuple[T | None, T | None]]:
    """The two sequences paired in order, matching like with like (a list with a list).

    Where one side has a part the other lacks, that part is paired with None and the
    rest stay paired, so one missing paragraph does not put every later pair out of step.
    """
    matcher = SequenceMatcher(None, [shape(w) for w in welsh], [shape(e) for e in english], autojunk=False)
    for op, w0, w1, e0, e1 in matcher.get_opcodes():
        if op == "equal":
            yield from zip(welsh[w0:w1], english[e0:e1], strict=True)
        else:
            # Parts of other kinds in the same place: partners in order, the rest alone.
            yield from zip_longest(welsh[w0:w1], english[e0:e1])


def _kind(block: Block) -> Hashable:
    return type(block).__name__


def _section_shape(section: Section) -> Hashable:
    return (section.level, tuple(_kind(b) for b in section.blocks), len(section.subsections))


def pair_blocks(welsh: tuple[Block, ...], english: tuple[Block, ...]) -> tuple[BlockPair, ...]:
    return tuple(BlockPair(w, e) for w, e in _aligned(welsh, english, _kind))


def pair_sections(welsh: tuple[Section, ...], english: tuple[Section, ...]) -> tuple[SectionPair, ...]:
    if len(welsh) == len(english):
        # As many sections on each side: partners in order, whatever is inside them.
        pairs: Iterable[tuple[Section | None, Section | None]] = zip(welsh, english, strict=True)
    else:
        pairs = _aligned(welsh, english, _section_shape)
    return tuple(
        SectionPair(
            w,
            e,
            pair_blocks(w.blocks if w else (), e.blocks if e else ()),
            pair_sections(w.subsections if w else (), e.subsections if e else ()),
        )
        for w, e in pairs
    )


def pair(welsh: Leaflet, english: Leaflet, design: str, file: str, location: Location) -> Bilingual:
    """The two leaflets paired (each already read and checked on its own)."""
    return Bilingual(
        english=english,
        design=design,
        file=file,
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
