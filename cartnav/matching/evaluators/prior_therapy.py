"""``prior_therapy`` constraints: prior CAR-T, CD19-directed therapy, transplant, washouts.

The evaluator first decides the plain fact "the patient had this therapy (within the window)",
then reads ``requirement`` with the item's kind: an inclusion that requires it, or an exclusion
that excludes it, states the fact itself; an inclusion that excludes it ("no prior CAR-T") or an
exclusion that requires it states its opposite. ``allowed`` restricts nothing: not applicable.
"""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.course import EVENT_THERAPIES, TherapyEvent
from cartnav.matching.evaluators.compare import number
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
HISTORY = ("history",)
_NAMES = {
    "car_t": "CAR-T therapy",
    "cd19_directed": "CD19-directed therapy (CD19 CAR-T, blinatumomab)",
    "cd22_directed": "CD22-directed therapy (CD22 CAR-T, inotuzumab)",
    "hsct": "stem cell transplant",
    "allo_hsct": "allogeneic stem cell transplant",
    "auto_hsct": "autologous stem cell transplant",
    "blinatumomab": "blinatumomab",
    "inotuzumab": "inotuzumab ozogamicin",
    "gene_therapy": "gene therapy",
    "tki": "tyrosine kinase inhibitor",
    "chemotherapy": "chemotherapy",
    "investigational_agent": "investigational drug",
    "radiotherapy": "radiotherapy",
    "steroids": "steroids",
    "immunosuppression": "immunosuppressive treatment",
    "donor_lymphocyte_infusion": "donor lymphocyte infusion",
    "cell_therapy": "cell therapy",
}
# Treatments excluded only for a time before the study (washouts): without a readable window
# an exclusion of them is left to the study team.
WASHOUTS = frozenset(
    {
        "chemotherapy",
        "radiotherapy",
        "steroids",
        "immunosuppression",
        "investigational_agent",
        "tki",
        "donor_lymphocyte_infusion",
        "immunotherapy",
        "venetoclax",
    }
)
SINCE_MARGIN_DAYS = 30
_ALIASES = {"allogeneic_hsct": "allo_hsct", "sct": "hsct", "transplant": "hsct", "cart": "car_t"}


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    attrs = constraint.attrs
    therapy = str(attrs.get("therapy") or "").lower().strip().replace(" ", "_")
    therapy = _ALIASES.get(therapy, therapy)
    requirement = str(attrs.get("requirement") or "required").lower()
    within = number(attrs.get("within_days"))
    since = number(attrs.get("min_days_since"))
    min_lines = number(attrs.get("min_lines"))
    name = _NAMES.get(therapy, therapy.replace("_", " ") or "a prior treatment")
    window = f" in the last {int(within)} days" if within is not None else ""
    if since is not None:
        window = f" at least {int(since)} days ago"
    if min_lines is not None and therapy in ("", "chemotherapy") and requirement != "allowed":
        # "after 2 or more lines of systemic therapy"; an exclusion of "more than 3 prior
        # regimens" applies when the history shows that many (fewer may be too few listed)
        return _lines(facts, int(min_lines))
    if requirement == "allowed":
        return _allowed(facts, therapy, name, since if kind == "inclusion" else None)
    if kind == "exclusion" and therapy in WASHOUTS and within is None and since is None:
        shown = _shown(facts, therapy)
        if shown is not None:
            # the profile gives the treatment (or what needs it): the exclusion may well apply
            return Evaluation(
                UNKNOWN,
                f"recent {name}",
                f"{shown}, and the time window could not be read, so the study team must judge",
                HISTORY,
                (),
                cautious=True,
            )
        return Evaluation(
            UNKNOWN,
            f"recent {name}",
            "the time window could not be read; the study team checks treatment washouts",
            HISTORY,
        )
    had = _had(facts, therapy, within, since)
    states_fact = (requirement != "excluded") == (kind == "inclusion")
    subject = f"prior {name}{window}" if states_fact else f"no prior {name}{window}"
    verdict, finding, missing = had
    if not states_fact and verdict is not UNKNOWN:
        verdict = NOT_MET if verdict is MET else MET
    stops = verdict is (MET if kind == "exclusion" else NOT_MET)
    if stops:
        # The patient is stopped because they had it (recently) or because they lack it.
        stopped_by_having = had[0] is (NOT_MET if since is not None else MET)
        doubt = _doubt(facts, therapy, within, since, stopped_by_having)
        if doubt:
            return Evaluation(UNKNOWN, subject, f"{finding}; {doubt}", HISTORY, (), cautious=True)
    return Evaluation(verdict, subject, finding, HISTORY, missing)


def _doubt(
    facts: PatientFacts,
    therapy: str,
    within: float | None,
    since: float | None,
    stopped_by_having: bool,
) -> str | None:
    """Why a failure must not be read strictly, or ``None`` when it rests on a clear fact.

    Common treatments (chemotherapy, steroids, radiotherapy, ...) are named in many sentences
    the parser may misread ("chemotherapy was ineffective"): they stop a patient only through a
    readable time window that the patient's dated treatment falls in. A window ("no transplant
    in the last 90 days") that ends within 30 days of the matching date is counted at a future
    infusion, so it is left to the study team.
    """
    if therapy in WASHOUTS and (not stopped_by_having or (within is None and since is None)):
        return "this treatment is named in many kinds of sentences, so the study team must judge"
    if stopped_by_having and within is not None:
        dated = [
            e.date for e in facts.course.therapies if therapy in e.tokens and e.date is not None
        ]
        recent = [d for d in dated if (facts.as_of - d).days <= within]
        if recent and within - (facts.as_of - max(recent)).days <= SINCE_MARGIN_DAYS:
            return "the time window ends within a month, by the time of treatment on the study"
    return None


def _shown(facts: PatientFacts, therapy: str) -> str | None:
    """What in the profile says the patient has had (or is on) ``therapy``, if anything."""
    matches = [e for e in facts.course.therapies if therapy in e.tokens]
    if matches:
        return f"the history lists {_label(matches[-1])}"
    current = facts.profile.current
    if therapy != "immunosuppression" or current is None:
        return None
    gvhd = current.active_gvhd
    if gvhd or (gvhd is None and (current.gvhd_grade or 0) > 0):
        return "the profile says active GVHD, which is treated with immunosuppressive drugs"
    return None


def _allowed(facts: PatientFacts, therapy: str, name: str, since: float | None) -> Evaluation:
    """ "Prior X is allowed (if at least N days ago)": only the time condition can stop anyone."""
    if since is None:
        return Evaluation(
            Verdict.NOT_APPLICABLE,
            f"prior {name}",
            "the trial allows it, so it does not stop the patient",
        )
    subject = f"prior {name}, if any, at least {int(since)} days ago"
    verdict, finding, missing = _had(facts, therapy, None, None)
    if verdict is NOT_MET:
        return Evaluation(
            Verdict.NOT_APPLICABLE, subject, finding + ", so this does not apply", HISTORY
        )
    if verdict is UNKNOWN:
        return Evaluation(UNKNOWN, subject, finding, HISTORY, missing)
    verdict, finding, missing = _had(facts, therapy, None, since)
    return Evaluation(verdict, subject, finding, HISTORY, missing)


def _had(
    facts: PatientFacts, therapy: str, within: float | None, since: float | None = None
) -> tuple[Verdict, str, tuple[str, ...]]:
    course = facts.course
    if not course.history_known:
        return UNKNOWN, "the profile gives no treatment history", HISTORY
    name = _NAMES.get(therapy, therapy.replace("_", " "))
    matches = [e for e in course.therapies if therapy in e.tokens]
    if not matches:
        if therapy in EVENT_THERAPIES:
            return NOT_MET, f"the history lists no {name}", ()
        return UNKNOWN, f"the history does not mention {name}", (f"history.{therapy}",)
    if since is not None:
        latest = matches[-1]
        if latest.date is None:
            return UNKNOWN, f"the history lists {name} without a date", (f"history.{therapy}.date",)
        days = (facts.as_of - latest.date).days
        verdict = MET if days >= since else NOT_MET
        if verdict is NOT_MET and since - days <= SINCE_MARGIN_DAYS:
            verdict = UNKNOWN  # counted at the (future) infusion, it may well be met
        return (
            verdict,
            f"the history lists {_label(latest)} {days} days before the matching date",
            (),
        )
    if within is None:
        return MET, f"the history lists {_label(matches[-1])}", ()
    dated = [e for e in matches if e.date is not None]
    recent = [e for e in dated if (facts.as_of - e.date).days <= within]  # type: ignore[operator]
    if recent:
        days = (facts.as_of - recent[-1].date).days  # type: ignore[operator]
        return (
            MET,
            f"the history lists {_label(recent[-1])} {days} days before the matching date",
            (),
        )
    if len(dated) < len(matches):
        return UNKNOWN, f"the history lists {name} without a date", (f"history.{therapy}.date",)
    days = (facts.as_of - dated[-1].date).days  # type: ignore[operator]
    return NOT_MET, f"the latest {name} in the history was {days} days before the matching date", ()


def _label(event: TherapyEvent) -> str:
    return event.label


def _lines(facts: PatientFacts, min_lines: int) -> Evaluation:
    subject = f"at least {min_lines} prior lines of treatment"
    if not facts.course.history_known:
        return Evaluation(
            UNKNOWN, subject, "the profile gives no treatment history", HISTORY, HISTORY
        )
    lines = _line_count(facts)
    if lines >= min_lines:
        return Evaluation(MET, subject, f"the history shows {lines} lines of treatment", HISTORY)
    return Evaluation(
        UNKNOWN,
        subject,
        f"the history shows {lines}; a line may not be listed",
        HISTORY,
        HISTORY,
    )


_LINE_STARTS = ("reinduction", "car_t")
_TREATMENTS = ("induction", "reinduction", "therapy", "car_t")


def _line_count(facts: PatientFacts) -> int:
    """Lines of treatment the history shows at least: the treatments between two relapses are
    one line (induction with its consolidation and maintenance; a salvage after a relapse), and
    each further reinduction or CAR-T within them is one more. A transplant is consolidation."""
    lines = 0
    segment: list[str] = []
    for event in facts.profile.history:
        if event.type == "relapse":
            lines += _segment_lines(segment)
            segment = []
        else:
            segment.append(event.type)
    return lines + _segment_lines(segment)


def _segment_lines(types: list[str]) -> int:
    if not any(t in _TREATMENTS for t in types):
        return 0
    starts = sum(1 for t in types if t in _LINE_STARTS)
    return max(1, starts + (1 if types and types[0] in ("induction", "therapy") else 0))
