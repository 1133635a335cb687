"""Hard filters, overall answers, ranking and --explain, on hand-built trials and criteria."""

from __future__ import annotations

import json
from typing import Any

import pytest
from matching_factories import (
    AS_OF,
    STANDARD_ITEMS,
    build_profile,
    build_trial,
    c,
    index_of,
    item,
)

from cartnav.domain.errors import NotFoundError
from cartnav.domain.trial import Site
from cartnav.matching import MatchOptions, TrialMatch
from cartnav.matching.results import MatchReport


def _match(pairs: list[Any], options: MatchOptions | None = None, **profile: Any) -> MatchReport:
    return index_of(pairs).match(build_profile(None, **profile), as_of=AS_OF, options=options)


def _one(trial: Any = None, items: Any = STANDARD_ITEMS, **profile: Any) -> TrialMatch:
    trial = trial or build_trial()
    options = MatchOptions(explain=(trial.nct_id,))
    return _match([(trial, items)], options, **profile).results[0]


OVERALL_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("all-key-facts-met", {}, "likely_eligible", ""),
    ("cd19-negative", {"markers": {"CD19": "negative"}}, "not_eligible", "CD19"),
    ("cd19-missing", {"markers": {}}, "possibly_eligible", "CD19"),
    ("active-gvhd", {"current": {"active_gvhd": True}}, "not_eligible", "Excluded"),
    ("infection-list-missing", {"current": {"active_gvhd": False}}, "likely_eligible", ""),
    ("history-missing", {"history": []}, "possibly_eligible", "history"),
    ("too-old", {"age_years": 30}, "not_eligible", "age"),
    ("disease-missing", {"diagnosis": {}}, "possibly_eligible", "diagnosis"),
    ("t-all", {"diagnosis": {"disease": "T-ALL"}}, "not_eligible", "T-ALL"),
]


@pytest.mark.parametrize(
    ("changes", "expected", "why_mentions"),
    [case[1:] for case in OVERALL_CASES],
    ids=[case[0] for case in OVERALL_CASES],
)
def test_overall(changes: dict[str, Any], expected: str, why_mentions: str) -> None:
    match = _one(**changes)
    assert match.overall == expected, match.why
    assert why_mentions in match.why or any(
        why_mentions in r.reason for r in match.criteria if r.verdict != "met"
    )
    if expected == "not_eligible":
        assert any(r.verdict == "not_met" for r in match.criteria)


def test_failing_criterion_says_why() -> None:
    match = _one(markers={"CD19": "negative"})
    failing = [r for r in match.criteria if r.verdict == "not_met"]
    assert [r.text for r in failing] == ["CD19-positive"]
    assert failing[0].reason == (
        "Not met: the trial asks for CD19-positive disease, but the profile says CD19 negative."
    )


def test_trial_without_criteria_text_is_never_likely() -> None:
    trial = build_trial(eligibility_criteria=None)
    match = _one(trial, ())
    assert match.overall == "possibly_eligible"
    assert any("no eligibility criteria text" in r.reason for r in match.criteria)


def test_trial_stating_no_disease_status_is_not_likely() -> None:
    items = tuple(i for i in STANDARD_ITEMS if "disease_status" not in i.to_dict()["text"])
    items = tuple(
        i for i in STANDARD_ITEMS if all(x.type != "disease_status" for x in i.constraints)
    )
    assert _one(items=items).overall == "possibly_eligible"


# --- hard filters ---------------------------------------------------------------------------


def test_status_filter_and_status_any() -> None:
    done = build_trial("NCT90000002", status="COMPLETED")
    report = _match([(done, STANDARD_ITEMS)])
    assert report.results == [] and report.removed == {"status": 1}
    wide = _match([(done, STANDARD_ITEMS)], MatchOptions(statuses=("any",)))
    assert [r.nct_id for r in wide.results] == ["NCT90000002"]


@pytest.mark.parametrize(
    ("trial_changes", "profile_changes", "removed_by"),
    [
        ({"min_age_days": round(18 * 365.25)}, {}, "age"),
        ({"max_age_days": round(5 * 365.25)}, {}, "age"),
        ({"sex": "MALE"}, {}, "sex"),
        ({}, {"diagnosis": {"disease": "T-ALL"}}, "disease"),
        ({}, {"diagnosis": {"disease": "AML"}}, "disease"),
        (
            {"conditions": ("Non-small Cell Lung Cancer",), "brief_title": "A lung study"},
            {},
            "disease",
        ),
        (
            {"brief_title": "CD7 CAR-T cells", "conditions": ("Acute Lymphoblastic Leukemia",)},
            {},
            "disease",
        ),
    ],
    ids=[
        "min-age",
        "max-age",
        "sex",
        "t-all-vs-cd19-b-all",
        "aml",
        "other-disease",
        "cd7-vs-b-all",
    ],
)
def test_hard_filters_remove(
    trial_changes: dict[str, Any], profile_changes: dict[str, Any], removed_by: str
) -> None:
    report = _match([(build_trial(**trial_changes), STANDARD_ITEMS)], **profile_changes)
    assert report.results == []
    assert report.removed == {removed_by: 1}


@pytest.mark.parametrize(
    ("trial_changes", "profile_changes"),
    [
        ({}, {"diagnosis": {"disease": "ALL"}}),  # lineage unknown: not filtered out
        ({}, {"diagnosis": {}}),  # no diagnosis
        ({"sex": "FEMALE"}, {"sex": "unknown"}),  # sex unknown
        ({"min_age_days": None, "max_age_days": None}, {}),  # no age limits: open
        (
            {"brief_title": "CD7 CAR-T", "conditions": ("T-ALL",)},
            {"diagnosis": {"disease": "MPAL"}},
        ),
    ],
    ids=["lineage-unknown", "no-diagnosis", "sex-unknown", "no-age-limits", "mpal-vs-cd7"],
)
def test_missing_facts_never_filter_out(
    trial_changes: dict[str, Any], profile_changes: dict[str, Any]
) -> None:
    report = _match([(build_trial(**trial_changes), STANDARD_ITEMS)], **profile_changes)
    assert len(report.results) == 1
    assert report.results[0].overall != "not_eligible" or report.results[0].nct_id == "-"


def test_t_all_patient_matches_cd7_trial() -> None:
    trial = build_trial(
        brief_title="CD7 CAR-T cells for relapsed T-ALL",
        conditions=("T-cell Acute Lymphoblastic Leukemia",),
    )
    items = (
        item("inclusion", c("disease", disease="T-ALL")),
        item("inclusion", c("antigen", antigen="CD7")),
    )
    report = _match([(trial, items)], diagnosis={"disease": "T-ALL"}, markers={"CD7": "positive"})
    assert [r.overall for r in report.results] == ["possibly_eligible"]


def test_country_and_distance_filters() -> None:
    near = build_trial("NCT90000010")
    far = build_trial(
        "NCT90000011",
        sites=(
            Site("Children's Hospital", "Boston", None, "United States", "US", None, 42.36, -71.06),
        ),
    )
    unlisted = build_trial("NCT90000012", sites=())
    pairs = [(near, STANDARD_ITEMS), (far, STANDARD_ITEMS), (unlisted, STANDARD_ITEMS)]
    by_country = _match(pairs, MatchOptions(country="China"))
    assert {r.nct_id for r in by_country.results} == {"NCT90000010", "NCT90000012"}
    assert by_country.removed == {"country": 1}
    by_km = _match(pairs, MatchOptions(max_km=500))
    assert {r.nct_id for r in by_km.results} == {"NCT90000010", "NCT90000012"}
    no_home = _match(pairs, MatchOptions(max_km=500), residence={"country": "CN"})
    assert len(no_home.results) == 3


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_order_and_reasons() -> None:
    likely = build_trial("NCT90000020")
    possible = build_trial("NCT90000021")
    not_yet = build_trial("NCT90000022", status="NOT_YET_RECRUITING")
    far = build_trial(
        "NCT90000023",
        sites=(Site("Hospital", "Boston", None, "United States", "US", None, 42.36, -71.06),),
    )
    unsure = (*STANDARD_ITEMS, item("inclusion", c("antigen", antigen="CD7")))
    report = _match(
        [
            (far, STANDARD_ITEMS),
            (possible, unsure),
            (not_yet, STANDARD_ITEMS),
            (likely, STANDARD_ITEMS),
        ]
    )
    order = [r.nct_id for r in report.results]
    assert order == ["NCT90000020", "NCT90000023", "NCT90000022", "NCT90000021"]
    scores = [r.score for r in report.results]
    assert scores == sorted(scores, reverse=True)
    top = report.results[0]
    assert top.rank_reasons[0] == "likely eligible (+600)"
    assert "recruiting (+50)" in top.rank_reasons
    assert any(reason.startswith("nearest site") for reason in top.rank_reasons)


def test_cd19_negative_puts_other_targets_first() -> None:
    cd19 = build_trial("NCT90000030", brief_title="CD19 CAR-T for B-ALL")
    cd22 = build_trial("NCT90000031", brief_title="CD22 CAR-T for B-ALL")
    items = STANDARD_ITEMS[:2]
    negative = _match([(cd19, items), (cd22, items)], markers={"CD19": "negative"})
    assert [r.nct_id for r in negative.results] == ["NCT90000031", "NCT90000030"]
    assert any("CD19 is negative" in x for x in negative.results[0].rank_reasons)
    assert any("negative in the profile" in x for x in negative.results[1].rank_reasons)
    positive = _match(
        [(cd19, items), (cd22, items)], markers={"CD19": "positive", "CD22": "positive"}
    )
    assert {r.score for r in positive.results} == {positive.results[0].score}


def test_limit_and_tie_break_by_nct_id() -> None:
    pairs = [(build_trial(f"NCT9000004{i}"), STANDARD_ITEMS) for i in (3, 1, 2)]
    report = _match(pairs, MatchOptions(limit=2))
    assert [r.nct_id for r in report.results] == ["NCT90000041", "NCT90000042"]
    assert report.candidates == 3


# --- explain ---------------------------------------------------------------------------------


def test_explain_returns_named_trials_in_order_even_when_filtered() -> None:
    done = build_trial("NCT90000050", status="COMPLETED")
    adult = build_trial("NCT90000051", min_age_days=round(18 * 365.25))
    open_ = build_trial("NCT90000052")
    pairs = [(done, STANDARD_ITEMS), (adult, STANDARD_ITEMS), (open_, STANDARD_ITEMS)]
    report = _match(pairs, MatchOptions(explain=("nct90000051", "NCT90000050")))
    assert [r.nct_id for r in report.results] == ["NCT90000051", "NCT90000050"]
    adult_match, done_match = report.results
    assert [f.name for f in adult_match.removed_by] == ["age"]
    assert adult_match.overall == "not_eligible"
    assert [f.name for f in done_match.removed_by] == ["status"]
    assert done_match.overall == "likely_eligible"
    assert len(done_match.criteria) == len(STANDARD_ITEMS) + 2  # + registry age and disease rows
    data = report.to_dict()
    assert data["results"][0]["filtered_out"] is True
    assert data["explain"] == ["NCT90000051", "NCT90000050"]


def test_explain_unknown_trial_is_a_clear_error() -> None:
    with pytest.raises(NotFoundError, match="NCT99999999"):
        _match([(build_trial(), STANDARD_ITEMS)], MatchOptions(explain=("NCT99999999",)))


# --- what would change the answer --------------------------------------------------------------


def test_missing_information_counts_trials_per_field() -> None:
    pairs = [(build_trial(f"NCT9000006{i}"), STANDARD_ITEMS) for i in range(3)]
    cd7 = build_trial("NCT90000069", brief_title="CD19 CAR-T")
    pairs.append(
        (
            cd7,
            (
                *STANDARD_ITEMS,
                item("inclusion", c("lab", analyte="alt", op="<=", value=2, unit="x_uln")),
            ),
        )
    )
    report = _match(pairs, markers={}, current={"active_gvhd": False, "infections": []})
    facts = {m.field: m for m in report.missing_information}
    assert facts["markers.CD19"].message == "CD19 status is unknown: it decides 4 of these trials"
    assert len(facts["current.organ.alt_x_uln"].trials) == 1
    assert report.missing_information[0].field == "markers.CD19"
    assert report.to_dict()["missing_information"][0]["trials"] == 4


def test_report_json_shape() -> None:
    data = _match([(build_trial(), STANDARD_ITEMS)]).to_dict()
    json.dumps(data)
    result = data["results"][0]
    assert {"nct_id", "title", "overall", "score", "criteria", "sites", "rank_reasons"} <= set(
        result
    )
    assert {"kind", "text", "verdict", "reason"} <= set(result["criteria"][0])
    assert {c["kind"] for c in result["criteria"]} <= {"inclusion", "exclusion"}
    assert {c["verdict"] for c in result["criteria"]} <= {
        "met",
        "not_met",
        "unknown",
        "not_applicable",
    }
    assert result["sites"][0]["distance_km"] is not None


# --- cautions at the trial level ------------------------------------------------------------


def test_registry_age_limits_take_precedence_over_an_age_in_the_text() -> None:
    sub_group = item(
        "inclusion", c("age", max_years=5), text="5 years old or less: creatinine at most 0.8 mg/dL"
    )
    match = _one(items=(*STANDARD_ITEMS, sub_group))
    row = next(r for r in match.criteria if r.text.startswith("5 years old"))
    assert row.verdict == "unknown" and row.cautious
    assert match.overall == "possibly_eligible"  # a cautious unknown is never "likely"
    # without registry limits the text's age is all there is: it fails
    open_trial = build_trial(min_age_days=None, max_age_days=None)
    assert _one(open_trial, (*STANDARD_ITEMS, sub_group)).overall == "not_eligible"


def test_cut_off_criteria_are_never_likely() -> None:
    cut = build_trial(extra={"criteria_complete": "false"})
    match = _one(cut)
    assert match.overall == "possibly_eligible"
    assert any("stops before the end" in r.reason for r in match.criteria)


def test_other_cohort_set_aside_only_when_the_registry_lists_it() -> None:
    lymphoma = item("inclusion", c("disease", disease="DLBCL"), text="Lymphoma cohort: DLBCL")
    mixed = build_trial(conditions=("B-cell ALL", "Diffuse Large B-cell Lymphoma"))
    both = _one(mixed, (*STANDARD_ITEMS, lymphoma))
    assert both.overall == "likely_eligible"
    assert both.criteria[-1].verdict == "not_applicable"
    only_all = _one(build_trial(), (*STANDARD_ITEMS, lymphoma))
    assert only_all.overall == "possibly_eligible"
    assert only_all.criteria[-1].verdict == "unknown"
