"""Outcomes and prices of the on-label products, as families ask about them."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from cartnav.assessment import assess
from cartnav.cli import main
from cartnav.domain.patient import parse_profile
from cartnav.knowledge import KnowledgeBase

AS_OF = dt.date(2026, 11, 1)
SECOND_RELAPSE = {
    "age_years": 9,
    "as_of": "2026-11-01",
    "diagnosis": {"disease": "B-ALL", "date": "2023-01-10"},
    "markers": {"CD19": "positive"},
    "history": [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2024-01-01", "site": "marrow"},
        {"type": "reinduction", "date": "2024-01-10", "response": "CR"},
        {"type": "relapse", "date": "2025-07-01", "site": "marrow"},
    ],
}
ADULT_FIRST_RELAPSE = {
    "age_years": 35,
    "as_of": "2026-11-01",
    "diagnosis": {"disease": "B-ALL", "date": "2023-01-10"},
    "markers": {"CD19": "positive"},
    "history": [
        {"type": "induction", "date": "2023-01-15", "response": "CR"},
        {"type": "relapse", "date": "2026-08-01", "site": "marrow", "on_therapy": False},
    ],
}


def test_on_label_product_brings_its_outcomes_and_local_prices(kb: KnowledgeBase) -> None:
    profile = parse_profile(SECOND_RELAPSE, today=AS_OF)
    result = assess(profile, kb, region="US", as_of=AS_OF)
    assert {o.product for o in result.outcomes} == {"kymriah"}
    assert any(o.nct_id == "NCT02435849" for o in result.outcomes)  # ELIANA
    assert result.prices and {p.country for p in result.prices} == {"US"}
    assert all(p.product == "kymriah" for p in result.prices)


def test_prices_follow_the_region(kb: KnowledgeBase) -> None:
    profile = parse_profile(ADULT_FIRST_RELAPSE, today=AS_OF)
    china = assess(profile, kb, region="CN", as_of=AS_OF)
    assert {p.country for p in china.prices} <= {"CN"}
    on_label = {p.product for p in china.products if p.label_fit == "on_label"}
    assert {o.product for o in china.outcomes} <= on_label
    assert {p.product for p in china.prices} <= on_label


def test_no_label_fits_means_no_outcomes(kb: KnowledgeBase) -> None:
    data = dict(SECOND_RELAPSE, markers={"CD19": "negative"})
    result = assess(parse_profile(data, today=AS_OF), kb, region="US", as_of=AS_OF)
    assert result.level == "consider"
    assert result.outcomes == () and result.prices == ()


def test_json_and_text_show_them_with_sources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(SECOND_RELAPSE), encoding="utf-8")
    runner = CliRunner()
    as_json = runner.invoke(main, ["assess", str(path), "--region", "US", "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["outcomes"] and all(o["sources"] for o in data["outcomes"])
    assert data["prices"][0]["currency"] == "USD"
    text = runner.invoke(main, ["assess", str(path), "--region", "US"]).output
    assert "Results and costs families ask about" in text
    assert "ELIANA" in text and "USD 475,000" in text
