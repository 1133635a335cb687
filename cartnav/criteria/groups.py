"""Alternative groups: "any of the following" lead-ins and runs of items joined by OR.

A group id is shared by the lead-in item and its direct sub-items ("Relapsed or refractory ALL
defined as one of the following:" + its bullets), or by sibling items chained with a trailing or
standalone "OR" ("2nd or greater relapse OR" / "Any relapse after SCT OR" / ...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

LEAD_IN_RE = re.compile(
    r"\b(?:any|either|one|1|at\s+least\s+(?:one|1)|meet(?:s|ing)?\s+(?:any|one|1))"
    r"(?:\s+(?:one|1|item|condition|criterion|criteria|of\s+them))?\s+"
    r"(?:of\s+(?:the\s+)?)?(?:following|below|these|items?\s+below)\b"
    r"|\b(?:any|one)\s+of\s*[:：]"
)
TRAILING_OR_RE = re.compile(r"(?:^|[\s(;,.])or\b[\W_]*$")
LEADING_OR_RE = re.compile(r"^[\W_]*or\b")


class _Item(Protocol):
    start: int
    end: int
    parent: int | None
    group: str | None


def assign_groups(items: Sequence[_Item], folded: str, connectors: list[int]) -> None:
    """Set ``group`` in place (ids "g1", "g2", ...)."""
    children: dict[int | None, list[int]] = {}
    for i, item in enumerate(items):
        children.setdefault(item.parent, []).append(i)
    counter = 0

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return f"g{counter}"

    for i, item in enumerate(items):
        kids = children.get(i, [])
        if not kids or item.group is not None:
            continue
        body = folded[item.start : item.end]
        ors = [_ends_or(folded, items, kids, pos) for pos in range(len(kids))]
        chained = len(kids) > 1 and all(ors[:-1])
        if chained or (LEAD_IN_RE.search(body) and not _section_lead_in(item, i, items, folded)):
            gid = new_id()
            item.group = gid
            for k in kids:
                if items[k].group is None:
                    items[k].group = gid
    # runs of siblings joined by OR (no lead-in parent)
    or_after = set(connectors)
    for parent, kids in children.items():
        if parent is not None and items[parent].group is not None:
            continue
        run: list[int] = []
        for pos, k in enumerate(kids):
            ends_or = k in or_after or _ends_or(folded, items, kids, pos)
            run.append(k)
            last = pos == len(kids) - 1
            if not ends_or or last:
                if len(run) > 1:
                    gid = new_id()
                    for r in run:
                        if items[r].group is None:
                            items[r].group = gid
                run = []


def _ends_or(folded: str, items: Sequence[_Item], kids: list[int], pos: int) -> bool:
    """Is sibling ``kids[pos]`` joined to the next one by OR?"""
    k = kids[pos]
    tail = folded[max(items[k].start, items[k].end - 12) : items[k].end]
    if "or" in tail and TRAILING_OR_RE.search(tail):
        return True
    if pos + 1 < len(kids):
        nxt = items[kids[pos + 1]]
        head = folded[nxt.start : min(nxt.end, nxt.start + 12)]
        return "or" in head and LEADING_OR_RE.search(head) is not None
    return False


def _section_lead_in(item: _Item, index: int, items: Sequence[_Item], folded: str) -> bool:
    """A lead-in opening a flattened section ("Inclusion Criteria: X with any of the following:
    1. ... 2. ...") whose numbered list is really the section's own list: not a safe group."""
    if item.parent is not None:
        return False
    first_of_section = (
        index == 0 or folded[items[index - 1].end : item.start].strip(" \t\n:*#") != ""
    )
    nxt = items[index + 1] if index + 1 < len(items) else None
    numbered_kids = nxt is not None and nxt.parent == index and _numbered_before(folded, nxt.start)
    return first_of_section and numbered_kids


def _numbered_before(folded: str, pos: int) -> bool:
    return re.search(r"(?:^|\s)\(?\d{1,2}[.)、]\s*$", folded[max(0, pos - 8) : pos]) is not None
