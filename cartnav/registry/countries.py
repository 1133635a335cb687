"""Country names as registries and trial pages write them -> ISO 3166-1 alpha-2 codes.

Uses ``pycountry`` (the ISO 3166 tables) plus the spellings ClinicalTrials.gov and trial pages use
that ISO does not (``"Turkey (Türkiye)"``, ``"Russia"``, ``"Former Serbia and Montenegro"``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# Registry and everyday spellings that ISO 3166 (as pycountry holds it) does not match.
ALIASES = {
    "turkey": "TR",
    "turkey (türkiye)": "TR",
    "türkiye": "TR",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "taiwan": "TW",
    "taiwan, province of china": "TW",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "mainland china": "CN",
    "china (mainland)": "CN",
    "czech republic": "CZ",
    "the netherlands": "NL",
    "holland": "NL",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "macedonia": "MK",
    "macedonia, the former yugoslav republic of": "MK",
    "palestinian territory, occupied": "PS",
    "palestinian territories": "PS",
    "palestine": "PS",
    "virgin islands (u.s.)": "VI",
    "reunion": "RE",
    "libyan arab jamahiriya": "LY",
    "swaziland": "SZ",
    "burma": "MM",
    "cape verde": "CV",
    "east timor": "TL",
    "ivory coast": "CI",
    "democratic republic of the congo": "CD",
    "congo, democratic republic": "CD",
    "kosovo": "XK",  # not in ISO 3166; the code the EU and many registries use
}
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """The ISO alpha-2 code for a country name (or code), or ``None`` when unknown."""
    if not name or not name.strip():
        return None
    key = _SPACES.sub(" ", name.strip()).lower()
    if key in ALIASES:
        return ALIASES[key]
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None
