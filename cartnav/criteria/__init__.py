"""Eligibility criteria text -> criterion items -> structured constraints.

Public API (kept stable for ``registry``/``matching``/CLI):

- ``parse_criteria(text) -> list[CriterionItem]``: split and extract, every item with its span.
- ``extract_constraints(text, kind) -> tuple[Constraint, ...]``: constraints of one item's text.
"""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, CriterionItem, ItemKind


def parse_criteria(text: str) -> list[CriterionItem]:  # replaced by the criteria issue
    stripped = text.strip()
    if not stripped:
        return []
    start = text.index(stripped)
    return [
        CriterionItem(
            "inclusion",
            stripped,
            start,
            start + len(stripped),
            None,
            None,
            (Constraint("unknown"),),
        )
    ]


def extract_constraints(text: str, kind: ItemKind) -> tuple[Constraint, ...]:
    return (Constraint("unknown", {}, (0, len(text))),)


__all__ = ["extract_constraints", "parse_criteria"]
