"""Organ function and blood counts: creatinine (or clearance / GFR), bilirubin, ALT/AST, LVEF or
shortening fraction, oxygen saturation, INR/aPTT, platelets, ANC, hemoglobin, lymphocytes.

"ALT/AST ≤ 3 × ULN" gives two constraints (alt and ast) with one value; "LVEF ≥ 45% or SF ≥ 28%"
gives two constraints with the same ``alternative`` id. A value needs a comparator and a unit that
fits the analyte ("< 2 years" after "creatinine" in an age table is not a creatinine limit).
"""

from __future__ import annotations

import re
from typing import Any

from cartnav.criteria.gates import TermIndex
from cartnav.criteria.prefilter import with_first_chars
from cartnav.criteria.units import (
    COMP_NUM_RE,
    COMPARATOR,
    POSTFIX_RE,
    WORD_NUMBERS,
    clean_value,
    op_of,
    parse_number,
)
from cartnav.domain.criterion import Constraint

_ANALYTES: list[tuple[str, str]] = [
    ("creatinine_clearance", r"creatinine\s+clearance(?:\s+rate)?|\bcrcl\b|\bccr\b|\bclcr\b"),
    ("gfr", r"\be?gfr\b|glomerular\s+filtrat(?:ion|e)\s+rate"),
    ("creatinine", r"(?:serum\s+)?creatinine|\bscr\b|\bcr\b"),
    ("bilirubin", r"(?:total\s+|serum\s+|direct\s+|conjugated\s+)?bilirubin|\bt-?bili?\b"),
    (
        "alt",
        r"alanine\s+(?:amino)?trans(?:aminase|ferase)|\bsgpt\b|"
        r"glutamic[- ]pyruvic\s+transaminase|\balt\b|\balat\b",
    ),
    (
        "ast",
        r"aspartate\s*(?:amino)?trans(?:aminase|ferase)|\bsgot\b|"
        r"glutamic[- ]ox(?:al)?o?acetic\s+transaminase|\bast\b|\basat\b",
    ),
    ("alt+ast", r"\btransaminases\b|\baminotransferases\b|liver\s+enzymes"),
    (
        "lvef",
        r"left\s+ventricular\s+ejection\s+fractions?|\blvef\b|(?:cardiac\s+)?ejection\s+fractions?|\bef\b",
    ),
    (
        "shortening_fraction",
        r"(?:left\s+ventricular\s+)?shortening\s+fraction|fractional\s+shortening|\blvsf\b|\bsf\b",
    ),
    ("spo2", r"\bspo2\b|\bsao2\b|oxygen\s+saturation|pulse\s+ox(?:imetry|ygenation)|o2\s+sat\w*"),
    ("inr", r"\binr\b|international\s+(?:normali[sz]ed|standardi[sz]ed)\s+ratio(?:\s*\(inr\))?"),
    ("aptt", r"\ba?ptt\b|partial\s+thromb(?:oplastin|oplastic|in)\s+time(?:\s*\(a?ptt\))?"),
    (
        "pt",
        r"prothrombin\s+time(?!\s*\(?\s*(?:inr|international))|\bpt\b(?=\s*(?:and|/|,|\(|≤|≥|<|>))",
    ),
    ("platelets", r"platelets?(?:\s+counts?)?|\bplt\b"),
    (
        "anc",
        r"absolute\s+neutrophils?(?:\s+counts?)?|\banc\b|\bneutrophils?\s+counts?|"
        r"\bneutrophils?\s*\(\s*absolute(?:\s+value|\s+count)?\s*\)",
    ),
    ("wbc", r"\bwbc\b(?:\s+counts?)?|white\s+blood\s+cells?(?:\s+counts?)?"),
    ("alp", r"alkaline?\s+phosphatases?|\balp\b"),
    ("ggt", r"gamma[- ]?glutamyl\s*trans(?:peptidase|ferase)|\bggt\b|\bgamma[- ]?gt\b"),
    ("albumin", r"(?:serum\s+)?albumin"),
    ("dlco", r"\bdlco\b"),
    ("qtc", r"\bqtc[fb]?\b(?:\s+interval)?|corrected\s+qt(?:\s+interval)?(?:\s*\(qtc\))?"),
    ("alc", r"absolute\s+lymphocyte\s+(?:counts?|n\b)|\balc\b"),
    ("hemoglobin", r"ha?emoglobin|\bhgb\b|\bhb\b"),
    ("cd19_count", r"\bcd19\s*\+?\s*(?:positive\s+)?(?:b[- ]?cells?\s+)?counts?"),
    ("cd3_count", r"\bcd3\s*\+?\s*(?:positive\s+)?(?:t[- ]?cells?\s+)?counts?"),
]
_TRIGGERS: dict[str, frozenset[str]] = {  # word prefixes (see gates.py)
    "creatinine_clearance": frozenset({"ccr", "clcr", "crcl", "crea"}),
    "gfr": frozenset({"egfr", "gfr", "glom"}),
    "creatinine": frozenset({"cr", "crea", "scr"}),
    "bilirubin": frozenset({"bil", "bili", "tbil"}),
    "alt": frozenset({"alan", "alt", "glut", "sgpt", "alat"}),
    "ast": frozenset({"aspa", "ast", "glut", "sgot", "asat"}),
    "alt+ast": frozenset({"amin", "live", "tran"}),
    "lvef": frozenset({"ef", "ejec", "lvef"}),
    "shortening_fraction": frozenset({"frac", "lvsf", "sf", "shor"}),
    "spo2": frozenset({"oxyg", "puls", "sao", "sat", "spo"}),
    "inr": frozenset({"inr", "inte"}),
    "aptt": frozenset({"aptt", "ptt", "part"}),
    "pt": frozenset({"prot", "pt"}),
    "platelets": frozenset({"plat", "plt"}),
    "anc": frozenset({"abso", "anc", "neut"}),
    "alc": frozenset({"abso", "alc", "lymp"}),
    "hemoglobin": frozenset({"haem", "hb", "hemo", "hgb"}),
    "wbc": frozenset({"wbc", "whit"}),
    "cd19_count": frozenset({"cd"}),
    "cd3_count": frozenset({"cd"}),
    "alp": frozenset({"alka", "alp"}),
    "ggt": frozenset({"gamm", "ggt"}),
    "albumin": frozenset({"albu"}),
    "dlco": frozenset({"dlco"}),
    "qtc": frozenset({"qtc", "qtcf", "qtcb"}),
}


_ANALYTE_RXS = [(name, with_first_chars(re.compile(p)), _TRIGGERS[name]) for name, p in _ANALYTES]
_INDEX = TermIndex([t[2] for t in _ANALYTE_RXS])


class _Mention:
    __slots__ = ("end_", "name", "start_")

    def __init__(self, start: int, end: int, name: str) -> None:
        self.start_, self.end_, self.name = start, end, name

    def start(self) -> int:
        return self.start_

    def end(self) -> int:
        return self.end_


def _mentions(text: str, folded: str, words: set[str]) -> list[_Mention]:
    found: list[_Mention] = []
    for index in _INDEX.active(words):
        name, rx, _keys = _ANALYTE_RXS[index]
        for m in rx.finditer(folded):
            if _real_mention(text, name, m.start(), m.end()):
                found.append(_Mention(m.start(), m.end(), name))
    found.sort(key=lambda f: (f.start_, -f.end_))
    out: list[_Mention] = []
    for f in found:
        if out and f.start_ < out[-1].end_:
            continue
        out.append(f)
    return out


_JOINER_RE = re.compile(
    r"[\s,/&()\-]*(?:(?:and|or|and/or)\b[\s,/&()\-]*)?"
    r"(?:(?:the|serum|calculated|measured|estimated|radioisotope|radionuclide|activated)\s+)*"
)
_UNITS: list[tuple[str, str]] = [
    ("pct", r"%|percent"),
    (
        "x_uln",
        # "3 times the upper limit" (of normal left out)
        r"(?:x|times|fold|-fold)\s*(?:the\s+)?upper\s+limits?\b(?!\s+of\b)|"
        r"(?:x|times|fold|-fold|\*)?\s*(?:(?:greater|higher|more)\s+than\s+)?(?:of\s+)?(?:the\s+)?"
        r"(?:institutional\s+)?(?:uln|unl|upper\s+limits?\s+"
        r"(?:of\s*)?(?:the\s+)?normal|upper\s+norma?l?\s+limit|upper\s+limitation\s+of\s+normal|"
        r"normal\s+(?:upper\s+limit|range|value|level)|normal\b)",
    ),
    ("mg_dl", r"mg\s*/\s*dl|milligrams?\s+per\s+deciliter"),
    ("umol_l", r"u\s*mol\s*/\s*l|micromol\w*\s*/\s*l"),
    ("mmol_l", r"mmol\s*/\s*l"),
    (
        "ml_min",
        r"(?:ml|cc|milli\s*-?\s*lit(?:er|re)s?)\s*(?:/|\s+per\s+)\s*min(?:ute)?"
        r"(?:\s*/\s*1[.,]73\s*m\s*2|\s+per\s+1[.,]73\s*m2)?",
    ),
    ("g_dl", r"g\s*/\s*dl"),
    ("g_l", r"g\s*/\s*l|grams?\s+per\s+lit(?:er|re)"),
    ("x10e9_l", r"(?:x|\*)\s*10\s*\^?\s*9\s*(?:cells\s*)?/\s*l|x\s*109\s*(?:cells\s*)?/\s*l"),
    ("per_ul", r"(?:cells\s*)?/\s*(?:mm\s*\^?\s*3|u\s*l\b|mcl|microlit(?:er|re))"),
    ("u_l", r"u\s*/\s*l|iu\s*/\s*l"),
    ("ms", r"ms(?:ec)?\b|milliseconds?"),
    ("seconds", r"s(?:ec(?:onds?)?)?\b"),
]
_UNIT_RE = re.compile(r"\s*(?:" + "|".join(f"(?P<{n}>{p})" for n, p in _UNITS) + ")")
_FITS: dict[str, tuple[str | None, ...]] = {
    "creatinine": ("mg_dl", "umol_l", "mmol_l", "x_uln"),
    "creatinine_clearance": ("ml_min",),
    "gfr": ("ml_min",),
    "bilirubin": ("mg_dl", "umol_l", "x_uln"),
    "alt": ("x_uln", "u_l"),
    "ast": ("x_uln", "u_l"),
    "lvef": ("pct", None),
    "shortening_fraction": ("pct", None),
    "spo2": ("pct", None),
    "inr": (None, "x_uln"),
    "aptt": ("x_uln", "seconds"),
    "pt": ("x_uln", "seconds"),
    "platelets": ("x10e9_l", "per_ul", None),
    "anc": ("x10e9_l", "per_ul", None),
    "alc": ("x10e9_l", "per_ul", None),
    "hemoglobin": ("g_dl", "g_l"),
    "wbc": ("x10e9_l", "per_ul"),
    "cd19_count": ("per_ul", "x10e9_l"),
    "cd3_count": ("per_ul", "x10e9_l"),
    "alp": ("x_uln", "u_l"),
    "ggt": ("x_uln", "u_l"),
    "albumin": ("g_dl", "g_l"),
    "dlco": ("pct",),
    "qtc": ("ms",),
}
_STOP_RE = re.compile(r"[;.](?:\s|$)|\n\s*\n")
_OR_VALUE_RE = re.compile(r"\s*(?:,\s*)?or\s+")


def _unit(folded: str, pos: int) -> tuple[str | None, int]:
    u = _UNIT_RE.match(folded, pos)
    if u is None or u.lastgroup is None:
        return None, pos
    return u.lastgroup, u.end()


_COUNTS = frozenset({"platelets", "anc", "alc", "wbc"})


def _fit(analyte: str, unit: str | None, value: float) -> tuple[str | None, float] | None:
    if analyte in ("lvef", "shortening_fraction", "spo2") and unit is None:
        if 0 < value <= 1:
            return "pct", value * 100
        if 15 <= value <= 100:
            return "pct", value
        return None
    if analyte in _COUNTS and unit is None:
        if value >= 1000:  # "WBC > 50,000": a count per microlitre, the unit left unsaid
            return "per_ul", value
        if value < 10:
            return None
    if unit not in _FITS.get(analyte, ()):
        return None
    if unit == "mmol_l" and analyte == "creatinine":
        return "umol_l", value * 1000  # one unit for creatinine's molar limits
    return unit, value


# Some registry pages render "≤"/"≥" as "=" ("AST =3 times ULN", "creatinine clearance =60
# mL/min"). In an inclusion item the evident meaning is the bound that admits: an upper bound for
# what must stay low, a lower bound for what must stay high. Exclusion items are left alone.
_UPPER_BOUNDED = frozenset({"creatinine", "bilirubin", "alt", "ast", "alp", "ggt", "inr", "aptt"})
_LOWER_BOUNDED = frozenset(
    {"creatinine_clearance", "gfr", "lvef", "shortening_fraction", "spo2", "platelets", "anc"}
    | {"hemoglobin", "albumin", "dlco", "wbc", "alc"}
)
_BARE_EQ_RE = re.compile(
    r"[\s)]*(?:level\s+|value\s+|count\s+)?(?<![<>≤≥=!])=(?=\d)(?P<num>\d+(?:[.,]\d+)?)"
)
_WORD_NUM_RE = with_first_chars(
    re.compile(rf"(?:{COMPARATOR})\s*(?P<word>{'|'.join(WORD_NUMBERS)})\s+(?=times|fold|x\b|-fold)")
)


_EXCEPTION_WORDS = r"(?:gilbert|metastas|hemoly|haemoly)"  # limits that apply to an exception
_EXCEPTION_LIMIT_RE = re.compile(_EXCEPTION_WORDS)
_EXCEPTION_BEFORE_RE = re.compile(rf"{_EXCEPTION_WORDS}[^;)）]*$")
_CSF_RE = re.compile(r"\bcsf\b|cerebr(?:o|al)\s*-?\s*spinal|spinal\s+fluid|\bcns\b")


def find_labs(text: str, folded: str, words: set[str], kind: str = "inclusion") -> list[Constraint]:
    mentions = _mentions(text, folded, words)
    out: list[Constraint] = []
    seen: set[tuple[str, str | None]] = set()
    alt_id = 0
    last_value_end = -1
    last_alt_group: list[int] = []
    i = 0
    while i < len(mentions):
        subjects = [mentions[i]]
        while i + 1 < len(mentions) and _JOINER_RE.fullmatch(
            folded[subjects[-1].end() : mentions[i + 1].start()]
        ):
            i += 1
            subjects.append(mentions[i])
        i += 1
        nxt = mentions[i].start() if i < len(mentions) else len(folded)
        stop_m = _STOP_RE.search(folded, subjects[-1].end())
        limit = min(nxt, subjects[-1].end() + 60, stop_m.start() if stop_m else len(folded))
        if last_value_end >= 0 and _EXCEPTION_BEFORE_RE.search(
            folded, max(last_value_end, subjects[0].start() - 35), subjects[0].start()
        ):
            continue  # "(Gilbert's syndrome subjects: TBIL <= 3 mg/dl)": the exception's limit
        values = _values(folded, subjects[-1].end(), limit)
        # a second limit of the same analyte: the other end of a range ("eGFR greater than 25
        # and less than 90 mL/min", both required), or the other sex's ("QTcF >= 450 ms for
        # males or >= 470 ms for females", alternatives)
        ranged = paired = False
        if len(values) == 1:
            second = _range_end(folded, values[0], limit + 40)
            ranged = second is not None
            if second is None:
                second = _by_sex(folded, values[0], limit + 40)
            if second is not None:
                values, paired = [values[0], second], True
        if not values and kind == "inclusion":
            values = _bare_eq(folded, subjects[-1].end(), limit, subjects)
        if not values:
            values = _maximum(folded, subjects[0].start(), subjects[-1].end(), limit)
        if not values:
            values = _at_uln(folded, subjects[-1].end(), limit)
        if not values:
            continue
        names: list[str] = []
        for s in subjects:
            for name in s.name.split("+"):
                if name not in names:
                    names.append(name)
        between = folded[last_value_end : subjects[0].start()] if last_value_end >= 0 else ""
        chained_or = bool(
            last_value_end >= 0 and re.search(r"\bor\b", between)
        ) and not _STOP_RE.search(between)
        new: list[Constraint] = []
        multi = len(values) > 1 and not ranged
        restated = last_value_end >= 0 and _RESTATE_RE.fullmatch(between) is not None
        for k, (op, value, unit, end) in enumerate(values):
            for name in names:
                if name == "wbc" and _CSF_RE.search(
                    folded, max(0, subjects[0].start() - 40), min(len(folded), end + 40)
                ):
                    continue  # cells in the cerebrospinal fluid (CNS status), not a blood count
                fitted = _fit(name, unit, value)
                if fitted is None:
                    continue
                if (name, fitted[0]) in seen and not (paired and k == 1):
                    if restated:  # "more than 90% (SpO2 >= 90%)": the formula wins
                        _restate(out, name, fitted[0], op, fitted[1])
                    if not chained_or or _same_value(out, name, fitted[0], fitted[1]):
                        continue
                    # "LVEF >= 40% by MUGA, or ... LVEF >= 50% by ECHO": another alternative
                seen.add((name, fitted[0]))
                attrs: dict[str, Any] = {
                    "analyte": name,
                    "op": op,
                    "value": clean_value(round(fitted[1], 4)),
                    "unit": fitted[0],
                }
                new.append(Constraint("lab", attrs, (subjects[0].start(), end)))
        if not new:
            continue
        if chained_or or multi:
            if chained_or and last_alt_group:
                group_id = out[last_alt_group[0]].alternative
                if group_id is None:
                    alt_id += 1
                    group_id = alt_id
                    for k in last_alt_group:
                        out[k] = _with_alt(out[k], group_id)
            else:
                alt_id += 1
                group_id = alt_id
            new = [_with_alt(c, group_id) for c in new]
        last_alt_group = list(range(len(out), len(out) + len(new)))
        out.extend(new)
        last_value_end = values[-1][3]
    return out


_RESTATE_RE = re.compile(r"\s*\(\s*")


def _same_value(out: list[Constraint], name: str, unit: str | None, value: float) -> bool:
    return any(
        c.attrs["analyte"] == name
        and c.attrs["unit"] == unit
        and c.attrs["value"] == clean_value(round(value, 4))
        for c in out
    )


def _restate(out: list[Constraint], name: str, unit: str | None, op: str, value: float) -> None:
    """Replace the comparison of ``name`` (in ``unit``) by the formula restating it: the same
    number and direction, where only the strictness differs ("more than" beside "≥")."""
    for k, c in enumerate(out):
        if (
            c.attrs["analyte"] == name
            and c.attrs["unit"] == unit
            and c.attrs["value"] == clean_value(round(value, 4))
            and c.attrs["op"][0] == op[0]
        ):
            attrs = {**c.attrs, "op": op, "value": clean_value(round(value, 4))}
            out[k] = Constraint(c.type, attrs, c.span, c.alternative)


def _bare_eq(
    folded: str, start: int, limit: int, subjects: list[_Mention]
) -> list[tuple[str, float, str | None, int]]:
    m = _BARE_EQ_RE.match(folded, start, limit)
    if m is None:
        return []
    names = {n for s in subjects for n in s.name.split("+")}
    if names <= _UPPER_BOUNDED:
        op = "<="
    elif names <= _LOWER_BOUNDED:
        op = ">="
    else:
        return []
    unit, end = _unit(folded, m.end())
    return [(op, parse_number(m.group("num")), unit, end)]


_MAXIMUM_BEFORE_RE = re.compile(r"\b(?:(?P<max>maximum|max\.?)|minimum|min\.)\s+$")
_BARE_NUM_RE = re.compile(r"\s*(?:of\s+|:\s*)?(?P<num>\d+(?:[.,]\d+)?)")


def _maximum(
    folded: str, start: int, end: int, limit: int
) -> list[tuple[str, float, str | None, int]]:
    """ "maximum serum creatinine 0.8 mg/dL": the word gives the comparison (a unit is needed)."""
    word = _MAXIMUM_BEFORE_RE.search(folded, max(0, start - 10), start)
    num = _BARE_NUM_RE.match(folded, end, limit) if word is not None else None
    if word is None or num is None:
        return []
    unit, unit_end = _unit(folded, num.end())
    if unit is None:
        return []
    return [("<=" if word.group("max") else ">=", parse_number(num.group("num")), unit, unit_end)]


# "total bilirubin within normal range": at most the upper limit of normal
_WITHIN_NORMAL_RE = re.compile(
    r"[\s)]*(?:is\s+|are\s+|must\s+be\s+|should\s+be\s+)?(?:within|in)\s+(?:the\s+)?(?:institutional\s+|"
    r"local\s+)?normal\s+(?:range|limits?)\b"
)
_AT_ULN_RE = with_first_chars(
    re.compile(
        rf"[\s)]*(?:(?:is|are|should\s+be|must\s+be|of|:)\s*)?(?:{COMPARATOR})\s*(?:the\s+)?"
        r"(?:institutional\s+|local\s+|site\s+|laboratory\s+|lab\s+)?(?:uln|upper\s+limits?\s+"
        r"of\s+(?:the\s+)?normal|upper\s+normal\s+limit)\b(?:\s*\(\s*uln\s*\))?"
    )
)


def _at_uln(folded: str, start: int, limit: int) -> list[tuple[str, float, str | None, int]]:
    """ "total bilirubin <= institutional upper limit of normal": the limit itself, 1 x ULN."""
    m = _AT_ULN_RE.match(folded, start, limit)
    op = op_of(m) if m is not None else None
    if m is None or op is None:
        normal = _WITHIN_NORMAL_RE.match(folded, start, limit)
        return [("<=", 1.0, "x_uln", normal.end())] if normal is not None else []
    return [(op, 1.0, "x_uln", m.end())]


def _with_alt(c: Constraint, alt: int | None) -> Constraint:
    return Constraint(c.type, c.attrs, c.span, alt)


_Limit = tuple[str, float, str | None, int]  # op, value, unit, where it ends
_AND_RE = re.compile(r"\s*,?\s*and\s+")
_SEX = r"(?:males?|men|females?|women)"
_SEX_BETWEEN_RE = re.compile(
    rf"\s*\(?\s*(?:(?:for|in)\s+)?(?P<a>{_SEX})?\s*\)?\s*[,;]?\s*(?:or|and)?\s*"
    rf"(?:(?:for|in)\s+)?(?P<b>{_SEX})?\s*:?\s*"
)


def _limit_at(folded: str, start: int, limit: int) -> _Limit | None:
    """A comparator, number and unit starting right at ``start``."""
    m = COMP_NUM_RE.match(folded, start, min(len(folded), limit))
    op = op_of(m) if m is not None else None
    if m is None or op is None:
        return None
    unit, end = _unit(folded, m.end())
    return op, parse_number(m.group("num")), unit, end


def _range_end(folded: str, first: _Limit, limit: int) -> _Limit | None:
    """The other end of a range after a first limit ("greater than 25 mL/min/1.73 m2 and less
    than 90 mL/min/1.73 m2"): a limit the other way, right after "and", in the same unit."""
    op, value, unit, end = first
    joint = _AND_RE.match(folded, end)
    second = _limit_at(folded, joint.end(), limit) if joint is not None else None
    if second is None or {op[0], second[0][0]} != {"<", ">"}:
        return None
    if second[2] is not None and unit is not None and second[2] != unit:
        return None
    low, high = (value, second[1]) if op[0] == ">" else (second[1], value)
    if low >= high:
        return None
    return second[0], second[1], second[2] or unit, second[3]


def _by_sex(folded: str, first: _Limit, limit: int) -> _Limit | None:
    """A second limit of the same kind for the other sex ("QTcF >= 450 ms for males or >= 470 ms
    for females", "female > 470 ms, male > 450 ms"), or None."""
    op, _value, unit, end = first
    between = _SEX_BETWEEN_RE.match(folded, end)
    if between is None or not (between.group("a") or between.group("b")):
        return None
    second = _limit_at(folded, between.end(), limit)
    if second is None or second[0] != op or second[2] != unit:
        return None
    return second


def _values(folded: str, start: int, limit: int) -> list[tuple[str, float, str | None, int]]:
    """The first comparator + number + unit after an analyte, and "or < N unit" alternatives."""
    out: list[tuple[str, float, str | None, int]] = []
    pos = start
    while True:
        m = COMP_NUM_RE.search(folded, pos, limit if not out else min(len(folded), pos + 25))
        if m is None and not out:
            w = _WORD_NUM_RE.search(folded, pos, limit)
            if w is not None and op_of(w) is not None:
                unit, end = _unit(folded, w.end())
                if unit is not None:
                    out.append((op_of(w) or ">=", float(WORD_NUMBERS[w.group("word")]), unit, end))
            break
        if m is None:
            break
        if out:
            cont = _OR_VALUE_RE.match(folded, pos)
            if cont is None or m.start() > cont.end():
                break
        op = op_of(m)
        value = parse_number(m.group("num"))
        unit, end = _unit(folded, m.end())
        post = POSTFIX_RE.match(folded, end)
        if post is not None:
            op = op_of(post) or op
        if op is None:
            break
        if out and _EXCEPTION_LIMIT_RE.search(folded, max(pos, m.start() - 30), m.start()):
            break  # "bilirubin <= 1.5 x ULN (Gilbert's <= 3 mg/dl)": the exception's limit
        out.append((op, value, unit, end))
        pos = end
    if not out:
        # "50% or more"
        num = re.compile(r"(?P<num>\d+(?:[.,]\d+)?)").search(folded, start, limit)
        if num is not None:
            unit, end = _unit(folded, num.end())
            post = POSTFIX_RE.match(folded, end)
            op = op_of(post) if post else None
            if op is not None:
                out.append((op, parse_number(num.group("num")), unit, post.end() if post else end))
    return out


def _real_mention(text: str, name: str, start: int, end: int) -> bool:
    """Short abbreviations must be written as such ("Cr", "ALT"), not "CR" (remission) or "alt"."""
    raw = text[start:end]
    if name == "creatinine" and raw in ("CR", "cr"):
        return False
    if name in ("alt", "ast") and len(raw) == 3 and not raw.isupper():
        return False
    if name in ("lvef", "shortening_fraction") and len(raw) == 2 and not raw.isupper():
        return False
    return not (name == "hemoglobin" and raw == "hb" and not raw.isupper())
