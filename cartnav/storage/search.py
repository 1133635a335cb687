"""Full-text search plus filters, compiled to one SQL query on SQLite (FTS5) or PostgreSQL.

Order of results: with text, by relevance (SQLite: trials whose title, conditions,
interventions or keywords hold every word come first, newest NCT ids first within each group;
PostgreSQL: ``ts_rank`` with the same fields weighted higher); without text, by distance to
``near`` when given, else by NCT id.
Text matching: every word of the text must occur (in any indexed field), after stemming.
"""

from __future__ import annotations

import json
import math
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
from cartnav.storage.schema import sites, trial_filters, trials

# A match in these columns ranks before a match only in summaries or criteria.
_STRONG_COLUMNS = ("fts_title", "fts_conditions", "fts_interventions", "fts_keywords")
_WORD = re.compile(r"[^\W_]+")  # FTS5 unicode61 splits on "_" too


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
    flt = trial_filters.c
    where: list[sa.ColumnElement[bool]] = []
    fts_match = ts_query = None
    if query.text and query.text.strip():
        words = _WORD.findall(query.text)
        if words:
            fts_match = " ".join('"' + word + '"' for word in words)
            ts_query = " ".join(words)
    statuses = [normalize_status(v) for v in query.statuses]
    if statuses and None not in statuses:  # "any" among them: every status
        where.append(flt.status.in_(sorted({s for s in statuses if s})))
    if query.cart_only:
        where.append(flt.is_cell_therapy.is_(True))
    if query.condition and query.condition.strip():
        pattern = f"%{_like_escape(query.condition.strip())}%"
        where.append(flt.conditions.ilike(pattern, escape="\\"))
    if query.phase and query.phase.strip():
        for phase in normalize_phase(query.phase):
            where.append(flt.phases.like(f"%|{phase}|%"))
    if query.sex and query.sex.strip():
        sex = query.sex.strip().upper()
        sex = {"F": "FEMALE", "M": "MALE", "ANY": "ALL"}.get(sex, sex)
        if sex not in {"FEMALE", "MALE", "ALL"}:
            raise SearchQueryError(f"sex {query.sex!r}: use female, male or all")
        if sex != "ALL":
            where.append(flt.sex.in_(["ALL", sex]))
    if query.age_years is not None:
        if not 0 <= query.age_years <= 150:
            raise SearchQueryError(f"age {query.age_years!r}: expected years between 0 and 150")
        days = float(query.age_years) * DAYS_PER_YEAR
        where.append(sa.or_(flt.min_age_days.is_(None), flt.min_age_days <= days))
        where.append(sa.or_(flt.max_age_days.is_(None), flt.max_age_days + DAYS_PER_YEAR > days))
    if query.country and query.country.strip():
        code = country_code(query.country)
        if code is None:
            raise SearchQueryError(
                f"country {query.country!r} is not an ISO 3166 code or English country name"
            )
        where.append(flt.countries.like(f"%|{code}|%"))
    if query.max_km is not None and query.near is None:
        raise SearchQueryError("max_km needs a point: give --near LAT,LON too")
    if query.near is not None:
        lat, lon = query.near
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SearchQueryError(f"near {lat},{lon}: latitude -90..90, longitude -180..180")
        if query.max_km is not None:
            if query.max_km <= 0:
                raise SearchQueryError(f"max_km {query.max_km!r}: expected a positive distance")
            # after a text filter few trials remain: check their sites one trial at a time
            per_trial = fts_match is not None
            where.append(_nearby(lat, lon, query.max_km, per_trial=per_trial))
    if query.limit < 0 or query.offset < 0:
        raise SearchQueryError("limit and offset must be 0 or more")
    return _Compiled(where, fts_match, ts_query)


_MAX_CELLS = 4000


def _nearby(lat: float, lon: float, max_km: float, *, per_trial: bool) -> sa.ColumnElement[bool]:
    """A site within ``max_km`` of (lat, lon).

    The bounding box's 1-degree grid cells are split into inner cells (all four corners within
    range, so every point inside is: no distance to compute) and edge cells (haversine per site).
    ``per_trial`` checks each candidate trial's own sites (best after a selective text filter);
    otherwise the matching sites are looked up once through the cell index.
    """
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, max_km)
    lat_cells = range(math.floor(min_lat), math.floor(max_lat) + 1)
    lon_cells = range(math.floor(min_lon), min(math.floor(max_lon), 179) + 1)
    exact = sa.and_(
        sites.c.lat.between(min_lat, max_lat),
        sites.c.lon.between(min_lon, max_lon),
        sa.func.cartnav_km(lat, lon, sites.c.lat, sites.c.lon) <= max_km,
    )
    site_match: sa.ColumnElement[bool] = exact
    if len(lat_cells) * len(lon_cells) <= _MAX_CELLS:
        inner: list[int] = []
        edge: list[int] = []
        for a in lat_cells:
            for b in lon_cells:
                corners = ((a, b), (a + 1, b), (a, b + 1), (a + 1, b + 1))
                far = max(haversine_km(lat, lon, y, x) for y, x in corners)
                (inner if far <= max_km else edge).append(a * 360 + b)
        site_match = sa.or_(
            sites.c.geo_cell.in_(inner or [-1]), sa.and_(sites.c.geo_cell.in_(edge or [-1]), exact)
        )
    if per_trial:
        return sa.exists().where(sites.c.trial_id == trial_filters.c.trial_id, site_match)
    return trial_filters.c.trial_id.in_(sa.select(sites.c.trial_id).where(site_match))


def _distance_expr(lat: float, lon: float, max_km: float | None) -> sa.ScalarSelect[Any]:
    """Distance to the trial's nearest site; with ``max_km`` only sites in range can be nearest
    (the trial passed the distance filter), so only the bounding box's sites are measured."""
    conditions = [sites.c.trial_id == trial_filters.c.trial_id, sites.c.lat.is_not(None)]
    if max_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, max_km)
        conditions += [sites.c.lat.between(min_lat, max_lat), sites.c.lon.between(min_lon, max_lon)]
    return (
        sa.select(sa.func.min(sa.func.cartnav_km(lat, lon, sites.c.lat, sites.c.lon)))
        .where(*conditions)
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
    key = trial_filters.c.trial_id
    source: Any = trial_filters
    where = list(compiled.where)
    order: list[Any] = []
    params: dict[str, Any] = {}
    if compiled.fts_match is not None and conn.dialect.name == "sqlite":
        matching = sa.text("SELECT rowid FROM trials_fts WHERE trials_fts MATCH :fts_match")
        strong = sa.text("SELECT rowid FROM trials_fts WHERE trials_fts MATCH :fts_strong")
        where.append(key.in_(matching))
        params["fts_match"] = compiled.fts_match
        params["fts_strong"] = f"{{{' '.join(_STRONG_COLUMNS)}}} : ({compiled.fts_match})"
        order += [key.in_(strong).desc(), key.desc()]
    elif compiled.ts_query is not None:
        vector: sa.ColumnElement[Any] = sa.literal_column("trials.search_vector")
        tsq = sa.func.plainto_tsquery(sa.literal_column("'english'"), compiled.ts_query)
        source = trial_filters.join(trials, trials.c.id == key)
        where.append(vector.op("@@")(tsq))
        order += [sa.func.ts_rank(vector, tsq, 1).desc(), key.desc()]
    elif query.near is not None:
        order.append(_distance_expr(*query.near, query.max_km).asc().nulls_last())
    order.append(key)  # the number of the NCT id: NCT id order
    total = conn.execute(
        sa.select(sa.func.count()).select_from(source).where(*where), params
    ).scalar_one()
    # First the page's ids (only the narrow filter rows are read), then their details.
    page_ids = [
        row[0]
        for row in conn.execute(
            sa.select(key)
            .select_from(source)
            .where(*where)
            .order_by(*order)
            .limit(query.limit)
            .offset(query.offset),
            params,
        )
    ]
    details = {
        row.id: row
        for row in conn.execute(sa.select(*_SUMMARY_COLUMNS).where(trials.c.id.in_(page_ids)))
    }
    page = [details[page_id] for page_id in page_ids]
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
