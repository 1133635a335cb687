"""The assessment result: findings, product fits, cautions and the answer (interfaces.md §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from cartnav.domain.disease_state import DiseaseState
from cartnav.domain.verdict import Verdict
from cartnav.knowledge.schema import Outcome, Price

Level = Literal["standard_option", "consider", "not_indicated_now", "insufficient_information"]
LEVELS: tuple[Level, ...] = (
    "standard_option",
    "consider",
    "not_indicated_now",
    "insufficient_information",
)
LabelFit = Literal["on_label", "off_label"]


@dataclass(frozen=True)
class Finding:
    """One explanation entry: a rule, its verdict, a one-sentence reason, the facts it read."""

    rule: str
    verdict: Verdict
    reason: str
    source: str
    facts: dict[str, Any] = field(default_factory=dict)
    product: str | None = None  # Product.id for label rules
    agency: str | None = None
    unconfirmed: str | None = None  # what in the source is not confirmed, in words

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "facts": dict(self.facts),
            "source": self.source,
        }
        if self.product is not None:
            data["product"] = self.product
        if self.agency is not None:
            data["agency"] = self.agency
        if self.unconfirmed is not None:
            data["unconfirmed"] = self.unconfirmed
        return data


@dataclass(frozen=True)
class ProductFit:
    """How one product's label in this region fits the patient."""

    product: str  # Product.id
    inn: str | None
    brand: str
    agency: str
    label_fit: LabelFit
    reasons: tuple[str, ...]
    source: str
    label_text: str
    approval_date: str
    targets: tuple[str, ...]
    confirmed: bool
    unconfirmed: str | None
    sources: tuple[str, ...]
    assessed: bool = True  # False for diseases cartnav lists but does not assess yet
    possible: bool = False  # off-label only because a fact is missing (could be on-label)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "inn": self.inn,
            "brand": self.brand,
            "agency": self.agency,
            "label_fit": self.label_fit,
            "reasons": list(self.reasons),
            "source": self.source,
            "product": self.product,
            "label_text": self.label_text,
            "approval_date": self.approval_date,
            "targets": list(self.targets),
            "confirmed": self.confirmed,
            "sources": list(self.sources),
            "assessed": self.assessed,
        }
        if self.unconfirmed is not None:
            data["unconfirmed"] = self.unconfirmed
        return data


@dataclass(frozen=True)
class Caution:
    code: str
    message: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "source": self.source}


@dataclass(frozen=True)
class Elsewhere:
    region: str
    inn: tuple[str, ...]  # INN, or the brand when the product has no INN
    unconfirmed: tuple[str, ...] = ()  # those of ``inn`` whose label row is unconfirmed

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "inn": list(self.inn), "unconfirmed": list(self.unconfirmed)}


@dataclass(frozen=True)
class Assessment:
    region: str
    region_name: str
    region_basis: Literal["option", "residence", "default"]
    as_of: dt.date
    facts_as_of: dt.date  # the date the profile's facts describe
    disease: str | None  # canonical disease code, or None when not given
    disease_state: DiseaseState
    level: Level
    summary: str  # the answer in one plain sentence
    products: tuple[ProductFit, ...]
    cautions: tuple[Caution, ...]
    missing_information: tuple[str, ...]
    explanation: tuple[Finding, ...]
    elsewhere: tuple[Elsewhere, ...]
    knowledge_version: str
    outcomes: tuple[
        Outcome, ...
    ] = ()  # results of the pivotal/real-world studies of on-label products
    prices: tuple[Price, ...] = ()  # dated prices of on-label products in this region

    @property
    def on_label_inns(self) -> list[str]:
        return [p.inn or p.brand for p in self.products if p.label_fit == "on_label"]

    def to_dict(self) -> dict[str, Any]:
        """Exactly the contract of interfaces.md section 2, plus a few documented extras
        (``region_name``, ``region_basis``, ``as_of``, ``facts_as_of``, ``disease``,
        ``summary``)."""
        return {
            "region": self.region,
            "disease_state": self.disease_state.to_dict(),
            "level": self.level,
            "products": [p.to_dict() for p in self.products],
            "cautions": [c.to_dict() for c in self.cautions],
            "missing_information": list(self.missing_information),
            "explanation": [f.to_dict() for f in self.explanation],
            "elsewhere": [e.to_dict() for e in self.elsewhere],
            "knowledge_version": self.knowledge_version,
            "region_name": self.region_name,
            "region_basis": self.region_basis,
            "as_of": self.as_of.isoformat(),
            "facts_as_of": self.facts_as_of.isoformat(),
            "disease": self.disease,
            "summary": self.summary,
            "outcomes": [o.model_dump(mode="json") for o in self.outcomes],
            "prices": [p.model_dump(mode="json") for p in self.prices],
        }
