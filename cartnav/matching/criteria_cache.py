"""Parsed criteria as JSON, and their cache in the store (keyed by the parser version).

Each cached row holds a hash of the criteria text it was parsed from, so an updated record is
parsed again instead of reusing stale items.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import cartnav.criteria as criteria
from cartnav.domain.criterion import Constraint, CriterionItem

Parser = Callable[[str], list[CriterionItem]]


class CriteriaCache(Protocol):
    """The part of :class:`cartnav.storage.TrialStore` this module uses."""

    def get_parsed_criteria(
        self, nct_ids: Sequence[str], parser_version: str
    ) -> dict[str, str]: ...

    def put_parsed_criteria(self, rows: Mapping[str, str], parser_version: str) -> None: ...


def parser_version() -> str:
    """The criteria parser's version (``cartnav.criteria.PARSER_VERSION``)."""
    return str(getattr(criteria, "PARSER_VERSION", "0"))


def default_parser() -> Parser:
    return criteria.parse_criteria


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def items_to_json(text: str, items: Sequence[CriterionItem]) -> str:
    payload = {"text_hash": text_hash(text), "items": [item.to_dict() for item in items]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def items_from_json(data: str, text: str) -> list[CriterionItem] | None:
    """The cached items, or ``None`` when the row is for another text or malformed."""
    try:
        payload = json.loads(data)
        if payload.get("text_hash") != text_hash(text):
            return None
        return [_item(obj) for obj in payload["items"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _item(obj: Mapping[str, Any]) -> CriterionItem:
    start, end = obj["span"]
    return CriterionItem(
        kind=obj["kind"],
        text=obj["text"],
        start=int(start),
        end=int(end),
        group=obj.get("group"),
        parent=obj.get("parent"),
        constraints=tuple(_constraint(c) for c in obj.get("constraints", ())),
    )


def _constraint(obj: Mapping[str, Any]) -> Constraint:
    attrs = dict(obj)
    kind = str(attrs.pop("type"))
    span = attrs.pop("span", (0, 0))
    alternative = attrs.pop("alternative", None)
    return Constraint(kind, attrs, (int(span[0]), int(span[1])), alternative)
