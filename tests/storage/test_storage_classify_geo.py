"""Cell-therapy recognition, target antigens, countries, distances and offline geocoding."""

from __future__ import annotations

import gzip
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartnav.domain.trial import Intervention, Trial
from cartnav.registry.classify import car_targets, classify, is_cell_therapy
from cartnav.registry.geo import bounding_box, country_code, geocode, haversine_km


def _trial(title: str = "A study", *interventions: str, summary: str | None = None) -> Trial:
    return Trial(
        nct_id="NCT90000001",
        brief_title=title,
        interventions=tuple(Intervention("BIOLOGICAL", name) for name in interventions),
        brief_summary=summary,
    )


@pytest.mark.parametrize(
    ("trial", "cell", "targets"),
    [
        (_trial("CD19 CAR-T cells for r/r B-ALL"), True, ("CD19",)),
        (_trial("Study", "Anti-CD7 CAR T"), True, ("CD7",)),
        (_trial("CAR-NK cells targeting CD33 and CLL-1 in AML"), True, ("CD33", "CLL1")),
        (_trial("Chimeric antigen receptor T cells against BCMA"), True, ("BCMA",)),
        (_trial("Study", "tisagenlecleucel"), True, ("CD19",)),
        (_trial("Study of CTL019 in pediatric ALL"), True, ("CD19",)),
        (_trial("Study", "Brexucabtagene Autoleucel (KTE-X19)"), True, ("CD19",)),
        (_trial("CART-22 for leukemia"), True, ("CD22",)),
        (_trial("Tandem CD19/CD22 CAR-T"), True, ("CD19", "CD22")),
        (_trial("CD123-directed cellular therapy"), True, ("CD123",)),
        (_trial("CAR-T", "CAR-T cells", summary="4-1BB and CD3ζ domains, CD28"), True, ()),
        (_trial("Blinatumomab after CAR-T failure", "Blinatumomab"), True, ()),
        (_trial("Chemotherapy for NSCLC", "Docetaxel"), False, ()),
        (_trial("Car accident recovery", "Physiotherapy"), False, ()),
        (_trial("Non-small cell therapy outcomes", "Pembrolizumab"), False, ()),
        (_trial("Blinatumomab in ALL", "Blinatumomab", summary="no prior CAR-T"), False, ()),
        (_trial("Trial", summary="Autologous CAR-T cells targeting CD19"), True, ("CD19",)),
    ],
    ids=[
        "car-t-title",
        "intervention",
        "car-nk-two-targets",
        "spelled-out",
        "inn",
        "ctl019",
        "kte-x19",
        "cart-22",
        "tandem",
        "cellular-therapy",
        "costim-not-target",
        "title-mentions-car-t",
        "chemo",
        "car-word",
        "non-small-cell",
        "summary-ignored-with-interventions",
        "summary-used-without-interventions",
    ],
)
def test_cell_therapy_and_targets(trial: Trial, cell: bool, targets: tuple[str, ...]) -> None:
    assert is_cell_therapy(trial) is cell
    assert car_targets(trial) == targets
    assert classify(trial) == (cell, targets)


@pytest.mark.shared_data
def test_every_car_t_listing_is_recognised(shared_data: Path) -> None:
    from cartnav.registry.cart_pages import iter_cart_pages

    trials = list(iter_cart_pages(shared_data / "cart_pages" / "cart_trials.jsonl"))
    assert len(trials) >= 40
    titled = [t for t in trials if t.brief_title.strip()]  # a few listings carry no text at all
    assert len(titled) >= 35
    missed = [t.nct_id for t in titled if not is_cell_therapy(t)]
    assert missed == []
    with_cd19 = [t for t in trials if "CD19" in car_targets(t)]
    assert len(with_cd19) >= len(trials) // 3


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CN", "CN"),
        ("chn", "CN"),
        ("China", "CN"),
        ("Korea, Republic of", "KR"),
        ("Russian Federation", "RU"),
        ("Iran, Islamic Republic of", "IR"),
        ("United States", "US"),
        ("USA", "US"),
        ("Türkiye", "TR"),
        ("Côte d'Ivoire", "CI"),
        ("Viet Nam", "VN"),
        ("Atlantis", None),
        ("", None),
    ],
    ids=lambda v: str(v),
)
def test_country_codes(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_haversine_known_distances() -> None:
    assert haversine_km(31.23, 121.47, 31.30, 120.59) == pytest.approx(84, abs=2)  # Suzhou
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(344, abs=3)
    assert haversine_km(0, 179.5, 0, -179.5) == pytest.approx(111.2, abs=0.5)


@settings(max_examples=80)
@given(
    lat=st.floats(-89, 89),
    lon=st.floats(-180, 180),
    km=st.floats(1, 3000),
    bearing_lat=st.floats(-1, 1),
    bearing_lon=st.floats(-1, 1),
)
def test_bounding_box_contains_every_point_within_range(
    lat: float, lon: float, km: float, bearing_lat: float, bearing_lon: float
) -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    # a point somewhere around the centre; when it is within range it must be inside the box
    other_lat = max(-90.0, min(90.0, lat + bearing_lat * km / 111.0))
    other_lon = ((lon + bearing_lon * km / 50.0 + 180) % 360) - 180
    if haversine_km(lat, lon, other_lat, other_lon) <= km:
        assert min_lat <= other_lat <= max_lat
        assert min_lon <= other_lon <= max_lon


@pytest.mark.parametrize(
    ("city", "country", "state", "near"),
    [
        ("Suzhou", "China", None, (31.30, 120.60)),
        ("Langfang", "CN", None, (39.52, 116.70)),
        ("Philadelphia", "United States", "Pennsylvania", (39.95, -75.16)),
        ("Hangzhou Shi", "China", None, (30.29, 120.16)),
        ("Moscow", "Russian Federation", None, (55.75, 37.62)),
    ],
    ids=["suzhou", "langfang", "philadelphia", "shi-suffix", "registry-country-name"],
)
def test_geocode_known_cities(
    city: str, country: str, state: str | None, near: tuple[float, float]
) -> None:
    point = geocode(city, country, state)
    assert point is not None
    assert haversine_km(*point, *near) < 25


def test_geocode_unknown_place_is_none() -> None:
    assert geocode("Nowhere-upon-Nothing", "China") is None
    assert geocode("Paris", "Atlantis") is None
    assert geocode(None, "France") is None


@pytest.mark.shared_data
def test_geocoding_is_close_to_registry_coordinates(shared_data: Path) -> None:
    """Where the registry gives a point, the offline city centre is usually near it."""
    errors = []
    path = shared_data / "ctgov" / "ctgov_v2_studies.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            section = json.loads(line)["protocolSection"]
            for loc in section.get("contactsLocationsModule", {}).get("locations", []):
                if "geoPoint" in loc and loc.get("city"):
                    found = geocode(loc["city"], loc.get("country"), loc.get("state"))
                    if found is not None:
                        point = loc["geoPoint"]
                        errors.append(haversine_km(*found, point["lat"], point["lon"]))
    assert len(errors) > 1000
    assert statistics.median(errors) < 15
    assert sum(e < 50 for e in errors) / len(errors) > 0.9


@settings(max_examples=300)
@given(st.text(alphabet="CARTNKtcell019-XLEJ γδ\n", max_size=30))
def test_acronym_hints_never_hide_a_match(text: str) -> None:
    from cartnav.registry.classify import _ACRONYM_HINTS, _ACRONYMS

    if _ACRONYMS.search(text):
        assert any(hint in text for hint in _ACRONYM_HINTS)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_ascii_names_normalise_as_the_unicode_path_does(text: str) -> None:
    import re
    import unicodedata

    from cartnav.registry.geo import _norm

    decomposed = unicodedata.normalize("NFKD", text)
    slow = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    slow = slow.replace("'", "").replace("’", "")
    assert _norm(text) == " ".join(re.sub(r"[^\w]+", " ", slow).split())
