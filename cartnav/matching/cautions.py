"""Cautions: reading the criteria parser's output so that a misread never stops a patient.

The parser may split a sentence it cannot fully read, miss a negation or a qualifier, or take a
sub-group's age for the trial's. Each function here only ever turns a failure into ``unknown``
(documented in docs/matching.md); :mod:`cartnav.matching.items` marks such unknowns
``cautious``, which keeps the trial from being called likely.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from cartnav.domain.criterion import Constraint, CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching.combine import all_of, any_of
from cartnav.matching.evaluators.disease import relation
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation
from cartnav.matching.trial_traits import diseases_in

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
UnitKey = tuple[str, object]
OR_WORDS = re.compile(r"\bor\b|/|\beither\b|\bany of\b", re.IGNORECASE)
QUALIFIED = re.compile(
    r"uncontrol|not (?:well )?controlled|symptomatic|requiring|progressive|replicat|viral load"
    r"|detectable|clinically significant",
    re.IGNORECASE,
)
ACTIVE = re.compile(r"\bactive\b", re.IGNORECASE)
RELAPSE_WORDS = re.compile(r"relaps|recurr", re.IGNORECASE)
REFRACTORY_WORDS = re.compile(
    r"refractor|induction failure|fail\w* to (?:achieve|respond)|\bno cr\b|not achiev|non-?respon",
    re.IGNORECASE,
)
MRD_WORDS = re.compile(r"\bmrd\b|minimal residual|measurable residual", re.IGNORECASE)
CONDITIONAL = re.compile(
    r"\bif\b|\bprovided\b|\bunless\b|\bexcept\b|\bwill be eligible\b|\bare eligible\b"
    r"|\ballowed\b|\bpermitted\b|\bno time restriction\b|\bnot be required\b|\bmay\b"
    r"|\bplan(?:ned)?\b|\bproceed to\b|\bwill (?:undergo|receive)\b|\bcandidate for\b"
    r"|\bdonor identified\b|\brisk of\b|\bfuture\b|\bprospective\b",
    re.IGNORECASE,
)


def age_as_scope(
    item: CriterionItem, keys: Sequence[UnitKey], verdicts: dict[UnitKey, Verdict]
) -> None:
    """In an inclusion item with other conditions, an age range may only say whom the item
    applies to ("any on-treatment relapse in patients aged 16-24"): its failure is unknown."""
    if item.kind != "inclusion":
        return
    ages = [k for k, c in zip(keys, item.constraints, strict=True) if c.type == "age"]
    others = [
        k
        for k, c in zip(keys, item.constraints, strict=True)
        if c.type not in ("age", "consent", "logistics", "unknown")
    ]
    if ages and others:
        for key in ages:
            if verdicts.get(key) is NOT_MET:
                verdicts[key] = UNKNOWN


def names_own_population(item: CriterionItem) -> bool:
    """An exclusion made only of a disease and relapsed/refractory ("Recurrent or refractory ALL
    with testicular involvement") has a qualifier the parser did not read."""
    kinds = {
        c.attrs.get("status") if c.type == "disease_status" else c.type for c in item.constraints
    }
    return bool(kinds) and kinds <= {"disease", "relapsed", "refractory", "relapsed_or_refractory"}


def with_exception(evaluation: Evaluation, constraint: Constraint, kind: str) -> Evaluation:
    """An "except ..." clause may rescue the patient: never let it stop them by itself."""
    if not constraint.attrs.get("has_exception"):
        return evaluation
    stops = evaluation.verdict is (MET if kind == "exclusion" else NOT_MET)
    if not stops:
        return evaluation
    finding = f"{evaluation.finding}; the text makes an exception the study team must judge"
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, (), cautious=True)


def from_model(evaluation: Evaluation, constraint: Constraint, kind: str) -> Evaluation:
    """A constraint a language model read (``"source": "model"``, cartnav.criteria.refine) may
    inform, never rule a patient out: one that would stop the patient is a cautious unknown."""
    if constraint.attrs.get("source") != "model":
        return evaluation
    if evaluation.verdict is not (MET if kind == "exclusion" else NOT_MET):
        return evaluation
    finding = (
        f"{evaluation.finding}; a language model read this criterion, so the study team must"
        " confirm it"
    )
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, (), cautious=True)


def text_names_a_fitting_status(facts: PatientFacts, item: CriterionItem) -> bool:
    """The item's words name a disease status the patient has, or may have (the parser may have
    missed it: "primary refractory or relapsed B-ALL" read as primary refractory only). A missing
    fact counts as "may have", so removing a fact never makes a failure stricter."""
    course = facts.course
    text = item.text
    if course.relapse_count != 0 and RELAPSE_WORDS.search(text):
        return True
    if course.refractory is not False and REFRACTORY_WORDS.search(text):
        return True
    current = facts.profile.current
    mrd = current.mrd if current else None
    return (mrd is None or mrd > 0) and bool(MRD_WORDS.search(text))


THERAPY_CONTEXT = re.compile(
    r"\b(?:in)?eligible for\b|\bunsuitable for\b|\bnot (?:a )?(?:suitable|candidate|eligible)\b"
    r"|\bcontraindicat|\brefus|\bdeclin|\bunwilling"
    r"|\b(?:not (?:be )?able to|cannot|can not|unable to) (?:receive|undergo|tolerate)\b"
    r"|\bineffective\b|\bresistan|\bintoleran|\bnot (?:available|feasible)",
    re.IGNORECASE,
)


def therapy_in_context(
    evaluation: Evaluation, constraint: Constraint, item: CriterionItem
) -> Evaluation:
    """A treatment named as an option or a response ("ineligible for allo-HSCT", "chemotherapy
    was ineffective", "cannot tolerate chemotherapy") is not a statement about the history: a
    prior-therapy reading of it never stops the patient by itself."""
    if constraint.type != "prior_therapy" or not THERAPY_CONTEXT.search(item.text):
        return evaluation
    if evaluation.verdict is not (MET if item.kind == "exclusion" else NOT_MET):
        return evaluation
    finding = (
        f"{evaluation.finding}; the text speaks of eligibility for or response to the treatment,"
        " which the study team must judge"
    )
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, (), cautious=True)


_RELAPSE_STATUSES = frozenset(
    {"relapsed", "relapse", "relapsed_or_refractory", "second_or_later_relapse", "post_hsct"}
)


# targeted immunotherapies a CAR-T trial's exclusions speak of, and the history tokens for them
_TARGETED_WORDS = re.compile(
    r"\bcd ?19\b|\bcd ?22\b|\bcar[- ]?t\b|chimeric antigen|blinatumomab|inotuzumab"
    r"|tisagenlecleucel|axicabtagene|brexucabtagene|lisocabtagene",
    re.IGNORECASE,
)
_TARGETED_TOKENS = frozenset({"car_t", "cd19_directed", "cd22_directed", "blinatumomab"})
_THERAPY_WORDS = re.compile(r"therap|treat|prior|previous|received|infusion|product", re.IGNORECASE)


def unread_targeted_therapy(facts: PatientFacts, item: CriterionItem) -> str | None:
    """An exclusion the parser could not read ("Prior CD19 or CD22 targeted therapy with Grade 4
    toxicity or >= Grade 3 CRS") that speaks of a CAR-T or a CD19/CD22-directed therapy the
    history lists: it may stop the patient, so it is a cautious unknown. Returns the therapy's
    plain name, or None."""
    if item.kind != "exclusion" or any(c.type != "unknown" for c in item.constraints):
        return None
    if not _TARGETED_WORDS.search(item.text) or not _THERAPY_WORDS.search(item.text):
        return None
    for event in facts.course.therapies:
        if event.tokens & _TARGETED_TOKENS:
            return event.label
    return None


# "Individuals with Ph+ disease are eligible if ...": an item about Ph-positive patients only
_PH_SCOPE = re.compile(
    r"^\W*(?:patients?|individuals?|subjects?|participants?|those|children)\s+with\s+(?:a\s+)?"
    r"(?:ph\s*\+|ph[- ]positive|philadelphia(?:\s+chromosome)?[- ]positive|"
    r"philadelphia\s+chromosome\s+\(ph\)\s*[- ]?positive|bcr[- ]?abl1?[- ]positive)",
    re.IGNORECASE,
)


def only_for_ph_positive(facts: PatientFacts, item: CriterionItem) -> bool:
    """The item speaks of Ph-positive patients only and the profile says Ph-negative."""
    diagnosis = facts.profile.diagnosis
    return (
        item.kind == "inclusion"
        and item.group is None  # an option of a list stays one: its group decides
        and diagnosis is not None
        and diagnosis.ph_positive is False
        and _PH_SCOPE.search(item.text) is not None
    )


# when an MRD level is to be measured ("after reinduction", "at the end of induction", "prior to
# planned SCT"): a blast count of today does not tell it
_MRD_TIME_POINT = re.compile(
    r"\b(?:after|following|post|prior\s+to|before|during|at\s+(?:the\s+)?end\s+of|end\s+of|"
    r"at\s+(?:week|day)|time\s*point)\b",
    re.IGNORECASE,
)


def mrd_from_blasts_at_a_time_point(
    evaluation: Evaluation, constraint: Constraint, item: CriterionItem
) -> Evaluation:
    """An MRD level read from today's marrow blasts (disease_status evaluator) while the item
    asks for it at a point of the treatment ("MRD > 0.1% after reinduction"): unknown."""
    if (
        evaluation.verdict is not MET
        or constraint.attrs.get("status") != "mrd_positive"
        or evaluation.facts != ("current.marrow_blasts_pct",)
        or not _MRD_TIME_POINT.search(item.text)
    ):
        return evaluation
    finding = (
        f"{evaluation.finding}; but the trial asks for the MRD at a point of the treatment, which"
        " the blast count of today does not show"
    )
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, (), cautious=True)


def names_a_relapse_the_patient_lacks(facts: PatientFacts, item: CriterionItem) -> bool:
    """A met disease-status inclusion whose words also ask for a relapse the parser did not read
    ("MRD > 0.1% after reinduction for relapsed ALL") for a patient who has never relapsed."""
    if item.kind != "inclusion" or facts.course.relapse_count:
        return False  # a relapse is known (an unknown course may lack one: kept cautious)
    statuses = {str(c.attrs.get("status")) for c in item.constraints if c.type == "disease_status"}
    if not statuses or statuses & _RELAPSE_STATUSES:
        return False
    return bool(RELAPSE_WORDS.search(item.text)) and not REFRACTORY_WORDS.search(item.text)


def qualified(
    evaluation: Evaluation,
    constraint: Constraint,
    item: CriterionItem,
    facts: PatientFacts | None = None,
) -> Evaluation:
    """An exclusion with a qualifier the profile cannot answer ("uncontrolled hepatitis B",
    "drug-uncontrollable CNS leukaemia", "prior CD19 therapy with grade 4 toxicity") does not
    exclude by itself; nor does an inclusion stating the absence of such a thing ("no prior CAR-T
    with grade 4 CRS", "no GVHD requiring systemic treatment"). A qualifier the relapse sites
    answer ("relapsed ALL with testicular involvement", and every relapse was in the marrow or
    the CNS) decides the statement: not met."""
    if item.kind == "exclusion":
        if evaluation.verdict is not MET:
            return evaluation
    elif evaluation.verdict is not NOT_MET or not _states_absence(constraint):
        return evaluation
    if constraint.type in _QUALIFIABLE and unread_qualifier(constraint, item):
        qualifier = unread_qualifier_text(constraint, item)
        if (
            item.kind == "exclusion"
            and facts is not None
            and _TESTICULAR.search(qualifier)
            and _no_testicular_relapse(facts)
        ):
            finding = (
                f"{evaluation.finding}; the trial means it only {qualifier}, and every relapse"
                " in the history was in the marrow or the CNS"
            )
            return Evaluation(NOT_MET, evaluation.subject, finding, (*evaluation.facts, "history"))
        finding = (
            f"{evaluation.finding}; the trial means it only {qualifier},"
            " which the profile does not give"
        )
        return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, (), cautious=True)
    if constraint.type != "condition":
        return evaluation
    token = str(constraint.attrs.get("condition") or "")
    qualified = QUALIFIED.search(item.text) and not token.startswith("uncontrolled")
    active = ACTIVE.search(item.text) and not token.startswith("active")
    if not (qualified or active):
        return evaluation
    finding = f"{evaluation.finding}; the trial's qualifier (active, uncontrolled ...) is not given"
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, (), cautious=True)


_TESTICULAR = re.compile(r"testic|testis|testes", re.IGNORECASE)
_NOT_TESTICULAR_SITES = frozenset({"marrow", "cns"})


def _no_testicular_relapse(facts: PatientFacts) -> bool:
    """Every relapse in the history names its site, and none is testicular or combined."""
    sites = [
        getattr(event, "site", None)
        for event in facts.profile.history
        if getattr(event, "type", None) == "relapse"
    ]
    return bool(sites) and all(site in _NOT_TESTICULAR_SITES for site in sites)


def _states_absence(constraint: Constraint) -> bool:
    """An inclusion constraint read as "no X" (a prior treatment excluded, a condition)."""
    if constraint.type == "prior_therapy":
        return str(constraint.attrs.get("requirement") or "").lower() == "excluded"
    return constraint.type == "condition"


_QUALIFIABLE = frozenset(
    {"disease", "antigen", "disease_status", "prior_therapy", "performance", "lab", "condition"}
)
QUALIFIER = re.compile(
    r"\bwith(?!\s+or\s+without\b)(?!\s+any\b)\b|\bcomplicated by\b|\bresult(?:ing|ed)? in\b"
    r"|\b(?:that|which) (?:caused|led to|resulted in)\b|\bcaus(?:ed|ing)\b|\blead(?:ing)? to\b"
    r"|\bled to\b|\bassociated with\b|\bwho (?:developed|experienced|had)\b|\bunless\b"
    r"|\bexcept\b|\bfollowed by\b|\bfail(?:ed|ure)\b|\bintoleran|\bother than\b|\bexcluding\b"
    r"|\bapart from\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r";|\.\s|\.$|\n")


def _qualifier_match(constraint: Constraint, item: CriterionItem) -> re.Match[str] | None:
    """A qualifier in the same clause after the constraint's words, that no other constraint of
    the item (of another family) reads."""
    end = constraint.span[1]
    if end <= 0 or end > len(item.text):
        return None
    rest = item.text[end:]
    stop = _CLAUSE_END.search(rest)
    clause = rest[: stop.start()] if stop else rest
    match = QUALIFIER.search(clause)
    if match is None:
        return None
    start = end + match.start()
    for other in item.constraints:
        if other is constraint or other.type == constraint.type:
            continue
        if start <= other.span[0] < end + len(clause):
            return None
    return match


def unread_qualifier(constraint: Constraint, item: CriterionItem) -> bool:
    return _qualifier_match(constraint, item) is not None


def unread_qualifier_text(constraint: Constraint, item: CriterionItem) -> str:
    match = _qualifier_match(constraint, item)
    if match is None:
        return ""
    rest = item.text[constraint.span[1] + match.start() :]
    stop = _CLAUSE_END.search(rest)
    words = " ".join((rest[: stop.start()] if stop else rest).split())
    return f"'{words[:80]}'"


def or_segments(
    item: CriterionItem, keys: Sequence[UnitKey], verdicts: dict[UnitKey, Verdict]
) -> Verdict:
    """The item read as "A B, or C D": the constraints between two "or"s must all hold."""
    order = sorted(range(len(keys)), key=lambda i: item.constraints[i].span)
    segments: list[list[Verdict]] = [[]]
    previous: int | None = None
    for i in order:
        if previous is not None:
            end, start = item.constraints[previous].span[1], item.constraints[i].span[0]
            if 0 < end <= start and OR_WORDS.search(item.text[end:start]):
                segments.append([])
        segments[-1].append(verdicts[keys[i]])
        previous = i
    return any_of([all_of(segment) for segment in segments if segment])


def text_names_a_fitting_disease(facts: PatientFacts, item: CriterionItem) -> bool:
    if facts.disease is None:
        return False
    return any(relation(facts.disease, token) is not NOT_MET for token in diseases_in(item.text))


def or_linked(
    item: CriterionItem, keys: Sequence[UnitKey], verdicts: dict[UnitKey, Verdict]
) -> Verdict:
    """The item's verdict when units whose text is joined by "or" are read as alternatives."""
    parent = {key: key for key in verdicts}

    def root(key: UnitKey) -> UnitKey:
        while parent[key] != key:
            key = parent[key]
        return key

    order = sorted(range(len(keys)), key=lambda i: item.constraints[i].span)
    for left, right in itertools.pairwise(order):
        end, start = item.constraints[left].span[1], item.constraints[right].span[0]
        if keys[left] != keys[right] and 0 < end <= start and OR_WORDS.search(item.text[end:start]):
            parent[root(keys[left])] = root(keys[right])
    merged: dict[UnitKey, list[Verdict]] = {}
    for key, verdict in verdicts.items():
        merged.setdefault(root(key), []).append(verdict)
    return all_of([any_of(group) for group in merged.values()])
