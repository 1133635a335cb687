"""Regions (regulators) and the default region from the profile's country of residence."""

from __future__ import annotations

from typing import Literal

import pycountry

from cartnav.domain.errors import CartnavError
from cartnav.domain.patient import Profile
from cartnav.knowledge.schema import REGION_AGENCIES, REGION_NAMES

REGIONS: tuple[str, ...] = tuple(REGION_AGENCIES)  # US, EU, UK, CA, JP, CN, IN, ES
FALLBACK_REGION = "US"

# EU member states (ISO 3166-1 alpha-2). Spain has its own region (EU plus hospital exemption).
EU_MEMBERS = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT"),
        *("LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "SE", "HU"),
    }
)
_COUNTRY_REGION = {"US": "US", "CA": "CA", "JP": "JP", "CN": "CN", "IN": "IN", "GB": "UK"}
_REGION_ALIASES = {"GB": "UK", "USA": "US", "EC": "EU", "EMA": "EU"}

RegionBasis = Literal["option", "residence", "default"]


class RegionError(CartnavError):
    """An unknown region was asked for."""


def normalise_region(text: str) -> str:
    """``us`` -> ``US``; ``GB`` -> ``UK``; an unknown region raises :class:`RegionError`."""
    code = text.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    if code not in REGION_AGENCIES:
        raise RegionError(f"option '--region': expected one of {', '.join(REGIONS)}, got {text!r}")
    return code


def country_code(text: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code for a country code or English name; ``None`` if unknown."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if value.upper() == "UK":
        return "GB"
    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        return None
    return str(country.alpha_2)


def region_for_country(code: str | None) -> str | None:
    """The supported region of a country (ISO alpha-2), or ``None`` when none applies."""
    if code is None:
        return None
    if code == "ES":
        return "ES"
    if code in EU_MEMBERS:
        return "EU"
    return _COUNTRY_REGION.get(code)


def choose_region(profile: Profile, requested: str | None) -> tuple[str, RegionBasis]:
    """The region to answer for: the requested one, else the residence's, else US."""
    if requested is not None:
        return normalise_region(requested), "option"
    country = profile.residence.country if profile.residence else None
    region = region_for_country(country_code(country))
    if region is not None:
        return region, "residence"
    return FALLBACK_REGION, "default"


def region_name(region: str) -> str:
    return REGION_NAMES.get(region, region)
