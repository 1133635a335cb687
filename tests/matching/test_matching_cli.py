"""`cartnav match` end to end, with a SQLite store built in tmp_path from v2 JSON studies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from matching_factories import BASE_PROFILE

from cartnav.cli import main
from cartnav.matching.criteria_cache import parser_version
from cartnav.registry.ingest import ingest
from cartnav.registry.sources import iter_records
from cartnav.storage import open_store

CRITERIA = """Inclusion Criteria:

* Relapsed or refractory CD19-positive B-cell acute lymphoblastic leukemia
* Age 1 to 25 years

Exclusion Criteria:

* Active graft-versus-host disease
"""


def _study(nct_id: str, title: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {"overallStatus": status},
            "conditionsModule": {
                "conditions": extra.get("conditions", ["B-cell Acute Lymphoblastic Leukemia"])
            },
            "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1", "PHASE2"]},
            "armsInterventionsModule": {
                "interventions": [
                    {"type": "BIOLOGICAL", "name": extra.get("product", "CD19 CAR-T cells")}
                ]
            },
            "eligibilityModule": {
                "eligibilityCriteria": CRITERIA,
                "minimumAge": extra.get("min_age", "1 Year"),
                "maximumAge": "25 Years",
                "sex": "ALL",
            },
            "contactsLocationsModule": {
                "locations": [
                    {
                        "facility": "Union Hospital",
                        "city": "Wuhan",
                        "country": "China",
                        "geoPoint": {"lat": 30.58, "lon": 114.27},
                    }
                ]
            },
        }
    }


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    studies = [
        _study("NCT91000001", "CD19 CAR-T cells for relapsed B-ALL", "RECRUITING"),
        _study(
            "NCT91000002",
            "CD22 CAR-T cells for relapsed B-ALL",
            "NOT_YET_RECRUITING",
            product="CD22 CAR-T cells",
        ),
        _study("NCT91000003", "CD19 CAR-T cells, completed study", "COMPLETED"),
        _study("NCT91000004", "CD19 CAR-T cells for adults", "RECRUITING", min_age="18 Years"),
    ]
    source = tmp_path / "studies.jsonl"
    source.write_text("\n".join(json.dumps(s) for s in studies) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'trials.db'}"
    with open_store(url) as store:
        summary = ingest(store, iter_records([source]))
    assert summary.inserted == 4
    return url


@pytest.fixture
def profile_path(tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({**BASE_PROFILE, "id": "case-secret-017"}), encoding="utf-8")
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["match", *args], catch_exceptions=False)


def test_match_json(store_url: str, profile_path: Path) -> None:
    result = _run(str(profile_path), "--json", "--database-url", store_url, "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ids = [r["nct_id"] for r in data["results"]]
    assert ids == ["NCT91000001", "NCT91000002"]  # recruiting first; completed and adult-only out
    assert data["removed_by_filter"] == {"age": 1}  # the status filter ran in the store query
    first = data["results"][0]
    assert first["overall"] in {"likely_eligible", "possibly_eligible"}
    assert {"kind", "text", "verdict", "reason"} <= set(first["criteria"][0])
    assert first["sites"][0]["city"] == "Wuhan"
    assert "case-secret-017" not in result.stdout


def test_match_text_output(store_url: str, profile_path: Path) -> None:
    result = _run(str(profile_path), "--database-url", store_url, "--limit", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    flat = " ".join(out.split())
    assert "1. NCT91000001" in out and "NCT91000002" not in out
    assert "Why:" in out and "Met:" in out and "Sites: Union Hospital, Wuhan, China" in out
    assert "https://clinicaltrials.gov/study/NCT91000001" in out
    assert "Discuss these trials with the treating team" in flat
    assert "Statuses: recruiting, not yet recruiting." in flat


def test_status_any_and_explain(store_url: str, profile_path: Path) -> None:
    wide = _run(str(profile_path), "--json", "--status", "any", "--database-url", store_url)
    assert len(json.loads(wide.stdout)["results"]) == 3
    result = _run(
        str(profile_path),
        "--json",
        "--database-url",
        store_url,
        "--explain",
        "NCT91000004",
        "--explain",
        "nct91000003",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["nct_id"] for r in data["results"]] == ["NCT91000004", "NCT91000003"]
    adult, completed = data["results"]
    assert adult["overall"] == "not_eligible"
    assert [f["filter"] for f in adult["filters"] if not f["passed"]] == ["age"]
    assert [f["filter"] for f in completed["filters"] if not f["passed"]] == ["status"]


def test_parsed_criteria_are_cached_in_the_store(store_url: str, profile_path: Path) -> None:
    assert _run(str(profile_path), "--json", "--database-url", store_url).exit_code == 0
    with open_store(store_url) as store:
        cached = store.get_parsed_criteria(["NCT91000001", "NCT91000002"], parser_version())
    assert set(cached) == {"NCT91000001"} or set(cached) == {"NCT91000001", "NCT91000002"}
    assert json.loads(cached["NCT91000001"])["items"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "sometimes"], "--status"),
        (["--as-of", "27/11/2026"], "--as-of"),
        (["--explain", "NCT99999999"], "NCT99999999"),
    ],
    ids=["bad-status", "bad-date", "unknown-trial"],
)
def test_bad_options_exit_2_with_one_line(
    store_url: str, profile_path: Path, args: list[str], message: str
) -> None:
    result = _run(str(profile_path), "--database-url", store_url, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "content",
    ['{"age_years": 9, "diagnosis": {"diesase": "B-ALL"}}', '{"age_years": -3}', "[1, 2", ""],
    ids=["typo-key", "negative-age", "broken-json", "empty"],
)
def test_bad_profile_exit_2_with_one_line(store_url: str, tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = _run(str(path), "--database-url", store_url)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cartnav: error: profile")
    assert "-3" not in lines[0]
