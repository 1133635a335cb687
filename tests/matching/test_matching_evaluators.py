"""Rule tables: every constraint type against hand-built profiles (met / not_met / unknown)."""

from __future__ import annotations

from typing import Any

import pytest
from matching_factories import AS_OF, BASE_PROFILE, build_profile, c

from cartnav.domain.criterion import Constraint
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators import EVALUATORS, evaluate_constraint
from cartnav.matching.patient_facts import read_patient

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE


def _without(*paths: str) -> dict[str, Any]:
    """BASE_PROFILE with the dotted paths removed."""
    data: dict[str, Any] = {
        k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE_PROFILE.items()
    }
    data["current"] = dict(BASE_PROFILE["current"])
    data["current"]["organ"] = dict(BASE_PROFILE["current"]["organ"])
    for path in paths:
        parts = path.split(".")
        target = data
        for part in parts[:-1]:
            target = target[part]
        target.pop(parts[-1], None)
    return data


def _with(**changes: Any) -> dict[str, Any]:
    data = _without()
    for path, value in changes.items():
        parts = path.split("__")
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return data


CASES: list[tuple[str, Constraint, str, dict[str, Any], Verdict]] = [
    # age: the age is always known
    ("age-in-range", c("age", min_years=1, max_years=25), "inclusion", _without(), MET),
    ("age-under-min", c("age", min_years=18), "inclusion", _without(), NOT_MET),
    ("age-over-max", c("age", max_years=5), "inclusion", _without(), NOT_MET),
    ("age-max-completed-years", c("age", max_years=9), "inclusion", _with(age_years=9.8), MET),
    (
        "age-max-exclusive",
        c("age", max_years=9, max_inclusive=False),
        "inclusion",
        _with(age_years=9.8),
        NOT_MET,
    ),
    # disease
    ("disease-same", c("disease", disease="B-ALL"), "inclusion", _without(), MET),
    ("disease-all-generic", c("disease", disease="ALL"), "inclusion", _without(), MET),
    ("disease-other-lineage", c("disease", disease="T-ALL"), "inclusion", _without(), NOT_MET),
    ("disease-aml", c("disease", disease="AML"), "inclusion", _without(), NOT_MET),
    (
        "disease-missing",
        c("disease", disease="B-ALL"),
        "inclusion",
        _without("diagnosis.disease"),
        UNKNOWN,
    ),
    (
        "disease-lineage-unknown",
        c("disease", disease="B-ALL"),
        "inclusion",
        _with(diagnosis__disease="ALL"),
        UNKNOWN,
    ),
    (
        "disease-negated-burkitt",
        c("disease", disease="Burkitt", negated=True),
        "inclusion",
        _without(),
        MET,
    ),
    ("disease-lymphoma-vs-ball", c("disease", disease="DLBCL"), "inclusion", _without(), NOT_MET),
    # antigen
    (
        "cd19-positive",
        c("antigen", antigen="CD19", expression="positive"),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "cd19-negative-patient",
        c("antigen", antigen="CD19", expression="positive"),
        "inclusion",
        _with(markers={"CD19": "negative"}),
        NOT_MET,
    ),
    (
        "cd19-missing",
        c("antigen", antigen="CD19", expression="positive"),
        "inclusion",
        _with(markers={}),
        UNKNOWN,
    ),
    (
        "cd19-dim",
        c("antigen", antigen="cd-19", expression="positive"),
        "inclusion",
        _with(markers={"CD19": "dim"}),
        UNKNOWN,
    ),
    (
        "cd19-negative-wanted",
        c("antigen", antigen="CD19", expression="negative"),
        "inclusion",
        _with(markers={"CD19": "negative"}),
        MET,
    ),
    (
        "cd22-threshold",
        c("antigen", antigen="CD22", expression="positive", threshold_pct=20),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "cd19-under-a-cut-off-positive-patient",
        c("antigen", antigen="CD19", expression="negative", threshold_pct=30),
        "inclusion",
        _with(markers={"CD19": "positive"}),
        UNKNOWN,
    ),
    (
        "cd19-under-a-cut-off-negative-patient",
        c("antigen", antigen="CD19", expression="negative", threshold_pct=30),
        "inclusion",
        _with(markers={"CD19": "negative"}),
        MET,
    ),
    # disease status (history: CR, relapse, reinduction without CR)
    ("relapsed", c("disease_status", status="relapsed"), "inclusion", _without(), MET),
    ("refractory", c("disease_status", status="refractory"), "inclusion", _without(), MET),
    ("r-or-r", c("disease_status", status="relapsed_or_refractory"), "inclusion", _without(), MET),
    (
        "second-relapse-not",
        c("disease_status", status="second_or_later_relapse"),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    ("post-hsct-not", c("disease_status", status="post_hsct"), "inclusion", _without(), NOT_MET),
    (
        "primary-refractory-not",
        c("disease_status", status="primary_refractory"),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "status-no-history",
        c("disease_status", status="relapsed"),
        "inclusion",
        _without("history"),
        UNKNOWN,
    ),
    (
        "mrd-above",
        c("disease_status", status="mrd_positive", threshold=0.0001),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "mrd-below",
        c("disease_status", status="mrd_positive", threshold=0.01),
        "inclusion",
        _with(current__marrow_blasts_pct=2),
        NOT_MET,
    ),
    (
        "mrd-missing",
        c("disease_status", status="mrd_positive", threshold=0.0001),
        "inclusion",
        _with(current__marrow_blasts_pct=2, current__mrd=None),
        UNKNOWN,
    ),
    # morphologic disease (>= 5% marrow blasts) is residual disease above any MRD level asked
    (
        "mrd-from-blasts",
        c("disease_status", status="mrd_positive", threshold=0.0001),
        "inclusion",
        _without("current.mrd"),
        MET,
    ),
    (
        "mrd-below-but-blasts",
        c("disease_status", status="mrd_positive", threshold=0.01),
        "inclusion",
        _without(),
        MET,
    ),
    # without the blast count, an MRD below the level may be from before a relapse: unknown
    (
        "mrd-below-blasts-missing",
        c("disease_status", status="mrd_positive", threshold=0.01),
        "inclusion",
        _without("current.marrow_blasts_pct"),
        UNKNOWN,
    ),
    # an upper bound ("MRD below 0.01%") is not read from the blast count
    (
        "mrd-upper-bound",
        c("disease_status", status="mrd_positive", op="<", threshold=0.0001),
        "inclusion",
        _without("current.mrd"),
        UNKNOWN,
    ),
    (
        "blasts-above",
        c("disease_status", status="active_disease", threshold=5, op=">="),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "blasts-below",
        c("disease_status", status="active_disease", threshold=50, op=">="),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "isolated-em-not",
        c("disease_status", status="isolated_extramedullary"),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "status-token-unknown",
        c("disease_status", status="high_risk_cytogenetics"),
        "inclusion",
        _without(),
        UNKNOWN,
    ),
    # prior therapy
    (
        "prior-cart-excluded-none",
        c("prior_therapy", therapy="car_t", requirement="excluded"),
        "exclusion",
        _without(),
        NOT_MET,
    ),
    (
        "prior-cart-required-none",
        c("prior_therapy", therapy="car_t", requirement="required"),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "no-prior-cart-inclusion",
        c("prior_therapy", therapy="car_t", requirement="excluded"),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "prior-cart-had",
        c("prior_therapy", therapy="car_t", requirement="excluded"),
        "exclusion",
        _with(
            history=[
                *BASE_PROFILE["history"],
                {"type": "car_t", "date": "2025-09-01", "product": "tisagenlecleucel"},
            ]
        ),
        MET,
    ),
    (
        "cd19-directed-had",
        c("prior_therapy", therapy="cd19_directed", requirement="required"),
        "inclusion",
        _with(
            history=[
                *BASE_PROFILE["history"],
                {"type": "car_t", "date": "2025-09-01", "product": "tisagenlecleucel"},
            ]
        ),
        MET,
    ),
    (
        "blina-not-listed",
        c("prior_therapy", therapy="blinatumomab", requirement="excluded"),
        "exclusion",
        _without(),
        UNKNOWN,
    ),
    (
        "blina-allowed",
        c("prior_therapy", therapy="blinatumomab", requirement="allowed"),
        "inclusion",
        _without(),
        NA,
    ),
    (
        "hsct-within-100-days",
        c("prior_therapy", therapy="hsct", requirement="excluded", within_days=100),
        "exclusion",
        _with(
            history=[
                *BASE_PROFILE["history"],
                {"type": "hsct", "date": "2026-10-01", "donor": "allogeneic"},
            ]
        ),
        MET,
    ),
    (
        "hsct-long-ago",
        c("prior_therapy", therapy="hsct", requirement="excluded", within_days=100),
        "exclusion",
        _with(
            history=[
                *BASE_PROFILE["history"],
                {"type": "hsct", "date": "2025-08-01", "donor": "allogeneic"},
            ]
        ),
        NOT_MET,
    ),
    (
        "hsct-undated",
        c("prior_therapy", therapy="hsct", requirement="excluded", within_days=100),
        "exclusion",
        _with(history=[*BASE_PROFILE["history"], {"type": "hsct", "donor": "allogeneic"}]),
        UNKNOWN,
    ),
    (
        "therapy-no-history",
        c("prior_therapy", therapy="car_t", requirement="excluded"),
        "exclusion",
        _without("history"),
        UNKNOWN,
    ),
    # performance
    (
        "lansky-ok",
        c("performance", scale="lansky", op=">=", value=50),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "lansky-low",
        c("performance", scale="lansky", op=">=", value=90),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "karnofsky-from-lansky",
        c("performance", scale="karnofsky", op=">=", value=60),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "karnofsky-for-adults-only",
        c("performance", scale="karnofsky", op=">=", value=60, ages=">=16"),
        "inclusion",
        _without(),
        NA,
    ),
    (
        "ecog-from-kps-straddle",
        c("performance", scale="ecog", op="<=", value=0),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "ecog-given",
        c("performance", scale="ecog", op="<=", value=1),
        "inclusion",
        _with(current__ecog=1, current__lansky=None),
        MET,
    ),
    (
        "ecog-to-kps-range",
        c("performance", scale="karnofsky", op=">=", value=60),
        "inclusion",
        _with(current__ecog=1, current__lansky=None),
        MET,
    ),
    (
        "ecog-to-kps-straddle",
        c("performance", scale="karnofsky", op=">=", value=75),
        "inclusion",
        _with(current__ecog=1, current__lansky=None),
        UNKNOWN,
    ),
    (
        "performance-missing",
        c("performance", scale="lansky", op=">=", value=50),
        "inclusion",
        _without("current.lansky"),
        UNKNOWN,
    ),
    # lab
    (
        "creatinine-ok",
        c("lab", analyte="creatinine", op="<=", value=1.5, unit="x_uln"),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "bilirubin-exclusion-not",
        c("lab", analyte="bilirubin", op=">", value=2, unit="x_uln"),
        "exclusion",
        _without(),
        NOT_MET,
    ),
    (
        "alt-high",
        c("lab", analyte="alt", op="<=", value=1, unit="x_uln"),
        "inclusion",
        _without(),
        NOT_MET,
    ),
    (
        "lvef-ok",
        c("lab", analyte="lvef", op=">=", value=45, unit="pct"),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "creatinine-mg-dl-met-at-any-normal-range",
        c("lab", analyte="creatinine", op="<=", value=1.5, unit="mg_dl"),
        "inclusion",
        _without(),
        MET,
    ),
    (
        "creatinine-mg-dl",
        c("lab", analyte="creatinine", op="<=", value=1.0, unit="mg_dl"),
        "inclusion",
        _without(),
        UNKNOWN,
    ),
    (
        "lab-missing",
        c("lab", analyte="shortening_fraction", op=">=", value=28, unit="pct"),
        "inclusion",
        _without(),
        UNKNOWN,
    ),
    (
        "lab-no-field",
        c("lab", analyte="platelets", op=">=", value=50, unit="x10e9_l"),
        "inclusion",
        _without(),
        UNKNOWN,
    ),
    # condition
    ("gvhd-no", c("condition", condition="active_gvhd"), "exclusion", _without(), NOT_MET),
    (
        "gvhd-yes",
        c("condition", condition="active_gvhd"),
        "exclusion",
        _with(current__active_gvhd=True),
        MET,
    ),
    (
        "gvhd-missing",
        c("condition", condition="active_gvhd"),
        "exclusion",
        _without("current.active_gvhd"),
        UNKNOWN,
    ),
    (
        "infection-yes",
        c("condition", condition="active_infection"),
        "exclusion",
        _with(current__active_infection=True),
        MET,
    ),
    (
        "uncontrolled-infection-active",
        c("condition", condition="uncontrolled_infection"),
        "exclusion",
        _with(current__active_infection=True),
        UNKNOWN,
    ),
    (
        "hbv-listed",
        c("condition", condition="hbv"),
        "exclusion",
        _with(current__infections=["HBV"]),
        MET,
    ),
    ("hbv-not-listed", c("condition", condition="hbv"), "exclusion", _without(), NOT_MET),
    (
        "hbv-no-list",
        c("condition", condition="hbv"),
        "exclusion",
        _without("current.infections"),
        UNKNOWN,
    ),
    (
        "pregnancy-male",
        c("condition", condition="pregnancy"),
        "exclusion",
        _with(sex="male", current__pregnant=None),
        NOT_MET,
    ),
    (
        "pregnancy-missing",
        c("condition", condition="pregnancy"),
        "exclusion",
        _with(age_years=17, current__pregnant=None),
        UNKNOWN,
    ),
    ("cns3-no", c("condition", condition="cns3"), "exclusion", _without(), NOT_MET),
    (
        "cns3-yes",
        c("condition", condition="cns3"),
        "exclusion",
        _with(
            diagnosis={"disease": "B-ALL", "cns_status": "CNS3"},
            history=[{"type": "induction", "date": "2023-01-15", "response": "no_CR"}],
        ),
        MET,
    ),
    (
        "cns3-at-diagnosis-then-marrow-relapse",
        c("condition", condition="cns3"),
        "exclusion",
        _with(diagnosis={"disease": "B-ALL", "cns_status": "CNS3"}),
        UNKNOWN,
    ),
    (
        "cns3-missing",
        c("condition", condition="cns3"),
        "exclusion",
        _with(diagnosis={"disease": "B-ALL"}),
        UNKNOWN,
    ),
    (
        "other-cancer-no",
        c("condition", condition="other_malignancy"),
        "exclusion",
        _without(),
        NOT_MET,
    ),
    (
        "condition-no-field",
        c("condition", condition="autoimmune_disease"),
        "exclusion",
        _without(),
        UNKNOWN,
    ),
    # not patient facts, and text cartnav cannot read
    ("consent", c("consent"), "inclusion", _without(), NA),
    ("logistics", c("logistics"), "inclusion", _without(), NA),
    ("unknown", c("unknown"), "inclusion", _without(), UNKNOWN),
    ("unknown-type-name", c("life_expectancy"), "inclusion", _without(), UNKNOWN),
]


@pytest.mark.parametrize(
    ("constraint", "kind", "profile", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_constraint_verdict(
    constraint: Constraint, kind: str, profile: dict[str, Any], expected: Verdict
) -> None:
    facts = read_patient(build_profile(profile), as_of=AS_OF)
    result = evaluate_constraint(facts, constraint, kind)  # type: ignore[arg-type]
    assert result.verdict is expected, result.reason
    assert result.subject and result.finding
    if expected is UNKNOWN and constraint.type not in ("unknown", "life_expectancy"):
        assert result.missing or constraint.type in ("disease_status", "condition", "antigen")


def test_every_constraint_type_has_a_case() -> None:
    covered = {case[1].type for case in CASES}
    assert set(EVALUATORS) <= covered


def test_unknown_verdicts_name_the_missing_field() -> None:
    facts = read_patient(build_profile(_with(markers={})), as_of=AS_OF)
    result = evaluate_constraint(facts, c("antigen", antigen="CD19"), "inclusion")
    assert result.missing == ("markers.CD19",)
    assert "CD19" in result.finding


def test_reason_never_quotes_the_profile_id() -> None:
    facts = read_patient(build_profile(_with(id="case-secret-017")), as_of=AS_OF)
    for _, constraint, kind, _, _ in CASES:
        result = evaluate_constraint(facts, constraint, kind)  # type: ignore[arg-type]
        assert "case-secret-017" not in result.reason


@pytest.mark.parametrize(
    ("therapy", "changes", "cautious", "finding"),
    [
        # the history gives the treatment: the unread window may well cover it
        ("chemotherapy", {}, True, "the history lists reinduction"),
        # active GVHD is treated with immunosuppressive drugs
        ("immunosuppression", {"current__active_gvhd": True}, True, "active GVHD"),
        ("immunosuppression", {"current__gvhd_grade": 2}, True, "active GVHD"),
        # nothing in the profile speaks of it: a plain unknown for the study team
        ("immunosuppression", {}, False, "the time window could not be read"),
        ("steroids", {}, False, "the time window could not be read"),
    ],
    ids=["chemo-given", "gvhd-active", "gvhd-graded", "no-gvhd", "steroids-not-listed"],
)
def test_a_washout_without_a_window(
    therapy: str, changes: dict[str, Any], cautious: bool, finding: str
) -> None:
    profile = _with(**changes)
    if "current__gvhd_grade" in changes:
        profile["current"].pop("active_gvhd")
    facts = read_patient(build_profile(profile), as_of=AS_OF)
    constraint = c("prior_therapy", therapy=therapy, requirement="excluded")
    result = evaluate_constraint(facts, constraint, "exclusion")
    assert result.verdict is UNKNOWN
    assert result.cautious is cautious
    assert finding in result.finding


def test_a_car_t_is_an_immunotherapy() -> None:
    # "no immunotherapy in the last 90 days" and a CAR-T infusion 30 days ago: excluded
    history = [*BASE_PROFILE["history"], {"type": "car_t", "date": "2026-10-28", "target": "CD19"}]
    facts = read_patient(build_profile(_with(history=history)), as_of=AS_OF)
    recent = c("prior_therapy", therapy="immunotherapy", requirement="excluded", within_days=90)
    assert evaluate_constraint(facts, recent, "exclusion").verdict is MET
    # without a window it is for the study team, but the CAR-T keeps the trial from "likely"
    any_time = c("prior_therapy", therapy="immunotherapy", requirement="excluded")
    result = evaluate_constraint(facts, any_time, "exclusion")
    assert result.verdict is UNKNOWN and result.cautious
    assert "CAR-T" in result.finding


@pytest.mark.parametrize(
    ("condition", "organ", "cautious", "finding"),
    [
        ("organ_dysfunction", {"bilirubin_x_uln": 4.0}, True, "bilirubin 4 × ULN"),
        ("liver_disease", {"alt_x_uln": 6.0}, True, "ALT 6 × ULN"),
        ("cardiac_disease", {"lvef_pct": 35}, True, "LVEF 35%"),
        ("organ_dysfunction", {"creatinine_clearance_ml_min": 40}, True, "clearance 40"),
        # a liver value says nothing about the heart, and normal values say nothing at all
        ("cardiac_disease", {"bilirubin_x_uln": 4.0}, False, "no field"),
        ("organ_dysfunction", {"bilirubin_x_uln": 1.0, "lvef_pct": 60}, False, "no field"),
    ],
    ids=["bilirubin", "alt", "lvef", "clearance", "other-organ", "normal"],
)
def test_organ_conditions_read_the_organ_values(
    condition: str, organ: dict[str, float], cautious: bool, finding: str
) -> None:
    # "Normal liver and kidney function" / "organ failure": never decided by a value, but a
    # value well outside the limits keeps the trial from "likely"
    facts = read_patient(build_profile(_with(current__organ=organ)), as_of=AS_OF)
    for kind in ("inclusion", "exclusion"):
        result = evaluate_constraint(facts, c("condition", condition=condition), kind)  # type: ignore[arg-type]
        assert result.verdict is UNKNOWN and result.cautious is cautious
        assert finding in result.finding


MRD_CONSTRAINTS = [
    c("disease_status", status="mrd_positive", threshold=t, op=op)
    for t in (None, 0.0001, 0.001, 0.05, 0.1)
    for op in (">=", ">", "<")
]
MRD_VALUES = (None, 0.0, 0.00005, 0.01, 0.2)
BLAST_VALUES = (None, 0, 4, 5, 30)


def _mrd_profile(mrd: float | None, blasts: float | None) -> dict[str, Any]:
    data = _without("current.mrd", "current.marrow_blasts_pct")
    if mrd is not None:
        data["current"]["mrd"] = mrd
    if blasts is not None:
        data["current"]["marrow_blasts_pct"] = blasts
    return data


@pytest.mark.parametrize("kind", ["inclusion", "exclusion"])
@pytest.mark.parametrize("constraint", MRD_CONSTRAINTS, ids=lambda k: f"{k.attrs}")
def test_mrd_and_blasts_removing_a_fact_only_gives_unknown(
    constraint: Constraint, kind: str
) -> None:
    """Every combination of MRD and blast count: dropping either fact leaves the verdict as it
    was or makes it unknown (the MRD is read from the blasts too, docs/matching.md)."""

    def verdict(mrd: float | None, blasts: float | None) -> Verdict:
        facts = read_patient(build_profile(_mrd_profile(mrd, blasts)), as_of=AS_OF)
        return evaluate_constraint(facts, constraint, kind).verdict  # type: ignore[arg-type]

    for mrd in MRD_VALUES:
        for blasts in BLAST_VALUES:
            full = verdict(mrd, blasts)
            for less in (verdict(None, blasts), verdict(mrd, None)):
                assert less in (full, UNKNOWN), (mrd, blasts, full, less)
