"""Age limits written in the criteria text: "Age 3-21 years", "≥ 18 years of age",
"aged 1 to 24", "24 years or younger", "> 1 year to < 35 years of age", "6 months - 17.99 years".

An age is taken only with an age cue next to it ("age", "aged", "old", "of age", or an item
that starts with the range); ages tied to a performance scale, to contraception or to "for patients
< 18" (who signs the consent) are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from cartnav.criteria.prefilter import with_first_chars
from cartnav.criteria.units import COMPARATOR, NUM, clean_value, op_of, parse_number
from cartnav.domain.criterion import Constraint

_UNIT = r"(?P<{0}>years?|yrs?|y(?=\b)|months?|mos?\b|岁|周岁)"
_OLD = r"(?:\s*(?:old|of\s+age|of\s+life|-old))"
# Each pattern opens with a lookahead on its possible first characters: the same matches, but
# the scan skips most positions without entering the pattern.
_RANGE_RE = re.compile(
    r"(?=[b>≥\d])"
    rf"(?:between\s+)?(?:(?P<aop>>=|≥|>)\s*)?(?<![a-z0-9.,])(?P<a>{NUM})\s*{_UNIT.format('au')}?{_OLD}?\s*"
    rf"(?:-|to|~|through|and|until)\s*(?:age\s*)?(?:(?P<bop><=|≤|<)\s*)?(?P<b>{NUM})"
    rf"[\s-]*{_UNIT.format('bu')}?(?P<old>{_OLD})?(?:\s*\(?inclusive)?"
)
_BOUND_RE = re.compile(
    r"(?=[≥≤<>=abefghilmnosuy])"  # first letters of the comparators and "younger"/"older"
    rf"(?:{COMPARATOR}|(?P<yt>younger\s+than)|(?P<ot>older\s+than))\s*(?:the\s+age\s+of\s+|age\s+)?"
    rf"(?P<num>{NUM})\s*{_UNIT.format('u')}?(?P<old>{_OLD})?"
)
_POSTFIX_RE = re.compile(
    rf"(?=\d)(?<![a-z0-9.,])(?P<num>{NUM})\s*{_UNIT.format('u')}?{_OLD}?\s*(?:\+|(?:or|and)\s+"
    r"(?:(?P<ge>older|above|over|more|greater)|(?P<le>younger|below|under|less))(?!\s+than))"
)
# "18 ≤ age ≤ 75", "18 < age": the bound written before the word (a run-together list marker,
# "1.18 ≤ age", is read as the marker "1." and the age 18)
_REVERSED_RE = re.compile(
    r"(?<![a-z0-9.,])(?:\d{1,2}\.(?=\d{2}\s*(?:≤|<)))?"
    rf"(?P<a>{NUM})\s*{_UNIT.format('au')}?\s*(?P<aop><=|≤|<)\s*(?:age\b|年龄)"
    rf"(?:\s*(?P<bop><=|≤|<)\s*(?P<b>{NUM})\s*{_UNIT.format('bu')}?)?"
)
_AGE_CUE_RE = re.compile(r"\b(?:age[sd]?|years?\s+of\s+age)\b|年龄")
_SKIP_CONTEXT_RE = re.compile(
    r"child[- ]?bearing|reproductive|menopaus|menses|\bfor\s+(?:patients?|subjects?|participants?|"
    r"those|individuals?|children|minors?)\b|karnofsky|lansky|\bkps\b|ecog|performance|"
    r"creatinine|famil\w*|relatives?|donors?|siblings?|mother|father"
)
_SKIP_CONTEXT_RE = with_first_chars(_SKIP_CONTEXT_RE)  # same matches, quicker scan
_OTHER_UNIT_RE = re.compile(r"\s*(?:kg|g\b|%|mg|cm|m2|m\b|/|x\b|times|cells|days?|weeks?|hours?)")
_INTERVAL_AFTER_RE = re.compile(
    r"\s*(?:between|since|after|before|prior\s+to|following|post\b|from\s+(?:the\s+)?(?:last|end|date|"
    r"diagnosis|transplant|completion))\b"
)
_REPRODUCTIVE_RE = re.compile(r"menopaus|menarche|amenorrh|wocbp|reproductive\s+potential")
# the person a number of years describes: "patients must be", "subjects"
_WHO_BEFORE_RE = re.compile(
    r"\b(?:patients?|subjects?|participants?|persons?|individuals?|children|adults?|men|women|"
    r"males?|females?)\s+(?:(?:must|should|shall|will)\s+be\s+|(?:are|is)\s+|aged?\s+)?$"
)
_YEARS_IN_RE = re.compile(r"\d\s*(?:years?|yrs?)\b")
_AND_RE = re.compile(r"\s*,?\s*(?:and|but)?\s*")
_AGE_RIGHT_BEFORE_RE = re.compile(r"\bage[sd]?\s*:?\s*$")
_SPECIAL_RE = re.compile(rf"\bage\s+(?P<a>{NUM})\b.{{0,80}}?\bto\s+age\s+(?P<b>{NUM})\b", re.S)


def _is_years(unit: str | None) -> bool:
    return unit is not None and (unit.startswith("y") or unit.endswith("岁"))


def _years(value: str, unit: str | None) -> float | int:
    number = parse_number(value)
    if unit and unit.startswith("mo"):
        return clean_value(round(number / 12, 2))
    return clean_value(number)


def _has_cue(folded: str, start: int, end: int, old: str | None, item_start: bool) -> bool:
    if old or "age" in folded[start:end]:
        return True
    window = folded[max(0, start - 35) : start]
    if _AGE_CUE_RE.search(window):
        return True
    if _WHO_BEFORE_RE.search(window) and _YEARS_IN_RE.search(folded, start, end):
        return True  # "Patients must be >= 18 years"
    return item_start


def _skip(folded: str, start: int, end: int | None = None) -> bool:
    if end is not None and _OTHER_UNIT_RE.match(folded, end):
        return True  # "at least 14.5 kg": not an age
    if end is not None and _INTERVAL_AFTER_RE.match(folded, end):
        return True  # "less than 1 year between last chemotherapy and progression": a time span
    if _REPRODUCTIVE_RE.search(folded, max(0, start - 60), (end or start) + 60):
        return True  # definitions of reproductive potential ("post-menopausal if >= 55 years")
    return _SKIP_CONTEXT_RE.search(folded, max(0, start - 60), start) is not None


def find_age(folded: str) -> list[Constraint]:
    lo: tuple[float | int, bool] | None = None
    hi: tuple[float | int, bool] | None = None
    spans: list[tuple[int, int]] = []
    lead = len(folded) - len(folded.lstrip(" *-:\t\n"))
    cued = "age" in folded or "old" in folded or "年龄" in folded
    # without an age word, only a range or limit opening the item can be an age
    limit = len(folded) if cued else min(len(folded), lead + 60)
    for m in _SPECIAL_RE.finditer(folded) if cued else ():
        lo, hi = (_years(m.group("a"), None), True), (_years(m.group("b"), None), True)
        spans.append((m.start(), m.end()))
    if not spans:
        for m in _RANGE_RE.finditer(folded, 0, limit):
            unit = m.group("bu") or m.group("au")
            at_start = m.start() - lead <= 8 and _is_years(unit)
            if unit is not None and not (_is_years(unit) or unit.startswith("mo")):
                continue
            if not _has_cue(folded, m.start(), m.end(), m.group("old"), at_start):
                continue
            if _skip(folded, m.start(), m.end()):
                continue
            a = _years(m.group("a"), m.group("au") or m.group("bu"))
            b = _years(m.group("b"), m.group("bu"))
            if b <= a or b > 120:
                continue
            lo = (a, m.group("aop") != ">")
            hi = (b, m.group("bop") != "<")
            spans.append((m.start(), m.end()))
            break
    if not spans and ("age" in folded or "年龄" in folded):
        for m in _REVERSED_RE.finditer(folded):
            if _skip(folded, m.start(), m.end()):
                continue
            lo = (_years(m.group("a"), m.group("au")), m.group("aop") != "<")
            if m.group("b"):
                hi = (_years(m.group("b"), m.group("bu")), m.group("bop") != "<")
            spans.append((m.start("a"), m.end()))
            break
    if not spans:
        for m in _BOUND_RE.finditer(folded, 0, limit):
            unit = m.group("u")
            chained = bool(spans) and _AND_RE.fullmatch(folded, spans[-1][1], m.start()) is not None
            if (
                unit is None
                and not chained  # "greater than 2 years and less than 80": the same age
                and not _AGE_CUE_RE.search(folded, max(0, m.start() - 20), m.end())
            ):
                continue
            at_start = m.start() - lead <= 4 and _is_years(unit)
            if not _has_cue(folded, m.start(), m.end(), m.group("old"), at_start):
                continue
            if _skip(folded, m.start(), m.end()):
                continue
            if (
                unit is not None
                and unit.startswith("mo")
                and not m.group("old")
                and not _AGE_RIGHT_BEFORE_RE.search(folded, max(0, m.start() - 10), m.start())
            ):
                continue  # "for at least 12 months": a duration, not an age
            value = _years(m.group("num"), unit)
            op = ">" if m.group("ot") else "<" if m.group("yt") else op_of(m)
            if op in (">=", ">"):
                if lo is not None:
                    continue  # the first stated limit counts
                lo = (value, op == ">=")
            elif op in ("<=", "<"):
                if hi is not None:
                    continue
                hi = (value, op == "<=")
            else:
                continue
            spans.append((m.start(), m.end()))
        for m in _POSTFIX_RE.finditer(folded, 0, limit):
            if any(s <= m.start() < e for s, e in spans):
                continue
            unit = m.group("u")
            cued = _has_cue(folded, m.start(), m.end(), None, m.start() - lead <= 4)
            if not cued and not _is_years(unit):
                continue
            if _skip(folded, m.start(), m.end()):
                continue
            value = _years(m.group("num"), unit)
            if m.group("le"):
                if hi is not None:
                    continue
                hi = (value, True)
            else:
                if lo is not None:
                    continue
                lo = (value, True)
            spans.append((m.start(), m.end()))
    if lo is None and hi is None:
        return []
    attrs: dict[str, Any] = {
        "min_years": lo[0] if lo else None,
        "max_years": hi[0] if hi else None,
        "min_inclusive": lo[1] if lo else None,
        "max_inclusive": hi[1] if hi else None,
    }
    if lo is not None and hi is not None and lo[0] >= hi[0]:
        return []
    return [Constraint("age", attrs, (min(s for s, _ in spans), max(e for _, e in spans)))]
