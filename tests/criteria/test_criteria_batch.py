"""parse_many gives exactly what parse_criteria gives, on several processes or in this one."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from script_modules import load_bench

import cartnav.criteria.batch as batch
from cartnav.criteria import parse_criteria
from cartnav.criteria.batch import parse_many

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def texts(shared_dir: Path) -> list[str]:
    found = list(load_bench("criteria_speed").real_texts(shared_dir))
    corpus = [found[i % len(found)] for i in range(batch.MIN_PARALLEL + 30)]
    return [*corpus, "", "   ", "Inclusion: age 1-21 years"]


def test_two_processes_give_the_serial_result(texts: list[str]) -> None:
    assert parse_many(texts, workers=2) == [parse_criteria(t) for t in texts]


def test_small_batches_and_one_worker_stay_in_this_process(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("no pool expected")

    monkeypatch.setattr(batch, "ProcessPoolExecutor", no_pool)
    assert parse_many(texts[:5], workers=2) == [parse_criteria(t) for t in texts[:5]]
    assert parse_many(texts, workers=1) == [parse_criteria(t) for t in texts]


class _FakePool:
    """A pool for the tests: ``submit`` runs nothing itself; ``finished`` says what the first
    futures end as (a result, or an exception) and the rest stay pending."""

    def __init__(self, finished: list[BaseException | None]) -> None:
        self.finished = finished
        self.submitted = 0

    def __call__(self, **_kwargs: Any) -> _FakePool:
        return self

    def __enter__(self) -> _FakePool:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def submit(self, fn: Any, chunk: list[str]) -> Future[Any]:
        future: Future[Any] = Future()
        if self.submitted < len(self.finished):
            error = self.finished[self.submitted]
            if error is None:
                future.set_result(fn(chunk))
            else:
                future.set_exception(error)
        self.submitted += 1
        return future


def test_this_process_takes_the_chunks_no_worker_started(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = _FakePool([None, None])  # the workers did two chunks; the rest never started
    monkeypatch.setattr(batch, "ProcessPoolExecutor", pool)
    assert parse_many(texts, workers=2) == [parse_criteria(t) for t in texts]
    assert pool.submitted > 2


def test_a_broken_pool_is_finished_in_this_process(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # two chunks delivered, then the pool dies as one whose worker was killed, with every other
    # chunk already handed to it
    pool = _FakePool([None, None] + [BrokenProcessPool("a worker died")] * 1000)
    monkeypatch.setattr(batch, "ProcessPoolExecutor", pool)
    assert parse_many(texts, workers=2) == [parse_criteria(t) for t in texts]
