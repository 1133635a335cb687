"""parse_record on every shared registry record, wrong types, and the parsing tables."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartnav.domain.errors import RegistryError
from cartnav.domain.trial import STATUSES, Trial
from cartnav.registry.ages import age_to_days
from cartnav.registry.countries import country_code
from cartnav.registry.dates import parse_registry_date
from cartnav.registry.parse import content_hash, parse_record
from cartnav.registry.records import RawRecord
from cartnav.registry.sources import iter_records
from cartnav.registry.vocab import normalise_phases, normalise_status

YEAR = 365.25


@pytest.fixture(scope="module")
def v2_studies(shared_data: Path) -> list[dict[str, Any]]:
    with gzip.open(shared_data / "ctgov/ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def shared_trials(shared_data: Path) -> dict[str, Trial]:
    paths = [shared_data / "ctgov/ctgov_v2_studies.jsonl.gz", shared_data / "ctgov/cart_legacy_xml"]
    trials = {}
    for record in iter_records(paths):
        assert isinstance(record, RawRecord)
        trial = parse_record(record)
        assert trial.nct_id == record.nct_id
        trials[trial.nct_id] = trial
    return trials


def v2_raw(study: object, origin: str = "test.json") -> RawRecord:
    return RawRecord(origin, "ctgov_v2_json", json.dumps(study), None)


def test_every_shared_record_parses(shared_trials: dict[str, Trial]) -> None:
    formats = [trial.source_format for trial in shared_trials.values()]
    assert (formats.count("ctgov_v2_json"), formats.count("ctgov_legacy_xml")) == (150, 24)
    assert all(trial.status in STATUSES for trial in shared_trials.values())
    assert all(trial.brief_title for trial in shared_trials.values())
    assert all(trial.eligibility_criteria for trial in shared_trials.values())


def test_eliana_legacy_xml_fields(shared_trials: dict[str, Trial]) -> None:
    trial = shared_trials["NCT02435849"]
    assert trial.source_format == "ctgov_legacy_xml"
    assert (trial.min_age_days, trial.max_age_days) == (1095, 10957)  # 3 Years, 30 Years
    assert trial.admits_age(3) and trial.admits_age(30.9) and not trial.admits_age(31)
    assert not trial.admits_age(2.9)
    assert trial.status == "ACTIVE_NOT_RECRUITING"
    assert trial.extra["status_raw"] == "Active, not recruiting"
    assert trial.phases == ("PHASE2",)
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.acronym == "ELIANA"
    assert trial.sponsor == "Novartis Pharmaceuticals"
    assert (trial.sex, trial.healthy_volunteers, trial.enrollment) == ("ALL", False, 81)
    assert trial.start_date == dt.date(2015, 4, 8)
    assert trial.last_update_posted == dt.date(2018, 3, 21)
    assert trial.first_posted == dt.date(2015, 5, 6)
    assert trial.keywords == ("Pediatric", "ALL", "Cell therapy")
    assert "Precursor Cell Lymphoblastic Leukemia-Lymphoma" in trial.mesh_terms
    assert trial.interventions[0].type == "BIOLOGICAL"
    assert trial.interventions[0].name == "Single dose of CTL019"
    assert len(trial.sites) == 25
    assert len(trial.countries) == 11
    first = trial.sites[0]
    assert (first.facility, first.city, first.state) == (
        "Childrens Hospital Los Angeles SC CTL019",
        "Los Angeles",
        "California",
    )
    assert (first.country, first.country_code) == ("United States", "US")
    criteria = trial.eligibility_criteria or ""
    assert criteria.startswith(
        "Inclusion Criteria:\n\n  -  Relapsed or refractory pediatric B-cell"
    )
    assert "Exclusion Criteria:" in criteria
    assert "1 to < 2 years" in criteria  # XML entities decoded
    assert criteria.endswith("Other protocol-defined inclusion/exclusion may apply.")


@pytest.mark.parametrize(
    ("nct_id", "min_days", "max_days", "phases", "status"),
    [
        ("NCT02625480", None, 7670, ("PHASE1", "PHASE2"), "RECRUITING"),
        ("NCT03467256", 91, 9131, ("PHASE1", "PHASE2"), "RECRUITING"),
        ("NCT03473457", 182, None, ("NA",), "RECRUITING"),
        ("NCT03488160", 5844, 25567, ("NA",), "UNKNOWN"),
        ("NCT03919240", None, None, ("PHASE1", "PHASE2"), "RECRUITING"),
        ("NCT02228096", 1095, 7670, ("PHASE2",), "COMPLETED"),
    ],
    ids=["NA-21y", "3mo-25y", "6mo-NA", "unknown-status", "NA-NA", "completed"],
)
def test_legacy_xml_ages_phases_statuses(
    shared_trials: dict[str, Trial],
    nct_id: str,
    min_days: int | None,
    max_days: int | None,
    phases: tuple[str, ...],
    status: str,
) -> None:
    trial = shared_trials[nct_id]
    assert (trial.min_age_days, trial.max_age_days) == (min_days, max_days)
    assert (trial.phases, trial.status) == (phases, status)


def test_listed_countries_without_sites_become_country_only_sites(
    shared_data: Path, shared_trials: dict[str, Trial]
) -> None:
    assert shared_trials["NCT03599375"].sites == ()  # no location listed at all
    text = (shared_data / "ctgov/cart_legacy_xml/NCT02435849.xml").read_text(encoding="utf-8")
    without_sites = re.sub(r"<location>.*?</location>", "", text, flags=re.DOTALL)
    trial = parse_record(RawRecord("x.xml", "ctgov_legacy_xml", without_sites, None))
    assert len(trial.sites) == 11
    assert all(site.facility is None for site in trial.sites)
    assert ("Norway", "NO") in {(site.country, site.country_code) for site in trial.sites}


def test_v2_record_fields(shared_trials: dict[str, Trial]) -> None:
    trial = shared_trials["NCT06576635"]
    assert trial.source_format == "ctgov_v2_json"
    assert (trial.min_age_days, trial.max_age_days) == (6574, None)
    assert (trial.status, trial.phases, trial.study_type) == (
        "RECRUITING",
        ("NA",),
        "INTERVENTIONAL",
    )
    assert trial.conditions == ("NSCLC",)
    assert trial.mesh_terms[:2] == ("Docetaxel", "Paclitaxel")
    assert [i.name for i in trial.interventions][:2] == ["Docetaxel", "Paclitaxel"]
    assert trial.enrollment == 29
    assert trial.primary_completion_date == dt.date(2026, 9, 1)  # "2026-09"
    assert trial.last_update_posted == dt.date(2025, 11, 6)
    (site,) = trial.sites
    assert (site.city, site.state, site.country_code, site.status) == (
        "Chicago",
        "Illinois",
        "US",
        "RECRUITING",
    )
    assert (site.lat, site.lon) == (41.85003, -87.65005)
    assert (trial.eligibility_criteria or "").startswith("Inclusion Criteria:\n\n* Age ≥ 18")


def _age(text: str | None) -> int | None:
    return age_to_days(text)


def test_v2_fields_agree_with_the_json_for_all_150(
    v2_studies: list[dict[str, Any]], shared_trials: dict[str, Trial]
) -> None:
    for study in v2_studies:
        protocol = study["protocolSection"]
        trial = shared_trials[protocol["identificationModule"]["nctId"]]
        eligibility = protocol["eligibilityModule"]
        assert trial.min_age_days == _age(eligibility.get("minimumAge"))
        assert trial.max_age_days == _age(eligibility.get("maximumAge"))
        assert trial.status == protocol["statusModule"]["overallStatus"]
        locations = protocol.get("contactsLocationsModule", {}).get("locations", [])
        assert len(trial.sites) == len(locations)
        assert all(site.country_code for site in trial.sites if site.country)
        geo = [loc for loc in locations if "geoPoint" in loc]
        assert sum(site.lat is not None for site in trial.sites) == len(geo)
        assert trial.eligibility_criteria == eligibility["eligibilityCriteria"]
    eight_months = shared_trials["NCT05814159"]
    assert eight_months.min_age_days == 243
    assert sum(1 for t in shared_trials.values() if "CN" in {s.country_code for s in t.sites}) >= 62


def test_every_shared_country_name_has_an_iso_code(shared_trials: dict[str, Trial]) -> None:
    unknown = {s.country for t in shared_trials.values() for s in t.sites if not s.country_code}
    assert unknown == set()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Turkey (Türkiye)", "TR"),
        ("Russian Federation", "RU"),
        ("Russia", "RU"),
        ("Czechia", "CZ"),
        ("Taiwan", "TW"),
        ("Hong Kong", "HK"),
        ("Iran, Islamic Republic of", "IR"),
        ("  china ", "CN"),
        ("Atlantis", None),
        ("", None),
        (None, None),
    ],
    ids=lambda value: str(value),
)
def test_country_codes(name: str | None, code: str | None) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("6 Years", 2191),
        ("1 Year", 365),
        ("18 Months", 547),
        ("30 Days", 30),
        ("2 Weeks", 14),
        ("12 Hours", 0),
        ("0 Years", 0),
        ("3 Months", 91),
        ("N/A", None),
        ("", None),
        (None, None),
        ("  21 years ", 7670),
    ],
    ids=lambda value: repr(value),
)
def test_age_table(text: str | None, days: int | None) -> None:
    assert age_to_days(text) == days


@pytest.mark.parametrize(
    ("text", "days"),
    [("18 Years and older", 6574), ("3 years", 1095), ("Up to 25 Years", 9131), ("N/A", None)],
    ids=["and-older", "lowercase", "up-to", "na"],
)
def test_lenient_age_table(text: str, days: int | None) -> None:
    assert age_to_days(text, lenient=True) == days


@pytest.mark.parametrize("text", ["abc", "Years", "18 Parsecs", "18 Years and older", "-3 Years"])
def test_unreadable_ages_raise(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read the age"):
        age_to_days(text)


def test_years_in_days_match_trial_admits_age() -> None:
    for years in range(0, 100):
        days = age_to_days(f"{years} Years")
        assert days is not None
        assert days <= years * YEAR < days + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-16", dt.date(2024, 12, 16)),
        ("2026-09", dt.date(2026, 9, 1)),
        ("2016", dt.date(2016, 1, 1)),
        ("July 2016", dt.date(2016, 7, 1)),
        ("July 15, 2016", dt.date(2016, 7, 15)),
        ("Sept. 3, 2019", dt.date(2019, 9, 3)),
        ("", None),
    ],
    ids=["iso", "iso-month", "year", "month-year", "month-day-year", "abbrev", "empty"],
)
def test_date_table(text: str, expected: dt.date | None) -> None:
    assert parse_registry_date(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "Smarch 2016", "July 32, 2016"])
def test_unreadable_dates_raise(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read the date"):
        parse_registry_date(text)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Recruiting", "RECRUITING"),
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("Not yet recruiting", "NOT_YET_RECRUITING"),
        ("Enrolling by invitation", "ENROLLING_BY_INVITATION"),
        ("Unknown status", "UNKNOWN"),
        ("Unknown (Recruitment status was: Recruiting)", "UNKNOWN"),
        ("No longer available", "NO_LONGER_AVAILABLE"),
        ("COMPLETED", "COMPLETED"),
        ("complete", "COMPLETED"),
        ("Enrolling", "RECRUITING"),
        ("nonsense", None),
    ],
    ids=lambda value: str(value),
)
def test_status_table(text: str, status: str | None) -> None:
    assert normalise_status(text) == status


@pytest.mark.parametrize(
    ("text", "phases"),
    [
        ("Phase 1/Phase 2", ("PHASE1", "PHASE2")),
        ("Phase 2 Phase 1", ("PHASE1", "PHASE2")),
        ("PHASE1/PHASE2", ("PHASE1", "PHASE2")),
        ("Phase 1/2", ("PHASE1", "PHASE2")),
        ("Early Phase 1", ("EARLY_PHASE1",)),
        ("EARLY_PHASE1", ("EARLY_PHASE1",)),
        ("N/A", ("NA",)),
        ("Phase N/A", ("NA",)),
        ("Phase 3", ("PHASE3",)),
        ("", ()),
    ],
    ids=lambda value: str(value),
)
def test_phase_table(text: str, phases: tuple[str, ...]) -> None:
    assert normalise_phases(text) == phases


def _set(study: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    changed = copy.deepcopy(study)
    node = changed
    *parents, last = path.split(".")
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return changed


_DELETE = object()
P = "protocolSection"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (f"{P}.identificationModule.nctId", 12345678, "expected a string, got a number"),
        (f"{P}.identificationModule.nctId", _DELETE, "no NCT id"),
        (f"{P}.identificationModule.nctId", "ABC123", "is not an NCT number"),
        (f"{P}.contactsLocationsModule.locations", {"city": "x"}, "expected a list, got an object"),
        (f"{P}.contactsLocationsModule.locations", ["x"], "locations[0]': expected an object"),
        (f"{P}.designModule.phases", "PHASE2", "phases': expected a list"),
        (f"{P}.designModule.enrollmentInfo.count", "29", "expected a whole number"),
        (f"{P}.eligibilityModule.minimumAge", "eighteen", "cannot read the age"),
        (f"{P}.eligibilityModule.healthyVolunteers", "no", "expected true or false"),
        (f"{P}.statusModule.lastUpdatePostDateStruct.date", "yesterday", "cannot read the date"),
        (f"{P}.contactsLocationsModule.locations.0.geoPoint.lat", "41.8", "expected a number"),
        (f"{P}.contactsLocationsModule.locations.0.geoPoint.lat", 141.8, "not a point on Earth"),
        (P, [], "expected an object, got a list"),
        (P, _DELETE, "no 'protocolSection'"),
    ],
    ids=[
        "nct-number",
        "nct-missing",
        "nct-malformed",
        "locations-object",
        "location-string",
        "phases-string",
        "enrollment-string",
        "age-words",
        "healthy-string",
        "date-words",
        "lat-string",
        "lat-off-earth",
        "protocol-list",
        "protocol-missing",
    ],
)
def test_wrong_types_raise_naming_record_and_field(
    v2_studies: list[dict[str, Any]], path: str, value: object, message: str
) -> None:
    study = _set(v2_studies[0], path, value)
    with pytest.raises(RegistryError, match=re.escape("mixed.jsonl#line=3")) as info:
        parse_record(v2_raw(study, "mixed.jsonl#line=3"))
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("payload", "message"),
    [("[]", "expected a study object, got a list"), ('{"protocolSection": ', "invalid JSON")],
    ids=["list", "truncated"],
)
def test_unreadable_payloads_raise(payload: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_record(RawRecord("x.json", "ctgov_v2_json", payload, None))


def test_xml_without_nct_id_raises() -> None:
    raw = RawRecord(
        "a.xml",
        "ctgov_legacy_xml",
        "<clinical_study><brief_title>x</brief_title></clinical_study>",
        None,
    )
    with pytest.raises(RegistryError, match=re.escape("a.xml: no NCT id")):
        parse_record(raw)


def test_content_hash_is_stable_and_ignores_xml_line_endings(shared_data: Path) -> None:
    text = (shared_data / "ctgov/cart_legacy_xml/NCT02435849.xml").read_text(encoding="utf-8")
    lf = RawRecord("a.xml", "ctgov_legacy_xml", text, "NCT02435849")
    crlf = RawRecord("b.xml", "ctgov_legacy_xml", text.replace("\n", "\r\n"), "NCT02435849")
    changed = RawRecord("c.xml", "ctgov_legacy_xml", text.replace("ELIANA", "ELIANA2"), None)
    assert content_hash(lf) == content_hash(crlf) == content_hash(lf)
    assert content_hash(changed) != content_hash(lf)
    assert len(content_hash(lf)) == 64
    json_a = v2_raw({"a": 1})
    assert content_hash(json_a) != content_hash(RawRecord("x", "ctgov_v2_json", '{"a":1}', None))


JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
STUDY_KEYS = [
    "identificationModule",
    "statusModule",
    "designModule",
    "conditionsModule",
    "armsInterventionsModule",
    "sponsorCollaboratorsModule",
    "descriptionModule",
    "eligibilityModule",
    "contactsLocationsModule",
]


@st.composite
def mutated_studies(draw: st.DrawFn) -> dict[str, Any]:
    """A small real-shaped study with random values swapped in at random places."""
    study: dict[str, Any] = {
        P: {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": "t"},
            "statusModule": {"overallStatus": "RECRUITING", "startDateStruct": {"date": "2020-01"}},
            "eligibilityModule": {"minimumAge": "3 Years", "maximumAge": "N/A", "sex": "ALL"},
            "contactsLocationsModule": {
                "locations": [
                    {"city": "Paris", "country": "France", "geoPoint": {"lat": 1, "lon": 2}}
                ]
            },
            "armsInterventionsModule": {"interventions": [{"name": "x", "type": "DRUG"}]},
        },
        "derivedSection": {"conditionBrowseModule": {"meshes": [{"term": "Leukemia"}]}},
    }
    for _ in range(draw(st.integers(1, 4))):
        module = draw(st.sampled_from(STUDY_KEYS))
        section = study[P].setdefault(module, {})
        key = draw(
            st.sampled_from(
                [
                    "nctId",
                    "overallStatus",
                    "minimumAge",
                    "maximumAge",
                    "locations",
                    "interventions",
                    "phases",
                    "conditions",
                    "enrollmentInfo",
                    "leadSponsor",
                    "startDateStruct",
                    "sex",
                    "healthyVolunteers",
                ]
            )
        )
        section[key] = draw(JSON_VALUES)
    return study


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(study=mutated_studies() | JSON_VALUES)
def test_parse_record_only_ever_raises_registry_error(study: object) -> None:
    try:
        trial = parse_record(v2_raw(study))
    except RegistryError:
        return
    assert trial.status in STATUSES
    assert trial.nct_id == "NCT01234567"


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=60))
def test_xml_parser_only_ever_raises_registry_error(text: str) -> None:
    payload = (
        f"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>{text}</clinical_study>"
    )
    try:
        trial = parse_record(RawRecord("h.xml", "ctgov_legacy_xml", payload, None))
    except RegistryError:
        return
    assert trial.nct_id == "NCT01234567"


@settings(max_examples=300)
@given(st.text(alphabet=" \t\nab\r\x0c", max_size=60))
def test_xml_dedent_is_textwrap_dedent(text: str) -> None:
    import textwrap

    from cartnav.registry.parse_xml import dedent

    assert dedent(text) == textwrap.dedent(text)
