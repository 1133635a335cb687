"""CAR-T trial listings gathered from public trial pages (``cart_trials.jsonl``) -> Trial.

Not a registry format: each object holds what one web page showed (see the data's README), with
each site's own spelling (``"Recruiting"`` / ``"RECRUITING"``, ``"Phase 1 Phase 2"``, ``"18 Years
and older"``). Values are normalised to the registry vocabulary; anything not shown stays missing.
The eligibility text is kept exactly as given (often cut off: ``extra["criteria_complete"]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cartnav.domain.errors import RegistryError
from cartnav.domain.trial import Intervention, Site, Trial
from cartnav.registry.ages import age_to_days
from cartnav.registry.countries import country_code
from cartnav.registry.parse_json import NCT_ID
from cartnav.registry.vocab import (
    normalise_phases,
    normalise_sex,
    normalise_status,
    normalise_token,
)

INTERVENTION_TYPES = frozenset(
    {
        "BIOLOGICAL",
        "DRUG",
        "GENETIC",
        "PROCEDURE",
        "DEVICE",
        "RADIATION",
        "BEHAVIORAL",
        "OTHER",
        "COMBINATION_PRODUCT",
        "DIAGNOSTIC_TEST",
        "DIETARY_SUPPLEMENT",
    }
)


def _text(obj: Mapping[str, Any], key: str, nct_id: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RegistryError(f"cart page {nct_id}: field {key!r} must be text or null")
    return value.strip() or None


def _criteria(obj: Mapping[str, Any], nct_id: str) -> str | None:
    """The criteria exactly as the page showed them (a cut-off excerpt keeps its last space)."""
    text = _text(obj, "eligibility_criteria", nct_id)
    raw = obj.get("eligibility_criteria")
    return raw if text is not None and isinstance(raw, str) else None


def _texts(obj: Mapping[str, Any], key: str, nct_id: str) -> tuple[str, ...]:
    values = obj.get(key)
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RegistryError(f"cart page {nct_id}: field {key!r} must be a list of text")
    return tuple(value.strip() for value in values if value.strip())


def _intervention(text: str) -> Intervention:
    """``"Biological: CAR-T cells"`` -> type BIOLOGICAL, name "CAR-T cells"."""
    head, sep, rest = text.partition(":")
    kind = normalise_token(head) if sep else None
    if kind in INTERVENTION_TYPES and rest.strip():
        return Intervention(type=kind, name=rest.strip())
    return Intervention(type=None, name=text)


def _age(obj: Mapping[str, Any], key: str, nct_id: str) -> int | None:
    try:
        return age_to_days(_text(obj, key, nct_id), lenient=True)
    except ValueError as exc:
        raise RegistryError(f"cart page {nct_id}: field {key!r}: {exc}") from None


def _sites(obj: Mapping[str, Any], nct_id: str) -> tuple[Site, ...]:
    raw_sites = obj.get("sites") or []
    if not isinstance(raw_sites, list) or not all(isinstance(s, dict) for s in raw_sites):
        raise RegistryError(f"cart page {nct_id}: field 'sites' must be a list of objects")
    sites = []
    for raw in raw_sites:
        country = _text(raw, "country", nct_id)
        sites.append(
            Site(
                facility=_text(raw, "facility", nct_id),
                city=_text(raw, "city", nct_id),
                country=country,
                country_code=country_code(country),
            )
        )
    covered = {site.country for site in sites}
    for country in _texts(obj, "countries", nct_id):
        if country not in covered:
            sites.append(Site(country=country, country_code=country_code(country)))
    return tuple(sites)


def parse_cart_page(obj: Mapping[str, Any]) -> Trial:
    """One ``cart_trials.jsonl`` object -> Trial (``source_format="cart_page"``)."""
    if not isinstance(obj, Mapping):
        raise RegistryError("cart page: expected a JSON object")
    nct_id = obj.get("nct_id")
    if not isinstance(nct_id, str) or not NCT_ID.fullmatch(nct_id.strip()):
        raise RegistryError(f"cart page: 'nct_id' is missing or not an NCT number: {nct_id!r}")
    nct_id = nct_id.strip()
    raw_status = _text(obj, "overall_status", nct_id)
    status = normalise_status(raw_status) or "UNKNOWN"
    extra: dict[str, str] = {}
    for key in ("source_url", "status_as_of"):
        if value := _text(obj, key, nct_id):
            extra[key] = value
    if raw_status and raw_status != status:
        extra["status_raw"] = raw_status
    complete = obj.get("criteria_complete")
    if isinstance(complete, bool):
        extra["criteria_complete"] = "true" if complete else "false"
    return Trial(
        nct_id=nct_id,
        brief_title=_text(obj, "brief_title", nct_id) or "",
        status=status,
        phases=normalise_phases(_text(obj, "phase", nct_id)),
        study_type="INTERVENTIONAL",  # the listing gathers interventional CAR cell trials only
        conditions=_texts(obj, "conditions", nct_id),
        interventions=tuple(_intervention(t) for t in _texts(obj, "interventions", nct_id)),
        eligibility_criteria=_criteria(obj, nct_id),
        min_age_days=_age(obj, "minimum_age", nct_id),
        max_age_days=_age(obj, "maximum_age", nct_id),
        sex=normalise_sex(_text(obj, "sex", nct_id)) or "ALL",
        sites=_sites(obj, nct_id),
        source_format="cart_page",
        extra=extra,
    )


def iter_cart_pages(path: Path) -> Iterator[Trial]:
    """Every trial in a ``cart_trials.jsonl`` file; a bad line raises RegistryError naming it."""
    if not Path(path).is_file():
        raise RegistryError(f"no such file: {path}")
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RegistryError(f"{path}#line={number}: invalid JSON: {exc}") from None
            try:
                yield parse_cart_page(obj)
            except RegistryError as exc:
                raise RegistryError(f"{path}#line={number}: {exc}") from None
