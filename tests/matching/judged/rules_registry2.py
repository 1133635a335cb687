# ruff: noqa: E501  (the judging rules quote the trials' criteria text verbatim)
"""Judgements against the legacy-XML records, part 2 (see ``rules_registry.py``).

Several of these trials also appear in the CAR-T listings with complete criteria text; their
functions take ``full`` (registry text or complete listing) or a cut-off flag for the excerpt.
"""

from __future__ import annotations

from judge import (
    Judge,
    Tri,
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


def _bad_organs(f: dict) -> Tri | str:
    return organ_bad(f)


def nct03473457(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 0.5, None), "age under 6 months")
    j.need(lineage(f, "AML"), "inclusion 1 requires 'Relapsed/Refractory AML patients'")
    j.need(relapsed_or_refractory(f), "inclusion 1 requires relapsed/refractory AML")
    antigens = [marker(f, a) for a in ("CD33", "CD38", "CD56", "CD117", "CD123", "CD34", "MUC1")]
    if not any(antigens):
        j.unknown("none of CD33, CD38, CD56, CD117, CD123, CD34, Muc1 is known positive")
    j.need(
        kps_ge(f, 80, strict=True),
        "'Karnofsky Performance Status (KPS) score is more than 80' not met",
    )
    j.excl(
        _bad_organs(f), "organ function (ejection fraction >= 50%, creatinine < 2.5 x ULN) not met"
    )
    if full:
        j.excl(f["hiv"], "exclusion 'Patients with infection of HIV'")
        j.excl(
            gvhd_needing_immunosuppression(f), "exclusion GVHD needing systemic immunosuppression"
        )
        j.excl(f["cart"], "exclusion 'Patients have received other genetic therapy products'")
        j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
        if f["st"] == "rel1" and f["untreated"]:
            j.softly("'chemotherapy and approved targeted therapies are ineffective' not yet shown")
    return j.result(
        complete=full,
        likely="r/r AML, a listed antigen positive, KPS > 80, organ function met, no exclusion met",
        cut="the exclusion list is cut off after its first item",
    )


def nct03488160(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 16, 69), "age outside '16 years old, less than 70 years old'")
    if f["dis"] is None:
        j.unknown(
            "diagnosis unknown (the trial is for CD19-positive relapsed/refractory B-cell lymphoma)"
        )
    else:
        j.fails.append(
            f"inclusion 2 requires CD19-positive relapsed/refractory B-type lymphoma; the patient has {f['dis']} (leukaemia)"
        )
    return j.result(complete=full, likely="", cut="the exclusion list is cut off")


def nct03574168(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 3, 70), "'Age 3-70 years old' not met")
    j.need(
        lineage(f, "B-ALL"),
        "exclusion 'Patients with non-B cell acute leukemia' / inclusion B-cell ALL",
    )
    j.need(marker(f, "CD19"), "'B cells are positive for CD19 expression' not met")
    j.need(
        relapsed_or_refractory(f),
        "inclusion 3 requires 'Primary resistant or relapsed B-cell line acute lymphoblastic leukemia'",
    )
    j.need(kps_ge(f, 50, strict=True), "'KPS score > 50 points' not met")
    j.excl(_bad_organs(f), "'Normal liver and kidney function' / 'Normal heart function' not met")
    j.excl(f["inf"], "exclusion 'Active infection'")
    j.excl(f["hiv"], "exclusion 'Human immunodeficiency virus (HIV) positive'")
    j.excl(
        f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
        "exclusion 'Acute and chronic GVHD > Level 1'",
    )
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    return j.result(
        complete=full,
        likely="age 3-70, relapsed/refractory CD19+ B-ALL, KPS > 50, normal organ function, no listed exclusion met",
        cut="the excerpt stops before the last exclusion item",
    )


def nct03599375(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 14, 75), "age outside 14-75 years")
    j.need(
        lineage(f, "B-ALL"),
        "criteria require 'Recurrent or refractory B cell derived acute lymphoblastic leukemia'",
    )
    j.need(relapsed_or_refractory(f), "criteria require recurrent or refractory B-ALL")
    j.need(
        marker(f, "CD19"),
        "'CD19 expression on the surface of B-ALL cells must be detected' not met",
    )
    j.need(kps_ge(f, 80, strict=True), "'KPS>80' not met")
    j.excl(_bad_organs(f), "'LVEF >= 50%' / 'Cr <= 2.5 times of the normal range' not met")
    j.excl(f["malig"], "exclusion 'patients with another primary malignant disease'")
    j.excl(f["hiv"], "exclusion 'HIV/HBV/HCV infection' (HIV)")
    j.excl(f["hbv"], "exclusion 'HIV/HBV/HCV infection' (HBV)")
    j.excl(f["preg"], "exclusion 'Pregnancy and nursing females'")
    if f["inf"]:
        j.amb("'uncontrolled current serious active infection'")
    if no_curative_option(f) is None:
        j.softly("'without effective treatment measures at present' is a judgement")
    return j.result(
        complete=True,
        likely="age 14-75, r/r CD19+ B-ALL after failed treatment, KPS > 80, organ function met, no exclusion met",
    )


def nct03671460(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 1, None), "'More than 1 year' not met")
    j.need(
        lineage(f, "B-ALL"),
        "inclusion 2 requires 'CD19 positive B-cell acute lymphoblastic leukemia'",
    )
    j.need(marker(f, "CD19"), "inclusion 2 requires CD19 positive B-ALL")
    if f["st"] in ("new", "cr1", "cr1mrd", "cr2"):
        j.amb("criteria do not restate r/r; the title does")
    j.excl(
        _bad_organs(f),
        "inclusion 3 organ function (ejection fraction >= 50%, creatinine clearance >= 40) not met",
    )
    if f["organ"] == "partial":
        j.excl(
            organ_bad(f, bili_max_x_uln=2.0), "inclusion 3 'total bilirubin <= 34.2 umol/L' not met"
        )
    j.excl(
        gvhd_needing_immunosuppression(f),
        "exclusion 'Has a graft-versus-host response and requires the use of immunosuppressants'",
    )
    j.excl(f["hiv"], "exclusion 'HIV infection'")
    if f["inf"]:
        j.amb("'Uncontrolled active infection'")
    if f["cns3"]:
        j.unknown(
            "CNS3: the exclusion is 'Drug uncontrollable central nervous system leukemia'; control not given"
        )
    elif f["cns3"] is None:
        j.unknown("CNS status unknown (uncontrollable CNS leukemia is excluded)")
    elif f.get("cns2"):
        j.unknown("CNS2: 'Drug uncontrollable central nervous system leukemia' is excluded")
    j.excl(f["preg"], "exclusion 'Pregnant or lactating female'")
    j.excl(f["malig"], "exclusion 'A history of other malignant tumors'")
    if f["post_hsct"] and (f["hsct_days"] or 0) < 180:
        j.amb("'Recent or current use of ... immunosuppressor' soon after transplant")
    return j.result(
        complete=True, likely="age > 1, CD19+ B-ALL, organ function met, no exclusion met"
    )


def nct03919240(j: Judge) -> Result:
    f = j.f
    j.need(lineage(f, "B-ALL"), "criteria require 'CD19+ B-cell acute lymphoblastic leukemia'")
    j.need(marker(f, "CD19"), "criteria require CD19+ B-ALL")
    st = f["st"]
    if st in ("pref", "refrel", "cr1mrd"):
        pass
    elif st == "cr2" and (f["mrd"] or 0) > 0:
        j.amb("MRD-positive second remission: consolidation cycles after relapse not given")
    elif st in ("cr1", "cr2"):
        j.fails.append(
            "requires failure to achieve remission or persistent residual disease after >= 2 consolidation cycles; the patient is in MRD-negative remission"
        )
    elif st is None:
        j.unknown("disease course unknown")
    else:
        j.amb("untreated relapse / induction ongoing: 'fail to achieve remission' not yet known")
    if f["kps"] is not None or f["ecog"] is not None:
        ok = (f["kps"] or 0) >= 60 or (f["ecog"] is not None and f["ecog"] <= 2)
        j.need(ok, "'Karnofsky performance status >= 60 or ECOG <= 2' not met")
    else:
        j.need(perf_ge(f, 60), "performance not met")
    j.excl(
        _bad_organs(f),
        "'left ventricular ejection fractions >= 0.5' / 'creatinine < 1.6 mg/dL' not met",
    )
    if f["organ"] == "partial":
        j.excl(organ_bad(f, bili_max_x_uln=2.0), "'bilirubin < 2.0 mg/dL' not met")
    j.excl(f["inf"], "exclusion 'With active infection'")
    j.excl(f["hiv"], "exclusion 'HIV infection'")
    if f["hbv"]:
        j.amb("chronic HBV vs 'Active hepatitis B'")
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    return j.result(
        complete=True,
        likely="CD19+ B-ALL not in remission (or MRD+ after consolidation), organ function and performance met, no exclusion met",
    )


def nct03971799(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    lo, hi, age_text = (1, 30, "1-30 years") if full else (1.01, 34, "'>1 year to <35 years'")
    j.need(age_in(f, lo, hi), f"age outside {age_text}")
    j.need(lineage(f, "AML"), "criteria require AML")
    st = f["st"]
    if st is None:
        j.unknown("disease course unknown")
    elif st in ("new", "cr1", "cr2", "cr1mrd"):
        j.fails.append(
            "requires AML in second or later relapse, post-transplant relapse or refractory disease"
        )
    elif st == "rel1" and not f["post_hsct"]:
        j.fails.append(
            "first relapse without transplant or failed re-induction: requires 2nd or later relapse, post-HCT relapse or refractory disease"
        )
    if full:
        j.need(marker(f, "CD33"), "'CD33 expression must be detected' not met")
    j.unknown("'must have an allogeneic HCT donor identified' is not in the profile")
    j.need(perf_ge(f, 50), "performance status > 50% not met")
    j.excl(f["cns3"], "exclusion CNS3 disease")
    if full:
        j.excl(_bad_organs(f), "organ function (LVEF >= 45%) not met")
        j.excl(f["cart"], "exclusion 'Treatment with any prior CAR-T therapy product'")
        j.excl(f["hiv"], "exclusion 'Seropositive for HIV'")
        j.excl(f["hbv"], "exclusion 'positive for Hepatitis B surface antigen'")
        j.excl(f["preg"], "exclusion 'Pregnancy'")
        if f["inf"]:
            j.amb("'Active or uncontrolled ... infection' vs controlled infection on therapy")
    return j.result(complete=full, likely="", cut="only the first eligibility bullet is shown")


def nct04012879(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 18, 65), "'Age 18 to 65 years old' not met")
    j.need(
        lineage(f, "B-ALL", "T-ALL"),
        "inclusion 1 requires relapsed or refractory acute lymphoblastic leukemia",
    )
    j.need(marker(f, "CD19"), "inclusion 1 requires ALL 'with CD19 positive'")
    j.need(relapsed_or_refractory(f), "inclusion 1 requires relapsed or refractory ALL")
    j.need(ecog_le(f, 1), "'0-1 score ECOG score' not met")
    if full:
        j.excl(_bad_organs(f), "inclusion 5 'No obvious abnormal heart, liver, kidney' not met")
        if f["inf"]:
            j.amb("'serious acute infection, uncontrollable'")
        j.excl(f["preg"], "exclusion 'Pregnancy and lactation women'")
        if f["gvhd"]:
            j.amb("active grade 3 GVHD vs 'no obvious abnormal liver'")
        if f["hiv"] or f["hbv"]:
            j.amb("exclusion 2 is garbled ('fester sex and chronic infection'): chronic infection?")
    return j.result(
        complete=full,
        likely="age 18-65, r/r CD19+ ALL, ECOG 0-1, no abnormal organs, no exclusion met",
        cut="the criteria are cut off at inclusion item 5",
    )


def nct04094766(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    if full:
        j.need(age_in(f, 14, 60), "age outside 14-60 years")
    j.need(
        lineage(f, "B-ALL"),
        "requires relapse/refractory B-lineage ALL (title and conditions: B-ALL)",
    )
    cd19, cd22 = marker(f, "CD19"), marker(f, "CD22")
    if cd19 is None and cd22 is None:
        j.unknown("CD19/CD22 expression unknown")
    elif not (cd19 and cd22):
        j.amb("'CD19/CD22 positive' may mean either or both")
    st = f["st"]
    if st in ("new", "cr1", "cr1mrd"):
        j.fails.append(
            "requires relapse (> 5% blasts or extramedullary) or no CR after two induction courses"
        )
    elif st == "cr2":
        j.amb("second remission")
    elif st is None:
        j.unknown("disease course unknown")
    j.need(kps_ge(f, 70), "'Karnofsky score >= 70' not met")
    j.excl(_bad_organs(f), "'Adequate organ function: EF >= 50%' not met")
    if full:
        j.excl(f["hiv"], "exclusion 'HIV positive'")
        if f["hbv"]:
            j.amb("chronic HBV vs 'Active HBV'")
        if f["inf"]:
            j.amb("'Uncontrolled infection'")
        j.excl(f["cns3"], "exclusion 'With central nervous system (CNS) involvement'")
        if f.get("cns2"):
            j.amb("CNS2 vs 'With central nervous system (CNS) involvement'")
        j.excl(
            gvhd_needing_immunosuppression(f),
            "exclusion 'GVHD after allo-HSCT who needed immunosuppressive agents'",
        )
        j.excl(f["preg"], "exclusion 'Women in pregnancy and lactation'")
    return j.result(
        complete=full,
        likely="age 14-60, r/r B-ALL, CD19 and CD22 positive, Karnofsky >= 70, organ function met, no exclusion met",
        cut="the listing shows only part of the inclusion list",
    )


def nct04289220(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 18, 70), "'aged 18 to 70 years (inclusive)' not met")
    j.need(lineage(f, "B-ALL"), "inclusion 4 lists B-ALL, B-cell lymphomas and myeloma only")
    j.need(marker(f, "CD19"), "inclusion 3 requires 'CD19 + B cell tumors'")
    j.excl(
        _bad_organs(f),
        "inclusion 7 'Total bilirubin <= 34.2 umol/L' / 'Serum creatinine < 220 umol/L' not met",
    )
    if full:
        j.need(ecog_le(f, 2), "'ECOG score <= 2' not met")
        j.excl(
            f["inf"],
            "exclusion 'Active or uncontrollable infection within four weeks prior to enrollment'",
        )
        j.excl(f["hiv"], "exclusion 'HIV-infected patients'")
        if f["hbv"]:
            j.amb("chronic HBV vs 'active hepatitis B'")
        j.excl(f["preg"], "exclusion 'Pregnant ... or lactating women'")
        if f["gvhd"]:
            j.amb("active GVHD: systemic steroids within 4 weeks likely")
        elif f["post_hsct"] and (f["hsct_days"] or 0) < 180:
            j.amb("'immunosuppressive drugs ... within 4 weeks' under 6 months after transplant")
        if not (f["post_hsct"] or f["cart"]):
            j.softly("subject routes (not suitable for HSCT, high risk factors) are judgements")
    return j.result(
        complete=full,
        likely="age 18-70, CD19+ B-ALL relapsed after HSCT or cell immunotherapy, organ function and ECOG met, no exclusion met",
        cut="the excerpt is cut off within inclusion item 7",
    )


def nct04303520(j: Judge, *, full: bool = True) -> Result:
    f = j.f
    j.need(age_in(f, 13, 70), "'13 Years to 70 Years' not met")
    j.need(marker(f, "CD19"), "inclusion 4 requires CD19-positive disease")
    if f["dis"] == "B-ALL":
        j.unknown(
            "inclusion 4 says 'CD19-positive lymphoma' while the title and condition say CD19-positive ALL"
        )
    elif f["dis"] in (None, "ALL"):
        j.unknown("diagnosis or lineage unknown")
    if f["st"] in ("new", "cr1", "cr1mrd", "cr2"):
        j.amb("not in relapse: routes include 'not eligible for allogeneic SCT'")
    j.need(ecog_le(f, 2), "'ECOG score 0-2' not met")
    j.excl(
        _bad_organs(f),
        "inclusion 6 'Cardiac ejection fraction > 50%' / 'Total bilirubin <= 1.5xULN' not met",
    )
    j.excl(f["malig"], "exclusion 'Accompanied by other malignant tumor'")
    j.excl(f["hiv"], "exclusion 'Active hepatitis B, hepatitis C, syphilis, HIV infection' (HIV)")
    if f["hbv"]:
        j.amb("chronic HBV vs 'Active hepatitis B'")
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    if full:
        j.excl(
            f["cart"],
            "exclusion 'Received CAR-T treatment or other gene therapies before assignment'",
        )
        if f["inf"]:
            j.amb("infection requiring systemic treatment")
        if f["cns3"]:
            j.amb("'Patients with symptoms of central nervous system'")
    return j.result(complete=full, likely="", cut="the excerpt is cut off within exclusion item 6")
