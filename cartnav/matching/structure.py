"""How the items of one trial relate: disease cohorts, disease-status routes, "any of" groups.

Applied to a trial's item results (from :func:`cartnav.matching.items.evaluate_item`), in this
order: :func:`apply_cohorts`, :func:`apply_routes`,
:func:`cartnav.matching.route_lists.apply_route_lists`, :func:`apply_headings`,
:func:`apply_groups` (with :func:`cartnav.matching.route_lists.route_group_aliases`)
(docs/matching.md).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from cartnav.domain.criterion import CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching.combine import any_of
from cartnav.matching.results import CriterionResult

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE
OTHER_COHORT = "Not applicable: this criterion is for another disease cohort"


def apply_cohorts(results: Sequence[CriterionResult]) -> tuple[CriterionResult, ...]:
    """Criteria for another disease cohort of the same trial do not apply to this patient.

    When an inclusion item names a disease that fits the patient (or may), an inclusion item
    naming only other diseases is for another cohort: not applicable, and so are its sub-items.
    The sub-items of an item whose disease is unknown cannot stop the patient (unknown).
    """
    fits = any(r.kind == "inclusion" and r.disease_fit in (MET, UNKNOWN) for r in results)
    out = list(results)
    other_cohort: set[int] = set()
    undecided: set[int] = set()
    for index, result in enumerate(results):
        parent = result.parent
        if parent is not None and parent in other_cohort:
            other_cohort.add(index)
            if result.verdict is not MET:
                out[index] = _replace(
                    result, NA, f"Part of another cohort's criteria. ({result.reason})"
                )
            continue
        if parent is not None and parent in undecided:
            undecided.add(index)
            if result.verdict is NOT_MET:
                reason = (
                    f"Applies only if the disease above fits; that is unknown. ({result.reason})"
                )
                out[index] = _replace(result, UNKNOWN, reason)
            continue
        if result.kind != "inclusion":
            continue
        if result.disease_fit is NOT_MET and fits:
            other_cohort.add(index)
            reason = (
                f"{OTHER_COHORT} of the trial; another"
                f" criterion covers the patient's disease. ({result.reason})"
            )
            out[index] = _replace(result, NA, reason)
        elif result.disease_fit is UNKNOWN:
            undecided.add(index)
    return tuple(out)


ROUTES = frozenset(
    {
        "relapsed",
        "refractory",
        "relapsed_or_refractory",
        "second_or_later_relapse",
        "post_hsct",
        "primary_refractory",
        "extramedullary",
        "isolated_extramedullary",
    }
)


def is_route(item: CriterionItem) -> bool:
    """The item names a disease-status route into a trial (or an MRD level)."""
    return any(
        c.type == "disease_status" and c.attrs.get("status") in ROUTES | {"mrd_positive"}
        for c in item.constraints
    )


def apply_routes(
    items: Sequence[CriterionItem], results: Sequence[CriterionResult]
) -> tuple[CriterionResult, ...]:
    """Ungrouped inclusion items that each name a disease-status route ("2nd or greater relapse",
    "any relapse after transplant") are often options of one list whose "or" the parser lost.
    While one of them is met or unknown, a failing one cannot stop the patient: unknown."""
    routes = [
        i
        for i, (item, result) in enumerate(zip(items, results, strict=True))
        if item.kind == "inclusion" and result.verdict is not NA and is_route(item)
    ]
    if len(routes) < 2 or all(results[i].verdict is NOT_MET for i in routes):
        return tuple(results)
    out = list(results)
    for i in routes:
        if results[i].verdict is NOT_MET and items[i].group is None:
            reason = (
                f"{results[i].reason} This looks like one of several routes into the trial and"
                " another may apply: the study team must judge."
            )
            out[i] = results[i].but(UNKNOWN, reason, cautious=True)
    return tuple(out)


GENERIC = frozenset({"relapsed", "refractory", "relapsed_or_refractory"})


def apply_headings(
    items: Sequence[CriterionItem], results: Sequence[CriterionResult]
) -> tuple[CriterionResult, ...]:
    """An "any of" group whose met options only say "relapsed or refractory" while other options
    name specific routes ("2nd relapse", "relapse after transplant", "primary refractory") that
    none is met: the general option is most likely the heading of the list, read as an option.
    The routes decide, so nothing is confirmed; and nothing fails on that reading either."""
    groups: dict[str, list[int]] = {}
    for i, (item, result) in enumerate(zip(items, results, strict=True)):
        if item.kind == "inclusion" and result.group is not None:
            groups.setdefault(result.group, []).append(i)
    out = list(results)
    for indices in groups.values():
        parents = {results[j].parent for j in indices}
        if parents & set(indices) or (len(parents) == 1 and None not in parents):
            continue  # the list's heading was found ("Relapsed or refractory ALL:" above its
            # options, in the group or not): a general option below it is a route of its own
        statuses = {i: _statuses(items[i]) for i in indices}
        general = [i for i in indices if statuses[i] and statuses[i] <= GENERIC]
        specific = [i for i in indices if statuses[i] - GENERIC or not statuses[i]]
        routes = [i for i in specific if statuses[i] - GENERIC]
        met = [i for i in indices if results[i].verdict is MET]
        if not met or not routes or not set(met) <= set(general):
            continue
        for i in general:
            out[i] = results[i].but(
                UNKNOWN,
                "Unknown: this reads like the heading of the list of routes that follows; those"
                f" routes decide. ({results[i].reason})",
                cautious=True,
            )
        for i in specific:
            if results[i].verdict is NOT_MET:
                out[i] = results[i].but(
                    UNKNOWN,
                    f"{results[i].reason} This is one of several routes; the study team must"
                    " judge which applies.",
                    cautious=True,
                )
    return tuple(out)


def _statuses(item: CriterionItem) -> set[str]:
    return {str(c.attrs.get("status")) for c in item.constraints if c.type == "disease_status"}


# a lead-in's parts of these types only restate the routes below it ("relapsed ALL, any of:")
_ROUTE_TYPES = frozenset({"disease_status", "unknown", "consent", "logistics"})


def apply_groups(
    results: Sequence[CriterionResult],
    aliases: Mapping[str, str] | None = None,
    qualified: Collection[int] = (),
) -> tuple[CriterionResult, ...]:
    """Read inclusion items sharing a ``group`` as "any of the following".

    A group's lead-in (an item of the group that heads other items of it: "CD19-positive ALL
    with one of the following:") is not one of the options: what it states beyond a disease
    status is shared by every option. The options decide the group; the lead-in keeps its own
    verdict, softened to a cautious ``unknown`` where it fails, since the parser may have read a
    route as a heading. ``aliases`` reads several groups as one
    (:func:`cartnav.matching.route_lists.route_group_aliases`). A met option in ``qualified``
    (a route with words its status does not check, :func:`cartnav.matching.route_lists.qualified`)
    does not decide its group: it is a cautious unknown.
    """
    aliases = aliases or {}
    groups: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        if result.group is not None and result.kind == "inclusion":
            groups.setdefault(aliases.get(result.group, result.group), []).append(index)
    if not groups:
        return tuple(results)
    out = list(results)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        lead_ins = {results[j].parent for j in indices} & set(indices)
        options = [i for i in indices if i not in lead_ins] or indices
        partly = {i for i in options if i in qualified and results[i].verdict is MET}
        group_verdict = any_of([UNKNOWN if i in partly else results[i].verdict for i in options])
        for i in indices:
            r = results[i]
            if i in partly and group_verdict is not MET:
                reason = (
                    f"Unknown: {r.reason.removeprefix('Met: ')} But the criterion says more than"
                    " cartnav read, so the study team must judge it."
                )
                out[i] = r.but(UNKNOWN, reason, cautious=True)
            elif i in lead_ins and i not in options:
                out[i] = _lead_in(r, group_verdict)
            elif group_verdict is MET and r.verdict is not MET:
                reason = f"Not needed: another option of this group is met. ({r.reason})"
                out[i] = _replace(r, NA, reason)
            elif group_verdict is UNKNOWN and r.verdict is NOT_MET:
                reason = f"{r.reason} This is one of several options; another may still apply."
                out[i] = _replace(r, UNKNOWN, reason)
            elif group_verdict is NOT_MET and r.verdict is NOT_MET:
                out[i] = _replace(r, NOT_MET, f"No option of this group is met. {r.reason}")
    return tuple(out)


def _lead_in(r: CriterionResult, options: Verdict) -> CriterionResult:
    """The heading of a list of options, given what the options decide."""
    if r.verdict is MET:
        if options is NOT_MET:
            # "CD19-positive ALL with one of the following:" and no route fits: the heading
            # alone does not admit the patient, though it may be a route read as a heading
            reason = (
                f"{r.reason} But none of the options listed below it is met: the study team"
                " must judge."
            )
            return r.but(UNKNOWN, reason, cautious=True)
        return r
    if set(r.open_types) - _ROUTE_TYPES:
        # "CD19-positive lymphoma, meeting one of the following:", "younger than 26, and one
        # of:": what the heading states is shared by every route below it
        reason = (
            f"{r.reason} This heads the list of options below, which all share it: the study"
            " team must judge."
        )
        # a missing fact stays a plain unknown; a failure read as unknown is cautious
        return r.but(UNKNOWN, reason, cautious=r.cautious or r.verdict is NOT_MET)
    if options is MET:
        return _replace(r, NA, f"Not needed: an option of the list below it is met. ({r.reason})")
    if options is UNKNOWN and r.verdict is NOT_MET:
        return _replace(r, UNKNOWN, f"{r.reason} An option of the list below it may still apply.")
    if options is NOT_MET and r.verdict is NOT_MET:
        return _replace(r, NOT_MET, f"No option of this group is met. {r.reason}")
    return r


def _replace(result: CriterionResult, verdict: Verdict, reason: str) -> CriterionResult:
    return result.but(verdict, reason)
