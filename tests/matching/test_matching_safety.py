"""Safety rules: a failure must rest on a clearly stated fact compared exactly.

Each table below is one kind of mistake the held-out judged set revealed; the items are built by
hand, as the criteria parser might give them, so the rule holds whatever the parser does.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_factories import (
    AS_OF,
    BASE_PROFILE,
    STANDARD_ITEMS,
    build_profile,
    build_trial,
    index_of,
    item,
)
from test_matching_properties import REMOVABLE, _remove, profiles

from cartnav.domain.criterion import Constraint, CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching import MatchOptions
from cartnav.matching.items import evaluate_item
from cartnav.matching.overall import decide
from cartnav.matching.patient_facts import read_patient
from cartnav.matching.results import CriterionResult

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN


def spanned(text: str, words: str, type_: str, **attrs: Any) -> Constraint:
    """A constraint whose span covers ``words`` in ``text`` (as the parser gives spans)."""
    start = text.index(words)
    return Constraint(type_, attrs, (start, start + len(words)))


def one(kind: str, text: str, *parts: tuple[str, str, dict[str, Any]]) -> CriterionItem:
    constraints = tuple(spanned(text, words, type_, **attrs) for words, type_, attrs in parts)
    return CriterionItem(kind, text, 0, len(text), None, None, constraints)  # type: ignore[arg-type]


def verdict_for(criterion: CriterionItem, **changes: Any) -> CriterionResult:
    profile = build_profile(None, **changes)
    return evaluate_item(read_patient(profile, as_of=AS_OF), criterion)


def diagnosis(cns: str | None) -> dict[str, Any]:
    return {**BASE_PROFILE["diagnosis"], "cns_status": cns}


# --- 1. CNS status compares levels exactly ---------------------------------------------------
FIRST_REMISSION = [{"type": "induction", "date": "2023-01-15", "response": "CR"}]
CNS = [
    ("cns3-only-vs-cns2", "exclusion", "CNS3 disease", "CNS3", "cns3", "CNS2", MET),
    ("cns-3-vs-cns2", "exclusion", "CNS-3 leukemia", "CNS-3", "cns_involvement", "CNS2", MET),
    (
        "active-cns3-vs-cns2",
        "exclusion",
        "Active CNS leukemia (CNS3)",
        "Active CNS leukemia",
        "active_cns_disease",
        "CNS2",
        MET,
    ),
    (
        "involvement-cns3-vs-cns2",
        "exclusion",
        "Active CNS involvement (CNS3)",
        "CNS involvement",
        "cns_involvement",
        "CNS2",
        MET,
    ),
    (
        "parser-active-cns3-vs-cns2",
        "exclusion",
        "Active CNS leukemia (CNS3)",
        "CNS3",
        "cns3",
        "CNS2",
        MET,
    ),
    (
        "parser-active-cns3-vs-cns3-in-remission",
        "exclusion",
        "Active CNS leukemia (CNS3)",
        "CNS3",
        "cns3",
        "CNS3",
        UNKNOWN,
    ),
    ("cns3-vs-cns3", "exclusion", "CNS3 disease", "CNS3", "cns3", "CNS3", NOT_MET),
    ("cns2-token-vs-cns2", "exclusion", "CNS2 disease", "CNS2", "cns2", "CNS2", NOT_MET),
    ("cns2-token-vs-cns1", "exclusion", "CNS2 disease", "CNS2", "cns2", "CNS1", MET),
    ("cns3-vs-cns1", "exclusion", "CNS3 disease", "CNS3", "cns_involvement", "CNS1", MET),
    ("cns3-vs-missing", "exclusion", "CNS3 disease", "CNS3", "cns3", None, UNKNOWN),
    (
        "cns2-qualified-vs-cns2",
        "exclusion",
        "CNS2 with neurological changes, or CNS3",
        "CNS2",
        "cns_involvement",
        "CNS2",
        UNKNOWN,
    ),
    (
        "cns2-qualified-vs-cns3",
        "exclusion",
        "CNS2 with neurological changes, or CNS3",
        "CNS2",
        "cns_involvement",
        "CNS3",
        NOT_MET,
    ),
    (
        "up-to-cns2-vs-cns2",
        "exclusion",
        "CNS involvement of ≥ CNS2",
        "CNS involvement",
        "cns_involvement",
        "CNS2",
        NOT_MET,
    ),
    (
        "no-cns3-inclusion-vs-cns2",
        "inclusion",
        "No CNS3 disease",
        "CNS3",
        "cns3",
        "CNS2",
        MET,
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "words", "token", "status", "expected"),
    [case[1:] for case in CNS],
    ids=[case[0] for case in CNS],
)
def test_cns_levels_compare_exactly(
    kind: str, text: str, words: str, token: str, status: str | None, expected: Verdict
) -> None:
    attrs: dict[str, Any] = {"condition": token}
    if kind == "inclusion" and token != "active_cns_disease":
        attrs["negated"] = True
    criterion = one(kind, text, (words, "condition", attrs))
    result = verdict_for(criterion, diagnosis=diagnosis(status), history=FIRST_REMISSION)
    assert result.verdict is expected, result.reason


def test_cns2_without_level_text_keeps_the_plain_reading() -> None:
    criterion = one(
        "exclusion",
        "CNS involvement",
        ("CNS involvement", "condition", {"condition": "cns_involvement"}),
    )
    result = verdict_for(criterion, diagnosis=diagnosis("CNS2"), history=FIRST_REMISSION)
    assert result.verdict is NOT_MET


@pytest.mark.parametrize("status", ["CNS2", "CNS3"])
def test_parser_reading_of_a_qualified_cns2_list(status: str) -> None:
    """The parser gives "CNS2 with neurological changes or CNS3" as a cns2 and a cns3 item."""
    text = "CNS2 with neurological changes or CNS3"
    criterion = one(
        "exclusion",
        text,
        ("CNS2", "condition", {"condition": "cns2"}),
        ("CNS3", "condition", {"condition": "cns3"}),
    )
    result = verdict_for(criterion, diagnosis=diagnosis(status), history=FIRST_REMISSION)
    assert result.verdict is (UNKNOWN if status == "CNS2" else NOT_MET), result.reason


@pytest.mark.parametrize("text", ["CNS3 disease", "CNS involvement"], ids=["cns3", "plain"])
def test_cns_at_diagnosis_does_not_exclude_after_a_marrow_relapse(text: str) -> None:
    words = text.split()[0] if text.startswith("CNS3") else text
    criterion = one("exclusion", text, (words, "condition", {"condition": "cns_involvement"}))
    result = verdict_for(criterion, diagnosis=diagnosis("CNS3"))
    assert result.verdict is UNKNOWN and result.cautious, result.reason


# --- 2. a qualified exclusion is unknown when the qualifier is not a patient fact ------------
CART_HISTORY = [
    *BASE_PROFILE["history"],
    {"type": "car_t", "date": "2025-08-01", "product": "tisagenlecleucel", "target": "CD19"},
    {"type": "relapse", "date": "2026-05-01", "site": "marrow"},
]
QUALIFIED = [
    (
        "with-toxicity",
        "Prior CD19 or CD22 targeted therapy with Grade 4 toxicity or ≥ refractory Grade 3 CRS",
        "CD19 or CD22 targeted therapy",
    ),
    (
        "complicated-by",
        "Prior CAR-T therapy complicated by grade 4 neurotoxicity",
        "CAR-T therapy",
    ),
    ("resulting-in", "Prior CAR-T cells resulting in severe CRS", "CAR-T cells"),
    ("that-caused", "Prior CAR-T therapy that caused grade 4 CRS", "CAR-T therapy"),
    ("unless", "Prior CAR-T therapy, unless CD19 expression is confirmed", "CAR-T therapy"),
    ("except", "Prior CAR-T therapy except tisagenlecleucel", "CAR-T therapy"),
]


@pytest.mark.parametrize(
    ("text", "words"), [case[1:] for case in QUALIFIED], ids=[case[0] for case in QUALIFIED]
)
def test_qualified_exclusion_is_unknown(text: str, words: str) -> None:
    therapy = "cd19_directed" if "CD19" in words else "car_t"
    criterion = one(
        "exclusion",
        text,
        (words, "prior_therapy", {"therapy": therapy, "requirement": "excluded"}),
    )
    result = verdict_for(criterion, history=CART_HISTORY)
    assert result.verdict is UNKNOWN, result.reason
    assert result.cautious


def test_inclusion_stating_absence_with_a_qualifier_is_unknown() -> None:
    text = "No prior CAR-T therapy with grade 4 cytokine release syndrome"
    criterion = one(
        "inclusion",
        text,
        ("CAR-T therapy", "prior_therapy", {"therapy": "car_t", "requirement": "excluded"}),
    )
    result = verdict_for(criterion, history=CART_HISTORY)
    assert result.verdict is UNKNOWN and result.cautious, result.reason


CONTEXT = [
    ("ineligible-for-hsct", "inclusion", "Relapsed disease, ineligible for allo-HSCT", "allo-HSCT"),
    ("cannot-tolerate", "exclusion", "Patients who cannot tolerate CAR-T therapy", "CAR-T therapy"),
    ("refused-transplant", "inclusion", "Refused allogeneic transplant", "allogeneic transplant"),
]


@pytest.mark.parametrize(
    ("kind", "text", "words"), [case[1:] for case in CONTEXT], ids=[case[0] for case in CONTEXT]
)
def test_a_treatment_named_as_an_option_does_not_stop(kind: str, text: str, words: str) -> None:
    therapy = "car_t" if "CAR-T" in words else "allo_hsct"
    requirement = "excluded" if kind == "inclusion" else "required"
    criterion = one(
        kind, text, (words, "prior_therapy", {"therapy": therapy, "requirement": requirement})
    )
    history = [
        *CART_HISTORY,
        {"type": "hsct", "date": "2026-06-01", "donor": "allogeneic"},
    ]
    for facts in (history, FIRST_REMISSION):
        result = verdict_for(criterion, history=facts)
        assert result.verdict is not NOT_MET, result.reason


def test_unqualified_exclusion_still_excludes() -> None:
    criterion = one(
        "exclusion",
        "Prior CD19-directed CAR-T therapy",
        (
            "CD19-directed CAR-T therapy",
            "prior_therapy",
            {"therapy": "car_t", "requirement": "excluded"},
        ),
    )
    assert verdict_for(criterion, history=CART_HISTORY).verdict is NOT_MET


def test_qualifier_read_by_another_constraint_decides() -> None:
    text = "Prior allogeneic transplant with active GVHD"
    criterion = one(
        "exclusion",
        text,
        ("allogeneic transplant", "prior_therapy", {"therapy": "hsct", "requirement": "excluded"}),
        ("active GVHD", "condition", {"condition": "active_gvhd"}),
    )
    history = [*BASE_PROFILE["history"], {"type": "hsct", "date": "2025-09-01"}]
    gvhd = {**BASE_PROFILE["current"], "active_gvhd": True}
    assert verdict_for(criterion, history=history, current=gvhd).verdict is NOT_MET
    no_gvhd = {**BASE_PROFILE["current"], "active_gvhd": False}
    assert verdict_for(criterion, history=history, current=no_gvhd).verdict is MET


# --- 3. common prior therapies stop a patient only on very clear evidence --------------------
COMMON = [
    (
        "ineffective-chemo-read-as-none",
        "inclusion",
        "Chemotherapy and approved targeted therapies are ineffective for the patients",
        "Chemotherapy",
        {"therapy": "chemotherapy", "requirement": "excluded"},
    ),
    (
        "washout-window-lost",
        "inclusion",
        "No history of combined chemotherapy in the recent 1 month",
        "chemotherapy",
        {"therapy": "chemotherapy", "requirement": "excluded", "within_days": None},
    ),
    (
        "steroids-no-window",
        "exclusion",
        "Systemic steroids",
        "steroids",
        {"therapy": "steroids", "requirement": "excluded"},
    ),
    (
        "radiotherapy-required-missing",
        "inclusion",
        "Prior cranial radiotherapy",
        "radiotherapy",
        {"therapy": "radiotherapy", "requirement": "required"},
    ),
    (
        "chemo-required-but-none-listed",
        "exclusion",
        "Patients who never received chemotherapy",
        "chemotherapy",
        {"therapy": "chemotherapy", "requirement": "required"},
    ),
]
STEROID_HISTORY = [
    *BASE_PROFILE["history"],
    {"type": "therapy", "date": "2026-11-01", "agent": "dexamethasone"},
    {"type": "therapy", "date": "2026-11-02", "agent": "cranial irradiation"},
]


@pytest.mark.parametrize(
    ("kind", "text", "words", "attrs"),
    [case[1:] for case in COMMON],
    ids=[case[0] for case in COMMON],
)
def test_common_therapies_do_not_stop_without_clear_evidence(
    kind: str, text: str, words: str, attrs: dict[str, Any]
) -> None:
    criterion = one(kind, text, (words, "prior_therapy", attrs))
    result = verdict_for(criterion, history=STEROID_HISTORY)
    assert result.verdict is not NOT_MET, result.reason


def test_a_dated_washout_with_a_read_window_still_stops() -> None:
    text = "Chemotherapy within 90 days"
    criterion = one(
        "exclusion",
        text,
        (
            "Chemotherapy",
            "prior_therapy",
            {"therapy": "chemotherapy", "requirement": "excluded", "within_days": 90},
        ),
    )
    history = [
        *BASE_PROFILE["history"],
        {"type": "therapy", "date": "2026-11-20", "agent": "cytarabine"},
    ]
    assert verdict_for(criterion, history=history).verdict is NOT_MET


def test_a_window_ending_within_a_month_is_left_to_the_study_team() -> None:
    text = "Allogeneic HSCT within 90 days"
    criterion = one(
        "exclusion",
        text,
        (
            "Allogeneic HSCT",
            "prior_therapy",
            {"therapy": "allo_hsct", "requirement": "excluded", "within_days": 90},
        ),
    )
    recent = [
        *BASE_PROFILE["history"],
        {"type": "hsct", "date": "2026-09-05", "donor": "allogeneic"},
    ]
    result = verdict_for(criterion, history=recent)
    assert result.verdict is UNKNOWN and result.cautious, result.reason


# --- 4. units that cannot be converted are unknown and keep a trial from "likely" -----------
LABS = [
    ("bilirubin-2.5xuln-vs-mg", "bilirubin", 2.5, "<", 2.0, "mg_dl", UNKNOWN),
    ("bilirubin-1.4xuln-vs-umol", "bilirubin", 1.4, "<=", 34.2, "umol_l", UNKNOWN),
    ("creatinine-1xuln-vs-mg", "creatinine", 1.0, "<", 1.2, "mg_dl", UNKNOWN),
    ("creatinine-no-unit", "creatinine", 3.0, "<=", 1.5, None, UNKNOWN),
    ("bilirubin-0.5xuln-vs-mg", "bilirubin", 0.5, "<", 2.0, "mg_dl", MET),
    ("bilirubin-2.5xuln-vs-xuln", "bilirubin", 2.5, "<=", 1.5, "x_uln", NOT_MET),
]


@pytest.mark.parametrize(
    ("analyte", "value", "op", "limit", "unit", "expected"),
    [case[1:] for case in LABS],
    ids=[case[0] for case in LABS],
)
def test_lab_units(
    analyte: str, value: float, op: str, limit: float, unit: str | None, expected: Verdict
) -> None:
    text = f"{analyte} {op} {limit} {unit or ''}"
    criterion = one(
        "inclusion",
        text,
        (analyte, "lab", {"analyte": analyte, "op": op, "value": limit, "unit": unit}),
    )
    organ = {**BASE_PROFILE["current"]["organ"], f"{analyte}_x_uln": value}
    current = {**BASE_PROFILE["current"], "organ": organ}
    result = verdict_for(criterion, current=current)
    assert result.verdict is expected, result.reason
    if expected is UNKNOWN:
        assert result.cautious


def _trial_answer(items: tuple[CriterionItem, ...], **profile: Any) -> str:
    trial = build_trial()
    report = index_of([(trial, items)]).match(
        build_profile(None, **profile), as_of=AS_OF, options=MatchOptions(explain=(trial.nct_id,))
    )
    return report.results[0].overall


def test_unconvertible_organ_limit_keeps_the_trial_from_likely() -> None:
    assert _trial_answer(STANDARD_ITEMS) == "likely_eligible"
    text = "Bilirubin < 2.0 mg/dL"
    lab = one(
        "inclusion",
        text,
        ("Bilirubin", "lab", {"analyte": "bilirubin", "op": "<", "value": 2.0, "unit": "mg_dl"}),
    )
    organ = {**BASE_PROFILE["current"]["organ"], "bilirubin_x_uln": 2.5}
    current = {**BASE_PROFILE["current"], "organ": organ}
    assert _trial_answer((*STANDARD_ITEMS, lab), current=current) == "possibly_eligible"


# --- 5. "likely" needs a disease-state route that is met -------------------------------------
def _row(kind: str, verdict: Verdict, *types: str, cautious: bool = False) -> CriterionResult:
    return CriterionResult(
        kind, "text", verdict, "reason", constraint_types=types, cautious=cautious
    )


ROUTES = [
    (
        "status-met-only-in-an-exclusion",
        [_row("exclusion", MET, "disease_status"), _row("inclusion", MET, "disease")],
        "possibly_eligible",
    ),
    (
        "route-unknown-by-caution",
        [
            _row("inclusion", MET, "disease"),
            _row("inclusion", UNKNOWN, "disease_status", cautious=True),
            _row("exclusion", MET, "disease_status"),
        ],
        "possibly_eligible",
    ),
    (
        "disease-met-only-in-an-exclusion",
        [_row("exclusion", MET, "disease"), _row("inclusion", MET, "disease_status")],
        "possibly_eligible",
    ),
    (
        "a-route-met",
        [_row("inclusion", MET, "disease"), _row("inclusion", MET, "disease_status")],
        "likely_eligible",
    ),
]


@pytest.mark.parametrize(
    ("rows", "expected"), [case[1:] for case in ROUTES], ids=[case[0] for case in ROUTES]
)
def test_likely_needs_a_met_route(rows: list[CriterionResult], expected: str) -> None:
    assert decide(rows)[0] == expected


def test_blbl_patient_with_no_route_met_is_not_likely() -> None:
    lbl = {**BASE_PROFILE["diagnosis"], "disease": "B-LBL"}
    items = (
        item("inclusion", *STANDARD_ITEMS[0].constraints, text="Relapsed B-ALL or B-LBL"),
        item(
            "inclusion",
            *STANDARD_ITEMS[1].constraints,
            text="Second or later relapse",
        ),
        item("inclusion", *STANDARD_ITEMS[3].constraints, text="Age 1 to 25 years"),
        item(
            "exclusion",
            Constraint("disease_status", {"status": "isolated_extramedullary"}),
            text="Isolated extramedullary relapse",
        ),
    )
    first_remission = [{"type": "induction", "date": "2023-01-15", "response": "CR"}]
    assert _trial_answer(items, diagnosis=lbl, history=first_remission) != "likely_eligible"


def _status(status: str, **attrs: Any) -> Constraint:
    return Constraint("disease_status", {"status": status, **attrs})


FIRST_RELAPSE = [
    {"type": "induction", "date": "2023-01-15", "response": "CR"},
    {"type": "relapse", "date": "2025-06-10", "site": "marrow"},
    {"type": "reinduction", "date": "2025-06-20", "response": "CR"},
]
HEADING_ROUTES = [
    ("second-relapse", "second_or_later_relapse", "2nd or greater relapse"),
    ("post-transplant", "post_hsct", "Any relapse after allogeneic transplant"),
    ("primary-refractory", "primary_refractory", "Primary refractory disease"),
]


@pytest.mark.parametrize(
    ("status", "text"),
    [case[1:] for case in HEADING_ROUTES],
    ids=[case[0] for case in HEADING_ROUTES],
)
def test_a_heading_read_as_an_option_confirms_no_route(status: str, text: str) -> None:
    items = (
        item(
            "inclusion",
            Constraint("disease", {"disease": "B-ALL"}),
            _status("relapsed_or_refractory"),
            text="Relapsed or refractory B-ALL",
            group="g1",
        ),
        item("inclusion", _status(status), text=text, group="g1"),
        item("inclusion", Constraint("unknown"), text="Ineligible for transplant", group="g1"),
        *STANDARD_ITEMS[2:],
    )
    answer = _trial_answer(items, history=FIRST_RELAPSE)
    assert answer == "possibly_eligible"


def test_a_route_met_for_a_relapse_the_patient_never_had_is_not_confirmed() -> None:
    text = "MRD > 0.1% after reinduction for relapsed ALL"
    criterion = one(
        "inclusion",
        text,
        ("MRD > 0.1%", "disease_status", {"status": "mrd_positive", "threshold": 0.001, "op": ">"}),
    )
    first_remission = [{"type": "induction", "date": "2023-01-15", "response": "CR"}]
    current = {**BASE_PROFILE["current"], "mrd": 0.01}
    result = verdict_for(criterion, history=first_remission, current=current)
    assert result.verdict is UNKNOWN and result.cautious, result.reason
    relapsed = verdict_for(criterion, history=FIRST_RELAPSE, current=current)
    assert relapsed.verdict is MET, relapsed.reason


# --- the rules above keep the invariants: removing a fact only adds unknowns ----------------
def _safety_items() -> tuple[CriterionItem, ...]:
    cns_items = tuple(
        one(kind, text, (words, "condition", {"condition": token}))
        for _, kind, text, words, token, _, _ in CNS
        if kind == "exclusion"
    )
    qualified = tuple(
        one(
            "exclusion",
            text,
            (words, "prior_therapy", {"therapy": "car_t", "requirement": "excluded"}),
        )
        for _, text, words in QUALIFIED
    )
    common = tuple(
        one(kind, text, (words, "prior_therapy", attrs)) for _, kind, text, words, attrs in COMMON
    )
    labs = tuple(
        one(
            "inclusion",
            f"{analyte} {op} {limit}",
            (analyte, "lab", {"analyte": analyte, "op": op, "value": limit, "unit": unit}),
        )
        for _, analyte, _, op, limit, unit, _ in LABS
    )
    mrd = one(
        "inclusion",
        "MRD > 0.1% after reinduction for relapsed ALL",
        ("MRD > 0.1%", "disease_status", {"status": "mrd_positive", "threshold": 0.001}),
    )
    headings = (
        item(
            "inclusion",
            _status("relapsed_or_refractory"),
            text="Relapsed or refractory",
            group="h1",
        ),
        item("inclusion", _status("second_or_later_relapse"), text="2nd relapse", group="h1"),
        item("inclusion", _status("post_hsct"), text="Relapse after HSCT", group="h1"),
    )
    return (*STANDARD_ITEMS, *cns_items, *qualified, *common, *labs, mrd, *headings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), st.lists(st.sampled_from(REMOVABLE), min_size=1, max_size=4, unique=True))
def test_safety_rules_only_add_unknowns_when_facts_are_removed(
    data: dict[str, Any], removed: list[str]
) -> None:
    trial = build_trial()
    index = index_of([(trial, _safety_items())])
    options = MatchOptions(statuses=("any",), explain=(trial.nct_id,))
    full = index.match(build_profile(data), as_of=AS_OF, options=options).results[0]
    less = index.match(build_profile(_remove(data, removed)), as_of=AS_OF, options=options)
    for before, after in zip(full.criteria, less.results[0].criteria, strict=True):
        if after.verdict != before.verdict:
            # the one way back from unknown: the removed history was what made a stated fact
            # doubtful ("CNS1 at diagnosis, but the latest relapse was in the CNS")
            doubt_removed = (
                before.verdict is UNKNOWN and "history" in removed and "history" in before.facts
            )
            assert after.verdict is UNKNOWN or doubt_removed, (removed, before.reason, after.reason)
    if less.results[0].overall == "not_eligible":
        assert full.overall == "not_eligible"
