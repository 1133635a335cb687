"""Item verdicts from constraints: alternatives, AND, exclusion meaning, "any of" groups."""

from __future__ import annotations

from typing import Any

import pytest
from matching_factories import AS_OF, BASE_PROFILE, build_profile, c, item

from cartnav.domain.criterion import Constraint, CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching.items import all_of, any_of, apply_groups, evaluate_item
from cartnav.matching.patient_facts import read_patient

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE


def _facts(**changes: Any) -> Any:
    return read_patient(build_profile(None, **changes), as_of=AS_OF)


@pytest.mark.parametrize(
    ("verdicts", "any_expected", "all_expected"),
    [
        ((MET, NOT_MET), MET, NOT_MET),
        ((MET, UNKNOWN), MET, UNKNOWN),
        ((NOT_MET, UNKNOWN), UNKNOWN, NOT_MET),
        ((NOT_MET, NOT_MET), NOT_MET, NOT_MET),
        ((MET, NA), MET, MET),
        ((NA, NA), NA, NA),
        ((UNKNOWN, UNKNOWN), UNKNOWN, UNKNOWN),
    ],
    ids=["met-fail", "met-unknown", "fail-unknown", "fail-fail", "met-na", "na-na", "unk-unk"],
)
def test_combinators(
    verdicts: tuple[Verdict, ...], any_expected: Verdict, all_expected: Verdict
) -> None:
    assert any_of(verdicts) is any_expected
    assert all_of(verdicts) is all_expected


GVHD = c("condition", condition="active_gvhd")
LVEF = c("lab", alternative=1, analyte="lvef", op=">=", value=45, unit="pct")
SF = c("lab", alternative=1, analyte="shortening_fraction", op=">=", value=28, unit="pct")

ITEM_CASES: list[tuple[str, CriterionItem, dict[str, Any], Verdict, str]] = [
    (
        "exclusion-applies",
        item("exclusion", GVHD),
        {"current": {"active_gvhd": True}},
        NOT_MET,
        "Excluded",
    ),
    ("exclusion-does-not-apply", item("exclusion", GVHD), {}, MET, "Not excluded"),
    ("exclusion-unknown", item("exclusion", GVHD), {"current": {}}, UNKNOWN, "Unknown"),
    ("alternatives-one-met", item("inclusion", LVEF, SF), {}, MET, "Met"),
    (
        "alternatives-none-known",
        item("inclusion", LVEF, SF),
        {"current": {"organ": {}}},
        UNKNOWN,
        "Unknown",
    ),
    (
        "and-one-fails",
        item(
            "inclusion",
            c("lab", analyte="alt", op="<=", value=1, unit="x_uln"),
            c("lab", analyte="bilirubin", op="<=", value=1.5, unit="x_uln"),
        ),
        {},
        NOT_MET,
        "Not met",
    ),
    (
        "disease-names-are-alternatives",
        item("inclusion", c("disease", disease="B-ALL"), c("disease", disease="B-LBL")),
        {},
        MET,
        "Met",
    ),
    (
        "exclusion-list-any-excludes",
        item("exclusion", c("condition", condition="hiv"), c("condition", condition="hbv")),
        {"current": {"infections": ["HBV"]}},
        NOT_MET,
        "Excluded",
    ),
    (
        "exclusion-list-none",
        item("exclusion", c("condition", condition="hiv"), c("condition", condition="hbv")),
        {},
        MET,
        "Not excluded",
    ),
    ("consent-not-applicable", item("inclusion", c("consent")), {}, NA, "Not applicable"),
    ("no-constraints", item("inclusion"), {}, UNKNOWN, "cannot check"),
    (
        "exclusion-prior-cart",
        item("exclusion", c("prior_therapy", therapy="car_t", requirement="excluded")),
        {
            "history": [
                *BASE_PROFILE["history"],
                {"type": "car_t", "date": "2025-09-01", "product": "tisagenlecleucel"},
            ]
        },
        NOT_MET,
        "Excluded: the trial excludes prior CAR-T therapy",
    ),
]


@pytest.mark.parametrize(
    ("criterion", "changes", "expected", "reason_start"),
    [case[1:] for case in ITEM_CASES],
    ids=[case[0] for case in ITEM_CASES],
)
def test_item_verdict(
    criterion: CriterionItem, changes: dict[str, Any], expected: Verdict, reason_start: str
) -> None:
    result = evaluate_item(_facts(**changes), criterion)
    assert result.verdict is expected, result.reason
    assert reason_start in result.reason


def test_exclusion_reason_reads_as_a_sentence() -> None:
    result = evaluate_item(_facts(current={"active_gvhd": True}), item("exclusion", GVHD))
    assert result.reason == (
        "Excluded: the trial excludes active graft-versus-host disease (GVHD), "
        "and the profile says active GVHD."
    )


def _group(*verdict_items: CriterionItem) -> tuple[Verdict, ...]:
    facts = read_patient(build_profile(), as_of=AS_OF)
    return tuple(r.verdict for r in apply_groups([evaluate_item(facts, i) for i in verdict_items]))


SECOND = c("disease_status", status="second_or_later_relapse")  # not met by the base profile
POST_HSCT = c("disease_status", status="post_hsct")  # not met
REFRACTORY = c("disease_status", status="refractory")  # met
MRD = c("disease_status", status="mrd_positive", threshold=0.0001)  # met


def test_group_one_option_met_others_not_needed() -> None:
    verdicts = _group(
        item("inclusion", SECOND, group="g1"),
        item("inclusion", POST_HSCT, group="g1"),
        item("inclusion", REFRACTORY, group="g1"),
    )
    assert verdicts == (NA, NA, MET)


def test_a_group_heading_naming_another_disease_is_not_one_option() -> None:
    # "CD19-positive lymphoma, meeting one of the following:" for a B-ALL patient: the
    # heading's disease is shared by the routes below it, so a met route does not settle it
    heading = CriterionItem(
        "inclusion",
        "CD19-positive lymphoma meeting one of the following conditions:",
        0,
        10,
        "g1",
        None,
        (c("disease", disease="NHL"),),
    )
    route = CriterionItem("inclusion", "refractory disease", 11, 20, "g1", 0, (REFRACTORY,))
    other = CriterionItem("inclusion", "2nd relapse", 21, 30, "g1", 0, (SECOND,))
    assert _group(heading, route, other) == (UNKNOWN, MET, NA)
    # a heading that only summarises the routes stays one option of them
    summary = CriterionItem("inclusion", "Relapsed ALL, any of:", 0, 10, "g1", None, (SECOND,))
    assert _group(summary, route, other)[0] is NA


def _heading(*constraints: Constraint) -> CriterionItem:
    text = "CD19-positive B-ALL, younger than 8 years, with one of the following:"
    return CriterionItem("inclusion", text, 0, 10, "g1", None, constraints)


def test_a_met_heading_is_not_a_met_option() -> None:
    # "CD19-positive B-ALL with one of the following: 2nd relapse / relapse after HSCT": the
    # heading fits the patient but no route below it does, so the list is not met
    heading = _heading(c("disease", disease="B-ALL"), c("antigen", antigen="CD19"))
    second = CriterionItem("inclusion", "option a", 11, 20, "g1", 0, (SECOND,))
    post = CriterionItem("inclusion", "option b", 21, 30, "g1", 0, (POST_HSCT,))
    facts = read_patient(build_profile(), as_of=AS_OF)
    results = apply_groups([evaluate_item(facts, i) for i in (heading, second, post)])
    assert [r.verdict for r in results] == [UNKNOWN, NOT_MET, NOT_MET]
    assert results[0].cautious and "none of the options" in results[0].reason
    # with a route met, the heading keeps its own verdict
    route = CriterionItem("inclusion", "refractory disease", 11, 20, "g1", 0, (REFRACTORY,))
    assert _group(heading, route, post) == (MET, MET, NA)


def test_a_heading_age_that_fails_is_shared_by_every_option() -> None:
    # "younger than 8 years, with one of the following:" for a 9-year-old: a met route does not
    # make the heading's age "not needed"; it stays a cautious unknown
    too_old = c("age", max_years=8, max_inclusive=False)
    route = CriterionItem("inclusion", "refractory disease", 11, 20, "g1", 0, (REFRACTORY,))
    facts = read_patient(build_profile(), as_of=AS_OF)
    results = apply_groups(
        [evaluate_item(facts, i) for i in (_heading(too_old, c("antigen", antigen="CD19")), route)]
    )
    assert [r.verdict for r in results] == [UNKNOWN, MET]
    assert results[0].cautious
    assert "age under 8 years, but the patient is 9" in results[0].reason
    assert "CD19" not in results[0].reason  # the part that holds is not named as a doubt


def test_group_no_option_met_fails() -> None:
    verdicts = _group(
        item("inclusion", SECOND, group="g1"), item("inclusion", POST_HSCT, group="g1")
    )
    assert verdicts == (NOT_MET, NOT_MET)


def test_group_undecided_failing_option_does_not_stop() -> None:
    verdicts = _group(
        item("inclusion", SECOND, group="g1"),
        item("inclusion", c("antigen", antigen="CD7"), group="g1"),
    )
    assert verdicts == (UNKNOWN, UNKNOWN)


def test_exclusion_items_in_a_group_stay_independent() -> None:
    verdicts = _group(
        item("exclusion", MRD, group="g2"),
        item("exclusion", SECOND, group="g2"),
    )
    assert verdicts == (NOT_MET, MET)


# --- cautions: the parser may split a sentence it cannot fully read -----------------------


def _set(*items: CriterionItem, **changes: Any) -> tuple[Verdict, ...]:
    from cartnav.matching.structure import apply_cohorts, apply_routes

    facts = _facts(**changes)
    evaluated = apply_cohorts([evaluate_item(facts, i) for i in items])
    return tuple(r.verdict for r in apply_groups(apply_routes(items, evaluated)))


def test_other_disease_cohort_does_not_apply() -> None:
    ball = item("inclusion", c("disease", disease="B-ALL"), text="B-ALL cohort: relapsed B-ALL")
    lymphoma = CriterionItem(
        "inclusion",
        "Lymphoma cohort: relapsed DLBCL",
        0,
        10,
        None,
        None,
        (c("disease", disease="DLBCL"),),
    )
    sub = CriterionItem(
        "inclusion",
        "CR after chemotherapy, relapsed within 6 months",
        0,
        10,
        None,
        1,
        (c("disease_status", status="second_or_later_relapse"),),
    )
    assert _set(ball, lymphoma, sub) == (MET, NA, NA)
    # a lymphoma-only trial still fails a B-ALL patient
    assert _set(lymphoma) == (NOT_MET,)


def test_ungrouped_routes_do_not_stop_while_one_fits() -> None:
    routes = (
        item("inclusion", c("disease_status", status="second_or_later_relapse")),
        item("inclusion", c("disease_status", status="post_hsct")),
        item("inclusion", c("disease_status", status="refractory")),
    )
    assert _set(*routes) == (UNKNOWN, UNKNOWN, MET)
    assert _set(*routes[:2]) == (NOT_MET, NOT_MET)


def test_or_joined_constraints_are_tried_as_alternatives() -> None:
    text = "CD19+ leukemia, or relapse after auto-HSCT"
    criterion = CriterionItem(
        "inclusion",
        text,
        0,
        len(text),
        None,
        None,
        (
            Constraint("antigen", {"antigen": "CD19"}, (0, 5)),
            Constraint("disease_status", {"status": "post_hsct"}, (19, 42)),
        ),
    )
    assert evaluate_item(_facts(), criterion).verdict is UNKNOWN


@pytest.mark.parametrize(
    ("criterion", "changes"),
    [
        (
            item(
                "exclusion",
                c("condition", condition="other_malignancy", has_exception=True),
                text="Other cancer, except treated skin cancer",
            ),
            {"current": {"other_malignancy": True}},
        ),
        (
            item(
                "inclusion",
                c("prior_therapy", therapy="car_t"),
                text="Patients previously treated with CAR-T will be eligible",
            ),
            {},
        ),
        (
            item(
                "exclusion",
                c("disease_status", status="relapsed_or_refractory"),
                c("disease", disease="ALL"),
                text="Relapsed ALL with testicular involvement",
            ),
            {},
        ),
        (
            item(
                "exclusion",
                c("prior_therapy", therapy="chemotherapy", requirement="excluded"),
                text="Chemotherapy before apheresis",
            ),
            {},
        ),
        (
            item(
                "inclusion",
                c("age", min_years=16, max_years=24),
                c("disease_status", status="relapsed"),
                text="Any relapse in patients aged 16-24",
            ),
            {},
        ),
    ],
    ids=[
        "has-exception",
        "conditional-wording",
        "own-population",
        "washout-no-window",
        "age-scope",
    ],
)
def test_cautions_turn_a_failure_into_unknown(
    criterion: CriterionItem, changes: dict[str, Any]
) -> None:
    assert evaluate_item(_facts(**changes), criterion).verdict is UNKNOWN


def test_inclusion_pregnancy_means_a_negative_test() -> None:
    criterion = item(
        "inclusion", c("condition", condition="pregnancy"), text="Negative pregnancy test"
    )
    assert evaluate_item(_facts(), criterion).verdict is MET


@pytest.mark.parametrize(
    ("criterion", "changes", "expected"),
    [
        (
            item(
                "inclusion",
                c("condition", condition="uncontrolled_infection"),
                text="No active, uncontrolled infection",
            ),
            {},
            MET,
        ),
        (
            item(
                "exclusion",
                c("condition", condition="pregnancy", negated=True),
                text="Pregnancy (negative test required)",
            ),
            {},
            MET,
        ),
        (
            item("exclusion", c("condition", condition="hbv"), text="Uncontrolled hepatitis B"),
            {"current": {"infections": ["HBV"]}},
            UNKNOWN,
        ),
        (
            item(
                "inclusion",
                c("disease_status", status="primary_refractory"),
                text="Primary refractory or relapsed B-ALL",
            ),
            {},
            UNKNOWN,
        ),
        (
            item(
                "inclusion",
                c("prior_therapy", therapy="allo_hsct", requirement="allowed", min_days_since=90),
                text="Prior allo-HSCT at least 3 months before infusion",
            ),
            {
                "history": [
                    *BASE_PROFILE["history"],
                    {"type": "hsct", "date": "2026-09-10", "donor": "allogeneic"},
                ]
            },
            UNKNOWN,
        ),
        (
            item(
                "inclusion",
                c("prior_therapy", therapy="allo_hsct", requirement="allowed", min_days_since=90),
                text="Prior allo-HSCT at least 3 months before infusion",
            ),
            {
                "history": [
                    *BASE_PROFILE["history"],
                    {"type": "hsct", "date": "2026-10-20", "donor": "allogeneic"},
                ]
            },
            NOT_MET,
        ),
    ],
    ids=[
        "inclusion-no-infection",
        "exclusion-ignores-negation",
        "qualified-hbv",
        "status-words",
        "days-near",
        "days-far",
    ],
)
def test_reading_the_parser_output_safely(
    criterion: CriterionItem, changes: dict[str, Any], expected: Verdict
) -> None:
    result = evaluate_item(_facts(**changes), criterion)
    assert result.verdict is expected, result.reason
    if expected is UNKNOWN and "infusion" not in criterion.text:
        assert result.cautious  # a failure read cautiously: keeps the trial from "likely"


def test_a_model_reading_never_rules_a_patient_out() -> None:
    # constraints a language model read (cartnav.criteria.refine) inform but never exclude
    facts = _facts(current={**BASE_PROFILE["current"], "active_gvhd": True, "lansky": 40})
    gvhd = c("condition", condition="active_gvhd", source="model")
    excluded = evaluate_item(facts, item("exclusion", gvhd))
    assert excluded.verdict is UNKNOWN and excluded.cautious
    assert "language model" in excluded.reason
    low = c("performance", scale="lansky", op=">=", value=50, source="model")
    assert evaluate_item(facts, item("inclusion", low)).verdict is UNKNOWN
    # the rules' own reading of the same words does
    assert evaluate_item(facts, item("exclusion", GVHD)).verdict is NOT_MET
    # and a model reading that is met stays met
    fine = c("performance", scale="lansky", op=">=", value=30, source="model")
    assert evaluate_item(facts, item("inclusion", fine)).verdict is MET


# --- readings of a whole item's words (cautions) ---------------------------------------------


def _parsed(kind: str, text: str) -> CriterionItem:
    from cartnav.criteria import extract_constraints

    found = extract_constraints(text, kind)  # type: ignore[arg-type]
    return CriterionItem(kind, text, 0, len(text), None, None, found)  # type: ignore[arg-type]


def _relapses(*sites: str | None) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = [{"type": "induction", "date": "2023-01-15", "response": "CR"}]
    for n, site in enumerate(sites):
        event: dict[str, Any] = {"type": "relapse", "date": f"202{4 + n}-06-10"}
        if site is not None:
            event["site"] = site
        history.append(event)
    return history


@pytest.mark.parametrize(
    ("sites", "verdict", "cautious"),
    [
        (("marrow",), MET, False),  # every relapse in the marrow: the exclusion does not apply
        (("marrow", "cns"), MET, False),
        (("testicular",), UNKNOWN, True),  # the exclusion's qualifier is not read: cautious
        (("combined",), UNKNOWN, True),
        ((None,), UNKNOWN, True),
    ],
    ids=["marrow", "marrow-cns", "testicular", "combined", "site-missing"],
)
def test_testicular_qualifier_answered_by_the_relapse_sites(
    sites: tuple[str | None, ...], verdict: Verdict, cautious: bool
) -> None:
    exclusion = _parsed("exclusion", "Recurrent or refractory ALL with testicular involvement")
    result = evaluate_item(_facts(history=_relapses(*sites)), exclusion)
    assert result.verdict is verdict, result.reason
    assert result.cautious is cautious


def test_mrd_at_a_time_point_is_not_read_from_todays_blasts() -> None:
    current = {**BASE_PROFILE["current"], "marrow_blasts_pct": 30}
    current.pop("mrd", None)
    facts = _facts(current=current)
    timed = _parsed("inclusion", "MRD > 0.1% after either reinduction therapy or consolidation")
    plain = _parsed("inclusion", "Detectable disease in the BM at a level ≥10⁻⁴")
    result = evaluate_item(facts, timed)
    assert result.verdict is UNKNOWN and result.cautious
    assert evaluate_item(facts, plain).verdict is MET
    # an MRD figure that meets the level is read as it is
    with_mrd = _facts(current={**current, "mrd": 0.01})
    assert evaluate_item(with_mrd, timed).verdict is MET


def test_an_item_for_ph_positive_patients_does_not_apply_to_a_ph_negative_one() -> None:
    text = (
        "Individuals with Ph+ disease are eligible if they are intolerant to tyrosine kinase"
        " inhibitor (TKI) therapy, or if they have relapsed or refractory disease despite"
        " treatment with at least 2 different TKIs"
    )
    ph = _parsed("inclusion", text)
    negative = {**BASE_PROFILE["diagnosis"], "ph_positive": False}
    assert evaluate_item(_facts(diagnosis=negative), ph).verdict is NA
    unknown = {k: v for k, v in BASE_PROFILE["diagnosis"].items() if k != "ph_positive"}
    assert evaluate_item(_facts(diagnosis=unknown), ph).verdict is not NA
    # an option of a list stays one: its group decides
    option = CriterionItem("inclusion", text, 0, len(text), "g1", None, ph.constraints)
    assert evaluate_item(_facts(diagnosis=negative), option).verdict is not NA


@pytest.mark.parametrize(
    ("history", "verdict"),
    [
        # one line: induction and maintenance before the first relapse
        (
            [
                {"type": "induction", "date": "2023-01-15", "response": "CR"},
                {"type": "therapy", "date": "2023-06-01", "agent": "maintenance chemotherapy"},
                {"type": "relapse", "date": "2026-10-05", "site": "marrow"},
            ],
            UNKNOWN,
        ),
        # two lines: a salvage after the first relapse
        (
            [
                {"type": "induction", "date": "2024-03-03", "response": "CR"},
                {"type": "relapse", "date": "2025-07-01", "site": "marrow"},
                {"type": "therapy", "date": "2025-07-05", "agent": "dasatinib"},
                {"type": "relapse", "date": "2026-09-01", "site": "marrow"},
            ],
            MET,
        ),
        # two lines: induction failure, then a reinduction
        (
            [
                {"type": "induction", "date": "2024-03-03", "response": "no_CR"},
                {"type": "reinduction", "date": "2024-05-01", "response": "no_CR"},
            ],
            MET,
        ),
    ],
    ids=["one-line", "salvage", "reinduction"],
)
def test_lines_of_therapy_are_counted_by_phase(
    history: list[dict[str, Any]], verdict: Verdict
) -> None:
    lines = _parsed(
        "inclusion", "Relapsed or refractory disease after 2 or more lines of systemic therapy"
    )
    constraint = next(c for c in lines.constraints if c.type == "prior_therapy")
    only = CriterionItem("inclusion", lines.text, 0, len(lines.text), None, None, (constraint,))
    assert evaluate_item(_facts(history=history), only).verdict is verdict
