"""CtgovClient against recorded /studies responses (httpx.MockTransport; no network)."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from cartnav.domain.errors import RegistryError
from cartnav.registry.client import CtgovClient, _retry_after, parse_page
from cartnav.registry.parse import parse_record

RECORDED = Path(__file__).parent / "recorded"
TOKEN = "NF0g5JqKlvAq"


class FakeTime:
    """A clock that only moves when someone sleeps; remembers every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], time: FakeTime, **options: object
) -> CtgovClient:
    return CtgovClient(
        transport=httpx.MockTransport(handler),
        sleep=time.sleep,
        clock=time.clock,
        **options,  # type: ignore[arg-type]
    )


def paging_handler(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        token = request.url.params.get("pageToken")
        body = recorded("studies_page2.json" if token == TOKEN else "studies_page1.json")
        return httpx.Response(200, text=body, headers={"Content-Type": "application/json"})

    return handle


def test_pages_come_back_verbatim_with_token_and_total() -> None:
    seen: list[httpx.Request] = []
    time = FakeTime()
    with make_client(paging_handler(seen), time) as client:
        pages = list(
            client.iter_pages({"query.cond": "leukemia", "filter.overallStatus": "RECRUITING"})
        )
    assert [len(page.studies) for page in pages] == [2, 1]
    assert (pages[0].total_count, pages[0].next_page_token) == (3, TOKEN)
    assert (pages[1].page_token, pages[1].next_page_token) == (TOKEN, None)
    first_body = recorded("studies_page1.json")
    assert all(study in first_body for study in pages[0].studies)
    assert json.loads(pages[0].studies[1]) == json.loads(first_body)["studies"][1]
    records = [record for page in pages for record in page.records()]
    assert [r.nct_id for r in records] == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert records[2].origin == "ctgov-api:/studies#page=2&item=1"
    assert parse_record(records[0]).sites[0].city == "Shanghai"

    first, second = seen
    assert first.url.path == "/api/v2/studies"
    assert first.url.host == "clinicaltrials.gov"
    assert dict(first.url.params) == {
        "format": "json",
        "pageSize": "100",
        "countTotal": "true",
        "query.cond": "leukemia",
        "filter.overallStatus": "RECRUITING",
    }
    assert second.url.params["pageToken"] == TOKEN
    assert "countTotal" not in second.url.params
    assert first.headers["User-Agent"].startswith("cartnav/")


def test_resume_from_a_page_token() -> None:
    seen: list[httpx.Request] = []
    with make_client(paging_handler(seen), FakeTime()) as client:
        pages = list(client.iter_pages({}, page_token=TOKEN))
    assert [
        json.loads(s)["protocolSection"]["identificationModule"]["nctId"] for s in pages[0].studies
    ] == ["NCT90000003"]
    assert len(seen) == 1


def test_retries_with_backoff_on_5xx_429_and_network_errors() -> None:
    replies: list[object] = [
        httpx.Response(503, text="busy"),
        httpx.Response(429, text="slow down", headers={"Retry-After": "7"}),
        httpx.ConnectError("connection refused"),
        httpx.Response(200, text=recorded("studies_page2.json")),
    ]
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        reply = replies[calls]
        calls += 1
        if isinstance(reply, Exception):
            raise reply
        assert isinstance(reply, httpx.Response)
        return reply

    time = FakeTime()
    with make_client(handle, time) as client:
        (page,) = client.iter_pages({})
    assert len(page.studies) == 1
    assert calls == 4
    assert time.sleeps == [1.0, 7.0, 4.0]  # 1 s, Retry-After 7 s (over 2 s), 4 s


def test_gives_up_after_max_retries_naming_the_failure() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, text="oops")

    time = FakeTime()
    with (
        make_client(handle, time, max_retries=2, backoff=0.5) as client,
        pytest.raises(RegistryError, match=r"still failing after 3 attempts \(HTTP 500\)"),
    ):
        list(client.iter_pages({}))
    assert calls == 3
    assert time.sleeps == [0.5, 1.0]


def test_client_errors_are_not_retried_and_say_why() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(400, text=recorded("error_400.json"))

    with (
        make_client(handle, FakeTime()) as client,
        pytest.raises(RegistryError, match=r"HTTP 400 .*'filter.advanced' parameter is malformed"),
    ):
        list(client.iter_pages({"filter.advanced": "AREA[oops"}))
    assert calls == 1


def test_polite_rate_between_requests() -> None:
    seen: list[httpx.Request] = []
    time = FakeTime()
    with make_client(paging_handler(seen), time, rate=2.0) as client:
        list(client.iter_pages({}))
        list(client.iter_pages({}))
    assert len(seen) == 4
    assert time.sleeps == [0.5, 0.5, 0.5]


def test_timeout_and_page_size_are_passed_on() -> None:
    seen: list[httpx.Request] = []
    with make_client(paging_handler(seen), FakeTime(), page_size=1000, timeout=12.5) as client:
        next(client.iter_pages({"fields": "NCTId,BriefTitle"}))
    assert seen[0].url.params["pageSize"] == "1000"
    assert seen[0].url.params["fields"] == "NCTId,BriefTitle"
    assert seen[0].extensions["timeout"]["read"] == 12.5


@pytest.mark.parametrize(
    ("options", "message"),
    [({"page_size": 0}, "page_size"), ({"page_size": 1001}, "page_size"), ({"rate": 0}, "rate")],
    ids=["page-size-0", "page-size-1001", "rate-0"],
)
def test_bad_options_raise(options: dict[str, object], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        make_client(lambda request: httpx.Response(200), FakeTime(), **options)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, 0.0),
        ("5", 5.0),
        ("100000", 600.0),
        ("Thu, 01 Jan 1970 00:00:30 GMT", 20.0),
        ("soon", 0.0),
    ],
    ids=["none", "seconds", "capped", "http-date", "garbage"],
)
def test_retry_after_header(header: str | None, seconds: float) -> None:
    assert _retry_after(header, now=10.0) == seconds


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[]", "not a JSON object"),
        (recorded("error_400.json"), "not a /studies page"),
        ('{"studies": [{"protocolSection": {}}', "unreadable page"),
    ],
    ids=["list", "error-object", "truncated"],
)
def test_non_pages_raise(body: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_page(body)


def test_pages_built_from_the_shared_studies(shared_data: Path) -> None:
    """Serve the 150 real studies as 4 API pages of 40; every study comes back verbatim."""
    with gzip.open(shared_data / "ctgov/ctgov_v2_studies.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]

    def handle(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("pageToken") or 0)
        chunk = lines[start : start + 40]
        body = '{"totalCount":150,"studies":[' + ",".join(chunk) + "]"
        if start + 40 < len(lines):
            body += f',"nextPageToken":"{start + 40}"'
        return httpx.Response(200, text=body + "}")

    with make_client(handle, FakeTime(), page_size=40) as client:
        pages = list(client.iter_pages({}))
    assert [len(page.studies) for page in pages] == [40, 40, 40, 30]
    assert [study for page in pages for study in page.studies] == lines
    trials = [parse_record(record) for page in pages for record in page.records()]
    assert len({trial.nct_id for trial in trials}) == 150


@pytest.mark.network
@pytest.mark.skipif(
    os.environ.get("CARTNAV_NETWORK_TESTS") != "1", reason="set CARTNAV_NETWORK_TESTS=1 to run"
)
def test_live_api_smoke() -> None:
    with CtgovClient(page_size=5) as client:
        page = next(client.iter_pages({"query.term": "CAR-T leukemia"}))
    assert page.studies and page.total_count
    trials = [parse_record(record) for record in page.records()]
    assert all(trial.nct_id.startswith("NCT") for trial in trials)
