"""Parse many criteria texts on every core: :func:`parse_many`.

Parsing is pure Python and costs about 1.5 ms a trial, so building a match index over a large
registry for the first time is bound by one core. :func:`parse_many` gives each of several worker
processes a share of the texts (in chunks, in order) and returns exactly what
``[parse_criteria(t) for t in texts]`` returns. Small batches, one core, or a pool that cannot
start or breaks mid-way fall back to parsing in this process, so the result never depends on it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cartnav.criteria import parse_criteria
from cartnav.domain.criterion import CriterionItem

# Below this many texts a pool costs more to start than it saves.
MIN_PARALLEL = 200
_CHUNK = (20, 200)  # texts per task: at least, at most (larger chunks pickle less often)


def default_workers() -> int:
    """The cores this process may use (``os.sched_getaffinity`` where it exists)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def _parse_chunk(texts: Sequence[str]) -> list[list[CriterionItem]]:
    return [parse_criteria(text) for text in texts]


def parse_many(texts: Sequence[str], *, workers: int | None = None) -> list[list[CriterionItem]]:
    """``[parse_criteria(t) for t in texts]``, computed by up to ``workers`` processes.

    This process is one of them: the pool's ``workers - 1`` processes take chunks from the front
    while this one takes chunks no worker has started from the back (a future cancelled before it
    runs is never run). Only the pool's share is sent between processes, and no core is left to
    a parent that only waits.
    """
    count = default_workers() if workers is None else workers
    if count <= 1 or len(texts) < MIN_PARALLEL:
        return _parse_chunk(texts)
    size = max(_CHUNK[0], min(_CHUNK[1], len(texts) // (count * 4)))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    # fork: the workers start at once with the compiled patterns; spawn where fork is missing
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results: list[list[list[CriterionItem]] | None] = [None] * len(chunks)
    try:
        with ProcessPoolExecutor(max_workers=count - 1, mp_context=context) as pool:
            futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks]
            for k in range(len(chunks) - 1, -1, -1):
                if not futures[k].cancel():
                    break  # the pool has reached this chunk: what is left is the pool's
                results[k] = _parse_chunk(chunks[k])
            for k, future in enumerate(futures):
                if results[k] is None:
                    results[k] = future.result()
    except (BrokenProcessPool, OSError):
        pass  # a worker died or no process could start: the chunks not done are parsed below
    done: list[list[CriterionItem]] = []
    for k, chunk in enumerate(chunks):
        part = results[k]
        done.extend(part if part is not None else _parse_chunk(chunk))
    return done
