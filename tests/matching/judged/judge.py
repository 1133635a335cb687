"""A small vocabulary for writing down one clinician-reader judgement per (profile, trial record).

Each trial rule reads the hand-entered facts (``facts.py``) and records what the trial's stated
criteria say about them: a clear failure, a relevant fact that is unknown, an ambiguity (the pair
is then skipped unless something clearly fails), or a "soft" criterion that is a matter of
clinical judgement (the pair can then not be called ``likely_eligible`` and is skipped instead).
"""

from __future__ import annotations

from typing import Any

Tri = bool | None  # True met / False not met / None unknown
AMB = "amb"


class Judge:
    def __init__(self, facts: dict[str, Any]) -> None:
        self.f = facts
        self.fails: list[str] = []
        self.unknowns: list[str] = []
        self.ambiguous: list[str] = []
        self.soft: list[str] = []

    # -- recording -----------------------------------------------------------------------
    def need(self, value: Tri | str, fail: str, unknown: str | None = None) -> None:
        """An inclusion requirement: False fails, None is unknown, "amb" skips."""
        if value == AMB:
            self.ambiguous.append(fail)
        elif value is False:
            self.fails.append(fail)
        elif value is None:
            self.unknowns.append(unknown or f"a fact it needs is not in the profile ({fail})")

    def excl(self, present: Tri | str, fail: str, unknown: str | None = None) -> None:
        """An exclusion: True (present) fails, None is unknown, "amb" skips."""
        if present == AMB:
            self.ambiguous.append(fail)
        elif present is True:
            self.fails.append(fail)
        elif present is None:
            self.unknowns.append(unknown or f"a fact it needs is not in the profile ({fail})")

    def amb(self, why: str) -> None:
        self.ambiguous.append(why)

    def unknown(self, why: str) -> None:
        self.unknowns.append(why)

    def softly(self, why: str) -> None:
        self.soft.append(why)

    def result(self, *, complete: bool, likely: str, cut: str = "") -> tuple[str, str] | None:
        if self.fails:
            return "not_eligible", self.fails[0]
        if self.ambiguous:
            return None
        if not complete:
            extra = f"; also {self.unknowns[0]}" if self.unknowns else ""
            return "possibly_eligible", f"nothing shown excludes the patient but {cut}{extra}"
        if self.unknowns:
            return "possibly_eligible", f"nothing stated excludes the patient; {self.unknowns[0]}"
        if self.soft:
            return None
        return "likely_eligible", likely


# -- facts as tri-state answers --------------------------------------------------------
def age_in(f: dict[str, Any], lo: float | None, hi: int | None) -> bool:
    """``lo`` on exact age (inclusive), ``hi`` on completed years (inclusive)."""
    if lo is not None and f["age"] < lo:
        return False
    return not (hi is not None and int(f["age"]) > hi)


def lineage(f: dict[str, Any], *allowed: str) -> Tri | str:
    dis = f["dis"]
    if dis is None:
        return None
    if dis in allowed:
        return True
    if dis == "B-LBL" and "B-ALL" in allowed:
        return AMB  # lymphoblastic lymphoma against an ALL-only wording: read per trial
    if dis == "ALL" and any(a in ("B-ALL", "T-ALL") for a in allowed):
        return None
    return False


def marker(f: dict[str, Any], antigen: str) -> Tri | str:
    value = f["m"].get(antigen)
    if value == "dim":
        return AMB  # dim expression against a stated expression threshold: not decidable
    return None if value is None else value == "pos"


def relapsed_or_refractory(f: dict[str, Any]) -> Tri | str:
    st = f["st"]
    if st is None:
        return None
    if st in ("pref", "rel1", "refrel", "rel2"):
        return True
    if st in ("new", "cr1"):
        return False
    return AMB  # cr1mrd, cr2: depends on how the trial reads MRD-positive CR1 / CR2


def active_disease(f: dict[str, Any], minimum: float = 5.0) -> Tri:
    blasts = f["blasts"]
    return None if blasts is None else blasts >= minimum


def perf_ge(
    f: dict[str, Any], threshold: float, *, split: float = 16, strict: bool = False
) -> Tri | str:
    """Karnofsky (age >= split) or Lansky (younger); the other scale is a proxy only for 'met'."""
    main, other = ("kps", "lansky") if f["age"] >= split else ("lansky", "kps")
    value = f[main]
    proxy = False
    if value is None:
        value, proxy = f[other], True
    if value is None:
        return None
    ok = value > threshold if strict else value >= threshold
    if ok:
        return True
    return AMB if proxy else False


def kps_ge(f: dict[str, Any], threshold: float, *, strict: bool = False) -> Tri | str:
    """Karnofsky only; Lansky (children) is a proxy only for 'met'."""
    value = f["kps"]
    if value is not None:
        return value > threshold if strict else value >= threshold
    if f["lansky"] is None and f["ecog"] is not None:
        low, high = _ECOG_AS_KPS[f["ecog"]]
        if (low > threshold) if strict else (low >= threshold):
            return True
        if not ((high > threshold) if strict else (high >= threshold)):
            return AMB  # fails only through the ECOG-Karnofsky conversion
        return None
    if f["lansky"] is None:
        return None
    ok = f["lansky"] > threshold if strict else f["lansky"] >= threshold
    return True if ok else AMB


_ECOG_AS_KPS = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}


def ecog_le(f: dict[str, Any], threshold: int) -> Tri | str:
    if f["ecog"] is not None:
        return f["ecog"] <= threshold
    score = f["kps"] if f["kps"] is not None else f["lansky"]
    if score is None:
        return None
    proxy = 0 if score >= 90 else 1 if score >= 70 else 2 if score >= 50 else 3
    return True if proxy <= threshold else AMB


def organ_ok(f: dict[str, Any]) -> Tri | str:
    bad = organ_bad(f)
    return bad if bad in (None, AMB) else not bad


def organ_bad(
    f: dict[str, Any],
    *,
    bili_max_x_uln: float | None = None,
    creat_max_x_uln: float | None = None,
    decided: bool = False,
) -> Tri | str:
    """Organ function outside the trial's limits. ``organ`` "partial" (held-out set) gives
    ``bili_x_uln`` / ``creat_x_uln`` with every other value normal: a rule that states its
    bilirubin/creatinine limits passes them (a limit in mg/dL of 2.0 is passed as 2.0 x ULN,
    reading ULN as 0.8-1.2 mg/dL); ``decided`` says those are all the limits it states.
    Without stated limits a partial profile is ambiguous."""
    if f["organ"] is None:
        return None
    if f["organ"] != "partial":
        return f["organ"] == "bad"
    if bili_max_x_uln is not None and f["bili_x_uln"] > bili_max_x_uln:
        return True
    if creat_max_x_uln is not None and f["creat_x_uln"] > creat_max_x_uln:
        return True
    return False if decided else AMB


def gvhd_needing_immunosuppression(f: dict[str, Any]) -> Tri:
    """Active acute GVHD of grade II or more is treated with systemic immunosuppression."""
    if f["gvhd"] is None:
        return None
    return bool(f["gvhd"] and (f["gvhd_grade"] or 0) >= 2)


def no_curative_option(f: dict[str, Any]) -> Tri:
    """'No alternative curative therapy': accepted after refractory disease, a second relapse,
    a relapse after transplant or after CAR-T; otherwise a clinical judgement (None)."""
    if f["st"] in ("pref", "refrel", "rel2") or f["post_hsct"] or f["cart"]:
        return True
    return None
