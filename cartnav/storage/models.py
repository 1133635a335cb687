"""Plain values the store takes and returns: queries, results, quarantine rows, import counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"


@dataclass
class SearchQuery:
    """A trial search: full text plus filters, all optional (no filter = every stored trial).

    - ``statuses``: registry statuses, case-insensitive, spaces or underscores
      (``"recruiting"``, ``"Not yet recruiting"``); empty or ``("any",)`` = every status.
    - ``country``: ISO 3166 code or English name; a trial matches when one of its sites is there.
    - ``age_years``: keeps trials whose age limits admit that age; a missing limit is open.
    - ``near`` (lat, lon) and ``max_km``: trials with a site within ``max_km`` (haversine).
    - ``cart_only``: CAR-T / CAR-NK / engineered cell therapy trials only.
    - ``condition``: substring of a listed condition or MeSH term, case-insensitive.
    - ``phase``: ``1``, ``2``, ``phase 1/2`` ... ``early_phase1``, ``na``; a trial matches when it
      lists that phase (``1/2`` needs both).
    - ``sex``: ``female`` or ``male`` keeps trials open to that sex (``ALL`` trials included).
    """

    text: str | None = None
    statuses: Sequence[str] = ()
    country: str | None = None
    age_years: float | None = None
    near: tuple[float, float] | None = None
    max_km: float | None = None
    cart_only: bool = False
    condition: str | None = None
    phase: str | None = None
    sex: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class TrialSummary:
    """One search hit: the fields people scan a list by, with the registry page as source."""

    nct_id: str
    title: str
    status: str
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    sponsor: str | None
    min_age_days: int | None
    max_age_days: int | None
    sex: str
    cell_therapy: bool
    car_targets: tuple[str, ...]
    countries: tuple[str, ...]  # ISO codes of the trial's sites
    last_update_posted: dt.date | None
    distance_km: float | None = None  # to the nearest site, when the query gave ``near``

    @property
    def url(self) -> str:
        return CTGOV_STUDY_URL.format(nct_id=self.nct_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "title": self.title,
            "status": self.status,
            "phases": list(self.phases),
            "conditions": list(self.conditions),
            "sponsor": self.sponsor,
            "min_age_days": self.min_age_days,
            "max_age_days": self.max_age_days,
            "sex": self.sex,
            "cell_therapy": self.cell_therapy,
            "car_targets": list(self.car_targets),
            "countries": list(self.countries),
            "last_update_posted": (
                self.last_update_posted.isoformat() if self.last_update_posted else None
            ),
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "source": self.url,
        }


@dataclass(frozen=True)
class SearchResult:
    total: int
    results: list[TrialSummary] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "results": [hit.to_dict() for hit in self.results]}


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    origin: str
    nct_id: str | None
    reason: str
    payload: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "nct_id": self.nct_id,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "payload_chars": len(self.payload),
        }


@dataclass
class ImportSummary:
    """Counts of one import; every record read lands in exactly one of them."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.rejected

    def add(self, other: ImportSummary) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected

    def to_dict(self) -> dict[str, int]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
