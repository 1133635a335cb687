"""The shared CAR-T listings (cart_trials.jsonl) as Trial objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cartnav.domain.errors import RegistryError
from cartnav.domain.trial import STATUSES, Trial
from cartnav.registry.cart_pages import iter_cart_pages, parse_cart_page


@pytest.fixture(scope="module")
def cart_file(shared_data: Path) -> Path:
    return shared_data / "cart_pages/cart_trials.jsonl"


@pytest.fixture(scope="module")
def cart_trials(cart_file: Path) -> dict[str, Trial]:
    return {trial.nct_id: trial for trial in iter_cart_pages(cart_file)}


@pytest.fixture(scope="module")
def cart_objects(cart_file: Path) -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in cart_file.read_text(encoding="utf-8").splitlines())
    return {row["nct_id"]: row for row in rows}


def test_all_47_listings_parse(cart_trials: dict[str, Trial]) -> None:
    assert len(cart_trials) == 47
    assert {trial.source_format for trial in cart_trials.values()} == {"cart_page"}
    assert all(trial.status in STATUSES for trial in cart_trials.values())
    assert all(trial.sex in {"ALL", "FEMALE", "MALE"} for trial in cart_trials.values())


def test_criteria_text_is_kept_exactly(
    cart_trials: dict[str, Trial], cart_objects: dict[str, dict[str, Any]]
) -> None:
    for nct_id, row in cart_objects.items():
        assert cart_trials[nct_id].eligibility_criteria == row["eligibility_criteria"]
    assert sum(1 for t in cart_trials.values() if t.eligibility_criteria is None) == 6
    complete = [t for t in cart_trials.values() if t.extra.get("criteria_complete") == "true"]
    assert len(complete) == 4


def test_statuses_in_every_spelling_are_normalised(
    cart_trials: dict[str, Trial], cart_objects: dict[str, dict[str, Any]]
) -> None:
    expected = {
        "Recruiting": "RECRUITING",
        "RECRUITING": "RECRUITING",
        "Not Yet Recruiting": "NOT_YET_RECRUITING",
        "Not yet enrolling": "NOT_YET_RECRUITING",
        "Active, not recruiting": "ACTIVE_NOT_RECRUITING",
        "Unknown (Recruitment status was: Recruiting)": "UNKNOWN",
        "Unknown status (last known status: Recruiting)": "UNKNOWN",
        "complete": "COMPLETED",
        "WITHDRAWN": "WITHDRAWN",
        None: "UNKNOWN",
    }
    seen = set()
    for nct_id, row in cart_objects.items():
        if row["overall_status"] in expected:
            assert cart_trials[nct_id].status == expected[row["overall_status"]], nct_id
            seen.add(row["overall_status"])
    assert seen == set(expected)


@pytest.mark.parametrize(
    ("nct_id", "min_days", "max_days", "phases", "countries"),
    [
        ("NCT02186860", 6574, 23741, ("PHASE1",), ("CN",)),
        ("NCT02228096", 1095, 7670, ("PHASE2",), ("US",)),
        ("NCT03467256", 91, 9131, ("PHASE1", "PHASE2"), ("RU",)),
    ],
    ids=["adult-china", "ensign-us", "months-russia"],
)
def test_known_listings(
    cart_trials: dict[str, Trial],
    nct_id: str,
    min_days: int,
    max_days: int,
    phases: tuple[str, ...],
    countries: tuple[str, ...],
) -> None:
    trial = cart_trials[nct_id]
    assert (trial.min_age_days, trial.max_age_days, trial.phases) == (min_days, max_days, phases)
    assert tuple(dict.fromkeys(s.country_code for s in trial.sites)) == countries


def test_typed_interventions_are_split(cart_trials: dict[str, Trial]) -> None:
    (intervention,) = cart_trials["NCT02186860"].interventions
    assert (intervention.type, intervention.name) == ("BIOLOGICAL", "CAR-T cells")
    (untyped,) = cart_trials["NCT02228096"].interventions
    assert (untyped.type, untyped.name) == (None, "CTL019 T-cells")


def test_ages_written_as_prose() -> None:
    trial = parse_cart_page(
        {"nct_id": "NCT01234567", "minimum_age": "18 Years and older", "maximum_age": None}
    )
    assert (trial.min_age_days, trial.max_age_days, trial.status) == (6574, None, "UNKNOWN")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"nct_id": "12"}, "not an NCT number"),
        ({"nct_id": "NCT01234567", "conditions": "ALL"}, "'conditions' must be a list"),
        ({"nct_id": "NCT01234567", "minimum_age": "young"}, "cannot read the age"),
        ({"nct_id": "NCT01234567", "sites": [1]}, "'sites' must be a list of objects"),
    ],
    ids=["bad-id", "conditions-text", "age-words", "site-number"],
)
def test_bad_rows_raise(row: dict[str, Any], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_cart_page(row)


def test_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_text('{"nct_id": "NCT01234567"}\n{"nct_id": \n', encoding="utf-8")
    trials = iter_cart_pages(path)
    assert next(trials).nct_id == "NCT01234567"
    with pytest.raises(RegistryError, match=r"pages\.jsonl#line=2: invalid JSON"):
        next(trials)
