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

import contextlib
import dataclasses
import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from cartnav.domain.errors import CartnavError, RegistryError
from cartnav.domain.trial import Site, Trial
from cartnav.registry.classify import classify
from cartnav.registry.geo import country_code, geocode
from cartnav.registry.records import RawRecord, RejectedRecord
from cartnav.storage.batch_writer import BatchWriter, WriteJob
from cartnav.storage.models import ImportSummary
from cartnav.storage.rows import NCT_ID, TrialWrite
from cartnav.storage.writes import Reject, prepare_batch

if TYPE_CHECKING:
    from cartnav.storage.store import TrialStore

__all__ = ["ImportSummary", "ingest", "prepare"]

Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_SITE_FIELDS = ("facility", "city", "state", "country", "country_code", "status", "lat", "lon")
_FAST_SITES = tuple(field.name for field in dataclasses.fields(Site)) == _SITE_FIELDS


def _placed(site: Site, code: str | None, lat: float | None, lon: float | None) -> Site:
    """``site`` with another country code and point (faster than ``dataclasses.replace``,
    which stays the way should :class:`Site` gain a field)."""
    if not _FAST_SITES:  # pragma: no cover - guards a future field
        return dataclasses.replace(site, country_code=code, lat=lat, lon=lon)
    return Site(site.facility, site.city, site.state, site.country, code, site.status, lat, lon)


def _locate(site: Site) -> tuple[Site, str | None]:
    """The site with its country code filled in and, if it has none, approximate coordinates."""
    code = site.country_code or country_code(site.country)
    if site.lat is not None and site.lon is not None:
        if code != site.country_code:
            site = _placed(site, code, site.lat, site.lon)
        return site, "registry"
    point = geocode(site.city, code, site.state) if code else None
    if point is None:
        if code == site.country_code and site.lat is None and site.lon is None:
            return site, None
        return _placed(site, code, None, None), None
    return _placed(site, code, point[0], point[1]), "geonames"


def prepare(trial: Trial, raw: RawRecord, content_hash: str) -> TrialWrite:
    """Enrich a parsed trial for storage: site countries and coordinates, cell-therapy class."""
    located = [_locate(site) for site in trial.sites]
    placed = tuple(site for site, _ in located)
    unchanged = all(new is old for new, old in zip(placed, trial.sites, strict=True))
    enriched = trial if unchanged else dataclasses.replace(trial, sites=placed)
    cell_therapy, targets = classify(enriched)
    return TrialWrite(
        trial=enriched,
        content_hash=content_hash,
        origin=raw.origin,
        payload=raw.payload,
        cell_therapy=cell_therapy,
        car_targets=targets,
        geo_sources=tuple(source for _, source in located),
    )


def _flush(
    records: list[RawRecord | RejectedRecord],
    store: TrialStore,
    writer: BatchWriter,
    summary: ImportSummary,
    now: dt.datetime,
) -> None:
    """Classify one batch in input order against what is stored, and submit its writes."""
    from cartnav.registry.parse import content_hash

    rejects: list[Reject] = []
    rows: list[tuple[RawRecord, str, Trial | None]] = []
    for record in records:
        if isinstance(record, RejectedRecord):
            rejects.append(Reject(record.origin, record.nct_id, record.reason, record.payload))
        else:
            rows.append((record, content_hash(record), None))
    in_flight = writer.pending_digests()  # taken before the lookup, see BatchWriter
    guessed = {raw.nct_id for raw, _, _ in rows if raw.nct_id}
    stored = store.stored_versions(sorted(guessed))
    current = {nct_id: version.content_hash for nct_id, version in stored.items()}
    current.update((n, d) for n, d in in_flight.items() if n in current or n in guessed)
    # A record identical to the stored version of its (guessed) id needs no parsing.
    parsed: list[tuple[RawRecord, str, Trial | None]] = []
    for raw, digest, _ in rows:
        if raw.nct_id and current.get(raw.nct_id) == digest:
            parsed.append((raw, digest, None))
            continue
        trial = _parse(raw, rejects)
        if trial is not None:
            parsed.append((raw, digest, trial))
    unseen = {t.nct_id for _, _, t in parsed if t and t.nct_id not in current}
    if unseen:
        more = store.stored_versions(sorted(unseen))
        stored.update(more)
        current.update({nct_id: version.content_hash for nct_id, version in more.items()})
        current.update((n, d) for n, d in in_flight.items() if n in unseen)
    pending: dict[str, tuple[RawRecord, str, Trial]] = {}
    for raw, digest, maybe_trial in parsed:
        nct_id = maybe_trial.nct_id if maybe_trial else str(raw.nct_id)
        previous = current.get(nct_id)
        if previous == digest:
            summary.unchanged += 1
            continue
        trial = maybe_trial or _parse(raw, rejects)
        if trial is None:  # cannot happen for a payload stored before; kept for safety
            continue
        if previous is None:
            summary.inserted += 1
        else:
            summary.updated += 1
        current[nct_id] = digest
        pending[nct_id] = (raw, digest, trial)
    summary.rejected += len(rejects)
    known = set(stored) | set(in_flight)
    writes, first_imported = [], {}
    for nct_id, (raw, digest, trial) in pending.items():
        writes.append(prepare(trial, raw, digest))
        if nct_id in known:
            first_imported[nct_id] = stored[nct_id].first_imported_at if nct_id in stored else now
    batch = prepare_batch(store.engine.dialect, writes, first_imported, now)
    digests = {nct_id: digest for nct_id, (_, digest, _) in pending.items()}
    replaced = sorted(first_imported)
    writer.submit(WriteJob(writer.submitted + 1, batch, replaced, rejects, now, digests))


def _parse(raw: RawRecord, rejects: list[Reject]) -> Trial | None:
    """The parsed trial, or None after quarantining the record with the reason."""
    from cartnav.registry.parse import parse_record

    try:
        trial = parse_record(raw)
        if NCT_ID.fullmatch(trial.nct_id) is None:
            raise RegistryError(f"{raw.origin}: NCT id {trial.nct_id!r} is not NCT + 8 digits")
    except Exception as exc:  # any parser failure quarantines the record, never stops
        rejects.append(Reject(raw.origin, raw.nct_id, _reason(exc), raw.payload))
        return None
    return trial


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if isinstance(exc, CartnavError) else f"{type(exc).__name__}: {text}"


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while importing, then as before.

    Parsing allocates millions of short-lived objects (the decoded JSON) and almost no cycles;
    at the default first threshold (700 allocations) the collector runs thousands of times a
    batch and costs about a tenth of the import. A higher threshold keeps memory as flat.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], _GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


_GC_THRESHOLD = 20_000


def ingest(
    store: TrialStore,
    records: Iterable[RawRecord | RejectedRecord],
    *,
    batch_size: int = 500,
    clock: Clock = _utc_now,
    parallel_after: int | None = 4,
) -> ImportSummary:
    """Parse and store ``records``; returns the counts. See the module docstring for the rules.

    After ``parallel_after`` batches, writing moves to a child process so that parsing and
    writing use two cores (None: always write in this process).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    summary = ImportSummary()
    writer = BatchWriter(store, parallel_after=parallel_after)
    batch: list[RawRecord | RejectedRecord] = []
    with _fewer_collections():
        try:
            for record in records:
                batch.append(record)
                if len(batch) >= batch_size:
                    _flush(batch, store, writer, summary, clock())
                    batch = []
            if batch:
                _flush(batch, store, writer, summary, clock())
        finally:
            writer.close()  # every whole batch read so far is committed, even if reading failed
    return summary
