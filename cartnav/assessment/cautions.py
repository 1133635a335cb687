"""Cautions: facts the treating team must weigh before CAR-T (they do not change the level).

Each caution rule gives a finding (``met`` = the caution applies, ``not_met`` = checked and
clear, ``unknown`` = not recorded). Thresholds and sources are in :mod:`rules`.
"""

from __future__ import annotations

import datetime as dt

from cartnav.assessment import rules as R
from cartnav.assessment import thresholds as T
from cartnav.assessment.model import Caution, Finding
from cartnav.domain.disease_state import DiseaseState, months_between
from cartnav.domain.patient import Current, Profile
from cartnav.domain.verdict import Tri, any_of, verdict_of

# Organ function counts as checked when one value of each group is given.
ORGAN_GROUPS = (
    ("creatinine_x_uln", "creatinine_clearance_ml_min"),
    ("alt_x_uln", "ast_x_uln"),
    ("bilirubin_x_uln",),
    ("lvef_pct", "shortening_fraction_pct"),
    ("spo2_pct",),
)


def evaluate_cautions(
    profile: Profile, state: DiseaseState, *, cd19_relevant: bool
) -> tuple[list[Caution], list[Finding]]:
    """Cautions that apply, and one finding per caution rule."""
    current = profile.current or Current()
    cautions: list[Caution] = []
    findings: list[Finding] = []

    def add(code: str, value: Tri, reason: str, message: str, facts: dict[str, object]) -> None:
        rule = R.rule(f"caution.{code}")
        findings.append(
            Finding(
                f"caution.{code}",
                verdict_of(value),
                reason,
                rule.source,
                facts,
                None,
                None,
                rule.unconfirmed,
            )
        )
        if value is True:
            text = message if rule.unconfirmed is None else f"{message} (partly UNCONFIRMED)"
            cautions.append(Caution(code, text, rule.source))

    # CD19
    marker = profile.marker("CD19")
    if cd19_relevant:
        add(
            "cd19_negative",
            marker == "negative" if marker != "unknown" else None,
            f"CD19 is recorded as {marker}.",
            "The leukemia is CD19-negative: CD19-directed CAR-T products are not expected to "
            "work; trials of other targets (such as CD22) may be an option.",
            {"markers.CD19": marker},
        )
        if marker == "dim":
            add(
                "cd19_dim",
                True,
                "CD19 is recorded as dim.",
                "CD19 expression is dim: the treating team should confirm CD19 on the blasts "
                "after the latest therapy.",
                {"markers.CD19": marker},
            )
        if marker == "unknown":
            add(
                "cd19_unknown",
                True,
                "CD19 is not recorded.",
                "CD19 status is not recorded: CD19-directed products need CD19-positive "
                "leukemia, confirmed after the most recent therapy.",
                {"markers.CD19": marker},
            )

    # Prior CAR-T
    add(
        "prior_car_t",
        state.prior_car_t,
        "A CAR-T treatment is in the history."
        if state.prior_car_t
        else (
            "No CAR-T treatment is in the history."
            if state.prior_car_t is False
            else "The history is empty, so prior CAR-T is unknown."
        ),
        "A previous CAR-T treatment: the pivotal trials excluded prior CD19-directed therapy; "
        "response to a second CAR-T is less certain and other targets may be preferred.",
        {"prior_car_t": state.prior_car_t},
    )

    # Infection
    add(
        "active_infection",
        current.active_infection,
        _recorded("an active infection", current.active_infection),
        "An active infection is recorded: it must be controlled before CAR-T.",
        {"current.active_infection": current.active_infection},
    )
    chronic = None
    found: list[str] = []
    if current.infections is not None:
        found = [
            i.strip().upper()
            for i in current.infections
            if i.strip().upper() in T.CHRONIC_INFECTIONS
        ]
        chronic = bool(found)
    add(
        "chronic_infection",
        chronic,
        f"Recorded infections include {', '.join(found)}."
        if found
        else (
            "No HIV, HBV or HCV infection is recorded."
            if chronic is False
            else "Chronic infections are not recorded."
        ),
        f"{', '.join(found) or 'HIV/HBV/HCV'} infection: trials often exclude it and labels ask "
        "for screening and specialist care before cell collection.",
        {
            "current.infections": list(current.infections)
            if current.infections is not None
            else None
        },
    )

    # GVHD
    grade = current.gvhd_grade
    gvhd = any_of([current.active_gvhd, None if grade is None else grade >= T.GVHD_GRADE_MIN])
    if current.active_gvhd is False and grade is None:
        gvhd = False
    add(
        "active_gvhd",
        gvhd,
        "Active GVHD is recorded."
        if gvhd
        else ("No active GVHD is recorded." if gvhd is False else "GVHD status is not recorded."),
        "Active graft-versus-host disease: it must be controlled (and immunosuppression reduced) "
        "before CAR-T.",
        {"current.active_gvhd": current.active_gvhd, "current.gvhd_grade": grade},
    )

    # CNS3
    cns = profile.diagnosis.cns_status if profile.diagnosis else None
    add(
        "cns3",
        None if cns is None else cns == "CNS3",
        f"CNS status is {cns}." if cns else "CNS status is not recorded.",
        "CNS3 disease: active CNS leukemia was believed excluded from the pivotal trials; the "
        "treating team will weigh CNS control and neurotoxicity risk.",
        {"diagnosis.cns_status": cns},
    )

    # Performance status
    low = _low_performance(current)
    add(
        "low_performance_status",
        low,
        "A performance score below the trial minimum is recorded."
        if low
        else (
            "Performance status is at or above the trial minimum."
            if low is False
            else "Performance status is not recorded."
        ),
        f"Performance status is low (Lansky/Karnofsky below "
        f"{T.PERFORMANCE_MIN_LANSKY_KARNOFSKY} or ECOG above {T.PERFORMANCE_MAX_ECOG}): below "
        "the minimum of the pivotal trials.",
        {
            "current.lansky": current.lansky,
            "current.karnofsky": current.karnofsky,
            "current.ecog": current.ecog,
        },
    )

    # Organ function
    organ, flagged = _organ(current)
    add(
        "organ_dysfunction",
        organ,
        f"Outside the trial limits: {', '.join(flagged)}."
        if flagged
        else (
            "Organ values are within the trial limits."
            if organ is False
            else "Organ function values are not all recorded."
        ),
        f"Organ function is outside the trial limits ({', '.join(flagged)}): the treating "
        "team will weigh the risk of CAR-T toxicity.",
        {"current.organ": current.organ.model_dump(exclude_none=True) if current.organ else None},
    )

    # Recent transplant
    recent, days = _recent_hsct(profile)
    add(
        "recent_hsct",
        recent,
        f"The latest allogeneic transplant was {days} days before the facts date."
        if days is not None and recent is not None
        else (
            "No recent allogeneic transplant is in the history."
            if recent is False
            else "A transplant date or donor type is missing."
        ),
        _recent_message(days),
        {"days_since_allo_hsct": days},
    )

    # Pregnancy (checked when recorded, or for a girl or woman of 12 or older)
    if current.pregnant is not None or (profile.sex != "male" and profile.completed_years >= 12):
        add(
            "pregnancy",
            current.pregnant,
            _recorded("a pregnancy", current.pregnant),
            "Pregnancy is recorded: CAR-T trials exclude pregnancy and labels advise against use.",
            {"current.pregnant": current.pregnant},
        )
    return cautions, findings


def _recorded(what: str, value: Tri) -> str:
    if value is None:
        return f"Whether there is {what} is not recorded."
    return f"The profile records {'' if value else 'no '}{what}."


def _low_performance(current: Current) -> Tri:
    scores: list[Tri] = []
    for score in (current.lansky, current.karnofsky):
        if score is not None:
            scores.append(score < T.PERFORMANCE_MIN_LANSKY_KARNOFSKY)
    if current.ecog is not None:
        scores.append(current.ecog > T.PERFORMANCE_MAX_ECOG)
    if not scores:
        return None
    return any(scores)


def _organ(current: Current) -> tuple[Tri, list[str]]:
    """Met if any value is outside its limit; not met only when one value of each organ group
    is given and none is outside; unknown otherwise."""
    values = current.organ.model_dump() if current.organ is not None else {}
    flagged: list[str] = []
    for name, (op, limit, _source) in T.ORGAN_LIMITS.items():
        value = values.get(name)
        if value is None:
            continue
        bad = value > limit if op == ">" else (value < limit if op == "<" else value <= limit)
        if bad:
            flagged.append(f"{name} {op} {limit:g}")
    if flagged:
        return True, flagged
    given = {name for name, value in values.items() if value is not None}
    if all(given.intersection(group) for group in ORGAN_GROUPS):
        return False, []
    return None, []


def _recent_hsct(profile: Profile) -> tuple[Tri, int | None]:
    """Whether an allogeneic HSCT was less than 6 months before the facts date (three-valued)."""
    as_of: dt.date = profile.facts_date
    values: list[Tri] = []
    days: list[int] = []
    for event in profile.history:
        if event.type != "hsct" or event.donor == "autologous":
            continue
        if event.date is None:
            values.append(None)
            continue
        elapsed = (as_of - event.date).days
        recent = months_between(event.date, as_of) < T.RECENT_HSCT_MONTHS
        if event.donor == "allogeneic":
            days.append(elapsed)
        if not recent:
            values.append(False)
        else:  # recent: a caution if allogeneic, unknown if the donor type is not recorded
            values.append(True if event.donor == "allogeneic" else None)
    value = any_of(values)
    return value, (min(days) if days else None)


def _recent_message(days: int | None) -> str:
    if days is not None and days < T.RECENT_HSCT_DAYS_MIN:
        detail = (
            f"less than {T.RECENT_HSCT_DAYS_MIN} days ago, sooner than every pivotal trial allowed"
        )
    else:
        detail = (
            "less than 6 months ago: ZUMA-3/FELIX allowed 100 days or 3 months, but ELIANA asked "
            "for more than 6 months"
        )
    return f"The allogeneic transplant was {detail}; timing of CAR-T needs the transplant team."
