"""Search latency over 100,000 studies in SQLite: filtered full-text queries vs a plain count.

Usage (from the repository root):

    .venv/bin/python bench/search_bench.py                        # builds a 100,000-study store
    .venv/bin/python bench/search_bench.py --database /tmp/bench.db  # reuse import_bench --keep

The store holds the shared records replicated with new NCT ids (see ``import_bench.py``). Each
query runs ``--repeat`` times after one warm-up; printed: the median and 95th percentile
latency of each query, and the ratio of the filtered queries' median to the median of an
unfiltered ``SELECT count(*)`` baseline measured in the same run. Target: median < 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from import_bench import load_templates, replicate  # noqa: E402

from cartnav.registry.ingest import ingest  # noqa: E402
from cartnav.storage import SearchQuery, TrialStore, open_store  # noqa: E402

QUERIES = {
    "text 'leukemia' + recruiting + age 7 + 500 km of Shanghai": SearchQuery(
        text="leukemia", statuses=["recruiting"], age_years=7, near=(31.23, 121.47), max_km=500
    ),
    "text 'lymphoblastic leukemia' + CAR-T + recruiting + China": SearchQuery(
        text="lymphoblastic leukemia", cart_only=True, statuses=["recruiting"], country="CN"
    ),
    "text 'CD19' + age 7 + recruiting/not yet": SearchQuery(
        text="CD19", age_years=7, statuses=["recruiting", "not_yet_recruiting"]
    ),
    "text 'lung cancer' + phase 2 + country US": SearchQuery(
        text="lung cancer", phase="2", country="United States"
    ),
    "no text: recruiting + China + age 7": SearchQuery(
        statuses=["recruiting"], country="China", age_years=7
    ),
    "no text: age 7 + 500 km of Shanghai (nearest first)": SearchQuery(
        age_years=7, near=(31.23, 121.47), max_km=500
    ),
}


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    return f"median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms"


def build(path: Path, studies: int) -> None:
    print(f"building a store of {studies:,} studies in {path} ...", flush=True)
    with open_store(f"sqlite:///{path}") as store:
        ingest(store, replicate(load_templates(), studies))


def run(store: TrialStore, repeat: int) -> None:
    print(f"store: {store.count():,} studies; {repeat} runs per query")

    def count_all() -> object:
        with store.engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM trials")).scalar_one()

    baseline = statistics.median(timed(count_all, repeat))
    print(f"{'baseline: SELECT count(*) FROM trials':60s} median {baseline:7.2f} ms")
    medians = []
    for label, query in QUERIES.items():
        result = store.search(query)
        times = timed(lambda q=query: store.search(q), repeat)
        medians.append(statistics.median(times))
        print(f"{label:60s} {summary(times)}   total {result.total:,}")
    overall = statistics.median(medians)
    print(f"median of the filtered queries: {overall:.2f} ms (target < 50 ms)")
    print(f"ratio to the count(*) baseline: {overall / baseline:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="an existing SQLite store to query")
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.database or Path(folder) / "search.db"
        if args.database is None:
            build(path, args.studies)
        with open_store(f"sqlite:///{path}") as store:
            run(store, args.repeat)


if __name__ == "__main__":
    main()
