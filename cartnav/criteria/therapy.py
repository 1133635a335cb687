"""Prior therapy: CAR-T, CD19-directed therapy, blinatumomab, inotuzumab, transplant, gene therapy,
TKIs, chemotherapy, investigational agents, radiotherapy, steroids, immunosuppression, DLI.

``requirement`` is the item's meaning: an exclusion "Prior CAR-T therapy" is ``excluded``; an
inclusion "relapsed after CD19 CAR-T" is ``required``; "prior blinatumomab is allowed",
"individuals previously treated with blinatumomab" and "CD19 therapy other than blinatumomab"
(for the named exception) are ``allowed``; an inclusion "no prior CAR-T" is ``excluded``. A
negated exclusion is too easy to misread and is left out. Mentions of the study's own product
("prior to CTL019 infusion") are not prior therapy. Washouts are always ``excluded`` with
``within_days`` (docs/criteria-annotation.md): "within 4 weeks" -> 28, and a time since
("at least 100 days from transplant", "> 6 weeks post DLI") -> 100 / 42, unless the text itself
allows the treatment ("may be enrolled provided ..."). "At least two lines of therapy" ->
chemotherapy ``required`` with ``min_lines`` 2.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from typing import Any

from cartnav.criteria.negation import in_exception, negated_before, negated_before_words
from cartnav.criteria.therapy_terms import CHEMO_INDEX as _CHEMO_INDEX
from cartnav.criteria.therapy_terms import COMPILED as _COMPILED
from cartnav.criteria.therapy_terms import INDEX as _INDEX
from cartnav.criteria.therapy_terms import LITERALS as _LITERALS
from cartnav.criteria.therapy_terms import TKI_INDEX as _TKI_INDEX
from cartnav.criteria.units import DURATION, DURATION_RE, duration_days
from cartnav.domain.criterion import Constraint, ItemKind

_CUE_BEFORE_RE = re.compile(
    r"\b(?:prior|previous(?:ly)?|history\s+of|received|receiving|receive|receipt\s+of|undergone|"
    r"underwent|treated\s+with|treatment\s+with|therapy\s+with|exposure\s+to|exposed\s+to|after|"
    r"recipients?\s+of|"
    r"prescribed|participat\w+\s+in|enrolled\s+in|post|following|failed|failure\s+of|refractory\s+to|use\s+of|used|uses?|administration\s+of|"
    r"have\s+had|has\s+had|had|current|concurrent|ongoing|on|taking|needs?\s+to\s+take|"
    r"long[- ]term|chronic|(?:them|which)\s+including|"
    r"(?:strateg\w+|regimens?|lines?|therap\w+|treatments?)\s*,?\s+including)\b"
)
_CUE_AFTER_RE = re.compile(
    r"[\s\w()/-]{0,30}?\b(?:within|in\s+the\s+(?:last|past|previous)|is\s+allowed|are\s+allowed|"
    r"permitted|must\s+be\s+(?:stopped|discontinued|completed)|were\s+used|was\s+used|"
    r"are\s+used|is\s+used|used)\b"
)
_STUDY_BEFORE_RE = re.compile(
    r"(?:prior\s+to|before|at\s+the\s+time\s+of|until|day\s+of|after|following|post|infused)\s+"
    r"(?:the\s+)?(?:study\s+|planned\s+|scheduled\s+|first\s+)?(?:[\w-]+\s+)?$"
)
_STUDY_AFTER_RE = re.compile(
    r"[\s-]*(?:\w*leucel\s*)?(?:\([^()]{0,20}\)\s*)?(?:cells?\s+|t[- ]cells?\s+|products?\s+)?"
    r"(?:infusion|administration|manufactur\w*|"
    r"treatment\s+in\s+this|apheresis|collection|reinfusion)"
)
_ALLOWED_RE = re.compile(
    r"\b(?<!not\s)(?<!not\sbe\s)(?<!never\s)(?:allowed|permitted|acceptable|"
    r"(?:is|are|will\s+be)\s+eligible|"
    r"may\s+(?:have\s+(?:had|received|undergone|been\s+(?:treated|exposed))|be\s+(?:included|enrolled|"
    r"eligible))|"
    r"can\s+be\s+(?:used|given|continued)|"
    r"can\s+be\s+(?:included|enrolled)|not\s+(?:be\s+)?excluded|not\s+an?\s+exclusion|"
    r"not\s+exclusionary|(?:not\s+(?:be\s+)?required\s+to\s+have|no)\s+(?:a\s+)?waiting\s+period|"
    r"no\s+(?:time\s+)?restrictions?)\b"
)
_CONDITIONAL_RE = re.compile(
    r"(?:patients?|subjects?|participants?|those|individuals?|recipients?)\s+(?:with|who\s+(?:have|has)"
    r"\s+(?:had|received|undergone|been\s+treated\s+with)|previously\s+(?:treated\s+with|exposed\s+to)|"
    r"who\s+(?:previously\s+)?received)\s+(?:an?\s+)?(?:history\s+of\s+)?(?:an?\s+)?(?:prior\s+|previous\s+)?"
    r"(?:[\w-]+\s+){0,3}$"
)
_IF_FOR_RE = re.compile(r"\s*(?:if|for)\b")
_WITHIN_RE = re.compile(
    # "Exceptions: 6 weeks for gemtuzumab ...": a washout list
    rf"(?<![\w-])(?<!than\s){DURATION}\s+for\s+(?=[a-z])(?!(?:the\s+)?(?:first|last|duration|"
    rf"apheresis|leukapheresis|infusion|collection|enrol\w*|screening|registration))|"
    rf"\bin\s+the\s+{DURATION}\s+(?:preceding|prior|before)|"
    # "in the recent 1 month": an English rendering of a Chinese registration (近1个月内)
    rf"(?:within|in\s+the\s+(?:last|past|previous|recent)|during\s+the\s+(?:last|past|recent))"
    rf"\s+(?:the\s+)?"
    rf"(?:last\s+|past\s+|previous\s+|prior\s+)?{DURATION}"
    # "less than 4 weeks from the last clinical trial": within 4 weeks of it
    rf"|(?:<|less\s+than|fewer\s+than)\s*{DURATION}\s+(?:from|since|after)\s+(?:the\s+)?(?:last|previous|"
    rf"prior|most\s+recent)\b"
    rf"|(?:[<>]|less\s+than|fewer\s+than|more\s+than|at\s+least|≥|>=)?\s*{DURATION}"
    rf"\s+(?:prior|before|of\s+(?:screening|enrol|enrollment|registration|study))"
)
_SINCE_RE = re.compile(
    rf"(?:at\s+least|≥|>=|>|more\s+than|over|greater\s+than)\s*{DURATION}\s+"
    rf"(?:(?:of\s+)?intervals?\s+)?(?:from|since|after|post)|"
    # "previous systemic anticancer treatment completed >= 3 weeks (prior to enrollment)"
    rf"\b(?:completed|ended|stopped|discontinued)\s+(?:at\s+least\s+|≥\s*|>=\s*|>\s*|more\s+than\s+)"
    rf"{DURATION}"
)
# every _SINCE_RE match holds one of the first pieces and one of the second (cheap pre-checks)
_SINCE_KEYS = ("least", "≥", ">", "than", "over")
_SINCE_ENDS = ("from", "since", "after", "post", "completed", "ended", "stopped", "discontinued")
_ELAPSED_RE = re.compile(  # "At least 2 weeks ... must have elapsed since any prior therapy"
    rf"(?:at\s+least|≥|>=|>|more\s+than)\s*{DURATION}[^.;]{{0,60}}?\s"
    rf"(?:elapsed|passed)\s+(?:since|from)"
)
_TOXICITY_OF_RE = re.compile(
    r"toxicit\w*\s+(?:of|from|due\s+to|related\s+to|caused\s+by)\s+(?:the\s+|any\s+)?"
    r"(?:previous|prior|preceding|earlier)?\s*$"
)
_CAUSED_BY_RE = re.compile(
    r"\b(?:caused\s+by|due\s+to|related\s+to|attributed\s+to|resulting\s+from|from)\s+"
    r"(?:the\s+|any\s+)?(?:previous|prior|preceding|earlier)?\s*$"
)
_HARM_RE = re.compile(r"toxicit|adverse\s+(?:event|reaction|effect)|side[- ]effect|\baes?\b")
_STUDY_CHEMO_RE = re.compile(
    r"(?:conditioning|lympho-?\s*deplet\w*|lymphodepletion|preparative|bridging)\s+(?:\w+\s+)?$"
)
_EXCEPTION_CUT_RE = re.compile(
    r"\b(?:with\s+the\s+exception\s+(?:of|that)|except|unless|other\s+than|excluding|"
    r"apart\s+from)\b"
)
_FROM_START_RE = re.compile(
    r"\s+(?:from|since|of|after)\s+(?:the\s+)?(?:initiation|start|beginning|diagnosis|first\s+dose)|"
    # "early relapse within 12 months after treatment discontinuation": when a relapse came
    r"\s+(?:after|of|from)\s+(?:the\s+)?(?:end\s+of\s+|completion\s+of\s+)?(?:\w+\s+)?"
    r"(?:discontinuation|cessation|completion|end)\b|\s+after\s+(?:achieving\s+)?(?:a\s+)?"
    r"(?:complete\s+)?(?:remission|cr)\b"
)
_SINCE_REMISSION_RE = re.compile(
    r"\s*(?:achieving\s+)?(?:an?\s+|the\s+)?(?:first\s+)?(?:complete\s+)?(?:remission|cr\d?)\b|"
    r"\s*(?:the\s+)?(?:initial\s+)?diagnosis\b"
)
_ELIGIBLE_IF_RE = re.compile(r"\beligible\s+(?:only\s+)?(?:if|provided|when)\b")
_INCL_STRICT_CUE_RE = re.compile(
    r"\b(?:intoleran\w+\s+(?:to|of)|failed|fail(?:ure|ed)?\s+(?:of|to\s+respond\s+to)|"
    r"refractory\s+to|resistant\s+to|treated\s+with|received|receiving|using|exposed\s+to|"
    # "prior treatment with ibrutinib", "prior treatment with EGFR TKI"
    r"(?:prior|previous)\s+(?:treatment|therapy|exposure)\s+(?:with|to)\s+(?:an?\s+)?"
    r"(?:[a-z0-9]+(?:-[a-z0-9]+)?\s+){0,2}$|"
    # "previous drug treatment consisted of a platinum-based chemotherapy"
    r"(?:prior|previous)\s+(?:[\w-]+\s+)?(?:treatments?|therap(?:y|ies))\s+"
    r"(?:consisted\s+of|consisting\s+of|included)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}$|"
    r"after\s+(?:\w+\s+){0,2}?(?:including|with)|"
    # "at least 2 treatment regimens (one of them including rituximab)"
    r"(?:them|which)\s+including|"
    # "two or more lines of systemic therapy, including an anti-CD20 antibody and an anthracycline"
    r"(?:regimens?|lines?|therap(?:y|ies)|treatments?)\s*,?\s+(?:which\s+)?(?:must\s+)?(?:have\s+)?"
    r"includ(?:ing|ed|e)\b|"
    # "has had at least one prior systemic treatment"
    r"(?:ha(?:s|ve|d)\s+had|ha(?:s|ve)\s+received)\s+(?:at\s+least\s+)?(?:one|two|three|\d)\b)"
)
_NAIVE_RE = re.compile(r"[\s-]*(?:\(\w+\)\s*)?(?:treatment[- ]|therapy[- ])?na[iï]ve\b")
_LINES_RE = re.compile(
    r"(?:at\s+least|≥|>=|minimum\s+of|(?P<n2>\d|two|three|four)\s+or\s+more)\s*"
    r"(?P<n>\d|one|two|three|four|five)?\s*(?:(?:prior|previous|different|standard|"
    r"combination|systemic|treatment|therapy|chemotherapy|anti-?\s?[a-z]+|lines?\s+of)\s+)*"
    r"(?:lines?|regimens?)\b"
    r"(?:\s+of\s+(?:(?:prior|previous|systemic|standard|combination)\s+)*"
    r"(?:therap(?:y|ies)|treatments?|chemotherap(?:y|ies)))?"
)
# a further therapy in the same list as an accepted one: "X ... or other chronic Y"
_LISTED_RE = re.compile(r"[^.;]{0,120}?(?:\bor|\band|,)\s+(?:other\s+|any\s+)?(?:[\w-]+\s+){0,2}$")
_WORD_COUNT = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_OTHER_THAN_RE = re.compile(r"\b(?:other\s+than|except(?:\s+for)?|excluding|apart\s+from)\s+$")
_STRONG_CUE_RE = re.compile(
    r"\b(?:prior|previous(?:ly)?|history\s+of|received|undergone|underwent|treated\s+with|"
    r"treatment\s+with|therapy\s+with|exposure\s+to|exposed\s+to|after|post|following|failed|"
    r"failure\s+of|refractory\s+to|relapsed?|have\s+had|has\s+had|had|recipients?\s+of)\b"
)
_REQUIRING_RE = re.compile(
    r"\b(?:requir(?:ing|es?|ed)|need(?:ing|s|ed)?|should\s+receive)\s+(?:the\s+use\s+of\s+|"
    r"systemic\s+(?:administration\s+of\s+)?|urgent\s+)?$"
)
_PAST_CUE_RE = re.compile(r"\b(?:prior|previous(?:ly)?|history\s+of|received|treated\s+with)\b")
_GVHD_AFTER_RE = re.compile(
    r"(?:gvhd|graft[- ]+(?:versus|vs\.?)[- ]+host\s+disease)\s*(?:\(gvhd\)\s*)?(?:after|following|"
    r"post)[- ]?\s*$"
)
_WHO_REQUIRE_RE = re.compile(  # "patients requiring ... therapy": the therapy is the point
    r"\b(?:patients?|subjects?|participants?|those|individuals?)\s+(?:who\s+)?"
    r"(?:requir(?:ing|es?)|need(?:ing|s)?)\s+(?:[\w-]+\s+){0,3}?$"
)
_PLANNED_RE = re.compile(
    r"(?:planned|future|candidates?\s+for|eligible\s+(?:for|to\s+receive)|ineligible\s+for|"
    r"suitable\s+for|fit\s+(?:for|to\s+receive)|"
    r"unsuitable\s+for|contraindicat\w*\s+(?:to|for)|available|bridge\s+to|prior\s+to|before)\s+"
    r"(?:[\w-]+\s+){0,2}$"
)
# "subjects expected to require any form of antitumor treatment during the study, including ..."
_FUTURE_RE = re.compile(
    r"\b(?:expected|likely|planned|plans?|intend\w*|anticipated)\s+to\s+(?:require|receive|need|undergo)\b"
)
_DURATION_WORDS = frozenset(
    {
        "day",
        "days",
        "d",
        "week",
        "wk",
        "wks",
        "mont",
        "mo",
        "mos",
        "year",
        "yr",
        "yrs",
        "hour",
        "hr",
    }
    | {"hrs", "h"}
)
# a sentence ends at "." or ";" before a space, but not in "e.g. ", "i.e. ", "etc. ", "vs. "
_SENTENCE_RE = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.;](?:\s|$)")


@lru_cache(maxsize=64)
def _boundaries(folded: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the item's sentence breaks, found once per item."""
    found = [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(folded)]
    return [a for a, _ in found], [b for _, b in found]


def _sentence(folded: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``folded[start:end]`` (a break right before ``start`` counts too)."""
    starts, ends = _boundaries(folded)
    k = bisect.bisect_right(ends, start)
    s = ends[k - 1] if k else 0
    if start and folded[start - 1] in ".;" and _SENTENCE_RE.match(folded, start - 1, start):
        s = start
    j = bisect.bisect_left(starts, end)
    return s, (starts[j] if j < len(starts) else len(folded))


Timing = dict[str, list[tuple[int, int, int]]]  # "within_days"/"min_days_since" -> spans, days


def _timing(folded: str, words: set[str]) -> Timing:
    """Washout ("within 4 weeks") and time-since ("at least 100 days from") phrases, once."""
    out: Timing = {"within_days": [], "min_days_since": []}
    if _DURATION_WORDS.isdisjoint(words):
        return out
    rxs = [("within_days", _WITHIN_RE)]
    if any(key in folded for key in _SINCE_KEYS) and any(key in folded for key in _SINCE_ENDS):
        rxs.append(("min_days_since", _SINCE_RE))
    if "elapsed" in folded or "passed" in folded:
        rxs.append(("min_days_since", _ELAPSED_RE))
    for key, rx in rxs:
        for m in rx.finditer(folded):
            if key == "within_days" and _FROM_START_RE.match(folded, m.end()):
                continue  # "within 12 months from initiation of induction": where in the course
            if key == "min_days_since" and _SINCE_REMISSION_RE.match(folded, m.end()):
                continue  # "late relapse >= 12 months after complete remission": a relapse's time
            d = DURATION_RE.search(m.group(0))
            if d is not None:
                out[key].append((m.start(), m.end(), duration_days(d.group("n"), d.group("unit"))))
    return out


def _days(phrases: list[tuple[int, int, int]], lo: int, hi: int, near: int) -> int | None:
    best: tuple[int, int] | None = None
    for start, _, days in phrases:
        if lo <= start < hi:
            dist = abs(start - near)
            if best is None or dist < best[0]:
                best = (dist, days)
    return best[1] if best else None


_CONDITIONAL_HEADING_RE = re.compile(r"\b(?:if|when|unless|provided(?:\s+that)?)\s*:\s*$")
_HEADING_RE = re.compile(r"\s*[\w\s/,&()-]{1,40}:\s*")
# "Have received the following prior systemic antitumor therapy:": its sub-items say which
_FOLLOWING_HEADING_RE = re.compile(r"\bfollowing\b[^.;:]{0,60}:\s*$")


def find_therapy(
    folded: str,
    kind: ItemKind,
    exceptions: list[tuple[int, int, int]],
    post_hsct: bool,
    words: set[str],
) -> list[Constraint]:
    if (
        _HEADING_RE.fullmatch(folded)
        or _CONDITIONAL_HEADING_RE.search(folded)
        or (_FOLLOWING_HEADING_RE.search(folded) and not _ALLOWED_RE.search(folded))
    ):
        return []  # "Chemotherapy:", "... are excluded if:": a heading; its sub-items say what
    taken: list[tuple[int, int]] = []
    out: list[Constraint] = []
    seen: set[str] = set()
    timing: Timing | None = None
    not_prior: frozenset[str] | None = None
    active = [i for i in _INDEX.active(words) if _literal_ok(i, folded)]
    if _CHEMO_INDEX not in active and (
        "neoplast" in folded or "tumo" in folded or "cancer" in folded
    ):
        active = sorted([*active, _CHEMO_INDEX])
    if _TKI_INDEX not in active and (
        "tinib" in folded or "inhibitor" in folded or "target" in folded
    ):
        # any "-tinib" drug name, a kinase inhibitor named by its target
        active = sorted([*active, _TKI_INDEX])
    for index in active:
        name, rx, strict, _keys = _COMPILED[index]
        for m in rx.finditer(folded):
            start, end = m.start(), m.end()
            if taken and any(not (end <= a or start >= b) for a, b in taken):
                continue
            taken.append((start, end))
            if name in seen:
                continue
            if exceptions and in_exception(exceptions, start):
                if (
                    kind == "exclusion"
                    and out
                    and _OTHER_THAN_RE.search(folded, max(0, start - 20), start)
                ):
                    # "CD19 directed therapy other than blinatumomab": that one is allowed
                    seen.add(name)
                    attrs = {"therapy": name, "requirement": "allowed", "within_days": None}
                    out.append(Constraint("prior_therapy", attrs, (start, end)))
                continue
            if not_prior is None:
                not_prior = _not_prior_cues(folded)
            if not_prior and _not_a_prior_therapy(folded, start, end, not_prior):
                continue  # "chemotherapy ... is ineffective", "relapse during chemotherapy"
            if name == "chemotherapy" and seen and _in_drug_list(folded, start, m.group()):
                continue  # "immunosuppressants (e.g. methotrexate)": examples of another therapy
            if timing is None:
                timing = _timing(folded, words)
            listed = (
                kind == "exclusion"
                and bool(out)
                and _LISTED_RE.match(folded, out[-1].span[1], start) is not None
            )
            c = _constraint(folded, kind, name, start, end, strict, post_hsct, timing, listed)
            if c is not None:
                seen.add(name)
                out.append(c)
                if name == "cd19_directed" and "cd22" in folded[start:end]:
                    # "CD19/CD22-directed monoclonal antibody": both targets
                    seen.add("cd22_directed")
                    attrs = {**c.attrs, "therapy": "cd22_directed"}
                    out.append(Constraint(c.type, attrs, c.span, c.alternative))
    if out and "(" in folded:
        out = [c for c in out if not _in_examples(folded, c.span[0], out)]
    if "hsct" in seen and ("allo_hsct" in seen or "auto_hsct" in seen):
        out = [c for c in out if c.attrs["therapy"] != "hsct"]
    if kind == "inclusion" and "chemotherapy" not in seen and ("line" in words or "regi" in words):
        out.extend(_lines(folded, exceptions))
    if kind == "inclusion" and len(out) > 1:
        out = _negation_over_list(folded, out)
    out = _assign_durations(folded, out, timing) if timing is not None else out
    return [_washout(c) for c in out]


_LIST_GAP_RE = re.compile(r"[\s,/]*(?:(?:or|and|nor|and/or)\s+)?(?:[\w-]+\s*\(\s*)?")


def _negation_over_list(folded: str, found: list[Constraint]) -> list[Constraint]:
    """ "did not receive chemotherapy, radiotherapy or ...": the negation covers the whole list,
    not only the first therapy in reach of the negating word."""
    ordered = sorted(found, key=lambda c: c.span)
    for i in range(1, len(ordered)):
        prev, c = ordered[i - 1], ordered[i]
        if (
            prev.attrs["requirement"] == "excluded"
            and c.attrs["requirement"] == "required"
            and _LIST_GAP_RE.fullmatch(folded, prev.span[1], c.span[0])
        ):
            ordered[i] = Constraint(
                c.type, {**c.attrs, "requirement": "excluded"}, c.span, c.alternative
            )
    return ordered


_GENERIC_CHEMO_RE = re.compile(r"chemo|therap|neoplast|tumo|cancer|treatment|agent|drug|medication")


def _in_drug_list(folded: str, start: int, matched: str) -> bool:
    """Is a cytotoxic drug named only as an example inside a parenthesis?"""
    if _GENERIC_CHEMO_RE.search(matched):
        return False
    open_p = folded.rfind("(", 0, start)
    return open_p >= 0 and folded.rfind(")", open_p, start) < 0


_NOT_TAKEN_RE = re.compile(r"\s+(?:[\w,]+\s+){0,5}?(?:is|are|was|were)\s+ineffective")
_TOLERATE_BEFORE_RE = re.compile(
    r"\btolerate\s+(?:the\s+|current\s+|further\s+){0,2}$|"
    # "requires an allogeneic HCT as part of standard of care": a plan, not a prior therapy
    r"\b(?:requires?|requiring|needs?|candidates?\s+for|planned|plan\s+to\s+(?:proceed\s+to|"
    r"receive|undergo))\s+(?:an?\s+|the\s+)?$"
)
# "relapse during chemotherapy": when the relapse came, not a therapy rule (unless the item
# allows that therapy: "patients who relapse on maintenance ... need no waiting period")
_DURING_BEFORE_RE = re.compile(
    r"\b(?:relapse[sd]?|progress\w*|recurrence)\s+(?:during|on|while\s+(?:on|receiving))\s+"
    r"(?:\w+\s+){0,2}?$"
)
_NOT_PRIOR_KEYS = {
    "ineffective": "taken",
    "tolerat": "tolerate",
    "requir": "tolerate",
    "need": "tolerate",
    "candidate": "tolerate",
    "plan": "tolerate",
    "during": "during",
    "while": "during",
    " on ": "during",
}


def _not_prior_cues(folded: str) -> frozenset[str]:
    """Which of the "not a prior therapy" wordings the item could hold (substring tests)."""
    return frozenset(kind for key, kind in _NOT_PRIOR_KEYS.items() if key in folded)


def _not_a_prior_therapy(folded: str, start: int, end: int, cues: frozenset[str]) -> bool:
    """A therapy that failed or was not tolerated, one a relapse came during, or one the patient
    still needs: not a prior-therapy rule."""
    if "taken" in cues and _NOT_TAKEN_RE.match(folded, end):
        return True
    if "tolerate" in cues and _TOLERATE_BEFORE_RE.search(folded, max(0, start - 30), start):
        return True
    return (
        "during" in cues
        and _DURING_BEFORE_RE.search(folded, max(0, start - 40), start) is not None
        and not _ALLOWED_RE.search(folded)
    )


_EXAMPLES_OPEN_RE = re.compile(r"\(\s*(?:e\.?\s?g\.?|i\.?\s?e\.?|for\s+example|such\s+as)[\s,:]")
# "an autoimmune disease that has required systemic treatment (i.e. corticosteroids ...)"
_GENERIC_BEFORE_RE = re.compile(
    r"\b(?:treatment|therapy|therapies|agents|drugs|medications)\b[^().;]{0,30}$"
)


def _in_examples(folded: str, start: int, found: list[Constraint]) -> bool:
    """Is ``start`` inside a parenthesis of examples ("(e.g. ...", "(such as ...") of a therapy
    already found in the same sentence, or of a treatment named just before it?"""
    depth = 0
    for pos in range(start - 1, -1, -1):  # every parenthesis enclosing ``start``
        ch = folded[pos]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth > 0:
                depth -= 1
            elif _EXAMPLES_OPEN_RE.match(folded, pos) is not None:
                if _GENERIC_BEFORE_RE.search(folded, max(0, pos - 30), pos):
                    return True
                sentence_start = _sentence(folded, pos, pos)[0]
                return any(sentence_start <= c.span[0] < pos for c in found)
    return False


def _literal_ok(index: int, folded: str) -> bool:
    """Can the pattern at ``index`` match at all (a literal piece of it is in the text)?"""
    literals = _LITERALS.get(index)
    return literals is None or any(piece in folded for piece in literals)


def _lines(folded: str, exceptions: list[tuple[int, int, int]]) -> list[Constraint]:
    """ "at least two lines of therapy" / "2 or more prior regimens": prior treatment required."""
    for m in _LINES_RE.finditer(folded):
        token = m.group("n") or m.group("n2")
        if token is None or in_exception(exceptions, m.start()):
            continue
        n = _WORD_COUNT.get(token) or (int(token) if token.isdigit() else None)
        if n is None or negated_before(folded, m.start(), 12):
            continue
        attrs: dict[str, Any] = {"therapy": "chemotherapy", "requirement": "required"}
        attrs.update(within_days=None, min_lines=n)
        return [Constraint("prior_therapy", attrs, (m.start(), m.end()))]
    return []


def _washout(c: Constraint) -> Constraint:
    """A treatment with a time window is a washout: excluded within the window, whatever the
    wording ("at least 100 days post-transplant" -> excluded within 100), unless the text
    explicitly allows it ("may be enrolled provided ...")."""
    attrs = dict(c.attrs)
    explicit = attrs.pop("_explicit", False)
    since = attrs.get("min_days_since")
    timed = since is not None or attrs.get("within_days") is not None
    if timed and not (attrs["requirement"] == "allowed" and explicit):
        attrs["requirement"] = "excluded"
        if since is not None:
            attrs["within_days"] = attrs.pop("min_days_since")
    return Constraint(c.type, attrs, c.span, c.alternative)


def _assign_durations(folded: str, found: list[Constraint], timing: Timing) -> list[Constraint]:
    """Give each washout / time-since phrase to the nearest therapy in its sentence."""
    if not found or not (timing["within_days"] or timing["min_days_since"]):
        return found
    attrs = [dict(c.attrs, within_days=c.attrs.get("within_days")) for c in found]
    for key, phrases in timing.items():
        for p_start, p_end, days in phrases:
            s_start, s_end = _sentence(folded, p_start, p_end)
            best: tuple[int, int] | None = None
            for i, c in enumerate(found):
                if not s_start <= c.span[0] < s_end:
                    continue
                dist = min(abs(c.span[1] - p_start), abs(p_end - c.span[0]))
                if best is None or dist < best[0]:
                    best = (dist, i)
            if best is not None and attrs[best[1]].get(key) is None:
                attrs[best[1]][key] = days
    # "chemotherapy or radiotherapy within 21 days": the window belongs to the whole list
    order = sorted(range(len(found)), key=lambda k: found[k].span[0])
    for _ in range(2):  # both directions along the list
        for a, b in itertools.pairwise(order):
            if not _LIST_JOIN_RE.fullmatch(folded, found[a].span[1], found[b].span[0]):
                continue
            for key in ("within_days", "min_days_since"):
                if attrs[a].get(key) is None and attrs[b].get(key) is not None:
                    attrs[a][key] = attrs[b][key]
                elif attrs[b].get(key) is None and attrs[a].get(key) is not None:
                    attrs[b][key] = attrs[a][key]
    return [Constraint(c.type, a, c.span, c.alternative) for c, a in zip(found, attrs, strict=True)]


_JOIN = r"\s*(?:,\s*(?:or\s+|and\s+)?|or|and|and/or|/)\s*"
# "chemotherapy, targeted therapy, immunotherapy": list items without a token may lie between
_LIST_JOIN_RE = re.compile(rf"{_JOIN}(?:[a-z][\w-]*(?:\s+[a-z][\w-]*){{0,2}}{_JOIN}){{0,3}}")


def _constraint(
    folded: str,
    kind: ItemKind,
    name: str,
    start: int,
    end: int,
    strict: bool,
    post_hsct: bool,
    timing: Timing,
    listed: bool = False,
) -> Constraint | None:
    s_start, s_end = _sentence(folded, start, end)
    before = folded[max(s_start, start - 60) : start]
    after = folded[end : min(s_end, end + 40)]
    if _STUDY_BEFORE_RE.search(before) and _STUDY_AFTER_RE.match(after):
        return None  # the study's own infusion, not a prior therapy
    if _TOXICITY_OF_RE.search(before[-40:]) or (
        _CAUSED_BY_RE.search(before[-40:]) and _HARM_RE.search(before)
    ):  # "toxicities (CTCAE grade > 2) caused by previous anticancer therapy"
        return None  # "toxicity of previous anti-tumour therapy has not resolved": recovery
    if name == "chemotherapy" and _STUDY_CHEMO_RE.search(before[-30:]):
        return None  # "conditioning / lymphodepleting chemotherapy": the study's own regimen
    own = _STUDY_AFTER_RE.match(folded, end, s_end)
    if name == "car_t" and own and not _PAST_CUE_RE.search(before[-30:]):
        return None  # "... through 6 months after brexucabtagene (KTE-X19) infusion": this study's
    if name == "car_t" and not _STRONG_CUE_RE.search(before[-50:]):
        return None  # CAR-T named without a past-treatment cue is usually the study's own
    if _PLANNED_RE.search(before) or _FUTURE_RE.search(folded, s_start, start):
        return None  # a future or hypothetical treatment, not a prior one
    if name.endswith("hsct") and re.match(
        r"\s*(?:recipients?\s+(?:with|who)|(?:patients?|recipients?)\s+only\b)", after
    ):
        return None  # "transplant recipients with active GVHD": who the item is about
    if kind == "exclusion" and _WITH_TOXICITY_RE.match(folded, end, min(s_end, end + 60)):
        return None  # "prior CD19 therapy with grade 4 toxicity": excludes only that history
    if name.endswith("hsct") and _GVHD_AFTER_RE.search(before[-40:]):
        return None  # "GVHD after allo-HSCT": the transplant only says where the GVHD comes from
    who_requires = _WHO_REQUIRE_RE.search(before[-40:]) is not None  # "patients requiring ..."
    if strict and _REQUIRING_RE.search(before[-60:]) and not who_requires:
        return None  # "pneumonitis requiring steroids": the item is about the condition
    within = _days(timing["within_days"], s_start, s_end, start)
    since = _days(timing["min_days_since"], s_start, s_end, start)
    cue = (
        _CUE_BEFORE_RE.search(before[-45:]) is not None
        or who_requires
        or _CUE_AFTER_RE.match(after) is not None
        or (listed and kind == "exclusion")  # "glucocorticoids ... or other immunosuppressants"
    )
    leading = _LEADING_RE.fullmatch(folded, 0, start) is not None
    negated = negated_before_words(folded, start, 40)
    if negated and _NOT_REACHED_BY_RE.search(before[-60:]):
        return None  # "CR not achieved after standardized chemotherapy": the status says it
    if (
        strict
        and within is None
        and since is None
        and not (kind == "exclusion" and (cue or leading))
    ):
        incl_ok = kind == "inclusion" and (
            _INCL_STRICT_CUE_RE.search(before[-60:]) is not None
            or _NAIVE_RE.match(after) is not None
            or (negated and _CUE_BEFORE_RE.search(before[-45:]) is not None)
            # "Not participating in a clinical trial": the participation is the cue
            or (negated and name == "investigational_agent")
        )
        if not incl_ok and not _ALLOWED_RE.search(_scope(folded, s_start, s_end, start)):
            return None  # ("who have undergone radiotherapy may be enrolled": allowed, below)
    if not strict and not cue and within is None and since is None and not leading:
        return None
    if (
        name == "car_t"
        and re.match(r"ctl019|tisagen", folded[start:end])
        and not re.search(r"\b(?:prior|previous|history|received|failed)\b", before)
    ):
        return None  # the study's own product named in passing
    if (
        name in ("hsct", "allo_hsct", "auto_hsct")
        and post_hsct
        and since is None
        and re.search(
            r"(?:relapse|recur|progress)\w*\s+(?:[\w()/]+\s+){0,4}?(?:after|post|following|of)"
            r"[-\s]\s*(?:\S+\s+){0,4}$",
            folded[max(s_start, start - 60) : start],
        )
    ):
        return None  # "relapse after transplant" is a disease status, not a therapy item
    # "... with the exception of those who are eligible for re-treatment": the words of an
    # exception clause after the mention describe the exception, not the therapy
    cut = _EXCEPTION_CUT_RE.search(folded, end, s_end)
    sentence = _scope(folded, s_start, cut.start() if cut else s_end, start)
    conditional = (
        _CONDITIONAL_RE.search(folded[max(s_start, start - 70) : start]) is not None
        or _IF_FOR_RE.match(folded, s_start) is not None
    ) and not _ELIGIBLE_IF_RE.search(folded, s_start, start)
    requirement: str
    explicit = (
        _ALLOWED_RE.search(sentence) is not None
        and not _ELIGIBLE_IF_RE.search(folded, s_start, start)
        and not _USE_UNTIL_RE.search(sentence)  # allowed only until a washout before the study
    )
    if kind == "inclusion":
        if negated or _NAIVE_RE.match(after):
            requirement = "excluded"  # "no prior X", "X treatment-naive"
        elif explicit or conditional:
            requirement = "allowed"
        else:
            requirement = "required"
    else:
        if negated:
            return None
        requirement = "allowed" if explicit else "excluded"
    attrs: dict[str, Any] = {"therapy": name, "requirement": requirement, "within_days": None}
    attrs["_explicit"] = explicit
    return Constraint("prior_therapy", attrs, (start, end))


# "TKIs can be used two weeks before lymphodepleting chemotherapy", "hydroxyurea is allowed until
# 3 days before infusion": allowed up to a washout, which is what the item states
_USE_UNTIL_RE = re.compile(
    r"(?:can\s+be\s+(?:used|given|continued)|allowed|permitted)\s+(?:until|up\s+to)?\s*"
    rf"(?:{DURATION})\s+(?:before|prior\s+to)\b"
)
_NOT_REACHED_BY_RE = re.compile(
    r"(?:\b(?:not|cannot|can\s*not)\s+(?:be\s+|been\s+)?(?:completely\s+)?(?:achiev(?:e|ed|ing)|"
    r"attain(?:ed|ing)?|obtain(?:ed|ing)?|reach(?:ed|ing)?|relieved)\b[^.;]{0,30}?|"
    r"\bno\s+(?:cr|complete\s+remission|remission|"
    r"response)\s+)\b(?:after|by|following|with)\s+(?:[\w>≥<≤=-]+\s+){0,5}$"
)
_WITH_TOXICITY_RE = re.compile(
    r"\s*(?:[\w-]+\s+){0,3}?(?:with|resulting\s+in|that\s+caused|causing|complicated\s+by)\s+"
    r"(?:an?\s+)?(?:history\s+of\s+)?(?:grade|severe|serious|≥|>=|life[- ]threatening|fatal)"
)
_LEADING_RE = re.compile(
    r"[\s*:\-]*(?:(?:any|other|prior|previous|recent|current|concurrent|ongoing|active|salvage|systemic|"
    r"intrathecal|the|ipsilateral|contralateral|chest|thoracic|mediastinal|cranial|craniospinal|"
    r"whole[-\s]brain|pelvic|abdominal|localized|local|palliative|extensive|high[-\s]dose)\s+)*"
)


def _scope(folded: str, s_start: int, s_end: int, pos: int) -> str:
    """The text that decides a mention's requirement: its parenthesis when it sits in one,
    otherwise its sentence without parenthetical asides."""
    open_p = folded.rfind("(", s_start, pos)
    if open_p >= 0 and folded.rfind(")", open_p, pos) < 0:
        close = folded.find(")", pos, s_end)
        return folded[open_p : close if close >= 0 else s_end]
    sentence = folded[s_start:s_end]
    return re.sub(r"\([^()]*\)", " ", sentence) if "(" in sentence else sentence
