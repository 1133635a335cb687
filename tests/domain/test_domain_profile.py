"""The profile parser (cartnav/domain/patient.py): validation and the safety of its messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartnav.domain.errors import ProfileError
from cartnav.domain.patient import parse_profile

TODAY = dt.date(2026, 11, 27)
SECRET_ID = "case-XK-90210"


def _base(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": SECRET_ID,
        "age_years": 7.5,
        "as_of": "2026-11-01",
        "diagnosis": {"disease": "B-ALL", "date": "2024-03-01", "cns_status": "CNS1"},
        "markers": {"CD19": "positive"},
        "history": [
            {"type": "induction", "date": "2024-03-05", "response": "CR"},
            {"type": "relapse", "date": "2025-06-10", "site": "marrow", "on_therapy": True},
        ],
        "current": {"mrd": 0.001, "lansky": 80, "organ": {"alt_x_uln": 1.2}},
    }
    data.update(overrides)
    return data


def test_valid_profile_parses() -> None:
    profile = parse_profile(_base(), today=TODAY)
    assert profile.completed_years == 7
    assert profile.marker("cd19") == "positive"
    assert profile.marker("CD22") == "unknown"
    assert profile.facts_date == dt.date(2026, 11, 1)
    assert len(profile.history) == 2


def test_as_of_defaults_to_today() -> None:
    data = _base()
    del data["as_of"]
    assert parse_profile(data, today=TODAY).facts_date == TODAY


def test_birth_date_gives_completed_years() -> None:
    data = _base(birth_date="2018-11-02")
    del data["age_years"]
    assert parse_profile(data, today=TODAY).completed_years == 7  # birthday is tomorrow


def _with(path: str, value: Any) -> dict[str, Any]:
    data = _base()
    target: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


BAD = [
    ("unknown top-level key", _base(diagnosys={"disease": "B-ALL"}), "diagnosys", "unknown key"),
    (
        "unknown nested key",
        _with("current.marow_blasts_pct", 30),
        "current.marow_blasts_pct",
        "unknown key",
    ),
    (
        "unknown key in an event",
        _with("history.0.respose", "CR"),
        "history[0].respose",
        "unknown key",
    ),
    ("wrong type for age", _base(age_years="seven"), "age_years", "expected number"),
    (
        "wrong type for a flag",
        _with("current.active_gvhd", "maybe"),
        "current.active_gvhd",
        "expected",
    ),
    ("negative age", _base(age_years=-1), "age_years", "at least 0"),
    ("MRD above 1", _with("current.mrd", 1.5), "current.mrd", "at most 1"),
    ("negative MRD", _with("current.mrd", -0.1), "current.mrd", "at least 0"),
    (
        "blasts above 100",
        _with("current.marrow_blasts_pct", 130),
        "current.marrow_blasts_pct",
        "at most 100",
    ),
    (
        "bad response token",
        _with("history.0.response", "partial"),
        "history[0].response",
        "expected CR or no_CR",
    ),
    ("bad event type", _with("history.1.type", "remission"), "history[1].type", "expected one of"),
    ("bad marker value", _base(markers={"CD19": "high"}), "markers.CD19", "expected positive"),
    (
        "events out of order",
        _with("history.1.date", "2024-03-04"),
        "history[1].date",
        "earlier than history[0].date",
    ),
    ("event after as_of", _with("history.1.date", "2027-01-01"), "history[1].date", "after as_of"),
    (
        "diagnosis after as_of",
        _with("diagnosis.date", "2027-01-01"),
        "diagnosis.date",
        "after as_of",
    ),
    (
        "event before diagnosis",
        _with("diagnosis.date", "2024-04-01"),
        "history[0].date",
        "before diagnosis.date",
    ),
    ("bad date", _with("diagnosis.date", "01/03/2024"), "diagnosis.date", "YYYY-MM-DD"),
    (
        "no age at all",
        {k: v for k, v in _base().items() if k != "age_years"},
        "age_years",
        "age_years or birth_date",
    ),
    ("birth after as_of", _base(birth_date="2027-01-01"), "birth_date", "after as_of"),
    ("history not a list", _base(history={"type": "induction"}), "history", "expected a list"),
    ("profile not an object", ["age_years", 7], "profile", "expected a JSON/YAML object"),
    ("bad CNS status", _with("diagnosis.cns_status", "CNS4"), "diagnosis.cns_status", "expected"),
    (
        "lat without lon",
        _base(residence={"country": "US", "lat": 40.0}),
        "residence",
        "give both lat and lon",
    ),
]


@pytest.mark.parametrize(
    ("data", "field", "words"), [pytest.param(*row[1:], id=row[0]) for row in BAD]
)
def test_bad_profile_names_the_field(data: Any, field: str, words: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(data, today=TODAY)
    message = str(info.value)
    assert f"'{field}'" in message or message.startswith(f"{field}:")
    assert words in message
    assert "\n" not in message
    assert SECRET_ID not in message


def test_error_never_echoes_numbers_or_free_text() -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(_with("current.mrd", 1.2345), today=TODAY)
    assert "1.2345" not in str(info.value)
    with pytest.raises(ProfileError) as info:
        parse_profile(_base(age_years="Jane Doe, 7 years"), today=TODAY)
    assert "Jane" not in str(info.value)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["age_years", "sex", "as_of", "diagnosis", "current", "id", "typo"]),
        st.one_of(
            st.none(),
            st.integers(-5, 200),
            st.floats(allow_nan=False),
            st.text(max_size=8),
            st.lists(st.integers(), max_size=2),
        ),
        max_size=5,
    )
)
def test_parser_only_raises_profile_errors(data: dict[str, Any]) -> None:
    """Whatever the document, the parser returns a profile or raises ProfileError (never a
    pydantic or other error), and the id never appears in the message."""
    data = {**data, "id": SECRET_ID}
    try:
        parse_profile(data, today=TODAY)
    except ProfileError as exc:
        assert SECRET_ID not in str(exc)
