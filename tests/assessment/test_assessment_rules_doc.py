"""The rule registry and the generated rules reference (docs/rules.md)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from cartnav.assessment import assess
from cartnav.assessment.rules import RULES, RULES_BY_ID, Rule
from cartnav.assessment.rules_doc import render
from cartnav.domain.disease_state import DISEASE_STATE_CODES
from cartnav.domain.patient import parse_profile
from cartnav.knowledge import KnowledgeBase

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
REGENERATE = "python -m cartnav.assessment.rules_doc > docs/rules.md"


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", rule_id), rule_id


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_has_a_source_and_words(rule: Rule) -> None:
    assert rule.sources, rule
    for source in rule.sources:
        assert source.startswith(("http://", "https://", "cartnav "))
    assert rule.title and rule.description.endswith(".")


def test_every_disease_state_has_a_rule() -> None:
    assert {f"disease_state.{code}" for code in DISEASE_STATE_CODES} <= set(RULES_BY_ID)


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_rule_is_in_the_rules_reference(rule_id: str) -> None:
    assert f"`{rule_id}`" in DOC.read_text(encoding="utf-8"), f"run: {REGENERATE}"


def test_rules_reference_is_current(kb: KnowledgeBase) -> None:
    assert DOC.read_text(encoding="utf-8") == render(kb), (
        f"docs/rules.md is stale; run: {REGENERATE}"
    )


def test_findings_only_use_registered_rules(kb: KnowledgeBase) -> None:
    profile = parse_profile(
        {
            "age_years": 9,
            "as_of": "2026-11-01",
            "diagnosis": {"disease": "B-ALL", "date": "2023-01-10", "cns_status": "CNS3"},
            "markers": {"CD19": "dim"},
            "history": [
                {"type": "induction", "date": "2023-01-15", "response": "CR"},
                {"type": "relapse", "date": "2024-01-01", "site": "marrow"},
                {"type": "reinduction", "date": "2024-01-10", "response": "CR"},
            ],
            "current": {"mrd": 0.0001, "lansky": 30},
        },
        today=dt.date(2026, 11, 27),
    )
    for region in ("US", "EU", "UK", "CA", "JP", "CN", "IN", "ES"):
        result = assess(profile, kb, region=region, as_of=dt.date(2026, 11, 27))
        for finding in result.explanation:
            assert finding.rule in RULES_BY_ID, finding.rule
            assert finding.source
        for product in result.products:
            assert product.source.startswith(("http://", "https://"))
