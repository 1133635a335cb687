"""What a trial is about, read once per trial: diseases, CAR targets, cell therapy, phase.

Diseases come from the registry conditions, keywords and titles (not the summary, which often
names other diseases); cell therapy and CAR targets from :mod:`cartnav.registry.classify`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cartnav.domain.patient import normalise_antigen
from cartnav.domain.trial import Trial
from cartnav.registry.classify import car_targets, is_cell_therapy

# (token, pattern) in order; each match is blanked before the next patterns run.
_DISEASE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (token, re.compile(pattern))
    for token, pattern in (
        ("CLL", r"chronic lymphocytic leuk\w*|\bcll\b(?![- ]?1)|small lymphocytic lymphoma"),
        ("CML", r"chronic myel\w* leuk\w*|\bcml\b"),
        ("MPAL", r"mixed[- ]phenotype|biphenotypic|ambiguous lineage|\bmpal\b"),
        ("AML", r"acute myel\w* leuk\w*|acute myeloblastic\w*|acute non-?lymphocytic\w*|\baml\b"),
        (
            "B-LBL",
            r"\bb[- ]?(?:cell |lineage |precursor |cell precursor )?lymphoblastic lymphoma"
            r"|\bb-lbl\b",
        ),
        (
            "T-LBL",
            r"\bt[- ]?(?:cell |lineage |precursor |cell precursor )?lymphoblastic lymphoma"
            r"|\bt-lbl\b",
        ),
        ("LBL", r"lymphoblastic lymphoma"),
        (
            "B-ALL",
            r"\b(?:precursor )?b[- ]?(?:cell |lineage |precursor |cell precursor |progenitor )?"
            r"(?:acute )?(?:lymphoblastic|lymphocytic|lymphoid) leuk\w*(?:[- ]lymphoma)?"
            r"|\bb[- ]all\b|\bbcp[- ]?all\b|b-cell all\b|\bb-?all\b",
        ),
        (
            "T-ALL",
            r"\bt[- ]?(?:cell |lineage |precursor )?(?:acute )?"
            r"(?:lymphoblastic|lymphocytic|lymphoid) leuk\w*(?:[- ]lymphoma)?"
            r"|\bt[- ]all\b|\bt-?all\b",
        ),
        ("AML", r"leuk\w*,? myel\w*,? acute"),
        (
            "ALL",
            r"acute (?:lymphoblastic|lymphocytic|lymphoid) leuk\w*|lymphoblastic leuk\w*"
            r"(?:[- ]lymphoma)?|leuk\w*,? lymphoid",
        ),
        ("BURKITT", r"burkitt\w*(?: lymphoma| leuk\w*)?"),
        ("NHL", r"non[- ]?hodgkin\w*(?: lymphoma)?"),
        ("HODGKIN", r"hodgkin\w*(?: lymphoma| disease)?"),
        ("NHL", r"lymphoma|\bnhl\b|\bdlbcl\b|\blbcl\b"),
        ("MM", r"myeloma|plasma cell"),
        ("MDS", r"myelodysplastic|\bmds\b"),
        ("B-CELL", r"\bb[- ]cell (?:malignan|neoplas|hematolog|haematolog|tumou?r|cancer)\w*"),
        ("T-CELL", r"\bt[- ]cell (?:malignan|neoplas|tumou?r|cancer)\w*"),
        ("LEUKEMIA", r"leuk\w*"),
        (
            "HEME",
            r"(?:hematolog|haematolog)\w* (?:malignan|neoplas|cancer|disease)\w*|blood cancer",
        ),
    )
)
_ALL_ACRONYM = re.compile(r"\bALL\b")
_GENERIC_CANCER = frozenset(
    {"cancer", "cancers", "neoplasm", "neoplasms", "malignancy", "malignancies", "tumor", "tumors"}
)
_PHASE_POINTS = {"PHASE4": 10, "PHASE3": 10, "PHASE2": 8, "PHASE1": 4, "EARLY_PHASE1": 2}

# Lineages of common CAR targets; others (CD123, CD38, CD70, ...) fit every lineage.
TARGET_LINEAGE: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("CD19", "CD20", "CD22", "CD79B", "CD10", "ROR1", "KAPPA", "TSLPR", "CRLF2"),
        frozenset({"B"}),
    ),
    **dict.fromkeys(("CD5", "CD1A", "CD4", "CD3", "CD2", "TRBC1"), frozenset({"T"})),
    "CD7": frozenset({"T", "M"}),  # also expressed in part of AML
    **dict.fromkeys(("CD33", "CLL1", "FLT3", "CD117"), frozenset({"M"})),
    **dict.fromkeys(("BCMA", "GPRC5D", "SLAMF7", "CD138"), frozenset({"P"})),
}


@dataclass(frozen=True, slots=True)
class TrialTraits:
    diseases: frozenset[str]  # tokens of cartnav.matching.evaluators.disease; OTHER / ANY too
    targets: tuple[str, ...]  # canonical antigen names, in order of mention
    cell_therapy: bool
    phase_points: int
    condition_text: str  # the conditions as the registry gives them (for reasons)


def read_traits(trial: Trial) -> TrialTraits:
    phrases = [*trial.conditions, *trial.keywords, trial.brief_title, trial.official_title or ""]
    diseases: set[str] = set()
    for phrase in phrases:
        diseases |= diseases_in(phrase)
    if not diseases:
        if any(c.strip().lower() in _GENERIC_CANCER for c in trial.conditions):
            diseases.add("ANY")
        elif trial.conditions:
            diseases.add("OTHER")
    targets = tuple(normalise_antigen(t) for t in car_targets(trial))
    cell = is_cell_therapy(trial)
    points = max((_PHASE_POINTS.get(p.upper(), 0) for p in trial.phases), default=0)
    if {"PHASE1", "PHASE2"} <= {p.upper() for p in trial.phases}:
        points = 6
    return TrialTraits(
        diseases=frozenset(diseases),
        targets=targets,
        cell_therapy=cell,
        phase_points=points,
        condition_text="; ".join(trial.conditions) or trial.brief_title,
    )


def diseases_in(phrase: str) -> set[str]:
    found: set[str] = set()
    text = phrase.lower()
    for token, pattern in _DISEASE_PATTERNS:
        if token == "ALL" and _ALL_ACRONYM.search(phrase) and not pattern.search(text):
            # The acronym "ALL" (upper case only: "all" is an English word).
            masked = _blank_specific(phrase)
            if _ALL_ACRONYM.search(masked):
                found.add("ALL")
            continue
        if pattern.search(text):
            found.add(token)
            text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    if "ALL" not in found and _ALL_ACRONYM.search(_blank_specific(phrase)):
        found.add("ALL")
    return found


def _blank_specific(phrase: str) -> str:
    return re.sub(r"\b[BT][- ]ALL\b|\bBCP[- ]?ALL\b", " ", phrase)
