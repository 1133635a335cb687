"""The product catalogue: products with their indications, outcomes and prices, filtered.

Used by ``cartnav products`` (and any other front end): :func:`select_catalogue` picks the rows
for a region and disease, :meth:`Catalogue.to_dict` gives the exact JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cartnav.knowledge.loader import KnowledgeBase, agencies_for_region
from cartnav.knowledge.schema import REGION_NAMES, Indication, Outcome, Price, Product

# Countries (ISO 3166-1 alpha-2) whose prices belong to a region.
_EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_COUNTRIES = frozenset(_EU.split())
REGION_COUNTRIES: dict[str, frozenset[str]] = {
    "US": frozenset({"US"}),
    "EU": EU_COUNTRIES,
    "UK": frozenset({"GB"}),
    "CA": frozenset({"CA"}),
    "JP": frozenset({"JP"}),
    "CN": frozenset({"CN"}),
    "IN": frozenset({"IN"}),
    "ES": frozenset({"ES"}),
}


@dataclass(frozen=True)
class CatalogueEntry:
    product: Product
    indications: tuple[Indication, ...]
    outcomes: tuple[Outcome, ...]
    prices: tuple[Price, ...]

    def to_dict(self) -> dict[str, Any]:
        data = self.product.model_dump(mode="json")
        data["indications"] = [row.model_dump(mode="json") for row in self.indications]
        data["outcomes"] = [row.model_dump(mode="json") for row in self.outcomes]
        data["prices"] = [row.model_dump(mode="json") for row in self.prices]
        return data


@dataclass(frozen=True)
class Catalogue:
    region: str | None
    agencies: tuple[str, ...] | None  # None = every agency
    disease: str | None
    entries: tuple[CatalogueEntry, ...]
    knowledge_version: str

    @property
    def region_name(self) -> str | None:
        return None if self.region is None else REGION_NAMES.get(self.region, self.region)

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "region_name": self.region_name,
            "agencies": None if self.agencies is None else list(self.agencies),
            "disease": self.disease,
            "knowledge_version": self.knowledge_version,
            "products": [entry.to_dict() for entry in self.entries],
        }


def select_catalogue(
    kb: KnowledgeBase, *, region: str | None = None, disease: str | None = None
) -> Catalogue:
    """Products with at least one indication in ``region`` for ``disease`` (None = any).

    Indications are those of the region and disease; outcomes are every outcome of the product;
    prices are those of the region's countries (all prices without a region). An unknown region
    raises :class:`~cartnav.domain.errors.NotFoundError`.
    """
    code = None if region is None else region.upper()
    agencies = None if code is None else agencies_for_region(code)
    disease_name = None if disease is None else _canonical_disease(kb, disease)
    indications = kb.indications_for(region=code, disease=disease_name)
    countries = None if code is None else REGION_COUNTRIES.get(code, frozenset({code}))
    entries = []
    for product_id in dict.fromkeys(row.product for row in indications):
        entries.append(
            CatalogueEntry(
                product=kb.products[product_id],
                indications=tuple(row for row in indications if row.product == product_id),
                outcomes=tuple(kb.outcomes_for(product_id)),
                prices=tuple(
                    row
                    for row in kb.prices_for(product_id)
                    if countries is None or row.country in countries
                ),
            )
        )
    return Catalogue(
        region=code,
        agencies=agencies,
        disease=disease_name,
        entries=tuple(entries),
        knowledge_version=kb.version,
    )


def _canonical_disease(kb: KnowledgeBase, disease: str) -> str:
    """The knowledge base's spelling of ``disease`` (case-insensitive), else as given."""
    wanted = disease.strip().casefold()
    for name in kb.diseases():
        if name.casefold() == wanted:
            return name
    return disease.strip()
