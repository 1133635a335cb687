"""CNS status against a criterion that names CNS levels ("CNS3", "CNS-3", "≤ CNS2").

The profile's ``diagnosis.cns_status`` is one level (CNS1, CNS2 or CNS3). When the item's text
names levels, they are compared exactly: excluding "CNS3" or "active CNS leukemia (CNS3)" says
nothing against CNS2. A level named with a qualifier ("CNS2 with neurological changes") is
unknown for that level (the profile cannot answer the qualifier), and a patient whose latest
relapse was in the CNS is unknown against a level the diagnosis did not reach.
"""

from __future__ import annotations

import re

from cartnav.domain.criterion import Constraint, CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.condition import NOW_UNKNOWN, flips, since_diagnosis
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
CNS_TOKENS = frozenset(
    {"cns1", "cns2", "cns3", "cns_involvement", "cns_disease", "active_cns_disease"}
)
_ACTIVE = re.compile(
    r"\bactive\b|\bsymptomatic\b|\buncontrol|\bprogressive\b|\bcurrent\b|\bat (?:the )?time of\b",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3}
_LEVEL = re.compile(
    r"(?P<op>≤|≥|<=|>=|<|>)?\s*\bCNS[\s-]*(?:grade\s*|status\s*|level\s*)?"
    r"(?P<n>[123]|iii|ii|i)\b"
    r"(?P<tail>\s*(?:or|and)\s*(?:less|lower|below|greater|higher|above|more|worse))?",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(
    r"^\W{0,3}(?:disease\s+|status\s+|leuka?emia\s+)?(?:with|who|having|presenting|plus|and\s+"
    r"(?:neuro|symptom|sign)|accompanied|complicated|\+)",
    re.IGNORECASE,
)


def named_levels(text: str) -> dict[int, bool]:
    """Levels named by the text, each with whether a qualifier follows its mention."""
    levels: dict[int, bool] = {}
    for match in _LEVEL.finditer(text):
        raw = match.group("n").lower()
        n = _ROMAN.get(raw) or int(raw)
        op = match.group("op") or ""
        tail = (match.group("tail") or "").lower()
        if op in ("≤", "<=") or any(w in tail for w in ("less", "lower", "below")):
            span = range(1, n + 1)
        elif op == "<":
            span = range(1, n)
        elif op in ("≥", ">=") or any(w in tail for w in ("greater", "higher", "above", "more")):
            span = range(n, 4)
        elif op == ">":
            span = range(n + 1, 4)
        else:
            span = range(n, n + 1)
        qualified = bool(_QUALIFIER.match(text[match.end() : match.end() + 40]))
        for level in span:
            levels[level] = levels.get(level, False) or qualified
    return levels


def is_leveled(constraint: Constraint, item: CriterionItem) -> bool:
    token = str(constraint.attrs.get("condition") or "").lower()
    return constraint.type == "condition" and token in CNS_TOKENS and bool(named_levels(item.text))


def refine(
    facts: PatientFacts, constraint: Constraint, item: CriterionItem, evaluation: Evaluation
) -> Evaluation:
    """The evaluation of a CNS condition compared level by level with the item's text."""
    if not is_leveled(constraint, item):
        return evaluation
    token = str(constraint.attrs.get("condition") or "").lower()
    levels = named_levels(item.text)
    diagnosis = facts.profile.diagnosis
    status = diagnosis.cns_status if diagnosis else None
    field = "diagnosis.cns_status"
    shown = ", ".join(f"CNS{n}" for n in sorted(levels))
    subject = f"CNS status {shown}"
    if status is None:
        return Evaluation(
            UNKNOWN, subject, "the profile does not give the CNS status", (field,), (field,)
        )
    level = int(status[-1])
    cautious = False
    if levels.get(level):
        statement = UNKNOWN
        finding = f"the profile says {status}; the trial's qualifier for it is not given"
        cautious = True
    elif level in levels and level > 1 and since_diagnosis(facts):
        statement, cautious = UNKNOWN, True
        finding = f"the profile says {status}{NOW_UNKNOWN}"
    elif level in levels:
        statement = MET
        finding = f"the profile says {status}"
        now = token == "active_cns_disease" or _ACTIVE.search(item.text)
        if level > 1 and now and facts.course.active_disease is not True:
            statement, cautious = UNKNOWN, True
            finding += "; whether it is active now is not given"
    elif facts.course.latest_relapse_site in ("cns", "combined"):
        statement = UNKNOWN
        finding = f"the profile says {status} at diagnosis, but the latest relapse was in the CNS"
    else:
        statement = NOT_MET
        finding = f"the profile says {status}"
    read = (field, "history")
    if flips(token, item.kind, constraint):
        subject = f"no {subject}"
        if statement is not UNKNOWN:
            statement = NOT_MET if statement is MET else MET
    missing = (field,) if statement is UNKNOWN and not cautious else ()
    return Evaluation(statement, subject, finding, read, missing, cautious=cautious)
