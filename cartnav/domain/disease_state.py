"""Disease state from the course of treatment (interfaces.md section 2; cart-facts section 2).

Pure: reads a :class:`~cartnav.domain.patient.Profile` and nothing else. The history is taken as
the course of treatment in time order; an event that is not listed did not happen, but an empty
history means the course is unknown.

Codes:

- ``newly_diagnosed``: in or before the first induction, no response recorded yet;
- ``first_remission``: a complete remission (CR) and no relapse;
- ``primary_refractory``: no CR after one or two induction courses (ELIANA/ENSIGN wording "not
  achieving a CR after 2 cycles"; the spec counts one or two);
- ``first_relapse``: one relapse, not shown refractory;
- ``refractory_relapse``: one relapse followed by re-induction (or other salvage) without CR
  (ENSIGN "chemorefractory": no CR after one cycle of chemotherapy for relapsed leukemia);
- ``second_or_later_relapse``: two or more relapses (refractoriness is kept in ``refractory``);
- ``unknown``: empty history, or a history with no induction or relapse event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from cartnav.domain.patient import Event, Profile

DiseaseStateCode = Literal[
    "newly_diagnosed",
    "first_remission",
    "primary_refractory",
    "first_relapse",
    "refractory_relapse",
    "second_or_later_relapse",
    "unknown",
]
DISEASE_STATE_CODES: tuple[DiseaseStateCode, ...] = (
    "newly_diagnosed",
    "first_remission",
    "primary_refractory",
    "first_relapse",
    "refractory_relapse",
    "second_or_later_relapse",
    "unknown",
)

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class DiseaseState:
    code: DiseaseStateCode
    relapse_count: int | None  # None when unknown
    relapse_on_therapy: bool | None  # of the latest relapse
    post_hsct: bool | None  # latest relapse happened after an allogeneic HSCT
    prior_car_t: bool | None
    prior_hsct: bool | None  # any HSCT in history
    refractory: bool | None  # primary refractory or refractory relapse
    months_since_hsct: float | None
    active_disease: bool | None  # in relapse / not in remission now
    # Additions (not in the section 2 minimum): facts the level rules read.
    months_diagnosis_to_relapse: float | None = None  # first relapse, from diagnosis.date
    relapse_site: str | None = None  # of the latest relapse
    relapse_response: Literal["CR", "no_CR"] | None = None  # best answer to latest relapse
    post_car_t: bool | None = None  # latest relapse happened after CAR-T
    latest_relapse_index: int | None = None  # index in profile.history
    hsct_donor_unknown: bool = False  # an HSCT before the latest relapse has no donor type

    def to_dict(self) -> dict[str, Any]:
        """The ``disease_state`` object of interfaces.md section 2 (plus documented extras)."""
        data = asdict(self)
        data.pop("latest_relapse_index")
        data.pop("hsct_donor_unknown")
        if data["months_since_hsct"] is not None:
            data["months_since_hsct"] = round(data["months_since_hsct"], 1)
        if data["months_diagnosis_to_relapse"] is not None:
            data["months_diagnosis_to_relapse"] = round(data["months_diagnosis_to_relapse"], 1)
        return data


UNKNOWN = DiseaseState(
    code="unknown",
    relapse_count=None,
    relapse_on_therapy=None,
    post_hsct=None,
    prior_car_t=None,
    prior_hsct=None,
    refractory=None,
    months_since_hsct=None,
    active_disease=None,
)


def months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def derive_disease_state(profile: Profile) -> DiseaseState:
    """The disease state of ``profile`` on its ``as_of`` date, from its history alone."""
    history = profile.history
    if not history:
        return UNKNOWN
    relapses = [i for i, event in enumerate(history) if event.type == "relapse"]
    prior_car_t = any(event.type == "car_t" for event in history)
    hscts: list[Event] = [event for event in history if event.type == "hsct"]
    prior_hsct = bool(hscts)
    months_since_hsct = _months_since_last_hsct(hscts, profile.facts_date)
    if not relapses:
        return _without_relapse(history, prior_car_t, prior_hsct, months_since_hsct)

    latest = relapses[-1]
    relapse = history[latest]
    assert relapse.type == "relapse"
    after = history[latest + 1 :]
    before = history[:latest]
    response = _response_after(after)
    refractory = None if response is None else response == "no_CR"
    post_hsct, donor_unknown = _post_hsct(before)
    count = len(relapses)
    code: DiseaseStateCode
    if count >= 2:
        code = "second_or_later_relapse"
    elif refractory:
        code = "refractory_relapse"
    else:
        code = "first_relapse"
    first = history[relapses[0]]
    diagnosed = profile.diagnosis.date if profile.diagnosis else None
    to_relapse = (
        months_between(diagnosed, first.date)
        if diagnosed is not None and first.date is not None
        else None
    )
    active = response != "CR"
    return DiseaseState(
        code=code,
        relapse_count=count,
        relapse_on_therapy=relapse.on_therapy,
        post_hsct=post_hsct,
        prior_car_t=prior_car_t,
        prior_hsct=prior_hsct,
        refractory=refractory,
        months_since_hsct=months_since_hsct,
        active_disease=active,
        months_diagnosis_to_relapse=to_relapse,
        relapse_site=relapse.site,
        relapse_response=response,
        post_car_t=any(event.type == "car_t" for event in before),
        latest_relapse_index=latest,
        hsct_donor_unknown=donor_unknown,
    )


def _without_relapse(
    history: tuple[Event, ...],
    prior_car_t: bool,
    prior_hsct: bool,
    months_since_hsct: float | None,
) -> DiseaseState:
    courses = [e for e in history if e.type in {"induction", "reinduction"}]
    responses = [e.response for e in courses if e.response is not None]  # type: ignore[union-attr]
    code: DiseaseStateCode
    if "CR" in responses:
        code = "first_remission"
    elif responses:  # only no_CR answers: one or two courses without remission
        code = "primary_refractory"
    elif courses:
        code = "newly_diagnosed"
    else:  # no induction or relapse recorded (e.g. only a transplant): course incomplete
        code = "unknown"
    if code == "unknown":
        return DiseaseState(
            code="unknown",
            relapse_count=None,
            relapse_on_therapy=None,
            post_hsct=None,
            prior_car_t=prior_car_t,
            prior_hsct=prior_hsct,
            refractory=None,
            months_since_hsct=months_since_hsct,
            active_disease=None,
        )
    return DiseaseState(
        code=code,
        relapse_count=0,
        relapse_on_therapy=None,
        post_hsct=None,
        prior_car_t=prior_car_t,
        prior_hsct=prior_hsct,
        refractory=None if code == "newly_diagnosed" else code == "primary_refractory",
        months_since_hsct=months_since_hsct,
        active_disease=code != "first_remission",
    )


def _response_after(events: tuple[Event, ...]) -> Literal["CR", "no_CR"] | None:
    """Answer to the latest relapse: ``no_CR`` if any treatment after it failed to give a CR
    (chemorefractory), else ``CR`` if one gave a CR, else ``None`` (no response recorded)."""
    answers = [
        getattr(event, "response", None)
        for event in events
        if event.type in {"reinduction", "induction", "therapy", "car_t"}
    ]
    if "no_CR" in answers:
        return "no_CR"
    if "CR" in answers:
        return "CR"
    return None


def _post_hsct(before: tuple[Event, ...]) -> tuple[bool | None, bool]:
    """Whether an allogeneic HSCT precedes the relapse; ``None`` when the only earlier HSCT has
    no donor type. The second value says a donor type was missing."""
    donors = [event.donor for event in before if event.type == "hsct"]
    if "allogeneic" in donors:
        return True, False
    if None in donors:
        return None, True
    return False, False


def _months_since_last_hsct(hscts: Sequence[Event], as_of: dt.date) -> float | None:
    dated = [event.date for event in hscts if event.date is not None]
    if not dated:
        return None
    return months_between(max(dated), as_of)
