"""Registry age limits ("6 Years", "18 Months", "30 Days", "N/A") as whole days.

A year is 365.25 days and a month 30.4375 days (a year over 12), the same year length as
:meth:`cartnav.domain.trial.Trial.admits_age`; fractions of a day are dropped, so "3 Years" is
1095 days and a 3-year-old (1095.75 days) is admitted. A missing limit or "N/A" is ``None``,
which means "no limit", never 0.
"""

from __future__ import annotations

import math
import re

from cartnav.domain.trial import DAYS_PER_YEAR

UNIT_DAYS = {
    "year": DAYS_PER_YEAR,
    "month": DAYS_PER_YEAR / 12,
    "week": 7.0,
    "day": 1.0,
    "hour": 1 / 24,
    "minute": 1 / 1440,
}
_UNIT_WORDS = {
    "y": "year",
    "yr": "year",
    "yrs": "year",
    "mo": "month",
    "mos": "month",
    "wk": "week",
    "wks": "week",
    "hr": "hour",
    "hrs": "hour",
    "min": "minute",
    "mins": "minute",
}
NO_LIMIT = frozenset({"", "n/a", "na", "none", "no limit", "not applicable"})
_STRICT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)
_LENIENT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)\b", re.IGNORECASE)


def _unit(word: str) -> str | None:
    word = word.lower()
    word = _UNIT_WORDS.get(word, word)
    if word.endswith("s") and word[:-1] in UNIT_DAYS:
        word = word[:-1]
    return word if word in UNIT_DAYS else None


def age_to_days(text: str | None, *, lenient: bool = False) -> int | None:
    """Days in an age limit; ``None`` for a missing limit or "N/A".

    Strict (the registry's own format): the whole text must be "<number> <unit>". Lenient (text
    from web pages): the first "<number> <unit>" counts ("18 Years and older" -> 18 years).
    Raises ``ValueError`` naming the text when no age can be read.
    """
    if text is None or text.strip().lower() in NO_LIMIT:
        return None
    body = text.strip()
    match = _LENIENT.search(body) if lenient else _STRICT.fullmatch(body)
    unit = _unit(match.group(2)) if match else None
    if match is None or unit is None:
        raise ValueError(f"cannot read the age {text!r} (expected e.g. '6 Years' or 'N/A')")
    return math.floor(float(match.group(1)) * UNIT_DAYS[unit] + 1e-9)
