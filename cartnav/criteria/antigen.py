"""Antigen expression: "CD19+", "CD19 positive", "expression of CD19 and/or CD22", "positive for
any of CD33, CD38 ... or CD123", "CD7 ... >30% positive", "CD19 negative", "CD19阳性".

An antigen named as a therapy target ("anti-CD19", "CD19 CAR-T", "CD19-directed") is not an
expression statement and is left to the prior-therapy extractor.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from cartnav.criteria.negation import negated_before
from cartnav.criteria.units import COMP_NUM_RE, clean_value, op_of, parse_number
from cartnav.domain.criterion import Constraint

_NAME_RE = re.compile(
    r"(?<![a-z0-9])cd\s?-?(?P<cd>\d{1,3}[a-z]?)(?![\d])|"
    r"(?P<cll>\bcll[- ]?1\b|\bclec12a\b)|"
    r"(?P<bcma>\bbcma\b)|(?P<gprc>\bgprc5d\b)|(?P<ror>\bror1\b)|(?P<muc>\bmuc[- ]?1\b)|"
    r"(?P<kappa>\bkappa\b)|"
    r"(?P<other>\bdll-?3\b|\bpd-?l1\b|\bher-?2\b|\bgd2\b|\bgpc-?3\b|\btrop-?2\b|\bpsma\b|"
    r"\bb7-?h3\b|\bslamf7\b|\bcldn\s?18\.2\b|\bclaudin[- ]?18\.2\b|\bmesothelin\b|\bmsln\b|"
    r"\bflt-?3\b(?![- ]?(?:itd|tkd|mut))|\bnkg2d\s+ligands?\b)"
)
# canonical spellings of the solid-tumour and other antigens matched by the "other" group
_OTHER_NAMES = {
    "dll3": "DLL3",
    "pdl1": "PD-L1",
    "her2": "HER2",
    "gd2": "GD2",
    "gpc3": "GPC3",
    "trop2": "TROP2",
    "psma": "PSMA",
    "b7h3": "B7-H3",
    "slamf7": "SLAMF7",
    "cldn18.2": "CLDN18.2",
    "claudin18.2": "CLDN18.2",
    "mesothelin": "MSLN",
    "msln": "MSLN",
    "flt3": "FLT3",
    "nkg2dligand": "NKG2DL",
    "nkg2dligands": "NKG2DL",
}
_JOIN_RE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|/|and\s*/\s*or|and\s+or|or|and|&|、)\s*")
_POS_AFTER_RE = re.compile(
    r"\)?\s*(?:\(\+\)|\+|[- ]?pos(?:i?tive|tivity)?\b|[- ]?express(?:ing|ion|ed)\b|阳性|表达|"
    r"\s+(?:is\s+|was\s+|must\s+be\s+|should\s+be\s+)?(?:expressed|detected|detectable))"
)
_NEG_AFTER_RE = re.compile(
    r"\)?\s*(?:[- ]?double[- ]negative|\(-\)|-(?=\s|$|[,;.)])|[- ]?neg(?:ative)?\b|阴性|\s+loss)"
)
_POS_BEFORE_RE = re.compile(
    r"(?:positive|positivity|expression|expressing|express(?:es)?|expressed)\s+(?:of|for|on)?\s*"
    r"(?:(?:any|one|all|both|either)\s+(?:of\s+)?)?(?:the\s+)?(?:antigens?\s+)?$"
)
_NEG_BEFORE_RE = re.compile(r"(?:loss\s+of|negative\s+for|negativity\s+(?:of|for))\s*(?:the\s+)?$")
_LOOSE_POS_RE = re.compile(
    r"(?:\s+(?!cd\d)[\w/]+){1,5}?\s+(?:is\s+|are\s+)?(?:[<>≥≤]=?\s*\d+(?:\.\d+)?\s*%\s*)?"
    r"(?:positive|expressed|expression)\b"
)
_THERAPY_BEFORE_RE = re.compile(r"(?:anti|targeting|targeted|against|directed)[- ]?\s*$")
_THERAPY_AFTER_RE = re.compile(
    r"[- /]?(?:\w+[- ])?(?:car\b|car-|chimeric|directed|targeted|targeting|bispecific|"
    r"antibod|monoclonal|bite\b|t[- ]cell\s+(?:therapy|engager)|immunotherapy)"
)
_COUNT_AFTER_RE = re.compile(
    r"\s*(?:\+|positive)?\s*(?:t[- ]?cells?|b[- ]?cells?|lymphocytes?|cells?)?\s*"
    r"(?:counts?|numbers?)\b"
    # "250 CD3+ cells per microliter", "CD3+ cells/µL": cells counted in the blood
    r"|\s*(?:\+|positive)?\s*(?:t[- ]?)?cells?\s*(?:per|/)\s*(?:micro|µ|μ|u|m|mm|ul|l\b)"
)
_EITHER_AFTER_RE = re.compile(r"\s*(?:\+\s*/\s*-|±|\(\+/-\))")
_ALT_JOIN_RE = re.compile(r"\bor\b|and\s*/\s*or|and\s+or")
_PCT_NEAR_RE = re.compile(r"[.;](?:\s|$)")


def _canonical(m: re.Match[str]) -> str:
    if m.group("cd"):
        return "CD" + m.group("cd").upper()
    if m.group("other"):
        key = re.sub(r"[\s-]", "", m.group("other"))
        return _OTHER_NAMES.get(key, key.upper())
    for group, name in (
        ("cll", "CLL1"),
        ("bcma", "BCMA"),
        ("gprc", "GPRC5D"),
        ("ror", "ROR1"),
        ("muc", "MUC1"),
        ("kappa", "kappa"),
    ):
        if m.group(group):
            return name
    return m.group(0).upper()


def _runs(folded: str) -> list[list[re.Match[str]]]:
    """Antigen names joined by commas, slashes, "and/or": one run per list."""
    runs: list[list[re.Match[str]]] = []
    for m in _NAME_RE.finditer(folded):
        if runs and _JOIN_RE.fullmatch(folded[runs[-1][-1].end() : m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def find_antigen(folded: str) -> list[Constraint]:
    out: list[Constraint] = []
    alt_id = 0
    for run in _runs(folded):
        first, last = run[0], run[-1]
        before = folded[max(0, first.start() - 60) : first.start()]
        after_end = last.end()
        if _THERAPY_BEFORE_RE.search(before) or _THERAPY_AFTER_RE.match(folded, after_end):
            continue
        if _COUNT_AFTER_RE.match(folded, after_end):
            continue  # "CD3+ T cell count >= 100/ul" is a blood count, not tumour expression
        if _EITHER_AFTER_RE.match(folded, after_end):
            continue  # "CD19+/-", "CD19±": positive or negative, no requirement
        expression: str | None = None
        end = after_end
        if _NEG_BEFORE_RE.search(before):
            expression = "negative"
        elif m := _NEG_AFTER_RE.match(folded, after_end):
            expression, end = "negative", m.end()
        elif m := _POS_AFTER_RE.match(folded, after_end):
            expression, end = "positive", m.end()
        elif _POS_BEFORE_RE.search(before):
            expression = "positive"
        elif (m := _LOOSE_POS_RE.match(folded, after_end)) and not _PCT_NEAR_RE.search(m.group(0)):
            expression, end = "positive", m.end()
        if expression is None:
            continue
        if expression == "positive" and negated_before(folded, first.start(), 20):
            continue  # "not CD19 positive": unsure, leave it out
        threshold, low = _threshold(folded, first.start(), end)
        if low and expression == "positive":
            # "< 30% expression of CD19": expression below a cut-off, the antigen's negativity
            expression = "negative"
        names: list[tuple[str, re.Match[str]]] = []
        for m in run:
            name = _canonical(m)
            if name not in (n for n, _ in names):
                names.append((name, m))
        joins = [folded[a.end() : b.start()] for a, b in itertools.pairwise(run)]
        alternatives = len(names) > 1 and any(_ALT_JOIN_RE.search(j) for j in joins)
        if not alternatives and len(names) > 1 and re.search(r"any\s+of|one\s+of|either", before):
            alternatives = True
        if alternatives:
            alt_id += 1
        for name, m in names:
            attrs: dict[str, Any] = {
                "antigen": name,
                "expression": expression,
                "threshold_pct": threshold,
            }
            span = (m.start(), max(m.end(), end) if len(names) == 1 else m.end())
            out.append(Constraint("antigen", attrs, span, alt_id if alternatives else None))
    return _dedupe(out)


def _threshold(folded: str, start: int, end: int) -> tuple[float | int | None, bool]:
    """A percentage stated with the antigen in the same sentence (not a blast count), and whether
    it is an upper bound ("< 30% CD19 expression")."""
    stop = _PCT_NEAR_RE.search(folded, end)
    limit = stop.start() if stop else len(folded)
    limit = min(limit, end + 90)
    for m in COMP_NUM_RE.finditer(folded, max(0, start - 30), limit):
        rest = folded[m.end() : m.end() + 20]
        if not rest.lstrip().startswith("%"):
            continue
        if re.match(r"\s*%\s*(?:lympho)?blasts?", rest):
            continue  # "CD19+, > 5% blasts": a blast count ("30% of blasts" is the share)
        if m.end() <= start and (
            re.search(r"[,;]", folded[m.end() : start])
            or re.search(r"blasts?\W*(?:\w+\W+){0,2}$", folded[max(0, m.start() - 25) : m.start()])
        ):
            continue  # "bone marrow blasts >= 5%, CD19 positive": the blast count before it
        return clean_value(parse_number(m.group("num"))), op_of(m) in ("<", "<=")
    return None, False


def _dedupe(items: list[Constraint]) -> list[Constraint]:
    seen: set[tuple[str, str]] = set()
    out: list[Constraint] = []
    for c in items:
        key = (str(c.attrs["antigen"]), str(c.attrs["expression"]))
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out
