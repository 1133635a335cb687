"""The level: should CAR-T be considered now, here? (interfaces.md section 2).

Three-valued throughout: when the answer depends on a fact the profile does not give, the level is
``insufficient_information`` and ``missing_information`` names the fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cartnav.assessment import rules as R
from cartnav.assessment import thresholds as T
from cartnav.assessment.diseases import Disease
from cartnav.assessment.model import Finding, Level, ProductFit
from cartnav.domain.disease_state import DiseaseState
from cartnav.domain.patient import Profile
from cartnav.domain.verdict import Tri, Verdict, any_of, verdict_of

FRONTLINE = ("newly_diagnosed", "first_remission")


@dataclass(frozen=True)
class Decision:
    level: Level
    rule: str
    reason: str  # one plain sentence: why this level
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelapseRisk:
    """High-risk features of the latest relapse, each three-valued, with the fields they need."""

    on_therapy: Tri
    early: Tri
    mrd_persistent: Tri
    post_hsct: Tri
    post_car_t: Tri
    missing: dict[str, tuple[str, ...]]
    findings: tuple[Finding, ...]

    @property
    def high(self) -> Tri:
        return any_of(
            [self.on_therapy, self.early, self.mrd_persistent, self.post_hsct, self.post_car_t]
        )

    def missing_for_unknown(self) -> tuple[str, ...]:
        names = ("on_therapy", "early", "mrd_persistent", "post_hsct")
        fields = [f for name in names if getattr(self, name) is None for f in self.missing[name]]
        return tuple(dict.fromkeys(fields))


def relapse_risk(profile: Profile, state: DiseaseState) -> RelapseRisk | None:
    """The relapse features (None when there is no relapse)."""
    index = state.latest_relapse_index
    if index is None or not state.relapse_count:
        return None
    first_index = next(i for i, e in enumerate(profile.history) if e.type == "relapse")
    where = f"history[{index}]"
    findings: list[Finding] = []
    missing: dict[str, tuple[str, ...]] = {}

    def add(rule_id: str, value: Tri, reason: str, facts: dict[str, object]) -> None:
        rule = R.rule(rule_id)
        findings.append(
            Finding(
                rule_id, verdict_of(value), reason, rule.source, facts, None, None, rule.unconfirmed
            )
        )

    on_therapy = state.relapse_on_therapy
    missing["on_therapy"] = (f"{where}.on_therapy",)
    add(
        "relapse.on_therapy",
        on_therapy,
        {
            True: "The latest relapse happened during treatment.",
            False: "The latest relapse happened after treatment had ended.",
            None: "The profile does not say whether the latest relapse happened during treatment.",
        }[on_therapy],
        {f"{where}.on_therapy": on_therapy},
    )

    early, early_reason, early_missing = _early(profile, state, first_index)
    missing["early"] = early_missing
    if state.relapse_count == 1:
        add(
            "relapse.early",
            early,
            early_reason,
            {
                "months_diagnosis_to_relapse": None
                if state.months_diagnosis_to_relapse is None
                else round(state.months_diagnosis_to_relapse, 1),
                "relapse_site": getattr(profile.history[first_index], "site", None),
            },
        )

    mrd = profile.current.mrd if profile.current else None
    mrd_persistent: Tri
    if state.relapse_response == "CR":
        mrd_persistent = None if mrd is None else mrd >= T.MRD_AFTER_REINDUCTION
        missing["mrd_persistent"] = ("current.mrd",)
        reason = (
            "MRD after re-induction is not recorded."
            if mrd is None
            else f"MRD after re-induction is {mrd:g}, "
            f"{'at or above' if mrd_persistent else 'below'} {T.MRD_AFTER_REINDUCTION:g} (0.1%)."
        )
        findings.append(
            Finding(
                "relapse.mrd_after_reinduction",
                verdict_of(mrd_persistent),
                reason,
                R.rule("relapse.mrd_after_reinduction").source,
                {"current.mrd": mrd},
            )
        )
    else:
        mrd_persistent = False
        missing["mrd_persistent"] = ()
        findings.append(
            Finding(
                "relapse.mrd_after_reinduction",
                Verdict.NOT_APPLICABLE,
                "No remission after the latest relapse is recorded yet, so MRD after re-induction "
                "does not apply.",
                R.rule("relapse.mrd_after_reinduction").source,
                {"current.mrd": mrd},
            )
        )

    post_hsct = state.post_hsct
    donor_index = next(
        (i for i, e in enumerate(profile.history[:index]) if e.type == "hsct" and e.donor is None),
        None,
    )
    missing["post_hsct"] = (f"history[{donor_index}].donor",) if donor_index is not None else ()
    add(
        "relapse.post_hsct",
        post_hsct,
        {
            True: "The latest relapse came after an allogeneic stem-cell transplant.",
            False: "No allogeneic transplant came before the latest relapse.",
            None: "A transplant before the latest relapse has no donor type recorded.",
        }[post_hsct],
        {"post_hsct": post_hsct},
    )
    add(
        "relapse.post_car_t",
        state.post_car_t,
        "The latest relapse came after CAR-T."
        if state.post_car_t
        else "No CAR-T came before the latest relapse.",
        {"post_car_t": state.post_car_t},
    )
    return RelapseRisk(
        on_therapy, early, mrd_persistent, post_hsct, state.post_car_t, missing, tuple(findings)
    )


def _early(
    profile: Profile, state: DiseaseState, first_index: int
) -> tuple[Tri, str, tuple[str, ...]]:
    months = state.months_diagnosis_to_relapse
    first = profile.history[first_index]
    site = getattr(first, "site", None)
    if months is None:
        fields = []
        if profile.diagnosis is None or profile.diagnosis.date is None:
            fields.append("diagnosis.date")
        if first.date is None:
            fields.append(f"history[{first_index}].date")
        return None, "The time from diagnosis to the first relapse is not known.", tuple(fields)
    extramedullary = site in {"cns", "testicular", "other"}
    if site is None:
        if months < T.EARLY_EXTRAMEDULLARY_RELAPSE_MONTHS:
            value: Tri = True
        elif months >= T.EARLY_MARROW_RELAPSE_MONTHS:
            value = False
        else:
            return (
                None,
                (
                    f"The first relapse came {months:.0f} months after diagnosis; whether that "
                    "is early depends on the relapse site, which is not recorded."
                ),
                (f"history[{first_index}].site",),
            )
    else:
        limit = (
            T.EARLY_EXTRAMEDULLARY_RELAPSE_MONTHS
            if extramedullary
            else T.EARLY_MARROW_RELAPSE_MONTHS
        )
        value = months < limit
    word = "early" if value else "late"
    return value, f"The first relapse came {months:.0f} months after diagnosis ({word}).", ()


def decide_b_all(
    profile: Profile, state: DiseaseState, products: Sequence[ProductFit], risk: RelapseRisk | None
) -> Decision:
    """The level for B-ALL."""
    if state.code == "unknown":
        return Decision(
            "insufficient_information",
            "level.insufficient_information.history_unknown",
            "the course of treatment (history) is not given",
            ("history",),
        )
    on_label = [p for p in products if p.label_fit == "on_label"]
    if on_label:
        names = ", ".join(dict.fromkeys(p.brand for p in on_label))
        return Decision(
            "standard_option",
            "level.standard_option.on_label",
            f"the approved label of {names} fits this patient",
        )
    decision = _b_all_without_label(profile, state, risk)
    possible = [p for p in products if p.possible]
    if decision.level == "not_indicated_now" and possible:
        names = ", ".join(dict.fromkeys(p.brand for p in possible))
        return Decision(
            "insufficient_information",
            "level.insufficient_information.facts_missing",
            f"the label of {names} might fit, depending on facts not given",
        )
    return decision


def _b_all_without_label(
    profile: Profile, state: DiseaseState, risk: RelapseRisk | None
) -> Decision:
    code = state.code
    if code in FRONTLINE:
        words = (
            "the disease is newly diagnosed"
            if code == "newly_diagnosed"
            else "the disease is in first remission"
        )
        return Decision(
            "not_indicated_now",
            "level.not_indicated_now.frontline",
            f"{words}, so chemotherapy-based standard care comes first; no remission "
            "after induction or a relapse would change this",
        )
    if profile.marker("CD19") == "negative":
        return Decision(
            "consider",
            "level.consider.cd19_negative",
            "the disease is relapsed or refractory and CD19-negative, so no "
            "CD19-directed label fits; trials of other targets are the CAR-T option",
        )
    if code in ("primary_refractory", "refractory_relapse") or state.refractory:
        return Decision(
            "consider",
            "level.consider.refractory",
            "the disease is refractory and no approved label fits here",
        )
    if code == "second_or_later_relapse":
        return Decision(
            "consider",
            "level.consider.second_relapse",
            "this is a second or later relapse and no approved label fits here",
        )
    assert risk is not None
    if risk.post_hsct:
        return Decision(
            "consider",
            "level.consider.post_hsct",
            "the relapse came after an allogeneic transplant and no approved label fits here",
        )
    if risk.post_car_t:
        return Decision("consider", "level.consider.post_car_t", "the relapse came after CAR-T")
    high = risk.high
    if high:
        what = [
            w
            for w, v in (
                ("on therapy", risk.on_therapy),
                ("early", risk.early),
                ("not responding well (MRD 0.1% or more)", risk.mrd_persistent),
            )
            if v
        ]
        return Decision(
            "consider",
            "level.consider.high_risk_relapse",
            f"this first relapse is high-risk ({', '.join(what)})",
        )
    if high is None:
        return Decision(
            "insufficient_information",
            "level.insufficient_information.facts_missing",
            "whether this first relapse is high-risk depends on facts not given",
            risk.missing_for_unknown(),
        )
    return Decision(
        "not_indicated_now",
        "level.not_indicated_now.standard_risk_first_relapse",
        "this is a late first relapse off therapy"
        + (" that is responding" if state.relapse_response == "CR" else "")
        + ", so standard re-induction comes first; no remission, MRD 0.1% or more, "
        "or a further relapse would change this",
    )


def decide_other(state: DiseaseState, disease: Disease) -> Decision:
    """The level for a disease with no B-ALL label logic (T-ALL, AML, MPAL, B-LBL, others)."""
    if disease.family == "missing":
        return Decision(
            "insufficient_information",
            "level.insufficient_information.disease_unknown",
            "the disease is not given",
            ("diagnosis.disease",),
        )
    if disease.family == "all_unknown_lineage":
        return Decision(
            "insufficient_information",
            "level.insufficient_information.disease_unknown",
            "the profile says ALL without its lineage (B-cell or T-cell), and only "
            "B-cell precursor ALL has approved CAR-T products",
            ("diagnosis.disease",),
        )
    if disease.family in ("lymphoma", "myeloma", "other"):
        what = {"lymphoma": "lymphoma", "myeloma": "myeloma"}.get(disease.family)
        reason = (
            f"assessment of {what} is not yet supported by cartnav; the approved labels are "
            "listed for discussion"
            if what
            else "this disease is not covered: cartnav assesses acute leukemias (B-ALL, T-ALL, "
            "AML, MPAL)"
        )
        return Decision(
            "insufficient_information", "level.insufficient_information.not_supported", reason
        )
    if state.code == "unknown":
        return Decision(
            "insufficient_information",
            "level.insufficient_information.history_unknown",
            "the course of treatment (history) is not given",
            ("history",),
        )
    if state.code in FRONTLINE:
        words = "newly diagnosed" if state.code == "newly_diagnosed" else "in first remission"
        return Decision(
            "not_indicated_now",
            "level.not_indicated_now.frontline",
            f"the disease is {words}, so chemotherapy-based standard care comes "
            "first; no remission after induction or a relapse would change this",
        )
    targets = {
        "T-ALL": "CD7-directed CAR-T trials",
        "AML": "CAR-T trials of targets such as CD33, CLL1 or CD123",
        "MPAL": "CAR-T trials (CD19- or CD7-directed, depending on the leukemia's markers)",
        "B-LBL": "CD19- or CD22-directed CAR-T trials (the B-ALL labels do not name lymphoblastic "
        "lymphoma)",
    }.get(disease.code or "", "CAR-T trials")
    return Decision(
        "consider",
        "level.consider.non_b_lineage",
        f"no CAR-T product is approved for {disease.code}, but relapsed or refractory "
        f"disease can be discussed for {targets}",
    )
