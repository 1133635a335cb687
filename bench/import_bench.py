"""Import throughput into SQLite, on the real shared records replicated with new NCT ids.

Usage (from the repository root):

    .venv/bin/python bench/import_bench.py                 # 100,000 studies
    .venv/bin/python bench/import_bench.py --studies 20000 --keep /tmp/bench.db

The 150 API v2 studies and 24 legacy XML records of ``../shared/data/ctgov`` are cycled, each
copy's NCT id replaced by a new one (``NCT9xxxxxxx``) everywhere in its text, and streamed from
a generator into :func:`cartnav.registry.ingest.ingest` on a fresh SQLite file. Printed: studies
per second, resident memory at each quarter (flat = streaming works) and its peak, the CPU seconds
of the parsing process and of the writer process it starts, and the ratio of the import time to
the time of only parsing the same texts (``json.loads`` for JSON, ``ElementTree.fromstring`` for
XML) measured in the same run. The machine's load average is printed too: on a shared machine the
wall-clock figures move with it, the CPU seconds much less.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cartnav.registry.ingest import ingest  # noqa: E402
from cartnav.registry.records import RawRecord  # noqa: E402
from cartnav.storage import open_store  # noqa: E402

SELF, CHILDREN = resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN
SHARED = Path(os.environ.get("CARTNAV_SHARED_DIR", REPO.parent / "shared")) / "data" / "ctgov"


def load_templates() -> list[tuple[str, str, str]]:
    """(format, nct_id, payload) of every shared registry record."""
    templates = []
    with gzip.open(SHARED / "ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                nct_id = json.loads(line)["protocolSection"]["identificationModule"]["nctId"]
                templates.append(("ctgov_v2_json", nct_id, line.rstrip("\n")))
    for path in sorted((SHARED / "cart_legacy_xml").glob("NCT*.xml")):
        templates.append(("ctgov_legacy_xml", path.stem, path.read_text(encoding="utf-8")))
    return templates


def replicate(templates: list[tuple[str, str, str]], count: int) -> Iterator[RawRecord]:
    """``count`` records cycling through the templates, each with its own new NCT id."""
    for number in range(count):
        fmt, old_id, payload = templates[number % len(templates)]
        new_id = f"NCT9{number:07d}"
        yield RawRecord(
            origin=f"bench#{number}",
            format=fmt,  # type: ignore[arg-type]
            payload=payload.replace(old_id, new_id),
            nct_id=new_id,
        )


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def parse_only_seconds(templates: list[tuple[str, str, str]], count: int) -> tuple[float, float]:
    """Wall and CPU seconds of only decoding the same generated texts."""
    start, cpu = time.perf_counter(), time.process_time()
    for record in replicate(templates, count):
        if record.format == "ctgov_v2_json":
            json.loads(record.payload)
        else:
            ET.fromstring(record.payload)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    args = parser.parse_args()

    templates = load_templates()
    quarters = {args.studies * q // 4 for q in (1, 2, 3, 4)}
    checkpoints: list[tuple[int, float, float]] = []

    def watched() -> Iterator[RawRecord]:
        for number, record in enumerate(replicate(templates, args.studies), start=1):
            yield record
            if number in quarters:
                checkpoints.append((number, time.perf_counter() - start, rss_mb()))

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        if path.exists():
            path.unlink()
        store = open_store(f"sqlite:///{path}")
        rss_before = rss_mb()
        cpu_self, cpu_children = cpu_seconds(SELF), cpu_seconds(CHILDREN)
        start = time.perf_counter()
        summary = ingest(store, watched(), batch_size=args.batch_size)
        elapsed = time.perf_counter() - start
        cpu_self = cpu_seconds(SELF) - cpu_self
        cpu_children = cpu_seconds(CHILDREN) - cpu_children  # the writer, once it has exited
        count = store.count()
        store.close()
        size_mb = path.stat().st_size / 2**20
    load_after = os.getloadavg()[0]

    parse_seconds, parse_cpu = parse_only_seconds(templates, args.studies)
    peak_mb = resource.getrusage(SELF).ru_maxrss / 1024
    child_peak_mb = resource.getrusage(CHILDREN).ru_maxrss / 1024
    cpu_total = cpu_self + cpu_children
    per_study = 1000 / args.studies
    print(f"studies imported:        {summary.inserted:,} (store holds {count:,})")
    print(f"import time:             {elapsed:.1f} s wall")
    print(f"throughput:              {summary.inserted / elapsed:,.0f} studies/s")
    print(
        f"CPU time:                {cpu_total:.1f} s = {cpu_self:.1f} s parsing process "
        f"+ {cpu_children:.1f} s writer process "
        f"({cpu_self * per_study:.2f} + {cpu_children * per_study:.2f} ms per study)"
    )
    print(f"load average (1 min):    {load_before:.1f} before, {load_after:.1f} after (2 cores)")
    print(f"database size:           {size_mb:,.0f} MiB")
    print(f"memory before import:    {rss_before:.0f} MiB resident")
    for number, at, mb in checkpoints:
        print(
            f"  after {number:>9,} studies: {mb:6.0f} MiB resident "
            f"({number / at:,.0f} studies/s so far)"
        )
    print(
        f"peak memory (max RSS):   {peak_mb:.0f} MiB parsing process, "
        f"{child_peak_mb:.0f} MiB writer"
    )
    print(
        f"parse-only baseline:     {parse_seconds:.1f} s wall, {parse_cpu:.1f} s CPU "
        "(json.loads / ElementTree of the same texts)"
    )
    print(
        f"import / parse-only:     {elapsed / parse_seconds:.1f}x wall, "
        f"{cpu_total / parse_cpu:.1f}x CPU"
    )


if __name__ == "__main__":
    main()
