"""Disease status: relapsed / refractory, second or later relapse, relapse after transplant,
primary refractory, MRD with its threshold (as a fraction), marrow blasts (active disease, in %),
extramedullary and isolated extramedullary disease.

The most specific status wins where phrases overlap; a negated status ("no evidence of relapse")
is left out rather than turned around.
"""

from __future__ import annotations

import re
from typing import Any

from cartnav.criteria.gates import TermIndex
from cartnav.criteria.negation import in_exception, negated_before
from cartnav.criteria.prefilter import with_first_chars
from cartnav.criteria.units import (
    COMP_NUM_RE,
    COMPARATOR,
    NUM,
    POSTFIX_RE,
    SCI_SEARCH_RE,
    clean_value,
    fraction_at,
    op_of,
    parse_number,
)
from cartnav.domain.criterion import Constraint

_HSCT = (
    r"(?:an?\s+)?(?:prior\s+|previous\s+)?"
    # "after prior autologous or allogeneic SCT"
    r"(?:(?:autologous|auto|allogeneic|allogenic|allo)\s*(?:or|and/or|/)\s*)?"
    r"(?:allogeneic\s+|allogenic\s+|allo-?\s*|autologous\s+|auto-?\s*)?"
    r"(?:hematopoietic\s+|haematopoietic\s+|haemopoietic\s+|hemopoietic\s+)?"
    r"(?:stem\s+cells?\s+|bone\s+marrow\s+|cell\s+)?"
    r"(?:transplant\w*|hsct|hct|sct|asct|bmt|allo-?h?sct)\b"
)
_RELAPSE = r"(?:relapse[sd]?|recurrence|recurred|recurrent|recur)"
_PATTERNS: list[tuple[str, str]] = [
    (
        "second_or_later_relapse",
        r"(?:2nd|second|(?:≥|>=)\s*2(?:nd)?)\s+(?:or\s+(?:greater|later|subsequent|more|higher|"
        rf"further|beyond)\s+)?(?:[\w()\[\]]+\s+){{0,3}}?{_RELAPSE}|(?:two|2)\s+or\s+more\s+relapses|"
        r"(?:≥|>=)\s*2\s+relapses|multiple\s+(?:relapses|recurrences)|(?:2|two)\s+(?:or\s+more\s+)?prior\s+"
        r"relapses|(?:relapse[sd]?|recurr\w*)\s+(?:twice|(?:two|2)\s+or\s+(?:more|multiple)\s+times|"
        r"(?:two|2)\s+times|multiple\s+times)",
    ),
    (
        "post_hsct",
        rf"{_RELAPSE}\s+(?:[\w()/]+\s+){{0,4}}?(?:after|post|following)[-\s]\s*{_HSCT}|"
        # "disease progression within 12 months of autologous HSCT"
        rf"(?:progression|progressed|{_RELAPSE})\s+within\s+\d+\s+(?:months?|days?|weeks?|years?)\s+"
        rf"(?:of|after|following)\s+{_HSCT}|"
        rf"post[- ]?(?:allo(?:geneic)?[- ]?)?(?:hsct|hct|sct|transplant\w*)\s+{_RELAPSE}",
    ),
    (
        "isolated_extramedullary",
        r"isolated\s+(?:extra-?\s*medullary|cns|testicular)(?:\s+(?:disease|relapse|involvement))*|"
        r"\bonly\s+extra-?\s*medullary(?:\s+(?:disease|relapse|involvement|leu[ck]a?emia))?",
    ),
    (
        "extramedullary",
        r"extra-?\s*medullary(?:\s+(?:disease|relapse|involvement|leu[ck]a?emia|infiltration))?",
    ),
    (
        "primary_refractory",
        r"primary\s+(?:chemo-?)?(?:refractory|resistant|induction\s+failure)|"
        r"induction\s+failure|refractory\s+to\s+(?:initial\s+|first\s+|primary\s+|(?:\d|two|three)\s+"
        r"or\s+more\s+)?induction|"
        r"(?:no|not\s+(?:achiev\w+|in)|fail\w*\s+to\s+achieve|did\s+not\s+achieve)\s+(?:a\s+)?"
        r"(?:bone\s+marrow\s+|morphologic\w*\s+|hematologic\w*\s+)?(?:complete\s+)?(?:remission|cr)"
        r"\s+(?:\([^()]{0,30}\)\s+)?after\s+(?:[\w≥>=-]+\s+){0,7}?induction|"
        # "naive patients treated with 2 courses ... and ineffective", "initial cases with failure
        # of 2 lines of standard treatment" (registrations translated from Chinese)
        r"\b(?:naive|naïve|initial|newly\s+diagnosed|de\s+novo)\s+(?:cases?|patients?)\s+(?:[\w-]+\s+){0,10}?"
        r"(?:(?:are|were|is|was)\s+ineffective|failure|failed|fail)\b|"
        # "failure to achieve morphological remission defined as > 5% blasts after induction"
        r"fail\w*\s+to\s+achieve\s+(?:a\s+)?(?:morphologic\w*\s+|complete\s+)?remission\s+defined\s+as\s+"
        r"[^.;]{0,30}?\s+after\s+(?:[\w-]+\s+){0,3}?induction|"
        # "primary B-ALL patients who can not be completely relieved by chemotherapy"
        r"\bprimary\s+(?:[\w-]+\s+){0,4}?(?:who\s+)?(?:can\s*not|could\s+not|cannot|have\s+not|has\s+not|"
        r"not)\s+(?:be\s+|been\s+)?(?:completely\s+)?relieved|"
        r"(?:residual|persistent)\s+disease\s+(?:after|following)\s+(?:the\s+)?(?:primary|initial|"
        r"up-?front|first[- ]line)\s+(?:therapy|treatment|chemotherapy)",
    ),
    (
        "relapsed_or_refractory",
        rf"{_RELAPSE}\s*(?:/|or|and/or|and)\s*(?:be\s+|is\s+|are\s+|were\s+)?(?:primary\s+)?"
        r"(?:refractory|resistant)|"
        rf"(?:refractory|resistant)\s*(?:/|or|and/or|and)\s*{_RELAPSE}|\br/r\b",
    ),
    (
        "refractory",
        r"\b(?:chemo-?)?refractory\b(?!\s+(?:grade|cytokine|crs\b|gvhd))|\bresistant\s+disease",
    ),
    (
        "refractory_no_remission",
        r"(?:fail(?:s|ed|ure)?\s+to\s+(?:achieve|attain|obtain)|(?:did|do|does|could)\s+not\s+"
        r"(?:achieve|attain|obtain|reach))\s+(?:a\s+)?(?:complete\s+|morphologic\w*\s+)?"
        r"(?:remission|response|cr)\b|\bno\s+(?:(?:complete\s+)?remission|cr|response)\s+(?:after|following)\b|"
        r"(?:not|un|non-?)\s*responsive\s+to\s+(?:\w+\s+){0,2}?(?:therapy|treatment|"
        r"chemotherapy|induction)|"
        r"\bno\s+(?:complete\s+remission|cr)\b(?=\s+or\s+[^.;]{0,30}?\bafter\b)|"
        r"can\s*not\s+(?:get|achieve|attain|obtain|reach)\s+(?:a\s+)?(?:cr|complete\s+remission)\b|"
        # "failed to respond to the first or multiple salvage treatments", "ineffectively after
        # first or multiple remedial treatments", "can not be completely relieved by chemotherapy"
        r"(?:fail(?:s|ed)?\s+to\s+respond|(?:have|has|had|did)\s+not\s+respond(?:ed)?|not\s+responding)\s+to\s+"
        r"(?:\w+\s+){0,5}?(?:salvage|remedial|rescue|re-?induction|conventional|standard)|"
        r"ineffective(?:ly)?\s+(?:after|to)\s+(?:\w+\s+){0,4}?(?:salvage|remedial|rescue|conventional|"
        r"standard|re-?induction)|"
        r"(?:have|has|had)\s+not\s+(?:achieved|attained|obtained|reached)\s+(?:a\s+)?(?:complete\s+|"
        r"morphologic\w*\s+)?(?:remission|response|cr)\b|"
        r"(?:can\s*not|could\s+not|cannot|not)\s+(?:be\s+|been\s+)?(?:completely\s+)?relieved|"
        # "CR not achieved after standardized chemotherapy", "CR can not be achieved after ..."
        r"\b(?:cr|complete\s+remission)\s+(?:was\s+|is\s+)?(?:not|can\s*not|could\s+not)\s+"
        r"(?:be\s+|been\s+)?(?:achieved|attained|obtained|reached)|"
        # "chemotherapy and targeted therapies are ineffective", "residual lesions remain after
        # treatment" (registrations translated from Chinese)
        r"(?:chemotherap\w*|therap\w*|treatments?)\s+(?:[\w,]+\s+){0,4}?(?:is|are|was|were)\s+"
        r"ineffective|residual\s+(?:lesions?|disease|tumou?rs?)\s+(?:remain\w*|persist\w*)\s+after|"
        # "disease progression after 4 cycles of standard chemotherapy"
        r"progression\s+(?:after|during|on)\s+(?:\w+\s+){0,2}?(?:\d+|two|three|four)\s+"
        r"(?:cycles?|courses?|lines?)",
    ),
    (
        # "first CR, but the duration of CR is <= 12 months": an early relapse
        "relapsed_early",
        r"(?:duration\s+of\s+(?:the\s+)?(?:first\s+)?(?:cr1?|complete\s+remission)|(?:cr1?|complete\s+"
        r"remission)\s+duration|cr1\s+lasting)\s+(?:is\s*|was\s+|of\s+)?(?:≤|<=|<|less\s+than|"
        r"shorter\s+than|no\s+more\s+than|within)|\bbut\s+(?:the\s+)?cr1?\s*(?:≤|<=|<)\s*\d+\s*(?:months?|mo\b)",
    ),
    (
        "relapsed",
        # a second or later remission follows a relapse ("AML in CR2 or CR3"), unless a first
        # remission is offered beside it ("CR1 or CR2")
        rf"\b{_RELAPSE}\b|(?<!cr1 or )(?<!cr1, )(?<!cr1/)\bcr\s*[2-9]\b|"
        r"\b(?:second|third)\s+(?:or\s+(?:greater|later|subsequent)\s+)?(?:complete\s+)?remission",
    ),
]
_TRIGGERS: dict[str, frozenset[str]] = {  # word prefixes (see gates.py)
    "second_or_later_relapse": frozenset({"recu", "rela", "mult"}),
    "post_hsct": frozenset({"recu", "rela", "prog"}),
    "isolated_extramedullary": frozenset({"isol", "extr"}),
    "extramedullary": frozenset({"extr"}),
    "primary_refractory": frozenset(
        {"indu", "prim", "refr", "resi", "pers", "naiv", "naïv", "init"}
    ),
    "relapsed_or_refractory": frozenset({"r", "refr", "resi"}),
    "refractory": frozenset({"chem", "refr", "resi"}),
    "refractory_no_remission": frozenset(
        {"achi", "remi", "resp", "atta", "obta", "cr", "inef", "resi", "prog", "reli"}
    ),
    "relapsed": frozenset({"recu", "rela", "cr", "seco", "thir"}),
    "relapsed_early": frozenset({"cr", "remi"}),
}
_RELAPSE_WORDS = frozenset({"rela", "recu"})
_MRD_WORDS = frozenset({"mrd", "resi", "mini", "meas", "pers", "dete", "micr"})
_BLAST_KEYS = (
    *("blast", "tumor cell", "tumour cell", "primitive", "primordial", "naive", "naïve"),
    *("immature", "original", "leukemia cell", "leukaemia cell"),
)
_COMPILED = [(name, with_first_chars(re.compile(p)), _TRIGGERS[name]) for name, p in _PATTERNS]
_INDEX = TermIndex([t[2] for t in _COMPILED])
_ALIASES = {"refractory_no_remission": "refractory", "relapsed_early": "relapsed"}
_LOOSE_POST_HSCT_RE = re.compile(rf"(?:after|post|following)[- ]\s*{_HSCT}")
_CONDITIONAL_RE = re.compile(r"\bfor\s+$")
_PLAIN = ("relapsed", "refractory", "relapsed_or_refractory")
_OTHER_CONDITION_RE = re.compile(
    r"\s*(?:[\w-]+\s+)?(?:hypertension|nausea|vomiting|angina|ascites|pain|epilep\w*|seizures?|"
    r"diarrh\w*|constipation|cough|an(?:a)?emia|thrombocytopenia|hypokal\w*|hypercalc\w*|o?edema|"
    r"effusions?|infections?|heart\s+failure|arrh?ythmias?|hypotension|pneumothorax|"
    r"shock|fever|pancreatitis|hypoxemia|headache|pneumonitis|uveitis|miscarriages?|strokes?|"
    r"thrombo\w*|embol\w*|glomerulo\w*|nephr\w*|(?:brain|cns|bone|liver)\s+metastas\w*|"
    r"(?:kidney|renal|liver|hepatic|lung|heart|cardiac|"
    r"autoimmune|inflammatory|skin|thyroid|eye)\s+(?:diseases?|disorders?))"
)
_NEW_DISEASE = r"(?:newly[- ]diagnosed|de[- ]novo|untreated|treatment[- ]na[iï]ve)"
_NEWLY_OR_BEFORE_RE = re.compile(rf"{_NEW_DISEASE}\s*(?:,\s*)?(?:or|and/or|/)\s*$")
_OR_NEWLY_AFTER_RE = re.compile(
    rf"\s*(?:disease\s+)?(?:,\s*)?(?:or|and/or|/)\s*(?:\w+\s+)?{_NEW_DISEASE}(?!\s+refractory)"
)
_STAGE_NUMBER = r"(?:[0-4]|iv|i{1,3}|v)[a-c]?"
_STAGE = (
    r"(?:metastatic|advanced|unresectable|inoperable|high[- ]risk|"
    # "stage IIIB or IV (TNM 7th edition) or recurrent"
    rf"stages?\s+{_STAGE_NUMBER}(?:\s*(?:or|and|-|/|,|to)\s*{_STAGE_NUMBER})*\b|stages?|m1[a-c]?)"
)
_STAGE_OR_BEFORE_RE = re.compile(rf"{_STAGE}\s*(?:\([^()]*\)\s*)?,?\s*(?:or|and/or|/)\s*$")
_OR_STAGE_AFTER_RE = re.compile(rf"\s*(?:\([^()]*\)\s*)?,?\s*(?:or|and/or|/)\s*{_STAGE}")
# "GVHD recurrence", "seizure recurrence": the relapse of another condition
_OTHER_CONDITION_BEFORE_RE = re.compile(
    r"(?:gvhd|graft[- ]+(?:versus|vs\.?|v)[- ]+host\s+disease|seizures?|infections?|strokes?|"
    r"thrombo\w*|hepatitis(?:\s+[bc])?|hbv|hcv|cmv|ebv|tuberculosis|pneumonitis)\s*$"
)
_REGARDLESS_RE = re.compile(r"\b(?:regardless|irrespective)\s+of\b[^.;]*$")
# "Patients who relapse while receiving maintenance chemotherapy will not be required to have a
# waiting period": the status only says whom an easing of another rule applies to
_WHO_BEFORE_RE = re.compile(r"\b(?:patients?|subjects?|participants?|those)\s+who\s+$")
_NOT_REQUIRED_AFTER_RE = re.compile(
    r"[^.;]{0,120}?\b(?:will|shall|do|does|are|is)\s+not\s+(?:be\s+)?(?:required|need(?:ed)?)\s+to\b"
)
_TOXICITY_RE = re.compile(r"(?:[≥≤<>]=?|grade)\s*$")
_ANY_SITE_RE = re.compile(
    r"(?:marrow|bm)\s*(?:\(bm\)\s*)?,?\s*(?:and/or|or|and)\s+(?:combined\s+|isolated\s+)?$"
)
_PREVENT_RE = re.compile(
    r"(?:prevent\w*|prophylaxis\s+of|risk\s+of|reduce\w*)\s+(?:the\s+|a\s+)?"
    r"(?:future\s+|subsequent\s+|later\s+)?$"
    # "confirmed at initial or relapse diagnosis": when a test was done, not the disease's status
    r"|\bat\s+(?:the\s+time\s+of\s+)?(?:initial\s+(?:diagnosis\s+)?|(?:first\s+)?diagnosis\s+)"
    r"(?:or|and(?:/or)?)\s+$"
)
_MRD_RE = re.compile(
    r"\bmrd\b|(?:minimal|micro)\s+residual\s+(?:leu[ck]a?emia|disease|relapse)|"
    r"measurable\s+residual\s+disease|"
    r"(?:persistent|detectable)\s+residual\s+disease|"
    # "detectable disease in the BM at a level >= 10^-4": a residual-disease threshold
    r"detectable\s+disease(?=[^.;]{0,50}?\b10\s*(?:\^\s*)?-\s*\d)|"
    # "detectable disease at the end of up-front induction therapy"
    r"detectable\s+disease\s+(?:at|after)\s+(?:the\s+end\s+of\s+|completion\s+of\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:induction|consolidation)"
)
_LEVEL_BEFORE_RE = re.compile(
    rf"(?:{COMPARATOR})\s*(?P<num>{NUM}\s*%)\s*(?:by|on|as\s+(?:measured|detected)\s+by)\s+$"
)
_AT_RELAPSE_RE = re.compile(
    r"\bat\s+(?:the\s+time\s+of\s+)?(?:first\s+|most\s+recent\s+|last\s+)?$"
)
_FOR_HEADING_RE = re.compile(
    r"(?:^|[.;]\s*)[\s*-]*(?:only\s+)?for\s+(?:patients?|subjects?|participants?)\s+(?:with|who\s+"
    r"have)\s+$"
)
_HEADING_END_RE = re.compile(r"[\w\s/-]{0,40}:\s*$")
_MRD_NEG_RE = re.compile(r"[\s)(-]*(?:\(mrd\)\s*)?[- ]?(?:negative|negativity|neg\b|<\s*0\.01)")
_MRD_POS_RE = re.compile(
    r"positiv|detectable|detected|persistent|≥|>|level|threshold|at\s+least|more\s+than"
)
_ANTIGEN_SHARE_RE = re.compile(
    r"\bcd\s?-?\d{1,3}[a-z]?\s*(?:\+|positiv\w*|express\w*)\s*(?:\(\s*)?\S?$"
)
# "CD19 expression shown by flow cytometry ... on at least 70% of leukemic blasts": the share of
# blasts carrying the antigen, further from the antigen's name
_ANTIGEN_ON_RE = re.compile(
    r"\b(?:cd\s?-?\d{1,3}[a-z]?|bcma|cll-?1)\s*(?:\+|positiv\w*|express\w*)[^.;]{0,80}?"
    r"\b(?:on|in)\s+$"
)
# blasts as registrations translated from Chinese name them: "primitive / naive lymphocytes",
# "primordial cells"
_BLAST_WORDS = (
    r"(?:(?:leu[ck]a?emic\s+|lympho|myelo)?blast|leu[ck]a?emi[ac]\s+cells?|(?:primitive|primordial|"
    r"naive|naïve|immature|original)"
    r"(?:\s*/\s*(?:primitive|primordial|naive|naïve|immature))?\s+(?:cells?|lymphocytes?))"
)
_BLASTS_BEFORE_RE = re.compile(rf"(?:{COMPARATOR})\s*(?P<num>{NUM})\s*%\s*(?:of\s+)?{_BLAST_WORDS}")
# "peripheral blood tumor cell load < 50%": the share of leukaemic cells, as blasts
_TUMOR_LOAD_RE = re.compile(
    rf"tumou?r\s+cell\s+(?:load|burden|proportion)\s*(?:of\s+)?(?:{COMPARATOR})\s*(?P<num>{NUM})\s*%"
)
_BLASTS_AFTER_RE = with_first_chars(
    re.compile(
        # (a word ends at a space or right before a comparator: "is>5%"; "\w+\s*" repeated would
        # split one word every way and backtrack for ever)
        rf"(?:blast(?:s|\s+cells?)?|{_BLAST_WORDS})\s*(?:\([^()]{{0,40}}\)\s*|\w+(?:\s+|(?=[<>≤≥=])))"
        rf"{{0,6}}?\(?\s*"
        rf"(?:{COMPARATOR})\s*(?P<num>{NUM})\s*%"
    )
)
# "> 5% (by morphology), and/or > 0.01% (by flow cytometry)": the second figure is an MRD level
_FLOW_AFTER_RE = re.compile(
    rf"\s*(?:\([^()]{{0,30}}\)\s*|(?:by|on)\s+[\w-]+\s*)?,?\s*(?:and\s*/\s*or|or)\s*(?:{COMPARATOR})\s*"
    rf"(?P<num>{NUM})\s*%"
    r"\s*\(?\s*(?:by\s+|using\s+)?(?:flow|fcm\b|mfc\b)"
)


def find_status(
    folded: str, exceptions: list[tuple[int, int, int]], words: set[str]
) -> list[Constraint]:
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, dict[str, Any]]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for index in _INDEX.active(words):
        name, rx, _keys = _COMPILED[index]
        for m in rx.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), _ALIASES.get(name, name), {}))
    if not _RELAPSE_WORDS.isdisjoint(words) and not any(n == "post_hsct" for *_, n, _ in found):
        for m in _LOOSE_POST_HSCT_RE.finditer(folded):
            lead = folded[max(0, m.start() - 60) : m.start()]
            if re.search(_RELAPSE, lead) and not re.search(r"[.;]\s", lead):
                found.append((m.start(), m.end(), "post_hsct", {}))
                break
    if not _MRD_WORDS.isdisjoint(words):
        found.extend(_mrd(folded))
    if any(word in folded for word in _BLAST_KEYS):
        found.extend(_blasts(folded))
    names = {f[2] for f in found}
    if names & {"post_hsct", "second_or_later_relapse"}:
        # the specific relapse says it all (but "first relapse ..., or second post-transplant
        # relapse" offers both)
        specific = [f for f in found if f[2] in ("post_hsct", "second_or_later_relapse")]
        found = [
            f
            for f in found
            if f[2] != "relapsed" or all(_or_between(folded, f, g) for g in specific)
        ]
    elif "relapsed_or_refractory" in names:
        found = [f for f in found if f[2] not in ("relapsed", "refractory")]
    if "primary_refractory" in names and "refractory" in names:
        # "primary refractory disease which cannot achieve CR after 2 cycles": the definition
        # (but "primary refractory ... or chemorefractory ..." names both)
        ends = [f[1] for f in found if f[2] == "primary_refractory"]
        found = [
            f
            for f in found
            if f[2] != "refractory"
            or not any(0 <= f[0] - e <= 60 and not _OR_RE.search(folded, e, f[0]) for e in ends)
        ]
    out = _kept(folded, exceptions, found)
    kept = {c.attrs["status"] for c in out}
    pair = sorted(
        (c for c in out if c.attrs["status"] in ("relapsed", "refractory")), key=lambda c: c.span
    )
    if {"relapsed", "refractory"} <= kept and _either_or(folded, found):
        # "fail to achieve CR; or have disease recurrence": one relapsed-or-refractory statement
        # (but "relapse ..., no CR after re-treatment" is both)
        span = (pair[0].span[0], max(c.span[1] for c in pair))
        out = [c for c in out if c not in pair]
        out.append(Constraint("disease_status", {"status": "relapsed_or_refractory"}, span))
        out.sort(key=lambda c: c.span)
    return _alternatives(folded, out)


# "fail to achieve remission, or with persistent residual disease", "2nd relapse / relapse after
# HSCT": the words between two statuses that make them routes of one choice
_ALT_JOIN_RE = re.compile(r"[\s,;()]*(?:or|and/or|/)(?:\s+[a-z-]+){0,3}?[\s(]*")


def _alternatives(folded: str, out: list[Constraint]) -> list[Constraint]:
    """Statuses joined by "or" are alternatives (one ``alternative`` id per run of them)."""
    if len(out) < 2:
        return out
    runs: list[list[int]] = [[0]]
    for k in range(1, len(out)):
        a, b = out[k - 1].span, out[k].span
        if a[1] <= b[0] and _ALT_JOIN_RE.fullmatch(folded, a[1], b[0]):
            runs[-1].append(k)
        else:
            runs.append([k])
    result = list(out)
    alt = 0
    for run in runs:
        if len(run) > 1:
            alt += 1
            for k in run:
                c = out[k]
                result[k] = Constraint(c.type, c.attrs, c.span, alt)
    return result


def _either_or(folded: str, found: list[tuple[int, int, str, dict[str, Any]]]) -> bool:
    """Is the nearest relapse / refractory pair joined by "or" ("fail to achieve CR, or relapse")
    rather than said of one course ("late relapse ..., with failure to achieve CR after")?"""
    relapses = [f for f in found if f[2] == "relapsed"]
    refractory = [f for f in found if f[2] == "refractory"]
    gaps = [
        (max(a[0], b[0]) - min(a[1], b[1]), min(a[1], b[1]), max(a[0], b[0]))
        for a in relapses
        for b in refractory
    ]
    if not gaps:
        return False
    _gap, lo, hi = min(gaps)
    return lo <= hi and _OR_RE.search(folded, lo, hi) is not None


def _or_between(
    folded: str, a: tuple[int, int, str, dict[str, Any]], b: tuple[int, int, str, dict[str, Any]]
) -> bool:
    """Does ", or" separate the two mentions (alternatives, not one relapse said twice)?"""
    lo, hi = sorted((a, b))[0][1], sorted((a, b))[1][0]
    return lo <= hi and _COMMA_OR_RE.search(folded, lo, hi) is not None


def _kept(
    folded: str,
    exceptions: list[tuple[int, int, int]],
    found: list[tuple[int, int, str, dict[str, Any]]],
) -> list[Constraint]:
    """The statuses found, less those negated, excepted or only giving context."""
    out: list[Constraint] = []
    seen: set[str] = set()
    for start, end, name, extra in sorted(found, key=lambda f: (f[0], f[1])):
        if name in seen or in_exception(exceptions, start):
            continue
        if negated_before(folded, start, 25) and not _NO_CR_OR_RE.search(
            folded, max(0, start - 30), start
        ):
            continue  # ("no CR or MRD > 0.1%": the "no" is the remission's, not the MRD's)
        if name in _PLAIN and (
            _OTHER_CONDITION_RE.match(folded, end)
            or _OTHER_CONDITION_BEFORE_RE.search(folded, max(0, start - 40), start)
        ):
            continue  # "refractory hypertension", "GVHD recurrence": not the disease's status
        if name in _PLAIN and (
            _NEWLY_OR_BEFORE_RE.search(folded, max(0, start - 40), start)
            or _OR_NEWLY_AFTER_RE.match(folded, end)
        ):
            continue  # "newly diagnosed or relapsed/refractory": any status is accepted
        if name == "relapsed" and (
            _STAGE_OR_BEFORE_RE.search(folded, max(0, start - 100), start)
            or _OR_STAGE_AFTER_RE.match(folded, end)
        ):
            continue  # "locally advanced, metastatic, or recurrent NSCLC": one stage among others
        if _NOT_REQUIRED_AFTER_RE.match(folded, end) and _WHO_BEFORE_RE.search(
            folded, max(0, start - 30), start
        ):
            continue  # "patients who relapse while ... will not be required to wait"
        if _REGARDLESS_RE.search(folded, max(0, start - 60), start):
            continue  # "regardless of whether the disease is first or recurrent"
        if name in _PLAIN and _TOXICITY_RE.search(folded, max(0, start - 12), start):
            continue  # "≥ refractory Grade 3 CRS"-type slips: a toxicity grade, not the disease
        if name == "extramedullary" and _ANY_SITE_RE.search(folded, max(0, start - 40), start):
            name = "relapsed"  # "bone marrow or extramedullary relapse": a relapse at any site
            if name in seen or not re.search(_RELAPSE, folded[start : end + 12]):
                continue
        if name == "relapsed" and _AT_RELAPSE_RE.search(folded, max(0, start - 30), start):
            continue  # "CD22 expression on malignant cells at relapse": when a test was done
        if (
            ":" in folded
            and _FOR_HEADING_RE.search(folded, max(0, start - 40), start)
            and _HEADING_END_RE.match(folded, start)
        ):
            continue  # "For patients with refractory disease:": whom the items below concern
        if _CONDITIONAL_RE.search(folded, max(0, start - 4), start) or _PREVENT_RE.search(
            folded, max(0, start - 30), start
        ):
            continue  # "for relapsed patients, ...": a condition on who the item applies to
        seen.add(name)
        attrs: dict[str, Any] = {"status": name}
        attrs.update(extra)
        out.append(Constraint("disease_status", attrs, (start, end)))
    return out


# "persistent high level MRD"; not an example ("(e.g. persistent MRD)")
_MRD_POS_BEFORE_RE = re.compile(
    r"(?<!e\.g\.\s)(?<!such\sas\s)\b(?:persistent|detectable|positive|high)\b[\w\s-]{0,12}$"
)
_SPACE_RUN_RE = re.compile(r"\s{2,}")
_OR_RE = re.compile(r"\bor\b")
_COMMA_OR_RE = re.compile(r"[,;]\s*or\b")
_NO_CR_OR_RE = re.compile(r"\bno\s+(?:complete\s+remission|cr|response)\b[^.;]{0,25}?\sor\s+$")


def _reach(folded: str, start: int, chars: int) -> int:
    """The offset ``chars`` characters after ``start``, runs of whitespace counting as one."""
    end = min(len(folded), start + chars)
    for run in _SPACE_RUN_RE.finditer(folded, start, min(len(folded), start + 3 * chars)):
        if run.start() >= end:
            break
        end = min(len(folded), end + len(run.group()) - 1)
    return end


def _mrd(folded: str) -> list[tuple[int, int, str, dict[str, Any]]]:
    out: list[tuple[int, int, str, dict[str, Any]]] = []
    for m in _MRD_RE.finditer(folded):
        if _MRD_NEG_RE.match(folded, m.end()):
            continue
        window_end = _reach(folded, m.end(), 80)
        stop = re.search(r"[.;](?:\s|$)", folded[m.end() : window_end])
        if stop:
            window_end = m.end() + stop.start()
        window = folded[m.end() : window_end]
        threshold: float | None = None
        op: str | None = None
        end = m.end()
        comp = COMP_NUM_RE.search(folded, m.end(), window_end)
        sci = SCI_SEARCH_RE.search(folded, m.end(), window_end)
        if comp is not None:
            frac = fraction_at(folded, comp.start("num"), window_end)
            if frac is not None:
                threshold, op, end = frac[0], op_of(comp), frac[2]
        if threshold is None:
            # "bone marrow disease >= 0.01% by MRD": the level written before the word
            ahead = _LEVEL_BEFORE_RE.search(folded, max(0, m.start() - 40), m.start())
            if ahead is not None:
                frac = fraction_at(folded, ahead.start("num"), m.start())
                if frac is not None:
                    threshold, op = frac[0], op_of(ahead)
        if threshold is None and sci is not None:
            frac = fraction_at(folded, sci.start(), window_end)
            if frac is not None:
                threshold, end = frac[0], frac[2]
                post = POSTFIX_RE.match(folded, end)
                if post is not None:
                    op, end = op_of(post), post.end()
                elif "threshold" in folded[m.end() : sci.start()]:
                    op = ">="
        if (
            threshold is None
            and not m.group().startswith("detectable disease")
            and not _MRD_POS_RE.search(window[:40])
            and not _MRD_POS_BEFORE_RE.search(folded, max(0, m.start() - 30), m.start())
            and not re.search(r"\bmrd[- ]?positiv|positive\s+(?:\w+\s+){0,3}mrd", folded)
        ):
            continue
        attrs: dict[str, Any] = {"threshold": threshold, "unit": "fraction" if threshold else None}
        attrs["op"] = op
        out.append((m.start(), end, "mrd_positive", attrs))
        break
    return out


def _blasts(folded: str) -> list[tuple[int, int, str, dict[str, Any]]]:
    for rx in (_BLASTS_BEFORE_RE, _BLASTS_AFTER_RE, _TUMOR_LOAD_RE):
        m = rx.search(folded)
        if m is None:
            continue
        if _ANTIGEN_SHARE_RE.search(folded, max(0, m.start() - 40), m.start() + 1):
            continue  # "CD19 expression >= 30% of blasts": the antigen's share, not a blast count
        if _ANTIGEN_ON_RE.search(folded, max(0, m.start() - 120), m.start()):
            continue
        value = clean_value(parse_number(m.group("num")))
        attrs: dict[str, Any] = {"threshold": value, "unit": "pct", "op": op_of(m)}
        out = [(m.start(), m.end(), "active_disease", attrs)]
        flow = _FLOW_AFTER_RE.match(folded, m.end())
        if flow is not None:
            fraction = float(f"{parse_number(flow.group('num')) / 100:.6g}")
            mrd = {"threshold": fraction, "unit": "fraction", "op": op_of(flow)}
            out.append((flow.start("num"), flow.end(), "mrd_positive", mrd))
        return out
    return []
