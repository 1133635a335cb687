"""The parser on real registry records from ../shared/data (through the ``shared_data`` fixture)."""

from __future__ import annotations

import gzip
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cartnav.criteria import parse_criteria
from cartnav.criteria.split import split_text
from cartnav.domain.criterion import CriterionItem

pytestmark = pytest.mark.shared_data


def _legacy_text(shared_data: Path, nct_id: str) -> str:
    path = shared_data / "ctgov" / "cart_legacy_xml" / f"{nct_id}.xml"
    block = ET.parse(path).getroot().find("eligibility/criteria/textblock")
    assert block is not None and block.text
    return block.text


def _page_text(shared_data: Path, nct_id: str) -> str:
    with (shared_data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            if obj["nct_id"] == nct_id:
                return str(obj["eligibility_criteria"])
    raise AssertionError(f"{nct_id} not in cart_trials.jsonl")


def _all_texts(shared_data: Path) -> Iterator[str]:
    for path in sorted((shared_data / "ctgov" / "cart_legacy_xml").glob("*.xml")):
        block = ET.parse(path).getroot().find("eligibility/criteria/textblock")
        if block is not None and block.text:
            yield block.text
    with gzip.open(
        shared_data / "ctgov" / "ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8"
    ) as fh:
        for line in fh:
            module = json.loads(line)["protocolSection"].get("eligibilityModule", {})
            if module.get("eligibilityCriteria"):
                yield module["eligibilityCriteria"]
    with (shared_data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["eligibility_criteria"]
            if text:
                yield text


def _has(items: list[CriterionItem], kind: str, ctype: str, **attrs: Any) -> bool:
    return any(
        item.kind == kind and c.type == ctype and all(c.attrs.get(k) == v for k, v in attrs.items())
        for item in items
        for c in item.constraints
    )


def test_eliana_nct02435849(shared_data: Path) -> None:
    items = parse_criteria(_legacy_text(shared_data, "NCT02435849"))
    assert _has(items, "inclusion", "age", min_years=3, max_years=21)
    assert _has(items, "inclusion", "antigen", antigen="CD19", expression="positive")
    assert _has(
        items, "inclusion", "performance", scale="karnofsky", op=">=", value=50, ages=">=16"
    )
    assert _has(items, "inclusion", "performance", scale="lansky", op=">=", value=50, ages="<16")
    assert _has(items, "inclusion", "disease", disease="B-ALL")
    assert _has(items, "inclusion", "disease_status", status="second_or_later_relapse")
    assert _has(items, "inclusion", "disease_status", status="post_hsct")
    assert _has(items, "inclusion", "lab", analyte="alt", op="<=", value=5, unit="x_uln")
    assert _has(items, "inclusion", "lab", analyte="lvef", op=">=", value=45, unit="pct")
    assert _has(
        items, "exclusion", "prior_therapy", therapy="cd19_directed", requirement="excluded"
    )
    assert _has(items, "exclusion", "prior_therapy", therapy="gene_therapy", requirement="excluded")
    assert _has(items, "exclusion", "condition", condition="active_gvhd")
    assert _has(items, "exclusion", "condition", condition="uncontrolled_infection")
    assert _has(items, "exclusion", "condition", condition="hiv")
    assert _has(items, "exclusion", "disease", disease="Burkitt", negated=False)
    assert _has(items, "exclusion", "disease_status", status="isolated_extramedullary")
    # the five alternatives of the first inclusion item form one group with their lead-in
    first_group = items[0].group
    assert first_group is not None
    assert [i.parent for i in items[1:6]] == [0] * 5
    assert all(i.group == first_group for i in items[:6])
    assert items[-1].text == "Other protocol-defined inclusion/exclusion may apply."


def test_flattened_listing_page(shared_data: Path) -> None:
    """ignite-sd flattens the list onto one line, with ClinicalTrials.gov markdown escapes."""
    text = _page_text(shared_data, "NCT03467256")
    assert "\n" not in text.strip()
    items = parse_criteria(text)
    assert len(items) >= 12
    assert _has(items, "inclusion", "antigen", antigen="CD19", threshold_pct=30)
    assert _has(items, "inclusion", "disease_status", status="mrd_positive", threshold=0.001)
    assert _has(items, "inclusion", "performance", scale="lansky", op=">", value=50)


def test_cd7_listing(shared_data: Path) -> None:
    items = parse_criteria(_page_text(shared_data, "NCT04762485"))
    assert _has(items, "inclusion", "age", min_years=12, max_years=65)
    assert _has(items, "inclusion", "antigen", antigen="CD7", threshold_pct=30)
    assert _has(items, "inclusion", "performance", scale="ecog", op="<=", value=2)
    assert _has(items, "exclusion", "condition", condition="hiv")
    assert _has(items, "exclusion", "condition", condition="pregnancy")


def test_every_shared_text_parses_and_covers_the_text(shared_data: Path) -> None:
    count = 0
    structured = 0
    total = 0
    for text in _all_texts(shared_data):
        count += 1
        result = split_text(text)
        spans = sorted(
            [(i.start, i.end) for i in result.items] + [(s, e) for s, e, _ in result.skipped]
        )
        pos = 0
        for start, end in spans:
            assert start >= pos and text[pos:start].strip() == ""
            pos = end
        assert text[pos:].strip() == ""
        items = parse_criteria(text)
        assert items, text[:80]
        total += len(items)
        structured += sum(1 for i in items if i.constraints[0].type != "unknown")
    assert count >= 200
    assert structured / total > 0.4  # most real items carry at least one structured constraint
