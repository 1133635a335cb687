"""The fast import paths: batch full-text indexing (migration 0002), the parsers' fast paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cartnav.registry.ingest import ingest
from cartnav.registry.parse import parse_record
from cartnav.registry.records import RawRecord
from cartnav.storage import TrialStore, migrate, open_store
from cartnav.storage.models import SearchQuery
from cartnav.storage.urls import make_engine


def _study(nct_id: str, title: str, **protocol: Any) -> RawRecord:
    section = {"identificationModule": {"nctId": nct_id, "briefTitle": title}, **protocol}
    payload = json.dumps({"protocolSection": section})
    return RawRecord("test.jsonl#line=1", "ctgov_v2_json", payload, None)


def _hits(store: TrialStore, text: str) -> list[str]:
    return [hit.nct_id for hit in store.search(SearchQuery(text=text)).results]


def _fts_intact(store: TrialStore) -> None:
    if store.dialect == "sqlite":
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO trials_fts(trials_fts, rank) VALUES ('integrity-check', 1)"
            )


@pytest.mark.parametrize("parallel_after", [None, 0], ids=["inline", "writer-process"])
def test_new_and_replaced_trials_are_indexed_exactly(
    store: TrialStore, parallel_after: int | None
) -> None:
    first = [_study(f"NCT9300000{n}", f"Zanzibar trial {n}") for n in range(5)]
    ingest(store, first, batch_size=2, parallel_after=parallel_after)
    assert sorted(_hits(store, "zanzibar")) == [f"NCT9300000{n}" for n in range(5)]
    _fts_intact(store)

    changed = [_study("NCT93000001", "Quokka trial"), _study("NCT93000003", "Quokka again")]
    summary = ingest(store, changed, batch_size=1, parallel_after=parallel_after)
    assert summary.to_dict() == {"inserted": 0, "updated": 2, "unchanged": 0, "rejected": 0}
    assert sorted(_hits(store, "quokka")) == ["NCT93000001", "NCT93000003"]
    assert sorted(_hits(store, "zanzibar")) == ["NCT93000000", "NCT93000002", "NCT93000004"]
    _fts_intact(store)


def test_a_store_made_by_the_first_migration_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0001")
    with engine.connect() as conn:
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        assert "trials_fts_insert" in set(conn.execute(sa.text(triggers)).scalars())
    engine.dispose()

    with open_store(url) as store:  # upgrades to the newest revision
        with store.engine.connect() as conn:
            names = set(conn.execute(sa.text(triggers)).scalars())
        assert names == {"trials_fts_delete", "trials_fts_update"}
        ingest(store, [_study("NCT93000010", "Wombat study")])
        assert _hits(store, "wombat") == ["NCT93000010"]  # indexed once, not twice
        _fts_intact(store)


@pytest.mark.shared_data
def test_xml_without_a_dtd_parses_the_same_on_the_fast_path(shared_data: Path) -> None:
    """Records (no DTD) take the C parser; a DTD sends a document through defusedxml."""
    for path in sorted((shared_data / "ctgov" / "cart_legacy_xml").glob("NCT*.xml"))[:6]:
        text = path.read_text(encoding="utf-8")
        fast = parse_record(RawRecord(path.name, "ctgov_legacy_xml", text, None))
        with_dtd = text.replace(
            "<clinical_study>", "<!DOCTYPE clinical_study>\n<clinical_study>", 1
        )
        assert with_dtd != text
        safe = parse_record(RawRecord(path.name, "ctgov_legacy_xml", with_dtd, None))
        assert safe == fast


@pytest.mark.parametrize(
    "odd_value",
    ["NaN", "123456789012345678901234567890", "-Infinity"],
    ids=["nan", "beyond-64-bits", "infinity"],
)
def test_json_the_fast_decoder_refuses_is_read_as_before(odd_value: str) -> None:
    """orjson is stricter than the standard decoder; such a study still parses."""
    payload = json.dumps(
        {"protocolSection": {"identificationModule": {"nctId": "NCT93000020"}}}
    ).replace("}}}", '}}, "oddField": ' + odd_value + "}")
    trial = parse_record(RawRecord("t.json", "ctgov_v2_json", payload, None))
    assert trial.nct_id == "NCT93000020"
