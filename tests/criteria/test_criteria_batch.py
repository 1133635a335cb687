"""parse_many gives exactly what parse_criteria gives, on several processes or in this one."""

from __future__ import annotations

from collections.abc import Iterator
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


def test_a_broken_pool_is_finished_in_this_process(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Breaks:
        """Delivers two chunks, then dies as a pool whose worker was killed."""

        def __init__(self, **_kwargs: Any) -> None:
            pass

        def __enter__(self) -> Breaks:
            return self

        def __exit__(self, *_exc: object) -> None:
            return None

        def map(self, fn: Any, chunks: list[list[str]]) -> Iterator[Any]:
            yield fn(chunks[0])
            yield fn(chunks[1])
            raise BrokenProcessPool("a worker died")

    monkeypatch.setattr(batch, "ProcessPoolExecutor", Breaks)
    assert parse_many(texts, workers=2) == [parse_criteria(t) for t in texts]
