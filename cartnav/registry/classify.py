"""Recognise CAR-T, CAR-NK and other engineered cell therapy trials, and their target antigens.

The decision reads the trial's titles, intervention names, descriptions and other names and its
keywords. The brief summary is read only when the trial lists no interventions: summaries and
criteria of other trials often *mention* CAR-T ("no prior CAR-T therapy") without testing it.

Target antigens are read from the same text (and the brief summary when that text names none),
only from a fixed list of antigens targeted by cell therapies; co-stimulatory domains and T-cell
markers (CD3, CD4, CD8, CD28, CD137) are never reported as targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cartnav.domain.trial import Trial

# Acronyms and codes, matched case-sensitively ("car" and "cart" are English words).
_ACRONYMS = re.compile(
    r"""
    \bCAR[\s-]?(?:[Tt]|NK|NKT|M|γδ\s?T)s?\b         # CAR-T, CAR T, CAR-NK, CAR-M
    | \bCAR[\s-]?(?:[Tt]|NK)[\s-]?[Cc]ells?\b
    | \bCART[\s-]?(?:\d+|BCMA|[Cc]ells?)\b            # CART19, CART-22, CART-BCMA
    | \bCTL[\s-]?019\b | \bKTE[\s-]?[XC]19\b | \bJCAR0\d\d\b
    | \bTCR[\s-]?(?:T|[Ee]ngineered)\b
    """,
    re.VERBOSE,
)
# Phrases, matched in lower-cased text.
_PHRASES = re.compile(
    r"""
    chimeric\s+(?:antigen\s+)?receptor
    | cabtagene | leucel\b                          # INNs of CAR-T products
    | (?<!small\s)(?<!small-)\bcell(?:ular)?\s+therap(?:y|ies)\b
    | \badoptive(?:ly)?\s+(?:cell|immuno|t[\s-]?cell)
    | \bengineered\s+(?:autologous\s+|allogeneic\s+)?(?:t|nk)[\s-]?cells?\b
    """,
    re.VERBOSE,
)
_PHRASE_HINTS = ("chimeric", "cabtagene", "leucel", "therap", "adoptive", "engineered")

# Products and development codes whose target is known (their labels or registrations).
_CD19_PRODUCTS = (
    r"CTL[\s-]?019\b|tisagenlecleucel|axicabtagene|brexucabtagene|lisocabtagene|obecabtagene"
    r"|relmacabtagene|inaticabtagene|KTE[\s-]?X19\b|KTE[\s-]?C19\b|JCAR01[457]\b"
)
_BCMA_PRODUCTS = r"idecabtagene|ciltacabtagene|equecabtagene|zevorcabtagene|bb2121\b"

# Canonical antigen -> pattern. Order is the order results are reported in.
_ANTIGENS: tuple[tuple[str, str], ...] = (
    ("CD19", r"CD[\s-]?19\b|CART[\s-]?19\b|" + _CD19_PRODUCTS),
    ("CD20", r"CD[\s-]?20\b|CART[\s-]?20\b"),
    ("CD22", r"CD[\s-]?22\b|CART[\s-]?22\b"),
    ("CD5", r"CD[\s-]?5\b"),
    ("CD7", r"CD[\s-]?7\b"),
    ("CD30", r"CD[\s-]?30\b"),
    ("CD33", r"CD[\s-]?33\b"),
    ("CD38", r"CD[\s-]?38\b"),
    ("CD70", r"CD[\s-]?70\b"),
    ("CD123", r"CD[\s-]?123\b"),
    ("CD1a", r"CD[\s-]?1a\b"),
    ("CLL1", r"CLL[\s-]?1\b|CLEC[\s-]?12A\b|CD[\s-]?371\b"),
    ("BCMA", r"BCMA\b|CART[\s-]?BCMA\b|" + _BCMA_PRODUCTS),
    ("GPRC5D", r"GPRC5D\b"),
    ("FLT3", r"FLT[\s-]?3\b"),
    ("NKG2D", r"NKG2D\b"),
    ("SLAMF7", r"SLAMF7\b|\bCS1\b"),
    ("ROR1", r"ROR[\s-]?1\b"),
    ("GD2", r"GD2\b"),
    ("HER2", r"HER[\s-]?2\b"),
    ("EGFR", r"EGFR\b"),
    ("GPC3", r"GPC[\s-]?3\b|glypican[\s-]?3\b"),
    ("MSLN", r"mesothelin\b|MSLN\b"),
    ("CLDN18.2", r"claudin[\s-]?18\.2|CLDN[\s-]?18\.2"),
    ("PSMA", r"PSMA\b"),
    ("MUC1", r"MUC[\s-]?1\b"),
    ("CEA", r"\bCEA\b"),
    ("B7-H3", r"B7[\s-]?H3\b"),
    ("kappa", r"kappa\s+light\s+chain"),
)
# One pass over the text: each antigen is a named group of one alternation.
_ANTIGEN_RE = re.compile(
    r"(?<![\w-])(?:anti-?)?(?:"
    + "|".join(f"(?P<a{index}>{pattern})" for index, (_, pattern) in enumerate(_ANTIGENS))
    + ")",
    re.IGNORECASE,
)


def _decisive_text(trial: Trial) -> list[str]:
    parts = [trial.brief_title, trial.official_title or "", trial.acronym or ""]
    for intervention in trial.interventions:
        parts.append(intervention.name)
        parts.append(intervention.description or "")
        parts.extend(intervention.other_names)
    parts.extend(trial.keywords)
    if not trial.interventions:
        parts.append(trial.brief_summary or "")
    return [part for part in parts if part]


# Every acronym pattern contains one of these (case-sensitive) substrings: a text without any
# skips the regular expression.
_ACRONYM_HINTS = ("CAR", "CTL", "KTE", "TCR")


def _mentions_cell_therapy(texts: Iterable[str]) -> bool:
    for text in texts:
        if any(hint in text for hint in _ACRONYM_HINTS) and _ACRONYMS.search(text):
            return True
        lower = text.lower()
        if any(hint in lower for hint in _PHRASE_HINTS) and _PHRASES.search(lower):
            return True
    return False


def classify(trial: Trial) -> tuple[bool, tuple[str, ...]]:
    """(is a cell therapy trial, its target antigens) in one pass over the text."""
    texts = _decisive_text(trial)
    if not _mentions_cell_therapy(texts):
        return False, ()
    found = antigens_in("\n".join(texts))
    if not found and trial.brief_summary:
        found = antigens_in(trial.brief_summary)
    return True, found


def is_cell_therapy(trial: Trial) -> bool:
    """True when the trial tests a CAR-T, CAR-NK, TCR-T or other engineered cell therapy."""
    return _mentions_cell_therapy(_decisive_text(trial))


def antigens_in(text: str) -> tuple[str, ...]:
    """Canonical target antigens named in ``text``, in the module's fixed order."""
    found = {int(str(m.lastgroup)[1:]) for m in _ANTIGEN_RE.finditer(text) if m.lastgroup}
    return tuple(_ANTIGENS[index][0] for index in sorted(found))


def car_targets(trial: Trial) -> tuple[str, ...]:
    """Target antigens of a cell therapy trial when stated; () for other trials."""
    return classify(trial)[1]
