"""Performance status: Karnofsky, Lansky, ECOG, with the threshold and the ages each applies to.

"ECOG 0-1" -> ``<=`` 1; "Karnofsky ≥ 50%" -> ``>=`` 50; "Karnofsky (age ≥ 16 years) or Lansky
(age < 16 years) ≥ 50" -> two constraints sharing the value, ``ages`` ">=16" / "<16";
"KPS ≥ 60 or ECOG ≤ 2" -> two alternatives.
"""

from __future__ import annotations

import re
from typing import Any

from cartnav.criteria.units import COMPARATOR, NUM, clean_value, op_of, parse_number
from cartnav.domain.criterion import Constraint

_SCALE_RE = re.compile(
    r"(?P<karnofsky>karnofsky|(?<![a-z])kps(?![a-z]))|(?P<lansky>lansky|(?<![a-z])lps(?![a-z]))|"
    r"(?P<ecog>(?<![a-z])ecog(?![a-z])|eastern\s+cooperative\s+oncology\s+group|"
    r"eastern\s+cancer\s+cooperati(?:on|ve)\s+group|\bzubrod\b|\bwho\)?\s+performance\s+status)"
)
_AGE_PAREN_RE = re.compile(
    rf"\s*[(\[]\s*(?:for\s+)?(?:age[sd]?|patients?|subjects?|children)?\s*(?:{COMPARATOR})\s*"
    rf"(?P<num>{NUM})[^)\]]*[)\]]"
)
_AGE_BEFORE_RE = re.compile(
    rf"(?:patients?|age[sd]?|subjects?|participants?|children)\s*(?:aged\s+)?(?:{COMPARATOR})\s*"
    rf"(?P<num>{NUM})\s*(?:years?|yrs?)?\s*(?:of\s+age|old)?\s*[:,]?\s*$"
)
_AGE_AFTER_RE = re.compile(
    rf"\s*(?:for|in)\s+(?:patients?|subjects?|those|children)\s*(?:aged\s+)?(?:{COMPARATOR})\s*"
    rf"(?P<num>{NUM})"
)
_AGE_TAIL_RE = re.compile(
    rf"\s*%?\s*(?:points?\s*)?(?:if|for|in|when)\s+(?:patients?\s+|subjects?\s+|children\s+|those\s+)?"
    rf"(?:aged?\s+|age[sd]?\s+)?(?:{COMPARATOR})\s*(?P<num>{NUM})\s*(?:years?|yrs?)"
)
_VALUE_RE = re.compile(
    rf"(?:{COMPARATOR})\s*(?:of\s+)?(?P<num>{NUM})\s*(?:%|points?)?"
    r"|(?P<a>\d)\s*(?:-|~|to|or|–|,)\s*(?P<b>\d)(?:\s*,?\s*(?:or|and)\s*(?P<c>\d))?(?!\s*%|\d)"
    r"|(?:score|status|ps|of|is|=|:)\s*(?P<single>\d{1,3})"
    r"(?!\s*(?:years?|months?|%|\d|[-~,]|or\s*\d|to\s*\d))\b"
)
_RANGE_BEFORE_RE = re.compile(
    r"(?P<a>\d)\s*(?:-|~|to|or)\s*(?P<b>\d)\s*(?:points?\s+)?(?:score|ps)\b"
)
_FILLER_RE = re.compile(r"[\s,:()]*(?:performance\s+status|performance|status|score|scale|ps)?")


def _scale(m: re.Match[str]) -> str:
    return next(name for name in ("karnofsky", "lansky", "ecog") if m.group(name))


_SCALE_WORDS_RE = re.compile(r"(?:\s*(?:performance|status|score|scale|ps)\b)*")


def _ages(folded: str, m: re.Match[str], clause_start: int) -> tuple[str | None, int]:
    # "Karnofsky (for age >= 16 years)", also after "score" / "performance status"
    words = _SCALE_WORDS_RE.match(folded, m.end())
    paren = _AGE_PAREN_RE.match(folded, words.end() if words else m.end())
    if paren is not None:
        return f"{op_of(paren)}{clean_value(parse_number(paren.group('num')))}", paren.end()
    after = _AGE_AFTER_RE.match(folded, m.end())
    if after is not None:
        return f"{op_of(after)}{clean_value(parse_number(after.group('num')))}", m.end()
    before = _AGE_BEFORE_RE.search(folded[clause_start : m.start()])
    if before is not None:
        return f"{op_of(before)}{clean_value(parse_number(before.group('num')))}", m.end()
    return None, m.end()


def _value(folded: str, scale: str, start: int, stop: int) -> tuple[str, float | int, int] | None:
    for v in _VALUE_RE.finditer(folded, start, stop):
        if v.group("num") is not None:
            op = op_of(v)
            if op is None:
                continue
            value = clean_value(parse_number(v.group("num")))
        elif v.group("a") is not None:
            if scale != "ecog":
                continue
            values = [int(v.group(g)) for g in ("a", "b", "c") if v.group(g)]
            op, value = "<=", max(values)
        else:
            op, value = "=", clean_value(parse_number(v.group("single")))
        if scale == "ecog" and not 0 <= value <= 5:
            continue
        if scale != "ecog" and not 10 <= value <= 100:
            continue
        return op, value, v.end()
    return None


def find_performance(folded: str) -> list[Constraint]:
    mentions = list(_SCALE_RE.finditer(folded))
    if not mentions:
        return []
    rows: list[dict[str, Any]] = []
    for i, m in enumerate(mentions):
        scale = _scale(m)
        clause_start = max(folded.rfind(";", 0, m.start()), folded.rfind(".", 0, m.start() - 1)) + 1
        if i > 0:
            clause_start = max(clause_start, mentions[i - 1].end())
        ages, value_from = _ages(folded, m, clause_start)
        stop = mentions[i + 1].start() if i + 1 < len(mentions) else len(folded)
        stop = min(stop, value_from + 70)
        found = _value(folded, scale, value_from, stop)
        span_start = m.start()
        if found is None and scale == "ecog":
            before = _RANGE_BEFORE_RE.search(folded, max(0, m.start() - 70), m.start())
            if before is not None:
                found = ("<=", int(before.group("b")), m.end())
            else:  # "Performance status 0-2 (ECOG)", "... of 0 or 1 on the ECOG scale"
                ps = folded.rfind("performance status", clause_start, m.start())
                if ps >= 0:
                    value = _value(folded, scale, ps + len("performance status"), m.start())
                    if value is not None:
                        found, span_start = (value[0], value[1], m.end()), ps
        if ages is None and found is not None:
            tail = _AGE_TAIL_RE.match(folded, found[2])
            if tail is not None:
                ages = f"{op_of(tail)}{clean_value(parse_number(tail.group('num')))}"
        rows.append({"scale": scale, "ages": ages, "found": found, "span": (span_start, m.end())})
    # a scale without its own value shares the next one's ("Karnofsky (...) or Lansky (...) >= 50")
    for i in range(len(rows) - 2, -1, -1):
        if rows[i]["found"] is None and rows[i + 1]["found"] is not None:
            rows[i]["found"] = rows[i + 1]["found"]
    out: list[Constraint] = []
    with_values = [r for r in rows if r["found"] is not None]
    seen: set[tuple[str, str | None]] = set()
    alternative = None
    if len({r["scale"] for r in with_values}) > 1 and all(r["ages"] is None for r in with_values):
        alternative = 1 if re.search(r"\bor\b|/", folded) else None
    for r in with_values:
        key = (r["scale"], r["ages"])
        if key in seen:
            continue
        seen.add(key)
        op, value, end = r["found"]
        attrs = {"scale": r["scale"], "op": op, "value": value, "ages": r["ages"]}
        span = (r["span"][0], max(r["span"][1], end))
        out.append(Constraint("performance", attrs, span, alternative))
    return out
