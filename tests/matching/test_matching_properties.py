"""Invariants (Hypothesis): removing a fact only turns verdicts into unknown, never makes a trial
not_eligible, never filters one out; answers are deterministic for a fixed as_of."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_factories import (
    AS_OF,
    CAUTION_ITEMS,
    RICH_ITEMS,
    STANDARD_ITEMS,
    build_profile,
    build_trial,
    index_of,
)

from cartnav.domain.trial import Site
from cartnav.matching import MatchIndex, MatchOptions

DISEASES = ["B-ALL", "T-ALL", "AML", "ALL", "MPAL", "B-LBL", "CLL"]
HISTORIES: list[list[dict[str, Any]]] = [
    [],
    [{"type": "induction", "date": "2024-01-05", "response": "no_CR"}],
    [
        {"type": "induction", "date": "2024-01-05", "response": "CR"},
        {"type": "relapse", "date": "2025-02-01", "site": "marrow"},
        {"type": "reinduction", "date": "2025-02-10", "response": "no_CR"},
    ],
    [
        {"type": "induction", "date": "2024-01-05", "response": "CR"},
        {"type": "relapse", "date": "2024-09-01", "site": "combined"},
        {"type": "hsct", "date": "2025-01-10", "donor": "allogeneic"},
        {"type": "relapse", "date": "2026-08-01", "site": "cns"},
    ],
    [
        {"type": "induction", "date": "2024-01-05", "response": "CR"},
        {"type": "relapse", "date": "2025-02-01"},
        {"type": "car_t", "date": "2025-05-01", "product": "tisagenlecleucel", "response": "CR"},
        {"type": "hsct", "date": "2026-09-01"},
    ],
]
MARKER = st.sampled_from(["positive", "negative", "dim", "unknown"])
OPTIONAL_BOOL = st.sampled_from([True, False, None])


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    organ = {
        "creatinine_clearance_ml_min": draw(st.sampled_from([None, 40.0, 90.0])),
        "alt_x_uln": draw(st.sampled_from([None, 0.5, 4.0])),
        "ast_x_uln": draw(st.sampled_from([None, 1.0, 5.0])),
        "bilirubin_x_uln": draw(st.sampled_from([None, 0.8, 3.0])),
        "lvef_pct": draw(st.sampled_from([None, 40.0, 60.0])),
        "shortening_fraction_pct": draw(st.sampled_from([None, 20.0, 32.0])),
    }
    current = {
        "marrow_blasts_pct": draw(st.sampled_from([None, 0.0, 3.0, 40.0])),
        "mrd": draw(st.sampled_from([None, 0.0, 0.00005, 0.01])),
        # one performance scale at most: the scales are read for each other, so two that
        # disagree are contradicting facts, not more facts
        **draw(
            st.sampled_from(
                [
                    {},
                    {"lansky": 40},
                    {"lansky": 80},
                    {"karnofsky": 50},
                    {"karnofsky": 90},
                    {"ecog": 0},
                    {"ecog": 3},
                ]
            )
        ),
        "active_infection": draw(OPTIONAL_BOOL),
        "active_gvhd": draw(OPTIONAL_BOOL),
        "infections": draw(st.sampled_from([None, [], ["HBV"], ["HIV", "HCV"]])),
        "pregnant": draw(OPTIONAL_BOOL),
        "other_malignancy": draw(OPTIONAL_BOOL),
        "organ": {k: v for k, v in organ.items() if v is not None},
    }
    sex = draw(st.sampled_from(["female", "male", "unknown"]))
    if sex == "male":
        current.pop("pregnant", None)  # a consistent profile: the facts never contradict each other
    return {
        "age_years": draw(st.sampled_from([2.0, 9.5, 15.0, 19.0, 35.0])),
        "as_of": AS_OF.isoformat(),
        "sex": sex,
        "residence": {"country": "CN", "lat": 30.59, "lon": 114.31},
        "diagnosis": {
            "disease": draw(st.sampled_from(DISEASES)),
            "cns_status": draw(st.sampled_from(["CNS1", "CNS2", "CNS3"])),
        },
        "markers": {
            "CD19": draw(MARKER),
            "CD22": draw(MARKER),
            "CD7": draw(MARKER),
        },
        "history": copy.deepcopy(draw(st.sampled_from(HISTORIES))),
        "current": {k: v for k, v in current.items() if v is not None},
    }


REMOVABLE = [
    "sex",
    "residence",
    "diagnosis",
    "diagnosis.disease",
    "diagnosis.cns_status",
    "markers",
    "markers.CD19",
    "markers.CD22",
    "markers.CD7",
    "history",
    "current",
    "current.marrow_blasts_pct",
    "current.mrd",
    "current.lansky",
    "current.karnofsky",
    "current.ecog",
    "current.active_infection",
    "current.active_gvhd",
    "current.infections",
    "current.pregnant",
    "current.other_malignancy",
    "current.organ",
    "current.organ.alt_x_uln",
    "current.organ.lvef_pct",
    "current.organ.bilirubin_x_uln",
]


def _remove(data: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for path in paths:
        *parents, last = path.split(".")
        target: Any = out
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target.pop(last, None)
    return out


def _trials() -> MatchIndex:
    sites = (Site("Hospital", "Boston", None, "United States", "US", None, 42.36, -71.06),)
    return index_of(
        [
            (build_trial("NCT90000101"), RICH_ITEMS),
            (build_trial("NCT90000106", min_age_days=None, max_age_days=None), CAUTION_ITEMS),
            (build_trial("NCT90000107", extra={"criteria_complete": "false"}), CAUTION_ITEMS[:3]),
            (
                build_trial(
                    "NCT90000102", brief_title="CD7 CAR-T for T-ALL", conditions=("T-ALL",)
                ),
                STANDARD_ITEMS,
            ),
            (build_trial("NCT90000103", sex="FEMALE", sites=sites), STANDARD_ITEMS[:3]),
            (
                build_trial(
                    "NCT90000104", conditions=("Acute Leukemia",), eligibility_criteria=None
                ),
                (),
            ),
            (
                build_trial("NCT90000105", brief_title="CLL-1 CAR-T", conditions=("AML",)),
                RICH_ITEMS[7:],
            ),
        ]
    )


INDEX = _trials()
ALL_IDS = tuple(entry.trial.nct_id for entry in INDEX)
EXPLAIN = MatchOptions(statuses=("any",), explain=ALL_IDS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), st.lists(st.sampled_from(REMOVABLE), min_size=1, max_size=4, unique=True))
def test_removing_facts_only_adds_unknowns(data: dict[str, Any], removed: list[str]) -> None:
    full = INDEX.match(build_profile(data), as_of=AS_OF, options=EXPLAIN)
    less = INDEX.match(build_profile(_remove(data, removed)), as_of=AS_OF, options=EXPLAIN)
    for before, after in zip(full.results, less.results, strict=True):
        assert len(before.criteria) == len(after.criteria)
        for b, a in zip(before.criteria, after.criteria, strict=True):
            if a.verdict != b.verdict:
                assert a.verdict == "unknown", (removed, b.reason, a.reason)
        if after.overall == "not_eligible":
            assert before.overall == "not_eligible", (removed, after.why)
        # a filter can only stop removing the trial, never start
        assert {f.name for f in after.removed_by if f.name != "status"} <= {
            f.name for f in before.removed_by
        }


@settings(max_examples=25, deadline=None)
@given(profiles())
def test_same_input_and_as_of_give_the_same_answer(data: dict[str, Any]) -> None:
    first = _trials().match(
        build_profile(data), as_of=AS_OF, options=MatchOptions(statuses=("any",))
    )
    second = _trials().match(
        build_profile(data), as_of=AS_OF, options=MatchOptions(statuses=("any",))
    )
    assert first.to_dict() == second.to_dict()


@settings(max_examples=25, deadline=None)
@given(profiles())
def test_ranked_results_agree_with_their_explanation(data: dict[str, Any]) -> None:
    profile = build_profile(data)
    ranked = INDEX.match(profile, as_of=AS_OF, options=MatchOptions(statuses=("any",)))
    explained = {m.nct_id: m for m in INDEX.match(profile, as_of=AS_OF, options=EXPLAIN).results}
    for match in ranked.results:
        assert match.overall == explained[match.nct_id].overall
        assert match.score == explained[match.nct_id].score
        assert not match.removed_by
