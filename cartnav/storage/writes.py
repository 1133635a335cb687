"""Batch writes of the trial store: one call = one transaction's worth of trials and rejects.

A changed trial is replaced whole (its old rows deleted, the new ones inserted), which keeps the
SQLite FTS index exact through its triggers and drops the trial's cached parsed criteria.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from cartnav.storage.rows import (
    TrialWrite,
    filter_row,
    raw_row,
    site_rows,
    term_rows,
    trial_key,
    trial_row,
)
from cartnav.storage.schema import (
    quarantine,
    sites,
    trial_criteria,
    trial_filters,
    trial_raw,
    trial_terms,
    trials,
)


@dataclass(frozen=True, slots=True)
class Stored:
    content_hash: str
    first_imported_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Reject:
    origin: str
    nct_id: str | None
    reason: str
    payload: str


def stored_versions(conn: sa.Connection, nct_ids: Sequence[str]) -> dict[str, Stored]:
    """Content hash and first import time of those of ``nct_ids`` already stored."""
    found: dict[str, Stored] = {}
    ids = sorted(set(nct_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        query = sa.select(trials.c.nct_id, trials.c.content_hash, trials.c.first_imported_at).where(
            trials.c.nct_id.in_(chunk)
        )
        for nct_id, content_hash, first in conn.execute(query):
            found[nct_id] = Stored(content_hash, first)
    return found


def delete_trials(conn: sa.Connection, nct_ids: Sequence[str]) -> None:
    """Remove trials and every row that hangs on them."""
    if not nct_ids:
        return
    keys = [trial_key(nct_id) for nct_id in nct_ids]
    for table in (sites, trial_terms, trial_raw, trial_filters):
        conn.execute(sa.delete(table).where(table.c.trial_id.in_(keys)))
    conn.execute(sa.delete(trial_criteria).where(trial_criteria.c.nct_id.in_(list(nct_ids))))
    conn.execute(sa.delete(trials).where(trials.c.id.in_(keys)))


def insert_trials(
    conn: sa.Connection,
    writes: Sequence[TrialWrite],
    first_imported: Mapping[str, dt.datetime],
    now: dt.datetime,
) -> None:
    """Insert new trial rows (``first_imported`` keeps the first import time of replaced ones)."""
    if not writes:
        return
    trial_rows: list[dict[str, Any]] = []
    all_sites: list[dict[str, Any]] = []
    all_terms: list[dict[str, Any]] = []
    raws: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    for write in writes:
        first = first_imported.get(write.trial.nct_id, now)
        trial_rows.append(trial_row(write, first_imported_at=first, now=now))
        all_sites.extend(site_rows(write))
        all_terms.extend(term_rows(write))
        raws.append(raw_row(write))
        filters.append(filter_row(write))
    bulk_insert(conn, trials, trial_rows)
    bulk_insert(conn, trial_raw, raws)
    bulk_insert(conn, trial_filters, filters)
    bulk_insert(conn, sites, all_sites)
    bulk_insert(conn, trial_terms, all_terms)


def bulk_insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``executemany`` straight on the driver: the column types' bind processors (dates on
    SQLite) are applied once per value, without SQLAlchemy's per-row statement bookkeeping.
    Every row must have the same keys in the same order."""
    if not rows:
        return
    names = list(rows[0])
    dialect = conn.dialect
    converters = [
        (index, processor)
        for index, name in enumerate(names)
        if (processor := table.c[name].type.bind_processor(dialect)) is not None
    ]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(mark for _ in names)})"
    params: list[Sequence[Any]]
    if converters:
        params = []
        for row in rows:
            values = list(row.values())
            for index, processor in converters:
                values[index] = processor(values[index])
            params.append(tuple(values))
    else:
        params = [tuple(row.values()) for row in rows]
    conn.exec_driver_sql(sql, params)


def insert_rejects(conn: sa.Connection, rejects: Sequence[Reject], now: dt.datetime) -> None:
    """Quarantine rejected records; the same payload from the same origin is kept once."""
    if not rejects:
        return
    rows = [
        {
            "origin": reject.origin,
            "nct_id": reject.nct_id,
            "reason": reject.reason,
            "payload": reject.payload,
            "payload_hash": hashlib.sha256(reject.payload.encode("utf-8", "replace")).hexdigest(),
            "created_at": now,
        }
        for reject in rejects
    ]
    if conn.dialect.name == "postgresql":
        statement: Any = pg_dialect.insert(quarantine).on_conflict_do_nothing()
    else:
        statement = sqlite_dialect.insert(quarantine).on_conflict_do_nothing()
    conn.execute(statement, rows)
