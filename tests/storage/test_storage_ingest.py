"""Ingest: counts, idempotence, updates, duplicates, quarantine, crash safety; both backends."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartnav.registry.ingest import ingest
from cartnav.registry.records import RawRecord, RejectedRecord
from cartnav.registry.sources import iter_records
from cartnav.storage import TrialStore, open_store

pytestmark = pytest.mark.shared_data


def _v2_ids(shared_data: Path) -> list[str]:
    path = shared_data / "ctgov" / "ctgov_v2_studies.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [
            json.loads(line)["protocolSection"]["identificationModule"]["nctId"]
            for line in lines
            if line.strip()
        ]


def _xml_ids(shared_data: Path) -> list[str]:
    return sorted(p.stem for p in (shared_data / "ctgov" / "cart_legacy_xml").glob("NCT*.xml"))


def study(nct_id: str, title: str = "A study", **protocol: Any) -> str:
    """A minimal API v2 study as JSON text."""
    section = {"identificationModule": {"nctId": nct_id, "briefTitle": title}, **protocol}
    return json.dumps({"protocolSection": section})


def raw(payload: str, origin: str = "test.jsonl#line=1") -> RawRecord:
    return RawRecord(origin=origin, format="ctgov_v2_json", payload=payload, nct_id=None)


def test_shared_data_imports_once_then_unchanged(
    store: TrialStore, shared_data: Path, registry_paths: list[Path]
) -> None:
    v2, xml = _v2_ids(shared_data), _xml_ids(shared_data)
    expected = set(v2) | set(xml)
    assert (len(v2), len(xml), len(set(v2) & set(xml))) == (150, 24, 0)

    first = ingest(store, iter_records(registry_paths))
    assert first.to_dict() == {"inserted": 174, "updated": 0, "unchanged": 0, "rejected": 0}
    assert store.count() == len(expected) == 174
    assert {t.nct_id for t in store.iter_trials()} == expected

    second = ingest(store, iter_records(registry_paths))
    assert second.to_dict() == {"inserted": 0, "updated": 0, "unchanged": 174, "rejected": 0}
    assert store.count() == 174


def test_every_file_in_the_folder_quarantines_only_non_registry_files(
    store: TrialStore, shared_data: Path
) -> None:
    summary = ingest(store, iter_records([shared_data / "ctgov"]))
    assert summary.inserted == 174
    rows = store.quarantined()
    assert summary.rejected == len(rows) > 0
    assert all("trec2022_trialgpt_subset" in row.origin for row in rows)
    again = ingest(store, iter_records([shared_data / "ctgov"]))
    assert (again.unchanged, again.rejected) == (174, summary.rejected)
    assert len(store.quarantined()) == len(rows)  # the same rejects are kept once


def test_raw_record_is_kept_verbatim(store: TrialStore, shared_data: Path) -> None:
    path = shared_data / "ctgov" / "cart_legacy_xml" / "NCT03275493.xml"
    ingest(store, iter_records([path]))
    assert store.get_raw("NCT03275493") == path.read_text(encoding="utf-8")
    assert store.get_raw("NCT00000000") is None


def test_bad_file_imports_good_records_and_quarantines_the_rest(
    store: TrialStore, tmp_path: Path
) -> None:
    good = study("NCT90000001", "Good one")
    other = study("NCT90000002", "Good two")
    wrong_type = study("NCT90000003", conditionsModule={"conditions": "NSCLC"})
    truncated = study("NCT90000004")[:-15]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good, truncated, wrong_type, other, good]) + "\n", encoding="utf-8")

    summary = ingest(store, iter_records([path]))

    assert summary.to_dict() == {"inserted": 2, "updated": 0, "unchanged": 1, "rejected": 2}
    assert store.count() == 2
    rows = {row.origin.rsplit("=", 1)[1]: row for row in store.quarantined()}
    assert sorted(rows) == ["2", "3"]
    assert rows["2"].reason and rows["2"].payload == truncated
    assert "conditions" in rows["3"].reason and "list" in rows["3"].reason
    assert rows["3"].nct_id == "NCT90000003"


def test_changed_record_is_updated_and_replaced_whole(store: TrialStore) -> None:
    locations = {"locations": [{"facility": "A", "city": "Paris", "country": "France"}]}
    first = study("NCT90000010", "Old title", contactsLocationsModule=locations)
    assert ingest(store, [raw(first)]).inserted == 1
    store.put_parsed_criteria({"NCT90000010": "[]"}, "v1")

    changed = study("NCT90000010", "New title")
    summary = ingest(store, [raw(changed, origin="second.jsonl#line=1")])

    assert summary.to_dict() == {"inserted": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    trial = store.get_trial("NCT90000010")
    assert trial is not None and trial.brief_title == "New title" and trial.sites == ()
    assert store.get_raw("NCT90000010") == changed
    assert store.get_parsed_criteria(["NCT90000010"], "v1") == {}  # cache dropped with the change


def test_duplicate_within_one_import_is_deterministic(store: TrialStore) -> None:
    v1, v2 = study("NCT90000020", "First"), study("NCT90000020", "Second")
    summary = ingest(store, [raw(v1), raw(v1), raw(v2), raw(v2)], batch_size=3)
    assert summary.to_dict() == {"inserted": 1, "updated": 1, "unchanged": 2, "rejected": 0}
    trial = store.get_trial("NCT90000020")
    assert trial is not None and trial.brief_title == "Second"  # the last copy stays


def test_rejected_records_and_parser_failures_are_quarantined(store: TrialStore) -> None:
    records: list[RawRecord | RejectedRecord] = [
        RejectedRecord("file.json", "invalid JSON at line 3", "{oops", None),
        raw(study("NCT123")),  # not NCT + 8 digits
        raw(json.dumps({"protocolSection": []})),
        raw(study("NCT90000030")),
    ]
    summary = ingest(store, records)
    assert summary.to_dict() == {"inserted": 1, "updated": 0, "unchanged": 0, "rejected": 3}
    reasons = [row.reason for row in store.quarantined()]
    assert reasons[0] == "invalid JSON at line 3"
    assert "NCT123" in reasons[1]
    assert len(reasons) == 3 and all(reasons)


def _records_then_crash(records: list[RawRecord], crash_after: int) -> Iterator[RawRecord]:
    for number, record in enumerate(records):
        if number == crash_after:
            raise KeyboardInterrupt("killed mid-import")
        yield record


@pytest.mark.parametrize("parallel_after", [None, 0], ids=["inline", "writer-process"])
def test_interrupted_import_leaves_whole_batches_and_a_rerun_finishes(
    store: TrialStore, registry_paths: list[Path], parallel_after: int | None
) -> None:
    records = [r for r in iter_records(registry_paths) if isinstance(r, RawRecord)]
    with pytest.raises(KeyboardInterrupt):
        ingest(
            store, _records_then_crash(records, 130), batch_size=50, parallel_after=parallel_after
        )
    assert store.count() == 100  # two whole batches, nothing of the third
    _assert_consistent(store)

    summary = ingest(store, records, batch_size=50)
    assert summary.to_dict() == {"inserted": 74, "updated": 0, "unchanged": 100, "rejected": 0}
    assert store.count() == 174
    _assert_consistent(store)


def test_writer_process_sees_batches_still_in_flight(store: TrialStore) -> None:
    """Copies of the same ids in later batches are classified against the queued writes."""
    first = [raw(study(f"NCT920000{n:02d}", "first")) for n in range(60)]
    second = [raw(study(f"NCT920000{n:02d}", "second")) for n in range(60)]
    summary = ingest(store, first + second + first[:10], batch_size=7, parallel_after=0)
    assert summary.to_dict() == {"inserted": 60, "updated": 70, "unchanged": 0, "rejected": 0}
    titles = {t.nct_id: t.brief_title for t in store.iter_trials()}
    assert len(titles) == 60
    assert [titles[f"NCT920000{n:02d}"] for n in range(12)] == ["first"] * 10 + ["second"] * 2
    again = ingest(store, first + second + first[:10], batch_size=7, parallel_after=0)
    assert again.to_dict() == {"inserted": 0, "updated": 120, "unchanged": 10, "rejected": 0}
    _assert_consistent(store)


def _assert_consistent(store: TrialStore) -> None:
    """Children only for stored trials; the SQLite FTS index agrees with the table."""
    with store.engine.connect() as conn:
        for table in ("sites", "trial_terms", "trial_raw", "trial_filters"):
            orphans = conn.execute(
                sa.text(
                    f"SELECT count(*) FROM {table} WHERE trial_id NOT IN (SELECT id FROM trials)"
                )
            ).scalar_one()
            assert orphans == 0, table
        for table in ("trial_raw", "trial_filters"):
            rows = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            assert rows == store.count(), table
        if store.dialect == "sqlite":
            conn.execute(
                sa.text("INSERT INTO trials_fts(trials_fts, rank) VALUES ('integrity-check', 1)")
            )


def test_stored_trial_matches_the_parsed_record(
    store: TrialStore, registry_paths: list[Path]
) -> None:
    from cartnav.registry.parse import parse_record

    records = [r for r in iter_records(registry_paths) if isinstance(r, RawRecord)]
    ingest(store, records)
    for record in records[::17]:
        parsed = parse_record(record)
        stored = store.get_trial(parsed.nct_id)
        assert stored is not None
        fields = ("brief_title", "status", "phases", "conditions", "interventions", "keywords")
        fields += ("mesh_terms", "min_age_days", "max_age_days", "sex", "start_date")
        fields += ("eligibility_criteria", "extra", "collaborators", "source_format")
        for name in fields:
            assert getattr(stored, name) == getattr(parsed, name), (parsed.nct_id, name)
        assert [(s.facility, s.city, s.country) for s in stored.sites] == [
            (s.facility, s.city, s.country) for s in parsed.sites
        ]
        for before, after in zip(parsed.sites, stored.sites, strict=True):
            if before.lat is not None:  # registry coordinates are never replaced
                assert (after.lat, after.lon) == (before.lat, before.lon)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=30),
    batch_size=st.integers(1, 7),
)
def test_counts_and_final_state_follow_input_order(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[int, int]], batch_size: int
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"
    with open_store(url) as fresh:
        records = [raw(study(f"NCT9100000{i}", f"version {v}")) for i, v in ops]
        summary = ingest(fresh, records, batch_size=batch_size)
        # the same import, worked out one record at a time
        seen: dict[int, int] = {}
        expected = {"inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        for i, v in ops:
            key = "inserted" if i not in seen else "unchanged" if seen[i] == v else "updated"
            expected[key] += 1
            seen[i] = v
        assert summary.to_dict() == expected
        assert fresh.count() == len(seen)
        for i, v in seen.items():
            trial = fresh.get_trial(f"NCT9100000{i}")
            assert trial is not None and trial.brief_title == f"version {v}"


def test_lone_surrogate_escape_is_quarantined_and_the_batch_goes_on(store: TrialStore) -> None:
    # "\ud800" is valid JSON syntax but half a character: no database column can hold it
    broken = study("NCT90000041", "x").replace('"x"', '"\\ud800 title"')
    summary = ingest(store, [raw(study("NCT90000040")), raw(broken), raw(study("NCT90000042"))])
    assert summary.to_dict() == {"inserted": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    [reason] = [row.reason for row in store.quarantined()]
    assert "surrogate" in reason and "\\ud800" in reason
    assert store.get_trial("NCT90000042") is not None


def test_collector_threshold_is_restored_after_an_import(store: TrialStore) -> None:
    import gc

    before = gc.get_threshold()
    ingest(store, [raw(study("NCT90000050"))])
    assert gc.get_threshold() == before
    with pytest.raises(KeyboardInterrupt):
        ingest(store, _records_then_crash([raw(study("NCT90000051"))] * 3, crash_after=1))
    assert gc.get_threshold() == before
