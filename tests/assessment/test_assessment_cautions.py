"""Caution rules, regions and disease names as tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cartnav.assessment import assess, choose_region
from cartnav.assessment.diseases import classify_disease
from cartnav.assessment.regions import RegionError, normalise_region
from cartnav.domain.errors import CartnavError
from cartnav.knowledge import KnowledgeBase

TODAY = dt.date(2026, 11, 27)
SECOND = [
    {"type": "induction", "date": "2023-01-15", "response": "CR"},
    {"type": "relapse", "date": "2024-03-01", "site": "marrow"},
    {"type": "reinduction", "date": "2024-03-10", "response": "CR"},
    {"type": "relapse", "date": "2025-09-01", "site": "marrow"},
]
ORGAN_OK = {
    "creatinine_x_uln": 0.8,
    "alt_x_uln": 1.0,
    "bilirubin_x_uln": 0.9,
    "lvef_pct": 60,
    "spo2_pct": 98,
}
RECENT_ALLO = {"type": "hsct", "date": "2026-08-01", "donor": "allogeneic"}
EARLIER_ALLO = {"type": "hsct", "date": "2026-06-01", "donor": "allogeneic"}
RELAPSE_AFTER = {"type": "relapse", "date": "2026-10-01", "site": "marrow"}

# id, profile overrides, caution code, expected verdict of caution.<code>
TABLE: list[tuple[str, dict[str, Any], str, str]] = [
    ("CD19 negative", {"markers": {"CD19": "negative"}}, "cd19_negative", "met"),
    ("CD19 positive", {}, "cd19_negative", "not_met"),
    ("CD19 not recorded", {"markers": {}}, "cd19_negative", "unknown"),
    ("CD19 dim", {"markers": {"CD19": "dim"}}, "cd19_dim", "met"),
    ("CD19 unknown flagged", {"markers": {"CD19": "unknown"}}, "cd19_unknown", "met"),
    (
        "prior CAR-T",
        {"history": [*SECOND[:3], {"type": "car_t", "date": "2024-06-01"}, SECOND[3]]},
        "prior_car_t",
        "met",
    ),
    ("no prior CAR-T", {}, "prior_car_t", "not_met"),
    ("active infection", {"current": {"active_infection": True}}, "active_infection", "met"),
    (
        "no active infection",
        {"current": {"active_infection": False}},
        "active_infection",
        "not_met",
    ),
    ("infection not recorded", {}, "active_infection", "unknown"),
    ("HBV", {"current": {"infections": ["hbv"]}}, "chronic_infection", "met"),
    ("other infection only", {"current": {"infections": ["CMV"]}}, "chronic_infection", "not_met"),
    ("active GVHD", {"current": {"active_gvhd": True}}, "active_gvhd", "met"),
    ("GVHD grade 2", {"current": {"gvhd_grade": 2}}, "active_gvhd", "met"),
    ("GVHD grade 1 only", {"current": {"gvhd_grade": 1}}, "active_gvhd", "unknown"),
    ("no GVHD", {"current": {"active_gvhd": False}}, "active_gvhd", "not_met"),
    (
        "CNS3",
        {"diagnosis": {"disease": "B-ALL", "date": "2023-01-10", "cns_status": "CNS3"}},
        "cns3",
        "met",
    ),
    (
        "CNS2",
        {"diagnosis": {"disease": "B-ALL", "date": "2023-01-10", "cns_status": "CNS2"}},
        "cns3",
        "not_met",
    ),
    ("CNS not recorded", {}, "cns3", "unknown"),
    ("Lansky 40", {"current": {"lansky": 40}}, "low_performance_status", "met"),
    ("Lansky 50", {"current": {"lansky": 50}}, "low_performance_status", "not_met"),
    ("Karnofsky 30", {"current": {"karnofsky": 30}}, "low_performance_status", "met"),
    ("ECOG 3", {"current": {"ecog": 3}}, "low_performance_status", "met"),
    ("ECOG 2", {"current": {"ecog": 2}}, "low_performance_status", "not_met"),
    ("no performance score", {}, "low_performance_status", "unknown"),
    (
        "bilirubin 3 x ULN",
        {"current": {"organ": {**ORGAN_OK, "bilirubin_x_uln": 3}}},
        "organ_dysfunction",
        "met",
    ),
    ("ALT 6 x ULN", {"current": {"organ": {"alt_x_uln": 6}}}, "organ_dysfunction", "met"),
    (
        "creatinine 2 x ULN",
        {"current": {"organ": {"creatinine_x_uln": 2}}},
        "organ_dysfunction",
        "met",
    ),
    ("LVEF 40%", {"current": {"organ": {"lvef_pct": 40}}}, "organ_dysfunction", "met"),
    ("SpO2 91%", {"current": {"organ": {"spo2_pct": 91}}}, "organ_dysfunction", "met"),
    ("all organ values normal", {"current": {"organ": ORGAN_OK}}, "organ_dysfunction", "not_met"),
    (
        "some organ values missing",
        {"current": {"organ": {"alt_x_uln": 1.0}}},
        "organ_dysfunction",
        "unknown",
    ),
    (
        "allo transplant 3 months ago",
        {"history": [*SECOND[:3], RECENT_ALLO, RELAPSE_AFTER]},
        "recent_hsct",
        "met",
    ),
    (
        "allo transplant 5 months ago",
        {"history": [*SECOND[:3], EARLIER_ALLO, RELAPSE_AFTER]},
        "recent_hsct",
        "met",
    ),
    (
        "transplant of unknown donor 3 months ago",
        {"history": [*SECOND[:3], {"type": "hsct", "date": "2026-08-01"}, RELAPSE_AFTER]},
        "recent_hsct",
        "unknown",
    ),
    (
        "allo transplant long ago",
        {"history": [*SECOND[:3], {**RECENT_ALLO, "date": "2024-06-01"}, SECOND[3]]},
        "recent_hsct",
        "not_met",
    ),
    ("no transplant", {}, "recent_hsct", "not_met"),
    ("pregnant", {"current": {"pregnant": True}}, "pregnancy", "met"),
    ("not pregnant", {"current": {"pregnant": False}}, "pregnancy", "not_met"),
]


@pytest.mark.parametrize(
    ("overrides", "code", "verdict"), [pytest.param(*row[1:], id=row[0]) for row in TABLE]
)
def test_caution_table(
    mini_kb: KnowledgeBase, make_profile: Any, overrides: dict[str, Any], code: str, verdict: str
) -> None:
    data = {"history": SECOND, **overrides}
    result = assess(make_profile(**data), mini_kb, region="US", as_of=TODAY)
    (finding,) = [f for f in result.explanation if f.rule == f"caution.{code}"]
    assert finding.verdict.value == verdict
    codes = [c.code for c in result.cautions]
    assert (code in codes) == (verdict == "met")
    if verdict == "met":
        caution = next(c for c in result.cautions if c.code == code)
        assert caution.message and caution.source


def test_every_contract_caution_code_is_reachable() -> None:
    contract = {
        "cd19_negative",
        "prior_car_t",
        "active_infection",
        "active_gvhd",
        "cns3",
        "low_performance_status",
        "organ_dysfunction",
        "recent_hsct",
    }
    reached = {row[2] for row in TABLE if row[3] == "met"}
    assert contract <= reached


def test_recent_transplant_message_depends_on_days(
    mini_kb: KnowledgeBase, make_profile: Any
) -> None:
    soon = assess(
        make_profile(history=[*SECOND[:3], RECENT_ALLO, RELAPSE_AFTER]),
        mini_kb,
        region="US",
        as_of=TODAY,
    )
    later = assess(
        make_profile(history=[*SECOND[:3], EARLIER_ALLO, RELAPSE_AFTER]),
        mini_kb,
        region="US",
        as_of=TODAY,
    )
    assert "100 days" in next(c.message for c in soon.cautions if c.code == "recent_hsct")
    assert "6 months" in next(c.message for c in later.cautions if c.code == "recent_hsct")


def test_no_cd19_cautions_in_frontline(mini_kb: KnowledgeBase, make_profile: Any) -> None:
    result = assess(
        make_profile(history=[{"type": "induction", "date": "2023-01-15"}], markers={}),
        mini_kb,
        region="US",
        as_of=TODAY,
    )
    assert not [f for f in result.explanation if f.rule.startswith("caution.cd19")]


REGION_TABLE = [
    ("US", "US", "residence"),
    ("CA", "CA", "residence"),
    ("JP", "JP", "residence"),
    ("CN", "CN", "residence"),
    ("China", "CN", "residence"),
    ("IN", "IN", "residence"),
    ("GB", "UK", "residence"),
    ("UK", "UK", "residence"),
    ("United Kingdom", "UK", "residence"),
    ("ES", "ES", "residence"),
    ("Spain", "ES", "residence"),
    ("DE", "EU", "residence"),
    ("France", "EU", "residence"),
    ("IT", "EU", "residence"),
    ("BR", "US", "default"),
    ("KR", "US", "default"),
    ("Atlantis", "US", "default"),
    (None, "US", "default"),
]


@pytest.mark.parametrize(
    ("country", "region", "basis"), REGION_TABLE, ids=[str(r[0]) for r in REGION_TABLE]
)
def test_default_region_from_residence(
    make_profile: Any, country: str | None, region: str, basis: str
) -> None:
    residence = {"country": country} if country else None
    profile = make_profile(residence=residence)
    assert choose_region(profile, None) == (region, basis)


@pytest.mark.parametrize(
    ("given", "region"), [("us", "US"), ("GB", "UK"), (" eu ", "EU"), ("ES", "ES")]
)
def test_region_option_wins(make_profile: Any, given: str, region: str) -> None:
    profile = make_profile(residence={"country": "CN"})
    assert choose_region(profile, given) == (region, "option")


def test_unknown_region_is_a_cartnav_error() -> None:
    with pytest.raises(RegionError, match="--region") as info:
        normalise_region("Mars")
    assert isinstance(info.value, CartnavError)


DISEASES = [
    ("B-ALL", "B-ALL", "b_all"),
    ("b-all", "B-ALL", "b_all"),
    ("BCP-ALL", "B-ALL", "b_all"),
    ("B-cell precursor ALL", "B-ALL", "b_all"),
    ("T-ALL", "T-ALL", "non_b_leukemia"),
    ("AML", "AML", "non_b_leukemia"),
    ("MPAL", "MPAL", "non_b_leukemia"),
    ("B-LBL", "B-LBL", "non_b_leukemia"),
    ("ALL", "ALL", "all_unknown_lineage"),
    ("DLBCL", "LBCL", "lymphoma"),
    ("follicular lymphoma", "FL", "lymphoma"),
    ("multiple myeloma", "MM", "myeloma"),
    ("neuroblastoma", "neuroblastoma", "other"),
    (None, None, "missing"),
    ("  ", None, "missing"),
]


@pytest.mark.parametrize(("text", "code", "family"), DISEASES, ids=[str(d[0]) for d in DISEASES])
def test_disease_names(text: str | None, code: str | None, family: str) -> None:
    disease = classify_disease(text)
    assert (disease.code, disease.family) == (code, family)
