"""A stored trial as a plain JSON-ready dict (``cartnav trials show --json``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cartnav.domain.trial import DAYS_PER_YEAR, Trial
from cartnav.registry.geo import GEONAMES_SOURCE
from cartnav.storage.models import CTGOV_STUDY_URL


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def age_years(days: int | None) -> float | None:
    """Days -> years, rounded to 0.01 (None stays None: no limit)."""
    return None if days is None else round(days / DAYS_PER_YEAR, 2)


def trial_to_dict(
    trial: Trial,
    *,
    geo_sources: Sequence[str | None] = (),
    cell_therapy: bool | None = None,
    car_targets: Sequence[str] = (),
) -> dict[str, Any]:
    sites = []
    for position, site in enumerate(trial.sites):
        geo = geo_sources[position] if position < len(geo_sources) else None
        sites.append(
            {
                "facility": site.facility,
                "city": site.city,
                "state": site.state,
                "country": site.country,
                "country_code": site.country_code,
                "status": site.status,
                "lat": site.lat,
                "lon": site.lon,
                "coordinates": {
                    "registry": "registry",
                    "geonames": f"approximate: {GEONAMES_SOURCE}",
                }.get(geo or ""),
            }
        )
    return {
        "nct_id": trial.nct_id,
        "title": trial.brief_title,
        "official_title": trial.official_title,
        "acronym": trial.acronym,
        "status": trial.status,
        "phases": list(trial.phases),
        "study_type": trial.study_type,
        "conditions": list(trial.conditions),
        "keywords": list(trial.keywords),
        "mesh_terms": list(trial.mesh_terms),
        "interventions": [
            {
                "type": item.type,
                "name": item.name,
                "description": item.description,
                "other_names": list(item.other_names),
            }
            for item in trial.interventions
        ],
        "cell_therapy": cell_therapy,
        "car_targets": list(car_targets),
        "sponsor": trial.sponsor,
        "collaborators": list(trial.collaborators),
        "brief_summary": trial.brief_summary,
        "detailed_description": trial.detailed_description,
        "eligibility_criteria": trial.eligibility_criteria,
        "min_age_days": trial.min_age_days,
        "max_age_days": trial.max_age_days,
        "min_age_years": age_years(trial.min_age_days),
        "max_age_years": age_years(trial.max_age_days),
        "sex": trial.sex,
        "healthy_volunteers": trial.healthy_volunteers,
        "enrollment": trial.enrollment,
        "start_date": _date(trial.start_date),
        "primary_completion_date": _date(trial.primary_completion_date),
        "completion_date": _date(trial.completion_date),
        "first_posted": _date(trial.first_posted),
        "last_update_posted": _date(trial.last_update_posted),
        "sites": sites,
        "source_format": trial.source_format,
        "source": CTGOV_STUDY_URL.format(nct_id=trial.nct_id),
    }
