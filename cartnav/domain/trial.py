"""A registry trial, normalised from ClinicalTrials.gov API v2 JSON or legacy XML.

Parsers (``cartnav.registry.parse_*``) produce :class:`Trial`; storage persists it; matching
reads it. Ages are in days, and a missing limit stays ``None`` (it means "no limit", never 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Registry statuses as ClinicalTrials.gov API v2 spells them.
STATUSES = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "COMPLETED",
    "WITHDRAWN",
    "UNKNOWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
)
OPEN_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING")
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None  # English country name as the registry gives it
    country_code: str | None = None  # ISO 3166-1 alpha-2 when known
    status: str | None = None  # RECRUITING, ... (site-level)
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Intervention:
    type: str | None  # BIOLOGICAL, DRUG, GENETIC, ...
    name: str
    description: str | None = None
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Trial:
    nct_id: str
    brief_title: str
    official_title: str | None = None
    acronym: str | None = None
    status: str = "UNKNOWN"  # one of STATUSES
    phases: tuple[str, ...] = ()  # PHASE1, PHASE2, EARLY_PHASE1, NA ...
    study_type: str | None = None  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()  # condition and intervention MeSH terms
    interventions: tuple[Intervention, ...] = ()
    sponsor: str | None = None
    collaborators: tuple[str, ...] = ()
    brief_summary: str | None = None
    detailed_description: str | None = None
    eligibility_criteria: str | None = None
    min_age_days: int | None = None
    max_age_days: int | None = None
    sex: str = "ALL"  # ALL | FEMALE | MALE
    healthy_volunteers: bool | None = None
    enrollment: int | None = None
    start_date: dt.date | None = None
    primary_completion_date: dt.date | None = None
    completion_date: dt.date | None = None
    first_posted: dt.date | None = None
    last_update_posted: dt.date | None = None
    sites: tuple[Site, ...] = ()
    source_format: str = "ctgov_v2_json"  # ctgov_v2_json | ctgov_legacy_xml | cart_page
    extra: dict[str, str] = field(default_factory=dict)

    def admits_age(self, age_years: float) -> bool:
        """True when the trial's age limits admit ``age_years``; a missing limit is open."""
        days = age_years * DAYS_PER_YEAR
        if self.min_age_days is not None and days < self.min_age_days:
            return False
        return not (self.max_age_days is not None and days >= self.max_age_days + DAYS_PER_YEAR)

    @property
    def countries(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for site in self.sites:
            if site.country:
                seen.setdefault(site.country, None)
        return tuple(seen)
