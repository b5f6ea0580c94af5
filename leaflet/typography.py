"""Rules for where a line may end, applied to the words before they are laid out (the PDF) or
written (the web page). No ReportLab here.

Figures in groups, as a phone number is written ("0808 800 8000"), are never cut across
lines, in any language: a number read across a line end is a wrong number to dial.

Polish, Czech and Slovak typesetting never leaves a one-letter word (a preposition or
conjunction: Polish "w", "z", "i", "a", "o", "u") at the end of a line: it goes over with the
word after it. A no-break space after it says so to ReportLab and to a browser alike.
"""

from __future__ import annotations

import re

#: The languages (primary subtags) that keep one-letter words off the ends of lines.
ONE_LETTER_LANGUAGES = frozenset({"pl", "cs", "sk"})
#: A word of one letter (after a space, the start, or an opening bracket or quote), then a space.
_ONE_LETTER = re.compile(r"(?:(?<=\s)|^|(?<=[(\[\"'\u201e\u201c\u00ab]))([^\W\d_]) (?=\S)")


def keeps_one_letter_words(language: str | None) -> bool:
    return bool(language) and language.split("-")[0].lower() in ONE_LETTER_LANGUAGES  # type: ignore[union-attr]


def glue_one_letter_words(text: str) -> str:
    """Each one-letter word joined to the word after it by a no-break space."""
    return _ONE_LETTER.sub("\\1\u00a0", text) if " " in text else text


#: Figures in groups, as a phone number is written ("0808 800 8000", "+44 808 800 8000").
GROUPED_FIGURES = re.compile(r"\+?\d+(?:[ \u00a0]\d+)+")


def keep_figures_together(text: str) -> str:
    """Each run of grouped figures with no-break spaces between its groups."""
    if " " not in text:
        return text
    return GROUPED_FIGURES.sub(lambda run: run.group().replace(" ", "\u00a0"), text)


#: A run of figures read as one number, left to right whatever surrounds it: a phone number in
#: its groups ("+44 808 800 8000", "0808-800-8000"), a time or a decimal ("10:30", "1.5"), a
#: fraction, a share ("50%"). The PDF sets each left to right (leaflet.pdf.shaping), and a page
#: in a language written right to left isolates each (leaflet.web.page), so the two agree.
FIGURES = re.compile(r"[+£$€#]?\d+(?:[ \u00a0.,:/+-]\d+)*[%°‰]?")
