"""Phrasings met in fresh registry items (rounds 28-41 of docs/criteria-annotation.md).

Each case is one item's text with a constraint it must give, or a constraint it must not give;
the wording is the registry's (shortened where the rest does not matter).
"""

from __future__ import annotations

from typing import Any

import pytest

from cartnav.criteria import extract_constraints
from cartnav.domain.criterion import ItemKind

FOUND: list[tuple[str, ItemKind, str, str, dict[str, Any]]] = [
    ("age-who-must-be", "inclusion", "Patients must be ≥18 years.", "age", {"min_years": 18}),
    ("age-who", "inclusion", "Patients ≥18 years", "age", {"min_years": 18}),
    (
        "ecog-after-value",
        "inclusion",
        "Performance status 0-2 (ECOG)",
        "performance",
        {"scale": "ecog", "op": "<=", "value": 2},
    ),
    (
        "ecog-scale-named-last",
        "inclusion",
        "Performance status of 0 or 1 on the ECOG scale",
        "performance",
        {"scale": "ecog", "op": "<=", "value": 1},
    ),
    (
        "organ-and-marrow",
        "inclusion",
        "Adequate organ and bone marrow function",
        "condition",
        {"condition": "organ_dysfunction", "negated": True},
    ),
    (
        "hcg-test",
        "inclusion",
        "Female patients of childbearing age must have a negative serum or urine HCG test "
        "within 7 days before enrollment",
        "condition",
        {"condition": "pregnancy", "negated": True},
    ),
    ("legal-incapacity", "exclusion", "Legal incapacity or limited legal capacity", "consent", {}),
    (
        "cooperation",
        "exclusion",
        "Patients who would interfere with cooperation or outcome-assessment of the trial.",
        "consent",
        {},
    ),
    (
        "unapproved-drug",
        "exclusion",
        "Participating in a clinical study of an unapproved drug within 4 weeks prior to the "
        "scheduled BNCT.",
        "prior_therapy",
        {"therapy": "investigational_agent", "requirement": "excluded", "within_days": 28},
    ),
    (
        "radiotherapy-site",
        "exclusion",
        "Ipsilateral radiotherapy to the chest;",
        "prior_therapy",
        {"therapy": "radiotherapy", "requirement": "excluded"},
    ),
    (
        "cancer-treatment",
        "inclusion",
        "Must have not received any cancer treatment for at least 2 weeks.",
        "prior_therapy",
        {"therapy": "chemotherapy", "requirement": "excluded"},
    ),
    (
        "kinase-class",
        "exclusion",
        "Prior VEGFR inhibitor treatment.",
        "prior_therapy",
        {"therapy": "tki", "requirement": "excluded"},
    ),
    (
        "qualified-tki",
        "inclusion",
        "Prior treatment with EGFR TKI",
        "prior_therapy",
        {"therapy": "tki", "requirement": "required"},
    ),
    (
        "named-immunosuppressant",
        "exclusion",
        "Diaminodiphenyl sulfone or etanercept within 3 weeks prior to enrollment.",
        "prior_therapy",
        {"therapy": "immunosuppression", "requirement": "excluded", "within_days": 21},
    ),
    (
        "il1-inhibitor",
        "exclusion",
        "Previous or current treatment with anakinra, canakinumab, or any other Interleukin-1 "
        "(IL-1) inhibitor.",
        "prior_therapy",
        {"therapy": "immunosuppression", "requirement": "excluded"},
    ),
    (
        "consisted-of",
        "inclusion",
        "Previous drug treatment consisted of a platinum-based chemotherapy regimen.",
        "prior_therapy",
        {"therapy": "chemotherapy", "requirement": "required"},
    ),
    (
        "inr-spelled-out",
        "inclusion",
        "International standardized ratio (INR) and activated partial thrombin time (APTT) "
        "≤ 1.5 × ULN",
        "lab",
        {"analyte": "inr", "op": "<=", "value": 1.5, "unit": "x_uln"},
    ),
    (
        "aptt-spelled-out",
        "inclusion",
        "International normalized ratio (INR) and activated partial thromboplastin time (APTT) "
        "≤ 1.5 × ULN",
        "lab",
        {"analyte": "aptt", "op": "<=", "value": 1.5, "unit": "x_uln"},
    ),
    (
        "cerebral-vascular-accident",
        "exclusion",
        "Clinically significant cardiovascular disease, including unstable angina, myocardial "
        "infarction, cerebral vascular accident",
        "condition",
        {"condition": "neurological_disorder"},
    ),
    (
        "therapy-for-disease-in-inclusion",
        "inclusion",
        "At least one prior systemic treatment for locally advanced or metastatic NSCLC",
        "disease",
        {"disease": "NSCLC"},
    ),
]

FOUND += [
    (
        "cardiopulmonary-heart",
        "exclusion",
        "Severe cardiopulmonary disease",
        "condition",
        {"condition": "cardiac_disease"},
    ),
    (
        "cardiopulmonary-lung",
        "exclusion",
        "Severe cardiopulmonary disease",
        "condition",
        {"condition": "pulmonary_disease"},
    ),
    (
        "hypertension",
        "inclusion",
        "no history of hypertension or diabetes.",
        "condition",
        {"condition": "cardiac_disease", "negated": True},
    ),
    (
        "blood-pressure",
        "exclusion",
        "Blood pressure is not well controlled (with 2 or fewer antihypertensive drugs)",
        "condition",
        {"condition": "cardiac_disease"},
    ),
    (
        "pulmonary-arterial-hypertension",
        "exclusion",
        "Pulmonary arterial hypertension (PAH)",
        "condition",
        {"condition": "pulmonary_disease"},
    ),
    (
        "tumor-history-within",
        "exclusion",
        "Any tumor history within the past 5 years (except cured cervical carcinoma in situ)",
        "condition",
        {"condition": "other_malignancy"},
    ),
    (
        "good-organ-function",
        "inclusion",
        "Good level of organ function.",
        "condition",
        {"condition": "organ_dysfunction", "negated": True},
    ),
    (
        "not-participating",
        "inclusion",
        "Not participating in a clinical trial.",
        "prior_therapy",
        {"therapy": "investigational_agent", "requirement": "excluded"},
    ),
    (
        "other-drug-trials",
        "exclusion",
        "Participated in other anti-tumor drug clinical trials within 4 weeks before enrollment",
        "prior_therapy",
        {"therapy": "investigational_agent", "requirement": "excluded", "within_days": 28},
    ),
    (
        "two-qualifiers",
        "inclusion",
        "Previous treatment with a platinum based chemotherapy for advanced disease",
        "prior_therapy",
        {"therapy": "chemotherapy", "requirement": "required"},
    ),
]

FOUND += [
    (
        "lesser-than-restated",
        "exclusion",
        "Renal impairment defined as estimated glomerular filtration rate (eGFR) lesser than or "
        "equal to (≤) 30 milliliter per minute per 1.73 square meter",
        "lab",
        {"analyte": "gfr", "op": "<=", "value": 30, "unit": "ml_min"},
    ),
    (
        "milli-liter",
        "exclusion",
        "eGFR lesser than 30 milli liter per min/1.73 meter square",
        "lab",
        {"analyte": "gfr", "op": "<", "value": 30, "unit": "ml_min"},
    ),
    (
        "times-the-upper-limit",
        "exclusion",
        "total bilirubin >1.5 times the upper limit measured at screening",
        "lab",
        {"analyte": "bilirubin", "op": ">", "value": 1.5, "unit": "x_uln"},
    ),
    (
        "meningeal-metastases",
        "exclusion",
        "Patients with untreated symptomatic brain metastases and/or meningeal metastases.",
        "condition",
        {"condition": "cns_involvement"},
    ),
    (
        "symptomatic-cns",
        "exclusion",
        "Patients with untreated symptomatic brain metastases and/or meningeal metastases.",
        "condition",
        {"condition": "active_cns_disease"},
    ),
    (
        "organ-and-marrow-without-bone",
        "inclusion",
        "Patients must have adequate organ and marrow function within 7 days prior to enrollment.",
        "condition",
        {"condition": "organ_dysfunction", "negated": True},
    ),
]

FOUND += [
    (
        "times-greater-than-uln",
        "inclusion",
        "Alkaline phosphatase ≤ 2.5 times greater than the upper limit of normal",
        "lab",
        {"analyte": "alp", "op": "<=", "value": 2.5, "unit": "x_uln"},
    ),
    (
        "unable-to-understand",
        "exclusion",
        "Person is unable to understand the nature, importance and scope of the clinical trial",
        "consent",
        {},
    ),
    (
        "tia",
        "exclusion",
        "History of ischemic or TIA within 6 months before enrollment;",
        "condition",
        {"condition": "neurological_disorder"},
    ),
    (
        "drugs-of-abuse",
        "exclusion",
        "Positive urine screen for drugs of abuse",
        "condition",
        {"condition": "substance_abuse"},
    ),
    (
        "thrombotic-disorders",
        "exclusion",
        "Bleeding or thrombotic disorders",
        "condition",
        {"condition": "thrombosis"},
    ),
]

FOUND += [
    (
        "agent-targeting",
        "inclusion",
        "No prior history of an antiangiogenetic agent targeting VEGFR for thymic carcinoma",
        "prior_therapy",
        {"therapy": "tki", "requirement": "excluded"},
    ),
    (
        "range-lower-end",
        "inclusion",
        "eGFR greater than 25 mL/min/1.73 m2 and less than 90 mL/min/1.73 m2,",
        "lab",
        {"analyte": "gfr", "op": ">", "value": 25, "unit": "ml_min", "alternative": None},
    ),
    (
        "range-upper-end",
        "inclusion",
        "eGFR greater than 25 mL/min/1.73 m2 and less than 90 mL/min/1.73 m2,",
        "lab",
        {"analyte": "gfr", "op": "<", "value": 90, "unit": "ml_min", "alternative": None},
    ),
    (
        "limit-for-the-other-sex",
        "exclusion",
        "QTcF ≥450 ms for males or ≥470 ms for females (mean of 3 ECGs during screening);",
        "lab",
        {"analyte": "qtc", "op": ">=", "value": 470, "unit": "ms"},
    ),
    (
        "limit-for-the-other-sex-first",
        "exclusion",
        "12 ECG: QTcF: female > 470 ms, male > 450 ms;",
        "lab",
        {"analyte": "qtc", "op": ">", "value": 450, "unit": "ms"},
    ),
    (
        "malignancies-other-than",
        "exclusion",
        "Malignancies other than disease under study within 5 years prior to Cycle 1 Day 1",
        "condition",
        {"condition": "other_malignancy"},
    ),
]

NOT_FOUND: list[tuple[str, ItemKind, str, str, dict[str, Any]]] = [
    ("years-post-transplant", "inclusion", "Patients must be ≥ 2 years post-transplant", "age", {}),
    (
        "treatment-related-disease",
        "exclusion",
        "History of cancer treatment-related AML",
        "prior_therapy",
        {"therapy": "chemotherapy"},
    ),
    (
        "cooperative-group",
        "inclusion",
        "Eastern cancer cooperation group (ECOG) score ≤2",
        "consent",
        {},
    ),
    (
        "cooperate-for-a-test",
        "inclusion",
        "For children who are unable to cooperate for PFTs, the criterion is: no dyspnea at rest",
        "consent",
        {},
    ),
    (
        "cyp-inhibitor",
        "exclusion",
        "Use of strong CYP3A4 inhibitors within 14 days",
        "prior_therapy",
        {"therapy": "tki"},
    ),
    (
        "toxicity-caused-by",
        "exclusion",
        "Persistent toxicities (CTCAE Grade > 2) caused by previous anticancer therapy",
        "prior_therapy",
        {},
    ),
    (
        "therapy-for-disease-in-exclusion",
        "exclusion",
        "Previous systemic anti-cancer therapy for advanced/metastatic NSCLC including "
        "chemotherapy",
        "disease",
        {"disease": "NSCLC"},
    ),
    (
        "no-prior-therapy-for-disease",
        "inclusion",
        "No prior systemic anti-tumor therapy for locally advanced or metastatic NSCLC.",
        "disease",
        {"disease": "NSCLC"},
    ),
    (
        "willing-to-participate",
        "inclusion",
        "Willing to participate in a clinical trial",
        "prior_therapy",
        {"therapy": "investigational_agent"},
    ),
    (
        "intracranial-hypertension",
        "exclusion",
        "Idiopathic intracranial hypertension",
        "condition",
        {"condition": "cardiac_disease"},
    ),
    (
        "pah-is-not-heart",
        "exclusion",
        "Pulmonary arterial hypertension (PAH)",
        "condition",
        {"condition": "cardiac_disease"},
    ),
    (
        "aids-is-hiv",
        "exclusion",
        "Known acquired immunodeficiency syndrome (AIDS)",
        "condition",
        {"condition": "immunodeficiency"},
    ),
    (
        "upper-limit-of-something-else",
        "exclusion",
        "ALT greater than 3 times the upper limit of the reference range",
        "lab",
        {"unit": "x_uln"},
    ),
    (
        "stage-or-recurrent",
        "inclusion",
        "non-squamous NSCLC of stage IIIB or IV (based on the 7th edition of the TNM "
        "classification) or recurrent;",
        "disease_status",
        {"status": "relapsed"},
    ),
    (
        "progression-after",
        "inclusion",
        "Tumor shrinkage less than 50% or disease progression after 4 cycles of standard "
        "chemotherapy.",
        "prior_therapy",
        {"therapy": "chemotherapy"},
    ),
    (
        "status-of-an-easing",
        "exclusion",
        "Patients who relapse while receiving standard ALL maintenance chemotherapy will not be "
        "required to have a waiting period before entry onto this study",
        "disease_status",
        {"status": "relapsed"},
    ),
    (
        "regimen-name",
        "exclusion",
        "Patients who are on standard ALL maintenance type chemotherapy",
        "disease",
        {"disease": "ALL"},
    ),
    (
        "not-a-range",
        "inclusion",
        "Creatinine < 2 mg/dl and less than 2.5 x normal for age",
        "lab",
        {"analyte": "creatinine", "op": "<", "value": 2.5},
    ),
    (
        "exception-limit-is-not-a-second-limit",
        "inclusion",
        "ALT ≤ 3 x ULN or ≤ 5 x ULN if liver metastases",
        "lab",
        {"analyte": "alt", "value": 5},
    ),
    (
        "tumor-samples",
        "inclusion",
        "Confirmation of tumor EGFR sensitive mutation positive in previous tumor samples",
        "condition",
        {"condition": "other_malignancy"},
    ),
    (
        "pregnant-partner",
        "exclusion",
        "With a pregnant female partner, men must remain abstinent or use a condom",
        "condition",
        {"condition": "pregnancy"},
    ),
    (
        "disease-of-another-trial",
        "exclusion",
        "Participants who have received alectinib as an investigational study drug in a clinical "
        "trial for the treatment of advanced NSCLC",
        "disease",
        {"disease": "NSCLC"},
    ),
    (
        "autoimmune-with-cns",
        "exclusion",
        "History of any CNS disorder such as dementia, or any autoimmune disease with CNS "
        "involvement",
        "condition",
        {"condition": "cns_involvement"},
    ),
]


def _has(text: str, kind: ItemKind, ctype: str, attrs: dict[str, Any]) -> bool:
    return any(
        c.type == ctype
        and all(
            (c.alternative if k == "alternative" else c.attrs.get(k)) == v for k, v in attrs.items()
        )
        for c in extract_constraints(text, kind)
    )


@pytest.mark.parametrize(
    ("kind", "text", "ctype", "attrs"), [c[1:] for c in FOUND], ids=[c[0] for c in FOUND]
)
def test_phrasing_gives(kind: ItemKind, text: str, ctype: str, attrs: dict[str, Any]) -> None:
    assert _has(text, kind, ctype, attrs), [
        (c.type, c.attrs) for c in extract_constraints(text, kind)
    ]


@pytest.mark.parametrize(
    ("kind", "text", "ctype", "attrs"), [c[1:] for c in NOT_FOUND], ids=[c[0] for c in NOT_FOUND]
)
def test_phrasing_does_not_give(
    kind: ItemKind, text: str, ctype: str, attrs: dict[str, Any]
) -> None:
    assert not _has(text, kind, ctype, attrs), [
        (c.type, c.attrs) for c in extract_constraints(text, kind)
    ]


def test_value_before_the_scale_spans_both() -> None:
    """The constraint's span holds the value it rests on, not the scale's name alone."""
    text = "Performance status 0-2 (ECOG)"
    (c,) = [c for c in extract_constraints(text, "inclusion") if c.type == "performance"]
    assert text[c.span[0] : c.span[1]].startswith("Performance status 0-2")
