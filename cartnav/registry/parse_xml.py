"""Legacy ClinicalTrials.gov XML (``<clinical_study>``) -> :class:`~cartnav.domain.trial.Trial`.

The format of the old registry downloads (``AllPublicXML``) and of the TREC clinical-trials
corpora. A document with a DTD is parsed with ``defusedxml``, which refuses entity tricks
(billion laughs, external entities); one without (every registry record) with the standard
library's C parser, as nothing in it can declare an entity. Text blocks lose the XML's
indentation; nothing else is changed.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as FastET
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from cartnav.domain.errors import RegistryError
from cartnav.domain.trial import Intervention, Site, Trial
from cartnav.registry.ages import age_to_days
from cartnav.registry.countries import country_code
from cartnav.registry.dates import parse_registry_date
from cartnav.registry.parse_json import NCT_ID
from cartnav.registry.vocab import (
    normalise_phases,
    normalise_sex,
    normalise_status,
    normalise_study_type,
    normalise_token,
)

ROOT_TAG = "clinical_study"


class XmlError(RegistryError):
    """A legacy XML document that does not parse or is not a ``<clinical_study>``."""


def read_xml_document(text: str) -> Element:
    """The ``<clinical_study>`` root of ``text``; raises :class:`XmlError` with the reason."""
    try:
        # Entity tricks need a DTD: without one, the standard library's C parser is safe and
        # several times faster than defusedxml's pure Python one, which refuses them by name.
        root = SafeET.fromstring(text) if "<!DOCTYPE" in text else FastET.fromstring(text)
    except ParseError as exc:
        raise XmlError(f"XML does not parse: {exc}") from None
    except DefusedXmlException as exc:
        raise XmlError(f"XML refused for safety (entity or DTD tricks): {exc!r}") from None
    except ValueError as exc:  # e.g. an encoding declaration the parser cannot honour
        raise XmlError(f"XML does not parse: {exc}") from None
    if root.tag != ROOT_TAG:
        raise XmlError(f"not a ClinicalTrials.gov record: root <{root.tag}>, not <{ROOT_TAG}>")
    return root


def _text(element: Element, path: str) -> str | None:
    value = element.findtext(path)
    return value.strip() if value and value.strip() else None


def _texts(element: Element, path: str) -> tuple[str, ...]:
    values = (node.text.strip() for node in element.findall(path) if node.text)
    return tuple(dict.fromkeys(value for value in values if value))


def _block(element: Element, path: str) -> str | None:
    """A ``<textblock>`` (or plain text) without the XML's indentation."""
    raw = element.findtext(f"{path}/textblock")
    if raw is None:
        raw = element.findtext(path)
    if raw is None or not raw.strip():
        return None
    return dedent(raw.strip("\r\n")).strip()


def dedent(text: str) -> str:
    """``textwrap.dedent(text)``, the same result about twice as fast (three text blocks a
    record): lines of only spaces and tabs become empty, and the longest run of spaces and tabs
    that every other line starts with is removed."""
    lines = [line if line.strip(" \t") else "" for line in text.split("\n")]
    indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines if line]
    if not indents:
        return "\n".join(lines)
    # the common prefix of all indents is that of the (lexically) smallest and largest
    low, high = min(indents), max(indents)
    cut = 0
    while cut < len(low) and low[cut] == high[cut]:
        cut += 1
    return "\n".join(line[cut:] for line in lines) if cut else "\n".join(lines)


def parse_study_xml(payload: str, origin: str) -> Trial:
    """One legacy XML document -> Trial; raises RegistryError with the reason."""
    try:
        root = read_xml_document(payload)
    except XmlError as exc:
        raise XmlError(f"{origin}: {exc}") from None
    nct_id = _text(root, "id_info/nct_id")
    if nct_id is None:
        raise RegistryError(f"{origin}: no NCT id (<id_info><nct_id>)")
    if not NCT_ID.fullmatch(nct_id):
        raise RegistryError(f"{origin}: <nct_id> {nct_id[:40]!r} is not an NCT number")
    where = f"{origin} ({nct_id})"

    def age(tag: str) -> int | None:
        try:
            return age_to_days(_text(root, f"eligibility/{tag}"))
        except ValueError as exc:
            raise RegistryError(f"{where}: <{tag}>: {exc}") from None

    def date(*tags: str) -> dt.date | None:
        for tag in tags:
            if (value := _text(root, tag)) is not None:
                try:
                    return parse_registry_date(value)
                except ValueError as exc:
                    raise RegistryError(f"{where}: <{tag}>: {exc}") from None
        return None

    raw_status = _text(root, "overall_status")
    status = normalise_status(raw_status) or "UNKNOWN"
    extra = {"status_raw": raw_status} if raw_status and raw_status != status else {}
    for tag in ("last_known_status", "why_stopped", "id_info/org_study_id"):
        if value := _text(root, tag):
            extra[tag.rsplit("/", 1)[-1]] = value
    enrollment = _text(root, "enrollment")
    healthy = (_text(root, "eligibility/healthy_volunteers") or "").lower()
    brief_title = _text(root, "brief_title")
    official_title = _text(root, "official_title")

    return Trial(
        nct_id=nct_id,
        brief_title=brief_title or official_title or "",
        official_title=official_title,
        acronym=_text(root, "acronym"),
        status=status,
        phases=normalise_phases(_text(root, "phase")),
        study_type=normalise_study_type(_text(root, "study_type")),
        conditions=_texts(root, "condition"),
        keywords=_texts(root, "keyword"),
        mesh_terms=tuple(
            dict.fromkeys(
                _texts(root, "condition_browse/mesh_term")
                + _texts(root, "intervention_browse/mesh_term")
            )
        ),
        interventions=_interventions(root),
        sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        collaborators=_texts(root, "sponsors/collaborator/agency"),
        brief_summary=_block(root, "brief_summary"),
        detailed_description=_block(root, "detailed_description"),
        eligibility_criteria=_block(root, "eligibility/criteria"),
        min_age_days=age("minimum_age"),
        max_age_days=age("maximum_age"),
        sex=normalise_sex(_text(root, "eligibility/gender")) or "ALL",
        healthy_volunteers=(healthy.startswith(("yes", "accepts")) if healthy else None),
        enrollment=int(enrollment) if enrollment and enrollment.isdigit() else None,
        start_date=date("start_date"),
        primary_completion_date=date("primary_completion_date"),
        completion_date=date("completion_date"),
        first_posted=date("study_first_posted", "firstreceived_date"),
        last_update_posted=date("last_update_posted", "lastchanged_date"),
        sites=_sites(root),
        source_format="ctgov_legacy_xml",
        extra=extra,
    )


def _interventions(root: Element) -> tuple[Intervention, ...]:
    found = []
    for node in root.findall("intervention"):
        name = _text(node, "intervention_name")
        if name is None:
            continue
        found.append(
            Intervention(
                type=normalise_token(_text(node, "intervention_type")),
                name=name,
                description=_text(node, "description"),
                other_names=_texts(node, "other_name"),
            )
        )
    return tuple(found)


def _sites(root: Element) -> tuple[Site, ...]:
    """``<location>`` sites, then a country-only site for each listed country without one."""
    sites = []
    for node in root.findall("location"):
        country = _text(node, "facility/address/country")
        sites.append(
            Site(
                facility=_text(node, "facility/name"),
                city=_text(node, "facility/address/city"),
                state=_text(node, "facility/address/state"),
                country=country,
                country_code=country_code(country),
                status=normalise_status(_text(node, "status")),
            )
        )
    covered = {site.country for site in sites}
    for country in _texts(root, "location_countries/country"):
        if country not in covered:
            sites.append(Site(country=country, country_code=country_code(country)))
    return tuple(sites)
