"""Conversion between :class:`~cartnav.domain.trial.Trial` and table rows."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
import zstandard

from cartnav.domain.errors import StorageError
from cartnav.domain.trial import Intervention, Site, Trial

NCT_ID = re.compile(r"NCT\d{8}")


@dataclass(frozen=True, slots=True)
class TrialWrite:
    """A parsed trial ready to store, with what ingest worked out about it."""

    trial: Trial
    content_hash: str
    origin: str
    payload: str  # the record verbatim
    cell_therapy: bool
    car_targets: tuple[str, ...]
    geo_sources: tuple[str | None, ...]  # per site: registry | geonames | None


def trial_key(nct_id: str) -> int:
    """The integer key of an NCT id: ``NCT01234567`` -> 1234567."""
    if NCT_ID.fullmatch(nct_id) is None:
        raise StorageError(f"NCT id {nct_id!r} is not 'NCT' followed by 8 digits")
    return int(nct_id[3:])


def bars(values: Iterable[str]) -> str:
    """``("A", "B")`` -> ``"|A|B|"`` (empty -> ``""``), for exact-value ``LIKE`` filters."""
    items = [value for value in values if value]
    return "|" + "|".join(items) + "|" if items else ""


def unbars(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in (text or "").split("|") if part)


def _join(values: Iterable[str | None]) -> str:
    return "\n".join(value for value in values if value)


def _json(value: object) -> str:
    """Compact JSON text (``orjson``: several times faster than ``json.dumps`` on the import's
    hot path; readers use ``json.loads``)."""
    return orjson.dumps(value).decode()


def trial_row(
    write: TrialWrite, *, first_imported_at: dt.datetime, now: dt.datetime
) -> dict[str, Any]:
    trial = write.trial
    interventions = [
        {
            "type": item.type,
            "name": item.name,
            "description": item.description,
            "other_names": list(item.other_names),
        }
        for item in trial.interventions
    ]
    return {
        "id": trial_key(trial.nct_id),
        "nct_id": trial.nct_id,
        "status": trial.status,
        "phases": bars(trial.phases),
        "study_type": trial.study_type,
        "sex": trial.sex,
        "min_age_days": trial.min_age_days,
        "max_age_days": trial.max_age_days,
        "is_cell_therapy": write.cell_therapy,
        "car_targets": bars(write.car_targets),
        "healthy_volunteers": trial.healthy_volunteers,
        "enrollment": trial.enrollment,
        "start_date": trial.start_date,
        "primary_completion_date": trial.primary_completion_date,
        "completion_date": trial.completion_date,
        "first_posted": trial.first_posted,
        "last_update_posted": trial.last_update_posted,
        "source_format": trial.source_format,
        "content_hash": write.content_hash,
        "brief_title": trial.brief_title,
        "official_title": trial.official_title,
        "acronym": trial.acronym,
        "sponsor": trial.sponsor,
        "collaborators": _json(trial.collaborators),
        "conditions": _json(trial.conditions),
        "interventions": _json(interventions),
        "extra": orjson.dumps(trial.extra, option=orjson.OPT_SORT_KEYS).decode(),
        "fts_title": _join((trial.brief_title, trial.official_title, trial.acronym)),
        "fts_conditions": _join((*trial.conditions, *trial.mesh_terms)),
        "fts_interventions": _join(
            part
            for item in trial.interventions
            for part in (item.name, *item.other_names, item.description)
        ),
        "fts_keywords": _join(trial.keywords),
        "brief_summary": trial.brief_summary,
        "detailed_description": trial.detailed_description,
        "eligibility_criteria": trial.eligibility_criteria,
        "first_imported_at": first_imported_at,
        "updated_at": now,
    }


# Column order of :func:`site_rows`.
SITE_COLUMNS = (
    "trial_id",
    "position",
    "facility",
    "city",
    "state",
    "country",
    "country_code",
    "status",
    "lat",
    "lon",
    "geo_source",
    "geo_cell",
)


def site_rows(write: TrialWrite) -> list[tuple[Any, ...]]:
    """The trial's sites as driver parameters in :data:`SITE_COLUMNS` order (about 20 a study,
    so tuples straight away: every value is already text, a whole number, a float or None)."""
    key = trial_key(write.trial.nct_id)
    sources = write.geo_sources
    known = len(sources)
    floor = math.floor
    return [
        (
            key,
            position,
            site.facility,
            site.city,
            site.state,
            site.country,
            site.country_code,
            site.status,
            lat,
            lon,
            sources[position] if position < known else None,
            None if lat is None or lon is None else floor(lat) * 360 + floor(lon),  # geo_cell
        )
        for position, site in enumerate(write.trial.sites)
        for lat, lon in ((site.lat, site.lon),)
    ]


def geo_cell(lat: float | None, lon: float | None) -> int | None:
    """The 1-degree grid cell of a point: ``floor(lat) * 360 + floor(lon)``."""
    if lat is None or lon is None:
        return None
    return math.floor(lat) * 360 + math.floor(lon)


def filter_row(write: TrialWrite) -> dict[str, Any]:
    trial = write.trial
    codes = dict.fromkeys(site.country_code for site in trial.sites if site.country_code)
    return {
        "trial_id": trial_key(trial.nct_id),
        "status": trial.status,
        "phases": bars(trial.phases),
        "sex": trial.sex,
        "min_age_days": trial.min_age_days,
        "max_age_days": trial.max_age_days,
        "is_cell_therapy": write.cell_therapy,
        "car_targets": bars(write.car_targets),
        "countries": bars(code for code in codes if code),
        "conditions": _join((*trial.conditions, *trial.mesh_terms)),
    }


def term_rows(write: TrialWrite) -> list[dict[str, Any]]:
    key = trial_key(write.trial.nct_id)
    rows = [
        {"trial_id": key, "kind": "keyword", "position": i, "term": term}
        for i, term in enumerate(write.trial.keywords)
    ]
    rows.extend(
        {"trial_id": key, "kind": "mesh", "position": i, "term": term}
        for i, term in enumerate(write.trial.mesh_terms)
    )
    return rows


# Frames of zstd start with this magic number; earlier versions stored zlib streams (which start
# with 0x78), and both are read back.
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_ZSTD_LEVEL = 3
_codecs = threading.local()  # zstd (de)compressors are not safe to share between threads


def _compressor() -> zstandard.ZstdCompressor:
    compressor: zstandard.ZstdCompressor | None = getattr(_codecs, "compressor", None)
    if compressor is None:
        compressor = _codecs.compressor = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return compressor


def pack_payload(payload: str) -> bytes:
    """The verbatim record, UTF-8, zstd-compressed (about 3x smaller and, at this level, about
    3x faster to compress than zlib's fastest level; restored exactly)."""
    return _compressor().compress(payload.encode("utf-8", "surrogatepass"))


def unpack_payload(blob: bytes) -> str:
    """The text :func:`pack_payload` stored (zstd), or that an earlier version stored (zlib)."""
    if blob[:4] == _ZSTD_MAGIC:
        data = zstandard.ZstdDecompressor().decompress(blob)
    else:
        data = zlib.decompress(blob)
    return data.decode("utf-8", "surrogatepass")


def site_from_row(row: Mapping[str, Any] | sa.RowMapping) -> Site:
    return Site(
        facility=row["facility"],
        city=row["city"],
        state=row["state"],
        country=row["country"],
        country_code=row["country_code"],
        status=row["status"],
        lat=row["lat"],
        lon=row["lon"],
    )


def trial_from_rows(
    row: Mapping[str, Any] | sa.RowMapping,
    sites: Sequence[Mapping[str, Any] | sa.RowMapping],
    terms: Sequence[Mapping[str, Any] | sa.RowMapping],
) -> Trial:
    interventions = tuple(
        Intervention(
            type=item.get("type"),
            name=item["name"],
            description=item.get("description"),
            other_names=tuple(item.get("other_names") or ()),
        )
        for item in json.loads(row["interventions"])
    )
    ordered_terms = sorted(terms, key=lambda t: (t["kind"], t["position"]))
    return Trial(
        nct_id=row["nct_id"],
        brief_title=row["brief_title"],
        official_title=row["official_title"],
        acronym=row["acronym"],
        status=row["status"],
        phases=unbars(row["phases"]),
        study_type=row["study_type"],
        conditions=tuple(json.loads(row["conditions"])),
        keywords=tuple(t["term"] for t in ordered_terms if t["kind"] == "keyword"),
        mesh_terms=tuple(t["term"] for t in ordered_terms if t["kind"] == "mesh"),
        interventions=interventions,
        sponsor=row["sponsor"],
        collaborators=tuple(json.loads(row["collaborators"])),
        brief_summary=row["brief_summary"],
        detailed_description=row["detailed_description"],
        eligibility_criteria=row["eligibility_criteria"],
        min_age_days=row["min_age_days"],
        max_age_days=row["max_age_days"],
        sex=row["sex"],
        healthy_volunteers=row["healthy_volunteers"],
        enrollment=row["enrollment"],
        start_date=row["start_date"],
        primary_completion_date=row["primary_completion_date"],
        completion_date=row["completion_date"],
        first_posted=row["first_posted"],
        last_update_posted=row["last_update_posted"],
        sites=tuple(site_from_row(s) for s in sorted(sites, key=lambda s: s["position"])),
        source_format=row["source_format"],
        extra=dict(json.loads(row["extra"])),
    )
