"""Does one product's approved label (a knowledge-base row) fit the patient?

Each check is a rule (``label.disease``, ``label.age``, ``label.route``, ``label.cd19``,
``label.confirmed``) giving a finding with its verdict; a missing fact gives ``unknown``.
A label is ``on_label`` when disease, age and route are met and CD19 is not negative (unknown CD19
stays on-label with a caution and a ``missing_information`` entry).
"""

from __future__ import annotations

from dataclasses import dataclass

from cartnav.assessment.diseases import Disease
from cartnav.assessment.model import Finding, ProductFit
from cartnav.domain.disease_state import DiseaseState
from cartnav.domain.patient import Profile
from cartnav.domain.verdict import Tri, Verdict, any_of, verdict_of
from cartnav.knowledge.schema import Indication, Product

ROUTE_WORDS = {
    "refractory": "refractory disease",
    "primary_refractory": "primary refractory disease",
    "refractory_relapse": "a relapse that did not respond to re-induction",
    "second_or_later_relapse": "a second or later relapse",
    "relapse_post_hsct": "a relapse after allogeneic transplant",
    "hsct_ineligible_relapse": "a relapse when otherwise ineligible for transplant",
    "relapsed": "relapsed disease",
    "first_line": "newly diagnosed disease",
}


@dataclass(frozen=True)
class LabelCheck:
    fit: ProductFit
    findings: tuple[Finding, ...]
    missing: tuple[str, ...]
    cd19_unknown: bool


def route_value(route: str, state: DiseaseState, profile: Profile) -> tuple[Tri, list[str]]:
    """Whether the disease state is covered by one label route, and the fields it needs."""
    if state.code == "unknown":
        return None, ["history"]
    relapsed = (state.relapse_count or 0) >= 1
    if route == "refractory":
        return state.refractory is True, []
    if route == "primary_refractory":
        return state.code == "primary_refractory", []
    if route == "refractory_relapse":
        return relapsed and state.refractory is True, []
    if route == "second_or_later_relapse":
        return (state.relapse_count or 0) >= 2, []
    if route == "relapsed":
        return relapsed, []
    if route == "first_line":
        return state.code == "newly_diagnosed", []
    if route == "relapse_post_hsct":
        if not relapsed:
            return False, []
        if state.post_hsct is None:
            index = _hsct_without_donor(profile)
            return None, [f"history[{index}].donor"] if index is not None else ["history"]
        return state.post_hsct, []
    if route == "hsct_ineligible_relapse":
        if not relapsed:
            return False, []
        eligible = profile.current.hsct_eligible if profile.current else None
        if eligible is None:
            return None, ["current.hsct_eligible"]
        return not eligible, []
    return None, []


def _hsct_without_donor(profile: Profile) -> int | None:
    for index, event in enumerate(profile.history):
        if event.type == "hsct" and event.donor is None:
            return index
    return None


def check_label(
    profile: Profile,
    state: DiseaseState,
    disease: Disease,
    indication: Indication,
    product: Product,
) -> LabelCheck:
    """Evaluate one indication row for the patient."""
    source = str(indication.sources[0].url)
    common = {"product": product.id, "agency": indication.agency, "source": source}
    unconfirmed = None if indication.confirmed else (indication.unconfirmed or "not confirmed")
    findings: list[Finding] = []
    reasons: list[str] = []
    missing: list[str] = []
    name = f"{product.brand} ({indication.agency})"

    # Disease
    disease_ok: Tri = (
        True if disease.family == "b_all" or disease.code == indication.disease else None
    )
    if disease.family == "all_unknown_lineage":
        disease_reason = (
            f"The {name} label covers {indication.disease}; the profile says ALL without its "
            "lineage, so it is not known whether this label applies."
        )
        missing.append("diagnosis.disease")
    else:
        disease_reason = f"The {name} label covers {indication.disease}, the patient's disease."
    findings.append(
        _finding(
            "label.disease",
            disease_ok,
            disease_reason,
            common,
            {"diagnosis.disease": disease.code, "label_disease": indication.disease},
        )
    )
    reasons.append(disease_reason)

    # Age (completed years, limits inclusive)
    years = profile.completed_years
    low, high = indication.age_min_years, indication.age_max_years
    age_ok = (low is None or years >= low) and (high is None or years <= high)
    wording = indication.age_wording or _limits(low, high)
    age_reason = (
        f"Age {years} (completed years) is {'within' if age_ok else 'outside'} the label's "
        f"'{wording}'."
    )
    findings.append(
        _finding(
            "label.age",
            age_ok,
            age_reason,
            common,
            {"age_completed_years": years, "age_min_years": low, "age_max_years": high},
        )
    )
    reasons.append(age_reason)

    # Disease state (routes)
    values: list[Tri] = []
    route_missing: list[str] = []
    covered: list[str] = []
    for route in indication.routes:
        value, fields = route_value(route, state, profile)
        values.append(value)
        if value is None:
            route_missing.extend(fields)
        if value is True:
            covered.append(ROUTE_WORDS.get(route, route))
    route_ok = any_of(values) if indication.routes else None
    wanted = (
        " or ".join(ROUTE_WORDS.get(r, r) for r in indication.routes)
        or "no machine-readable disease state"
    )
    if route_ok is True:
        route_reason = f"The label covers {covered[0]}, which matches the course of treatment."
    elif route_ok is False:
        route_reason = (
            f"The label covers {wanted}; the course of treatment ({state.code.replace('_', ' ')}) "
            "is not one of these."
        )
    else:
        route_reason = (
            f"The label covers {wanted}; the profile does not say enough to know whether the "
            "patient's course matches."
        )
        missing.extend(route_missing)
    findings.append(
        _finding(
            "label.route",
            route_ok,
            route_reason,
            common,
            {"disease_state": state.code, "routes": list(indication.routes)},
        )
    )
    reasons.append(route_reason)

    # CD19
    cd19_directed = "CD19" in product.targets or indication.requires_cd19_positive
    cd19_ok: Tri = True
    cd19_unknown = False
    if cd19_directed:
        marker = profile.marker("CD19")
        cd19_ok = {"positive": True, "dim": True, "negative": False}.get(marker)
        if cd19_ok is True:
            cd19_reason = f"The leukemia is CD19-{marker}, as a CD19-directed product needs."
        elif cd19_ok is False:
            cd19_reason = (
                f"{product.brand} is CD19-directed and the leukemia is CD19-negative, so it is not "
                "on-label."
            )
        else:
            cd19_unknown = True
            cd19_reason = (
                f"{product.brand} is CD19-directed and the profile does not record CD19; it must "
                "be confirmed CD19-positive."
            )
            missing.append("markers.CD19")
        findings.append(
            _finding(
                "label.cd19",
                cd19_ok,
                cd19_reason,
                common,
                {"markers.CD19": marker, "targets": list(product.targets)},
            )
        )
        reasons.append(cd19_reason)

    # Confirmation of the row itself
    if unconfirmed is None:
        findings.append(
            _finding(
                "label.confirmed",
                True,
                f"The {name} label row was checked against its source.",
                common,
                {"checked": indication.checked.isoformat()},
            )
        )
    else:
        text = f"UNCONFIRMED: {unconfirmed}"
        findings.append(
            Finding(
                "label.confirmed",
                Verdict.UNKNOWN,
                text,
                source,
                {"checked": indication.checked.isoformat()},
                product.id,
                indication.agency,
                unconfirmed,
            )
        )
        reasons.append(text)

    on_label = disease_ok is True and age_ok and route_ok is True and cd19_ok is not False
    possible = not on_label and (
        disease_ok is not False and age_ok and route_ok is not False and cd19_ok is not False
    )
    fit = ProductFit(
        product=product.id,
        inn=product.inn,
        brand=product.brand,
        agency=indication.agency,
        label_fit="on_label" if on_label else "off_label",
        reasons=tuple(reasons),
        source=source,
        label_text=indication.label_text.strip(),
        approval_date=indication.approval_date,
        targets=tuple(product.targets),
        confirmed=indication.confirmed,
        unconfirmed=unconfirmed,
        sources=tuple(str(s.url) for s in indication.sources),
        possible=possible,
    )
    return LabelCheck(
        fit, tuple(findings), tuple(dict.fromkeys(missing)), cd19_unknown and on_label
    )


def listed_only(indication: Indication, product: Product, disease: Disease) -> ProductFit:
    """A label shown for a disease cartnav does not assess yet (lymphoma, myeloma)."""
    unconfirmed = None if indication.confirmed else (indication.unconfirmed or "not confirmed")
    reasons = [
        f"cartnav does not yet check {indication.disease} labels against a profile; the label "
        "wording is listed for discussion with the treating team."
    ]
    if unconfirmed is not None:
        reasons.append(f"UNCONFIRMED: {unconfirmed}")
    return ProductFit(
        product=product.id,
        inn=product.inn,
        brand=product.brand,
        agency=indication.agency,
        label_fit="off_label",
        reasons=tuple(reasons),
        source=str(indication.sources[0].url),
        label_text=indication.label_text.strip(),
        approval_date=indication.approval_date,
        targets=tuple(product.targets),
        confirmed=indication.confirmed,
        unconfirmed=unconfirmed,
        sources=tuple(str(s.url) for s in indication.sources),
        assessed=False,
    )


def _limits(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "no age limit"
    if low is None:
        return f"{high:g} years or younger"
    if high is None:
        return f"{low:g} years or older"
    return f"{low:g} to {high:g} years"


def _finding(
    rule_id: str, value: Tri, reason: str, common: dict[str, str], facts: dict[str, object]
) -> Finding:
    return Finding(
        rule=rule_id,
        verdict=verdict_of(value),
        reason=reason,
        source=common["source"],
        facts=dict(facts),
        product=common["product"],
        agency=common["agency"],
    )
