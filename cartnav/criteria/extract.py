"""One item's text -> its constraints, each with the span of item text it rests on.

Runs the topic extractors on the folded text (same offsets as the item text), drops what an
exception clause covers, marks constraints followed by an exception ("Prior malignancy, except
carcinoma in situ") with ``has_exception: true``, and gives an item nothing could structure one
``unknown`` constraint over its whole text. Never raises.
"""

from __future__ import annotations

import re

from cartnav.criteria import gates
from cartnav.criteria.age import find_age
from cartnav.criteria.antigen import find_antigen
from cartnav.criteria.chinese import find_chinese, has_chinese
from cartnav.criteria.conditions import find_conditions, find_consent, find_logistics
from cartnav.criteria.disease import find_disease
from cartnav.criteria.labs import find_labs
from cartnav.criteria.negation import before_exception, exception_ranges, in_exception
from cartnav.criteria.performance import find_performance
from cartnav.criteria.status import find_status
from cartnav.criteria.text import fold
from cartnav.criteria.therapy import find_therapy
from cartnav.criteria.therapy_terms import KINASE_CLASS
from cartnav.domain.criterion import Constraint, ItemKind

_NOT_FACTS = ("consent", "logistics", "unknown")
_HEART_LABS = ("lvef", "shortening_fraction")
_SITE_STATUSES = ("isolated_extramedullary", "extramedullary")
_CONSENT_AFTER_RE = re.compile(
    r"[^.;]{0,60}?\b(?:must|should|will|are|is)\s+(?:be\s+)?(?:have\s+)?(?:the\s+)?"
    r"(?:ability|able|capable|willing)\s+to\s+(?:give|provide|sign|understand)"
)
_DIGIT_RE = re.compile(r"\d")
_KINASE_CLASS_RE = re.compile(KINASE_CLASS)
_AGE_OF_LIMIT_RE = re.compile(
    r"\s*(?:old|of\s+age)?\s*:\s*(?:maximum\s+|minimum\s+|max\.?\s+|min\.?\s+)?(?:serum\s+)?"
    r"(?:creatinine|bilirubin|alt|ast|platelets?|hemoglobin|anc|gfr|crcl)"
)


def extract_constraints(
    text: str, kind: ItemKind, *, folded: str | None = None
) -> tuple[Constraint, ...]:
    """Constraints of one item's text (``kind`` decides prior-therapy requirements).

    ``folded`` may pass ``fold(text)`` when the caller already has it (same length as ``text``).
    """
    try:
        found = [_trim(c, text) for c in _extract(text, kind, folded)]
    except Exception:  # pragma: no cover - a bug must not lose the item; it stays as text
        found = []
    if not found:
        return (Constraint("unknown", {}, (0, len(text))),)
    return _numbered(sorted(found, key=lambda c: (c.span[0], c.span[1], c.type)))


def _numbered(found: list[Constraint]) -> tuple[Constraint, ...]:
    """Alternative ids unique within the item: each extractor numbers its own from 1, and
    "CD19 or CD22, and LVEF >= 45% or SF >= 28%" is two choices, not one of four."""
    ids: dict[tuple[str, int], int] = {}
    out: list[Constraint] = []
    for c in found:
        if c.alternative is None:
            out.append(c)
            continue
        new = ids.setdefault((c.type, c.alternative), len(ids) + 1)
        out.append(c if new == c.alternative else Constraint(c.type, c.attrs, c.span, new))
    return tuple(out)


def _trim(c: Constraint, text: str) -> Constraint:
    """The span without surrounding whitespace (and never outside the text)."""
    start, end = min(max(c.span[0], 0), len(text)), min(max(c.span[1], 0), len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if (start, end) == c.span:
        return c
    return Constraint(c.type, c.attrs, (start, end), c.alternative)


_SITE_PAREN_RE = re.compile(r"(?:\s+(?:relapse|disease|involvement))?\s*\([^()]*")
_NAMED_HEART_DISEASE_RE = re.compile(
    r"infarction|isch(?:a)?emi|arrh?ythmi|angina|coronary|cardiovascular\s+diseases?|"
    r"bundle\s+branch|atrioventricular|heart\s+block|\becg\b|electrocardiogra|pericardial"
)


def _extract(text: str, kind: ItemKind, folded: str | None = None) -> list[Constraint]:
    folded = fold(text) if folded is None else folded
    words = gates.prefixes(folded)
    exceptions = exception_ranges(folded) if not gates.EXCEPTION.isdisjoint(words) else []
    digits = _DIGIT_RE.search(folded) is not None
    found: list[Constraint] = []
    if digits and (not gates.AGE.isdisjoint(words) or "岁" in folded):
        found += find_age(folded)
    if not gates.DISEASE.isdisjoint(words) or "small cell" in folded:
        found += find_disease(text, folded, exceptions, words, kind)
    if not gates.ANTIGEN.isdisjoint(words):
        found += find_antigen(folded)
    statuses = (
        find_status(folded, exceptions, words)
        if not gates.STATUS.isdisjoint(words)
        or "responsive" in folded
        or "no response" in folded
        or "residual disease" in folded
        or "chemore" in folded
        or "tumor cell" in folded
        or "tumour cell" in folded
        else []
    )
    found += statuses
    if not gates.THERAPY.isdisjoint(words) or _therapy_words(folded, words):
        post_hsct = any(c.attrs.get("status") == "post_hsct" for c in statuses)
        found += find_therapy(folded, kind, exceptions, post_hsct, words)
    if (
        not gates.PERFORMANCE.isdisjoint(words)
        or "who performance" in folded
        or "who) performance" in folded
    ):
        scales = find_performance(folded)
        found = _without_scale_ages(found, scales) + scales
    if (
        digits
        or "times" in folded
        or "uln" in folded
        or "normal" in folded  # "<= the upper limit of normal", "within normal range"
    ) and (not gates.LABS.isdisjoint(words) or ("cd" in words and "count" in folded)):
        labs = find_labs(text, folded, words, kind)
        if labs:
            # "between 6 and 10 years old: maximum serum creatinine 1.0 mg/dL": the age says
            # which limit applies, it does not limit who may enrol
            found = [
                c for c in found if c.type != "age" or not _AGE_OF_LIMIT_RE.match(folded, c.span[1])
            ]
        found += labs
    if (
        not gates.CONDITIONS.isdisjoint(words)
        or ("live" in words and "liver dis" in folded)
        or ":" in folded[:12]
    ):  # "kidney: ...", a sub-item of an organ list
        found += find_conditions(folded, exceptions, words)
    found = [c for c in found if not _inside_exception(c, exceptions)]
    if any(c.attrs.get("condition") == "other_malignancy" for c in found):
        # "other malignancies, other than MM": the trial's own disease excepted from another
        # cancer, not a statement about the patient's diagnosis
        found = [
            c for c in found if not (c.type == "disease" and in_exception(exceptions, c.span[0]))
        ]
    sites = [c.span for c in found if c.attrs.get("status") in _SITE_STATUSES]
    if sites:
        # "isolated CNS relapse": the status says it; no separate CNS condition over the same words
        # "isolated extramedullary relapse (testicular leukemia, CNS leukemia)": the sites named
        # in the parenthesis after the status are its examples
        found = [
            c
            for c in found
            if c.attrs.get("condition") != "cns_involvement"
            or not any(
                (a < c.span[1] and c.span[0] < b)
                or _SITE_PAREN_RE.fullmatch(folded, b, c.span[0]) is not None
                for a, b in sites
            )
        ]
    if any(c.type == "lab" for c in found):
        # "adequate cardiac function (LVEF >= 50%)": the measurements are what can be checked
        found = [
            c
            for c in found
            if not (c.attrs.get("condition") == "organ_dysfunction" and c.attrs.get("negated"))
        ]
    if any(
        c.type == "lab" and c.attrs.get("analyte") in _HEART_LABS for c in found
    ) and not _NAMED_HEART_DISEASE_RE.search(folded):
        # "cardiac insufficiency, LVEF < 50%": the measurement is what can be checked (but not
        # when the item also names heart diseases a measurement does not show: "infarction")
        found = [c for c in found if c.attrs.get("condition") != "cardiac_disease"]
    if exceptions:
        found = [_mark_exception(c, exceptions, folded) for c in found]
    if not gates.CONSENT.isdisjoint(words):
        consent = find_consent(folded)
        if consent:
            # "Subjects > 18 years of age must have the ability to give informed consent": the
            # age says who consents, not who may enrol
            found = [
                c
                for c in found
                if c.type != "age" or not _CONSENT_AFTER_RE.match(folded, c.span[1])
            ]
        found += consent
    if not gates.LOGISTICS.isdisjoint(words):
        found += find_logistics(folded)
    if has_chinese(folded):
        known = {_fact_key(c) for c in found}
        if ("condition", "cns3") in known:
            # "中枢神经系统白血病（CNS3）": the CNS-3 statement is the fact
            known.add(("condition", "cns_involvement"))
        found += [c for c in find_chinese(folded, kind) if _fact_key(c) not in known]
    return found


_KEY_ATTR = {
    "disease": "disease",
    "disease_status": "status",
    "condition": "condition",
    "prior_therapy": "therapy",
    "lab": "analyte",
    "antigen": "antigen",
    "performance": "scale",
}


def _fact_key(c: Constraint) -> tuple[str, str]:
    """What a constraint is about: two extractors naming the same fact give one constraint."""
    return c.type, str(c.attrs.get(_KEY_ATTR.get(c.type, ""), ""))


def _without_scale_ages(found: list[Constraint], scales: list[Constraint]) -> list[Constraint]:
    """Drop ages that only say which scale applies ("Lansky for patients < 16 years"): the
    performance constraint carries them as ``ages``."""
    bounds = {
        float(_NUMBER_RE.search(str(c.attrs["ages"])).group())  # type: ignore[union-attr]
        for c in scales
        if c.attrs.get("ages")
    }
    if not bounds:
        return found
    return [
        c
        for c in found
        if c.type != "age"
        or not {c.attrs.get("min_years"), c.attrs.get("max_years")} - {None} <= bounds
    ]


_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def _therapy_words(folded: str, words: set[str]) -> bool:
    """Rarer therapy phrasings whose leading words are too common for the prefix gate."""
    if "tinib" in folded:  # kinase inhibitors by name ("alectinib", "osimertinib")
        return True
    if ("inhibitor" in folded or "target" in folded) and (
        _KINASE_CLASS_RE.search(folded) or "interleukin" in folded
    ):
        return True  # "VEGFR inhibitor", "interleukin-1 inhibitor"
    if "syst" in words and ("systemic therap" in folded or "systemic treatment" in folded):
        return True
    if "anti" in words and ("neoplast" in folded or "tumo" in folded or "cancer" in folded):
        return True  # "antitumour therapy", "antineoplastic agents"
    if "canc" in words and ("cancer therap" in folded or "cancer treatment" in folded):
        return True  # "any cancer treatment within 2 weeks"
    return ("line" in words or "regi" in words) and (
        "lines" in folded or "line of" in folded or "regimen" in folded
    )


def _inside_exception(c: Constraint, exceptions: list[tuple[int, int, int]]) -> bool:
    if c.type == "disease":
        return False  # diseases in an exception clause are kept, marked negated
    if c.type == "prior_therapy" and c.attrs.get("requirement") == "allowed":
        return False  # "other than blinatumomab": the therapy extractor made it an allowance
    return in_exception(exceptions, c.span[0])


def _mark_exception(
    c: Constraint, exceptions: list[tuple[int, int, int]], folded: str
) -> Constraint:
    if c.type in _NOT_FACTS or c.attrs.get("negated"):
        return c
    if before_exception(exceptions, c.span[1], folded):
        return Constraint(c.type, {**c.attrs, "has_exception": True}, c.span, c.alternative)
    return c
