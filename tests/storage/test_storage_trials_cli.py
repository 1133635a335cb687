"""`cartnav trials import|search|show|quarantine|sync` with CliRunner, on both backends."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cartnav.cli import main
from cartnav.storage.models import ImportSummary

pytestmark = pytest.mark.shared_data


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def imported(module_store_url: str, shared_data: Path) -> str:
    """The shared registry records imported with the CLI, once per module and backend."""
    store_url = module_store_url
    ctgov = shared_data / "ctgov"
    result = run(
        "trials",
        "import",
        str(ctgov / "ctgov_v2_studies.jsonl.gz"),
        str(ctgov / "cart_legacy_xml"),
        "--json",
        "--database-url",
        store_url,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "inserted": 174,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    return store_url


def test_second_import_prints_counts_for_people(imported: str, shared_data: Path) -> None:
    path = str(shared_data / "ctgov" / "cart_legacy_xml")
    result = run("trials", "import", path, "--database-url", imported)
    assert result.exit_code == 0
    assert result.output.strip() == "inserted 0, updated 0, unchanged 24, rejected 0"


def test_search_json_shape_and_total(imported: str) -> None:
    result = run("trials", "search", "--json", "--database-url", imported)
    data = json.loads(result.output)
    assert data["total"] == 174 and len(data["results"]) == 20
    first = data["results"][0]
    assert {"nct_id", "title", "status", "source"} <= set(first)
    assert first["source"] == f"https://clinicaltrials.gov/study/{first['nct_id']}"


def test_search_with_filters(imported: str) -> None:
    args = ["--status", "RECRUITING", "--cart", "--age", "7", "--near", "31.23,121.47"]
    args += ["--max-km", "500", "--json", "--database-url", imported]
    result = run("trials", "search", "leukemia", *args)
    data = json.loads(result.output)
    assert {r["nct_id"] for r in data["results"]} == {"NCT03275493", "NCT03919240"}
    assert all(r["distance_km"] < 100 for r in data["results"])


def test_search_for_people_names_the_source(imported: str) -> None:
    result = run("trials", "search", "CD19", "--country", "China", "--database-url", imported)
    assert result.exit_code == 0
    assert "trials match" in result.output
    assert "https://clinicaltrials.gov/study/NCT03275493" in result.output
    assert "treating team" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--status", "recruting"],
        ["--country", "Atlantis"],
        ["--near", "north", "--max-km", "5"],
        ["--max-km", "5"],
    ],
    ids=["status", "country", "near", "km-without-near"],
)
def test_bad_search_input_exits_2_with_one_line(imported: str, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["trials", "search", *args, "--database-url", imported])
    assert result.exit_code == 2
    assert result.output.strip() and "Traceback" not in result.output


def test_show_json_with_criteria(imported: str) -> None:
    result = run(
        "trials", "show", "NCT03275493", "--criteria", "--json", "--database-url", imported
    )
    data = json.loads(result.output)
    assert data["nct_id"] == "NCT03275493"
    assert data["min_age_years"] == 6 and data["max_age_years"] == 65
    assert data["cell_therapy"] is True and data["car_targets"] == ["CD19"]
    assert data["sites"][0]["coordinates"].startswith("approximate")
    assert data["criteria"] and {"kind", "text", "constraints"} <= set(data["criteria"][0])
    assert {item["kind"] for item in data["criteria"]} <= {"inclusion", "exclusion"}


def test_show_several_and_for_people(imported: str) -> None:
    result = run(
        "trials", "show", "NCT03275493", "NCT02435849", "--json", "--database-url", imported
    )
    assert [t["nct_id"] for t in json.loads(result.output)] == ["NCT03275493", "NCT02435849"]
    text = run("trials", "show", "NCT03275493", "--database-url", imported).output
    assert "Suzhou" in text and "approximate location" in text and "source:" in text


def test_show_unknown_trial_exits_2(imported: str) -> None:
    result = CliRunner().invoke(main, ["trials", "show", "NCT00000001", "--database-url", imported])
    assert result.exit_code == 2
    assert "NCT00000001" in result.output and "not in the store" in result.output


def test_quarantine_lists_rejects(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"protocolSection": \n', encoding="utf-8")
    result = run("trials", "import", str(path), "--json", "--database-url", store_url)
    assert json.loads(result.output)["rejected"] == 1
    listing = run("trials", "quarantine", "--database-url", store_url)
    assert listing.output.startswith("1 quarantined records")
    rows = json.loads(run("trials", "quarantine", "--json", "--database-url", store_url).output)
    assert rows[0]["origin"].startswith(str(path)) and rows[0]["reason"]


def test_sync_calls_the_registry_sync(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def fake_sync(store: Any, client: Any, *, query: Any, full: bool = False) -> ImportSummary:
        calls.append({"query": query, "full": full, "count": store.count()})
        return ImportSummary(inserted=3, unchanged=1)

    module = types.ModuleType("cartnav.registry.sync")
    module.sync = fake_sync  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cartnav.registry.sync", module)
    result = run(
        "trials",
        "sync",
        "--query",
        "CAR-T",
        "--condition",
        "leukemia",
        "--full",
        "--json",
        "--database-url",
        store_url,
    )
    assert json.loads(result.output) == {"inserted": 3, "updated": 0, "unchanged": 1, "rejected": 0}
    assert calls == [
        {"query": {"query.term": "CAR-T", "query.cond": "leukemia"}, "full": True, "count": 0}
    ]


def test_database_url_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CARTNAV_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    result = run("trials", "search", "--json")
    assert json.loads(result.output) == {"total": 0, "results": []}
    assert (tmp_path / "env.db").exists()


def test_every_trials_option_is_documented() -> None:
    from cartnav.cli.trials import trials_group

    docs = (Path(__file__).resolve().parents[2] / "docs" / "storage.md").read_text(encoding="utf-8")
    for name, command in trials_group.commands.items():
        assert f"trials {name}" in docs or name in {"sync"}, name
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option not in {"--help", "--batch-size"}:
                    assert option in docs, f"{name} {option}"
