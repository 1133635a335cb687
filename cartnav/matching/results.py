"""What matching returns: constraint evaluations, criterion results, trial matches, the report.

``TrialMatch.to_dict()`` and ``MatchReport.to_dict()`` are the JSON of interfaces.md section 3
(``cartnav match --json``), with extra keys (``rank_reasons``, ``filters``,
``missing_information``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from cartnav.domain.verdict import Verdict

Overall = Literal["likely_eligible", "possibly_eligible", "not_eligible"]
OVERALL_VALUES: tuple[Overall, ...] = ("likely_eligible", "possibly_eligible", "not_eligible")
NOTE = (
    "cartnav is decision support, not a diagnosis or a referral. Discuss these trials with the "
    "treating team; the study team decides eligibility."
)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One constraint against the patient.

    ``subject``: what the constraint states, in plain words ("active GVHD");
    ``finding``: what the profile says about it ("the profile says active GVHD");
    ``facts``: profile fields read; ``missing``: fields whose absence left it unknown;
    ``cautious``: unknown although the profile gives the fact (units that cannot be converted,
    a washout without a readable window): the criterion may still stop the patient.
    The verdict is about the constraint's statement, before an exclusion's meaning is applied.
    """

    verdict: Verdict
    subject: str
    finding: str
    facts: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    cautious: bool = False

    @property
    def reason(self) -> str:
        return f"{self.subject}: {self.finding}"


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion item (or registry field) with its verdict from the patient's side.

    ``not_met`` means this criterion stops the patient (an exclusion that applies, or an
    inclusion that is not fulfilled).
    """

    kind: str  # inclusion | exclusion
    text: str
    verdict: Verdict
    reason: str
    source: str = "eligibility_criteria"  # or "registry_fields"
    span: tuple[int, int] | None = None
    group: str | None = None
    facts: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    constraint_types: tuple[str, ...] = ()
    disease_fit: Verdict | None = None  # the item's disease names against the patient's disease
    parent: int | None = None  # index of the parent item (nested sub-items)
    cautious: bool = False  # unknown only because cartnav declined to read a failure strictly
    # the constraint types of the parts that are not met (failing or unknown) in an inclusion
    open_types: tuple[str, ...] = ()

    def but(
        self,
        verdict: Verdict,
        reason: str,
        span: tuple[int, int] | None = None,
        *,
        cautious: bool | None = None,
    ) -> CriterionResult:
        """A copy with another verdict and reason (and span); ``missing`` kept only if unknown."""
        return CriterionResult(
            self.kind,
            self.text,
            verdict,
            reason,
            self.source,
            self.span if span is None else span,
            self.group,
            self.facts,
            self.missing if verdict is Verdict.UNKNOWN else (),
            self.constraint_types,
            self.disease_fit,
            self.parent,
            self.cautious if cautious is None else cautious,
            self.open_types,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "verdict": str(self.verdict),
            "reason": self.reason,
            "source": self.source,
            "span": list(self.span) if self.span is not None else None,
            "group": self.group,
            "constraint_types": list(self.constraint_types),
            "facts": list(self.facts),
            "cautious": self.cautious,
        }


@dataclass(frozen=True, slots=True)
class FilterCheck:
    name: str  # status | age | sex | disease | country | distance
    passed: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"filter": self.name, "passed": self.passed, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class SiteView:
    facility: str | None
    city: str | None
    country: str | None
    status: str | None
    distance_km: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "facility": self.facility,
            "city": self.city,
            "country": self.country,
            "status": self.status,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
        }


@dataclass(frozen=True)
class TrialMatch:
    nct_id: str
    title: str
    status: str
    phases: tuple[str, ...]
    overall: Overall
    why: str
    score: float
    rank_reasons: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]
    filters: tuple[FilterCheck, ...]
    sites: tuple[SiteView, ...]
    targets: tuple[str, ...] = ()
    cell_therapy: bool = False

    @property
    def removed_by(self) -> tuple[FilterCheck, ...]:
        return tuple(f for f in self.filters if not f.passed)

    def counts(self) -> dict[str, int]:
        out = {str(v): 0 for v in Verdict}
        for item in self.criteria:
            out[str(item.verdict)] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "status": self.status,
            "phases": list(self.phases),
            "url": f"https://clinicaltrials.gov/study/{self.nct_id}",
            "overall": self.overall,
            "why": self.why,
            "score": self.score,
            "rank_reasons": list(self.rank_reasons),
            "targets": list(self.targets),
            "cell_therapy": self.cell_therapy,
            "counts": self.counts(),
            "filtered_out": bool(self.removed_by),
            "filters": [f.to_dict() for f in self.filters],
            "criteria": [c.to_dict() for c in self.criteria],
            "sites": [s.to_dict() for s in self.sites],
        }


@dataclass(frozen=True, slots=True)
class MissingFact:
    field: str
    label: str
    trials: tuple[str, ...]  # NCT ids it decides, in result order

    @property
    def message(self) -> str:
        return f"{self.label} is unknown: it decides {len(self.trials)} of these trials"

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "trials": len(self.trials),
            "nct_ids": list(self.trials),
            "message": self.message,
        }


@dataclass(frozen=True)
class MatchReport:
    as_of: dt.date
    statuses: tuple[str, ...]
    results: list[TrialMatch]
    missing_information: tuple[MissingFact, ...]
    considered: int
    candidates: int  # passed the hard filters
    removed: dict[str, int] = field(default_factory=dict)  # filter name -> trials it removed
    explain: tuple[str, ...] = ()
    parser_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "statuses": list(self.statuses),
            "explain": list(self.explain),
            "considered": self.considered,
            "candidates": self.candidates,
            "removed_by_filter": dict(sorted(self.removed.items())),
            "results": [r.to_dict() for r in self.results],
            "missing_information": [m.to_dict() for m in self.missing_information],
            "parser_version": self.parser_version,
            "note": NOTE,
        }
