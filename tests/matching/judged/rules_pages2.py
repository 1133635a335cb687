# ruff: noqa: E501  (the judging rules quote the trials' criteria text verbatim)
"""Judgements against the CAR-T listings, part 2 (see ``rules_pages.py``)."""

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


def p_nct05210907(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 25), "'All subjects must be younger than 26 years old' not met")
    j.need(lineage(f, "B-ALL"), "requires relapsed or refractory CD19 positive ALL (B-lineage)")
    j.need(marker(f, "CD19"), "'Documentation of CD19 tumor expression' not met")
    st = f["st"]
    if st in ("new", "cr1", "cr2"):
        j.fails.append("requires relapsed or refractory ALL (routes a-d)")
    elif st == "cr1mrd":
        j.amb("MRD-positive first remission")
    elif st is None:
        j.unknown("disease course unknown")
    elif not (st in ("rel2", "pref", "refrel") or (f["post_hsct"] and (f["hsct_days"] or 0) > 240)):
        j.unknown(
            "only route d 'Ineligible for allogeneic SCT' (comorbidity, contraindication, no donor) could apply"
        )
    j.need(perf_ge(f, 50), "'Karnofsky (>= 16 years) or Lansky (< 16 years) >= 50' not met")
    j.excl(f["hiv"], "exclusion 'Known human immunodeficiency virus (HIV) infection'")
    if f["hbv"]:
        j.unknown("HBV: only 'uncontrolled hepatitis B' is excluded; control not given")
    elif f["hbv"] is None:
        j.unknown("hepatitis B/C status unknown")
    if f["inf"]:
        j.unknown(
            "active infection: only 'clinically active uncontrolled infection' is excluded; control not given"
        )
    j.excl(f["preg"], "exclusion 'Pregnant or nursing (lactating) women'")
    return j.result(
        complete=True,
        likely="SNUH: age < 26, r/r CD19+ ALL route a-c met, performance >= 50, no exclusion met",
    )


def p_nct05270772(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 25), "age over 'Under 25 years old'")
    j.need(lineage(f, "B-ALL"), "requires 'Patients with relapse/refractory B-ALL'")
    j.need(marker(f, "CD19"), "requires tumor cells 'measured CD19+'")
    j.need(relapsed_or_refractory(f), "requires relapse/refractory B-ALL")
    if f["kps"] is not None or f["lansky"] is not None:
        ok = (f["kps"] or 0) >= 70 or (f["lansky"] or 0) >= 50
        j.need(ok, "'Karnofsky Score >= 70 or Lansky Score >= 50' not met")
    j.excl(f["cns3"], "exclusion 'Patients with extramedullary relapse (EMR)' (CNS relapse)")
    if f.get("cns2"):
        j.amb("CNS2 vs 'extramedullary relapse (EMR)': CNS status at relapse not given")
    j.excl(f["malig"], "exclusion 'other malignancies'")
    j.excl(f["hbv"], "exclusion 'positive for ... HbsAg, HBV-DNA'")
    j.excl(f["hiv"], "exclusion 'positive for ... HIV-Ab'")
    return j.result(complete=False, likely="", cut=CUT + " after exclusion item 3")


def p_nct05429905(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 2, 75), "'Age 2 to 75 years' not met")
    j.need(lineage(f, "B-ALL"), "requires relapsed/refractory B-lineage ALL")
    st = f["st"]
    if st in ("new", "cr1"):
        j.fails.append("requires relapsed/refractory B-lineage ALL (persistent MRD included)")
    elif st == "cr2" or (f["post_hsct"] and ((f["hsct_days"] or 0) < 100 or f["gvhd"])):
        j.amb("post-transplant route conditions / second remission")
    if f["age"] > 16:
        j.need(ecog_le(f, 2), "'ECOG performance score of <= 2 if > 16 years old' not met")
    else:
        j.need(
            perf_ge(f, 50, strict=True),
            "'Lansky performance score of > 50 if <= 16 years old' not met",
        )
    return j.result(complete=False, likely="", cut=CUT + " within the Cohort 1 inclusion")


def p_nct05442515(j: Judge) -> Result:
    f = j.f
    j.need(lineage(f, "B-ALL"), "the visible criterion is 'Have pathology confirmed B cell ALL'")
    if f["age"] > 30 or f["st"] in ("new", "cr1", "cr1mrd", "cr2"):
        j.amb("title scope only (children and young adults, recurrent or refractory)")
    return j.result(complete=False, likely="", cut=CUT + " after its first words")


def p_nct06080191(j: Judge) -> Result:
    f = j.f
    j.need(lineage(f, "B-ALL"), "requires 'a diagnosis of CD19 expressing B ALL relapse'")
    j.need(marker(f, "CD19"), "requires CD19 expressing B-ALL")
    st = f["st"]
    if f["age"] >= 18:
        j.amb("title: pediatric; no age limits shown")
    if st in ("new", "cr1", "cr1mrd"):
        j.fails.append(
            "requires B-ALL relapse (after alloHSCT, or after frontline plus >= 2 rescue strategies)"
        )
    elif st == "pref" or st == "cr2":
        j.amb("primary refractory / second remission vs 'B ALL relapse'")
    elif st is None:
        j.unknown("disease course unknown")
    elif not f["post_hsct"]:
        if f["complete"]:
            j.fails.append(
                "without a relapse after alloHSCT, requires failure of frontline and >= 2 rescue strategies including a CD19/CD22-directed antibody"
            )
        else:
            j.amb("history may be incomplete")
    j.need(perf_ge(f, 60), "'Karnofsky/Lansky greater than or equal to 60%' not met")
    j.excl(f["preg"], "a negative pregnancy test is required")
    return j.result(
        complete=False,
        likely="",
        cut="the listing shows inclusion bullets only (no exclusion criteria)",
    )


def p_nct06343090(j: Judge) -> Result:
    if j.f["dis"] in ("AML", "T-ALL"):
        j.amb("only CD19/CD22 CAR interventions are shown")
    return j.result(complete=False, likely="", cut="the listing shows no criteria, ages or title")


def p_nct06347458(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 3, 18), "'Age of 3-18 years old (inclusive)' not met")
    j.need(lineage(f, "AML"), "requires relapsed and refractory AML (2016 WHO)")
    j.need(relapsed_or_refractory(f), "requires relapsed or refractory AML")
    j.need(
        marker(f, "CLL1"),
        "requires 'AML Blast CLL-1 expression positive'",
        "CLL-1 expression (required) is unknown",
    )
    j.need(ecog_le(f, 1), "'ECOG performance status of 0-1' not met")
    return j.result(complete=False, likely="", cut=CUT + " at inclusion item 7")


def p_nct06847269(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 21), "age over 'N/A - 21 Years'")
    j.need(marker(f, "CD19"), "requires 'CD19+ leukemia'")
    if f["dis"] == "B-LBL":
        j.amb("B-lymphoblastic lymphoma vs 'CD19+ leukemia'")
    if f["dis"] == "AML" and marker(f, "CD19") is None:
        j.unknown("CD19 status unknown")
    st = f["st"]
    if st in ("new", "cr1", "cr2"):
        j.fails.append(
            "requires refractory disease, 2nd or later relapse, relapse after allo-HCT, or 1st relapse needing allo-HCT"
        )
    elif st == "cr1mrd":
        j.amb("MRD-positive CR1 vs 'refractory disease'")
    elif st == "rel1" and not f["post_hsct"]:
        j.unknown(
            "first relapse qualifies only 'if patient requires an allogeneic HCT as part of standard of care'"
        )
    return j.result(complete=False, likely="", cut=CUT + " early in the apheresis criteria")


def p_nct06866873(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 1, 17), "'Age 1-17 years' not met")
    j.need(
        lineage(f, "B-ALL"), "requires relapsed or refractory ALL or lymphoma that is CD19 positive"
    )
    j.need(marker(f, "CD19"), "'The patient's disease must be CD19 positive' not met")
    st = f["st"]
    if st in ("new", "cr1", "cr2"):
        j.fails.append(
            "requires relapsed or refractory disease treated with at least two lines of therapy"
        )
    elif st == "cr1mrd" or st == "pref" or (st == "rel1" and f["post_hsct"]):
        j.amb("lines of therapy")
    elif st == "rel1":
        j.fails.append(
            "first relapse after frontline therapy only: 'treated with at least two lines of therapy' not met"
        )
    elif st is None:
        j.unknown("disease course unknown")
    j.need(
        perf_ge(f, 50, split=10.01), "Karnofsky (> 10 years) / Lansky (<= 10 years) >= 50% not met"
    )
    return j.result(complete=False, likely="", cut=CUT + " within the inclusion list")


def p_nct07072494(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 14, 80), "'Aged between 14 and 80 years (inclusive)' not met")
    j.need(lineage(f, "B-ALL"), "requires B-cell acute lymphoblastic leukemia")
    st = f["st"]
    if f["blasts"] is not None and f["blasts"] >= 5:
        j.fails.append(
            "requires complete remission (< 5% marrow blasts) after chemotherapy or immunotherapy"
        )
    elif st in ("cr1", "cr1mrd", "cr2"):
        j.unknown(
            "'ineligible for allo-HSCT, lacks a suitable donor, or declines transplantation' is not known"
        )
    elif st is None:
        j.unknown("remission status unknown")
    j.need(ecog_le(f, 2), "'ECOG performance status of 0-2' not met")
    j.excl(_bad_organs(f), "'Creatinine <= 2x ULN' / 'LVEF >= 50%' not met")
    return j.result(complete=False, likely="", cut=CUT + " within inclusion item 7")


def p_nct07109518(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, 69), "'Age >= 18 and < 70 years' not met")
    if f["dis"] == "B-ALL" and marker(f, "CD7") is None:
        j.amb("B-ALL: diseases listed are T-ALL/LBL and AML but the list is cut off")
    return j.result(complete=False, likely="", cut=CUT + " at inclusion item 3")


def p_nct07201727(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, 75), "'Patients aged 18 to 75 years (inclusive)' not met")
    j.need(lineage(f, "AML"), "requires 'relapsed or refractory acute myeloid leukemia'")
    j.need(relapsed_or_refractory(f), "requires relapsed or refractory AML")
    cd123, cll1 = marker(f, "CD123"), marker(f, "CLL1")
    if cd123 is False and cll1 is False:
        j.fails.append("requires CD123 or CLL-1 positive blasts")
    elif not (cd123 or cll1):
        j.unknown("CD123/CLL-1 expression unknown")
    j.need(kps_ge(f, 80), "'KPS >= 80 points' not met")
    j.excl(_bad_organs(f), "'LVEF > 50%' not met")
    return j.result(complete=False, likely="", cut=CUT + " within the first exclusion item")


def p_nct07328503(j: Judge) -> Result:
    f = j.f
    _title_lineage(j, ("B-ALL",), "title is 'r/r B-cell Acute Lymphoblastic Leukemia'")
    if f["st"] is not None:
        j.amb("title: remission after commercial CD19 CAR-T")
    return j.result(complete=False, likely="", cut=NONE_SHOWN)


def p_nct07338357(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 3, 18), "'Aged 3 to 18 years (inclusive)' not met")
    j.need(lineage(f, "AML"), "requires a diagnosis of relapsed/refractory AML")
    j.need(relapsed_or_refractory(f), "requires relapsed and refractory AML")
    j.need(
        marker(f, "CLL1"),
        "requires 'CLL-1 expression >= 50% on AML blasts'",
        "CLL-1 expression (required) is unknown",
    )
    j.need(
        perf_ge(f, 50) if f["age"] < 16 else kps_ge(f, 70),
        "Karnofsky (>= 16, >= 70) / Lansky (< 16, >= 50) not met",
    )
    return j.result(complete=False, likely="", cut=CUT + " at inclusion item 7")


def p_nct07406178(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 3, 18), "'Aged 3-18 years (inclusive)' not met")
    j.need(lineage(f, "B-ALL"), "requires relapsed or refractory B-ALL")
    j.need(marker(f, "CD19"), "'Tumor cells confirmed positive for CD19' not met")
    st = f["st"]
    if st in ("new", "cr1", "cr2"):
        j.fails.append("requires relapsed or refractory B-ALL (routes 1-4)")
    elif st == "cr1mrd":
        j.amb("route 1 immunological non-remission")
    j.need(ecog_le(f, 2), "'ECOG <= 2' not met")
    j.excl(f["malig"], "exclusion 'Complicated with other progressive malignant tumors'")
    if f["inf"]:
        j.amb("'active and/or uncontrolled infections that have not been effectively managed'")
    return j.result(complete=False, likely="", cut=CUT + " at exclusion item 4")


def p_nct07476027(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 18), "'Patients aged <= 18 years' not met")
    j.need(lineage(f, "T-ALL"), "requires 'newly diagnosed T-LBL/ALL'")
    st = f["st"]
    if st in ("pref", "rel1", "refrel", "rel2", "cr2"):
        j.fails.append(
            "requires newly diagnosed T-LBL/ALL in first remission (CR1) after induction"
        )
    elif st == "new":
        j.fails.append("requires completed induction with CR1 and MRD < 0.01%")
    elif st in ("cr1", "cr1mrd"):
        if f["mrd"] is not None and f["mrd"] >= 1e-4:
            j.fails.append("requires bone marrow MRD < 0.01%")
        j.unknown("'High/very high-risk or poor induction response' is not given")
    return j.result(complete=False, likely="", cut=CUT + " at the first exclusion item")


def _title_lineage(j: Judge, allowed: tuple[str, ...], scope: str) -> None:
    dis = j.f["dis"]
    if dis == "B-LBL" and "B-ALL" in allowed:
        j.amb(f"B-lymphoblastic lymphoma vs the trial's {scope}")
        return
    if dis is not None and dis not in allowed and not (dis == "ALL" and "B-ALL" in allowed):
        j.fails.append(f"the trial's {scope}; the patient has {dis}")
