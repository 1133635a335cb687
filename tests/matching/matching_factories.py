"""Factories for the matching tests: profiles, trials, criterion items and constraints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cartnav.domain.criterion import Constraint, CriterionItem
from cartnav.domain.patient import Profile, parse_profile
from cartnav.domain.trial import Site, Trial
from cartnav.matching import MatchIndex

AS_OF = dt.date(2026, 11, 27)

# A child in a refractory first relapse of CD19-positive B-ALL, with most facts given.
BASE_PROFILE: dict[str, Any] = {
    "age_years": 9,
    "as_of": "2026-11-27",
    "sex": "female",
    "residence": {"country": "CN", "city": "Wuhan", "lat": 30.59, "lon": 114.31},
    "diagnosis": {"disease": "B-ALL", "date": "2023-01-10", "cns_status": "CNS1"},
    "markers": {"CD19": "positive", "CD22": "positive"},
    "history": [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2025-06-10", "site": "marrow", "on_therapy": True},
        {"type": "reinduction", "date": "2025-06-20", "response": "no_CR"},
    ],
    "current": {
        "marrow_blasts_pct": 30,
        "mrd": 0.001,
        "lansky": 80,
        "active_infection": False,
        "active_gvhd": False,
        "infections": [],
        "pregnant": False,
        "other_malignancy": False,
        "organ": {
            "creatinine_x_uln": 0.8,
            "alt_x_uln": 1.2,
            "ast_x_uln": 1.0,
            "bilirubin_x_uln": 0.9,
            "lvef_pct": 62,
            "spo2_pct": 98,
        },
    },
}


def build_profile(base: dict[str, Any] | None = None, **changes: Any) -> Profile:
    data = {**(BASE_PROFILE if base is None else base), **changes}
    return parse_profile(data, today=AS_OF)


def build_trial(nct_id: str = "NCT90000001", **changes: Any) -> Trial:
    data: dict[str, Any] = {
        "nct_id": nct_id,
        "brief_title": "CD19 CAR-T cells for relapsed or refractory B-ALL",
        "status": "RECRUITING",
        "phases": ("PHASE2",),
        "conditions": ("B-cell Acute Lymphoblastic Leukemia",),
        "eligibility_criteria": f"Inclusion Criteria of {nct_id}",
        "min_age_days": 365,
        "max_age_days": round(25 * 365.25),
        "sites": (
            Site("Union Hospital", "Wuhan", None, "China", "CN", "RECRUITING", 30.58, 114.27),
        ),
    }
    data.update(changes)
    return Trial(**data)


def c(type_: str, alternative: int | None = None, **attrs: Any) -> Constraint:
    return Constraint(type_, attrs, (0, 0), alternative)


def item(
    kind: str, *constraints: Constraint, text: str | None = None, group: str | None = None
) -> CriterionItem:
    body = text or f"{kind} item: " + ", ".join(x.type for x in constraints)
    return CriterionItem(kind, body, 0, len(body), group, None, tuple(constraints))  # type: ignore[arg-type]


# Criteria of a typical relapsed B-ALL CD19 CAR-T trial, as the criteria parser would give them.
STANDARD_ITEMS: tuple[CriterionItem, ...] = (
    item("inclusion", c("disease", disease="B-ALL"), text="Relapsed or refractory B-ALL"),
    item(
        "inclusion",
        c("disease_status", status="relapsed_or_refractory"),
        text="Relapsed or refractory disease",
    ),
    item("inclusion", c("antigen", antigen="CD19", expression="positive"), text="CD19-positive"),
    item("inclusion", c("age", min_years=1, max_years=25), text="Age 1 to 25 years"),
    item("exclusion", c("condition", condition="active_gvhd"), text="Active GVHD"),
    item(
        "exclusion",
        c("condition", condition="hiv"),
        c("condition", condition="hbv"),
        text="HIV or HBV",
    ),
    item("inclusion", c("consent"), text="Signed informed consent"),
)


def index_of(pairs: Sequence[tuple[Trial, Sequence[CriterionItem]]]) -> MatchIndex:
    index = MatchIndex(parse=lambda text: [], version="test")
    for trial, items in pairs:
        index.add(trial, items)
    return index


# Every constraint type, alternatives, an "any of" group and exclusion lists, for the invariants.
RICH_ITEMS: tuple[CriterionItem, ...] = (
    *STANDARD_ITEMS,
    item("inclusion", c("disease_status", status="second_or_later_relapse"), group="g1"),
    item("inclusion", c("disease_status", status="post_hsct"), group="g1"),
    item("inclusion", c("disease_status", status="refractory"), group="g1"),
    item("inclusion", c("disease_status", status="mrd_positive", threshold=0.0001)),
    item("inclusion", c("disease_status", status="active_disease", threshold=5, op=">=")),
    item("exclusion", c("disease_status", status="isolated_extramedullary")),
    item("inclusion", c("antigen", antigen="CD22", expression="positive", threshold_pct=20)),
    item("exclusion", c("prior_therapy", therapy="car_t", requirement="excluded")),
    item("inclusion", c("prior_therapy", therapy="cd19_directed", requirement="required")),
    item("exclusion", c("prior_therapy", therapy="hsct", requirement="excluded", within_days=100)),
    item("inclusion", c("prior_therapy", therapy="blinatumomab", requirement="allowed")),
    item("inclusion", c("performance", scale="lansky", op=">=", value=50, ages="<16")),
    item("inclusion", c("performance", scale="karnofsky", op=">=", value=60, ages=">=16")),
    item("inclusion", c("performance", scale="ecog", op="<=", value=2)),
    item(
        "inclusion",
        c("lab", alternative=1, analyte="lvef", op=">=", value=45, unit="pct"),
        c("lab", alternative=1, analyte="shortening_fraction", op=">=", value=28, unit="pct"),
    ),
    item(
        "inclusion",
        c("lab", analyte="alt", op="<=", value=3, unit="x_uln"),
        c("lab", analyte="ast", op="<=", value=3, unit="x_uln"),
    ),
    item("exclusion", c("lab", analyte="bilirubin", op=">", value=2, unit="x_uln")),
    item("inclusion", c("lab", analyte="creatinine_clearance", op=">=", value=60, unit="ml_min")),
    item("exclusion", c("condition", condition="active_infection")),
    item("exclusion", c("condition", condition="uncontrolled_infection")),
    item(
        "exclusion",
        c("condition", condition="pregnancy"),
        c("condition", condition="breastfeeding"),
    ),
    item("exclusion", c("condition", condition="cns3")),
    item("exclusion", c("condition", condition="active_cns_disease")),
    item("exclusion", c("condition", condition="other_malignancy")),
    item("exclusion", c("disease", disease="Burkitt")),
    item("inclusion", c("age", min_years=1, max_years=21)),
    item("inclusion", c("logistics")),
    item("inclusion", c("unknown")),
)

# Items whose text triggers the cautions (for the invariants).
CAUTION_ITEMS: tuple[CriterionItem, ...] = (
    item("inclusion", c("disease_status", status="relapsed"), text="Persistent MRD or relapse"),
    item("inclusion", c("disease_status", status="primary_refractory"), text="Refractory disease"),
    item("exclusion", c("condition", condition="hbv"), text="Uncontrolled hepatitis B"),
    item(
        "inclusion",
        c("age", min_years=16),
        c("disease_status", status="relapsed"),
        text="Any relapse in patients aged 16 or older",
    ),
    item("inclusion", c("prior_therapy", therapy="car_t"), text="Prior CAR-T is allowed"),
    item("inclusion", c("disease", disease="AML"), text="AML or ALL"),
    item(
        "exclusion", c("condition", condition="cns_involvement"), text="Uncontrolled CNS leukemia"
    ),
)
