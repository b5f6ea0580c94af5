"""A Welsh leaflet and its English partner, paired section by section and block by block.

The Welsh content file names its English partner (`metadata.bilingual: {partner: FILE}`);
each file is an ordinary leaflet in one language, read and checked on its own, and the
two are paired here in order: the first Welsh section with the first English one, and
inside them the first block with the first block. A block (or section) with no partner
on the other side is paired with None, for `check` to report and for the parallel
layout to set opposite a blank.
"""

from __future__ import annotations

from itertools import zip_longest

from leaflet.content.model import Bilingual, Block, BlockPair, Leaflet, Section, SectionPair
from leaflet.errors import Location, Problem
from leaflet.i18n import primary

WELSH = "cy"
ENGLISH = "en"


def pair_blocks(welsh: tuple[Block, ...], english: tuple[Block, ...]) -> tuple[BlockPair, ...]:
    return tuple(BlockPair(w, e) for w, e in zip_longest(welsh, english))


def pair_sections(welsh: tuple[Section, ...], english: tuple[Section, ...]) -> tuple[SectionPair, ...]:
    return tuple(
        SectionPair(
            w,
            e,
            pair_blocks(w.blocks if w else (), e.blocks if e else ()),
            pair_sections(w.subsections if w else (), e.subsections if e else ()),
        )
        for w, e in zip_longest(welsh, english)
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
