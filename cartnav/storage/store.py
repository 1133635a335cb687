"""The trial store: open (and migrate) a database, read trials, search, keep metadata.

Writes of imported trials go through :func:`cartnav.registry.ingest.ingest`, which calls
:meth:`TrialStore.write_prepared` once per batch (one transaction each).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from cartnav.domain.errors import StorageError
from cartnav.domain.trial import Trial
from cartnav.storage import migrate
from cartnav.storage.models import QuarantineRow, SearchQuery, SearchResult
from cartnav.storage.rows import NCT_ID, trial_from_rows, unpack_payload
from cartnav.storage.schema import (
    meta,
    quarantine,
    sites,
    trial_criteria,
    trial_raw,
    trial_terms,
    trials,
)
from cartnav.storage.search import run_search
from cartnav.storage.urls import default_database_url, make_engine, normalize_url
from cartnav.storage.writes import (
    PreparedBatch,
    Reject,
    Stored,
    delete_trials,
    insert_rejects,
    stored_versions,
    write_prepared,
)

_ITER_CHUNK = 500


class TrialStore:
    """A migrated database holding registry trials; safe to share within one thread."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- reading trials ---------------------------------------------------------------------

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(trials)).scalar_one())

    def get_trial(self, nct_id: str) -> Trial | None:
        nct_id = nct_id.strip().upper()
        if NCT_ID.fullmatch(nct_id) is None:
            return None
        found = list(self._load(sa.select(trials).where(trials.c.nct_id == nct_id)))
        return found[0] if found else None

    def get_raw(self, nct_id: str) -> str | None:
        """The record exactly as imported (v2 JSON text or legacy XML document)."""
        query = (
            sa.select(trial_raw.c.payload)
            .join(trials, trials.c.id == trial_raw.c.trial_id)
            .where(trials.c.nct_id == nct_id.strip().upper())
        )
        with self.engine.connect() as conn:
            payload = conn.execute(query).scalar_one_or_none()
        return None if payload is None else unpack_payload(bytes(payload))

    def site_geo_sources(self, nct_id: str) -> list[str | None]:
        """Per site, in order: where its coordinates come from (registry, geonames, None)."""
        query = (
            sa.select(sites.c.geo_source)
            .join(trials, trials.c.id == sites.c.trial_id)
            .where(trials.c.nct_id == nct_id)
            .order_by(sites.c.position)
        )
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(query)]

    def iter_trials(
        self,
        *,
        statuses: Sequence[str] | None = None,
        nct_ids: Sequence[str] | None = None,
    ) -> Iterator[Trial]:
        """Stored trials in NCT id order, read in chunks (memory stays flat)."""
        base = sa.select(trials)
        if statuses:
            from cartnav.storage.search import normalize_status

            wanted = [normalize_status(s) for s in statuses]
            if all(s is not None for s in wanted):
                base = base.where(trials.c.status.in_(sorted({s for s in wanted if s})))
        if nct_ids is not None:
            ids = sorted({n.strip().upper() for n in nct_ids})
            for start in range(0, len(ids), _ITER_CHUNK):
                chunk = ids[start : start + _ITER_CHUNK]
                yield from self._load(base.where(trials.c.nct_id.in_(chunk)).order_by(trials.c.id))
            return
        last = -1
        while True:
            query = base.where(trials.c.id > last).order_by(trials.c.id).limit(_ITER_CHUNK)
            chunk_trials = list(self._load(query))
            if not chunk_trials:
                return
            yield from chunk_trials
            last = int(chunk_trials[-1].nct_id[3:])

    def _load(self, query: sa.Select[Any]) -> Iterator[Trial]:
        with self.engine.connect() as conn:
            rows = [row._mapping for row in conn.execute(query)]
            if not rows:
                return
            keys = [row["id"] for row in rows]
            site_map: dict[int, list[sa.RowMapping]] = {key: [] for key in keys}
            term_map: dict[int, list[sa.RowMapping]] = {key: [] for key in keys}
            for site in conn.execute(sa.select(sites).where(sites.c.trial_id.in_(keys))):
                site_map[site.trial_id].append(site._mapping)
            for term in conn.execute(
                sa.select(trial_terms).where(trial_terms.c.trial_id.in_(keys))
            ):
                term_map[term.trial_id].append(term._mapping)
        for row in rows:
            yield trial_from_rows(row, site_map[row["id"]], term_map[row["id"]])

    def search(self, query: SearchQuery) -> SearchResult:
        with self.engine.connect() as conn:
            return run_search(conn, query)

    # -- writing (used by ingest) -----------------------------------------------------------

    def stored_versions(self, nct_ids: Sequence[str]) -> dict[str, Stored]:
        with self.engine.connect() as conn:
            return stored_versions(conn, nct_ids)

    def write_prepared(
        self,
        batch: PreparedBatch,
        *,
        replaced: Sequence[str],
        rejects: Sequence[Reject],
        now: dt.datetime,
    ) -> None:
        """In one transaction: delete the ``replaced`` trials, insert ``batch``, quarantine."""
        with self.engine.begin() as conn:
            delete_trials(conn, replaced)
            write_prepared(conn, batch)
            insert_rejects(conn, rejects, now)

    # -- metadata, parsed criteria cache, quarantine ----------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(meta).where(meta.c.key == key))
            conn.execute(meta.insert().values(key=key, value=value))

    def get_parsed_criteria(self, nct_ids: Sequence[str], parser_version: str) -> dict[str, str]:
        found: dict[str, str] = {}
        ids = sorted(set(nct_ids))
        with self.engine.connect() as conn:
            for start in range(0, len(ids), _ITER_CHUNK):
                query = sa.select(trial_criteria.c.nct_id, trial_criteria.c["items"]).where(
                    trial_criteria.c.parser_version == parser_version,
                    trial_criteria.c.nct_id.in_(ids[start : start + _ITER_CHUNK]),
                )
                found.update({nct_id: items for nct_id, items in conn.execute(query)})
        return found

    def put_parsed_criteria(self, rows: Mapping[str, str], parser_version: str) -> None:
        if not rows:
            return
        ids = sorted(rows)
        with self.engine.begin() as conn:
            for start in range(0, len(ids), _ITER_CHUNK):
                chunk = ids[start : start + _ITER_CHUNK]
                conn.execute(
                    sa.delete(trial_criteria).where(
                        trial_criteria.c.parser_version == parser_version,
                        trial_criteria.c.nct_id.in_(chunk),
                    )
                )
            conn.execute(
                trial_criteria.insert(),
                [{"nct_id": n, "parser_version": parser_version, "items": rows[n]} for n in ids],
            )

    def quarantined(self) -> list[QuarantineRow]:
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(quarantine).order_by(quarantine.c.id))
            return [
                QuarantineRow(
                    id=row.id,
                    origin=row.origin,
                    nct_id=row.nct_id,
                    reason=row.reason,
                    payload=row.payload,
                    created_at=row.created_at,
                )
                for row in result
            ]

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> TrialStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None) -> TrialStore:
    """Open the database at ``url`` (default: :func:`default_database_url`), migrating it."""
    target = url or default_database_url()
    normalize_url(target)
    engine: sa.Engine | None = None
    try:
        engine = make_engine(target)
        migrate.upgrade(engine)
    except OperationalError as exc:
        if engine is not None:
            engine.dispose()
        safe = normalize_url(target).render_as_string(hide_password=True)
        raise StorageError(f"cannot open database {safe!r}: {exc.orig}") from exc
    except SQLAlchemyError as exc:
        if engine is not None:
            engine.dispose()
        raise StorageError(f"cannot migrate database: {exc}") from exc
    return TrialStore(engine)
