"""sync(): paging into the ingest, resume after a failure, incremental by last-update date."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import httpx
import pytest

from cartnav.domain.errors import RegistryError
from cartnav.registry.client import CtgovClient
from cartnav.registry.records import RawRecord, RejectedRecord
from cartnav.registry.sync import incremental_filter, last_update_of, meta_key, sync
from cartnav.storage.models import ImportSummary

RECORDED = Path(__file__).parent / "recorded"
TOKEN = "NF0g5JqKlvAq"
QUERY = {"query.term": "CAR-T"}
SINCE_FILTER = "AREA[LastUpdatePostDate]RANGE[2025-10-01,MAX]"


class MetaOnlyStore:
    """The part of TrialStore that sync itself uses."""

    def __init__(self, meta: dict[str, str] | None = None) -> None:
        self.meta = dict(meta or {})

    def get_meta(self, key: str) -> str | None:
        return self.meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self.meta[key] = value


class RecordingIngest:
    def __init__(self) -> None:
        self.batches: list[list[str | None]] = []

    def __call__(
        self, store: object, records: Iterable[RawRecord | RejectedRecord]
    ) -> ImportSummary:
        batch = [record.nct_id for record in records]
        self.batches.append(batch)
        return ImportSummary(inserted=len(batch))


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


class Api:
    """Serves the recorded pages; can be told to fail for the second page."""

    def __init__(self, *, fail_second_page: bool = False) -> None:
        self.fail_second_page = fail_second_page
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        params = request.url.params
        if "RANGE[2025-10-01,MAX]" in params.get("filter.advanced", ""):
            return httpx.Response(200, text=recorded("studies_since_2025-10-01.json"))
        if params.get("pageToken") == TOKEN:
            if self.fail_second_page:
                return httpx.Response(503, text="maintenance")
            return httpx.Response(200, text=recorded("studies_page2.json"))
        return httpx.Response(200, text=recorded("studies_page1.json"))

    def client(self) -> CtgovClient:
        return CtgovClient(transport=httpx.MockTransport(self), max_retries=1, sleep=lambda s: None)


def run(
    store: object, api: Api, ingest: Callable[..., ImportSummary], **options: object
) -> ImportSummary:
    with api.client() as client:
        return sync(store, client, query=QUERY, ingest=ingest, **options)  # type: ignore[arg-type]


def test_full_sync_pages_into_the_ingest_and_remembers_the_date() -> None:
    store, ingest, api = MetaOnlyStore(), RecordingIngest(), Api()
    summary = run(store, api, ingest)
    assert ingest.batches == [["NCT90000001", "NCT90000002"], ["NCT90000003"]]
    assert summary.to_dict() == {"inserted": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert store.meta[meta_key(QUERY, "last_update")] == "2025-09-30"
    assert store.meta[meta_key(QUERY, "page_token")] == ""
    assert "filter.advanced" not in api.requests[0].url.params


def test_interrupted_sync_resumes_from_the_saved_page_token() -> None:
    store, ingest = MetaOnlyStore(), RecordingIngest()
    with pytest.raises(RegistryError, match="HTTP 503"):
        run(store, Api(fail_second_page=True), ingest)
    assert ingest.batches == [["NCT90000001", "NCT90000002"]]
    assert store.meta[meta_key(QUERY, "page_token")] == TOKEN
    assert meta_key(QUERY, "last_update") not in store.meta  # not a completed sync

    api = Api()
    summary = run(store, api, ingest)
    assert [request.url.params.get("pageToken") for request in api.requests] == [TOKEN]
    assert api.requests[0].url.params["query.term"] == "CAR-T"
    assert ingest.batches[1:] == [["NCT90000003"]]
    assert summary.inserted == 1
    assert store.meta[meta_key(QUERY, "last_update")] == "2025-09-30"
    assert store.meta[meta_key(QUERY, "page_token")] == ""


def test_next_sync_is_incremental_from_the_last_update_date() -> None:
    store = MetaOnlyStore({meta_key(QUERY, "last_update"): "2025-10-01"})
    ingest, api = RecordingIngest(), Api()
    run(store, api, ingest)
    (request,) = api.requests
    assert request.url.params["filter.advanced"] == SINCE_FILTER
    assert ingest.batches == [["NCT90000003", "NCT90000004"]]
    assert store.meta[meta_key(QUERY, "last_update")] == "2025-12-01"


def test_full_ignores_the_saved_date_and_any_pending_token() -> None:
    store = MetaOnlyStore(
        {meta_key(QUERY, "last_update"): "2025-10-01", meta_key(QUERY, "page_token"): TOKEN}
    )
    ingest, api = RecordingIngest(), Api()
    run(store, api, ingest, full=True)
    assert "filter.advanced" not in api.requests[0].url.params
    assert "pageToken" not in api.requests[0].url.params
    assert ingest.batches == [["NCT90000001", "NCT90000002"], ["NCT90000003"]]
    assert store.meta[meta_key(QUERY, "last_update")] == "2025-10-01"  # never moves backwards


def test_each_query_keeps_its_own_progress() -> None:
    assert meta_key({"query.term": "CAR-T"}, "last_update") != meta_key({}, "last_update")
    assert meta_key({"a": "1", "b": "2"}, "x") == meta_key({"b": "2", "a": "1"}, "x")


def test_incremental_filter_combines_with_the_users_filter() -> None:
    assert incremental_filter("2025-10-01") == SINCE_FILTER
    combined = incremental_filter("2025-10-01", "AREA[Phase]PHASE1")
    assert combined == f"(AREA[Phase]PHASE1) AND {SINCE_FILTER}"
    with pytest.raises(RegistryError, match="not YYYY-MM-DD"):
        incremental_filter("01/10/2025")


@pytest.mark.parametrize(
    ("payload", "date"),
    [
        ('{"lastUpdatePostDateStruct":{"date":"2025-11-06","type":"ACTUAL"}}', "2025-11-06"),
        ('{"lastUpdatePostDateStruct": {"type": "ACTUAL", "date": "2025-11"}}', "2025-11-01"),
        ('{"studyFirstPostDateStruct":{"date":"2025-11-06"}}', None),
    ],
    ids=["day", "month", "missing"],
)
def test_last_update_of(payload: str, date: str | None) -> None:
    assert last_update_of(payload) == date


def test_sync_into_a_real_store(tmp_path: Path) -> None:
    """The real ingest and SQLite store: insert, then an incremental run updates and inserts."""
    from cartnav.storage.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'sync.db'}")
    try:
        with Api().client() as client:
            first = sync(store, client, query=QUERY)
        assert first.to_dict() == {"inserted": 3, "updated": 0, "unchanged": 0, "rejected": 0}
        store.set_meta(meta_key(QUERY, "last_update"), "2025-10-01")
        with Api().client() as client:
            second = sync(store, client, query=QUERY)
        assert second.to_dict() == {"inserted": 1, "updated": 1, "unchanged": 0, "rejected": 0}
        assert store.count() == 4
        trial = store.get_trial("NCT90000003")
        assert trial is not None and trial.status == "COMPLETED"
        assert store.get_meta(meta_key(QUERY, "last_update")) == "2025-12-01"
    finally:
        store.close()
