"""`cartnav products`: readable listing, exact JSON, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cartnav.cli import main
from cartnav.knowledge import load_knowledge
from cartnav.knowledge.schema import REGION_AGENCIES


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["products", *args])
    return result.exit_code, result.stdout, result.stderr


def test_region_and_disease_listing_for_people() -> None:
    code, out, _ = _run("--region", "US", "--disease", "B-ALL")
    assert code == 0
    assert out.startswith("Approved CAR-T products - United States (FDA) - B-ALL\n")
    for text in (
        "Kymriah (tisagenlecleucel, tisa-cel)",
        "Tecartus (brexucabtagene autoleucel, brexu-cel)",
        "Aucatzyl (obecabtagene autoleucel, obe-cel)",
        "FDA 2017-08-30 | B-ALL | ages up to 25 | regular",
        "FDA 2021-10-01 | B-ALL | ages 18 and older",
        "refractory or in second or later relapse",
        "source: http://prod-www.ons.org/",
        "discuss any treatment with the treating team",
    ):
        assert text in out, text
    assert "Yescarta" not in out and "EC 2018" not in out


def test_unconfirmed_rows_say_so() -> None:
    code, out, _ = _run("--region", "CN", "--disease", "b-all")
    assert code == 0
    assert "Pukilin (no INN known)" in out
    assert "NMPA 2025 | B-ALL | ages 3 to 18 | CD19-positive" in out
    assert "UNCONFIRMED: The approval is reported by one trade page only" in out


def test_outcomes_and_prices_are_opt_in() -> None:
    _, plain, _ = _run("--region", "UK", "--disease", "B-ALL")
    code, out, _ = _run("--region", "UK", "--disease", "B-ALL", "--outcomes", "--prices")
    assert code == 0
    assert "Outcomes:" not in plain and "Prices:" not in plain
    assert "ELIANA primary analysis (NEJM 2018;378:439) [NCT02435849]" in out
    assert "12-month event-free survival: 50% (95% CI 35-64)" in out
    assert "GB: GBP 282,000 (list price per infusion" in out
    assert "USD 475,000" not in out  # prices are those of the region's countries


def test_json_is_the_exact_catalogue() -> None:
    code, out, _ = _run("--region", "EU", "--disease", "B-ALL", "--json")
    assert code == 0
    data = json.loads(out)
    kb = load_knowledge()
    assert data["region"] == "EU" and data["agencies"] == ["EC"] and data["disease"] == "B-ALL"
    assert data["knowledge_version"] == kb.version
    assert [p["id"] for p in data["products"]] == ["kymriah", "tecartus", "aucatzyl"]
    kymriah = data["products"][0]
    assert kymriah == {
        **kb.products["kymriah"].model_dump(mode="json"),
        "indications": [kymriah["indications"][0]],
        "outcomes": kymriah["outcomes"],
        "prices": kymriah["prices"],
    }
    indication = kymriah["indications"][0]
    assert indication["routes"] == ["refractory", "relapse_post_hsct", "second_or_later_relapse"]
    assert indication["age_max_years"] == 25 and indication["age_min_years"] is None
    assert indication["sources"][0]["url"].startswith("https://")
    assert {o["study"] for o in kymriah["outcomes"]} >= {
        "ELIANA primary analysis (NEJM 2018;378:439)"
    }
    assert kymriah["prices"] == []  # no EU price recorded


@pytest.mark.parametrize("region", sorted(REGION_AGENCIES))
def test_every_region_lists_only_its_agencies(region: str) -> None:
    code, out, _ = _run("--region", region.lower(), "--json")
    assert code == 0
    data = json.loads(out)
    agencies = {i["agency"] for p in data["products"] for i in p["indications"]}
    assert agencies and agencies <= set(REGION_AGENCIES[region])


def test_no_filter_lists_every_product() -> None:
    code, out, _ = _run("--json")
    assert code == 0
    assert len(json.loads(out)["products"]) == len(load_knowledge().products)


def test_a_disease_without_labels_says_so() -> None:
    code, out, _ = _run("--region", "US", "--disease", "T-ALL")
    assert code == 0
    assert "No approved CAR-T label found for T-ALL in United States (FDA)." in out


def test_bad_region_is_one_line_and_exit_2() -> None:
    code, out, err = _run("--region", "XX")
    assert code == 2
    assert out == ""
    assert (
        err
        == "cartnav: error: unknown region 'XX': expected one of US, EU, UK, CA, JP, CN, IN, ES\n"
    )
