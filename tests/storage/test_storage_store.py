"""The store itself: URLs, migrations, metadata, criteria cache, reading trials; both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cartnav.domain.errors import StorageError
from cartnav.registry.ingest import ingest
from cartnav.registry.records import RawRecord
from cartnav.storage import TrialStore, default_database_url, open_store
from cartnav.storage.migrate import current_revision, head_revision
from cartnav.storage.schema import metadata
from cartnav.storage.urls import normalize_url


def _study(nct_id: str, status: str = "RECRUITING") -> RawRecord:
    payload = json.dumps(
        {
            "protocolSection": {
                "identificationModule": {"nctId": nct_id, "briefTitle": f"Study {nct_id}"},
                "statusModule": {"overallStatus": status},
            }
        }
    )
    return RawRecord(
        origin=f"{nct_id}.json", format="ctgov_v2_json", payload=payload, nct_id=nct_id
    )


def _ignore_backend_specific(obj: object, name: str | None, type_: str, *_: object) -> bool:
    """The FTS5 tables (SQLite) and the tsvector column (PostgreSQL) live outside the metadata."""
    if type_ == "table" and name is not None and name.startswith("trials_fts"):
        return False
    if type_ == "table" and name == "alembic_version":
        return False
    if type_ == "index" and name == "ix_trials_search":
        return False
    return not (type_ == "column" and name == "search_vector")


def test_migrations_create_exactly_the_schema(store: TrialStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": _ignore_backend_specific, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []
    assert current_revision(store.engine) == head_revision() is not None


def test_opening_again_keeps_the_data(store_url: str) -> None:
    with open_store(store_url) as first:
        ingest(first, [_study("NCT90000101")])
    with open_store(store_url) as second:
        assert second.count() == 1


def test_default_url_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CARTNAV_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    assert default_database_url() == f"sqlite:///{tmp_path}/x.db"
    monkeypatch.delenv("CARTNAV_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = default_database_url()
    assert url.startswith("sqlite:///") and url.endswith("cartnav.db") and "cartnav" in url


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@localhost/db", "postgresql+psycopg"),
        ("postgres://u@localhost/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@localhost/db", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
    ids=["postgresql", "postgres", "psycopg", "sqlite"],
)
def test_urls_map_to_the_right_driver(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


@pytest.mark.parametrize(
    "url", ["mysql://u:secret@h/db", "not a url"], ids=["other-backend", "garbage"]
)
def test_bad_urls_raise_one_clear_error_without_the_password(url: str) -> None:
    with pytest.raises(StorageError) as error:
        open_store(url)
    assert "secret" not in str(error.value)


def test_unreachable_database_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="cannot open database"):
        open_store("postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=1")


def test_meta_values_round_trip(store: TrialStore) -> None:
    assert store.get_meta("sync.last_update") is None
    store.set_meta("sync.last_update", "2026-11-01")
    store.set_meta("sync.last_update", "2026-11-27")
    assert store.get_meta("sync.last_update") == "2026-11-27"


def test_parsed_criteria_cache_is_per_parser_version(store: TrialStore) -> None:
    ingest(store, [_study("NCT90000201"), _study("NCT90000202")])
    store.put_parsed_criteria({"NCT90000201": "[1]", "NCT90000202": "[2]"}, "v1")
    store.put_parsed_criteria({"NCT90000201": "[10]"}, "v1")
    assert store.get_parsed_criteria(["NCT90000201", "NCT90000202"], "v1") == {
        "NCT90000201": "[10]",
        "NCT90000202": "[2]",
    }
    assert store.get_parsed_criteria(["NCT90000201"], "v2") == {}


def test_iter_trials_filters_and_streams_in_id_order(store: TrialStore) -> None:
    ids = [f"NCT9000{n:04d}" for n in range(1, 1201)]
    records = [_study(n, "COMPLETED" if i % 3 else "RECRUITING") for i, n in enumerate(ids)]
    ingest(store, records)
    assert [t.nct_id for t in store.iter_trials()] == ids  # more than one 500-trial chunk
    recruiting = [t.nct_id for t in store.iter_trials(statuses=["recruiting"])]
    assert recruiting == ids[::3]
    chosen = [t.nct_id for t in store.iter_trials(nct_ids=[ids[5], ids[0], "NCT99999999"])]
    assert chosen == [ids[0], ids[5]]
    assert store.get_trial("nct90000001") is not None  # case-insensitive
    assert store.get_trial("bogus") is None


def test_sqlite_file_uses_wal_and_the_id_is_the_rowid(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/w.db") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT status FROM trials WHERE id = 5"
        ).fetchall()
        assert "INTEGER PRIMARY KEY" in str(plan)
        assert conn.execute(sa.text("SELECT cartnav_km(31.23, 121.47, 31.30, 120.59)")).scalar()


def test_raw_payloads_are_zstd_and_earlier_zlib_blobs_still_read() -> None:
    import zlib

    from cartnav.storage.rows import pack_payload, unpack_payload

    text = '{"protocolSection": {"identificationModule": {"briefTitle": "Étude ü 中文"}}}' * 20
    packed = pack_payload(text)
    assert packed[:4] == b"\x28\xb5\x2f\xfd" and len(packed) < len(text.encode())
    assert unpack_payload(packed) == text
    assert unpack_payload(zlib.compress(text.encode("utf-8"), 1)) == text  # stored before


def test_new_sqlite_files_use_16_kib_pages(tmp_path: Path) -> None:
    from cartnav.storage import open_store

    store = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 16384
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.close()
