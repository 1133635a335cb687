"""The rule registry: every rule the assessment applies, with its source and thresholds.

Rules are data: each has an id (used in every explanation entry), a plain description, the
thresholds it uses and the sources they come from. ``docs/rules.md`` is generated from this table
and the knowledge base (``python -m cartnav.assessment.rules_doc``); a test fails if a rule is
missing from it. Label facts (age limits, disease states a label covers) are not here: they are
rows of the knowledge base, and a label change is a data edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartnav.assessment import thresholds as T


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    sources: tuple[str, ...]
    unconfirmed: str | None = None

    @property
    def source(self) -> str:
        """The source shown with a finding: the first web address, else the first source."""
        return next((s for s in self.sources if s.startswith("http")), self.sources[0])


def _r(
    rule_id: str, title: str, description: str, *sources: str, unconfirmed: str | None = None
) -> Rule:
    return Rule(rule_id, title, description, sources, unconfirmed)


RULES: tuple[Rule, ...] = (
    # Disease and lineage
    _r(
        "disease.supported",
        "Disease cartnav assesses",
        "cartnav assesses B-ALL fully and gives T-ALL, AML, MPAL and B-LBL a level (trials). "
        "Lymphoma and myeloma labels are listed but not yet assessed; other diseases are not "
        "covered.",
        T.SPEC,
    ),
    _r(
        "disease.lineage",
        "Leukemia lineage known",
        "The labels cover B-cell precursor ALL only, so ALL without a stated lineage (or no "
        "disease at all) cannot be assessed; the answer is insufficient_information.",
        T.SPEC,
    ),
    # Disease state (domain/disease_state.py)
    _r(
        "disease_state.newly_diagnosed",
        "Newly diagnosed",
        "In or before the first induction course, with no response recorded yet.",
        T.PONTE_DI_LEGNO,
    ),
    _r(
        "disease_state.first_remission",
        "First remission",
        "A complete remission (CR) was recorded and there has been no relapse.",
        T.PONTE_DI_LEGNO,
    ),
    _r(
        "disease_state.primary_refractory",
        "Primary refractory",
        "No complete remission after one or two induction courses (ELIANA/ENSIGN: no CR after "
        "2 cycles of standard chemotherapy; the spec counts one or two).",
        T.ENSIGN,
        T.PONTE_DI_LEGNO,
    ),
    _r(
        "disease_state.first_relapse",
        "First relapse",
        "One relapse, not shown refractory (no re-induction without CR after it).",
        T.PONTE_DI_LEGNO,
    ),
    _r(
        "disease_state.refractory_relapse",
        "Refractory relapse",
        "One relapse followed by re-induction (or other salvage) without CR (ENSIGN "
        "'chemorefractory': no CR after 1 cycle of chemotherapy for relapsed leukemia).",
        T.ENSIGN,
    ),
    _r(
        "disease_state.second_or_later_relapse",
        "Second or later relapse",
        "Two or more relapses in the history (ELIANA/ENSIGN: 2nd or greater marrow relapse; the "
        "core of the FDA Kymriah label).",
        T.ENSIGN,
        T.KYMRIAH_HCP,
    ),
    _r(
        "disease_state.unknown",
        "Course unknown",
        "The history is empty (or lists no induction or relapse), so the disease state cannot "
        "be derived.",
        T.SPEC,
    ),
    # Relapse features that make a first relapse high-risk
    _r(
        "relapse.on_therapy",
        "Relapse on therapy",
        "A relapse during frontline treatment carries a worse outlook (second CR 67% vs 94% off "
        "therapy) and counts as high-risk.",
        T.ON_THERAPY,
    ),
    _r(
        "relapse.early",
        "Early relapse",
        f"A first marrow (or combined) relapse less than {T.EARLY_MARROW_RELAPSE_MONTHS:g} months "
        f"after diagnosis, or an isolated extramedullary relapse less than "
        f"{T.EARLY_EXTRAMEDULLARY_RELAPSE_MONTHS:g} months after diagnosis, is early (COG) and "
        "high-risk.",
        T.RELAPSED_ALL_2020,
        T.PDQ_RECURRENT,
        unconfirmed="The COG cut-points (36 and 18 months) were not seen in the original source; "
        "only the PDQ survival cut-points (18 and 36 months) were.",
    ),
    _r(
        "relapse.mrd_after_reinduction",
        "MRD after re-induction",
        f"Measurable residual disease of {T.MRD_AFTER_REINDUCTION:g} (0.1%) or more after "
        "re-induction (COG relapse end-of-block-1 cut-point) marks a first relapse that is not "
        "responding well.",
        T.RELAPSED_ALL_2020,
    ),
    _r(
        "relapse.post_hsct",
        "Relapse after allogeneic transplant",
        "The latest relapse came after an allogeneic stem-cell transplant (on-label in the EU, "
        "UK and Canada for Kymriah; outcome depends on the time from transplant).",
        T.POST_HSCT_PROGNOSIS,
    ),
    _r(
        "relapse.post_car_t",
        "Relapse after CAR-T",
        "The latest relapse came after a CAR-T treatment.",
        T.SPEC,
    ),
    # Label fit (the thresholds are knowledge-base rows: see the product tables below)
    _r(
        "label.disease",
        "Label disease",
        "The label names the patient's disease (B-ALL labels say B-cell precursor ALL).",
        T.SPEC,
    ),
    _r(
        "label.age",
        "Label age",
        "The patient's age in completed years is within the label's limits ('up to 25 years' "
        "means 25 or younger; 'adults' means 18 or older unless the label says otherwise).",
        T.SPEC,
    ),
    _r(
        "label.route",
        "Label disease state",
        "The disease state is one the label covers (refractory, second or later relapse, "
        "relapse after transplant, relapse when otherwise ineligible for transplant, or any "
        "relapsed or refractory disease, as the label words it).",
        T.SPEC,
    ),
    _r(
        "label.cd19",
        "CD19 expression",
        "A CD19-directed product needs CD19-positive leukemia; CD19-negative disease is not "
        "on-label, and unknown CD19 is flagged. The CD19-negative rule applies to all CD19 "
        "products (an inference; no single source).",
        T.ENSIGN,
        T.ZUMA4,
    ),
    _r(
        "label.confirmed",
        "Label fact confirmed",
        "Whether the label row was confirmed against its source; unconfirmed rows are shown "
        "and flagged as unconfirmed.",
        T.SPEC,
    ),
    _r(
        "label.in_force",
        "Approved by the assessment date",
        "Only labels approved on or before the assessment date count.",
        T.SPEC,
    ),
    # Levels
    _r(
        "level.standard_option.on_label",
        "On-label product",
        "At least one product's approved label in this region fits the patient.",
        T.SPEC,
    ),
    _r(
        "level.consider.refractory",
        "Refractory disease",
        "Primary refractory disease or a refractory relapse with no label fitting here: CAR-T "
        "is a recognised option to discuss (off-label or in a trial).",
        T.SPEC,
        T.ENSIGN,
    ),
    _r(
        "level.consider.second_relapse",
        "Second or later relapse",
        "A second or later relapse with no label fitting here: CAR-T is a recognised option to "
        "discuss (off-label or in a trial).",
        T.SPEC,
        T.ENSIGN,
    ),
    _r(
        "level.consider.high_risk_relapse",
        "High-risk first relapse",
        "A first relapse that is on therapy, early, or not responding (MRD 0.1% or more after "
        "re-induction): CAR-T is discussed off-label or in a trial (36% of US commercial "
        "tisagenlecleucel use was after a first relapse).",
        T.SPEC,
        T.FIRST_RELAPSE_USE,
    ),
    _r(
        "level.consider.post_hsct",
        "Relapse after transplant",
        "A relapse after allogeneic transplant where no label fits here (in the US the Kymriah "
        "label does not cover a first relapse after transplant; the EU, UK and Canada do).",
        T.SPEC,
        T.POST_HSCT_PROGNOSIS,
    ),
    _r(
        "level.consider.post_car_t",
        "Relapse after CAR-T",
        "A relapse after CAR-T: a further CAR-T (often another target) is discussed in trials.",
        T.SPEC,
    ),
    _r(
        "level.consider.cd19_negative",
        "CD19-negative relapsed or refractory disease",
        "CD19-negative disease is not on-label for a CD19-directed product; trials of other "
        "targets (for example CD22) are the CAR-T option.",
        T.SPEC,
        T.CTGOV_CD19_NEG,
    ),
    _r(
        "level.consider.non_b_lineage",
        "Relapsed or refractory T-ALL, AML, MPAL or B-LBL",
        "No CAR-T product is approved for these diseases; relapsed or refractory disease can "
        "be discussed for trials (targets such as CD7 for T-ALL, CD33/CLL1/CD123 for AML).",
        T.SPEC,
        T.CTGOV_T_ALL,
        T.CTGOV_AML,
        T.CD7_CHINA,
    ),
    _r(
        "level.not_indicated_now.frontline",
        "Frontline treatment",
        "Newly diagnosed disease or first remission: chemotherapy-based standard care comes "
        "first; a relapse or no remission after induction would change this.",
        T.SPEC,
        T.CASSIOPEIA,
    ),
    _r(
        "level.not_indicated_now.standard_risk_first_relapse",
        "First relapse, not high-risk",
        "A late, off-therapy first relapse that is responding (or awaiting re-induction): "
        "standard re-induction comes first; no remission, MRD 0.1% or more, or a further "
        "relapse would change this.",
        T.SPEC,
        T.RELAPSED_ALL_2020,
    ),
    _r(
        "level.insufficient_information.history_unknown",
        "Course of treatment unknown",
        "The history is empty, so the disease state and the label fit cannot be decided.",
        T.SPEC,
    ),
    _r(
        "level.insufficient_information.disease_unknown",
        "Disease or lineage unknown",
        "The disease is missing, or ALL is given without its lineage (B or T).",
        T.SPEC,
    ),
    _r(
        "level.insufficient_information.not_supported",
        "Disease not assessed yet",
        "Lymphoma and myeloma labels are listed but cartnav does not assess them yet; other "
        "diseases are not covered.",
        T.SPEC,
    ),
    _r(
        "level.insufficient_information.facts_missing",
        "Facts missing",
        "The answer depends on facts the profile does not give (relapse timing, therapy status, "
        "MRD, donor type, transplant eligibility); missing_information names them.",
        T.SPEC,
    ),
    # Cautions
    _r(
        "caution.cd19_negative",
        "CD19-negative",
        "CD19-negative leukemia: CD19-directed products are not expected to work.",
        T.ENSIGN,
        T.ZUMA4,
    ),
    _r(
        "caution.cd19_dim",
        "CD19 dim",
        "CD19 expression is dim; ZUMA-4 asked for at least 90% CD19-positive blasts when "
        "quantified, so the treating team should confirm CD19 after the latest therapy.",
        T.ZUMA4,
    ),
    _r(
        "caution.cd19_unknown",
        "CD19 not recorded",
        "CD19 status is not recorded; trials ask for CD19 documented within 3 months and after "
        "the most recent CD19-directed therapy.",
        T.ENSIGN,
        T.ZUMA4,
    ),
    _r(
        "caution.prior_car_t",
        "Prior CAR-T",
        "A previous CAR-T (or CD19-directed) therapy: the pivotal tisagenlecleucel trials "
        "excluded prior CD19-directed or gene therapy.",
        T.KYMRIAH_HCP,
    ),
    _r(
        "caution.active_infection",
        "Active infection",
        "An active or uncontrolled infection must be controlled before CAR-T; ZUMA-3 excluded "
        "clinically significant infection.",
        T.ZUMA3,
    ),
    _r(
        "caution.chronic_infection",
        "HIV, HBV or HCV",
        "HIV, hepatitis B or hepatitis C infection: trials often exclude them and labels ask for "
        "screening before collection.",
        T.ZUMA3,
        unconfirmed="ELIANA's own infection criteria were not retrieved (believed: HIV/HBV/HCV "
        "excluded).",
    ),
    _r(
        "caution.active_gvhd",
        "Active GVHD",
        f"Active graft-versus-host disease (or acute grade {T.GVHD_GRADE_MIN}-4): ZUMA-3 excluded "
        "active GVHD.",
        T.ZUMA3,
        unconfirmed="ELIANA's GVHD wording (believed: grade 2-4 acute or extensive chronic GVHD "
        "excluded) is not confirmed.",
    ),
    _r(
        "caution.cns3",
        "CNS3",
        "CNS3 disease (5 or more white cells per µL in the spinal fluid with blasts, or clinical "
        "CNS leukemia): active CNS disease was believed excluded from the pivotal trials.",
        T.CNS_STATUS,
        unconfirmed="The pivotal trials' CNS exclusions were not confirmed.",
    ),
    _r(
        "caution.low_performance_status",
        "Low performance status",
        f"Lansky or Karnofsky below {T.PERFORMANCE_MIN_LANSKY_KARNOFSKY}, or ECOG above "
        f"{T.PERFORMANCE_MAX_ECOG}: below the ELIANA-style minimum (Karnofsky/Lansky 50 or more); "
        "the adult trials ZUMA-3 and FELIX required ECOG 0-1.",
        T.ZUMA3,
        T.FELIX_MSK,
        unconfirmed="The ELIANA performance threshold comes from a copy of its criteria, not "
        "ELIANA's own record.",
    ),
    _r(
        "caution.organ_dysfunction",
        "Organ dysfunction",
        "Creatinine above 1.5 x ULN or clearance below 60 mL/min, ALT/AST above 5 x ULN, "
        "bilirubin above 2 x ULN, LVEF below 45% or shortening fraction below 28%, or SpO2 91% "
        "or less: outside the organ-function limits of the pivotal and confirmatory trials.",
        T.CNCT19,
        T.CASSIOPEIA,
        T.ENSIGN,
        unconfirmed="ELIANA's own organ limits (believed: ALT 5 x ULN or less, bilirubin below 2 "
        "mg/dL, SpO2 above 91%, LVEF 45% or more) are not confirmed.",
    ),
    _r(
        "caution.recent_hsct",
        "Recent transplant",
        f"An allogeneic transplant less than {T.RECENT_HSCT_MONTHS:g} months ago: ELIANA/ENSIGN "
        f"asked for more than 6 months from transplant at infusion, ZUMA-3/ZUMA-4 at least "
        f"{T.RECENT_HSCT_DAYS_MIN} days, FELIX at least 3 months.",
        T.ENSIGN,
        T.ZUMA4,
        T.AUCATZYL_FDA,
    ),
    _r(
        "caution.pregnancy",
        "Pregnancy",
        "Pregnancy: CAR-T trials exclude pregnant patients and labels advise against use.",
        T.ZUMA3,
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    """The registered rule; a ``KeyError`` here is a programming error (tests cover it)."""
    return RULES_BY_ID[rule_id]
