"""Eligibility criteria text -> criterion items -> structured constraints.

Public API (kept stable for ``registry``/``matching``/CLI):

- ``parse_criteria(text) -> list[CriterionItem]``: split and extract, every item with its span
  (``item.text == text[item.start:item.end]``); total, never raises.
- ``extract_constraints(text, kind) -> tuple[Constraint, ...]``: constraints of one item's text.
- ``PARSER_VERSION``: changes whenever parsed output may change (caches key on it).

Deterministic rules only: no model, no network.
"""

from __future__ import annotations

from cartnav.criteria.extract import extract_constraints
from cartnav.criteria.split import split_text
from cartnav.domain.criterion import Constraint, CriterionItem

PARSER_VERSION = "rules-2026.12.08.41"


def parse_criteria(text: str) -> list[CriterionItem]:
    """Split ``text`` into items and extract each item's constraints. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        split = split_text(text)
    except Exception:  # pragma: no cover - keep the text as one item rather than fail
        stripped = text.strip()
        start = text.index(stripped)
        return [
            CriterionItem(
                "inclusion",
                stripped,
                start,
                start + len(stripped),
                None,
                None,
                (Constraint("unknown", {}, (0, len(stripped))),),
            )
        ]
    items: list[CriterionItem] = []
    for raw in split.items:
        body = text[raw.start : raw.end]
        folded = split.folded[raw.start : raw.end].replace("\\", " ")
        items.append(
            CriterionItem(
                raw.kind,
                body,
                raw.start,
                raw.end,
                raw.group,
                raw.parent,
                extract_constraints(body, raw.kind, folded=folded),
            )
        )
    return items


__all__ = ["PARSER_VERSION", "extract_constraints", "parse_criteria"]
