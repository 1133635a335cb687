"""Read ClinicalTrials.gov records from files, folders and archives, one study at a time.

:func:`iter_records` accepts any mix of: one API v2 study, a JSON list of studies, an API page
``{"studies": [...], "nextPageToken": ...}``, JSON Lines, gzip of any of these (recognised by its
magic bytes, whatever the name), the registry's bulk ZIP (one JSON file per study), legacy
``<clinical_study>`` XML files, ZIPs of XML, and folders of all these (recursively). It streams:
JSON Lines line by line, big JSON lists and pages value by value, ZIP members one at a time, so
memory stays flat however large the input.

Each study becomes a :class:`RawRecord` with its text verbatim. A broken piece becomes a
:class:`RejectedRecord` naming its origin and the reason, and reading goes on with the next piece
(in one big JSON document nothing after a syntax error can be trusted, so that file stops there).

Speed: a JSON Lines line that is a compact API study (``{"protocolSection"...}``) is passed on
without decoding; :func:`~cartnav.registry.parse.parse_record` checks it fully, so a damaged one
is still rejected with its reason (by the ingest) instead of by the reader.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from cartnav.domain.errors import RegistryError
from cartnav.registry.jsonstream import CHUNK_CHARS, JsonBroken, JsonItem, JsonMeta, iter_json
from cartnav.registry.parse_xml import XmlError, read_xml_document
from cartnav.registry.records import RawRecord, RejectedRecord

Record = RawRecord | RejectedRecord

LINE_SUFFIXES = frozenset({".jsonl", ".ndjson", ".jsonlines"})
FOLDER_SUFFIXES = frozenset({".json", ".xml", ".gz", ".zip"} | LINE_SUFFIXES)
MAX_XML_CHARS = 16 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_NCT = re.compile(r"NCT\d{8}")
_NCT_FIELD = re.compile(r'"nctId"\s*:\s*"(NCT\d{8})"')


def iter_records(paths: Iterable[str | Path]) -> Iterator[Record]:
    """Yield every study (or rejected piece) found under ``paths``, in a stable order.

    Raises :class:`RegistryError` naming the path when a path does not exist or cannot be read.
    """
    wanted = [Path(path) for path in paths]
    for path in wanted:
        if not path.exists():
            raise RegistryError(f"no such file or folder: {path}")
    for path in wanted:
        if path.is_dir():
            yield from _iter_folder(path)
        else:
            yield from _iter_file(path)


def _wanted_in_folder(name: str) -> bool:
    """Registry-looking files: .json/.jsonl/.ndjson/.xml/.zip, or .gz of those (or bare .gz)."""
    if name.startswith("."):
        return False
    lower = name.lower()
    if lower.endswith(".gz"):
        inner = Path(lower[:-3]).suffix
        return inner == "" or inner in FOLDER_SUFFIXES - {".gz", ".zip"}
    return Path(lower).suffix in FOLDER_SUFFIXES


def _iter_folder(folder: Path) -> Iterator[Record]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if _wanted_in_folder(name):
                yield from _iter_file(Path(dirpath) / name)


def _iter_file(path: Path) -> Iterator[Record]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise RegistryError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        yield from _iter_binary(handle, str(path), path.name)


def _iter_binary(stream: IO[bytes] | gzip.GzipFile, origin: str, name: str) -> Iterator[Record]:
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
    try:
        head = bytes(buffered.peek(4)[:4])
    except OSError as exc:
        yield RejectedRecord(origin, f"cannot read the file: {exc}", "", _nct_in(name))
        return
    if head.startswith(GZIP_MAGIC):
        yield from _iter_gzip(buffered, origin, name)
    elif head.startswith(ZIP_MAGICS):
        yield from _iter_zip(buffered, origin)
    else:
        text = io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")
        try:
            yield from _iter_text(text, origin, name)
        finally:
            text.detach()


def _iter_gzip(stream: IO[bytes], origin: str, name: str) -> Iterator[Record]:
    inner = name[:-3] if name.lower().endswith(".gz") else name
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            yield from _iter_binary(unzipped, origin, inner)
    except (OSError, EOFError, zlib.error) as exc:
        reason = f"gzip data is corrupt or truncated ({exc}); the rest of the file was not read"
        yield RejectedRecord(origin, reason, "", _nct_in(name))


def _iter_zip(stream: IO[bytes], origin: str) -> Iterator[Record]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield RejectedRecord(origin, f"not a readable ZIP archive: {exc}", "", None)
        return
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and _wanted_in_folder(info.filename.rsplit("/", 1)[-1])
        ]
        for info in members:
            member_origin = f"{origin}!{info.filename}"
            try:
                with archive.open(info) as member:
                    yield from _iter_binary(member, member_origin, info.filename)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as exc:
                reason = f"ZIP member cannot be read: {exc}"
                yield RejectedRecord(member_origin, reason, "", _nct_in(info.filename))


def _iter_text(text: TextIO, origin: str, name: str) -> Iterator[Record]:
    try:
        initial = text.read(CHUNK_CHARS)
    except UnicodeDecodeError as exc:
        yield RejectedRecord(origin, f"text is not valid UTF-8: {exc.reason}", "", _nct_in(name))
        return
    start = initial.lstrip()[:1]
    if not start:
        yield RejectedRecord(origin, "empty file: no studies in it", "", _nct_in(name))
    elif start == "<":
        yield _xml_record(initial, text, origin, name)
    elif Path(name).suffix.lower() in LINE_SUFFIXES or _looks_like_lines(initial):
        yield from _iter_lines(initial, text, origin)
    else:
        yield from _from_json(iter_json(text, initial), origin)


def _looks_like_lines(initial: str) -> bool:
    """True when the first line is one complete JSON object and more lines follow."""
    body = initial.lstrip()
    end = body.find("\n")
    if not body.startswith("{") or end < 0 or not body[end:].strip():
        return False
    first = body[:end].strip()
    pieces = list(iter_json(None, first))
    return len(pieces) > 0 and not any(isinstance(piece, JsonBroken) for piece in pieces)


def _lines(initial: str, text: TextIO) -> Iterator[str]:
    pieces = initial.split("\n")
    tail = pieces.pop()
    yield from pieces
    for line in text:
        if tail:
            line, tail = tail + line, ""
        yield line
    if tail:
        yield tail


def _iter_lines(initial: str, text: TextIO, origin: str) -> Iterator[Record]:
    number = 0
    try:
        for number, line in enumerate(_lines(initial, text), start=1):
            body = line.strip()
            if not body:
                continue
            where = f"{origin}#line={number}"
            if body.startswith('{"protocolSection"') and body.endswith("}"):
                # A compact API study: passed on undecoded; parse_record checks it fully.
                match = _NCT_FIELD.search(body, 0, 4000)
                yield RawRecord(where, "ctgov_v2_json", body, match.group(1) if match else None)
                continue
            pieces = list(iter_json(None, body))
            broken = [piece for piece in pieces if isinstance(piece, JsonBroken)]
            if broken:
                yield RejectedRecord(where, broken[0].reason, body, _nct_in(body))
            else:
                yield from _from_json(iter(pieces), where, body=body)
    except UnicodeDecodeError as exc:
        reason = f"text is not valid UTF-8 ({exc.reason}); the rest of the file was not read"
        yield RejectedRecord(f"{origin}#line={number + 1}", reason, "", None)


def _from_json(
    pieces: Iterator[JsonItem | JsonMeta | JsonBroken], origin: str, *, body: str | None = None
) -> Iterator[Record]:
    """Records of one JSON input (a file, or one line when ``body`` is given).

    A lone study keeps ``origin``; several get ``#item=N`` (``:item=N`` inside a line)."""
    separator = ":" if body is not None else "#"
    first: JsonItem | None = None
    many = False
    for piece in pieces:
        if isinstance(piece, JsonMeta):
            continue
        if isinstance(piece, JsonBroken):
            if first is not None:
                yield from _item_records(first, f"{origin}{separator}item={first.index}")
            if body is not None:
                yield RejectedRecord(origin, piece.reason, body, _nct_in(body))
            else:
                reason = f"{piece.reason}; the rest of the file was not read"
                where = f"{origin}#line={piece.line}"
                yield RejectedRecord(where, reason, piece.excerpt, _nct_in(piece.excerpt))
            return
        if first is None and not many:
            first = piece
            continue
        if first is not None:
            many = True
            yield from _item_records(first, f"{origin}{separator}item={first.index}")
            first = None
        yield from _item_records(piece, f"{origin}{separator}item={piece.index}")
    if first is not None:
        yield from _item_records(first, origin)


def _item_records(item: JsonItem, origin: str) -> Iterator[Record]:
    value = item.value
    if isinstance(value, dict) and "protocolSection" in value:
        yield RawRecord(origin, "ctgov_v2_json", item.text, _nct_in_study(value))
    elif isinstance(value, dict) and isinstance(value.get("studies"), list):
        yield from _from_json(iter_json(None, item.text), origin, body=item.text)
    elif isinstance(value, dict):
        keys = ", ".join(repr(key) for key in list(value)[:6]) or "none"
        reason = f"not a ClinicalTrials.gov study: no 'protocolSection' (keys: {keys})"
        yield RejectedRecord(origin, reason, item.text, _nct_in(item.text[:2000]))
    else:
        kind = "list" if isinstance(value, list) else type(value).__name__
        if value is None:
            kind = "null"
        reason = f"not a ClinicalTrials.gov study: a JSON {kind}, expected an object"
        yield RejectedRecord(origin, reason, item.text, None)


def _xml_record(initial: str, text: TextIO, origin: str, name: str) -> Record:
    try:
        rest = text.read(MAX_XML_CHARS)
    except UnicodeDecodeError as exc:
        return RejectedRecord(origin, f"text is not valid UTF-8: {exc.reason}", initial, None)
    document = initial + rest
    if text.read(1):
        reason = f"XML document larger than {MAX_XML_CHARS} characters; not a single study"
        return RejectedRecord(origin, reason, "", _nct_in(name))
    try:
        root = read_xml_document(document)
    except XmlError as exc:
        return RejectedRecord(origin, str(exc), document, _nct_in(document[:4000]) or _nct_in(name))
    nct_id = (root.findtext("id_info/nct_id") or "").strip() or None
    return RawRecord(origin, "ctgov_legacy_xml", document, nct_id)


def _nct_in_study(study: dict[str, Any]) -> str | None:
    section = study.get("protocolSection")
    module = section.get("identificationModule") if isinstance(section, dict) else None
    nct_id = module.get("nctId") if isinstance(module, dict) else None
    return nct_id if isinstance(nct_id, str) and nct_id else None


def _nct_in(text: str) -> str | None:
    match = _NCT.search(text)
    return match.group(0) if match else None
