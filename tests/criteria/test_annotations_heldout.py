"""The held-out criteria sets (annotated without seeing the parser's code or output, and never
used to change the parser) stay valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from script_modules import load_bench

from cartnav.domain.criterion import CONSTRAINT_TYPES

REPO = Path(__file__).resolve().parents[2]
HELDOUT = sorted((REPO / "tests" / "criteria" / "heldout").glob("criteria_items_heldout*.jsonl"))


ev = load_bench("criteria_eval")
ITEMS: list[dict[str, Any]] = [item for path in HELDOUT for item in ev.load_items(path)]


def test_heldout_items_are_well_formed() -> None:
    assert len(HELDOUT) >= 2 and len(ITEMS) >= 80
    developed_on = ev.load_items() + ev.load_items(ev.REGISTRY_ROUNDS)
    main_ids = {item["id"] for item in developed_on}
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    main_items = {(item["nct_id"], " ".join(item["text"].split())) for item in developed_on}
    for item in ITEMS:
        assert (item["nct_id"], " ".join(item["text"].split())) not in main_items
        assert item["id"] not in main_ids
        assert item["kind"] in {"inclusion", "exclusion"}
        assert all(c["type"] in CONSTRAINT_TYPES for c in item["constraints"])


def test_heldout_texts_are_verbatim_in_their_sources(shared_data: Path) -> None:
    missing = []
    for item in ITEMS:
        texts = ev.load_source_texts(shared_data, item["source"])
        if item["text"] not in texts.get(item["nct_id"], ""):
            missing.append(item["id"])
    assert not missing
