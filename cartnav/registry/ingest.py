"""Import registry records into the trial store: idempotent, one transaction per batch.

Each record read lands in exactly one count of the :class:`ImportSummary`:

- ``rejected``: a :class:`RejectedRecord` from the reader, or a record that fails parsing
  (or has no valid NCT id); it is kept in the quarantine table with its reason.
- ``inserted``: its NCT id was not stored yet.
- ``unchanged``: the stored trial has the same content hash (the hash of the verbatim record).
- ``updated``: the stored trial had a different content hash; it is replaced whole.

Records are applied in input order, so a duplicate NCT id within one import is compared with the
version stored (or applied) just before it: an identical copy counts as unchanged, a different
one as updated, and the last copy in the input is what stays stored.

Crash safety: a batch is written in one transaction, so an interrupted import (a kill, a full
disk, an exception from the reader) leaves every earlier batch stored and nothing of the batch in
flight; running the same import again reports the stored part as unchanged and finishes the rest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from cartnav.domain.errors import CartnavError, RegistryError
from cartnav.domain.trial import Site, Trial
from cartnav.registry.classify import car_targets, is_cell_therapy
from cartnav.registry.geo import country_code, geocode
from cartnav.registry.records import RawRecord, RejectedRecord
from cartnav.storage.models import ImportSummary
from cartnav.storage.rows import NCT_ID, TrialWrite
from cartnav.storage.writes import Reject

if TYPE_CHECKING:
    from cartnav.storage.store import TrialStore

__all__ = ["ImportSummary", "ingest", "prepare"]

Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _locate(site: Site) -> tuple[Site, str | None]:
    """The site with its country code filled in and, if it has none, approximate coordinates."""
    code = site.country_code or country_code(site.country)
    if site.lat is not None and site.lon is not None:
        if code != site.country_code:
            site = dataclasses.replace(site, country_code=code)
        return site, "registry"
    point = geocode(site.city, code, site.state) if code else None
    if point is None:
        return dataclasses.replace(site, country_code=code, lat=None, lon=None), None
    return dataclasses.replace(site, country_code=code, lat=point[0], lon=point[1]), "geonames"


def prepare(trial: Trial, raw: RawRecord, content_hash: str) -> TrialWrite:
    """Enrich a parsed trial for storage: site countries and coordinates, cell-therapy class."""
    located = [_locate(site) for site in trial.sites]
    enriched = dataclasses.replace(trial, sites=tuple(site for site, _ in located))
    return TrialWrite(
        trial=enriched,
        content_hash=content_hash,
        origin=raw.origin,
        payload=raw.payload,
        cell_therapy=is_cell_therapy(enriched),
        car_targets=car_targets(enriched),
        geo_sources=tuple(source for _, source in located),
    )


class _Batch:
    """Records of one batch, classified in input order against the stored versions."""

    def __init__(self) -> None:
        self.raws: list[tuple[RawRecord, str, Trial]] = []
        self.rejects: list[Reject] = []

    def __len__(self) -> int:
        return len(self.raws) + len(self.rejects)

    def flush(self, store: TrialStore, summary: ImportSummary, now: dt.datetime) -> None:
        stored = store.stored_versions([trial.nct_id for _, _, trial in self.raws])
        current = {nct_id: version.content_hash for nct_id, version in stored.items()}
        pending: dict[str, TrialWrite] = {}
        for raw, digest, trial in self.raws:
            previous = current.get(trial.nct_id)
            if previous is None:
                summary.inserted += 1
            elif previous == digest:
                summary.unchanged += 1
                continue
            else:
                summary.updated += 1
            current[trial.nct_id] = digest
            pending[trial.nct_id] = prepare(trial, raw, digest)
        summary.rejected += len(self.rejects)
        inserts = [write for nct_id, write in pending.items() if nct_id not in stored]
        replaces = {
            nct_id: (write, stored[nct_id].first_imported_at)
            for nct_id, write in pending.items()
            if nct_id in stored
        }
        store.write_batch(inserts=inserts, replaces=replaces, rejects=self.rejects, now=now)
        self.raws.clear()
        self.rejects.clear()


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if isinstance(exc, CartnavError) else f"{type(exc).__name__}: {text}"


def ingest(
    store: TrialStore,
    records: Iterable[RawRecord | RejectedRecord],
    *,
    batch_size: int = 500,
    clock: Clock = _utc_now,
) -> ImportSummary:
    """Parse and store ``records``; returns the counts. See the module docstring for the rules."""
    from cartnav.registry.parse import content_hash, parse_record

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    summary = ImportSummary()
    batch = _Batch()
    for record in records:
        if isinstance(record, RejectedRecord):
            batch.rejects.append(
                Reject(record.origin, record.nct_id, record.reason, record.payload)
            )
        else:
            try:
                trial = parse_record(record)
                if NCT_ID.fullmatch(trial.nct_id) is None:
                    raise RegistryError(
                        f"{record.origin}: NCT id {trial.nct_id!r} is not NCT + 8 digits"
                    )
                batch.raws.append((record, content_hash(record), trial))
            except Exception as exc:  # any parser failure quarantines the record, never stops
                batch.rejects.append(
                    Reject(record.origin, record.nct_id, _reason(exc), record.payload)
                )
        if len(batch) >= batch_size:
            batch.flush(store, summary, clock())
    if len(batch):
        batch.flush(store, summary, clock())
    return summary
