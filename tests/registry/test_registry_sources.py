"""Reading registry records from every container shape, built in tmp_path from the shared data."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartnav.domain.errors import RegistryError
from cartnav.registry import jsonstream, sources
from cartnav.registry.records import RawRecord, RejectedRecord
from cartnav.registry.sources import iter_records

V2_FILE = "ctgov/ctgov_v2_studies.jsonl.gz"
XML_DIR = "ctgov/cart_legacy_xml"


@pytest.fixture(scope="module")
def v2_lines(shared_data: Path) -> list[str]:
    with gzip.open(shared_data / V2_FILE, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]


@pytest.fixture(scope="module")
def xml_files(shared_data: Path) -> list[Path]:
    return sorted((shared_data / XML_DIR).glob("NCT*.xml"))


@pytest.fixture(params=[None, 997], ids=["default-chunks", "tiny-chunks"])
def chunk_size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a test with the default read size and with a tiny one (values straddle chunks)."""
    if request.param is not None:
        monkeypatch.setattr(jsonstream, "CHUNK_CHARS", request.param)
        monkeypatch.setattr(sources, "CHUNK_CHARS", request.param)


def nct(line: str) -> str:
    return str(json.loads(line)["protocolSection"]["identificationModule"]["nctId"])


def raws(paths: list[Path]) -> list[RawRecord]:
    records = list(iter_records(paths))
    assert all(isinstance(record, RawRecord) for record in records), [
        record for record in records if isinstance(record, RejectedRecord)
    ]
    return [record for record in records if isinstance(record, RawRecord)]


def test_shared_jsonl_gz_gives_150_verbatim_studies(shared_data: Path, v2_lines: list[str]) -> None:
    records = raws([shared_data / V2_FILE])
    assert len(records) == 150
    assert [record.payload for record in records] == v2_lines
    assert {record.format for record in records} == {"ctgov_v2_json"}
    assert records[11].origin == f"{shared_data / V2_FILE}#line=12"
    assert records[0].nct_id == nct(v2_lines[0])


def test_shared_xml_folder_gives_24_documents(shared_data: Path, xml_files: list[Path]) -> None:
    records = raws([shared_data / XML_DIR])
    assert len(records) == 24
    assert [record.nct_id for record in records] == [path.stem for path in xml_files]
    assert records[0].payload == xml_files[0].read_text(encoding="utf-8")
    assert {record.format for record in records} == {"ctgov_legacy_xml"}
    assert records[0].origin == str(xml_files[0])


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("list.json", lambda ls: "[" + ",\n".join(ls) + "]"),
        (
            "page.json",
            lambda ls: '{"totalCount":150,"studies":[' + ",".join(ls) + '],"nextPageToken":"x"}',
        ),
        (
            "page_token_first.json",
            lambda ls: '{"nextPageToken": "abc", "studies": [' + ",".join(ls) + "]}",
        ),
        ("studies.jsonl", lambda ls: "\n".join(ls) + "\n"),
        ("crlf.jsonl", lambda ls: "\r\n".join(ls) + "\r\n"),
        ("no_extension_lines", lambda ls: "\n\n".join(ls)),
        ("concatenated.json", lambda ls: " ".join(ls)),
    ],
    ids=[
        "list",
        "page",
        "page-token-first",
        "jsonl",
        "jsonl-crlf",
        "sniffed-jsonl",
        "concatenated",
    ],
)
@pytest.mark.usefixtures("chunk_size")
def test_compact_shapes_keep_each_study_verbatim(
    tmp_path: Path, v2_lines: list[str], name: str, build: object
) -> None:
    path = tmp_path / name
    path.write_text(build(v2_lines), encoding="utf-8")  # type: ignore[operator]
    records = raws([path])
    assert [record.payload for record in records] == v2_lines
    assert [record.nct_id for record in records] == [nct(line) for line in v2_lines]


@pytest.mark.parametrize(
    "gz_name", ["studies.json.gz", "studies.dat"], ids=["named-gz", "unnamed-gz"]
)
def test_gzip_is_recognised_by_magic_bytes(
    tmp_path: Path, v2_lines: list[str], gz_name: str
) -> None:
    path = tmp_path / gz_name
    path.write_bytes(gzip.compress(("[" + ",".join(v2_lines) + "]").encode("utf-8")))
    assert [record.payload for record in raws([path])] == v2_lines


@pytest.mark.usefixtures("chunk_size")
def test_pretty_printed_list_and_page_decode_to_the_same_studies(
    tmp_path: Path, v2_lines: list[str]
) -> None:
    studies = [json.loads(line) for line in v2_lines[:40]]
    listed = tmp_path / "pretty_list.json"
    listed.write_text(json.dumps(studies, indent=2, ensure_ascii=False), encoding="utf-8")
    page = tmp_path / "pretty_page.json"
    page.write_text(
        json.dumps({"studies": studies, "nextPageToken": None}, indent=4), encoding="utf-8"
    )
    for path in (listed, page):
        records = raws([path])
        assert [json.loads(record.payload) for record in records] == studies
        assert records[2].origin == f"{path}#item=3"


def test_single_study_file_keeps_its_path_as_origin(tmp_path: Path, v2_lines: list[str]) -> None:
    path = tmp_path / "NCT.json"
    path.write_text(json.dumps(json.loads(v2_lines[5]), indent=2), encoding="utf-8")
    (record,) = raws([path])
    assert record.origin == str(path)
    assert json.loads(record.payload) == json.loads(v2_lines[5])


def test_bulk_zip_with_one_json_per_study(tmp_path: Path, v2_lines: list[str]) -> None:
    path = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for line in v2_lines:
            archive.writestr(f"{nct(line)}.json", json.dumps(json.loads(line), indent=2))
        archive.writestr("__MACOSX/._x.json", "junk")
    records = raws([path])
    assert len(records) == 150
    assert records[0].origin == f"{path}!{nct(v2_lines[0])}.json"
    assert [json.loads(r.payload) for r in records] == [json.loads(line) for line in v2_lines]


def test_zip_of_xml_and_mixed_folder(
    tmp_path: Path, v2_lines: list[str], xml_files: list[Path]
) -> None:
    archive_path = tmp_path / "mixed" / "deep" / "xml.zip"
    archive_path.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive_path, "w") as archive:
        for path in xml_files[:10]:
            archive.writestr(f"AllPublicXML/{path.stem[:7]}xxxx/{path.name}", path.read_bytes())
    for path in xml_files[10:]:
        (tmp_path / "mixed" / path.name).write_bytes(path.read_bytes())
    (tmp_path / "mixed" / "part.jsonl.gz").write_bytes(
        gzip.compress("\n".join(v2_lines[:30]).encode("utf-8"))
    )
    (tmp_path / "mixed" / "README.md").write_text("not data", encoding="utf-8")
    (tmp_path / "mixed" / "notes.tsv").write_text("a\tb\n", encoding="utf-8")
    records = raws([tmp_path / "mixed"])
    formats = [record.format for record in records]
    assert formats.count("ctgov_legacy_xml") == 24
    assert formats.count("ctgov_v2_json") == 30
    assert {r.nct_id for r in records if r.format == "ctgov_legacy_xml"} == {
        p.stem for p in xml_files
    }
    zipped = [r for r in records if "!" in r.origin]
    assert len(zipped) == 10
    assert zipped[0].origin.startswith(f"{archive_path}!AllPublicXML/")


def test_crlf_xml_is_kept_verbatim(tmp_path: Path, xml_files: list[Path]) -> None:
    text = xml_files[0].read_text(encoding="utf-8")
    path = tmp_path / "crlf.xml"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (record,) = raws([path])
    assert record.payload == text.replace("\n", "\r\n")


def test_broken_pieces_become_rejections_and_reading_goes_on(
    tmp_path: Path, v2_lines: list[str]
) -> None:
    wrong_type = json.loads(v2_lines[2])
    wrong_type["protocolSection"]["identificationModule"]["nctId"] = 12345678
    lines = [
        v2_lines[0],
        v2_lines[1][: len(v2_lines[1]) // 2],  # truncated
        json.dumps(wrong_type),
        '{"_id": "NCT00000000", "title": "a TrialGPT row, not a study"}',
        "[1, 2",
        v2_lines[0],  # duplicate: the ingest's job to report
        "",
        v2_lines[3],
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    records = list(iter_records([path]))
    kinds = [(type(record).__name__, record.origin.rsplit("#", 1)[1]) for record in records]
    assert kinds == [
        ("RawRecord", "line=1"),
        ("RejectedRecord", "line=2"),
        ("RawRecord", "line=3"),
        ("RejectedRecord", "line=4"),
        ("RejectedRecord", "line=5"),
        ("RawRecord", "line=6"),
        ("RawRecord", "line=8"),
    ]
    truncated, not_study, junk = (r for r in records if isinstance(r, RejectedRecord))
    assert "invalid JSON" in truncated.reason and "truncated" in truncated.reason
    assert truncated.payload == lines[1]
    assert truncated.nct_id == nct(v2_lines[1])
    assert "not a ClinicalTrials.gov study" in not_study.reason and "'_id'" in not_study.reason
    assert "truncated" in junk.reason
    assert records[0].payload == records[5].payload
    assert records[2].nct_id is None  # a number is not an NCT id; parse_record says why


def test_broken_json_list_keeps_the_studies_before_the_break(
    tmp_path: Path, v2_lines: list[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[" + ",\n".join(v2_lines[:3]) + ",\n{oops}\n," + v2_lines[4] + "]")
    records = list(iter_records([path]))
    assert [type(r).__name__ for r in records] == ["RawRecord"] * 3 + ["RejectedRecord"]
    rejected = records[-1]
    assert isinstance(rejected, RejectedRecord)
    assert rejected.origin == f"{path}#line=4"
    assert "rest of the file was not read" in rejected.reason


def test_truncated_json_list_at_end_of_file(tmp_path: Path, v2_lines: list[str]) -> None:
    text = "[" + ",".join(v2_lines[:2])
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) - 100], encoding="utf-8")
    records = list(iter_records([path]))
    assert isinstance(records[0], RawRecord)
    assert isinstance(records[-1], RejectedRecord)
    assert "truncated" in records[-1].reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<clinical_study><id_info><nct_id>NCT01234567</nct_id>", "XML does not parse"),
        (b"<trial><nct_id>NCT01234567</nct_id></trial>", "root <trial>"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><clinical_study>&a;</clinical_study>', "refused"),
        (b"", "empty file"),
        (b"\xff\xfe{not utf8", "not valid UTF-8"),
        (b"42", "a JSON int"),
        (b"\x1f\x8b\x08\x00garbage", "gzip data is corrupt"),
        (b"PK\x03\x04garbage", "not a readable ZIP"),
    ],
    ids=["xml-cut", "xml-root", "xml-entities", "empty", "not-utf8", "number", "bad-gz", "bad-zip"],
)
def test_unreadable_files_are_rejected_with_a_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "NCT01234567.xml"
    path.write_bytes(content)
    (record,) = list(iter_records([path]))
    assert isinstance(record, RejectedRecord)
    assert reason in record.reason
    assert record.origin == str(path)


def test_truncated_gzip_keeps_what_was_readable(tmp_path: Path, v2_lines: list[str]) -> None:
    data = gzip.compress("\n".join(v2_lines).encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records = list(iter_records([path]))
    assert any(isinstance(r, RawRecord) for r in records)
    assert isinstance(records[-1], RejectedRecord)
    assert "gzip" in records[-1].reason or "truncated" in records[-1].reason


def test_missing_path_raises_naming_it_before_reading(tmp_path: Path, shared_data: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    records = iter_records([shared_data / V2_FILE, missing])
    with pytest.raises(RegistryError, match=r"nowhere\.jsonl"):
        next(records)


def _studies_list_file(path: Path, lines: list[str], copies: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for copy in range(copies):
            for index, line in enumerate(lines):
                handle.write(("," if copy or index else "") + line + "\n")
        handle.write("]")


def _peak_while_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_records([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_memory_stays_flat_as_a_json_list_grows(
    tmp_path: Path, v2_lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 1 << 16)
    monkeypatch.setattr(sources, "CHUNK_CHARS", 1 << 16)
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    _studies_list_file(small, v2_lines, 1)
    _studies_list_file(large, v2_lines, 4)
    small_count, small_peak = _peak_while_reading(small)
    large_count, large_peak = _peak_while_reading(large)
    assert (small_count, large_count) == (150, 600)
    assert large.stat().st_size > 9_000_000
    assert large_peak < 2 * small_peak + 500_000
    assert large_peak < 3_000_000


def test_jsonstream_reports_page_members_and_line_numbers() -> None:
    text = (
        '{"totalCount": 2,\n "studies": [\n  {"a": 1},\n  {"b": [2, 3]}\n ],\n'
        ' "nextPageToken": "t"}'
    )
    pieces = list(jsonstream.iter_json(io.StringIO(text)))
    assert [type(p).__name__ for p in pieces] == ["JsonMeta", "JsonItem", "JsonItem", "JsonMeta"]
    first, second = (p for p in pieces if isinstance(p, jsonstream.JsonItem))
    assert (first.line, first.text, second.line, second.text) == (3, '{"a": 1}', 4, '{"b": [2, 3]}')


def test_jsonstream_does_not_cut_a_number_at_a_chunk_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 3)
    pieces = list(jsonstream.iter_json(io.StringIO("[123456, 7]")))
    assert [p.value for p in pieces if isinstance(p, jsonstream.JsonItem)] == [123456, 7]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(JSON_VALUES, max_size=6),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_jsonstream_splits_any_json_list_verbatim(
    values: list[object], indent: int | None, chunk: int
) -> None:
    """Whatever the values, layout and read size: each element comes back as written."""
    elements = [json.dumps(value, indent=indent, ensure_ascii=False) for value in values]
    text = "[" + ",\n ".join(elements) + "]"
    original = jsonstream.CHUNK_CHARS
    jsonstream.CHUNK_CHARS = chunk
    try:
        pieces = list(jsonstream.iter_json(io.StringIO(text)))
    finally:
        jsonstream.CHUNK_CHARS = original
    assert [p.text for p in pieces if isinstance(p, jsonstream.JsonItem)] == elements
    assert [p.value for p in pieces if isinstance(p, jsonstream.JsonItem)] == values
    assert not any(isinstance(p, jsonstream.JsonBroken) for p in pieces)


def test_compact_lines_are_checked_by_the_parser_not_the_reader(tmp_path: Path) -> None:
    """A compact study line is passed on undecoded (fast); parse_record finds the damage."""
    from cartnav.registry.parse import parse_record

    line = '{"protocolSection":{"identificationModule":{"nctId":"NCT01234567",}}}'
    path = tmp_path / "fast.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (record,) = list(iter_records([path]))
    assert isinstance(record, RawRecord)
    assert (record.payload, record.nct_id) == (line, "NCT01234567")
    with pytest.raises(RegistryError, match=r"fast\.jsonl#line=1: invalid JSON"):
        parse_record(record)


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("NCT01234567.json", True),
        ("studies.jsonl.gz", True),
        ("dump.gz", True),
        ("AllPublicXML.zip", True),
        ("NCT01234567.XML", True),
        ("qrels_test.tsv.gz", False),
        ("README.md", False),
        (".hidden.json", False),
        ("summaries.tsv", False),
    ],
    ids=lambda value: str(value),
)
def test_which_files_a_folder_walk_reads(name: str, wanted: bool) -> None:
    assert sources._wanted_in_folder(name) is wanted


def test_absurdly_nested_json_is_rejected_not_a_crash(tmp_path: Path, v2_lines: list[str]) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(v2_lines[0] + "\n" + "[" * 5_000 + "\n" + v2_lines[1] + "\n", encoding="utf-8")
    records = list(iter_records([path]))
    assert [type(r).__name__ for r in records] == ["RawRecord", "RejectedRecord", "RawRecord"]
    assert "nested too deeply" in records[1].reason or "truncated" in records[1].reason
