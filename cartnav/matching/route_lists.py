"""Lists of disease-status routes the parser did not join with "or" (docs/matching.md, 2).

A heading's sub-items that nearly all name a route ("very early relapse", "ALL post >= 2nd
relapse", "MRD > 10-4 before transplant") are alternatives; so are two "or" groups of routes under
one heading. A route met *plainly* (nothing in its words beyond what the parser read) decides
such a list; a qualified one ("HR first relapse", "prior to planned SCT") does not.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import NamedTuple

from cartnav.domain.criterion import CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching.results import CriterionResult
from cartnav.matching.structure import is_route

MET, UNKNOWN, NA = Verdict.MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE


# at least this many sub-items, and this share of them, name a disease-status route
_LIST_ROUTES = 3
_LIST_SHARE = 2 / 3
_COHORT_TYPES = frozenset({"disease", "age"})
# words that add to a route a condition its disease status alone does not check ("very early
# relapse", "relapse of infant ALL", "MRD > 10-4 prior to planned transplant", "eligible for
# transplant but no available donor"): a route so qualified does not decide the list
_QUALIFIED_RE = re.compile(
    r"\b(?:infant|early|late|on[- ]therapy|on[- ]treatment|while|during|eligible|ineligible|"
    r"planned|donor|contraindicat\w*|candidate|risk|hr|cytogenetic\w*|mll|kmt2a|ph\+?|"
    r"philadelphia|time\s+point|end\s+of|at\s+the\s+end|prior\s+to|before|if|unless|"
    r"provided|except|only|isolated|testicular|cns)\b"
)
# words the item's constraints may have read (a window, an age): qualifiers only when none did
_TIME_RE = re.compile(r"\b(?:within|months?|weeks?|days?)\b")
_AGE_RE = re.compile(r"\b(?:age[sd]?|years?)\b")


def _plain(item: CriterionItem) -> bool:
    """The item says nothing beyond what its constraints read (see ``_QUALIFIED_RE``)."""
    rest = list(item.text.lower())
    for c in item.constraints:
        if c.type != "unknown":
            rest[c.span[0] : c.span[1]] = " " * (c.span[1] - c.span[0])
    text = "".join(rest)
    if _QUALIFIED_RE.search(text):
        return False
    windows = any(
        c.attrs.get("within_days") is not None or c.attrs.get("min_days_since") is not None
        for c in item.constraints
    )
    if not windows and _TIME_RE.search(text):
        return False
    ages = any(c.type == "age" for c in item.constraints)
    return ages or not _AGE_RE.search(text)


def apply_route_lists(
    items: Sequence[CriterionItem],
    results: Sequence[CriterionResult],
    qualified: Collection[int],
) -> tuple[CriterionResult, ...]:
    """The sub-items of a heading ("... with high risk/relapsed CD19+ malignancy:") that nearly
    all name a disease-status route ("very early relapse", "ALL post >= 2nd relapse", "MRD > 10-4
    before transplant") are one list of routes into the trial, even with no "or" between them: a
    patient cannot be in all of them. One met route admits the patient; the other routes are not
    needed, however unknown. Sub-items that name no route keep their verdicts (requirements), and
    a route with words its status does not check ("very early", "infant", "prior to planned
    transplant") does not decide the list. (A list of requirements, such as organ function
    limits, names no routes and is left alone.) ``qualified``: :attr:`RouteShape.qualified`."""
    children: dict[int, list[int]] = {}
    for i, (item, result) in enumerate(zip(items, results, strict=True)):
        parent = result.parent
        if (
            parent is not None
            and item.kind == "inclusion"
            and item.group is None
            and result.verdict is not NA
            and items[parent].kind == "inclusion"
            and items[parent].text.rstrip().endswith((":", "："))
        ):
            children.setdefault(parent, []).append(i)
    out = list(results)
    for indices in children.values():
        routes = [i for i in indices if is_route(items[i])]
        if len(routes) < _LIST_ROUTES or len(routes) < _LIST_SHARE * len(indices):
            continue
        if not any(results[i].verdict is MET and i not in qualified for i in routes):
            continue  # no route is met plainly: the study team judges the qualified ones
        for i in indices:
            r = results[i]
            if r.verdict is MET and i not in qualified:
                continue  # (a qualified route met on its status alone is not shown as met)
            # another entry of the list ("High risk infant ALL (age < 6 months ...)") names a
            # cohort rather than a route: not needed while it is only unknown; any other entry
            # is a requirement and keeps its verdict
            cohort = r.verdict is UNKNOWN and _COHORT_TYPES.intersection(r.constraint_types)
            if i in routes or cohort:
                reason = f"Not needed: another route of this list is met. ({r.reason})"
                out[i] = r.but(NA, reason)
    return tuple(out)


class RouteShape(NamedTuple):
    """What a trial's items say about its routes, the same for every patient (computed once per
    criteria set, :class:`cartnav.matching.index.MatchIndex`)."""

    qualified: frozenset[int]  # route items whose words say more than their constraints read
    aliases: dict[str, str]  # "or" groups of routes under one heading -> one group id


def route_shape(items: Sequence[CriterionItem]) -> RouteShape:
    qualified = frozenset(i for i, item in enumerate(items) if is_route(item) and not _plain(item))
    return RouteShape(qualified, _route_group_aliases(items))


def _route_group_aliases(items: Sequence[CriterionItem]) -> dict[str, str]:
    """Groups of routes under one heading that the parser split in two ("... OR, HR first
    relapse; OR, ... (Phase II only - criteria in addition:) Primary refractory disease; OR,
    ..."): one list when every such group names routes in at least two thirds of its options.
    Returns each such group's id -> the first one's (for ``apply_groups``, where only a route met
    plainly decides a group)."""
    by_parent: dict[int, dict[str, list[int]]] = {}
    for i, item in enumerate(items):
        if item.kind == "inclusion" and item.group is not None and item.parent is not None:
            by_parent.setdefault(item.parent, {}).setdefault(item.group, []).append(i)
    aliases: dict[str, str] = {}
    for groups in by_parent.values():
        if len(groups) < 2:
            continue
        if all(
            sum(is_route(items[i]) for i in indices) >= _LIST_SHARE * len(indices)
            for indices in groups.values()
        ):
            first = next(iter(groups))
            aliases.update({group: first for group in groups})
    return aliases
