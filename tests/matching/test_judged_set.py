"""The matching judged set (tests/matching/judged/) and the metrics of bench/match_eval.py.

Checks the data only: profiles are valid, every judged pair names a real trial record and a
real profile, the classes are well represented, the file matches its judging rules, and the
metric arithmetic is right. Whether the live matcher meets the targets is for the bench script.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from script_modules import load_script

from cartnav.domain.patient import parse_profile

REPO = Path(__file__).resolve().parents[2]
JUDGED = REPO / "tests" / "matching" / "judged"
CLASSES = ("likely_eligible", "possibly_eligible", "not_eligible")
SOURCES = ("ctgov_legacy_xml", "cart_page")
AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def match_eval() -> ModuleType:
    return load_script("cartnav_bench_match_eval", REPO / "bench" / "match_eval.py")


@pytest.fixture(scope="module")
def profiles() -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((JUDGED / "profiles").glob("*.json"))
    }


@pytest.fixture(scope="module")
def judgements() -> list[dict[str, str]]:
    with (JUDGED / "judgements.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# -- profiles ------------------------------------------------------------------------------
def test_profiles_are_valid_and_fixed_in_time(profiles: dict[str, dict[str, Any]]) -> None:
    assert len(profiles) >= 28
    for stem, data in profiles.items():
        profile = parse_profile(data, today=dt.date(2030, 1, 1))
        assert profile.as_of == AS_OF, stem  # the file's as_of, never the clock
        assert data["id"] == stem


def _events(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [event for event in data.get("history", []) if event["type"] == kind]


COVERAGE = {
    "child under 10": lambda d, p: p.age < 10,
    "adolescent 10-17": lambda d, p: 10 <= p.age < 18,
    "young adult 18-25": lambda d, p: 18 <= p.age < 26,
    "adult 26+": lambda d, p: p.age >= 26,
    "infant (birth_date)": lambda d, p: "birth_date" in d and p.age < 2,
    "T-ALL": lambda d, p: p.disease == "T-ALL",
    "AML": lambda d, p: p.disease == "AML",
    "lineage unknown ALL": lambda d, p: p.disease == "ALL",
    "disease not given": lambda d, p: p.disease is None,
    "CD19 negative": lambda d, p: p.marker("CD19") == "negative",
    "CD19 unknown B-ALL": lambda d, p: p.disease == "B-ALL" and p.marker("CD19") == "unknown",
    "CD7 positive": lambda d, p: p.marker("CD7") == "positive",
    "AML with CLL1/CD33/CD123": lambda d, p: (
        p.disease == "AML" and "positive" in {p.marker("CLL1"), p.marker("CD33"), p.marker("CD123")}
    ),
    "prior CAR-T": lambda d, p: bool(_events(d, "car_t")),
    "prior HSCT": lambda d, p: bool(_events(d, "hsct")),
    "CNS3": lambda d, p: p.diagnosis is not None and p.diagnosis.cns_status == "CNS3",
    "HIV": lambda d, p: "HIV" in (d.get("current", {}).get("infections") or []),
    "HBV": lambda d, p: "HBV" in (d.get("current", {}).get("infections") or []),
    "active infection": lambda d, p: d.get("current", {}).get("active_infection") is True,
    "active GVHD": lambda d, p: d.get("current", {}).get("active_gvhd") is True,
    "poor performance": lambda d, p: (d.get("current", {}).get("ecog") or 0) >= 3,
    "organ dysfunction": lambda d, p: (
        (d.get("current", {}).get("organ") or {}).get("bilirubin_x_uln", 0) > 3
    ),
    "pregnant": lambda d, p: d.get("current", {}).get("pregnant") is True,
    "newly diagnosed": lambda d, p: (
        [e["type"] for e in d.get("history", [])] == ["induction"]
        and "response" not in d["history"][0]
    ),
    "primary refractory": lambda d, p: (
        [e.get("response") for e in _events(d, "induction")] == ["no_CR", "no_CR"]
    ),
    "second or later relapse": lambda d, p: len(_events(d, "relapse")) >= 2,
    "refractory relapse": lambda d, p: any(
        e.get("response") == "no_CR" for e in _events(d, "reinduction")
    ),
    "relapse on therapy": lambda d, p: any(e.get("on_therapy") for e in _events(d, "relapse")),
    "no history at all": lambda d, p: not d.get("history"),
}


@pytest.mark.parametrize("label", list(COVERAGE), ids=list(COVERAGE))
def test_profiles_cover_each_situation(profiles: dict[str, dict[str, Any]], label: str) -> None:
    check = COVERAGE[label]
    hits = [s for s, d in profiles.items() if check(d, parse_profile(d, today=AS_OF))]
    assert hits, f"no judged profile covers: {label}"


# -- judgements ----------------------------------------------------------------------------
def test_judgement_rows_are_well_formed(
    judgements: list[dict[str, str]], profiles: dict[str, dict[str, Any]]
) -> None:
    seen: set[tuple[str, str, str]] = set()
    for row in judgements:
        assert set(row) == {"profile", "nct_id", "source", "expected", "why"}, row
        assert row["profile"] in profiles, row
        assert re.fullmatch(r"NCT\d{8}", row["nct_id"]), row
        assert row["source"] in SOURCES, row
        assert row["expected"] in CLASSES, row
        assert len(row["why"]) >= 15, row
        key = (row["profile"], row["nct_id"], row["source"])
        assert key not in seen, f"duplicate judgement {key}"
        seen.add(key)


def test_class_counts(judgements: list[dict[str, str]]) -> None:
    counts = Counter(row["expected"] for row in judgements)
    assert len(judgements) >= 500
    assert counts["likely_eligible"] >= 100
    assert counts["possibly_eligible"] >= 300
    assert counts["not_eligible"] >= 300
    assert len({row["profile"] for row in judgements}) >= 28


def test_every_judged_trial_exists_in_shared_data(
    judgements: list[dict[str, str]], shared_data: Path
) -> None:
    xml_ids = set()
    for path in (shared_data / "ctgov" / "cart_legacy_xml").glob("*.xml"):
        xml_ids.add(ET.parse(path).getroot().findtext("id_info/nct_id"))
    with (shared_data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as handle:
        page_ids = {json.loads(line)["nct_id"] for line in handle if line.strip()}
    assert len(xml_ids) == 24 and len(page_ids) == 47
    known = {"ctgov_legacy_xml": xml_ids, "cart_page": page_ids}
    missing = {
        (r["nct_id"], r["source"]) for r in judgements if r["nct_id"] not in known[r["source"]]
    }
    assert not missing
    judged = {(r["nct_id"], r["source"]) for r in judgements}
    assert judged == {(n, "ctgov_legacy_xml") for n in xml_ids} | {
        (n, "cart_page") for n in page_ids
    }


def test_minimal_profiles_fail_only_on_stated_limits(judgements: list[dict[str, str]]) -> None:
    """A missing fact never makes a trial not_eligible: profiles that give almost nothing can
    only fail on their age or the disease they do state."""
    stated = re.compile(r"(?i)\bage|aged|years|AML|T-cell|T-LBL|adult subjects")
    for row in judgements:
        if row["profile"].endswith("minimal_facts") and row["expected"] == "not_eligible":
            assert stated.search(row["why"]), row


def test_cut_off_listings_are_never_likely(
    judgements: list[dict[str, str]], shared_data: Path
) -> None:
    with (shared_data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as handle:
        complete = {
            obj["nct_id"] for obj in map(json.loads, handle) if obj.get("criteria_complete") is True
        }
    for row in judgements:
        if row["source"] == "cart_page" and row["nct_id"] not in complete:
            assert row["expected"] != "likely_eligible", row


def test_file_matches_the_judging_rules(
    judgements: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(JUDGED))
    builder = load_script("cartnav_judged_build", JUDGED / "build_judgements.py")
    assert builder.build() == judgements, "re-run tests/matching/judged/build_judgements.py"


# -- metrics -------------------------------------------------------------------------------
L, P, N = CLASSES
METRIC_CASES = {
    "all agree": ([(L, L), (P, P), (N, N)], 3, 0, 0.0, True),
    "possibly called not": ([(P, N), (N, N)], 1, 1, 0.0, False),
    "likely called not": ([(L, N), (P, P)], 1, 1, 0.0, False),
    "not called likely": ([(N, L)] + [(N, N)] * 49, 49, 0, 0.02, False),
    "one wrong likely in 51": ([(P, L)] + [(N, N)] * 50, 50, 0, 1 / 51, True),
    "likely called possibly is harmless": ([(L, P), (N, N)], 1, 0, 0.0, True),
    "crash counts": ([(N, "error")], 0, 0, 0.0, False),
}


@pytest.mark.parametrize(
    ("pairs", "agreed", "wrong_not", "wrong_likely_share", "meets"),
    list(METRIC_CASES.values()),
    ids=list(METRIC_CASES),
)
def test_metric_computation(
    match_eval: ModuleType,
    pairs: list[tuple[str, str]],
    agreed: int,
    wrong_not: int,
    wrong_likely_share: float,
    meets: bool,
) -> None:
    metrics = match_eval.compute_metrics(pairs)
    assert metrics.total == len(pairs)
    assert metrics.agreed == agreed
    assert metrics.wrongly_not_eligible == wrong_not
    assert metrics.wrongly_likely_share == pytest.approx(wrong_likely_share)
    assert metrics.meets_targets() is meets


def test_metric_confusion_and_per_class(match_eval: ModuleType) -> None:
    metrics = match_eval.compute_metrics([(L, L), (L, P), (P, N), (P, P), (N, N), (N, L)])
    assert metrics.confusion[L] == Counter({L: 1, P: 1})
    assert metrics.per_class() == {L: 0.5, P: 0.5, N: 0.5}
    assert metrics.wrongly_likely == 1 and metrics.not_likely_expected == 4
    assert metrics.to_dict()["wrongly_likely_eligible_share"] == 0.25


def test_metric_rejects_unknown_classes(match_eval: ModuleType) -> None:
    with pytest.raises(ValueError, match="expected class"):
        match_eval.compute_metrics([("eligible", L)])
    with pytest.raises(ValueError, match="predicted class"):
        match_eval.compute_metrics([(L, "maybe")])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CLASSES), st.sampled_from((*CLASSES, "error")))))
def test_metric_invariants(pairs: list[tuple[str, str]]) -> None:
    module = sys.modules.get("cartnav_bench_match_eval") or load_script(
        "cartnav_bench_match_eval", REPO / "bench" / "match_eval.py"
    )
    metrics = module.compute_metrics(pairs)
    cells = sum(sum(row.values()) for row in metrics.confusion.values())
    assert cells == metrics.total == len(pairs)
    assert metrics.agreed + metrics.wrongly_not_eligible + metrics.wrongly_likely <= len(pairs)
    assert 0.0 <= metrics.wrongly_likely_share <= 1.0
    assert metrics.meets_targets() == (
        metrics.wrongly_not_eligible == 0
        and metrics.wrongly_likely_share < 0.02
        and metrics.errors == 0
    )
