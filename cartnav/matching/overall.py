"""The overall answer of one trial from its criterion rows (interfaces.md section 3).

- ``not_eligible``: a criterion (or a registry age/sex/disease field) is ``not_met``;
- ``likely_eligible``: nothing fails; the disease, the age and the disease status are met by
  inclusion criteria (a trial that states no disease status cannot be called likely), and no
  disease, age,
  disease-status or marker (antigen) inclusion criterion is unknown, no criterion is unknown
  only by caution (``cautious``), and the record's criteria text is complete;
- ``possibly_eligible``: nothing fails, but a key point is unknown.

A missing patient fact only ever gives ``unknown``, so it can never make a trial not_eligible.
"""

from __future__ import annotations

from collections.abc import Sequence

from cartnav.domain.verdict import Verdict
from cartnav.matching.results import CriterionResult, Overall

# "criteria_text": the record's criteria text is missing or cut off (registry rows).
KEY_TYPES = frozenset({"age", "disease", "disease_status", "antigen", "criteria_text"})
_KEY_WORDS = "disease, age, disease status and markers where stated"


def decide(rows: Sequence[CriterionResult]) -> tuple[Overall, str]:
    failing = [r for r in rows if r.verdict is Verdict.NOT_MET]
    unknown = [r for r in rows if r.verdict is Verdict.UNKNOWN]
    if failing:
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        return "not_eligible", f"Not eligible: {failing[0].reason}{more}"
    # A failure read cautiously (unknown instead of not met) may still stop the patient: like a
    # key point, it keeps the trial from being called likely.
    key_unknown = [
        r
        for r in unknown
        if r.cautious or (r.kind == "inclusion" and KEY_TYPES.intersection(r.constraint_types))
    ]
    # Only inclusion rows confirm the disease and its state: an exclusion that does not apply
    # ("isolated CNS relapse") says nothing about which route into the trial the patient takes.
    disease_met = any(
        r.verdict is Verdict.MET and r.kind == "inclusion" and "disease" in r.constraint_types
        for r in rows
    )
    status_met = any(
        r.verdict is Verdict.MET
        and r.kind == "inclusion"
        and r.source != "registry_fields"
        and "disease_status" in r.constraint_types
        for r in rows
    )
    others = len(unknown) - len(key_unknown)
    if not key_unknown and disease_met and status_met:
        tail = (
            f"; {others} other point{'s are' if others != 1 else ' is'} unknown" if others else ""
        )
        return (
            "likely_eligible",
            f"No criterion fails and the key points ({_KEY_WORDS}) are met{tail}.",
        )
    if key_unknown:
        first = key_unknown[0].reason.removeprefix("Unknown: ")
    elif not disease_met:
        first = "the registry and criteria do not confirm the patient's disease"
    elif not status_met:
        first = "the criteria read by cartnav do not confirm the disease status the trial needs"
    else:
        first = unknown[0].reason.removeprefix("Unknown: ")
    n = max(len(unknown), 1)
    return (
        "possibly_eligible",
        f"Nothing fails, but {n} point{'s are' if n != 1 else ' is'} unknown, including: {first}",
    )
