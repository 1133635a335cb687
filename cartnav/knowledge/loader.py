"""Load and validate the knowledge base (products, indications, outcomes, prices).

Each data file is a YAML list of rows. Every row is validated with the pydantic models of
:mod:`cartnav.knowledge.schema`; the first problem found raises a
:class:`~cartnav.domain.errors.KnowledgeError` whose message names the file, the row (1-based
index and its id) and the field, for example::

    knowledge file 'indications.yaml' row 3 (kymriah/FDA): field 'age_max_years': expected a number

Cross-file references are checked too: product ids are unique, and every indication, outcome
and price names a known product. The packaged data is loaded once per process (cached).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cartnav.domain.errors import KnowledgeError, NotFoundError
from cartnav.knowledge.schema import (
    REGION_AGENCIES,
    Indication,
    Outcome,
    Price,
    Product,
    Sourced,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("products.yaml", "indications.yaml", "outcomes.yaml", "prices.yaml")

RowT = TypeVar("RowT", bound=BaseModel)


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base. Rows keep the order of their files."""

    products: dict[str, Product]  # by Product.id
    indications: tuple[Indication, ...]
    outcomes: tuple[Outcome, ...]
    prices: tuple[Price, ...]
    version: str  # ISO date: the latest `checked` date of any row

    def indications_for(
        self, *, region: str | None = None, disease: str | None = None
    ) -> list[Indication]:
        """Indications of the region's agencies (all regions if None) for a disease.

        ``region`` is a key of ``REGION_AGENCIES`` (case-insensitive); an unknown region raises
        :class:`NotFoundError`. ``disease`` matches ``Indication.disease`` case-insensitively.
        """
        agencies = None if region is None else agencies_for_region(region)
        wanted = None if disease is None else disease.casefold()
        return [
            row
            for row in self.indications
            if (agencies is None or row.agency in agencies)
            and (wanted is None or row.disease.casefold() == wanted)
        ]

    def product(self, product_id: str) -> Product:
        """The product with this id; :class:`NotFoundError` if there is none."""
        try:
            return self.products[product_id]
        except KeyError:
            raise NotFoundError(f"unknown product {product_id!r}") from None

    def outcomes_for(self, product_id: str) -> list[Outcome]:
        return [row for row in self.outcomes if row.product == product_id]

    def prices_for(self, product_id: str) -> list[Price]:
        return [row for row in self.prices if row.product == product_id]

    def diseases(self) -> list[str]:
        """Every disease named by an indication, in first-seen order."""
        return list(dict.fromkeys(row.disease for row in self.indications))


def agencies_for_region(region: str) -> tuple[str, ...]:
    """The agencies whose labels apply in ``region``; :class:`NotFoundError` if unknown."""
    try:
        return REGION_AGENCIES[region.upper()]
    except KeyError:
        known = ", ".join(REGION_AGENCIES)
        raise NotFoundError(f"unknown region {region!r}: expected one of {known}") from None


def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load the knowledge base from ``directory`` (default: the packaged data, cached)."""
    if directory is None:
        return _load_default()
    return _load(Path(directory))


@functools.cache
def _load_default() -> KnowledgeBase:
    return _load(DATA_DIR)


def _load(directory: Path) -> KnowledgeBase:
    products = _load_rows(directory, "products.yaml", Product)
    indications = _load_rows(directory, "indications.yaml", Indication)
    outcomes = _load_rows(directory, "outcomes.yaml", Outcome)
    prices = _load_rows(directory, "prices.yaml", Price)

    by_id: dict[str, Product] = {}
    for index, product in enumerate(products, start=1):
        if product.id in by_id:
            raise KnowledgeError(
                f"knowledge file 'products.yaml' row {index} ({product.id}): "
                f"field 'id': duplicate product id {product.id!r}"
            )
        by_id[product.id] = product

    referencing: tuple[tuple[str, Sequence[Indication | Outcome | Price]], ...] = (
        ("indications.yaml", indications),
        ("outcomes.yaml", outcomes),
        ("prices.yaml", prices),
    )
    for name, rows in referencing:
        for index, row in enumerate(rows, start=1):
            if row.product not in by_id:
                raise KnowledgeError(
                    f"knowledge file {name!r} row {index} ({_label(row)}): "
                    f"field 'product': unknown product {row.product!r}"
                )

    for index, indication in enumerate(indications, start=1):
        _check_indication(index, indication)
    every_file: tuple[tuple[str, Sequence[Sourced]], ...] = (
        ("products.yaml", products),
        *referencing,
    )
    for name, sourced in every_file:
        for index, item in enumerate(sourced, start=1):
            _check_confirmation(name, index, item)

    version = max((item.checked for _, rows in every_file for item in rows), default=None)
    return KnowledgeBase(
        products=by_id,
        indications=tuple(indications),
        outcomes=tuple(outcomes),
        prices=tuple(prices),
        version="" if version is None else version.isoformat(),
    )


def _check_indication(index: int, row: Indication) -> None:
    """Rules across fields that the per-field schema cannot express."""
    where = f"knowledge file 'indications.yaml' row {index} ({_label(row)})"
    if (
        row.age_min_years is not None
        and row.age_max_years is not None
        and row.age_min_years > row.age_max_years
    ):
        raise KnowledgeError(
            f"{where}: field 'age_min_years': {row.age_min_years:g} is above "
            f"age_max_years {row.age_max_years:g}"
        )
    if row.disease == "B-ALL" and not row.routes:
        raise KnowledgeError(f"{where}: field 'routes': a B-ALL indication needs routes")


def _check_confirmation(name: str, index: int, row: Sourced) -> None:
    """An unconfirmed row says what is unconfirmed; a confirmed row has nothing to say."""
    where = f"knowledge file {name!r} row {index} ({_label(row)})"
    text = (row.unconfirmed or "").strip()
    if not row.confirmed and not text:
        raise KnowledgeError(
            f"{where}: field 'unconfirmed': a row with confirmed: false must say what is "
            "unconfirmed"
        )
    if row.confirmed and text:
        raise KnowledgeError(
            f"{where}: field 'confirmed': the row has an 'unconfirmed' note, so it must be "
            "confirmed: false"
        )


def _load_rows(directory: Path, name: str, model: type[RowT]) -> list[RowT]:
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(f"knowledge file {name!r} not found in {directory}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"knowledge file {name!r} cannot be read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise KnowledgeError(f"knowledge file {name!r}{where}: {problem}") from None
    if data is None:
        data = []
    if not isinstance(data, list):
        raise KnowledgeError(
            f"knowledge file {name!r}: expected a list of rows, got {_type_name(data)}"
        )
    rows: list[RowT] = []
    for index, raw in enumerate(data, start=1):
        if not isinstance(raw, Mapping):
            raise KnowledgeError(
                f"knowledge file {name!r} row {index}: expected a mapping, got {_type_name(raw)}"
            )
        try:
            rows.append(model.model_validate(raw))
        except ValidationError as exc:
            raise KnowledgeError(
                f"knowledge file {name!r} row {index} ({_raw_label(raw)}): {_describe(exc)}"
            ) from None
    return rows


def _label(row: BaseModel) -> str:
    return _raw_label(row.model_dump())


def _raw_label(raw: Mapping[str, Any]) -> str:
    """A short name for a row: the product id, plus agency, study or country when present."""
    first = raw.get("id", raw.get("product"))
    second = raw.get("agency", raw.get("study", raw.get("country")))
    parts = [str(part) for part in (first, second) if part is not None]
    return "/".join(parts) if parts else "?"


def _describe(exc: ValidationError) -> str:
    """The first validation error as "field 'x': what was expected" (plus a count of others)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    field = _field_path(first["loc"])
    message = _message(first)
    more = len(errors) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''} in this row)" if more else ""
    return f"field {field!r}: {message}{suffix}"


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "?"


_EXPECTED = {
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected an integer",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "url_parsing": "expected a URL",
    "url_scheme": "expected an http(s) URL",
    "url_type": "expected a URL",
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error["type"])
    value = error.get("input")
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, got {value!r}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"{value!r} does not match the pattern {pattern}"
    return _EXPECTED.get(kind) or str(error["msg"])


def _type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return type(value).__name__
