"""Parse a :class:`RawRecord` into a :class:`~cartnav.domain.trial.Trial` (pure, no I/O).

:func:`parse_record` dispatches on the record's format (API v2 JSON or legacy XML) and raises
:class:`~cartnav.domain.errors.RegistryError` naming the record and the reason for anything it
cannot read. :func:`content_hash` fingerprints the verbatim payload so an import can tell an
unchanged record from an updated one.
"""

from __future__ import annotations

import hashlib

from cartnav.domain.errors import RegistryError
from cartnav.domain.trial import Trial
from cartnav.registry.parse_json import parse_study_json
from cartnav.registry.parse_xml import parse_study_xml
from cartnav.registry.records import RawRecord


def parse_record(raw: RawRecord) -> Trial:
    """The trial in ``raw``; raises RegistryError with the reason when it cannot be read."""
    if raw.format == "ctgov_v2_json":
        return parse_study_json(raw.payload, raw.origin)
    if raw.format == "ctgov_legacy_xml":
        return parse_study_xml(raw.payload, raw.origin)
    raise RegistryError(f"{raw.origin}: unknown record format {raw.format!r}")


def content_hash(raw: RawRecord) -> str:
    """SHA-256 (hex) of the payload as written; XML line endings (CRLF, CR) count as LF."""
    payload = raw.payload
    if raw.format == "ctgov_legacy_xml":
        payload = payload.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
