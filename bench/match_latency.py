"""Matching latency: one patient against 5,000 and 100,000 stored trials, full criterion verdicts.

Usage (from the repository root):

    .venv/bin/python bench/match_latency.py                      # 5,000 and 100,000 trials
    .venv/bin/python bench/match_latency.py --sizes 5000 --reps 21

For each size, the real registry records of ``../shared/data/ctgov`` (150 API v2 studies and 24
CAR-T legacy XML records) are replicated with new NCT ids (``NCT9xxxxxxx``) and imported into a
fresh SQLite store; a :class:`cartnav.matching.MatchIndex` is built from the store (criteria
parsed once per distinct text and cached in the store by parser version), and one patient (a
9-year-old with relapsed B-ALL near Shanghai) is matched with the default options (recruiting and
not yet recruiting, 20 results, every criterion of every candidate evaluated). Each match starts
from empty per-patient caches. Printed: median and 90th-percentile match latency, index build
time (first, parsing; second, from the store's cache), resident memory, and the ratio of the
match median to the median of a plain full-text search over the same store in the same run
(``TrialStore.search``: "leukemia", recruiting or not yet recruiting, 20 results).

Replicated records share their criteria text, so each distinct text (and each distinct item) is
evaluated once per match. A second figure shows the worst case: 5,000 trials (the shared CAR-T
listings, XML and v2 records) whose every criterion line is made unique, so every item of every
candidate is evaluated separately, with every status kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cartnav.domain.patient import Profile, parse_profile  # noqa: E402
from cartnav.domain.trial import Trial  # noqa: E402
from cartnav.matching import MatchIndex, MatchOptions  # noqa: E402
from cartnav.registry.cart_pages import iter_cart_pages  # noqa: E402
from cartnav.registry.ingest import ingest  # noqa: E402
from cartnav.registry.parse import parse_record  # noqa: E402
from cartnav.registry.records import RawRecord  # noqa: E402
from cartnav.storage import open_store  # noqa: E402
from cartnav.storage.models import SearchQuery  # noqa: E402

SHARED = Path(os.environ.get("CARTNAV_SHARED_DIR", REPO.parent / "shared")) / "data"
AS_OF = dt.date(2026, 11, 27)
PROFILE = {
    "age_years": 9,
    "as_of": "2026-11-27",
    "sex": "female",
    "residence": {"country": "CN", "city": "Shanghai", "lat": 31.23, "lon": 121.47},
    "diagnosis": {"disease": "B-ALL", "date": "2023-01-10", "cns_status": "CNS1"},
    "markers": {"CD19": "positive"},
    "history": [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2025-06-10", "site": "marrow"},
        {"type": "reinduction", "date": "2025-06-20", "response": "no_CR"},
    ],
    "current": {"marrow_blasts_pct": 30, "lansky": 80, "active_gvhd": False},
}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_templates() -> list[tuple[str, str, str]]:
    """(format, nct_id, payload) of every shared registry record."""
    templates = []
    with gzip.open(SHARED / "ctgov" / "ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                nct_id = json.loads(line)["protocolSection"]["identificationModule"]["nctId"]
                templates.append(("ctgov_v2_json", nct_id, line.rstrip("\n")))
    for path in sorted((SHARED / "ctgov" / "cart_legacy_xml").glob("NCT*.xml")):
        templates.append(("ctgov_legacy_xml", path.stem, path.read_text(encoding="utf-8")))
    return templates


def replicate(templates: list[tuple[str, str, str]], count: int) -> Iterator[RawRecord]:
    for number in range(count):
        fmt, old_id, payload = templates[number % len(templates)]
        new_id = f"NCT9{number:07d}"
        yield RawRecord(f"bench#{number}", fmt, payload.replace(old_id, new_id), new_id)  # type: ignore[arg-type]


def timed(run: Callable[[], object], reps: int) -> list[float]:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(times):8.1f} ms   p90 {p90:8.1f} ms"


def bench_store(
    size: int, reps: int, profile: Profile, templates: list[tuple[str, str, str]]
) -> None:
    options = MatchOptions()
    search = SearchQuery(text="leukemia", statuses=("RECRUITING", "NOT_YET_RECRUITING"), limit=20)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        start = time.perf_counter()
        result = ingest(store, replicate(templates, size), batch_size=1000)
        print(
            f"\n== {size:,} trials (imported {result.inserted:,}"
            f" in {time.perf_counter() - start:.1f} s)"
        )
        start = time.perf_counter()
        index = MatchIndex.from_store(store)
        first = time.perf_counter() - start
        del index
        gc.collect()
        start = time.perf_counter()
        index = MatchIndex.from_store(store)
        second = time.perf_counter() - start
        del index
        gc.collect()
        tracemalloc.start()
        index = MatchIndex.from_store(store)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        print(
            f"index build: {first:.1f} s (parsing {len(index.sets)} distinct criteria texts), "
            f"{second:.1f} s from the store's parse cache; the index holds {held:.0f} MB "
            f"({held * 1024 / size:.1f} KB per trial, tracemalloc)"
        )
        report = index.match(profile, as_of=AS_OF, options=options)
        print(
            f"match: {len(index):,} trials read, {report.candidates:,} pass the filters "
            f"{dict(sorted(report.removed.items()))}, {len(report.results)} shown, "
            f"top: {', '.join(f'{r.nct_id} {r.overall}' for r in report.results[:3])}"
        )
        match_times = timed(lambda: index.match(profile, as_of=AS_OF, options=options), reps)
        search_times = timed(lambda: store.search(search), reps)
        print(f"match  ({reps} runs): {summary(match_times)}")
        print(f"search ({reps} runs): {summary(search_times)}")
        ratio = statistics.median(match_times) / statistics.median(search_times)
        print(f"ratio match / full-text search (medians): {ratio:.2f}")
        print(f"resident memory now {rss_mb():.0f} MB, peak so far {peak_mb():.0f} MB")
        store.close()


def registry_trials(templates: list[tuple[str, str, str]]) -> list[Trial]:
    trials = list(iter_cart_pages(SHARED / "cart_pages" / "cart_trials.jsonl"))
    for fmt, nct_id, payload in templates:
        trials.append(parse_record(RawRecord("bench", fmt, payload, nct_id)))  # type: ignore[arg-type]
    return trials


def bench_unique(
    size: int, reps: int, profile: Profile, templates: list[tuple[str, str, str]]
) -> None:
    base = registry_trials(templates)
    trials = []
    for number in range(size):
        trial = base[number % len(base)]
        text = trial.eligibility_criteria
        unique = text.replace("\n", f" [{number}]\n") + f" [{number}]" if text else None
        trials.append(
            dataclasses.replace(trial, nct_id=f"NCT8{number:07d}", eligibility_criteria=unique)
        )
    start = time.perf_counter()
    index = MatchIndex.build(trials)
    build = time.perf_counter() - start
    options = MatchOptions(statuses=("any",))
    report = index.match(profile, as_of=AS_OF, options=options)
    print(
        f"\n== worst case: {size:,} trials, every criterion line different "
        f"(CAR-T listings + XML + v2, any status)\nindex build {build:.1f} s "
        f"({len(index.sets):,} texts parsed); {report.candidates:,} candidates pass the filters"
    )
    times = timed(lambda: index.match(profile, as_of=AS_OF, options=options), reps)
    print(f"match, any status  ({reps} runs): {summary(times)}")
    default = MatchOptions()
    kept = index.match(profile, as_of=AS_OF, options=default).candidates
    times = timed(lambda: index.match(profile, as_of=AS_OF, options=default), reps)
    print(f"match, default statuses, {kept:,} candidates ({reps} runs): {summary(times)}")
    print(f"resident memory now {rss_mb():.0f} MB, peak so far {peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,100000", help="comma-separated store sizes")
    parser.add_argument("--reps", type=int, default=15, help="timed runs per figure")
    parser.add_argument("--unique", type=int, default=5000, help="worst-case size (0: skip)")
    args = parser.parse_args()
    profile = parse_profile(PROFILE, today=AS_OF)
    templates = load_templates()
    print(
        f"{len(templates)} real registry records as templates; patient: 9-year-old, relapsed B-ALL"
    )
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        bench_store(size, args.reps, profile, templates)
    if args.unique:
        bench_unique(args.unique, args.reps, profile, templates)


if __name__ == "__main__":
    main()
