# ruff: noqa: E501  (the judging rules quote the trials' criteria text verbatim)
"""Judgements against the legacy-XML records, part 3: NCT03144583 to NCT03467256
(see ``rules_registry.py``). ``full`` is False when the same function judges the CAR-T listing
of the trial, whose excerpt is cut off.
"""

from __future__ import annotations

from judge import (
    Judge,
    age_in,
    ecog_le,
    gvhd_needing_immunosuppression,
    kps_ge,
    lineage,
    marker,
    no_curative_option,
    organ_bad,
    perf_ge,
    relapsed_or_refractory,
)

Result = tuple[str, str] | None


def nct03144583(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 2.01, 79), "'Age greater than 2 years and less than 80' not met")
    dis = f["dis"]
    if dis == "AML":
        j.fails.append("inclusion lists only ALL, FL, CLL, MCL and DLBCL; AML is not among them")
    elif dis == "T-ALL":
        j.amb("T-ALL: criteria say acute lymphoid leukemia, title says CD19+")
    elif dis == "B-LBL":
        j.amb("B-LBL is not among the listed ALL, FL, CLL, MCL and DLBCL")
    elif dis in (None, "ALL"):
        j.unknown("diagnosis or lineage unknown")
    st = f["st"]
    adult = f["age"] >= 18
    if st in ("new", "cr1"):
        j.fails.append(
            "ALL must be in second or third response, refractory, or relapsed after allo-SCT"
        )
    elif (st in ("pref", "refrel") and not adult) or (
        f["post_hsct"] and (f["hsct_days"] or 0) > 180
    ):
        pass
    elif st == "cr2":
        j.unknown("in second response: 'not candidate for transplantation' is not known")
    elif st in ("rel1", "rel2") and not adult and not f["post_hsct"]:
        j.unknown("only 'non-transplant candidate due to donor absence' could apply")
    elif st is None:
        j.unknown("disease course unknown")
    else:
        j.amb("adult r/r outside the listed situations / early post-transplant relapse")
    if f["m"].get("CD19") == "neg":
        j.amb("CD19-negative leukemia (title: CD19+)")
    j.need(ecog_le(f, 2), "'ECOG functional status from 0 to 2' not met")
    j.excl(f["malig"], "exclusion 'Diagnosis of another past or present neoplasm'")
    if f["cns3"]:
        j.amb("CNS3 allowed if responded to intrathecal chemotherapy")
    j.excl(
        gvhd_needing_immunosuppression(f),
        "exclusion 'patients on active immunosuppressive therapy for graft-versus-host disease'",
    )
    if f["inf"]:
        j.amb("'Active infection requiring systemic medical treatment'")
    j.excl(f["hiv"], "exclusion 'HIV infection'")
    j.excl(
        f["hbv"],
        "exclusion 'Positive serology for hepatitis B, defined as a positive test for HBsAg'",
    )
    j.excl(
        organ_bad(f, bili_max_x_uln=3.0, decided=True),
        "exclusion 'Severe organ failure' (ejection fraction < 40%, GFR < 30, bilirubin > 3 x ULN)",
    )
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    return j.result(
        complete=True,
        likely="ARI-0001: age 2-80, a listed ALL situation met, ECOG 0-2, no exclusion met",
    )


def nct03275493(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 6, 65), "'Age 6 to 65' not met")
    j.need(marker(f, "CD19"), "criteria require 'Relapsed or refractory CD19+ acute leukemia'")
    j.need(
        lineage(f, "B-ALL", "T-ALL", "AML", "ALL") if f["dis"] else None,
        "criteria require acute leukemia",
    )
    j.need(
        relapsed_or_refractory(f), "criteria require relapsed or refractory CD19+ acute leukemia"
    )
    j.need(kps_ge(f, 60), "'Karnofsky score >= 60' not met")
    j.excl(
        organ_bad(f),
        "'Left ventricular ejection fractions >= 0.6' not met",
    )
    j.excl(f["cart"], "exclusion 'Previous treatment with any gene therapy products' (CAR-T)")
    j.excl(f["hiv"], "exclusion 'HIV infection'")
    if f["hbv"]:
        j.amb("chronic HBV vs 'Active hepatitis B'")
    if f["inf"]:
        j.amb("uncontrolled infection")
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    j.softly(
        "'ineligible for allo-HSCT, or relapse after auto-HSCT' is a transplant-team judgement"
    )
    return j.result(complete=True, likely="")


def nct03289455(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 1, 24), "'patients aged 1-24 years' not met")
    j.need(lineage(f, "B-ALL"), "criteria require relapsed/refractory B-lineage ALL")
    cd19, cd22 = marker(f, "CD19"), marker(f, "CD22")
    if cd19 is False and cd22 is False:
        j.fails.append("'Documentation of CD19 and or CD22 expression' not met")
    elif not (cd19 or cd22):
        j.unknown("CD19/CD22 expression unknown")
    st = f["st"]
    if st in ("new", "cr1"):
        j.fails.append(
            "criteria require high risk relapsed/refractory B-ALL with one of the listed routes"
        )
    elif st == "cr1mrd":
        j.unknown("route 'BM MRD >= 10^-3 prior to planned SCT': planned SCT unknown")
    elif st is None:
        j.unknown("disease course unknown")
    elif st == "cr2":
        j.amb("second remission")
    else:
        hr = (
            st in ("pref", "rel2", "refrel")
            or f["very_early"]
            or (f["post_hsct"] and (f["hsct_days"] or 0) > 180)
        )
        if not hr:
            j.unknown(
                "late first relapse qualifies only with high-risk cytogenetics, which are not given"
            )
    j.need(perf_ge(f, 50, split=10), "Karnofsky (>= 10 years) or Lansky (< 10) >= 50% not met")
    if full:
        j.excl(f["cns3"], "exclusion 'Active CNS involvement of ALL (CNS Grade 3)'")
        j.excl(f["preg"], "exclusion 'Females who are pregnant or lactating'")
        j.excl(
            organ_bad(f),
            "'Adequate renal, hepatic, pulmonary, and cardiac function' not met",
        )
        j.excl(gvhd_needing_immunosuppression(f), "exclusion 'active significant acute GVHD'")
        if f["inf"]:
            j.amb("'Active infectious ... disease requiring IV anti-microbials'")
        if f["cd19dir"] or f["cart"]:
            j.unknown(
                "prior CD19-targeted therapy is excluded only 'with Grade 4 toxicity or >= refractory Grade 3 CRS'; toxicity not given"
            )
        if f["post_hsct"] and (f["hsct_days"] or 0) < 180:
            j.amb("relapse < 6 months after SCT through the high-risk first relapse route")
    return j.result(
        complete=full,
        likely="AMELIA: age 1-24, HR r/r route met, CD19/CD22+, performance >= 50, no exclusion met",
        cut="the registry excerpt stops at the exclusion heading",
    )


def nct03373071(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0.5, 25), "'Age: 6 months - 25 years' not met")
    j.need(lineage(f, "B-ALL"), "criteria require CD19-expressing B-cell ALL or NHL")
    j.need(marker(f, "CD19"), "criteria require CD19 expressing B-cell ALL")
    st = f["st"]
    if st is None:
        j.unknown("disease course unknown")
    elif st in ("new", "cr1", "cr1mrd", "pref", "cr2"):
        j.fails.append(
            "none of: 2nd or later relapse, relapse after allo-HSCT, MRD > 0.1% after re-induction for relapsed ALL"
        )
    elif st == "rel2" or st == "refrel":
        pass
    elif f["post_hsct"]:
        if (f["hsct_days"] or 0) < 100:
            j.fails.append(
                "relapse after allo-HSCT qualifies only 'if at least 100 days post-transplant'"
            )
        j.excl(f["gvhd"], "post-HSCT route requires 'no evidence of active GVHD'")
    else:
        j.fails.append("first relapse without salvage is not one of the listed situations")
    j.need(perf_ge(f, 60), "Karnofsky/Lansky >= 60% not met")
    if (f["blasts"] or 0) > 50:
        j.amb("'BM blasts > 50% pre-infusion'")
    j.excl(
        f["cns3"],
        "exclusion 'Active CNS disease as documented by the presence of blasts in the CSF'",
    )
    if f.get("cns2"):
        j.amb(
            "CNS2 vs 'presence of blasts in the CSF': the profile's CNS status may be at diagnosis"
        )
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    j.excl(f["hiv"], "exclusion 'HIV'")
    if f["hbv"]:
        j.amb("chronic HBV vs 'active HCV and/or HBV infection'")
    if f["inf"]:
        j.amb("'Severe, uncontrolled active intercurrent infections'")
    j.excl(
        organ_bad(f, bili_max_x_uln=4.0, creat_max_x_uln=3.0, decided=True),
        "exclusion 'Left ventricular ejection fraction lower than 45%'",
    )
    j.excl(
        f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
        "exclusion 'active, grade 2-4 acute GvHD'",
    )
    return j.result(
        complete=True,
        likely="CD19-CART01: age, CD19+ B-ALL, 2nd relapse/refractory route met, performance >= 60, no exclusion met",
    )


def nct03467256(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 0.25, 25), "age outside 3 months - 25 years")
    j.need(
        lineage(f, "B-ALL"), "criteria require relapsed or refractory CD19-expressing B cell ALL"
    )
    j.need(marker(f, "CD19"), "'CD19 expression must be detected on greater than 30%' not met")
    st = f["st"]
    if st in ("new", "cr1", "cr2"):
        j.fails.append(
            "criteria require relapsed or refractory B-ALL in one of the listed situations"
        )
    elif st == "cr1mrd":
        j.unknown(
            "'MRD > 0.1% after 3 courses of high-risk protocol': protocol risk group not given"
        )
    elif st is None:
        j.unknown("disease course unknown")
    elif f["post_hsct"]:
        if (f["hsct_days"] or 0) <= 60:
            j.fails.append("relapse after SCT qualifies only '> 60 days post alloHSCT'")
    elif st in ("pref", "refrel"):
        pass
    else:
        j.amb("relapse without a salvage course yet: routes need no CR after 2nd-line therapy")
    j.need(perf_ge(f, 50, strict=True), "'Karnofsky > 50% or Lansky > 50%' not met")
    if full:
        j.excl(f["hiv"], "exclusion 'Active hepatitis B, C or HIV infection'")
        if f["hbv"]:
            j.amb("chronic HBV vs 'Active hepatitis B'")
        j.excl(
            organ_bad(f, bili_max_x_uln=3.0, creat_max_x_uln=3.0, decided=True),
            "exclusion 'Bilirubin > 3x upper normal limit' / 'Creatinine > 3x upper normal limit'",
        )
        j.excl(
            f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
            "exclusion 'Active acute GVHD overall grade >= 2'",
        )
        j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
        if f["inf"]:
            j.amb("'Active severe infection'")
        if no_curative_option(f) is None:
            j.softly("no curative option")
    return j.result(
        complete=full,
        likely="CD19 T-CAR: age, r/r CD19+ B-ALL route met, no alternative curative therapy after refractory/2nd/post-SCT relapse, no exclusion met",
        cut="the criteria text is cut off within the inclusion list",
    )
