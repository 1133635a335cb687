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
