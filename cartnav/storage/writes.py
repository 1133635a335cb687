"""Batch writes of the trial store: one call = one transaction's worth of trials and rejects.

A changed trial is replaced whole (its old rows deleted, the new ones inserted), which drops the
trial's cached parsed criteria. The SQLite FTS index stays exact: deleted rows leave it by
trigger, new rows enter it with one statement per batch (:func:`write_prepared`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from cartnav.storage.rows import (
    SITE_COLUMNS,
    TrialWrite,
    filter_row,
    pack_payload,
    site_rows,
    term_rows,
    trial_key,
    trial_row,
)
from cartnav.storage.schema import (
    FTS_COLUMNS,
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


@dataclass(slots=True)
class PreparedBatch:
    """One batch's new trial rows as driver parameters, built by the process that parses.

    Plain tuples pickle several times faster than the parsed dataclasses, so the import's writer
    process only runs the statements. The verbatim records stay text until written
    (:func:`write_prepared` compresses them there, which balances the two processes).
    """

    trial_ids: list[int]  # keys of every trial inserted, for the SQLite full-text index
    statements: list[tuple[str, list[tuple[Any, ...]]]]  # (INSERT statement, parameter rows)
    raws: list[tuple[int, str, str, str]]  # trial_raw: (trial_id, origin, format, payload text)


def prepare_batch(
    dialect: sa.Dialect,
    writes: Sequence[TrialWrite],
    first_imported: Mapping[str, dt.datetime],
    now: dt.datetime,
) -> PreparedBatch:
    """The rows of ``writes`` (``first_imported`` keeps the first import time of replaced ones)."""
    trial_rows: list[dict[str, Any]] = []
    all_sites: list[tuple[Any, ...]] = []
    all_terms: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    raws: list[tuple[int, str, str, str]] = []
    for write in writes:
        first = first_imported.get(write.trial.nct_id, now)
        row = trial_row(write, first_imported_at=first, now=now)
        trial_rows.append(row)
        all_sites.extend(site_rows(write))
        all_terms.extend(term_rows(write))
        filters.append(filter_row(write))
        raws.append((row["id"], write.origin, write.trial.source_format, write.payload))
    statements = [
        _driver_params(dialect, table, rows)
        for table, rows in (
            (trials, trial_rows),
            (trial_filters, filters),
            (trial_terms, all_terms),
        )
        if rows
    ]
    if all_sites:
        statements.append((_insert_sql(dialect, sites, SITE_COLUMNS), all_sites))
    return PreparedBatch([row["id"] for row in trial_rows], statements, raws)


def write_prepared(conn: sa.Connection, batch: PreparedBatch) -> None:
    """Insert a prepared batch (after :func:`delete_trials` of the trials it replaces)."""
    if not batch.trial_ids:
        return
    for sql, params in batch.statements:
        conn.exec_driver_sql(sql, params)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"INSERT INTO {trial_raw.name} (trial_id, origin, source_format, payload) "
        f"VALUES ({mark}, {mark}, {mark}, {mark})",
        [(key, origin, fmt, pack_payload(payload)) for key, origin, fmt, payload in batch.raws],
    )
    if conn.dialect.name == "sqlite":  # one statement per batch; see migration 0002
        columns = ", ".join(FTS_COLUMNS)
        conn.exec_driver_sql(
            f"INSERT INTO trials_fts(rowid, {columns}) SELECT id, {columns} FROM trials "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(batch.trial_ids),),
        )


def _insert_sql(dialect: sa.Dialect, table: sa.Table, names: Sequence[str]) -> str:
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(mark for _ in names)})"
    )


def _driver_params(
    dialect: sa.Dialect, table: sa.Table, rows: Sequence[Mapping[str, Any]]
) -> tuple[str, list[tuple[Any, ...]]]:
    """The ``INSERT`` for ``table`` and its parameter tuples, for ``executemany`` straight on
    the driver: the column types' bind processors are applied once per value, without
    SQLAlchemy's per-row statement bookkeeping. Every row must have the same keys in order."""
    names = list(rows[0])
    converters = [
        (index, processor)
        for index, name in enumerate(names)
        if (processor := table.c[name].type.bind_processor(dialect)) is not None
    ]
    sql = _insert_sql(dialect, table, names)
    params: list[tuple[Any, ...]]
    if converters:
        params = []
        for row in rows:
            values = list(row.values())
            for index, processor in converters:
                values[index] = processor(values[index])
            params.append(tuple(values))
    else:
        params = [tuple(row.values()) for row in rows]
    return sql, params


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
