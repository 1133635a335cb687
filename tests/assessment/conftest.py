"""Fixtures for the assessment tests: the packaged knowledge base, a small hand-made one, and a
profile factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cartnav.domain.patient import Profile, parse_profile
from cartnav.knowledge import KnowledgeBase, load_knowledge
from cartnav.knowledge.schema import Indication, Product

TODAY = dt.date(2026, 11, 27)
SRC = [{"url": "https://example.org/label", "title": "test label"}]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _product(pid: str, brand: str, inn: str | None, targets: list[str]) -> Product:
    return Product.model_validate(
        {
            "id": pid,
            "brand": brand,
            "inn": inn,
            "developer": "test",
            "targets": targets,
            "sources": SRC,
            "checked": "2026-01-01",
        }
    )


def _indication(**fields: Any) -> Indication:
    base: dict[str, Any] = {
        "disease": "B-ALL",
        "approval_date": "2020-01-01",
        "label_text": "test",
        "sources": SRC,
        "checked": "2026-01-01",
    }
    base.update(fields)
    return Indication.model_validate(base)


@pytest.fixture(scope="session")
def mini_kb() -> KnowledgeBase:
    """Two regions' worth of labels, built from schema objects (independent of the data files)."""
    products = {
        "kid19": _product("kid19", "Kidcel", "kidcabtagene", ["CD19"]),
        "adult19": _product("adult19", "Adultcel", "adultcabtagene", ["CD19"]),
        "future19": _product("future19", "Futurecel", None, ["CD19"]),
        "bcma": _product("bcma", "Myelocel", "myelocabtagene", ["BCMA"]),
    }
    indications = (
        _indication(
            product="kid19",
            agency="FDA",
            age_max_years=25,
            routes=["refractory", "second_or_later_relapse"],
        ),
        _indication(
            product="kid19",
            agency="EC",
            age_max_years=25,
            routes=["refractory", "relapse_post_hsct", "second_or_later_relapse"],
        ),
        _indication(
            product="kid19",
            agency="HC",
            age_min_years=3,
            age_max_years=25,
            routes=[
                "refractory",
                "relapse_post_hsct",
                "hsct_ineligible_relapse",
                "second_or_later_relapse",
            ],
            confirmed=False,
            unconfirmed="wording from a press release",
        ),
        _indication(
            product="adult19", agency="FDA", age_min_years=18, routes=["relapsed", "refractory"]
        ),
        _indication(
            product="future19",
            agency="FDA",
            approval_date="2030-05",
            routes=["relapsed", "refractory"],
        ),
        _indication(product="bcma", agency="FDA", disease="MM", label_text="RRMM after 4 lines"),
    )
    return KnowledgeBase(
        products=products, indications=indications, outcomes=(), prices=(), version="2026-01-01"
    )


ProfileFactory = Callable[..., Profile]


@pytest.fixture
def make_profile() -> ProfileFactory:
    """``make_profile(history=[...], age_years=9, **overrides)``: a valid profile on 2026-11-01."""

    def build(**overrides: Any) -> Profile:
        data: dict[str, Any] = {
            "id": "secret-case-id-4711",
            "age_years": 9,
            "as_of": "2026-11-01",
            "diagnosis": {"disease": "B-ALL", "date": "2023-01-10"},
            "markers": {"CD19": "positive"},
            "history": [],
        }
        data.update(overrides)
        return parse_profile(data, today=TODAY)

    return build
