"""Outcomes and prices families ask about, for the products whose label fits here."""

from __future__ import annotations

from collections.abc import Iterable

from cartnav.knowledge.catalogue import REGION_COUNTRIES
from cartnav.knowledge.loader import KnowledgeBase
from cartnav.knowledge.schema import Outcome, Price


def outcomes_for(kb: KnowledgeBase, products: Iterable[str]) -> tuple[Outcome, ...]:
    wanted = set(products)
    return tuple(o for o in kb.outcomes if o.product in wanted)


def prices_for(kb: KnowledgeBase, products: Iterable[str], region: str) -> tuple[Price, ...]:
    wanted = set(products)
    countries = REGION_COUNTRIES.get(region, frozenset({region}))
    return tuple(p for p in kb.prices if p.product in wanted and p.country in countries)


def outcome_line(outcome: Outcome) -> str:
    """One plain sentence: who was treated and what happened, as the source reports it."""
    parts = [f"{outcome.study}: {outcome.population}"]
    if outcome.n is not None:
        parts[0] += f" (n={outcome.n})"
    for label, value in (
        ("remission", outcome.remission),
        ("event-free survival at 12 months", outcome.efs_12mo),
        ("overall survival at 12 months", outcome.os_12mo),
        ("cytokine release syndrome (CRS)", outcome.crs_severe),
        ("neurological side effects", outcome.neurotoxicity_severe),
        ("also", outcome.notes),
    ):
        if value:
            parts.append(f"{label}: {value}")
    return "; ".join(parts).rstrip(".") + "."


def price_line(price: Price) -> str:
    amount = f"{price.amount:,.0f}"
    if price.amount_max is not None:
        amount += f" to {price.amount_max:,.0f}"
    return f"{price.currency} {amount} ({price.basis}, {price.country}, {price.as_of})."
