# ruff: noqa: E501  (the judging rules quote the trials' criteria text verbatim)
"""Judgements against the 47 CAR-T listings (``cart_pages/cart_trials.jsonl``).

Each listing is judged on what the listing itself shows (ages, title, conditions and the
criteria excerpt), never on the full registry text seen elsewhere. Most excerpts are cut off, so
those pairs are at best ``possibly_eligible``; a stated criterion that clearly fails still makes
them ``not_eligible``. Where a listing shows no criteria, the title and conditions are read as
the trial's scope for the disease lineage only.
"""

from __future__ import annotations

from judge import (
    Judge,
    Tri,
    age_in,
    ecog_le,
    kps_ge,
    lineage,
    marker,
    organ_bad,
    perf_ge,
    relapsed_or_refractory,
)

Result = tuple[str, str] | None
CUT = "the listing's criteria text is cut off"
NONE_SHOWN = "the listing shows no eligibility criteria"


def _bad_organs(f: dict) -> Tri | str:
    return organ_bad(f)


def _title_lineage(j: Judge, allowed: tuple[str, ...], scope: str) -> None:
    dis = j.f["dis"]
    if dis == "B-LBL" and "B-ALL" in allowed:
        j.amb(f"B-lymphoblastic lymphoma vs the trial's {scope}")
        return
    if dis is not None and dis not in allowed and not (dis == "ALL" and "B-ALL" in allowed):
        j.fails.append(f"the trial's {scope}; the patient has {dis}")


def p_nct02186860(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, 65), "'Age: 18-65 years' not met")
    j.need(
        lineage(f, "B-ALL"),
        "criteria require 'Refractory or relapsed B cell-acute lymphoblastic leukemia'",
    )
    j.need(marker(f, "CD19"), "criteria require CD19-positive B-cell malignancy")
    j.need(relapsed_or_refractory(f), "criteria require refractory or relapsed B-ALL")
    j.need(kps_ge(f, 60), "'Karnofsky performance status >= 60' not met")
    j.excl(_bad_organs(f), "'Bilirubin < 2.0 mg/dl' not met (bilirubin 4 x ULN)")
    return j.result(complete=False, likely="", cut=CUT + " within the inclusion list")


def p_nct02228096(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 3, 21), "age outside '3 Years - 21 Years'")
    j.need(lineage(f, "B-ALL"), "criteria require relapsed or refractory pediatric B-cell ALL")
    j.need(relapsed_or_refractory(f), "criteria require relapsed or refractory B-ALL (routes 1-5)")
    if f["st"] in ("rel1", "rel2", "refrel"):
        j.need(marker(f, "CD19"), "'CD19 tumor expression' is required for relapsed patients")
    return j.result(complete=False, likely="", cut=CUT + " within the inclusion list")


def p_nct02315612(j: Judge) -> Result:
    f = j.f
    _title_lineage(j, ("B-ALL",), "title is 'CD22-expressing B Cell Malignancies'")
    if f["st"] in ("new", "cr1", "cr1mrd", "cr2") or f["age"] > 30:
        j.amb("title scope (recurrent/refractory, young adults) only")
    return j.result(complete=False, likely="", cut=NONE_SHOWN)


def p_nct02443831(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 24), "'age 24 years or younger' not met")
    j.need(lineage(f, "B-ALL"), "criteria require a CD19+ haematological malignancy (ALL)")
    j.need(
        marker(f, "CD19"), "criteria require 'high risk/relapsed CD19+ haematological malignancy'"
    )
    if f["st"] in ("new", "cr1"):
        j.amb("routes depend on end-of-induction / week-14 results")
    return j.result(complete=False, likely="", cut=CUT + " at inclusion item 14")


def p_nct02614066(j: Judge) -> Result:
    f = j.f
    _title_lineage(
        j, ("B-ALL",), "title is 'Adult Subjects With Relapsed/Refractory B-precursor ALL'"
    )
    if f["age"] < 18:
        j.fails.append("the title limits the trial to 'Adult Subjects'")
    if f["st"] in ("new", "cr1", "cr1mrd", "cr2"):
        j.amb("title scope relapsed/refractory only")
    return j.result(complete=False, likely="", cut=NONE_SHOWN)


def p_nct02625480(j: Judge) -> Result:
    from rules_registry import zuma4_route

    f = j.f
    j.need(age_in(f, 0, 21), "'Age <= 21 years' not met")
    if f["dis"] == "B-LBL":
        j.amb("B-lymphoblastic lymphoma: the ALL cohort or the r/r B-cell NHL cohort")
        return j.result(complete=False, likely="")
    j.need(lineage(f, "B-ALL"), "the ALL cohort requires relapsed or refractory B-precursor ALL")
    j.need(
        zuma4_route(f),
        "none of the r/r routes (primary refractory, relapse < 18 months from diagnosis, after >= 2 lines, after allo-SCT) is met",
    )
    if f["blasts"] is not None and f["blasts"] <= 5 and (f["mrd"] or 0) < 1e-4:
        j.fails.append("disease burden (> 5% marrow blasts or MRD >= 10^-4) not met")
    j.need(perf_ge(f, 80), "'Lansky/Karnofsky performance status >= 80' not met")
    j.excl(_bad_organs(f), "'Creatinine clearance >= 60 mL/min' not met")
    return j.result(complete=False, likely="", cut=CUT + " within the ALL-cohort inclusion list")


def p_nct02772198(j: Judge) -> Result:
    f = j.f
    _title_lineage(j, ("B-ALL",), "conditions are B-precursor ALL and B-cell NHL")
    if f["age"] > 30 or f["st"] in ("new", "cr1", "cr1mrd", "cr2"):
        j.amb("title scope only (pediatric and young adults)")
    return j.result(complete=False, likely="", cut=NONE_SHOWN)


def p_nct03144583(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 2, 80), "age outside '2 Years - 80 Years'")
    if f["dis"] in ("AML", "T-ALL", "B-LBL"):
        j.amb("listing cut off within the list of diseases")
    st, adult = f["st"], f["age"] >= 18
    if st in ("new", "cr1"):
        j.fails.append(
            "ALL must be in second or third response, refractory, or relapsed after allo-SCT"
        )
    elif (
        (st in ("pref", "refrel") and not adult)
        or (f["post_hsct"] and (f["hsct_days"] or 0) > 180)
        or st == "cr2"
        or st is None
        or (st in ("rel1", "rel2") and not adult and not f["post_hsct"])
    ):
        pass
    else:
        j.amb("adult r/r outside the listed situations / early post-transplant relapse")
    if f["m"].get("CD19") == "neg":
        j.amb("CD19-negative leukemia (title: CD19+)")
    return j.result(complete=False, likely="", cut=CUT + " within inclusion item 1")


def p_nct03373071(j: Judge) -> Result:
    if j.f["dis"] in ("AML", "T-ALL"):
        j.amb("only the intervention name CD19-CART01 is shown")
    return j.result(
        complete=False, likely="", cut="the listing shows no criteria, ages, title or conditions"
    )


def p_nct04325841(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 18), "age outside '0 Years - 18 Years'")
    j.need(lineage(f, "B-ALL"), "inclusion requires 'primary refractory or relapsed B-ALL'")
    rr = relapsed_or_refractory(f)
    j.need(rr, "inclusion requires primary refractory or relapsed B-ALL")
    if f["m"].get("CD19") == "neg":
        j.amb("CD19 requirement not visible for marrow disease")
    return j.result(complete=False, likely="", cut=CUT + " within the first inclusion item")


def p_nct04626765(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 1, 18), "'To be aged 1 to 18 years' not met")
    if f["dis"] == "AML":
        j.fails.append(
            "the condition is 'Childhood Acute Lymphoblastic Leukemia'; the patient has AML"
        )
    elif f["dis"] == "T-ALL":
        j.amb("T-ALL vs CD19/CD22 CAR arms")
    elif f["dis"] == "B-LBL":
        j.amb("B-lymphoblastic lymphoma vs the condition 'Childhood Acute Lymphoblastic Leukemia'")
    st = f["st"]
    if st in ("new", "cr1", "cr2"):
        j.fails.append(
            "treatment history must show recurrence, or no complete remission (incl. MRD) after repeated chemotherapy"
        )
    j.need(ecog_le(f, 2), "'ECOG score <= 2' not met")
    j.excl(_bad_organs(f), "exclusion 'left ventricular ejection fraction < 50%'")
    j.excl(f["malig"], "exclusion 'Merging other progressing malignant tumor'")
    j.excl(f["hiv"], "exclusion 'Patients with HIV infection'")
    if f["hbv"]:
        j.amb("chronic HBV vs 'active hepatitis B'")
    if f["inf"]:
        j.amb("'Merging uncontrolled infection'")
    return j.result(complete=False, likely="", cut=CUT + " at exclusion item 9")


def p_nct04653493(j: Judge) -> Result:
    f = j.f
    j.need(
        lineage(f, "B-ALL"), "criteria require 'Relapsed or Refractory CD19 positive B-cell ALL'"
    )
    j.need(marker(f, "CD19"), "criteria require CD19+ ALL")
    st = f["st"]
    if st is None:
        j.unknown("disease course unknown")
    elif st == "cr2" and (f["mrd"] or 0) > 0:
        j.amb("MRD-positive second remission vs 'Refractory disease despite salvage therapy'")
    elif st in ("new", "cr1", "cr1mrd", "cr2"):
        j.fails.append(
            "none of: primary refractory after 2 cycles, refractory despite salvage, 2nd or later relapse, relapse after allo-HSCT"
        )
    elif st == "rel1" and f["untreated"] and not f["post_hsct"]:
        if f["complete"]:
            j.fails.append(
                "first relapse before any salvage is not among routes A-D (refractory despite salvage, 2nd relapse, post-HSCT)"
            )
        else:
            j.amb("history may be incomplete")
    j.need(
        perf_ge(f, 50, split=10, strict=True),
        "'Karnofsky (>= 10 years)/Lansky (< 10 years) over 50 points' not met",
    )
    j.excl(
        _bad_organs(f), "'cardiac ejection fraction >= 50%' / 'creatinine clearance >= 50' not met"
    )
    return j.result(complete=False, likely="", cut=CUT + " within inclusion item 6")


def p_nct04762485(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 12, 65), "'Age 12-65 years' not met")
    cd7 = marker(f, "CD7")
    if cd7 is False:
        j.fails.append("requires 'CD7 positive relapsed/refractory acute leukemia' (> 30% CD7+)")
    elif cd7 is None and f["dis"] == "B-ALL":
        j.amb("B-ALL with CD7 unknown")
    j.need(relapsed_or_refractory(f), "requires relapsed/refractory acute leukemia")
    j.need(ecog_le(f, 2), "'ECOG score 0-2' not met")
    j.excl(f["preg"], "exclusion 'Patients are pregnant or lactating'")
    j.excl(f["cns3"], "exclusion 'Patients with central nervous system leukemia'")
    j.excl(f["hiv"], "exclusion 'Patients with HIV infection'")
    if f["hbv"] or f["inf"]:
        j.amb("active HBV / uncontrolled infection wording")
    return j.result(complete=False, likely="", cut=CUT + " at exclusion item 9")


def p_nct04796675(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, None), "'Aged >= 18 years' not met")
    j.need(lineage(f, "B-ALL"), "requires CD19+ B-cell malignancy (ALL, CLL or NHL)")
    j.need(marker(f, "CD19"), "requires 'CD19+ B-cell hematological malignancies'")
    st = f["st"]
    if st in ("new", "cr1", "cr1mrd"):
        j.fails.append("requires relapse or refractoriness 'after at least two lines of therapy'")
    elif st == "cr2" or (st == "rel1" and not f["after_salvage"]):
        j.amb("lines of therapy")
    j.need(ecog_le(f, 3), "'ECOG score <= 3' not met")
    j.excl(_bad_organs(f), "'Creatinine clearance rate >= 60ml/min' / 'LVEF >= 50%' not met")
    j.excl(f["preg"], "pregnancy (a negative pregnancy test is required)")
    j.excl(f["gvhd"], "exclusion 'graft-versus-host reaction and need immunosuppressive agents'")
    return j.result(complete=False, likely="", cut=CUT + " within the exclusion list")


def p_nct04796688(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 14, 78), "'Aged 14-78 years old' not met")
    j.need(lineage(f, "B-ALL"), "requires CD19+ B-cell hematological malignancy")
    j.need(marker(f, "CD19"), "requires 'CD19+ B-cell hematological malignancies'")
    st = f["st"]
    if st in ("new", "cr1"):
        j.fails.append("requires refractory/relapsed B-ALL with persistent or relapsed marrow MRD")
    elif st == "cr2" and not f["mrd"]:
        j.fails.append(
            "leukemia patients 'require persistent positive or positive relapse of bone marrow MRD'; MRD is negative"
        )
    elif st in ("cr1mrd", "cr2"):
        j.unknown("route iv 'Not suitable for HSCT, or abandon HSCT' is not known")
    elif st == "rel1" and f["untreated"] and not f["post_hsct"] and not f["very_early"]:
        j.amb("late first relapse without salvage")
    return j.result(complete=False, likely="", cut=CUT + " within the inclusion list")


def p_nct04916860(j: Judge) -> Result:
    f = j.f
    j.need(
        lineage(f, "T-ALL"),
        "requires 'relapsed/refractory T-cell lymphoblastic leukemia or lymphoma'",
    )
    st = f["st"]
    if f["dis"] == "T-ALL" and st in ("new", "cr1"):
        j.amb(
            "'Induction therapy failed to achieve a complete remission of minor residual negative'"
        )
    return j.result(complete=False, likely="", cut=CUT + " within the first inclusion item")


def p_nct05170568(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, 70), "'Aged 18 to 70 years old' not met")
    j.need(ecog_le(f, 1), "'ECOG performance status of 0-1' not met")
    j.need(
        lineage(f, "T-ALL"),
        "requires recurrent/refractory T-cell acute lymphoblastic leukemia/lymphoma",
    )
    if f["st"] in ("new", "cr1"):
        j.fails.append("requires recurrent/refractory T-ALL/LBL")
    if marker(f, "CD7") is False:
        j.fails.append("requires CD7 positive (>= 30%)")
    return j.result(complete=False, likely="", cut=CUT + " within the inclusion list")


def p_nct05620680(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, 75), "'Age 18-75' not met")
    j.need(lineage(f, "T-ALL"), "requires T-cell lymphoma / T lymphoblastic leukemia per NCCN")
    return j.result(complete=False, likely="", cut=CUT + " at inclusion item 4")
