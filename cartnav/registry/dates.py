"""Registry dates: API v2 ("2024-12-16", "2026-09") and legacy XML ("July 15, 2016", "July 2016").

A date given only to the month means the first of that month; a bare year, January 1st.
"""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_WORDS = re.compile(r"([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def parse_registry_date(text: str | None) -> dt.date | None:
    """The date in ``text``; ``None`` when empty. Raises ``ValueError`` naming the text."""
    if text is None or not text.strip():
        return None
    body = text.strip()
    try:
        if match := _ISO.fullmatch(body):
            year, month, day = match.groups()
            return dt.date(int(year), int(month or 1), int(day or 1))
        if (match := _WORDS.fullmatch(body)) and match.group(1).lower() in MONTHS:
            month_name, day, year = match.groups()
            return dt.date(int(year), MONTHS[month_name.lower()], int(day or 1))
    except ValueError:
        pass
    raise ValueError(f"cannot read the date {text!r}")
