"""Packaged knowledge data: it loads, every row is sourced and dated, B-ALL rows cohere."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cartnav.knowledge import load_knowledge
from cartnav.knowledge.schema import REGION_AGENCIES, Indication, Sourced

KB = load_knowledge()
ALL_ROWS: list[tuple[str, Sourced]] = (
    [(f"product:{p.id}", p) for p in KB.products.values()]
    + [
        (f"indication:{i.product}/{i.agency}/{i.disease}/{i.approval_date}", i)
        for i in KB.indications
    ]
    + [(f"outcome:{o.product}/{o.study}", o) for o in KB.outcomes]
    + [(f"price:{p.product}/{p.country}/{p.as_of}", p) for p in KB.prices]
)
B_ALL = [row for row in KB.indications if row.disease == "B-ALL"]


def test_packaged_data_loads_with_every_kind_of_row() -> None:
    assert len(KB.products) >= 15
    assert {row.disease for row in KB.indications} >= {"B-ALL", "LBCL", "FL", "MCL", "CLL", "MM"}
    assert KB.outcomes and KB.prices
    assert KB.version == max(row.checked for _, row in ALL_ROWS).isoformat()


def test_default_load_is_cached() -> None:
    assert load_knowledge() is load_knowledge()


@pytest.mark.parametrize(("row_id", "row"), ALL_ROWS, ids=[row_id for row_id, _ in ALL_ROWS])
def test_every_row_has_a_source_and_a_checked_date(row_id: str, row: Sourced) -> None:
    assert row.sources, f"{row_id} has no source"
    assert all(str(source.url).startswith(("http://", "https://")) for source in row.sources)
    assert dt.date(2025, 1, 1) <= row.checked <= dt.date(2027, 1, 1)
    if not row.confirmed:
        assert row.unconfirmed and row.unconfirmed.strip(), f"{row_id}: say what is unconfirmed"


def test_every_agency_of_every_region_has_a_b_all_label_or_is_known_to_lack_one() -> None:
    agencies = {row.agency for row in B_ALL}
    assert agencies == {a for group in REGION_AGENCIES.values() for a in group}


def _age_limits_from_wording(wording: str) -> tuple[float | None, float | None]:
    """What the label's own age wording implies, per the spec's conventions."""
    text = wording.lower()
    if m := re.search(r"(\d+) to (\d+) years", text):
        return float(m[1]), float(m[2])
    if m := re.search(r"up to (?:and including )?(\d+) years|(\d+) years or younger", text):
        return None, float(m[1] or m[2])
    if m := re.search(r"older than (\d+) years", text):
        return float(m[1]) + 1, None
    if m := re.search(r"(?:from )?(\d+) years(?: of age)? and above|from (\d+) years", text):
        return float(m[1] or m[2]), None
    if "adult" in text:
        return 18.0, None
    raise AssertionError(f"age wording not understood: {wording!r}")


CONFIRMED_AGE_ROWS = [
    row for row in B_ALL if row.age_wording and "not confirmed" not in row.age_wording
]


@pytest.mark.parametrize(
    "row",
    [r for r in CONFIRMED_AGE_ROWS if "children and adolescents" not in (r.age_wording or "")],
    ids=lambda r: f"{r.product}/{r.agency}",
)
def test_b_all_age_limits_match_the_label_wording(row: Indication) -> None:
    assert row.age_wording is not None
    assert (row.age_min_years, row.age_max_years) == _age_limits_from_wording(row.age_wording)


@pytest.mark.parametrize("row", B_ALL, ids=lambda r: f"{r.product}/{r.agency}")
def test_b_all_routes_match_the_label_wording(row: Indication) -> None:
    text = row.label_text.lower()
    assert row.routes, "a B-ALL label needs routes"
    if "relapsed or refractory" in text and "limited to" not in text:
        assert set(row.routes) >= {"relapsed", "refractory"}
    if "second or later relapse" in text:
        assert "second_or_later_relapse" in row.routes
    if "post-transplant" in text or "relapsed after" in text:
        assert "relapse_post_hsct" in row.routes
    if "ineligible for sct" in text or "ineligible for, or have" in text:
        assert "hsct_ineligible_relapse" in row.routes
    if "after two or more standard chemotherapy" in text:
        assert "refractory" in row.routes
    if "relapsed" not in text and "relapse" in text:
        assert "relapsed" not in row.routes, "a label naming specific relapses is not 'any relapse'"
    assert row.requires_cd19_positive == ("cd19-positive" in text)


def test_inns_are_lowercase_and_pcar_19b_has_none() -> None:
    for product in KB.products.values():
        assert product.inn is None or product.inn == product.inn.lower()
    assert KB.products["pcar-19b"].inn is None
    assert not KB.products["pcar-19b"].confirmed


# What a simple label fit gives for the worked cases of ../shared/examples/assessments.jsonl:
# (region, age in completed years, disease-state routes that describe the patient) -> INNs.
FIRST_RELAPSE = {"relapsed"}
CASES: list[tuple[str, str, float, set[str], set[str]]] = [
    ("primary refractory 6y", "US", 6, {"refractory", "primary_refractory"}, {"tisagenlecleucel"}),
    ("primary refractory 6y", "EU", 6, {"refractory", "primary_refractory"}, {"tisagenlecleucel"}),
    (
        "second relapse after transplant 14y",
        "US",
        14,
        {"relapsed", "second_or_later_relapse", "relapse_post_hsct"},
        {"tisagenlecleucel"},
    ),
    (
        "second relapse after transplant 14y",
        "EU",
        14,
        {"relapsed", "second_or_later_relapse", "relapse_post_hsct"},
        {"tisagenlecleucel"},
    ),
    ("late first relapse 10y", "US", 10, FIRST_RELAPSE, set()),
    ("late first relapse 10y", "EU", 10, FIRST_RELAPSE, set()),
    (
        "adult first relapse 35y",
        "US",
        35,
        FIRST_RELAPSE,
        {"brexucabtagene autoleucel", "obecabtagene autoleucel"},
    ),
    (
        "adult first relapse 35y",
        "EU",
        35,
        FIRST_RELAPSE,
        {"brexucabtagene autoleucel", "obecabtagene autoleucel"},
    ),
    ("adult first relapse 35y", "CN", 35, FIRST_RELAPSE, {"inaticabtagene autoleucel"}),
    ("newly diagnosed 3y", "US", 3, set(), set()),
    ("newly diagnosed 3y", "CN", 3, set(), set()),
    ("first relapse after transplant 12y", "US", 12, {"relapsed", "relapse_post_hsct"}, set()),
    (
        "first relapse after transplant 12y",
        "EU",
        12,
        {"relapsed", "relapse_post_hsct"},
        {"tisagenlecleucel"},
    ),
    (
        "first relapse after transplant 12y",
        "CA",
        12,
        {"relapsed", "relapse_post_hsct"},
        {"tisagenlecleucel"},
    ),
    ("adult 20y first relapse", "EU", 20, FIRST_RELAPSE, set()),
    (
        "adult 20y first relapse",
        "US",
        20,
        FIRST_RELAPSE,
        {"brexucabtagene autoleucel", "obecabtagene autoleucel"},
    ),
]


def _fits(row: Indication, age: float, states: set[str]) -> bool:
    if row.age_min_years is not None and age < row.age_min_years:
        return False
    if row.age_max_years is not None and age > row.age_max_years:
        return False
    return bool(states & set(row.routes))


@pytest.mark.parametrize(
    ("region", "age", "states", "expected"),
    [case[1:] for case in CASES],
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_worked_cases_get_the_expected_on_label_products(
    region: str, age: float, states: set[str], expected: set[str]
) -> None:
    fitting = {
        KB.products[row.product].inn
        for row in KB.indications_for(region=region, disease="B-ALL")
        if _fits(row, age, states)
    }
    assert fitting == expected


def test_indications_for_filters_by_region_and_disease() -> None:
    us = KB.indications_for(region="us", disease="b-all")
    assert [row.product for row in us] == ["kymriah", "tecartus", "aucatzyl"]
    spain = {row.agency for row in KB.indications_for(region="ES")}
    assert spain == {"EC", "AEMPS_HE"}
    assert len(KB.indications_for()) == len(KB.indications)
