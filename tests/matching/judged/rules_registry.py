# ruff: noqa: E501  (the judging rules quote the trials' criteria text verbatim)
"""Judgements against the 24 complete legacy-XML registry records (``ctgov/cart_legacy_xml``).

One function per trial, written from a reading of that record's eligibility text; each returns
``(expected, why)`` or ``None`` (pair skipped as ambiguous). The registry text is complete, so a
pair can be ``likely_eligible`` when every key criterion the text states is met.
"""

from __future__ import annotations

from judge import (
    AMB,
    Judge,
    Tri,
    active_disease,
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
LIKELY = "age, r/r B-ALL route, CD19 and every stated exclusion are met by the profile"


def _untreated_first_relapse(f: dict) -> bool:
    return f["st"] == "rel1" and f["untreated"] and not f["post_hsct"]


def nct02186860(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, 65), "age outside 'Age: 18-65 years'")
    j.need(
        lineage(f, "B-ALL"),
        "criteria require 'Refractory or relapsed B cell-acute lymphoblastic leukemia'",
    )
    j.need(marker(f, "CD19"), "criteria require CD19-positive B-cell malignancy by flow cytometry")
    j.need(relapsed_or_refractory(f), "criteria require refractory or relapsed B-ALL")
    j.need(kps_ge(f, 60), "'Karnofsky performance status >= 60' not met")
    j.excl(
        organ_bad(f),
        "'Bilirubin < 2.0 mg/dl' / 'Creatinine < 2.5 mg/dl' not met (bilirubin 4 x ULN, creatinine 3.5 x ULN)",
    )
    j.excl(f["preg"], "exclusion 'Pregnant or lactating women'")
    j.excl(
        gvhd_needing_immunosuppression(f),
        "exclusion 'Patients requiring T cell immunosuppressive therapy' (active grade 3 GVHD)",
    )
    if f["post_hsct"] and (f["hsct_days"] or 0) < 180:
        j.amb("'requiring T cell immunosuppressive therapy' under 6 months after transplant")
    j.excl(f["cns3"], "exclusion 'Active central nervous system leukemia' (CNS3)")
    j.excl(f["malig"], "exclusion 'Any concurrent active malignancies'")
    j.excl(
        f["cart"] or f["cd19dir"], "exclusion 'Previous treatment with any immunotherapy products'"
    )
    j.excl(f["hiv"], "exclusion 'human immunodeficiency virus, hepatitis B or C infection' (HIV)")
    j.excl(f["hbv"], "exclusion 'human immunodeficiency virus, hepatitis B or C infection' (HBV)")
    if f["inf"]:
        j.amb("'Uncontrolled active infection': active infection, control unknown")
    if no_curative_option(f) is None:
        j.softly("'No available curative treatment options' is a clinical judgement")
    return j.result(complete=True, likely=LIKELY + " (18-65, r/r CD19+ B-ALL, Karnofsky >= 60)")


def _ctl019_paths(j: Judge) -> None:
    """ENSIGN / ELIANA routes 1-5; route 5 'Ineligible for allogeneic SCT' is never known."""
    f = j.f
    rr = relapsed_or_refractory(f)
    j.need(rr, "criteria require relapsed or refractory B-ALL (routes 1-5)")
    if rr is True:
        route = (
            f["st"] in ("rel2", "pref", "refrel")
            or (f["post_hsct"] and (f["hsct_days"] or 0) > 240)
            or (f["ph"] and f["tki2"])
        )
        if not route:
            j.unknown(
                "only route 5 'Ineligible for allogeneic SCT' could apply and it is not known"
            )


def _ctl019_common(j: Judge, *, eliana: bool) -> None:
    f = j.f
    j.need(lineage(f, "B-ALL"), "criteria require relapsed or refractory B-cell ALL")
    _ctl019_paths(j)
    if f["st"] in ("rel1", "rel2", "refrel"):
        j.need(marker(f, "CD19"), "'CD19 tumor expression' required for relapsed patients")
    j.need(active_disease(f), "'Bone marrow with >= 5% lymphoblasts' not met")
    j.need(perf_ge(f, 50), "Karnofsky/Lansky >= 50 not met")
    j.excl(
        organ_bad(f, bili_max_x_uln=2.0),
        "organ function criteria not met (creatinine clearance > 60, bilirubin < 2.0 mg/dL, LVEF >= 45%)",
    )
    j.excl(f["malig"], "exclusion 'Prior malignancy'")
    j.excl(
        f["cart"],
        "exclusion 'Prior treatment with gene therapy product' / prior anti-CD19 therapy (CAR-T)",
    )
    j.excl(f["cd19dir"], "exclusion 'any prior anti-CD19/anti-CD3 therapy'")
    j.excl(
        f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
        "exclusion 'Grade 2 to 4 acute or extensive chronic GVHD'",
    )
    j.excl(f["preg"], "exclusion 'Pregnant or nursing women'")
    j.excl(f["hbv"], "exclusion 'Active or latent hepatitis B'")
    j.excl(f["hiv"], "exclusion 'HIV positive test'")
    if f["inf"]:
        j.amb("'any uncontrolled infection at screening': control unknown")
    if eliana:
        j.excl(f["cns3"], "exclusion 'Active CNS involvement by malignancy, defined by CNS-3'")
    elif f["cns3"]:
        j.unknown(
            "CNS-3 is allowed only when by CSF findings alone, which the profile does not say"
        )


def nct02228096(j: Judge) -> Result:
    f = j.f
    if int(f["age"]) > 21 and ((f["dx_age"] or 99) < 22 or f["st"] is None):
        j.amb("older than 21 now; the text counts 'age 21 at the time of initial diagnosis'")
        return j.result(complete=True, likely="")
    j.need(age_in(f, 3, 21), "age outside 3-21 years (registry limits)")
    if int(f["age"]) > 21:
        return j.result(complete=True, likely="")
    _ctl019_common(j, eliana=False)
    return j.result(
        complete=True,
        likely="ENSIGN: age 3-21, r/r route met, CD19+, >=5% blasts, no exclusion met",
    )


def nct02435849(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 3, 30), "age outside 3-30 years (registry limits)")
    if f["dx_age"] is not None and 21 <= f["dx_age"] < 22 and int(f["age"]) > 21:
        j.amb("diagnosed at 21.x: 'age 21 at the time of initial diagnosis' is an edge")
    if f["dx_age"] is not None and f["dx_age"] >= 22:
        j.fails.append(
            "'Age 3 at the time of screening to age 21 at the time of initial diagnosis' not met"
        )
    if int(f["age"]) > 21 and f["dx_age"] is None and f["age"] <= 30 and f["st"] is None:
        j.amb("age at diagnosis needed")
    _ctl019_common(j, eliana=True)
    return j.result(
        complete=True, likely="ELIANA: age, r/r route, CD19+, >=5% blasts met; no exclusion met"
    )


def nct02315612(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 3, 30), "'>= 3 years ... <= 30 years of age at enrollment' not met")
    j.need(lineage(f, "B-ALL"), "criterion 1 requires B cell ALL or lymphoma")
    rr = relapsed_or_refractory(f)
    j.need(rr, "criterion 1 requires relapsed or refractory disease")
    if rr is True:
        if f["st"] == "pref":
            j.amb("primary refractory after two induction courses: 'one salvage regimen' unclear")
        elif _untreated_first_relapse(f):
            j.fails.append(
                "criterion 1 requires r/r disease 'after at least one standard chemotherapy regimen and one salvage regimen' (no salvage yet)"
            )
        elif f["st"] == "rel1" and not f["after_salvage"]:
            j.amb("relapse after transplant without salvage chemotherapy")
    j.need(
        marker(f, "CD22"),
        "'CD22 expression must be detected' not met",
        "CD22 expression (required) is unknown",
    )
    if f["hsct_days"] is not None and f["hsct_days"] < 100:
        j.fails.append("prior allogeneic SCT: eligible only 'if at least 100 days post-transplant'")
    j.excl(f["gvhd"], "post-SCT patients need 'no evidence of active GVHD'")
    if f["cart"]:
        j.unknown(
            "prior CAR therapy is excluded 'with evidence for persistence of CAR T cells' (>= 5%); persistence not given"
        )
    j.need(perf_ge(f, 50), "Karnofsky/Lansky >= 50 not met")
    j.excl(
        organ_bad(f, bili_max_x_uln=2.0),
        "'Left ventricular ejection fraction >= 45%' / bilirubin <= 2 x ULN not met",
    )
    j.excl(f["preg"], "exclusion 'Pregnant or breast-feeding females'")
    j.excl(f["hiv"], "exclusion 'Seropositive for HIV antibody'")
    j.excl(f["hbv"], "exclusion 'positive for Hepatitis B surface antigen'")
    j.excl(f["malig"], "exclusion 'Second malignancy'")
    if f["inf"]:
        j.amb("'Uncontrolled ... intercurrent illness including infection': control unknown")
    if active_disease(f) is not True:
        j.softly("SCT clause: ineligible/refused/after SCT/disease activity prohibits SCT")
    return j.result(
        complete=True,
        likely="CD22 CAR: age 3-30, r/r after salvage, CD22+, prior CD19 CAR allowed, no exclusion met",
    )


def nct02443831(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 24), "'age 24 years or younger' not met")
    j.excl(
        None if marker(f, "CD19") is None else not marker(f, "CD19"),
        "exclusion 'CD19 negative disease'",
        "CD19 status (CD19-negative disease is excluded) is unknown",
    )
    j.need(
        lineage(f, "B-ALL"),
        "criteria require high risk/relapsed CD19+ haematological malignancy (ALL)",
    )
    st = f["st"]
    if st in ("new", "cr1"):
        j.amb("routes 1-2/11 depend on end-of-induction and week-14 results")
    elif st == "cr1mrd":
        j.unknown(
            "route 11 'MRD > 10-4 prior to planned stem cell transplant': planned SCT unknown"
        )
    elif st is None:
        j.unknown("disease course unknown")
    else:
        route = (
            (st == "pref" and (f["blasts"] or 0) > 25)
            or f["very_early"]
            or st in ("rel2", "refrel")
            or f["post_hsct"]
            or f["infant"]
        )
        if not route:
            j.unknown(
                "only route 12 (no HLA-matched donor / contraindication to transplant) could apply"
            )
    j.excl(f["hiv"], "exclusion 'Active hepatitis B, C or HIV infection'")
    if f["hbv"]:
        j.amb("chronic HBV vs 'Active hepatitis B'")
    j.excl(
        organ_bad(f, bili_max_x_uln=3.0, creat_max_x_uln=3.0, decided=True),
        "exclusion 'Bilirubin > 3 x upper limit of normal'",
    )
    j.excl(f["preg"], "exclusion 'Women who are pregnant or lactating'")
    j.excl(
        f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
        "exclusion 'active acute GVHD overall Grade >= II'",
    )
    j.need(perf_ge(f, 50, split=10, strict=True), "exclusion 'Karnofsky/Lansky score <= 50%'")
    if f["inf"]:
        j.amb("'Severe intercurrent infection at the time of infusion': severity unknown")
    return j.result(
        complete=True,
        likely="CARPALL: age <= 24, CD19+, a listed high-risk/relapse route met, no exclusion met",
    )


def nct02614066(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 18, None), "'Age 18 or older' not met")
    j.need(lineage(f, "B-ALL"), "criteria require relapsed/refractory B-precursor ALL")
    st = f["st"]
    if st in ("new", "cr1"):
        j.fails.append("criteria require relapsed or refractory B-precursor ALL")
    elif st is None:
        j.unknown("disease course unknown")
    elif st == "rel1" and not f["post_hsct"] and f["untreated"]:
        j.amb("first relapse: duration of first remission vs 12 months")
    j.need(active_disease(f), "'Morphological disease in the bone marrow (>= 5% blasts)' not met")
    j.need(ecog_le(f, 1), "'ECOG performance status of 0 or 1' not met")
    if f["cd19dir"] and not f["cart"]:
        j.need(marker(f, "CD19"), "after blinatumomab 'CD19 tumor expression' is required")
    j.excl(
        organ_bad(f),
        "'Creatinine clearance >= 60' / 'Cardiac ejection fraction >= 50%' not met",
    )
    j.excl(f["malig"], "exclusion 'History of malignancy other than non-melanoma skin cancer...'")
    j.excl(f["cns3"], "exclusion 'Presence of CNS-3 disease'")
    if f.get("cns2"):
        j.unknown("CNS-2 is excluded only 'with neurological changes', which are not given")
    j.excl(
        f["hiv"],
        "exclusion 'Known infection with HIV, hepatitis B (HBsAg positive) or hepatitis C'",
    )
    j.excl(f["hbv"], "exclusion 'hepatitis B (HBsAg positive)'")
    j.excl(f["cart"], "exclusion 'Prior CD19 directed therapy other than blinatumomab' (CAR-T)")
    j.excl(
        f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
        "exclusion 'Acute GVHD grade II-IV'",
    )
    if f["post_hsct"] and (f["hsct_days"] or 0) < 180:
        j.amb("'Any drug used for GVHD within 4 weeks' under 6 months after transplant")
    j.excl(f["preg"], "exclusion 'Women of child-bearing potential who are pregnant'")
    if f["inf"]:
        j.amb("uncontrolled infection")
    return j.result(
        complete=True,
        likely="ZUMA-3: adult r/r B-ALL route met, >=5% blasts, ECOG 0-1, no exclusion met",
    )


def zuma4_route(f: dict) -> Tri | str:
    st = f["st"]
    if st is None:
        return None
    if st in ("new", "cr1"):
        return False
    if st in ("cr1mrd", "cr2"):
        return AMB
    if st == "pref" or f["very_early"] or st in ("rel2", "refrel"):
        return True
    if f["post_hsct"]:
        return (f["hsct_days"] or 0) >= 100
    return False  # first relapse after 18 months, after one line only


def nct02625480(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 0, 21), "'Age <= 21 years' not met")
    if f["dis"] == "B-LBL":
        j.amb("B-lymphoblastic lymphoma: the ALL cohort or the r/r B-cell NHL cohort")
        return j.result(complete=True, likely="")
    j.need(lineage(f, "B-ALL"), "ALL cohort requires relapsed or refractory B-precursor ALL")
    j.need(
        zuma4_route(f),
        "none of the r/r routes (primary refractory, relapse < 18 months from diagnosis, after >= 2 lines, after allo-SCT) is met",
    )
    if f["blasts"] is not None and f["blasts"] <= 5 and (f["mrd"] or 0) < 1e-4:
        j.fails.append("disease burden (> 5% marrow blasts or MRD >= 10^-4) not met")
    j.need(perf_ge(f, 80), "'Lansky/Karnofsky performance status >= 80' not met")
    j.excl(
        organ_bad(f),
        "organ function (creatinine clearance >= 60, LVEF >= 50%) not met",
    )
    if f["organ"] == "partial":
        j.excl(organ_bad(f, bili_max_x_uln=1.5), "'Total bilirubin <= 1.5 x ULN' not met")
    j.excl(f["cns3"], "exclusion 'Presence of CNS-3 disease'")
    if f.get("cns2"):
        j.unknown("CNS-2 is excluded only 'with neurological changes', which are not given")
    j.excl(f["hiv"], "exclusion 'History of HIV infection'")
    if f["hbv"]:
        j.amb("chronic HBV vs 'acute/chronic active hepatitis B'")
    j.excl(
        f["cart"],
        "exclusion 'Prior CD19 directed therapy (other than blinatumomab), including CAR+ T cell'",
    )
    j.excl(
        f["gvhd"] and (f["gvhd_grade"] or 0) >= 2 if f["gvhd"] is not None else None,
        "exclusion 'Acute GVHD grade II-IV'",
    )
    j.excl(f["preg"], "exclusion pregnancy")
    j.excl(f["malig"], "exclusion 'History of malignancy'")
    if f["inf"]:
        j.amb("uncontrolled infection")
    if f["post_hsct"] and (f["hsct_days"] or 0) < 100:
        j.amb("relapse < 100 days after allo-SCT qualifies through the 18-month route only")
    return j.result(
        complete=True,
        likely="ZUMA-4: age <= 21, r/r route and disease burden met, performance >= 80, no exclusion met",
    )


def nct02772198(j: Judge) -> Result:
    f = j.f
    j.need(age_in(f, 1, 50), "'Age 1-50 years' not met")
    j.need(lineage(f, "B-ALL"), "criteria require 'relapsed or refractory B-cell malignancy'")
    j.need(relapsed_or_refractory(f), "criteria require relapsed or refractory B-cell malignancy")
    j.need(marker(f, "CD19"), "'CD19 expression ... on at least 70% of leukemic blasts' not met")
    j.need(perf_ge(f, 50, split=10.01), "Karnofsky/Lansky >= 50% not met")
    if f["post_hsct"] and f["hsct_days"] is not None and f["hsct_days"] < 100:
        j.fails.append("'following allogeneic BMT - at least 100 days post BMT' not met")
    if f["post_hsct"]:
        j.excl(
            f["gvhd"],
            "post-BMT patients need 'no signs or symptoms of active graft-versus-host disease'",
        )
        if (f["hsct_days"] or 0) < 180:
            j.amb("exclusion 'Active immunosuppressive therapy' under 6 months after transplant")
    j.excl(
        organ_bad(f, bili_max_x_uln=2.0),
        "'Left ventricular ejection fraction > 45%' not met / 'bilirubin > x2 upper normal limit'",
    )
    j.excl(f["preg"], "exclusion 'Pregnant or breast-feeding females'")
    j.excl(f["hiv"], "exclusion 'Hepatitis B, Hepatitis C or HIV infection' (HIV)")
    j.excl(f["hbv"], "exclusion 'Hepatitis B, Hepatitis C or HIV infection' (HBV)")
    return j.result(
        complete=True,
        likely="Sheba CD19: age 1-50, r/r B-ALL, CD19+, performance >= 50, no exclusion met (prior CAR-T not excluded)",
    )
