"""ClinicalTrials.gov API v2 study JSON -> :class:`~cartnav.domain.trial.Trial` (pure).

Every field is type-checked on the way in: a wrong type (``nctId`` a number, ``locations`` not a
list) raises :class:`RegistryError` naming the record and the field path. Missing fields stay
missing (``None`` / empty), never invented.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NoReturn

import orjson

from cartnav.domain.errors import RegistryError
from cartnav.domain.trial import Intervention, Site, Trial
from cartnav.registry.ages import age_to_days
from cartnav.registry.countries import country_code
from cartnav.registry.dates import parse_registry_date
from cartnav.registry.vocab import (
    normalise_phases,
    normalise_sex,
    normalise_status,
    normalise_study_type,
    normalise_token,
)

NCT_ID = re.compile(r"NCT\d{8}")
_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return _KINDS.get(type(value), type(value).__name__)


class _Fields:
    """Typed access to a JSON object; errors name ``where`` and the field path."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, expected: str, value: object) -> NoReturn:
        got = _kind(value)
        raise RegistryError(f"{self.where}: field '{path}': expected {expected}, got {got}")

    def obj(self, parent: Mapping[str, Any], key: str, path: str) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(_join(path, key), "an object", value)
        return value

    def text(self, parent: Mapping[str, Any], key: str, path: str) -> str | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(_join(path, key), "a string", value)
        return value if value.strip() else None

    def texts(self, parent: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = parent.get(key)
        if values is None:
            return ()
        if not isinstance(values, list):
            self.fail(_join(path, key), "a list", values)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{_join(path, key)}[{index}]", "a string", value)
        return tuple(value for value in values if value.strip())

    def objs(self, parent: Mapping[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        values = parent.get(key)
        if values is None:
            return []
        if not isinstance(values, list):
            self.fail(_join(path, key), "a list", values)
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                self.fail(f"{_join(path, key)}[{index}]", "an object", value)
        return values

    def integer(self, parent: Mapping[str, Any], key: str, path: str) -> int | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), "a whole number", value)
        return int(value)

    def number(self, parent: Mapping[str, Any], key: str, path: str) -> float | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(_join(path, key), "a number", value)
        return float(value)

    def flag(self, parent: Mapping[str, Any], key: str, path: str) -> bool | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(_join(path, key), "true or false", value)
        return value

    def age(self, parent: Mapping[str, Any], key: str, path: str) -> int | None:
        try:
            return age_to_days(self.text(parent, key, path))
        except ValueError as exc:
            raise RegistryError(f"{self.where}: field '{_join(path, key)}': {exc}") from None

    def date(self, parent: Mapping[str, Any], key: str, path: str) -> dt.date | None:
        value = parent.get(key)
        if isinstance(value, dict):
            path, key, parent = _join(path, key), "date", value
        try:
            return parse_registry_date(self.text(parent, key, path))
        except ValueError as exc:
            raise RegistryError(f"{self.where}: field '{_join(path, key)}': {exc}") from None


def parse_study_json(payload: str, origin: str) -> Trial:
    """One API v2 study (its JSON text) -> Trial; raises RegistryError with the reason."""
    try:
        study = orjson.loads(payload)  # about twice as fast as json.loads
    except orjson.JSONDecodeError:
        # orjson is stricter (NaN, integers beyond 64 bits, lone surrogates, deep nesting):
        # the standard decoder decides, so the accepted input and the error messages stay its own
        try:
            study = json.loads(payload)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise RegistryError(f"{origin}: invalid JSON: {exc}") from None
        try:  # an escape such as \ud800 decodes to half a character no database can store
            json.dumps(study, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise RegistryError(
                f"{origin}: invalid JSON text: a lone UTF-16 surrogate escape "
                f"(\\u{ord(exc.object[exc.start]):04x}) is not a character"
            ) from None
    if not isinstance(study, dict):
        raise RegistryError(f"{origin}: expected a study object, got {_kind(study)}")
    return study_to_trial(study, origin)


def study_to_trial(study: Mapping[str, Any], origin: str) -> Trial:
    """A decoded API v2 study -> Trial."""
    f = _Fields(origin)
    protocol = f.obj(study, "protocolSection", "")
    if not protocol:
        raise RegistryError(f"{origin}: not a ClinicalTrials.gov study: no 'protocolSection'")
    p = "protocolSection"
    ident = f.obj(protocol, "identificationModule", p)
    nct_id = f.text(ident, "nctId", f"{p}.identificationModule")
    if nct_id is None:
        raise RegistryError(f"{origin}: no NCT id (protocolSection.identificationModule.nctId)")
    if not NCT_ID.fullmatch(nct_id.strip()):
        raise RegistryError(f"{origin}: nctId {nct_id[:40]!r} is not an NCT number")
    nct_id = nct_id.strip()
    f.where = f"{origin} ({nct_id})"

    status = f.obj(protocol, "statusModule", p)
    design = f.obj(protocol, "designModule", p)
    conditions = f.obj(protocol, "conditionsModule", p)
    arms = f.obj(protocol, "armsInterventionsModule", p)
    sponsors = f.obj(protocol, "sponsorCollaboratorsModule", p)
    description = f.obj(protocol, "descriptionModule", p)
    eligibility = f.obj(protocol, "eligibilityModule", p)
    contacts = f.obj(protocol, "contactsLocationsModule", p)
    derived = f.obj(study, "derivedSection", "")

    sm = f"{p}.statusModule"
    raw_status = f.text(status, "overallStatus", sm)
    extra: dict[str, str] = {}
    overall = normalise_status(raw_status) or "UNKNOWN"
    if raw_status and overall != raw_status:
        extra["status_raw"] = raw_status
    for key, name in (("lastKnownStatus", "last_known_status"), ("whyStopped", "why_stopped")):
        if value := f.text(status, key, sm):
            extra[name] = value
    if org_id := f.text(
        f.obj(ident, "orgStudyIdInfo", f"{p}.identificationModule"),
        "id",
        f"{p}.identificationModule.orgStudyIdInfo",
    ):
        extra["org_study_id"] = org_id

    dm = f"{p}.designModule"
    phases: list[str] = []
    for phase in f.texts(design, "phases", dm):
        phases.extend(normalise_phases(phase) or (phase,))
    em = f"{p}.eligibilityModule"
    sex_text = f.text(eligibility, "sex", em)
    brief_title = f.text(ident, "briefTitle", f"{p}.identificationModule")
    official_title = f.text(ident, "officialTitle", f"{p}.identificationModule")
    lead = f.obj(sponsors, "leadSponsor", f"{p}.sponsorCollaboratorsModule")

    return Trial(
        nct_id=nct_id,
        brief_title=brief_title or official_title or "",
        official_title=official_title,
        acronym=f.text(ident, "acronym", f"{p}.identificationModule"),
        status=overall,
        phases=tuple(dict.fromkeys(phases)),
        study_type=normalise_study_type(f.text(design, "studyType", dm)),
        conditions=f.texts(conditions, "conditions", f"{p}.conditionsModule"),
        keywords=f.texts(conditions, "keywords", f"{p}.conditionsModule"),
        mesh_terms=_mesh_terms(f, derived),
        interventions=_interventions(f, arms, f"{p}.armsInterventionsModule"),
        sponsor=f.text(lead, "name", f"{p}.sponsorCollaboratorsModule.leadSponsor"),
        collaborators=_names(f, sponsors, "collaborators", f"{p}.sponsorCollaboratorsModule"),
        brief_summary=f.text(description, "briefSummary", f"{p}.descriptionModule"),
        detailed_description=f.text(description, "detailedDescription", f"{p}.descriptionModule"),
        eligibility_criteria=f.text(eligibility, "eligibilityCriteria", em),
        min_age_days=f.age(eligibility, "minimumAge", em),
        max_age_days=f.age(eligibility, "maximumAge", em),
        sex=normalise_sex(sex_text) or "ALL",
        healthy_volunteers=f.flag(eligibility, "healthyVolunteers", em),
        enrollment=f.integer(f.obj(design, "enrollmentInfo", dm), "count", f"{dm}.enrollmentInfo"),
        start_date=f.date(status, "startDateStruct", sm),
        primary_completion_date=f.date(status, "primaryCompletionDateStruct", sm),
        completion_date=f.date(status, "completionDateStruct", sm),
        first_posted=f.date(status, "studyFirstPostDateStruct", sm),
        last_update_posted=f.date(status, "lastUpdatePostDateStruct", sm),
        sites=_sites(f, contacts, f"{p}.contactsLocationsModule"),
        source_format="ctgov_v2_json",
        extra=extra,
    )


def _names(f: _Fields, parent: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    names = []
    for index, item in enumerate(f.objs(parent, key, path)):
        if name := f.text(item, "name", f"{path}.{key}[{index}]"):
            names.append(name)
    return tuple(names)


def _interventions(f: _Fields, arms: Mapping[str, Any], path: str) -> tuple[Intervention, ...]:
    found = []
    for index, item in enumerate(f.objs(arms, "interventions", path)):
        where = f"{path}.interventions[{index}]"
        name = f.text(item, "name", where)
        if name is None:
            continue
        found.append(
            Intervention(
                type=normalise_token(f.text(item, "type", where)),
                name=name,
                description=f.text(item, "description", where),
                other_names=f.texts(item, "otherNames", where),
            )
        )
    return tuple(found)


def _mesh_terms(f: _Fields, derived: Mapping[str, Any]) -> tuple[str, ...]:
    terms: dict[str, None] = {}
    for module in ("conditionBrowseModule", "interventionBrowseModule"):
        browse = f.obj(derived, module, "derivedSection")
        for index, mesh in enumerate(f.objs(browse, "meshes", f"derivedSection.{module}")):
            if term := f.text(mesh, "term", f"derivedSection.{module}.meshes[{index}]"):
                terms.setdefault(term, None)
    return tuple(terms)


_SITE_KEYS = ("facility", "city", "state", "country", "status")
_TEXT_OR_NULL = (str, type(None))
_site_status = lru_cache(maxsize=256)(normalise_status)  # a handful of values, ~20 sites a study


def _sites(f: _Fields, contacts: Mapping[str, Any], path: str) -> tuple[Site, ...]:
    """The study's locations; the hot loop of parsing (about 20 sites a study), so the common
    shape (text or null fields, a numeric geoPoint) takes a fast path and anything else the
    checked one, which names the field at fault."""
    sites = []
    for index, location in enumerate(f.objs(contacts, "locations", path)):
        get = location.get
        facility, city, state = get("facility"), get("city"), get("state")
        country, status = get("country"), get("status")
        if not (
            type(facility) in _TEXT_OR_NULL
            and type(city) in _TEXT_OR_NULL
            and type(state) in _TEXT_OR_NULL
            and type(country) in _TEXT_OR_NULL
            and type(status) in _TEXT_OR_NULL
        ):
            for key in _SITE_KEYS:  # the slow path names the field at fault
                f.text(location, key, f"{path}.locations[{index}]")
        lat = lon = None
        if (geo := get("geoPoint")) is not None:
            if (
                type(geo) is dict
                and type(geo.get("lat")) is float
                and type(geo.get("lon")) is float
            ):
                lat, lon = geo["lat"], geo["lon"]
            else:
                where = f"{path}.locations[{index}].geoPoint"
                geo = f.obj(location, "geoPoint", f"{path}.locations[{index}]")
                lat, lon = f.number(geo, "lat", where), f.number(geo, "lon", where)
            if lat is None or lon is None:
                lat = lon = None
            elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                where = f"{path}.locations[{index}].geoPoint"
                raise RegistryError(f"{f.where}: field '{where}': not a point on Earth")
        # blank -> None, inline (``x and not x.isspace()`` is ``x.strip()`` being truthy)
        country = country if country and not country.isspace() else None
        sites.append(
            Site(
                facility=facility if facility and not facility.isspace() else None,
                city=city if city and not city.isspace() else None,
                state=state if state and not state.isspace() else None,
                country=country,
                country_code=country_code(country),
                status=_site_status(status if status and not status.isspace() else None),
                lat=lat,
                lon=lon,
            )
        )
    return tuple(sites)
