"""Thresholds the assessment rules use, and the sources they come from.

Sources are from the project's CAR-T fact base (docs/cart-facts in the shared notes): web copies
of labels, trial records and papers; primary documents where known. Each threshold is cited by
the rule that uses it (:mod:`cartnav.assessment.rules`) and listed in ``docs/rules.md``.
"""

from __future__ import annotations

# Sources (from docs/cart-facts in the project's shared notes; primary documents where known).
SPEC = "cartnav interface contract, section 2 (disease-state and level definitions)"
PONTE_DI_LEGNO = "http://ashpublications.com/blood/article-split/139/12/1785/476277"
ENSIGN = "https://trials.co/clinical-trials-details/-/NCT02228096"
ZUMA4 = (
    "http://www.choc.org/clinical-trials/oncology-clinical-trials/a-multi-center-study-"
    "evaluating-kte-c19-in-pediatric-and-adolescent-subjects-with-relapsedrefractory-b-"
    "precursor-acute-lymphoblastic-leukemia/"
)
ZUMA3 = "https://classic.clinicaltrials.gov/ct2/show/NCT02614066"
CNCT19 = "https://www.centerwatch.com/clinical-trials/listings/265999/"
CASSIOPEIA = "https://www.dana-farber.org/clinical-trials2/detail/19-421/"
FELIX_MSK = "https://www.mskcc.org/cancer-care/clinical-trials/20-446"
AUCATZYL_FDA = (
    "https://ascopost.com/news/november-2024/fda-approves-novel-t-cell-immunotherapy-for-adults-"
    "with-relapsed-or-refractory-b-cell-precursor-acute-lymphoblastic-leukemia"
)
KYMRIAH_HCP = (
    "https://www.hcp.novartis.com/products/kymriah/acute-lymphoblastic-leukemia-children/efficacy/"
)
RELAPSED_ALL_2020 = "http://ashpublications.com/view-large/9850257"
PDQ_RECURRENT = (
    "http://www.webmd.com/cancer/tc/childhood-acute-lymphoblastic-leukemia-treatment-pdq-"
    "treatment---health-professional-information-nci-treatment-of-recurrent-childhood-all"
)
ON_THERAPY = "https://scilit.net/publications/6ea28519bb61a884d961249c9560e6cb"
POST_HSCT_PROGNOSIS = "https://pmc.ncbi.nlm.nih.gov/articles/PMC10242498"
FIRST_RELAPSE_USE = (
    "https://pure.johnshopkins.edu/en/publications/tisagenlecleucel-utilisation-and-outcomes-"
    "across-refractory-first"
)
CNS_STATUS = (
    "https://www.medscape.com/answers/990113-170577/how-is-cns-disease-treated-in-pediatric-"
    "acute-lymphoblastic-leukemia-all"
)
CTGOV_T_ALL = (
    "https://clinicaltrials.gov/search?cond=T-cell%20Acute%20Lymphoblastic%20Leukemia&intr=CAR-T"
)
CTGOV_AML = "https://clinicaltrials.gov/search?cond=Acute%20Myeloid%20Leukemia&intr=CAR-T"
CTGOV_MPAL = (
    "https://clinicaltrials.gov/search?cond=Mixed%20Phenotype%20Acute%20Leukemia&intr=CAR-T"
)
CTGOV_LBL = "https://clinicaltrials.gov/search?cond=Lymphoblastic%20Lymphoma&intr=CAR-T"
CTGOV_CD19_NEG = "https://clinicaltrials.gov/search?cond=B-cell%20ALL&intr=CD22%20CAR-T"
CD7_CHINA = "http://www.qufk.cn/news-read-id-80418.html"

# Thresholds (each used by exactly one rule below, which cites it).
EARLY_MARROW_RELAPSE_MONTHS = 36.0  # COG: early marrow relapse < 36 months from diagnosis
EARLY_EXTRAMEDULLARY_RELAPSE_MONTHS = 18.0  # COG: early isolated extramedullary < 18 months
MRD_AFTER_REINDUCTION = 1e-3  # 0.1%: COG relapse end-block-1 cut-point
RECENT_HSCT_DAYS_MIN = 100  # ZUMA-3/ZUMA-4: at least 100 days after allo-HSCT
RECENT_HSCT_MONTHS = 6.0  # ELIANA/ENSIGN: more than 6 months after allo-HSCT at infusion
PERFORMANCE_MIN_LANSKY_KARNOFSKY = 50  # ELIANA-style: Karnofsky/Lansky >= 50
PERFORMANCE_MAX_ECOG = 2  # ECOG above 2 matches Karnofsky below 50 (adult trials: ECOG 0-1)
ORGAN_LIMITS: dict[str, tuple[str, float, str]] = {
    # field: (comparison that flags dysfunction, limit, source)
    "creatinine_x_uln": (">", 1.5, CNCT19),
    "creatinine_clearance_ml_min": ("<", 60.0, ENSIGN),
    "alt_x_uln": (">", 5.0, CASSIOPEIA),
    "ast_x_uln": (">", 5.0, CASSIOPEIA),
    "bilirubin_x_uln": (">", 2.0, CNCT19),
    "lvef_pct": ("<", 45.0, ENSIGN),
    "shortening_fraction_pct": ("<", 28.0, ENSIGN),
    "spo2_pct": ("<=", 91.0, CNCT19),
}
GVHD_GRADE_MIN = 2  # grade 2-4 acute GVHD (ELIANA belief, UNCONFIRMED); ZUMA-3 "active GVHD"
CHRONIC_INFECTIONS = ("HIV", "HBV", "HCV")
