"""Disease state from the course of treatment: a rule table, one row per situation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cartnav.domain.disease_state import DISEASE_STATE_CODES, derive_disease_state
from cartnav.domain.patient import parse_profile

TODAY = dt.date(2026, 11, 27)
IND_CR = {"type": "induction", "date": "2023-01-15", "response": "CR"}
IND_NO = {"type": "induction", "date": "2023-01-15", "response": "no_CR"}
IND_NO2 = {"type": "induction", "date": "2023-02-20", "response": "no_CR"}
IND_PENDING = {"type": "induction", "date": "2023-01-15"}
REL1 = {"type": "relapse", "date": "2024-03-01", "site": "marrow", "on_therapy": True}
REINDUCTION_CR = {"type": "reinduction", "date": "2024-03-10", "response": "CR"}
REINDUCTION_NO = {"type": "reinduction", "date": "2024-03-10", "response": "no_CR"}
REINDUCTION_PENDING = {"type": "reinduction", "date": "2024-03-10"}
ALLO = {"type": "hsct", "date": "2024-06-01", "donor": "allogeneic"}
AUTO = {"type": "hsct", "date": "2024-06-01", "donor": "autologous"}
HSCT_NO_DONOR = {"type": "hsct", "date": "2024-06-01"}
REL2 = {"type": "relapse", "date": "2025-09-01", "site": "marrow"}
CART = {"type": "car_t", "date": "2024-09-01", "product": "tisagenlecleucel", "response": "CR"}
BLINA_NO = {"type": "therapy", "date": "2024-03-20", "agent": "blinatumomab", "response": "no_CR"}

# (id, history, code, relapse_count, post_hsct, refractory)
TABLE: list[tuple[str, list[dict[str, Any]], str, int | None, bool | None, bool | None]] = [
    ("empty history", [], "unknown", None, None, None),
    ("only a transplant", [ALLO], "unknown", None, None, None),
    ("first induction pending", [IND_PENDING], "newly_diagnosed", 0, None, None),
    ("first remission", [IND_CR], "first_remission", 0, None, False),
    ("remission then transplant in CR1", [IND_CR, ALLO], "first_remission", 0, None, False),
    ("one induction without CR", [IND_NO], "primary_refractory", 0, None, True),
    ("two inductions without CR", [IND_NO, IND_NO2], "primary_refractory", 0, None, True),
    (
        "no CR then CR on second course",
        [IND_NO, {**IND_NO2, "response": "CR"}],
        "first_remission",
        0,
        None,
        False,
    ),
    ("first relapse, no response yet", [IND_CR, REL1], "first_relapse", 1, False, None),
    ("first relapse responding", [IND_CR, REL1, REINDUCTION_CR], "first_relapse", 1, False, False),
    (
        "first relapse, re-induction pending",
        [IND_CR, REL1, REINDUCTION_PENDING],
        "first_relapse",
        1,
        False,
        None,
    ),
    ("refractory relapse", [IND_CR, REL1, REINDUCTION_NO], "refractory_relapse", 1, False, True),
    (
        "relapse then failed blinatumomab",
        [IND_CR, REL1, BLINA_NO],
        "refractory_relapse",
        1,
        False,
        True,
    ),
    (
        "second relapse",
        [IND_CR, REL1, REINDUCTION_CR, REL2],
        "second_or_later_relapse",
        2,
        False,
        None,
    ),
    (
        "second relapse after allo transplant",
        [IND_CR, REL1, REINDUCTION_CR, ALLO, REL2],
        "second_or_later_relapse",
        2,
        True,
        None,
    ),
    (
        "second relapse after autologous transplant",
        [IND_CR, REL1, REINDUCTION_CR, AUTO, REL2],
        "second_or_later_relapse",
        2,
        False,
        None,
    ),
    (
        "relapse after transplant without donor type",
        [IND_CR, HSCT_NO_DONOR, REL2],
        "first_relapse",
        1,
        None,
        None,
    ),
    (
        "second relapse refractory",
        [IND_CR, REL1, REINDUCTION_CR, REL2, {**REINDUCTION_NO, "date": "2025-09-10"}],
        "second_or_later_relapse",
        2,
        False,
        True,
    ),
    (
        "three relapses",
        [IND_CR, REL1, REINDUCTION_CR, REL2, {**REL2, "date": "2026-01-01"}],
        "second_or_later_relapse",
        3,
        False,
        None,
    ),
    ("relapse without an induction listed", [REL2], "first_relapse", 1, False, None),
]


def _profile(history: list[dict[str, Any]], **extra: Any) -> Any:
    data = {
        "age_years": 9,
        "as_of": "2026-11-01",
        "diagnosis": {"disease": "B-ALL", "date": "2023-01-10"},
        "history": history,
    }
    data.update(extra)
    return parse_profile(data, today=TODAY)


@pytest.mark.parametrize(
    ("history", "code", "count", "post_hsct", "refractory"),
    [pytest.param(*row[1:], id=row[0]) for row in TABLE],
)
def test_disease_state_table(
    history: list[dict[str, Any]],
    code: str,
    count: int | None,
    post_hsct: bool | None,
    refractory: bool | None,
) -> None:
    state = derive_disease_state(_profile(history))
    assert state.code == code
    assert state.relapse_count == count
    assert state.post_hsct == post_hsct
    assert state.refractory == refractory


def test_table_covers_every_code() -> None:
    assert {row[2] for row in TABLE} == set(DISEASE_STATE_CODES)


def test_relapse_attributes() -> None:
    state = derive_disease_state(_profile([IND_CR, REL1, REINDUCTION_CR, ALLO, CART, REL2]))
    assert state.relapse_on_therapy is None  # of the latest relapse, which does not say
    assert state.prior_car_t is True and state.post_car_t is True
    assert state.prior_hsct is True
    assert state.months_since_hsct == pytest.approx(29.0, abs=0.1)  # 2024-06-01 to 2026-11-01
    assert state.months_diagnosis_to_relapse == pytest.approx(13.7, abs=0.1)  # first relapse
    assert state.active_disease is True
    assert state.latest_relapse_index == 5


def test_responding_relapse_is_not_active() -> None:
    state = derive_disease_state(_profile([IND_CR, REL1, REINDUCTION_CR]))
    assert state.active_disease is False
    assert state.relapse_on_therapy is True
    assert state.relapse_response == "CR"


def test_to_dict_has_the_contract_keys() -> None:
    data = derive_disease_state(_profile([IND_CR, REL1])).to_dict()
    for key in ("code", "relapse_count", "relapse_on_therapy", "post_hsct", "prior_car_t"):
        assert key in data
    assert data["code"] == "first_relapse"
    assert "latest_relapse_index" not in data


def test_unknown_state_has_no_attributes() -> None:
    state = derive_disease_state(_profile([]))
    assert state.to_dict()["relapse_count"] is None
    assert state.prior_car_t is None and state.active_disease is None
