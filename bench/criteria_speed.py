"""Parse the eligibility criteria of 10,000 trials and print the time it takes.

The texts are the real criteria in ../shared/data (legacy XML textblocks, API v2
``eligibilityCriteria``, CAR-T listing pages, TREC corpus), replicated to 10,000 trials.
The baseline is ``str.splitlines`` over the same texts in the same run.

    .venv/bin/python bench/criteria_speed.py [--trials N] [--shared DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from cartnav.criteria import PARSER_VERSION, parse_criteria
from cartnav.criteria.batch import default_workers, parse_many

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = Path(os.environ.get("CARTNAV_SHARED_DIR", REPO.parent / "shared"))


def real_texts(shared: Path) -> Iterator[str]:
    data = shared / "data"
    for path in sorted((data / "ctgov" / "cart_legacy_xml").glob("*.xml")):
        block = ET.parse(path).getroot().find("eligibility/criteria/textblock")
        if block is not None and block.text:
            yield block.text
    with gzip.open(data / "ctgov" / "ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            module = json.loads(line).get("protocolSection", {}).get("eligibilityModule", {})
            if module.get("eligibilityCriteria"):
                yield module["eligibilityCriteria"]
    with (data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("eligibility_criteria")
            if text:
                yield text
    corpus = data / "ctgov" / "trec2022_trialgpt_subset" / "corpus.jsonl.gz"
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text", "")
            at = text.lower().find("inclusion criteria")
            if at >= 0:
                yield text[at:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    texts = list(real_texts(args.shared))
    if not texts:
        print(f"no criteria texts under {args.shared}", file=sys.stderr)
        return 2
    corpus = [texts[i % len(texts)] for i in range(args.trials)]
    chars = sum(len(t) for t in corpus)

    t0 = time.perf_counter()
    lines = sum(len(t.splitlines()) for t in corpus)
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    c0 = time.process_time()
    items = constraints = unknown = 0
    for text in corpus:
        for item in parse_criteria(text):
            items += 1
            constraints += len(item.constraints)
            unknown += item.constraints[0].type == "unknown"
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0

    workers = default_workers()
    t0 = time.perf_counter()
    many = parse_many(corpus, workers=workers)
    elapsed_many = time.perf_counter() - t0
    if sum(len(found) for found in many) != items:  # the same parse, only on several cores
        print("parse_many disagrees with parse_criteria", file=sys.stderr)
        return 1

    print(f"parser version: {PARSER_VERSION}")
    print(f"distinct real texts: {len(texts)}; trials parsed: {len(corpus)}; characters: {chars}")
    print(f"items: {items}; constraints: {constraints}; items left unknown: {unknown}")
    rate = len(corpus) / elapsed
    print(f"parse_criteria: {elapsed:.2f} s wall, {cpu:.2f} s CPU ({rate:,.0f} trials/s)")
    print(f"baseline str.splitlines: {baseline:.4f} s ({lines} lines)")
    print(f"ratio parse/splitlines: {elapsed / baseline:,.0f}x")
    print(
        f"parse_many, {workers} processes: {elapsed_many:.2f} s wall "
        f"({len(corpus) / elapsed_many:,.0f} trials/s, {elapsed / elapsed_many:.2f}x one process)"
    )
    best = min(elapsed, elapsed_many)
    print(f"target < 10 s: {'met' if best < 10 else 'NOT met'} ({best:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
