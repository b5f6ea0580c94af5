"""A phone number as a reader dials it: written for a tel: link however it was typed
("08088008000", "+44 808 800 8000"), printed in its usual groups ("0808 800 8000").

phonenumbers (Google's libphonenumber data) knows how each country groups its numbers; it is
asked only when a leaflet prints a number that its words do not already give, and its answer is
kept for later processes (`leaflet.answers`), so a later build does not load it. The groups are
joined by no-break spaces: a number is never split at a line end.
"""

from __future__ import annotations

from functools import lru_cache

#: Numbers without a country code are read as the United Kingdom's: the leaflets' publishers
#: (the NHS, UK charities) give their own numbers that way.
REGION = "GB"
NO_BREAK_SPACE = "\u00a0"


@lru_cache(maxsize=256)  # a leaflet prints its few numbers on many lines
def printed_number(number: str, region: str = REGION) -> str:
    """`number` in its country's groups (national format at home, international abroad), joined
    by no-break spaces; as written when it is not a possible phone number."""
    from leaflet.answers import answer

    return answer("phonenumbers", f"printed {region} {number}", lambda: _formatted(number, region))


def _formatted(number: str, region: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    home = parsed.country_code == phonenumbers.country_code_for_region(region)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style).replace(" ", NO_BREAK_SPACE)
