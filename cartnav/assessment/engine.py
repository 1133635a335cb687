"""``assess(profile, kb, region=..., as_of=...)``: the explained CAR-T candidacy answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cartnav.assessment import rules as R
from cartnav.assessment.cautions import evaluate_cautions
from cartnav.assessment.diseases import Disease, classify_disease
from cartnav.assessment.family_facts import outcomes_for, prices_for
from cartnav.assessment.labels import LabelCheck, check_label, listed_only
from cartnav.assessment.levels import FRONTLINE, Decision, decide_b_all, decide_other, relapse_risk
from cartnav.assessment.model import Assessment, Elsewhere, Finding
from cartnav.assessment.regions import REGIONS, RegionBasis, normalise_region, region_name
from cartnav.domain.disease_state import DiseaseState, derive_disease_state
from cartnav.domain.patient import Profile
from cartnav.domain.verdict import Verdict
from cartnav.knowledge.loader import KnowledgeBase
from cartnav.knowledge.schema import Indication

ASSESSED = ("b_all", "all_unknown_lineage", "non_b_leukemia")
CD19_FAMILIES = ("b_all", "all_unknown_lineage")


def assess(
    profile: Profile,
    kb: KnowledgeBase,
    *,
    region: str,
    as_of: dt.date,
    region_basis: RegionBasis = "option",
) -> Assessment:
    """Assess ``profile`` for CAR-T in ``region`` with the labels in force on ``as_of``.

    Pure: reads no clock and no files. ``profile.as_of`` is the date the facts describe (ages,
    time since transplant); ``as_of`` is the assessment date (which approvals count).
    """
    region = normalise_region(region)
    disease = classify_disease(profile.disease)
    state = derive_disease_state(profile)
    findings: list[Finding] = [*_disease_findings(disease)]
    findings.append(_state_finding(state))
    risk = relapse_risk(profile, state)
    if risk is not None and disease.family in ASSESSED:
        findings.extend(risk.findings)

    checks, excluded = _product_checks(profile, state, disease, kb, region, as_of)
    products = tuple(c.fit for c in checks)
    for check in checks:
        findings.extend(check.findings)
    findings.extend(excluded)

    if disease.family == "b_all":
        decision = decide_b_all(profile, state, products, risk)
    else:
        decision = decide_other(state, disease)
    rule = R.rule(decision.rule)
    findings.append(
        Finding(
            decision.rule,
            Verdict.MET,
            _sentence(decision.reason),
            rule.source,
            {"level": decision.level},
        )
    )

    cd19_relevant = disease.family in CD19_FAMILIES and state.code not in FRONTLINE
    cautions, caution_findings = evaluate_cautions(profile, state, cd19_relevant=cd19_relevant)
    findings.extend(caution_findings)

    elsewhere = (
        _elsewhere(profile, state, disease, kb, region, as_of) if disease.family in ASSESSED else ()
    )
    name = region_name(region)
    on_label = [p.product for p in products if p.label_fit == "on_label"]
    return Assessment(
        region=region,
        region_name=name,
        region_basis=region_basis,
        as_of=as_of,
        facts_as_of=profile.facts_date,
        disease=disease.code,
        disease_state=state,
        level=decision.level,
        summary=_summary(decision, name),
        products=products,
        cautions=tuple(cautions),
        missing_information=_missing(decision, checks),
        explanation=tuple(findings),
        elsewhere=elsewhere,
        knowledge_version=kb.version,
        outcomes=outcomes_for(kb, on_label),
        prices=prices_for(kb, on_label, region),
    )


def _indications(kb: KnowledgeBase, region: str, disease: Disease) -> list[Indication]:
    wanted = {d.casefold() for d in disease.label_diseases}
    if disease.family == "non_b_leukemia" and disease.code:
        wanted.add(disease.code.casefold())
    return [row for row in kb.indications_for(region=region) if row.disease.casefold() in wanted]


def _in_force(row: Indication, as_of: dt.date) -> bool:
    """Approved on or before ``as_of`` (a date given as year or month counts from its start)."""
    parts = [int(p) for p in row.approval_date.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2]) <= as_of


def _product_checks(
    profile: Profile,
    state: DiseaseState,
    disease: Disease,
    kb: KnowledgeBase,
    region: str,
    as_of: dt.date,
) -> tuple[list[LabelCheck], list[Finding]]:
    """One check per product (its best-fitting row), and findings for rows not yet in force."""
    by_product: dict[str, list[LabelCheck]] = {}
    excluded: list[Finding] = []
    for row in _indications(kb, region, disease):
        product = kb.products[row.product]
        if not _in_force(row, as_of):
            excluded.append(
                Finding(
                    "label.in_force",
                    Verdict.NOT_MET,
                    f"The {product.brand} ({row.agency}) label dated {row.approval_date} is "
                    f"later than the assessment date {as_of.isoformat()}, so it is not counted.",
                    str(row.sources[0].url),
                    {"approval_date": row.approval_date},
                    product.id,
                    row.agency,
                )
            )
            continue
        if disease.family in ASSESSED:
            check = check_label(profile, state, disease, row, product)
        else:
            check = LabelCheck(listed_only(row, product, disease), (), (), False)
        by_product.setdefault(product.id, []).append(check)
    chosen = [min(group, key=_rank) for group in by_product.values()]
    return chosen, excluded


def _rank(check: LabelCheck) -> int:
    if check.fit.label_fit == "on_label":
        return 0
    return 1 if check.fit.possible else 2


def _elsewhere(
    profile: Profile,
    state: DiseaseState,
    disease: Disease,
    kb: KnowledgeBase,
    region: str,
    as_of: dt.date,
) -> tuple[Elsewhere, ...]:
    result: list[Elsewhere] = []
    for other in REGIONS:
        if other == region:
            continue
        checks, _ = _product_checks(profile, state, disease, kb, other, as_of)
        fits = [c.fit for c in checks if c.fit.label_fit == "on_label"]
        if fits:
            inns = tuple(dict.fromkeys(f.inn or f.brand for f in fits))
            shaky = tuple(dict.fromkeys(f.inn or f.brand for f in fits if not f.confirmed))
            result.append(Elsewhere(other, inns, shaky))
    return tuple(result)


def _missing(decision: Decision, checks: Sequence[LabelCheck]) -> tuple[str, ...]:
    fields: list[str] = list(decision.missing)
    if decision.level == "standard_option":
        fields.extend(
            f for c in checks if c.fit.label_fit == "on_label" and c.cd19_unknown for f in c.missing
        )
    else:
        fields.extend(f for c in checks if c.fit.possible for f in c.missing)
    return tuple(dict.fromkeys(fields))


def _disease_findings(disease: Disease) -> list[Finding]:
    supported = R.rule("disease.supported")
    lineage = R.rule("disease.lineage")
    family = disease.family
    if family == "missing":
        return [
            Finding(
                "disease.lineage",
                Verdict.UNKNOWN,
                "The profile does not give the disease.",
                lineage.source,
                {"diagnosis.disease": None},
            )
        ]
    facts = {"diagnosis.disease": disease.code}
    if family == "all_unknown_lineage":
        return [
            Finding(
                "disease.lineage",
                Verdict.UNKNOWN,
                "The profile says ALL without saying B-cell or T-cell lineage.",
                lineage.source,
                facts,
            )
        ]
    if family in ("lymphoma", "myeloma"):
        return [
            Finding(
                "disease.supported",
                Verdict.NOT_MET,
                f"{disease.code} labels are listed, but cartnav does not assess {family} yet.",
                supported.source,
                facts,
            )
        ]
    if family == "other":
        return [
            Finding(
                "disease.supported",
                Verdict.NOT_MET,
                "cartnav does not cover this disease (it covers acute leukemias).",
                supported.source,
                facts,
            )
        ]
    detail = "fully" if family == "b_all" else "for its level (no approved product; trials)"
    return [
        Finding(
            "disease.supported",
            Verdict.MET,
            f"{disease.code} is assessed {detail}.",
            supported.source,
            facts,
        )
    ]


def _state_finding(state: DiseaseState) -> Finding:
    rule_id = f"disease_state.{state.code}"
    rule = R.rule(rule_id)
    count = state.relapse_count or 0
    text = {
        "newly_diagnosed": "An induction course is recorded with no response yet.",
        "first_remission": "A complete remission is recorded and no relapse.",
        "primary_refractory": "Induction did not bring a complete remission and no remission is "
        "recorded.",
        "first_relapse": "One relapse is recorded and no failed re-induction after it.",
        "refractory_relapse": "One relapse is recorded, followed by treatment that did not bring a "
        "complete remission.",
        "second_or_later_relapse": f"{count} relapses are recorded.",
        "unknown": "The history does not show the course of treatment (no induction or relapse).",
    }[state.code]
    verdict = Verdict.UNKNOWN if state.code == "unknown" else Verdict.MET
    return Finding(rule_id, verdict, text, rule.source, state.to_dict())


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _summary(decision: Decision, name: str) -> str:
    reason = decision.reason
    if decision.level == "standard_option":
        return f"In {name}, {reason}: CAR-T is a standard option to discuss with the treating team."
    if decision.level == "consider":
        return (
            f"In {name}, CAR-T is an option to discuss with the treating team (off-label or "
            f"in a clinical trial): {reason}."
        )
    if decision.level == "not_indicated_now":
        return f"CAR-T is not indicated now: {reason}."
    return f"The profile does not give enough to decide: {reason}."
