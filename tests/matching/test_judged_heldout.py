"""The held-out matching set (tests/matching/judged/heldout/).

Twelve profiles written after the matcher was tuned on the original judged set, judged by the
same per-trial rules. Checks the data only: the profiles parse and are new, every judged pair
names a real trial record, and the file is exactly what the rules give. How the live matcher
does on it is for ``bench/match_eval.py --set heldout``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from script_modules import load_script

from cartnav.domain.patient import parse_profile

REPO = Path(__file__).resolve().parents[2]
JUDGED = REPO / "tests" / "matching" / "judged"
HELDOUT = JUDGED / "heldout"
CLASSES = ("likely_eligible", "possibly_eligible", "not_eligible")
SOURCES = ("ctgov_legacy_xml", "cart_page")
AS_OF = dt.date(2026, 11, 1)


def _read_profiles(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
    }


@pytest.fixture(scope="module")
def profiles() -> dict[str, dict[str, Any]]:
    return _read_profiles(HELDOUT / "profiles")


@pytest.fixture(scope="module")
def judgements() -> list[dict[str, str]]:
    with (HELDOUT / "judgements.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_heldout_profiles_parse_and_are_fixed_in_time(profiles: dict[str, dict[str, Any]]) -> None:
    assert len(profiles) == 12
    for stem, data in profiles.items():
        profile = parse_profile(data, today=dt.date(2030, 1, 1))
        assert profile.as_of == AS_OF, stem  # the file's as_of, never the clock
        assert data["id"] == stem


def test_heldout_profiles_are_new(profiles: dict[str, dict[str, Any]]) -> None:
    original = _read_profiles(JUDGED / "profiles")
    assert not set(profiles) & set(original)
    strip = {"id"}
    seen = [{k: v for k, v in data.items() if k not in strip} for data in original.values()]
    for stem, data in profiles.items():
        assert {k: v for k, v in data.items() if k not in strip} not in seen, stem


@pytest.mark.parametrize(
    ("stem", "check"),
    [
        ("toddler_ball_refractory_relapse_cns2", lambda d: d["diagnosis"]["cns_status"] == "CNS2"),
        (
            "young_adult_ball_first_relapse_on_therapy_cd19_dim",
            lambda d: d["markers"]["CD19"] == "dim",
        ),
        ("child_blbl_first_relapse", lambda d: d["diagnosis"]["disease"] == "B-LBL"),
        (
            "child_ball_second_relapse_high_bilirubin",
            lambda d: d["current"]["organ"]["bilirubin_x_uln"] == 2.5,
        ),
        ("young_adult_ball_second_remission_mrd_positive", lambda d: d["current"]["mrd"] == 0.002),
        (
            "young_adult_ball_cd19_negative_relapse_after_tisagenlecleucel",
            lambda d: any(e.get("product") == "tisagenlecleucel" for e in d["history"]),
        ),
    ],
    ids=["cns2", "cd19-dim", "b-lbl", "bilirubin", "mrd-cr2", "after-tisagenlecleucel"],
)
def test_heldout_profiles_hold_their_new_situation(
    profiles: dict[str, dict[str, Any]], stem: str, check: Any
) -> None:
    assert check(profiles[stem])


def test_heldout_rows_are_well_formed(
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
    counts = Counter(row["expected"] for row in judgements)
    assert all(counts[c] >= 20 for c in CLASSES), counts
    assert {row["profile"] for row in judgements} == set(profiles)


def test_heldout_judged_trials_exist_in_shared_data(
    judgements: list[dict[str, str]], shared_data: Path
) -> None:
    xml_ids = set()
    for path in (shared_data / "ctgov" / "cart_legacy_xml").glob("*.xml"):
        xml_ids.add(ET.parse(path).getroot().findtext("id_info/nct_id"))
    with (shared_data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as handle:
        page_ids = {json.loads(line)["nct_id"] for line in handle if line.strip()}
    known = {"ctgov_legacy_xml": xml_ids, "cart_page": page_ids}
    missing = {
        (r["nct_id"], r["source"]) for r in judgements if r["nct_id"] not in known[r["source"]]
    }
    assert not missing


def test_heldout_cut_off_listings_are_never_likely(
    judgements: list[dict[str, str]], shared_data: Path
) -> None:
    with (shared_data / "cart_pages" / "cart_trials.jsonl").open(encoding="utf-8") as handle:
        complete = {
            obj["nct_id"] for obj in map(json.loads, handle) if obj.get("criteria_complete") is True
        }
    for row in judgements:
        if row["source"] == "cart_page" and row["nct_id"] not in complete:
            assert row["expected"] != "likely_eligible", row


def test_heldout_facts_cover_exactly_the_profiles(
    profiles: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(JUDGED))
    builder = load_script("cartnav_judged_build_heldout", JUDGED / "build_judgements.py")
    assert set(builder.SETS["heldout"][0]) == set(profiles)


def test_heldout_file_matches_the_judging_rules(
    judgements: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(JUDGED))
    builder = load_script("cartnav_judged_build_heldout", JUDGED / "build_judgements.py")
    assert builder.build("heldout") == judgements, (
        "re-run python tests/matching/judged/build_judgements.py --set heldout"
    )
