"""The in-memory index: parse once per text, cache parses in the store, library entry points,
and the real CAR-T listings of ../shared/data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from matching_factories import AS_OF, STANDARD_ITEMS, build_profile, build_trial

from cartnav.domain.criterion import CriterionItem
from cartnav.domain.patient import parse_profile
from cartnav.matching import MatchIndex, MatchOptions, evaluate_trial, match_trials
from cartnav.matching.criteria_cache import items_from_json, items_to_json
from cartnav.registry.cart_pages import iter_cart_pages


class _Cache:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}
        self.puts = 0

    def get_parsed_criteria(self, nct_ids: Sequence[str], parser_version: str) -> dict[str, str]:
        return {
            n: self.rows[(n, parser_version)] for n in nct_ids if (n, parser_version) in self.rows
        }

    def put_parsed_criteria(self, rows: Mapping[str, str], parser_version: str) -> None:
        self.puts += 1
        self.rows.update({(n, parser_version): v for n, v in rows.items()})


def _counting_parser(calls: list[str]) -> object:
    def parse(text: str) -> list[CriterionItem]:
        calls.append(text)
        return list(STANDARD_ITEMS)

    return parse


def test_each_distinct_text_is_parsed_once() -> None:
    calls: list[str] = []
    same = "Inclusion Criteria: relapsed B-ALL"
    trials = [build_trial(f"NCT9200000{i}", eligibility_criteria=same) for i in range(3)]
    index = MatchIndex.build(trials, parse=_counting_parser(calls))  # type: ignore[arg-type]
    assert calls == [same]
    assert len(index) == 3 and len(index.sets) == 1


def test_parses_are_cached_and_reused(tmp_path: Path) -> None:
    cache = _Cache()
    trials = [build_trial("NCT92000011"), build_trial("NCT92000012")]
    calls: list[str] = []
    first = MatchIndex(parse=_counting_parser(calls), version="v1")  # type: ignore[arg-type]
    first.add_cached(trials, cache)
    assert len(calls) == 2 and cache.puts == 1

    def refuse(text: str) -> list[CriterionItem]:
        raise AssertionError("parsed again although cached")

    second = MatchIndex(parse=refuse, version="v1")
    second.add_cached(trials, cache)
    profile = build_profile()
    assert (
        first.match(profile, as_of=AS_OF).to_dict() == second.match(profile, as_of=AS_OF).to_dict()
    )
    # a new parser version, or a changed text, is parsed again
    calls.clear()
    MatchIndex(parse=_counting_parser(calls), version="v2").add_cached(trials, cache)  # type: ignore[arg-type]
    assert len(calls) == 2
    calls.clear()
    changed = [build_trial("NCT92000011", eligibility_criteria="Inclusion: new text")]
    MatchIndex(parse=_counting_parser(calls), version="v1").add_cached(changed, cache)  # type: ignore[arg-type]
    assert calls == ["Inclusion: new text"]


def test_items_json_round_trip() -> None:
    text = "criteria text"
    data = items_to_json(text, STANDARD_ITEMS)
    assert items_from_json(data, text) == list(STANDARD_ITEMS)
    assert items_from_json(data, "another text") is None
    assert items_from_json("{not json", text) is None


def test_library_calls_with_the_real_parser() -> None:
    trial = build_trial(
        status="COMPLETED",
        eligibility_criteria=(
            "Inclusion Criteria:\n* CD19-positive B-ALL\n\nExclusion Criteria:\n* Active GVHD\n"
        ),
    )
    profile = build_profile()
    assert match_trials(profile, [trial], as_of=AS_OF).results == []  # completed: filtered out
    explained = evaluate_trial(profile, trial, as_of=AS_OF)
    assert explained.nct_id == trial.nct_id
    assert [f.name for f in explained.removed_by] == ["status"]
    assert explained.criteria[0].source == "registry_fields"


def test_real_cart_listings(shared_data: Path) -> None:
    trials = list(iter_cart_pages(shared_data / "cart_pages" / "cart_trials.jsonl"))
    index = MatchIndex.build(trials)
    today = dt.date(2026, 11, 27)
    any_status = MatchOptions(statuses=("any",), limit=100)

    t_all = parse_profile({"age_years": 12, "diagnosis": {"disease": "T-ALL"}}, today=today)
    for match in index.match(t_all, as_of=today, options=any_status).results:
        assert set(match.targets) != {"CD19"}, match.nct_id  # no CD19-only trial for T-ALL

    minimal = parse_profile({"age_years": 8, "diagnosis": {"disease": "B-ALL"}}, today=today)
    report = index.match(minimal, as_of=today, options=any_status)
    assert report.results
    for match in report.results:
        for row in match.criteria:
            if row.verdict == "not_met":  # only facts the minimal profile gives can fail
                assert set(row.facts) <= {"age", "diagnosis.disease", "sex"}, (
                    match.nct_id,
                    row.reason,
                )
    assert report.missing_information
