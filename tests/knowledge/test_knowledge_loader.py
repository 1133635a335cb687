"""Loading knowledge files: bad files fail with one message naming file, row and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartnav.domain.errors import KnowledgeError, NotFoundError
from cartnav.knowledge import load_knowledge

SOURCE = [{"url": "https://example.org/label", "title": "label"}]


def _product(**extra: Any) -> dict[str, Any]:
    row = {
        "id": "kymriah",
        "brand": "Kymriah",
        "inn": "tisagenlecleucel",
        "developer": "Novartis",
        "targets": ["CD19"],
        "sources": SOURCE,
        "checked": "2026-11-20",
    }
    row.update(extra)
    return row


def _indication(**extra: Any) -> dict[str, Any]:
    row = {
        "product": "kymriah",
        "agency": "FDA",
        "disease": "B-ALL",
        "approval_date": "2017-08-30",
        "label_text": "up to 25 years of age, refractory or in second or later relapse",
        "age_max_years": 25,
        "routes": ["refractory", "second_or_later_relapse"],
        "sources": SOURCE,
        "checked": "2026-11-21",
    }
    row.update(extra)
    return row


def _outcome(**extra: Any) -> dict[str, Any]:
    row = {
        "product": "kymriah",
        "study": "ELIANA",
        "population": "children",
        "sources": SOURCE,
        "checked": "2026-11-22",
    }
    row.update(extra)
    return row


def _price(**extra: Any) -> dict[str, Any]:
    row = {
        "product": "kymriah",
        "country": "US",
        "amount": 475000,
        "currency": "USD",
        "as_of": "2017",
        "basis": "launch",
        "sources": SOURCE,
        "checked": "2026-11-19",
    }
    row.update(extra)
    return row


def _write(
    directory: Path,
    *,
    products: Any = None,
    indications: Any = None,
    outcomes: Any = None,
    prices: Any = None,
) -> Path:
    files = {
        "products.yaml": [_product()] if products is None else products,
        "indications.yaml": [_indication()] if indications is None else indications,
        "outcomes.yaml": [_outcome()] if outcomes is None else outcomes,
        "prices.yaml": [_price()] if prices is None else prices,
    }
    for name, content in files.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def _error(directory: Path) -> str:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    return str(info.value)


def test_a_valid_directory_loads(tmp_path: Path) -> None:
    kb = load_knowledge(_write(tmp_path))
    assert list(kb.products) == ["kymriah"]
    assert kb.indications[0].age_max_years == 25
    assert kb.version == "2026-11-22"
    assert load_knowledge(tmp_path) is not load_knowledge(tmp_path)  # explicit paths not cached


BAD_FILES = [
    pytest.param(
        {"indications": [_indication(), _indication(), _indication(age_max_years="old")]},
        "knowledge file 'indications.yaml' row 3 (kymriah/FDA): field 'age_max_years': "
        "expected a number",
        id="wrong-type",
    ),
    pytest.param(
        {"products": [_product(colour="blue")]},
        "knowledge file 'products.yaml' row 1 (kymriah): field 'colour': unknown field",
        id="unknown-field",
    ),
    pytest.param(
        {"outcomes": [_outcome(sources=[])]},
        "knowledge file 'outcomes.yaml' row 1 (kymriah/ELIANA): field 'sources': "
        "needs at least one entry",
        id="empty-sources",
    ),
    pytest.param(
        {"prices": [{k: v for k, v in _price().items() if k != "sources"}]},
        "knowledge file 'prices.yaml' row 1 (kymriah/US): field 'sources': "
        "required field is missing",
        id="missing-sources",
    ),
    pytest.param(
        {"indications": [_indication(), _indication(product="kymria")]},
        "knowledge file 'indications.yaml' row 2 (kymria/FDA): field 'product': "
        "unknown product 'kymria'",
        id="unknown-product",
    ),
    pytest.param(
        {"prices": [_price(product="nope")]},
        "knowledge file 'prices.yaml' row 1 (nope/US): field 'product': unknown product 'nope'",
        id="price-unknown-product",
    ),
    pytest.param(
        {"products": [_product(), _product(brand="Again")]},
        "knowledge file 'products.yaml' row 2 (kymriah): field 'id': duplicate product id "
        "'kymriah'",
        id="duplicate-product",
    ),
    pytest.param(
        {"indications": [_indication(agency="FDAX")]},
        "knowledge file 'indications.yaml' row 1 (kymriah/FDAX): field 'agency': expected one "
        "of 'FDA', 'EC', 'MHRA', 'HC', 'PMDA', 'NMPA', 'CDSCO' or 'AEMPS_HE', got 'FDAX'",
        id="bad-agency",
    ),
    pytest.param(
        {"indications": [_indication(routes=["refractory", "sometimes"])]},
        "knowledge file 'indications.yaml' row 1 (kymriah/FDA): field 'routes[1]': expected one",
        id="bad-route",
    ),
    pytest.param(
        {"products": [_product(sources=[{"url": "not a url"}])]},
        "knowledge file 'products.yaml' row 1 (kymriah): field 'sources[0].url': expected a URL",
        id="bad-url",
    ),
    pytest.param(
        {"products": [_product(checked="yesterday")]},
        "knowledge file 'products.yaml' row 1 (kymriah): field 'checked': expected a date",
        id="bad-date",
    ),
    pytest.param(
        {"indications": [_indication(age_min_years=30, age_max_years=25)]},
        "knowledge file 'indications.yaml' row 1 (kymriah/FDA): field 'age_min_years': 30 is "
        "above age_max_years 25",
        id="ages-crossed",
    ),
    pytest.param(
        {"indications": [_indication(routes=[])]},
        "knowledge file 'indications.yaml' row 1 (kymriah/FDA): field 'routes': a B-ALL "
        "indication needs routes",
        id="b-all-without-routes",
    ),
    pytest.param(
        {"prices": [_price(confirmed=False)]},
        "knowledge file 'prices.yaml' row 1 (kymriah/US): field 'unconfirmed': a row with "
        "confirmed: false must say what is unconfirmed",
        id="unconfirmed-without-reason",
    ),
    pytest.param(
        {"products": [_product(unconfirmed="the vector")]},
        "knowledge file 'products.yaml' row 1 (kymriah): field 'confirmed': the row has an "
        "'unconfirmed' note, so it must be confirmed: false",
        id="confirmed-with-reason",
    ),
    pytest.param(
        {"outcomes": {"product": "kymriah"}},
        "knowledge file 'outcomes.yaml': expected a list of rows, got a mapping",
        id="not-a-list",
    ),
    pytest.param(
        {"prices": ["just text"]},
        "knowledge file 'prices.yaml' row 1: expected a mapping, got str",
        id="row-not-a-mapping",
    ),
    pytest.param(
        {"products": "- id: [unclosed\n"},
        "knowledge file 'products.yaml' at line 2:",
        id="yaml-syntax",
    ),
]


@pytest.mark.parametrize(("files", "expected"), BAD_FILES)
def test_bad_files_fail_with_a_precise_message(
    tmp_path: Path, files: dict[str, Any], expected: str
) -> None:
    message = _error(_write(tmp_path, **files))
    assert message.startswith(expected), message
    assert "\n" not in message


def test_several_problems_in_a_row_are_counted(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, products=[_product(brand=3, targets="CD19")]))
    assert message.endswith("(and 1 more problem in this row)"), message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    _write(tmp_path)
    (tmp_path / "prices.yaml").unlink()
    assert _error(tmp_path) == f"knowledge file 'prices.yaml' not found in {tmp_path}"


def test_an_empty_file_means_no_rows(tmp_path: Path) -> None:
    kb = load_knowledge(_write(tmp_path, prices="", outcomes="# nothing yet\n"))
    assert kb.prices == () and kb.outcomes == ()


def test_unknown_region_is_a_not_found_error(tmp_path: Path) -> None:
    kb = load_knowledge(_write(tmp_path))
    with pytest.raises(NotFoundError, match="unknown region 'XX': expected one of US, EU"):
        kb.indications_for(region="XX")
    with pytest.raises(NotFoundError, match="unknown product 'nope'"):
        kb.product("nope")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    row=st.integers(min_value=0, max_value=4),
    value=st.one_of(
        st.text(min_size=1).filter(lambda t: not _is_number(t)), st.lists(st.integers())
    ),
)
def test_any_non_number_age_names_its_row(tmp_path: Path, row: int, value: Any) -> None:
    rows = [_indication() for _ in range(5)]
    rows[row]["age_max_years"] = value
    message = _error(_write(tmp_path, indications=rows))
    assert message.startswith(
        f"knowledge file 'indications.yaml' row {row + 1} (kymriah/FDA): field 'age_max_years': "
        "expected a number"
    ), message


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
