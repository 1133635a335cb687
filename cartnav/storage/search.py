"""Full-text search plus filters, compiled to one SQL query on SQLite (FTS5) or PostgreSQL.

Order of results: by relevance when the query has text (SQLite ``bm25``, PostgreSQL
``ts_rank``), else by distance to ``near`` when given, else by NCT id; ties by NCT id.
Text matching: every word of the text must occur (in any indexed field), after stemming.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from cartnav.domain.errors import CartnavError
from cartnav.domain.trial import DAYS_PER_YEAR, STATUSES
from cartnav.registry.geo import bounding_box, country_code, haversine_km
from cartnav.storage.models import SearchQuery, SearchResult, TrialSummary
from cartnav.storage.rows import unbars
from cartnav.storage.schema import sites, trials

_FTS_WEIGHTS = "10.0, 5.0, 5.0, 5.0, 2.0, 1.0, 1.0"  # schema.FTS_COLUMNS order
_WORD = re.compile(r"\w+", re.UNICODE)


class SearchQueryError(CartnavError):
    """A search filter value cannot be understood; the message names the filter and value."""


@dataclass(frozen=True)
class _Compiled:
    where: list[sa.ColumnElement[bool]]
    fts_match: str | None  # SQLite FTS5 query
    ts_query: str | None  # PostgreSQL plainto_tsquery text


def normalize_status(value: str) -> str | None:
    """``"Not yet recruiting"`` -> ``NOT_YET_RECRUITING``; ``"any"`` -> None (no filter)."""
    token = re.sub(r"[\s,\-/]+", "_", value.strip()).upper()
    if token in {"ANY", "ALL"}:
        return None
    if token not in STATUSES:
        raise SearchQueryError(
            f"status {value!r} is not a registry status; use one of "
            + ", ".join(s.lower() for s in STATUSES)
            + " or 'any'"
        )
    return token


def normalize_phase(value: str) -> tuple[str, ...]:
    """``"1/2"`` -> (PHASE1, PHASE2); ``"early phase 1"`` -> (EARLY_PHASE1,); ``"na"`` -> (NA,)."""
    token = re.sub(r"[\s_\-]+", "", value.strip()).upper()
    if token in {"NA", "N/A", "NOTAPPLICABLE"}:
        return ("NA",)
    if token.startswith("EARLY"):
        return ("EARLY_PHASE1",)
    token = token.replace("PHASE", "").replace("IV", "4").replace("III", "3").replace("II", "2")
    token = token.replace("I", "1")
    digits = re.fullmatch(r"([1-4])(?:/([1-4]))?", token)
    if digits is None:
        raise SearchQueryError(
            f"phase {value!r} is not understood; use 1, 2, 3, 4, 1/2, early1, na"
        )
    return tuple(f"PHASE{d}" for d in digits.groups() if d)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _compile(query: SearchQuery) -> _Compiled:
    where: list[sa.ColumnElement[bool]] = []
    fts_match = ts_query = None
    if query.text and query.text.strip():
        words = _WORD.findall(query.text)
        if words:
            fts_match = " ".join('"' + word.replace('"', "") + '"' for word in words)
            ts_query = " ".join(words)
    statuses = [s for s in (normalize_status(v) for v in query.statuses) if s is not None]
    if statuses and len(statuses) == len(query.statuses):
        where.append(trials.c.status.in_(sorted(set(statuses))))
    if query.cart_only:
        where.append(trials.c.is_cell_therapy.is_(True))
    if query.condition and query.condition.strip():
        pattern = f"%{_like_escape(query.condition.strip())}%"
        where.append(trials.c.fts_conditions.ilike(pattern, escape="\\"))
    if query.phase and query.phase.strip():
        for phase in normalize_phase(query.phase):
            where.append(trials.c.phases.like(f"%|{phase}|%"))
    if query.sex and query.sex.strip():
        sex = query.sex.strip().upper()
        sex = {"F": "FEMALE", "M": "MALE", "ANY": "ALL"}.get(sex, sex)
        if sex not in {"FEMALE", "MALE", "ALL"}:
            raise SearchQueryError(f"sex {query.sex!r}: use female, male or all")
        if sex != "ALL":
            where.append(trials.c.sex.in_(["ALL", sex]))
    if query.age_years is not None:
        if not 0 <= query.age_years <= 150:
            raise SearchQueryError(f"age {query.age_years!r}: expected years between 0 and 150")
        days = float(query.age_years) * DAYS_PER_YEAR
        where.append(sa.or_(trials.c.min_age_days.is_(None), trials.c.min_age_days <= days))
        where.append(
            sa.or_(trials.c.max_age_days.is_(None), trials.c.max_age_days + DAYS_PER_YEAR > days)
        )
    if query.country and query.country.strip():
        code = country_code(query.country)
        if code is None:
            raise SearchQueryError(
                f"country {query.country!r} is not an ISO 3166 code or English country name"
            )
        in_country = sa.select(sites.c.trial_id).where(sites.c.country_code == code)
        where.append(trials.c.id.in_(in_country))
    if query.max_km is not None and query.near is None:
        raise SearchQueryError("max_km needs a point: give --near LAT,LON too")
    if query.near is not None:
        lat, lon = query.near
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SearchQueryError(f"near {lat},{lon}: latitude -90..90, longitude -180..180")
        if query.max_km is not None:
            if query.max_km <= 0:
                raise SearchQueryError(f"max_km {query.max_km!r}: expected a positive distance")
            min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, query.max_km)
            nearby = sa.select(sites.c.trial_id).where(
                sites.c.lat.between(min_lat, max_lat),
                sites.c.lon.between(min_lon, max_lon),
                sa.func.cartnav_km(lat, lon, sites.c.lat, sites.c.lon) <= query.max_km,
            )
            where.append(trials.c.id.in_(nearby))
    if query.limit < 0 or query.offset < 0:
        raise SearchQueryError("limit and offset must be 0 or more")
    return _Compiled(where, fts_match, ts_query)


def _distance_expr(lat: float, lon: float) -> sa.ScalarSelect[Any]:
    return (
        sa.select(sa.func.min(sa.func.cartnav_km(lat, lon, sites.c.lat, sites.c.lon)))
        .where(sites.c.trial_id == trials.c.id, sites.c.lat.is_not(None))
        .scalar_subquery()
    )


_SUMMARY_COLUMNS = (
    trials.c.id,
    trials.c.nct_id,
    trials.c.brief_title,
    trials.c.status,
    trials.c.phases,
    trials.c.conditions,
    trials.c.sponsor,
    trials.c.min_age_days,
    trials.c.max_age_days,
    trials.c.sex,
    trials.c.is_cell_therapy,
    trials.c.car_targets,
    trials.c.last_update_posted,
)


def run_search(conn: sa.Connection, query: SearchQuery) -> SearchResult:
    """Execute ``query``: the total number of matches and one page of summaries."""
    compiled = _compile(query)
    dialect = conn.dialect.name
    source: Any = trials
    where = list(compiled.where)
    rank: sa.ColumnElement[Any] | None = None
    params: dict[str, Any] = {}
    if compiled.fts_match is not None and dialect == "sqlite":
        fts = sa.table("trials_fts", sa.column("rowid"))
        source = trials.join(fts, fts.c.rowid == trials.c.id)
        where.append(sa.literal_column("trials_fts").op("MATCH")(sa.bindparam("fts_match")))
        params["fts_match"] = compiled.fts_match
        rank = sa.literal_column(f"bm25(trials_fts, {_FTS_WEIGHTS})")
    elif compiled.ts_query is not None:
        vector: sa.ColumnElement[Any] = sa.literal_column("trials.search_vector")
        tsq = sa.func.plainto_tsquery(sa.literal_column("'english'"), compiled.ts_query)
        where.append(vector.op("@@")(tsq))
        rank = -sa.func.ts_rank(vector, tsq)
    total = conn.execute(
        sa.select(sa.func.count()).select_from(source).where(*where), params
    ).scalar_one()
    order: list[Any] = []
    if rank is not None:
        order.append(rank)
    elif query.near is not None:
        order.append(_distance_expr(*query.near).asc().nulls_last())
    order.append(trials.c.nct_id)
    page = conn.execute(
        sa.select(*_SUMMARY_COLUMNS)
        .select_from(source)
        .where(*where)
        .order_by(*order)
        .limit(query.limit)
        .offset(query.offset),
        params,
    ).all()
    return SearchResult(total=int(total), results=_summaries(conn, page, query.near))


def _summaries(
    conn: sa.Connection, page: Sequence[sa.Row[Any]], near: tuple[float, float] | None
) -> list[TrialSummary]:
    keys = [row.id for row in page]
    countries: dict[int, dict[str, None]] = {key: {} for key in keys}
    nearest: dict[int, float] = {}
    if keys:
        site_query = (
            sa.select(sites.c.trial_id, sites.c.country_code, sites.c.lat, sites.c.lon)
            .where(sites.c.trial_id.in_(keys))
            .order_by(sites.c.trial_id, sites.c.position)
        )
        for trial_id, code, lat, lon in conn.execute(site_query):
            if code:
                countries[trial_id].setdefault(code, None)
            if near is not None and lat is not None and lon is not None:
                km = haversine_km(near[0], near[1], lat, lon)
                nearest[trial_id] = min(km, nearest.get(trial_id, km))
    return [
        TrialSummary(
            nct_id=row.nct_id,
            title=row.brief_title,
            status=row.status,
            phases=unbars(row.phases),
            conditions=tuple(json.loads(row.conditions)),
            sponsor=row.sponsor,
            min_age_days=row.min_age_days,
            max_age_days=row.max_age_days,
            sex=row.sex,
            cell_therapy=bool(row.is_cell_therapy),
            car_targets=unbars(row.car_targets),
            countries=tuple(countries[row.id]),
            last_update_posted=row.last_update_posted,
            distance_km=nearest.get(row.id),
        )
        for row in page
    ]
