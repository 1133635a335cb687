"""Invariants checked with Hypothesis: removing facts only ever makes verdicts unknown, never
known, and the answer is deterministic for a fixed ``as_of``."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartnav.assessment import assess
from cartnav.domain.patient import parse_profile
from cartnav.knowledge import load_knowledge

TODAY = dt.date(2026, 11, 27)
KB = load_knowledge()
REGIONS = ("US", "EU", "UK", "CA", "JP", "CN", "IN", "ES")
KEEP = {"id", "age_years", "as_of", "type"}  # removing these changes the profile's meaning


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), strategy)


@st.composite
def events(draw: st.DrawFn) -> list[dict[str, Any]]:
    kinds = draw(
        st.lists(
            st.sampled_from(["relapse", "reinduction", "hsct", "car_t", "therapy"]), max_size=5
        )
    )
    first = {"type": "induction", "response": draw(_optional(st.sampled_from(["CR", "no_CR"])))}
    chosen = [first] if draw(st.booleans()) or not kinds else []
    for kind in kinds:
        event: dict[str, Any] = {"type": kind}
        if kind == "relapse":
            event["site"] = draw(_optional(st.sampled_from(["marrow", "cns", "combined"])))
            event["on_therapy"] = draw(_optional(st.booleans()))
        elif kind in {"reinduction", "car_t", "therapy"}:
            event["response"] = draw(_optional(st.sampled_from(["CR", "no_CR"])))
        elif kind == "hsct":
            event["donor"] = draw(_optional(st.sampled_from(["allogeneic", "autologous"])))
        chosen.append(event)
    day = dt.date(2022, 2, 1)
    for event in chosen:
        day += dt.timedelta(days=draw(st.integers(20, 300)))
        event["date"] = day.isoformat()
    return [{k: v for k, v in e.items() if v is not None} for e in chosen]


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    current = {
        "mrd": draw(_optional(st.sampled_from([0.0, 0.0005, 0.002, 0.05]))),
        "lansky": draw(_optional(st.integers(10, 100))),
        "ecog": draw(_optional(st.integers(0, 4))),
        "active_infection": draw(_optional(st.booleans())),
        "active_gvhd": draw(_optional(st.booleans())),
        "gvhd_grade": draw(_optional(st.integers(0, 4))),
        "infections": draw(_optional(st.lists(st.sampled_from(["HIV", "HBV", "CMV"]), max_size=2))),
        "pregnant": draw(_optional(st.booleans())),
        "hsct_eligible": draw(_optional(st.booleans())),
        "organ": draw(
            _optional(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "creatinine_x_uln": st.sampled_from([0.5, 2.0]),
                        "alt_x_uln": st.sampled_from([1.0, 6.0]),
                        "bilirubin_x_uln": st.sampled_from([0.5, 3.0]),
                        "lvef_pct": st.sampled_from([40, 60]),
                        "spo2_pct": st.sampled_from([90, 98]),
                    },
                )
            )
        ),
    }
    diagnosis = {
        "disease": draw(_optional(st.sampled_from(["B-ALL", "T-ALL", "AML", "ALL", "MPAL"]))),
        "date": draw(_optional(st.just("2022-01-10"))),
        "cns_status": draw(_optional(st.sampled_from(["CNS1", "CNS3"]))),
    }
    data = {
        "id": "hypothesis-secret-id",
        "age_years": draw(st.integers(0, 45)),
        "as_of": "2026-11-01",
        "sex": draw(_optional(st.sampled_from(["female", "male"]))),
        "residence": {"country": draw(st.sampled_from(["US", "DE", "CN", "BR"]))},
        "diagnosis": {k: v for k, v in diagnosis.items() if v is not None},
        "markers": {"CD19": draw(st.sampled_from(["positive", "negative", "dim", "unknown"]))},
        "history": draw(events()),
        "current": {k: v for k, v in current.items() if v is not None},
    }
    return data


def _leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in KEEP:
                continue
            paths.append((*prefix, key))
            if isinstance(value, dict | list):
                paths.extend(_leaf_paths(value, (*prefix, key)))
    elif isinstance(node, list) and prefix and prefix[-1] == "history":
        for index, value in enumerate(node):
            paths.extend(_leaf_paths(value, (*prefix, index)))
    return paths


def _remove(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    target: Any = data
    for part in path[:-1]:
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(target, dict):
        target.pop(path[-1], None)


def _verdicts(data: dict[str, Any], region: str) -> dict[tuple[Any, ...], str]:
    result = assess(parse_profile(data, today=TODAY), KB, region=region, as_of=TODAY)
    return {(f.rule, f.product, f.agency): f.verdict.value for f in result.explanation}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), st.sampled_from(REGIONS), st.data())
def test_removing_facts_never_turns_unknown_into_known(
    data: dict[str, Any], region: str, choice: st.DataObject
) -> None:
    before = _verdicts(data, region)
    paths = _leaf_paths(data)
    removed = (
        choice.draw(st.lists(st.sampled_from(paths), max_size=4, unique=True)) if paths else []
    )
    reduced = copy.deepcopy(data)
    for path in removed:
        _remove(reduced, path)
    after = _verdicts(reduced, region)
    for key, verdict in before.items():
        if verdict == "unknown" and key in after:
            assert after[key] not in {"met", "not_met"}, (key, removed)


@settings(max_examples=60, deadline=None)
@given(profiles(), st.sampled_from(REGIONS))
def test_answers_are_deterministic_for_a_fixed_as_of(data: dict[str, Any], region: str) -> None:
    first = assess(parse_profile(data, today=TODAY), KB, region=region, as_of=TODAY).to_dict()
    shuffled = dict(reversed(list(copy.deepcopy(data).items())))
    second = assess(parse_profile(shuffled, today=TODAY), KB, region=region, as_of=TODAY).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert "hypothesis-secret-id" not in json.dumps(first)


@settings(max_examples=60, deadline=None)
@given(profiles(), st.sampled_from(REGIONS))
def test_answer_is_consistent(data: dict[str, Any], region: str) -> None:
    result = assess(parse_profile(data, today=TODAY), KB, region=region, as_of=TODAY)
    on_label = [p for p in result.products if p.label_fit == "on_label"]
    assert (result.level == "standard_option") == bool(on_label)
    if result.level == "insufficient_information" and result.disease in {"B-ALL", "ALL", None}:
        assert result.missing_information
    if result.disease_state.code == "unknown":
        assert result.level == "insufficient_information"
    assert result.region == region
