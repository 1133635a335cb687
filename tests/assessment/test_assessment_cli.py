"""`cartnav assess` end to end with click's CliRunner, and profile files (JSON/YAML)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cartnav.assessment import load_profile_file
from cartnav.cli import main
from cartnav.domain.errors import ProfileError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "profile-second-relapse.json"
SECRET = "case-ZZ-31337"
CONTRACT_KEYS = {
    "region",
    "disease_state",
    "level",
    "products",
    "cautions",
    "missing_information",
    "explanation",
    "elsewhere",
    "knowledge_version",
}
PROFILE: dict[str, Any] = {
    "id": SECRET,
    "age_years": 14,
    "as_of": "2026-11-01",
    "residence": {"country": "DE"},
    "diagnosis": {"disease": "B-ALL", "date": "2023-01-10"},
    "markers": {"CD19": "positive"},
    "history": [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "hsct", "date": "2023-08-01", "donor": "allogeneic"},
        {"type": "relapse", "date": "2024-10-01", "site": "marrow"},
    ],
}


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["assess", *args])


def _write(tmp_path: Path, data: Any, name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else str(data), encoding="utf-8")
    return path


def test_readme_example_prints_an_explained_answer() -> None:
    result = _run(str(EXAMPLE), "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "United States (FDA)" in out and "from the country of residence" in out
    assert "Answer: STANDARD OPTION" in out
    assert "Kymriah (tisagenlecleucel)" in out and "ON LABEL" in out
    assert "Sources:" in out and "https://" in out
    assert "discuss it with the treating team" in out
    assert "example-second-relapse" not in out  # the profile id


def test_json_is_the_contract(tmp_path: Path) -> None:
    path = _write(tmp_path, PROFILE)
    result = _run(str(path), "--json", "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= CONTRACT_KEYS
    assert data["region"] == "EU" and data["region_basis"] == "residence"
    assert data["level"] == "standard_option"
    assert data["disease_state"]["code"] == "first_relapse"
    assert {"code", "relapse_count", "relapse_on_therapy", "post_hsct", "prior_car_t"} <= set(
        data["disease_state"]
    )
    for product in data["products"]:
        assert {"inn", "brand", "agency", "label_fit", "reasons", "source"} <= set(product)
        assert product["label_fit"] in {"on_label", "off_label"}
        assert product["inn"] is None or product["inn"] == product["inn"].lower()
    for entry in data["explanation"]:
        assert {"rule", "verdict", "reason", "source"} <= set(entry)
        assert entry["verdict"] in {"met", "not_met", "unknown", "not_applicable"}
    assert {"region": "US", "inn": []} not in data["elsewhere"]
    assert all(set(e) >= {"region", "inn"} for e in data["elsewhere"])
    assert data["knowledge_version"]
    assert SECRET not in result.output


def test_region_option_overrides_residence(tmp_path: Path) -> None:
    path = _write(tmp_path, PROFILE)
    data = json.loads(_run(str(path), "--json", "--region", "us", "--as-of", "2026-11-27").output)
    assert data["region"] == "US" and data["region_basis"] == "option"
    assert data["level"] == "consider"
    assert "EU" in [e["region"] for e in data["elsewhere"]]


def test_yaml_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "age_years: 4\nas_of: '2026-11-01'\ndiagnosis: {disease: B-ALL}\n"
        "history:\n  - {type: induction, date: '2026-10-20'}\n",
        encoding="utf-8",
    )
    result = _run(str(path), "--json", "--region", "CN", "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["level"] == "not_indicated_now"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"diagnosys": {}}, "diagnosys"),
        ({"age_years": "fourteen"}, "age_years"),
        ({"age_years": -3}, "age_years"),
        ({"current": {"mrd": 2}}, "current.mrd"),
        ({"diagnosis": {"disease": "B-ALL", "date": "2025-01-01"}}, "history[0].date"),
    ],
    ids=["unknown key", "wrong type", "negative age", "MRD above 1", "dates in the wrong order"],
)
def test_bad_profile_exits_2_naming_the_field(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    path = _write(tmp_path, {**PROFILE, **change})
    result = _run(str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"'{field}'" in lines[0]
    assert SECRET not in result.output
    assert "fourteen" not in result.stderr and "2025-01-01" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        ("{not json", "bad.json", "invalid JSON"),
        ("a: [1, 2", "bad.yaml", "invalid YAML"),
        ("", "empty.json", "is empty"),
        ("[1, 2]", "list.json", "expected a JSON/YAML object"),
    ],
    ids=["bad json", "bad yaml", "empty", "not an object"],
)
def test_bad_file_exits_2(tmp_path: Path, content: str, name: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = _run(str(path))
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "nope.json" in result.stderr and "not found" in result.stderr


def test_unknown_region_exits_2(tmp_path: Path) -> None:
    result = _run(str(_write(tmp_path, PROFILE)), "--region", "XX")
    assert result.exit_code == 2
    assert "--region" in result.stderr


def test_bad_as_of_exits_2(tmp_path: Path) -> None:
    result = _run(str(_write(tmp_path, PROFILE)), "--as-of", "yesterday")
    assert result.exit_code == 2


def test_internal_error_exits_1_without_patient_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cartnav.cli.assess as module

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(module, "assess", boom)
    result = _run(str(_write(tmp_path, PROFILE)))
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert "internal error" in result.stderr


def test_help_shows_examples() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "cartnav assess examples/profile-second-relapse.json" in result.output
    assert "--region" in result.output and "--json" in result.output


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "examples").glob("profile-*")))
def test_example_profiles_load_and_assess(name: str) -> None:
    result = _run(str(REPO / "examples" / name), "--json", "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["level"]


def test_load_profile_file_reads_yaml_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "profile"
    path.write_text("age_years: 5\n", encoding="utf-8")
    profile = load_profile_file(path, today=dt.date(2026, 1, 1))
    assert profile.facts_date == dt.date(2026, 1, 1)


def test_load_profile_file_error_does_not_quote_content(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"id": "' + SECRET + '", "age_years": 5, "x": ', encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile_file(path, today=dt.date(2026, 1, 1))
    assert SECRET not in str(info.value) and "p.json" in str(info.value)
