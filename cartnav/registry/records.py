"""The two things a registry reader yields: a record to parse, or a piece it could not read.

A :class:`RawRecord` carries one study exactly as the source wrote it (one study's JSON text, or
one legacy XML document), so the store can keep it verbatim and re-parse it later. A
:class:`RejectedRecord` is a broken piece (a truncated line, invalid JSON, an object that is not a
study, XML that does not parse) with the reason; the ingest quarantines it and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RecordFormat = Literal["ctgov_v2_json", "ctgov_legacy_xml"]
FORMATS: tuple[RecordFormat, ...] = ("ctgov_v2_json", "ctgov_legacy_xml")


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One study, verbatim. ``origin`` says where it came from (``file.jsonl.gz#line=12``,
    ``bulk.zip!NCT01234567.json``, ``dir/NCT01234567.xml``); ``nct_id`` is a best-effort guess
    made before full parsing."""

    origin: str
    format: RecordFormat
    payload: str
    nct_id: str | None


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A piece of input that is not a readable study; ``reason`` names what is wrong."""

    origin: str
    reason: str
    payload: str
    nct_id: str | None
