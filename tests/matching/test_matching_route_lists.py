"""A heading's list of disease-status routes with no "or" between them (docs/matching.md, 2)."""

from __future__ import annotations

from typing import Any

from matching_factories import AS_OF, STANDARD_ITEMS, build_profile, build_trial, c, index_of

from cartnav.domain.criterion import Constraint, CriterionItem
from cartnav.matching import MatchOptions, TrialMatch

HEADING = "Children and young adults with high risk/relapsed CD19+ haematological malignancy:"


def _entry(text: str, *constraints: Constraint, parent: int | None) -> CriterionItem:
    return CriterionItem("inclusion", text, 0, len(text), None, parent, tuple(constraints))


def _items(*entries: tuple[str, tuple[Constraint, ...]], heading: str = HEADING) -> tuple:
    head = len(STANDARD_ITEMS)
    return (
        *STANDARD_ITEMS,
        _entry(heading, c("antigen", antigen="CD19", expression="positive"), parent=None),
        *(_entry(text, *cs, parent=head) for text, cs in entries),
    )


def _one(items: Any, **profile: Any) -> TrialMatch:
    trial = build_trial()
    options = MatchOptions(explain=(trial.nct_id,))
    index = index_of([(trial, items)])
    return index.match(build_profile(None, **profile), as_of=AS_OF, options=options).results[0]


REFRACTORY = ("Any refractory relapse of ALL", (c("disease_status", status="refractory"),))
SECOND = ("ALL post ≥ 2nd relapse", (c("disease_status", status="second_or_later_relapse"),))
AFTER_SCT = (
    "Any relapse of ALL after stem cell transplant",
    (c("disease_status", status="post_hsct"),),
)
INFANT = (
    "High risk infant ALL (age < 6 months at diagnosis with MLL gene rearrangement)",
    (c("age", max_years=0.5), c("disease", disease="ALL")),
)
VERY_EARLY = (
    "Very early (< 18 months from diagnosis) bone marrow relapse of ALL",
    (c("disease_status", status="relapsed"),),
)


def _row(match: TrialMatch, text: str) -> Any:
    return next(r for r in match.criteria if r.text == text)


def test_one_plain_route_met_admits_the_patient() -> None:
    match = _one(_items(REFRACTORY, SECOND, AFTER_SCT, INFANT))
    assert match.overall == "likely_eligible"
    for other in (SECOND, AFTER_SCT, INFANT):
        row = _row(match, other[0])
        assert row.verdict == "not_applicable" and row.reason.startswith("Not needed")


def test_without_a_met_route_the_list_decides_nothing() -> None:
    # a patient in remission after reinduction: refractory is not met, no route is
    history = [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2025-06-10", "site": "marrow"},
        {"type": "reinduction", "date": "2025-06-20", "response": "CR"},
    ]
    match = _one(_items(REFRACTORY, SECOND, AFTER_SCT, INFANT), history=history)
    assert match.overall != "likely_eligible"
    assert not any(r.reason.startswith("Not needed: another route") for r in match.criteria)


def test_a_route_with_words_its_status_does_not_check_does_not_decide() -> None:
    # "very early relapse" is met on "a relapse" alone: its timing is not checked
    history = [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2025-06-10", "site": "marrow"},
        {"type": "reinduction", "date": "2025-06-20", "response": "CR"},
    ]
    match = _one(_items(VERY_EARLY, SECOND, AFTER_SCT), history=history)
    assert _row(match, VERY_EARLY[0]).verdict == "met"
    assert match.overall == "possibly_eligible"


def test_a_requirement_in_the_list_keeps_its_verdict() -> None:
    bilirubin = (
        "Bilirubin ≤ 1.5 x ULN",
        (c("lab", analyte="bilirubin", op="<=", value=1.5, unit="x_uln"),),
    )
    organ = {"bilirubin_x_uln": 3.0}
    match = _one(
        _items(REFRACTORY, SECOND, AFTER_SCT, bilirubin),
        current={"marrow_blasts_pct": 30, "mrd": 0.001, "organ": organ},
    )
    assert _row(match, bilirubin[0]).verdict == "not_met"
    assert match.overall == "not_eligible"


def test_a_heading_without_a_colon_is_not_a_list() -> None:
    items = _items(REFRACTORY, SECOND, AFTER_SCT, heading="High risk/relapsed ALL.")
    match = _one(items)
    assert not any(r.reason.startswith("Not needed: another route") for r in match.criteria)
    assert match.overall == "possibly_eligible"


def test_fewer_than_three_routes_are_not_a_list() -> None:
    match = _one(_items(REFRACTORY, SECOND))
    assert not any(r.reason.startswith("Not needed: another route") for r in match.criteria)


# --- one list of routes split into two "or" groups -------------------------------------------

HEAD_AND = "Patients aged 1-24 years with high risk relapsed/refractory B-lineage ALL, AND:"


def _split_list(first: list[tuple[str, tuple]], second: list[tuple[str, tuple]]) -> tuple:
    head = len(STANDARD_ITEMS)
    heading = CriterionItem(
        "inclusion",
        HEAD_AND,
        0,
        len(HEAD_AND),
        None,
        None,
        (c("disease_status", status="relapsed_or_refractory"),),
    )
    entries = [
        CriterionItem("inclusion", text, 0, len(text), group, head, cs)
        for group, part in (("g1", first), ("g2", second))
        for text, cs in part
    ]
    return (*STANDARD_ITEMS, heading, *entries)


PRIMARY = ("Primary refractory disease; OR,", (c("disease_status", status="primary_refractory"),))
ISOLATED = (
    "Isolated CNS relapse; OR,",
    (c("disease_status", status="isolated_extramedullary"),),
)
HR_FIRST = ("HR first relapse; OR,", (c("disease_status", status="relapsed"),))


def test_two_groups_of_routes_under_one_heading_are_one_list() -> None:
    items = _split_list([REFRACTORY, SECOND, AFTER_SCT], [PRIMARY, ISOLATED])
    match = _one(items)
    assert _row(match, PRIMARY[0]).verdict == "not_applicable"
    assert match.overall == "likely_eligible"


def test_groups_are_not_joined_on_a_qualified_route_alone() -> None:
    # "HR first relapse" is met on "a relapse" alone: "HR" is not checked
    history = [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2025-06-10", "site": "marrow"},
        {"type": "reinduction", "date": "2025-06-20", "response": "CR"},
    ]
    items = _split_list([HR_FIRST, SECOND, AFTER_SCT], [PRIMARY, ISOLATED])
    match = _one(items, history=history)
    assert _row(match, PRIMARY[0]).verdict == "unknown"
    assert match.overall == "possibly_eligible"


# --- an exclusion the parser could not read, about a therapy the patient had -----------------


def test_unread_exclusion_naming_a_cd19_therapy_the_patient_had_is_cautious() -> None:
    text = "Prior CD19 or CD22 targeted therapy with Grade 4 toxicity or refractory Grade 3 CRS"
    unread = CriterionItem("exclusion", text, 0, len(text), None, None, (c("unknown"),))
    history = [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2024-06-10", "site": "marrow"},
        {"type": "car_t", "date": "2024-08-01", "product": "tisagenlecleucel", "response": "CR"},
        {"type": "relapse", "date": "2025-06-10", "site": "marrow"},
    ]
    match = _one((*STANDARD_ITEMS, unread), history=history)
    row = _row(match, text)
    assert row.verdict == "unknown" and row.cautious
    assert match.overall == "possibly_eligible"
    # without such a therapy in the history the same text is a plain unknown
    plain = _row(_one((*STANDARD_ITEMS, unread)), text)
    assert plain.verdict == "unknown" and not plain.cautious
