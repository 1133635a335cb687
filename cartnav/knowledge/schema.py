"""Schema of the knowledge base: products, label indications, outcomes and prices.

The data lives in YAML files under ``cartnav/knowledge/data/``; every row carries its source
address and the date it was checked. Rows that could not be confirmed against a primary source
say so (``confirmed: false`` plus ``unconfirmed``) and the assessment output repeats that.

Indication routes (``routes``) say which disease states a label covers, in machine form. For
B-ALL they use these tokens:

- ``refractory``: primary refractory disease or a relapse that did not respond to re-treatment
- ``primary_refractory``: no complete remission after one or two induction courses only
- ``refractory_relapse``: a relapse that did not respond to re-induction only
- ``second_or_later_relapse``: two or more relapses
- ``relapse_post_hsct``: any relapse after allogeneic stem-cell transplant
- ``hsct_ineligible_relapse``: a relapse in a patient otherwise ineligible for transplant
- ``relapsed``: any relapse ("relapsed or refractory" in adult labels)
- ``first_line``: newly diagnosed disease (no CAR-T label has it today)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

Agency = Literal["FDA", "EC", "MHRA", "HC", "PMDA", "NMPA", "CDSCO", "AEMPS_HE"]
Region = Literal["US", "EU", "UK", "CA", "JP", "CN", "IN", "ES"]
Route = Literal[
    "refractory",
    "primary_refractory",
    "refractory_relapse",
    "second_or_later_relapse",
    "relapse_post_hsct",
    "hsct_ineligible_relapse",
    "relapsed",
    "first_line",
]

# Which agencies' labels apply in which region. ES = the EU authorisations plus Spain's
# hospital exemption (AEMPS).
REGION_AGENCIES: dict[str, tuple[str, ...]] = {
    "US": ("FDA",),
    "EU": ("EC",),
    "UK": ("MHRA",),
    "CA": ("HC",),
    "JP": ("PMDA",),
    "CN": ("NMPA",),
    "IN": ("CDSCO",),
    "ES": ("EC", "AEMPS_HE"),
}
REGION_NAMES: dict[str, str] = {
    "US": "United States (FDA)",
    "EU": "European Union (EC/EMA)",
    "UK": "United Kingdom (MHRA)",
    "CA": "Canada (Health Canada)",
    "JP": "Japan (MHLW/PMDA)",
    "CN": "China (NMPA)",
    "IN": "India (CDSCO)",
    "ES": "Spain (EC/EMA plus AEMPS hospital exemption)",
}


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Row):
    url: HttpUrl
    title: str | None = None
    primary: bool = False  # True for the regulator's own document (label, SmPC, notice)


class Sourced(_Row):
    sources: list[Source] = Field(min_length=1)
    checked: dt.date  # date the row was last checked against its sources
    confirmed: bool = True
    unconfirmed: str | None = None  # what is still unconfirmed, in words, when confirmed=False


class Product(Sourced):
    id: str = Field(pattern=r"^[a-z0-9-]+$")  # e.g. "kymriah"
    brand: str
    brand_local: dict[str, str] = Field(default_factory=dict)  # e.g. {"zh": "倍诺达"}
    inn: str | None  # lowercase INN, e.g. "tisagenlecleucel"; None if no INN is known
    inn_short: str | None = None  # e.g. "tisa-cel"
    code_names: list[str] = Field(default_factory=list)  # CTL019, KTE-X19, ...
    developer: str
    targets: list[str] = Field(min_length=1)  # ["CD19"]
    costimulatory_domain: str | None = None
    vector: str | None = None
    autologous: bool = True


class Indication(Sourced):
    product: str  # Product.id
    agency: Agency
    disease: str  # "B-ALL", "LBCL", "FL", "MCL", "CLL", "MZL", "MM", ...
    approval_date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")  # as precise as known
    approval_type: str | None = None  # regular, accelerated, conditional, hospital exemption
    label_text: str  # the indication as the label words it
    age_min_years: float | None = None  # inclusive, in completed years; None = no lower limit
    age_max_years: float | None = None  # inclusive, in completed years; None = no upper limit
    age_wording: str | None = None  # the label's own age wording
    routes: list[Route] = Field(default_factory=list)  # disease states covered (B-ALL rows)
    requires_cd19_positive: bool = False  # the label says CD19-positive
    notes: str | None = None


class Outcome(Sourced):
    product: str  # Product.id
    study: str  # "ELIANA (NEJM 2018)"
    nct_id: str | None = None
    population: str  # who was treated, in words
    n: int | None = None
    remission: str | None = None  # e.g. "81% CR/CRi within 3 months"
    efs_12mo: str | None = None
    os_12mo: str | None = None
    crs_severe: str | None = None
    neurotoxicity_severe: str | None = None
    notes: str | None = None


class Price(Sourced):
    product: str  # Product.id
    country: str  # ISO 3166-1 alpha-2
    amount: float
    amount_max: float | None = None  # upper end when the source gives a range
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    as_of: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    basis: str  # "list price at launch", "per infusion", ...
    notes: str | None = None
