"""Search over the shared registry records, on both backends.

Expected sets are worked out here from the raw files (JSON and XML read directly, distances with
this file's own haversine and a hand-made table of Chinese city coordinates), never from the
code under test.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cartnav.storage import SearchQuery, SearchQueryError, TrialStore

pytestmark = pytest.mark.shared_data

SHANGHAI = (31.23, 121.47)
# City centres (approximate, from public atlases) for coordinate-less sites in East Asia.
CITY_COORDS = {
    "suzhou": (31.30, 120.59),
    "hefei": (31.82, 117.23),
    "hangzhou": (30.27, 120.16),
    "hangzhou shi": (30.27, 120.16),
    "wenzhou shi": (28.00, 120.67),
    "nanchang shi": (28.68, 115.86),
    "wuhan shi": (30.59, 114.31),
    "beijing": (39.90, 116.41),
    "beijing shi": (39.90, 116.41),
    "langfang": (39.52, 116.70),
    "guangzhou shi": (23.13, 113.26),
    "guangdong": (23.13, 113.26),
    "shenzhen": (22.54, 114.06),
    "xian": (34.34, 108.94),
    "xi'an": (34.34, 108.94),
    "xi'an city": (34.34, 108.94),
    "nanning shi": (22.82, 108.32),
    "huhehaote": (40.84, 111.75),
    "kunming": (25.04, 102.71),
    "zhengzhou": (34.75, 113.62),
}
# Outside mainland China every populated place is more than 500 km from Shanghai (Jeju ~520 km,
# Taipei ~690 km, Nagasaki ~800 km), so only Chinese sites without coordinates need a lookup.
NEAR_COUNTRIES = {"China"}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def years(text: str | None) -> float | None:
    if not text or text.strip().upper() == "N/A":
        return None
    number, unit = re.fullmatch(r"(\d+)\s+(\w+)", text.strip()).groups()  # type: ignore[union-attr]
    per_year = {"year": 1, "month": 12, "week": 52.18, "day": 365.25}[unit.lower().rstrip("s")]
    return int(number) / per_year


@dataclass
class Study:
    nct_id: str
    status: str  # upper snake case
    min_years: float | None
    max_years: float | None
    sites: list[tuple[str, str, tuple[float, float] | None]] = field(default_factory=list)

    def admits(self, age: float) -> bool:
        low_ok = self.min_years is None or self.min_years <= age
        return low_ok and (self.max_years is None or age < self.max_years + 1)

    def within(self, point: tuple[float, float], limit: float) -> bool:
        for city, country, coords in self.sites:
            if coords is None and country in NEAR_COUNTRIES:
                coords = CITY_COORDS[city.casefold()]  # a KeyError means: extend the table
            if coords is not None and km(point, coords) <= limit:
                return True
        return False


@pytest.fixture(scope="module")
def studies(shared_data: Path) -> list[Study]:
    found = []
    ctgov = shared_data / "ctgov"
    with gzip.open(ctgov / "ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            p = json.loads(line)["protocolSection"]
            elig = p.get("eligibilityModule", {})
            study = Study(
                p["identificationModule"]["nctId"],
                p["statusModule"]["overallStatus"],
                years(elig.get("minimumAge")),
                years(elig.get("maximumAge")),
            )
            for loc in p.get("contactsLocationsModule", {}).get("locations", []):
                point = loc.get("geoPoint")
                coords = (point["lat"], point["lon"]) if point else None
                study.sites.append((loc.get("city", ""), loc.get("country", ""), coords))
            found.append(study)
    for path in sorted((ctgov / "cart_legacy_xml").glob("NCT*.xml")):
        root = ET.parse(path).getroot()
        status = re.sub(r"[ ,]+", "_", root.findtext("overall_status", "")).upper()
        study = Study(
            root.findtext("id_info/nct_id", ""),
            status,
            years(root.findtext("eligibility/minimum_age")),
            years(root.findtext("eligibility/maximum_age")),
        )
        for facility in root.iter("facility"):
            city = facility.findtext("address/city", "")
            study.sites.append((city, facility.findtext("address/country", ""), None))
        found.append(study)
    return found


def ids(store: TrialStore, query: SearchQuery) -> set[str]:
    query.limit = 10_000
    result = store.search(query)
    assert result.total == len(result.results)
    return {hit.nct_id for hit in result.results}


def test_no_arguments_match_every_stored_trial(shared_store: TrialStore) -> None:
    result = shared_store.search(SearchQuery())
    assert result.total == shared_store.count() == 174
    assert len(result.results) == 20
    assert [h.nct_id for h in result.results] == sorted(h.nct_id for h in result.results)


def test_recruiting_trials_in_china(shared_store: TrialStore, studies: list[Study]) -> None:
    expected = {
        s.nct_id
        for s in studies
        if s.status == "RECRUITING" and any(country == "China" for _, country, _ in s.sites)
    }
    assert "NCT03275493" in expected and len(expected) > 10
    for country in ("China", "CN", "chn", "china"):
        got = ids(shared_store, SearchQuery(statuses=["recruiting"], country=country))
        assert got == expected, country


def test_open_to_a_seven_year_old_within_500_km_of_shanghai(
    shared_store: TrialStore, studies: list[Study]
) -> None:
    expected = {s.nct_id for s in studies if s.admits(7) and s.within(SHANGHAI, 500)}
    assert {"NCT03275493", "NCT03919240"} <= expected  # Suzhou, ~85 km away
    query = SearchQuery(age_years=7, near=SHANGHAI, max_km=500)
    assert ids(shared_store, query) == expected
    result = shared_store.search(SearchQuery(age_years=7, near=SHANGHAI, max_km=500))
    distances = [hit.distance_km for hit in result.results]
    assert all(d is not None and d <= 500 for d in distances)
    assert distances == sorted(distances)  # nearest first when there is no text


@pytest.mark.parametrize("age", [0.5, 7, 17, 30, 70], ids=lambda a: f"age{a}")
def test_age_filter_counts_missing_limits_as_open(
    shared_store: TrialStore, studies: list[Study], age: float
) -> None:
    expected = {s.nct_id for s in studies if s.admits(age)}
    assert ids(shared_store, SearchQuery(age_years=age)) == expected


def test_cart_filter_finds_the_car_t_records_only(
    shared_store: TrialStore, shared_data: Path
) -> None:
    xml_ids = {p.stem for p in (shared_data / "ctgov" / "cart_legacy_xml").glob("NCT*.xml")}
    assert ids(shared_store, SearchQuery(cart_only=True)) == xml_ids
    cd19 = shared_store.search(SearchQuery(text="CD19", cart_only=True, limit=100))
    assert cd19.total >= 10
    assert "NCT03275493" in {h.nct_id for h in cd19.results}
    hit = next(h for h in cd19.results if h.nct_id == "NCT03275493")
    assert hit.cell_therapy and hit.car_targets == ("CD19",) and hit.countries == ("CN",)


def test_text_search_needs_every_word(shared_store: TrialStore, studies: list[Study]) -> None:
    both = ids(shared_store, SearchQuery(text="lymphoblastic leukemia"))
    one = ids(shared_store, SearchQuery(text="lymphoblastic"))
    assert both and both <= one
    assert ids(shared_store, SearchQuery(text="zzzunknownword")) == set()
    assert ids(shared_store, SearchQuery(text="  ")) == {s.nct_id for s in studies}


def test_condition_phase_sex_filters(shared_store: TrialStore) -> None:
    leukemia = ids(shared_store, SearchQuery(condition="leukemia"))
    assert "NCT03275493" in leukemia and "NCT06576635" not in leukemia
    for nct_id in ids(shared_store, SearchQuery(phase="1/2")):
        trial = shared_store.get_trial(nct_id)
        assert trial is not None and {"PHASE1", "PHASE2"} <= set(trial.phases)
    assert "NCT03275493" in ids(shared_store, SearchQuery(phase="phase 2"))
    female = ids(shared_store, SearchQuery(sex="female"))
    male = ids(shared_store, SearchQuery(sex="male"))
    everyone = ids(shared_store, SearchQuery())
    for nct_id in everyone - female:
        trial = shared_store.get_trial(nct_id)
        assert trial is not None and trial.sex == "MALE"
    assert female | male == everyone


def test_status_names_are_case_insensitive(shared_store: TrialStore, studies: list[Study]) -> None:
    expected = {s.nct_id for s in studies if s.status in {"RECRUITING", "NOT_YET_RECRUITING"}}
    got = ids(shared_store, SearchQuery(statuses=["Recruiting", "not yet recruiting"]))
    assert got == expected
    assert ids(shared_store, SearchQuery(statuses=["any"])) == {s.nct_id for s in studies}


def test_paging_is_stable(shared_store: TrialStore) -> None:
    first = shared_store.search(SearchQuery(limit=10))
    second = shared_store.search(SearchQuery(limit=10, offset=10))
    assert first.total == second.total == 174
    assert not {h.nct_id for h in first.results} & {h.nct_id for h in second.results}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (SearchQuery(statuses=["recruting"]), "status 'recruting'"),
        (SearchQuery(country="Atlantis"), "country 'Atlantis'"),
        (SearchQuery(phase="seven"), "phase 'seven'"),
        (SearchQuery(max_km=10), "max_km"),
        (SearchQuery(near=(95.0, 0.0), max_km=10), "latitude"),
        (SearchQuery(sex="other"), "sex 'other'"),
        (SearchQuery(age_years=-1), "age"),
    ],
    ids=["status", "country", "phase", "km-without-point", "bad-point", "sex", "age"],
)
def test_bad_filters_name_the_value(
    shared_store: TrialStore, query: SearchQuery, words: str
) -> None:
    with pytest.raises(SearchQueryError, match=re.escape(words)):
        shared_store.search(query)
