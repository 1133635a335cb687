"""The level rules as a table, against a small hand-made knowledge base (mini_kb)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cartnav.assessment import assess
from cartnav.knowledge import KnowledgeBase

TODAY = dt.date(2026, 11, 27)
IND_CR = {"type": "induction", "date": "2023-01-15", "response": "CR"}
IND_NO = {"type": "induction", "date": "2023-01-15", "response": "no_CR"}
IND = {"type": "induction", "date": "2023-01-15"}
LATE_REL = {"type": "relapse", "date": "2026-05-01", "site": "marrow", "on_therapy": False}
EARLY_REL = {"type": "relapse", "date": "2024-05-01", "site": "marrow", "on_therapy": False}
ON_THERAPY_REL = {"type": "relapse", "date": "2026-05-01", "site": "marrow", "on_therapy": True}
REL_NO_FLAG = {"type": "relapse", "date": "2026-05-01", "site": "marrow"}
LATE_CR = {"type": "reinduction", "date": "2026-05-10", "response": "CR"}
LATE_NO = {"type": "reinduction", "date": "2026-05-10", "response": "no_CR"}
ALLO = {"type": "hsct", "date": "2024-06-01", "donor": "allogeneic"}
HSCT = {"type": "hsct", "date": "2024-06-01"}
CART = {"type": "car_t", "date": "2024-06-01", "response": "CR"}
REL_A = {"type": "relapse", "date": "2024-03-01", "site": "marrow"}
REL_B = {"type": "relapse", "date": "2025-09-01", "site": "marrow"}
SECOND = [IND_CR, REL_A, {"type": "reinduction", "date": "2024-03-10", "response": "CR"}, REL_B]
RESPONDING = [IND_CR, LATE_REL, LATE_CR]

# id, region, profile overrides, level, deciding rule, on-label products, missing information
TABLE: list[tuple[str, str, dict[str, Any], str, str, list[str], list[str]]] = [
    (
        "empty history",
        "US",
        {"history": []},
        "insufficient_information",
        "level.insufficient_information.history_unknown",
        [],
        ["history"],
    ),
    (
        "newly diagnosed",
        "US",
        {"history": [IND]},
        "not_indicated_now",
        "level.not_indicated_now.frontline",
        [],
        [],
    ),
    (
        "first remission",
        "EU",
        {"history": [IND_CR]},
        "not_indicated_now",
        "level.not_indicated_now.frontline",
        [],
        [],
    ),
    (
        "primary refractory child",
        "US",
        {"history": [IND_NO]},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        [],
    ),
    (
        "primary refractory adult",
        "US",
        {"history": [IND_NO], "age_years": 30},
        "standard_option",
        "level.standard_option.on_label",
        ["adult19"],
        [],
    ),
    (
        "primary refractory age 2 in Canada",
        "CA",
        {"history": [IND_NO], "age_years": 2},
        "consider",
        "level.consider.refractory",
        [],
        [],
    ),
    (
        "refractory relapse age 30 in the EU",
        "EU",
        {"history": [IND_CR, LATE_REL, LATE_NO], "age_years": 30},
        "consider",
        "level.consider.refractory",
        [],
        [],
    ),
    (
        "late first relapse responding, MRD negative",
        "US",
        {"history": RESPONDING, "current": {"mrd": 0.0}},
        "not_indicated_now",
        "level.not_indicated_now.standard_risk_first_relapse",
        [],
        [],
    ),
    (
        "late first relapse, awaiting re-induction",
        "US",
        {"history": [IND_CR, LATE_REL]},
        "not_indicated_now",
        "level.not_indicated_now.standard_risk_first_relapse",
        [],
        [],
    ),
    (
        "late first relapse responding, MRD 1%",
        "US",
        {"history": RESPONDING, "current": {"mrd": 0.01}},
        "consider",
        "level.consider.high_risk_relapse",
        [],
        [],
    ),
    (
        "late first relapse responding, MRD missing",
        "US",
        {"history": RESPONDING},
        "insufficient_information",
        "level.insufficient_information.facts_missing",
        [],
        ["current.mrd"],
    ),
    (
        "first relapse on therapy",
        "US",
        {"history": [IND_CR, ON_THERAPY_REL]},
        "consider",
        "level.consider.high_risk_relapse",
        [],
        [],
    ),
    (
        "early first relapse off therapy",
        "US",
        {"history": [IND_CR, EARLY_REL]},
        "consider",
        "level.consider.high_risk_relapse",
        [],
        [],
    ),
    (
        "late first relapse, on-therapy not given",
        "US",
        {"history": [IND_CR, REL_NO_FLAG]},
        "insufficient_information",
        "level.insufficient_information.facts_missing",
        [],
        ["history[1].on_therapy"],
    ),
    (
        "first relapse, no dates to time it",
        "US",
        {"history": [IND_CR, REL_NO_FLAG], "diagnosis": {"disease": "B-ALL"}},
        "insufficient_information",
        "level.insufficient_information.facts_missing",
        [],
        ["history[1].on_therapy", "diagnosis.date"],
    ),
    (
        "first relapse after allo transplant, US",
        "US",
        {"history": [IND_CR, ALLO, LATE_REL]},
        "consider",
        "level.consider.post_hsct",
        [],
        [],
    ),
    (
        "first relapse after allo transplant, EU",
        "EU",
        {"history": [IND_CR, ALLO, LATE_REL]},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        [],
    ),
    (
        "first relapse after allo transplant, CA",
        "CA",
        {"history": [IND_CR, ALLO, LATE_REL]},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        [],
    ),
    (
        "late relapse after transplant of unknown donor, US",
        "US",
        {"history": [IND_CR, HSCT, LATE_REL]},
        "insufficient_information",
        "level.insufficient_information.facts_missing",
        [],
        ["history[1].donor"],
    ),
    (
        "late relapse after transplant of unknown donor, EU",
        "EU",
        {"history": [IND_CR, HSCT, LATE_REL]},
        "insufficient_information",
        "level.insufficient_information.facts_missing",
        [],
        ["history[1].donor"],
    ),
    (
        "first relapse after CAR-T",
        "US",
        {"history": [IND_CR, CART, LATE_REL]},
        "consider",
        "level.consider.post_car_t",
        [],
        [],
    ),
    (
        "Canada: transplant eligibility unknown",
        "CA",
        {"history": RESPONDING, "current": {"mrd": 0.0}},
        "insufficient_information",
        "level.insufficient_information.facts_missing",
        [],
        ["current.hsct_eligible"],
    ),
    (
        "Canada: transplant not possible",
        "CA",
        {"history": RESPONDING, "current": {"mrd": 0.0, "hsct_eligible": False}},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        [],
    ),
    (
        "Canada: transplant possible",
        "CA",
        {"history": RESPONDING, "current": {"mrd": 0.0, "hsct_eligible": True}},
        "not_indicated_now",
        "level.not_indicated_now.standard_risk_first_relapse",
        [],
        [],
    ),
    (
        "second relapse",
        "US",
        {"history": SECOND},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        [],
    ),
    (
        "second relapse at 2 in Canada (label from 3)",
        "CA",
        {"history": SECOND, "age_years": 2},
        "consider",
        "level.consider.second_relapse",
        [],
        [],
    ),
    (
        "second relapse, CD19-negative",
        "US",
        {"history": SECOND, "markers": {"CD19": "negative"}},
        "consider",
        "level.consider.cd19_negative",
        [],
        [],
    ),
    (
        "second relapse, CD19 not recorded",
        "US",
        {"history": SECOND, "markers": {}},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        ["markers.CD19"],
    ),
    (
        "second relapse, CD19 dim",
        "US",
        {"history": SECOND, "markers": {"CD19": "dim"}},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19"],
        [],
    ),
    (
        "second relapse at 40",
        "US",
        {"history": SECOND, "age_years": 40},
        "standard_option",
        "level.standard_option.on_label",
        ["adult19"],
        [],
    ),
    (
        "second relapse at 25 (both US labels)",
        "US",
        {"history": SECOND, "age_years": 25},
        "standard_option",
        "level.standard_option.on_label",
        ["kid19", "adult19"],
        [],
    ),
    (
        "relapsed T-ALL",
        "US",
        {
            "history": [IND_CR, LATE_REL, LATE_CR],
            "current": {"mrd": 0.0},
            "diagnosis": {"disease": "T-ALL", "date": "2023-01-10"},
        },
        "consider",
        "level.consider.non_b_lineage",
        [],
        [],
    ),
    (
        "T-ALL in first remission",
        "US",
        {"history": [IND_CR], "diagnosis": {"disease": "T-ALL", "date": "2023-01-10"}},
        "not_indicated_now",
        "level.not_indicated_now.frontline",
        [],
        [],
    ),
    (
        "T-ALL without history",
        "US",
        {"diagnosis": {"disease": "T-ALL"}},
        "insufficient_information",
        "level.insufficient_information.history_unknown",
        [],
        ["history"],
    ),
    (
        "refractory AML",
        "EU",
        {"history": [IND_NO], "diagnosis": {"disease": "AML"}},
        "consider",
        "level.consider.non_b_lineage",
        [],
        [],
    ),
    (
        "relapsed MPAL",
        "EU",
        {"history": SECOND, "diagnosis": {"disease": "MPAL"}},
        "consider",
        "level.consider.non_b_lineage",
        [],
        [],
    ),
    (
        "ALL without lineage",
        "US",
        {"history": SECOND, "diagnosis": {"disease": "ALL"}},
        "insufficient_information",
        "level.insufficient_information.disease_unknown",
        [],
        ["diagnosis.disease"],
    ),
    (
        "no disease given",
        "US",
        {"history": SECOND, "diagnosis": {"date": "2023-01-10"}},
        "insufficient_information",
        "level.insufficient_information.disease_unknown",
        [],
        ["diagnosis.disease"],
    ),
    (
        "myeloma",
        "US",
        {"history": SECOND, "diagnosis": {"disease": "multiple myeloma"}},
        "insufficient_information",
        "level.insufficient_information.not_supported",
        [],
        [],
    ),
    (
        "a disease cartnav does not cover",
        "US",
        {"history": SECOND, "diagnosis": {"disease": "neuroblastoma"}},
        "insufficient_information",
        "level.insufficient_information.not_supported",
        [],
        [],
    ),
]


@pytest.mark.parametrize(
    ("region", "overrides", "level", "rule", "on_label", "missing"),
    [pytest.param(*row[1:], id=row[0]) for row in TABLE],
)
def test_level_table(
    mini_kb: KnowledgeBase,
    make_profile: Any,
    region: str,
    overrides: dict[str, Any],
    level: str,
    rule: str,
    on_label: list[str],
    missing: list[str],
) -> None:
    result = assess(make_profile(**overrides), mini_kb, region=region, as_of=TODAY)
    assert result.level == level, result.summary
    level_findings = [f for f in result.explanation if f.rule.startswith("level.")]
    assert [f.rule for f in level_findings] == [rule]
    assert sorted(p.product for p in result.products if p.label_fit == "on_label") == sorted(
        on_label
    )
    assert list(result.missing_information) == missing


def test_table_reaches_every_level_rule(mini_kb: KnowledgeBase) -> None:
    from cartnav.assessment.rules import RULES

    level_rules = {r.id for r in RULES if r.id.startswith("level.")}
    assert level_rules == {row[4] for row in TABLE}


def test_labels_approved_after_the_assessment_date_do_not_count(
    mini_kb: KnowledgeBase, make_profile: Any
) -> None:
    profile = make_profile(history=SECOND, age_years=30)
    now = assess(profile, mini_kb, region="US", as_of=TODAY)
    assert [p.product for p in now.products] == ["kid19", "adult19"]
    assert [p.product for p in now.products if p.label_fit == "on_label"] == ["adult19"]
    skipped = [f for f in now.explanation if f.rule == "label.in_force"]
    assert [(f.product, f.verdict.value) for f in skipped] == [("future19", "not_met")]
    later = assess(profile, mini_kb, region="US", as_of=dt.date(2031, 1, 1))
    assert sorted(p.product for p in later.products if p.label_fit == "on_label") == [
        "adult19",
        "future19",
    ]


def test_myeloma_labels_are_listed_not_assessed(mini_kb: KnowledgeBase, make_profile: Any) -> None:
    result = assess(
        make_profile(history=SECOND, diagnosis={"disease": "MM"}), mini_kb, region="US", as_of=TODAY
    )
    assert [(p.product, p.assessed, p.label_fit) for p in result.products] == [
        ("bcma", False, "off_label")
    ]
    assert "not yet" in result.summary
    assert result.elsewhere == ()


def test_elsewhere_lists_other_regions_where_a_label_fits(
    mini_kb: KnowledgeBase, make_profile: Any
) -> None:
    result = assess(
        make_profile(history=[IND_CR, ALLO, LATE_REL]), mini_kb, region="US", as_of=TODAY
    )
    assert [(e.region, e.inn, e.unconfirmed) for e in result.elsewhere] == [
        ("EU", ("kidcabtagene",), ()),
        ("CA", ("kidcabtagene",), ("kidcabtagene",)),
        ("ES", ("kidcabtagene",), ()),
    ]


def test_unconfirmed_rows_are_flagged(mini_kb: KnowledgeBase, make_profile: Any) -> None:
    result = assess(make_profile(history=SECOND), mini_kb, region="CA", as_of=TODAY)
    (product,) = result.products
    assert product.label_fit == "on_label"
    assert not product.confirmed
    assert any(r.startswith("UNCONFIRMED") for r in product.reasons)
    data = result.to_dict()["products"][0]
    assert data["confirmed"] is False and data["unconfirmed"] == "wording from a press release"
    confirmed = [f for f in result.explanation if f.rule == "label.confirmed"]
    assert [f.verdict.value for f in confirmed] == ["unknown"]


AGES = [
    ("25.9 is 25 in completed years", {"age_years": 25.9}, ["kid19", "adult19"]),
    ("26 is past 'up to 25'", {"age_years": 26}, ["adult19"]),
    ("17.99 is not an adult", {"age_years": 17.99}, ["kid19"]),
    ("18 is an adult", {"age_years": 18}, ["kid19", "adult19"]),
    (
        "26th birthday tomorrow",
        {"age_years": None, "birth_date": "2000-11-02"},
        ["kid19", "adult19"],
    ),
    ("26th birthday today", {"age_years": None, "birth_date": "2000-11-01"}, ["adult19"]),
]


@pytest.mark.parametrize(("ages", "on_label"), [pytest.param(*a[1:], id=a[0]) for a in AGES])
def test_label_age_in_completed_years(
    mini_kb: KnowledgeBase, make_profile: Any, ages: dict[str, Any], on_label: list[str]
) -> None:
    result = assess(make_profile(history=SECOND, **ages), mini_kb, region="US", as_of=TODAY)
    assert [p.product for p in result.products if p.label_fit == "on_label"] == on_label
