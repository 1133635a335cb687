"""Disease names and lineages (B-ALL, T-ALL, ALL, AML, MPAL, lymphomas, myeloma, ...).

The most specific name wins where names overlap ("CD19+ B-cell acute lymphoblastic leukemia" is
B-ALL, not also ALL). ``negated`` is set only when the text itself negates the name ("other than
Burkitt", "without ..."); "non-Hodgkin lymphoma" is NHL, and other "non-X" wording is left out.
Upper-case abbreviations (ALL, AML, CLL, MM, ...) are matched on the original text only.
"""

from __future__ import annotations

import re

from cartnav.criteria.gates import TermIndex
from cartnav.criteria.negation import in_exception, negated_before_words
from cartnav.criteria.prefilter import with_first_chars
from cartnav.criteria.text import has_any
from cartnav.domain.criterion import Constraint

_LEUK = r"leu[ck]a?emi?as?"
_LYMPHOBLASTIC = r"lympho(?:blastic|cytic|id|blast|cyte)?"
_B = r"\bb[- ]?(?:(?:cell|lineage|line|precursor|progenitor|type|derived|origin)[- ]?){0,3}\s*"
_T = r"\bt[- ]?(?:cell|lineage|line|precursor)?[- ]?"

# (disease, folded-text pattern) in priority order: more specific first.
_PATTERNS: list[tuple[str, str]] = [
    (
        "MPAL",
        r"mixed[- ]phenotype\s+(?:acute\s+)?leu[ck]a?emia|\bmpal\b|biphenotypic|"
        r"acute\s+leu[ck]emia\s+of\s+ambiguous\s+lineage",
    ),
    (
        "Burkitt",
        r"burkitt'?s?(?:\s+(?:lymphoma|leu[ck]a?emia))?(?:\s*/\s*(?:leu[ck]a?emia|lymphoma))?",
    ),
    ("B-LBL", rf"{_B}lymphoblastic\s+lymphomas?|\bb-lbl\b"),
    (
        "T-LBL",
        rf"{_T}lymphoblastic\s+lymphomas?|\bt-lbl\b|"
        r"(?<=t-all/)lbl\b|(?<=t-all\s/\s)lbl\b|(?<=\btall/)lbl\b",
    ),
    (
        "B-ALL",
        rf"{_B}(?:acute\s+)?{_LYMPHOBLASTIC}\s+{_LEUK}|{_B}cell-acute\s+{_LYMPHOBLASTIC}\s+{_LEUK}|"
        r"\bb-?all\b|\bbcp-?all\b|\bpre-?b(?:-cell)?\s+all\b|"
        r"\bb[- ]?(?:precursor|lineage|cell)\s+all\b|"
        r"cd19\s*(?:\+|-?positive|-?pos\b)\s*(?:b[- ]cell\s+)?(?:acute\s+)?"
        rf"{_LYMPHOBLASTIC}\s+{_LEUK}|"
        r"\bb[- ]?lymphoblastic\s+leu[ck]a?emia|"
        # "acute lymphocyte leukemia with CD19 positive": the CD19+ ALL of the guideline
        rf"(?:acute\s+)?{_LYMPHOBLASTIC}\s+{_LEUK}(?=\s*(?:\(\w+\)\s*)?(?:with|that\s+is|which\s+is)"
        r"\s+(?:a\s+)?cd19\s*(?:\+|-?positiv|express))",
    ),
    (
        "T-ALL",
        rf"{_T}(?:acute\s+)?{_LYMPHOBLASTIC}\s+{_LEUK}|\bt-?all\b|\betp-?all\b|"
        r"early\s+(?:pre-?)?t-?cell\s+(?:precursor\s+)?(?:lymphoblastic\s+)?leu[ck]a?emia",
    ),
    ("ALL", rf"acute\s+{_LYMPHOBLASTIC}\s+{_LEUK}"),
    ("APL", r"acute\s+promyelocytic\s+leu[ck]a?emia|\bapl\b"),
    (
        "AML",
        r"acute\s+myel(?:oid|ogenous|ocytic|oblastic)\s+leu[ck]a?emia|"
        r"acute\s+non-?lymphocytic\s+leu[ck]a?emia",
    ),
    ("CLL", r"chronic\s+lymphocytic\s+leu[ck]a?emia|small\s+lymphocytic\s+lymphoma"),
    ("CML", r"chronic\s+myel(?:oid|ogenous|ocytic)\s+leu[ck]a?emia"),
    ("DLBCL", r"diffuse\s+large\s+(?:b[- ]?)?cell\s+lymphomas?|\bdlbcl\b"),
    (
        "LBCL",
        r"primary\s+mediastinal\s+(?:\(thymic\)\s+)?(?:large\s+)?b[- ]?cell\s+lymphomas?|"
        r"large\s+b[- ]?cell\s+lymphomas?|\blbcl\b|primary\s+mediastinal",
    ),
    ("FL", r"follicular\s+lymphomas?"),
    ("MCL", r"mantle[- ]cell\s+lymphomas?"),
    ("MM", r"(?<!anti-)(?<!anti)(?:multiple\s+)?myelomas?|plasma\s+cell\s+myeloma"),
    ("MDS", r"myelodysplastic\s+(?:syndromes?|neoplasms?)"),
    (
        "NHL",
        r"non[- ]?hodgkin'?s?\s+lymphomas?|b[- ]?cell\s+non[- ]?hodgkin|"
        r"(?:indolent|aggressive|mature)\s+b[- ]?cell\s+lymphomas?|"
        r"(?:transformed\s+)?(?:indolent|aggressive)\s+(?:non[- ]?hodgkin'?s?\s+)?lymphomas?|"
        r"\bb[- ](?:cell|type)\s+lymphomas?",
    ),
    ("Hodgkin", r"(?<!non-)(?<!non )(?<!non)hodgkin'?s?\s+(?:lymphoma|disease)"),
    (
        "NSCLC",
        r"non[- ]?small[- ]cell\s+(?:lung\s+)?(?:cancer|carcinoma)s?|\bnsclc\b|"
        r"lung\s+adenocarcinomas?|adenocarcinomas?\s+of\s+the\s+lung",
    ),
]
# "ALL or lymphoma", "other CD19+ lymphoma": a bare "lymphoma" as a B-cell malignancy
_BARE_LYMPHOMA_RE = re.compile(r"lymphomas?\b(?!\s+cells?\b)")  # "lymphoma cells": tumour cells
_BARE_LYMPHOMA_CUE_RE = re.compile(r"(?:\bor|\band|/|cd19\s*\+|cd19[- ]positive)\s*$")
# "lymphoma, myeloma or leukemia": a lymphoma listed beside other blood cancers
_LISTED_AFTER_RE = re.compile(
    r"\s*(?:,|/|\bor\b|\band\b)\s*(?:multiple\s+)?(?:myeloma|leu[ck]a?emia)"
)
_TRIGGERS: dict[str, frozenset[str]] = {  # word prefixes (see gates.py)
    "MPAL": frozenset({"ambi", "biph", "mixe", "mpal", "phen"}),
    "Burkitt": frozenset({"burk"}),
    "B-LBL": frozenset({"lbl", "lymp"}),
    "T-LBL": frozenset({"lbl", "lymp"}),
    "B-ALL": frozenset({"b", "ball", "bcp", "preb", "leuc", "leuk"}),
    "T-ALL": frozenset({"t", "tall", "etp", "leuc", "leuk"}),
    "ALL": frozenset({"leuc", "leuk"}),
    "APL": frozenset({"apl", "prom"}),
    "AML": frozenset({"leuc", "leuk"}),
    "CLL": frozenset({"chro", "smal"}),
    "CML": frozenset({"chro"}),
    "DLBCL": frozenset({"diff", "dlbc"}),
    "LBCL": frozenset({"larg", "lbcl", "prim"}),
    "FL": frozenset({"foll"}),
    "MCL": frozenset({"mant"}),
    "MM": frozenset({"mult", "myel", "plas"}),
    "MDS": frozenset({"myel"}),
    "NHL": frozenset({"b", "hodg", "nonh", "indo", "aggr"}),
    "Hodgkin": frozenset({"hodg"}),
    "NSCLC": frozenset({"nsc", "nscl", "lung", "smal"}),
}
_COMPILED = [(name, with_first_chars(re.compile(p)), _TRIGGERS[name]) for name, p in _PATTERNS]
_INDEX = TermIndex([t[2] for t in _COMPILED])
_ABBREV_KEYS = ("ALL", "AML", "CLL", "CML", "MM", "MDS", "NHL", "MCL", "FL", "MPAL")
# Abbreviations: matched case-sensitively on the original text.
_ABBREV = [
    (
        "B-ALL",
        re.compile(
            r"(?<![A-Za-z0-9])B[- ]?ALL(?![A-Za-z0-9])|(?<![A-Za-z0-9])BCP-?ALL(?![A-Za-z0-9])"
        ),
    ),
    (
        "T-ALL",
        re.compile(
            r"(?<![A-Za-z0-9])T-?ALL(?![A-Za-z0-9])|(?<![A-Za-z0-9])ETP-?ALL(?![A-Za-z0-9])"
        ),
    ),
    ("ALL", re.compile(r"(?<![-/\w])ALL\b(?!-)")),
    ("AML", re.compile(r"(?<![A-Za-z0-9])AML(?![A-Za-z0-9])")),
    ("CLL", re.compile(r"(?<![A-Za-z0-9])CLL\b(?![- ]?1)")),
    ("CML", re.compile(r"(?<![A-Za-z0-9])CML(?![A-Za-z0-9])")),
    ("MM", re.compile(r"(?<![A-Za-z0-9])MM(?![A-Za-z0-9])")),
    ("MDS", re.compile(r"(?<![A-Za-z0-9])MDS(?![A-Za-z0-9])")),
    ("NHL", re.compile(r"(?<![A-Za-z0-9])B?-?NHL(?![A-Za-z0-9])")),
    ("MCL", re.compile(r"(?<![A-Za-z0-9])MCL(?![A-Za-z0-9])")),
    ("FL", re.compile(r"(?<![A-Za-z0-9])FL(?![A-Za-z0-9])")),
    ("MPAL", re.compile(r"(?<![A-Za-z0-9])MPAL(?![A-Za-z0-9])")),
]
# the lookahead holds every abbreviation's possible first character: same matches, faster scan
_ABBREV_RE = re.compile(
    "(?=[-ABCEFMNT])(?:"
    + "|".join(f"(?P<a{i}>{rx.pattern})" for i, (_, rx) in enumerate(_ABBREV))
    + ")"
)
_NON_RE = re.compile(r"non[- ]?$")
_NON_B_RE = re.compile(
    r"\bnon-?\s*b[- ]?(?:cell\s+|lineage\s+)?(?:acute\s+)?(?:lymphoblastic\s+)?leu[ck]a?emias?"
)
_B_CONTEXT_RE = re.compile(
    r"cd19\s*(?:\+|-?positive)\s*(?:b[- ]cell\s+)?(?:hematologic\w*\s+|haematologic\w*\s+)?"
    r"(?:malignan|neoplas|tumou?r)|\bb[- ]cell\s+(?:hematologic\w*\s+|haematologic\w*\s+)?"
    r"(?:malignan|neoplas)"
)
_CD19_BEFORE_RE = re.compile(r"cd19\s*(?:\+|-?positive|-?pos)\s*$")
_SURVIVAL_IN_RE = re.compile(r"(?:survival|life\s+expectancy)\b[^.;,]{0,45}\bin\s+$")
_CONTEXT_FOR = (
    r"(?:inhibitors?|tkis?|therapy|chemotherapy|treatment|drugs?|regimens?|lines?|na[iï]ve|trials?|"
    r"(?:was|were|been)\s+(?:used|given|administered))\s+for\s+(?:(?:the\s+)?treatment\s+of\s+)?"
    r"(?:patients?\s+with\s+)?"
)
_CONTEXT_FOR_RE = re.compile(rf"{_CONTEXT_FOR}(?:ph\+?\s*|philadelphia[\w\s+()-]{{0,30}}?\s)?$")
# in an exclusion item, "prior therapy for advanced/metastatic NSCLC" excludes the therapy, not
# the disease; so does "no prior therapy for metastatic NSCLC" in an inclusion item (but "prior
# treatment for metastatic NSCLC" in an inclusion item also says the disease)
_STAGED_FOR_RE = re.compile(
    rf"{_CONTEXT_FOR}(?:(?:(?:locally[-\s]+)?advanced|metastatic|recurrent|unresectable|relapsed|"
    r"refractory|[a-z0-9]+(?:-mutated|-mutant|-positive|\+))(?:\s*(?:/|,|or|and)\s*|\s+))+$"
)
_NO_PRIOR_RE = re.compile(r"\b(?:no|without)\s+(?:prior|previous)\b|na[iï]ve\b")


_FOR_HEADING_BEFORE_RE = re.compile(
    r"(?:^|[.;]\s*)[\s*-]*(?:only\s+)?for\s+(?:patients?\s+with\s+|subjects?\s+with\s+)?"
    r"(?:[\w+-]+\s+){0,2}?$"
)
_FOR_HEADING_AFTER_RE = re.compile(
    r"\s*(?:patients?|subjects?|participants?|cohorts?|arm)?\s*(?:only)?\s*(?:\([^()]*\)\s*)?:"
)


_SLASH_LYMPHOMA_RE = re.compile(r"\s*/\s*lymphomas?\b")
_LBL_OF = {"T-ALL": "T-LBL", "B-ALL": "B-LBL", "ALL": "T-LBL"}


def _slash_lymphoma(folded: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """ "T-cell acute lymphoblastic leukaemia/ lymphoma": the lymphoblastic lymphoma of the
    leukaemia's lineage (T-LBL, B-LBL), not a lymphoma of any kind."""
    out = list(found)
    for _start, end, name in found:
        m = _SLASH_LYMPHOMA_RE.match(folded, end) if name in _LBL_OF else None
        if m is None:
            continue
        span = (m.end() - len(m.group().lstrip(" /")), m.end())
        out = [f for f in out if not (f[0] < span[1] and span[0] < f[1])]
        out.append((span[0], span[1], _LBL_OF[name]))
    return out


def _shouting(text: str, start: int, end: int) -> bool:
    """Is an upper-case word part of an all-caps phrase ("FOR ALL PATIENTS")?"""
    window = text[max(0, start - 25) : end + 25]
    words = re.findall(r"[A-Za-z]{2,}", window)
    caps = [w for w in words if w.isupper()]
    return len(words) >= 3 and len(caps) >= len(words) - 1


def find_disease(
    text: str,
    folded: str,
    exceptions: list[tuple[int, int, int]],
    words: set[str],
    kind: str = "inclusion",
) -> list[Constraint]:
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for index in _INDEX.active(words):
        name, rx, _keys = _COMPILED[index]
        for m in rx.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            if name != "NHL" and _NON_RE.search(folded[max(0, m.start() - 4) : m.start()]):
                continue  # "non-B cell acute leukemia": not a statement about B-ALL
            found.append((m.start(), m.end(), name))
    for m in _ABBREV_RE.finditer(text) if has_any(text, _ABBREV_KEYS) else ():
        name = _ABBREV[int((m.lastgroup or "a0")[1:])][0]
        if not free(m.start(), m.end()) or (
            name == "ALL" and _shouting(text, m.start(), m.end())  # "ALL" is also a word
        ):
            continue
        taken.append((m.start(), m.end()))
        if name != "NHL" and _NON_RE.search(folded[max(0, m.start() - 4) : m.start()]):
            continue
        found.append((m.start(), m.end(), name))
    if "lymp" in words and "lymphoma" in folded:
        for m in _BARE_LYMPHOMA_RE.finditer(folded):
            if free(m.start(), m.end()) and (
                _BARE_LYMPHOMA_CUE_RE.search(folded, max(0, m.start() - 16), m.start())
                or _LISTED_AFTER_RE.match(folded, m.end())
            ):
                taken.append((m.start(), m.end()))
                found.append((m.start(), m.end(), "NHL"))
    if ("non" in words and "b" in words) or "nonb" in words:
        for m in _NON_B_RE.finditer(folded):
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                found.append((m.start(), m.end(), "B-ALL!"))
    if found and ("survival" in folded or "expectancy" in folded):
        # "estimated survival time is more than 3 months in multiple myeloma": whose survival
        found = [f for f in found if not _SURVIVAL_IN_RE.search(folded, max(0, f[0] - 60), f[0])]
    if found and " for " in folded:  # "TKIs for Ph+ ALL": the disease only says what it is for
        found = [
            f
            for f in found
            if not _CONTEXT_FOR_RE.search(folded, max(0, f[0] - 60), f[0])
            and not (
                (kind == "exclusion" or _NO_PRIOR_RE.search(folded, 0, f[0]))
                and _STAGED_FOR_RE.search(folded, max(0, f[0] - 90), f[0])
            )
        ]
    if found and ":" in folded and "for" in folded:
        # "only for B-ALL:", "For patients with lymphoma:": a heading saying whom the items
        # below it concern
        found = [
            f
            for f in found
            if not (
                _FOR_HEADING_BEFORE_RE.search(folded, max(0, f[0] - 40), f[0])
                and _FOR_HEADING_AFTER_RE.match(folded, f[1])
            )
        ]
    if "/" in folded:
        found = _slash_lymphoma(folded, found)
    if any(f[2] == "ALL" for f in found):
        b_context = _B_CONTEXT_RE.search(folded) is not None
        found = [
            (a, b, "B-ALL")
            if n == "ALL" and (b_context or _CD19_BEFORE_RE.search(folded, max(0, a - 12), a))
            else (a, b, n)
            for a, b, n in found
        ]
    asides = _asides(folded) if "(" in folded else []
    found = [f for f in found if not any(a <= f[0] < b for a, b in asides)]
    names = {f[2] for f in found}
    if names & {"B-ALL", "T-ALL"}:
        found = [f for f in found if f[2] != "ALL"]
    out: list[Constraint] = []
    seen: set[tuple[str, bool]] = set()
    for start, end, name in sorted(found):
        if any(
            kw <= start < stop and folded.startswith("unless", kw) for kw, _, stop in exceptions
        ):
            continue  # "(unless it is due to CLL ...)": the disease only explains an exception
        if _REGIMEN_AFTER_RE.match(folded, end):
            continue  # "standard ALL maintenance chemotherapy": the name of a regimen
        if _INVOLVEMENT_OF_RE.search(folded, max(0, start - 30), start):
            continue  # "meningeal involvement of MM": a site the disease reached (a condition)
        # a "non-" prefix of another word ("non-squamous") is not a negation
        negated = in_exception(exceptions, start) or negated_before_words(folded, start, 25)
        if name == "B-ALL!":
            name, negated = "B-ALL", True  # "non-B cell acute leukemia"
        key = (name, negated)
        if key in seen:
            continue
        seen.add(key)
        out.append(Constraint("disease", {"disease": name, "negated": negated}, (start, end)))
    return out


_REGIMEN_AFTER_RE = re.compile(
    r"[\s-]+(?:(?:maintenance|consolidation)(?:[\s-]+type)?|(?:type[\s-]+)?chemotherapy|"
    r"regimens?|protocols?)(?![-\w])"
)
_INVOLVEMENT_OF_RE = re.compile(r"(?:involvement|infiltration)\s+(?:by|of|with)\s+(?:the\s+)?$")


_ASIDE_RE = re.compile(r"\(\s*(?:i\.?\s?e\.?|e\.?\s?g\.?|such\s+as|including|for\s+example)")


def _asides(folded: str) -> list[tuple[int, int]]:
    """Parentheticals that only illustrate ("(i.e. patients with mature B-cell ALL ...)")."""
    spans: list[tuple[int, int]] = []
    for m in _ASIDE_RE.finditer(folded):
        depth, pos = 0, m.start()
        while pos < len(folded):
            if folded[pos] == "(":
                depth += 1
            elif folded[pos] == ")":
                depth -= 1
                if depth == 0:
                    break
            pos += 1
        spans.append((m.start(), pos + 1))
    return spans
