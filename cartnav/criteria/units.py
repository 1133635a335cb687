"""Numbers, comparators, units and durations as written in eligibility text.

All patterns run on folded text (see :mod:`cartnav.criteria.text`): lowercase, ``×``/``х`` -> ``x``,
superscripts -> digits, fullwidth -> ASCII, markdown backslashes -> spaces.
"""

from __future__ import annotations

import re

from cartnav.criteria.prefilter import with_first_chars

NUM = r"\d+(?:[.,]\d+)?"

_GE = (
    r"≥\s*=?|>\s*=|=\s*>|>\s*or\s*=|=\s*or\s*>|>\s*/\s*=|"
    r"(?:greater|more|higher|larger)\s+than\s+or\s+equal(?:\s+to)?|"
    r"equal\s+to\s+or\s+(?:greater|more|higher|larger|above)(?:\s+than)?|"
    r"at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+lower\s+than|not\s+lower\s+than|"
    r"not\s+below|no\s+fewer\s+than|minimum(?:\s+of)?|min\.?(?=\s*\d)"
)
_LE = (
    r"≤\s*=?|<\s*=|=\s*<|<\s*or\s*=|=\s*or\s*<|<\s*/\s*=|"
    r"(?:less|lesser|lower|smaller)\s+than\s+or\s+equal(?:\s+to)?|"
    r"equal\s+to\s+or\s+(?:less|lower|below)(?:\s+than)?|"
    r"no\s+more\s+than|not\s+more\s+than|not\s+exceed(?:ing)?|not\s+to\s+exceed|not\s+greater\s+than|"
    r"no\s+greater\s+than|not\s+higher\s+than|no\s+higher\s+than|not\s+above|at\s+most|up\s+to|"
    r"maximum(?:\s+of)?|max\.?(?=\s*\d)"
)
_GT = (
    r">(?!\s*/)|(?:greater|more|higher|larger)\s+than|above|over|exceed(?:ing|s)?|in\s+excess\s+of|"
    r"superior\s+to|beyond"
)
_LT = r"<(?!\s*/)|(?:less|lesser|lower|smaller|fewer)\s+than|below|under|inferior\s+to"

COMPARATOR = rf"(?P<ge>{_GE})|(?P<le>{_LE})|(?P<gt>{_GT})|(?P<lt>{_LT})"
_LINK = r"(?:(?:is|are|be|was|should\s+be|must\s+be|to\s+be|of|at|:)\s*)?"
COMP_NUM_RE = with_first_chars(
    # "lesser than or equal to (≤) 30": the comparator restated in symbols
    re.compile(
        rf"(?:{_LINK})(?:{COMPARATOR})(?:\s*\(\s*[<>≤≥=]{{1,2}}\s*\))?\s*(?:of\s+|than\s+|x(?=\d))?"
        rf"(?P<num>{NUM})"
    )
)
POSTFIX_RE = re.compile(
    r"\s*(?:%\s*)?(?:or|and)\s+(?P<pge>more|greater|higher|above|over|older|larger)(?!\s+than)"
    r"|\s*(?:%\s*)?(?:or|and)\s+(?P<ple>less|lower|below|fewer|under|younger|smaller)(?!\s+than)"
)
_OP_OF_GROUP = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<", "pge": ">=", "ple": "<="}

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
DURATION_RE = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*-?\s*"
    r"(?P<unit>days?|weeks?|wks?|months?|mos?\b|years?|yrs?|hours?|hrs?|h\b)"
)
DURATION = DURATION_RE.pattern.replace("?P<n>", "?:").replace("?P<unit>", "?:")
_DAYS_PER = {"d": 1.0, "w": 7.0, "m": 30.0, "y": 365.0, "h": 1 / 24}


def op_of(match: re.Match[str]) -> str | None:
    for name, op in _OP_OF_GROUP.items():
        if match.groupdict().get(name):
            return op
    return None


def parse_number(token: str) -> float:
    """ "2.5" -> 2.5; "0,1" -> 0.1 (decimal comma); "50,000" -> 50000 (thousands)."""
    if "," in token:
        head, _, tail = token.partition(",")
        if len(tail) == 3:
            return float(head + tail)
        return float(head + "." + tail)
    return float(token)


def clean_value(value: float) -> float | int:
    return int(value) if value == int(value) else value


def duration_days(n: str, unit: str) -> int:
    count = float(WORD_NUMBERS.get(n, 0)) if n in WORD_NUMBERS else float(n)
    key = unit[0]
    if unit.startswith("mo"):
        key = "m"
    return round(count * _DAYS_PER.get(key, 1.0))


# MRD-style thresholds: 10^-4, 10-4, 1x10-4, 5 x 10-3, 1e-4, 0.01 %
_SCI_RE = re.compile(
    r"(?:(?P<mant>\d+(?:[.,]\d+)?)\s*[x*]\s*)?10\s*(?:\^|\*\*)?\s*(?:-|\(-)\s*(?P<exp>\d{1,2})\)?"
    r"|(?P<emant>\d+(?:\.\d+)?)\s*e\s*-\s*(?P<eexp>\d{1,2})\b"
    r"|(?P<pct>\d+(?:[.,]\d+)?)\s*%"
)


def fraction_at(folded: str, pos: int, limit: int) -> tuple[float, int, int] | None:
    """A threshold written as a power of ten or a percentage, as a fraction, from ``pos``."""
    m = _SCI_RE.match(folded, pos, limit)
    if m is None:
        return None
    if m.group("exp"):
        mant = parse_number(m.group("mant")) if m.group("mant") else 1.0
        value = mant * 10.0 ** (-int(m.group("exp")))
    elif m.group("eexp"):
        value = float(m.group("emant")) * 10.0 ** (-int(m.group("eexp")))
    else:
        value = parse_number(m.group("pct")) / 100.0
    return float(f"{value:.6g}"), m.start(), m.end()


SCI_SEARCH_RE = _SCI_RE
