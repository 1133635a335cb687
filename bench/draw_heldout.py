"""Draw a fresh round of criteria items for a held-out annotation set.

Usage (from the repository root):

    .venv/bin/python bench/draw_heldout.py --round 10 --out /tmp/heldout10_candidates.jsonl

Items are the ones :func:`cartnav.criteria.parse_criteria` splits the shared records into (so
their boundaries are the parser's), without their constraints: an annotator must not see the
parser's output. Items whose text (whitespace folded) is already in the annotated set or in a
held-out file are left out, as are fragments too short to annotate. ``--xml`` items are drawn
from the legacy XML CAR-T records, ``--v2`` from the API v2 studies, ``--pages`` from the CAR-T
listings (whose excerpts may be cut off: the annotator leaves out a fact that is cut off); the
seed is the round number, so a round can be drawn again identically. ``--exclude`` leaves out
the items of earlier draws not yet annotated, so that two rounds drawn together share none. See
docs/criteria-annotation.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from criteria_eval import (  # noqa: E402
    ANNOTATED,
    DEFAULT_SHARED,
    REGISTRY_ROUNDS,
    load_items,
    load_source_texts,
)

from cartnav.criteria import parse_criteria  # noqa: E402

HELDOUT_DIR = REPO / "tests" / "criteria" / "heldout"
XML_DIR = "ctgov/cart_legacy_xml"
V2_SOURCE = "ctgov/ctgov_v2_studies.jsonl.gz"
PAGES_SOURCE = "cart_pages/cart_trials.jsonl"
MIN_CHARS = 12


def _fold(text: str) -> str:
    return " ".join(text.split())


def annotated_texts() -> set[str]:
    """Folded texts of every item already annotated (main set, registry rounds, held-out files)."""
    paths = [ANNOTATED, REGISTRY_ROUNDS, *sorted(HELDOUT_DIR.glob("*.jsonl"))]
    return {_fold(item["text"]) for path in paths for item in load_items(path)}


def candidates(source: str, texts: dict[str, str], seen: set[str]) -> Iterator[dict[str, str]]:
    for nct_id in sorted(texts):
        for item in parse_criteria(texts[nct_id]):
            folded = _fold(item.text)
            if len(folded) < MIN_CHARS or folded in seen:
                continue
            seen.add(folded)
            yield {
                "nct_id": nct_id,
                "source": source,
                "kind": item.kind,
                "text": item.text,
            }


def draw(
    round_no: int,
    xml_count: int,
    v2_count: int,
    shared: Path,
    pages_count: int = 0,
    exclude: Sequence[Path] = (),
) -> list[dict[str, str]]:
    seen = annotated_texts()
    seen |= {_fold(item["text"]) for path in exclude for item in load_items(path)}
    xml_pool: list[dict[str, str]] = []
    for path in sorted((shared / XML_DIR).glob("NCT*.xml")):
        source = f"{XML_DIR}/{path.name}"
        xml_pool.extend(candidates(source, load_source_texts(shared, source), seen))
    v2_pool = list(candidates(V2_SOURCE, load_source_texts(shared, V2_SOURCE), seen))
    pages_pool = (
        list(candidates(PAGES_SOURCE, load_source_texts(shared, PAGES_SOURCE), seen))
        if pages_count
        else []
    )
    rng = random.Random(round_no)
    picked = rng.sample(xml_pool, min(xml_count, len(xml_pool)))
    picked += rng.sample(v2_pool, min(v2_count, len(v2_pool)))
    picked += rng.sample(pages_pool, min(pages_count, len(pages_pool)))
    print(
        f"round {round_no}: {len(xml_pool)} legacy XML, {len(v2_pool)} v2 and"
        f" {len(pages_pool) if pages_count else 'uncounted'} CAR-T listing items not yet"
        f" annotated; drew {len(picked)}",
        file=sys.stderr,
    )
    return [{"id": f"H{round_no * 100 + number:03d}", **item} for number, item in enumerate(picked)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round", type=int, required=True, help="round number, also the seed")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--xml", type=int, default=34, help="items from legacy XML records")
    parser.add_argument("--v2", type=int, default=16, help="items from API v2 studies")
    parser.add_argument(
        "--pages", type=int, default=0, help="items from the CAR-T listings (cart_pages)"
    )
    parser.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED / "data")
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="a file of items drawn earlier (JSON Lines with 'text'); repeatable",
    )
    args = parser.parse_args(argv)
    for path in args.exclude:
        if not path.is_file():
            parser.error(f"--exclude: no such file: {path}")
    items = draw(args.round, args.xml, args.v2, args.shared_data, args.pages, args.exclude)
    with args.out.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
