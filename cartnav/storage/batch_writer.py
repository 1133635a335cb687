"""Writes import batches in order: inline, or in a child process for big imports.

Parsing (Python, one core) and writing (the database driver, FTS indexing) take about the same
time per study, so a big import hands its batches to a writer process and parses the next batch
meanwhile: two cores, one transaction per batch as before, in the same order. The first
``parallel_after`` batches are written inline, so small imports never start a process.

While batches wait in the queue, :meth:`BatchWriter.pending_digests` tells which content hash each
queued NCT id will have once written, so the next batch is classified against that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import queue
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from cartnav.domain.errors import StorageError
from cartnav.storage.writes import PreparedBatch, Reject

if TYPE_CHECKING:
    from cartnav.storage.store import TrialStore

_POLL_SECONDS = 0.5
_QUEUE_DEPTH = 2


@dataclass
class WriteJob:
    """One batch's writes: the trials it replaces (deleted first), the rows of its new and
    changed trials, its rejects."""

    seq: int
    batch: PreparedBatch
    replaced: Sequence[str]  # NCT ids
    rejects: Sequence[Reject]
    now: dt.datetime
    digests: Mapping[str, str]  # nct_id -> the content hash this batch leaves stored


def _write(store: TrialStore, job: WriteJob) -> None:
    store.write_prepared(job.batch, replaced=job.replaced, rejects=job.rejects, now=job.now)


def _child_main(url: str, jobs: Any, acks: Any) -> None:  # pragma: no cover - runs in a child
    """The writer process: write each job, acknowledge it, stop at None or on the first error."""
    from cartnav.storage.store import open_store

    # Ctrl-C reaches the whole process group: the parent decides (it stops reading, and waits
    # here for the batches already queued), so the writer ignores it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    store = open_store(url)
    try:
        while True:
            try:
                job = jobs.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if parent is not None and not parent.is_alive():
                    return
                continue
            if job is None:
                return
            try:
                _write(store, job)
            except BaseException as exc:
                acks.put((job.seq, f"{type(exc).__name__}: {exc}"))
                return
            acks.put((job.seq, None))
    finally:
        store.close()


class BatchWriter:
    """Writes :class:`WriteJob` objects in submission order (see the module docstring)."""

    def __init__(self, store: TrialStore, *, parallel_after: int | None = 4) -> None:
        self.store = store
        self.parallel_after = parallel_after
        self.submitted = 0
        self.in_flight: dict[int, Mapping[str, str]] = {}
        self.process: BaseProcess | None = None
        self.jobs: Any = None
        self.acks: Any = None

    def _can_share(self) -> bool:
        url = self.store.engine.url
        if url.get_backend_name() != "sqlite":
            return True
        return bool(url.database) and url.database != ":memory:"

    def _start(self) -> None:
        # fork: the child shares the parsed state and never re-imports the caller's script;
        # it builds its own engine and never touches the parent's connections.
        methods = multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.jobs = context.Queue(maxsize=_QUEUE_DEPTH)
        self.acks = context.Queue()
        url = self.store.engine.url.render_as_string(hide_password=False)
        self.process = context.Process(
            target=_child_main, args=(url, self.jobs, self.acks), daemon=True
        )
        self.process.start()

    def pending_digests(self) -> dict[str, str]:
        """nct_id -> content hash of trials in batches submitted but not yet committed."""
        self._drain()
        merged: dict[str, str] = {}
        for seq in sorted(self.in_flight):
            merged.update(self.in_flight[seq])
        return merged

    def submit(self, job: WriteJob) -> None:
        self.submitted += 1
        if (
            self.process is None
            and self.parallel_after is not None
            and self.submitted > self.parallel_after
            and self._can_share()
        ):
            self._start()
        if self.process is None:
            _write(self.store, job)
            return
        self._drain()
        self.in_flight[job.seq] = job.digests
        while True:
            try:
                self.jobs.put(job, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                self._drain()
                self._check_alive()

    def _drain(self, *, block: bool = False) -> None:
        while self.acks is not None and self.in_flight:
            try:
                seq, error = (
                    self.acks.get(timeout=_POLL_SECONDS) if block else self.acks.get_nowait()
                )
            except queue.Empty:
                if not block:
                    return
                self._check_alive()
                continue
            self.in_flight.pop(seq, None)
            if error is not None:
                raise StorageError(f"writing import batch {seq} failed: {error}")

    def _check_alive(self) -> None:
        if self.process is not None and not self.process.is_alive():
            # it may have acknowledged its last jobs just before stopping
            while True:
                try:
                    seq, error = self.acks.get_nowait()
                except queue.Empty:
                    break
                self.in_flight.pop(seq, None)
                if error is not None:
                    raise StorageError(f"writing import batch {seq} failed: {error}")
            if self.in_flight:
                raise StorageError(
                    f"the import writer process stopped (exit code {self.process.exitcode})"
                )

    def close(self) -> None:
        """Wait until every submitted batch is committed; raise if one failed."""
        if self.process is None:
            return
        try:
            self._drain(block=True)
        finally:
            with contextlib.suppress(queue.Full):  # a full queue means the child is gone
                self.jobs.put(None, timeout=5)
            self.process.join(timeout=30)
            if self.process.is_alive():  # pragma: no cover - should not happen
                self.process.terminate()
            self.jobs.close()
            self.acks.close()
            self.process = None
