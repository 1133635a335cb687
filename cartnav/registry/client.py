"""HTTP client for the ClinicalTrials.gov API v2 ``/studies`` endpoint (HTTP only, no parsing).

:class:`CtgovClient` pages through ``/studies`` and yields :class:`Page` objects holding each
study's JSON text exactly as the API sent it. It is polite (a clear User-Agent, at most
``rate`` requests per second) and patient (retries with exponential backoff on HTTP 429 and 5xx
and on network errors, honouring ``Retry-After``). The transport, clock and sleep are injectable,
so tests replay recorded responses through ``httpx.MockTransport`` without any network.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any

import httpx

from cartnav.domain.errors import RegistryError
from cartnav.registry.jsonstream import JsonBroken, JsonMeta, iter_json
from cartnav.registry.records import RawRecord

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGE_SIZE = 1000


def _user_agent() -> str:
    try:
        release = version("cartnav")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "dev"
    return f"cartnav/{release} (open-source CAR-T trial navigator; python-httpx)"


@dataclass(frozen=True, slots=True)
class Page:
    """One ``/studies`` response: studies as sent, the token of the next page, the total."""

    studies: tuple[str, ...]
    next_page_token: str | None
    total_count: int | None
    page_token: str | None  # the token this page was fetched with (None: the first page)
    number: int = 1  # 1-based within one iter_pages call

    def records(self) -> Iterator[RawRecord]:
        """The studies as RawRecords (origin ``ctgov-api:/studies#page=N&item=M``)."""
        for index, text in enumerate(self.studies, start=1):
            origin = f"ctgov-api:/studies#page={self.number}&item={index}"
            yield RawRecord(origin, "ctgov_v2_json", text, _nct_id(text))


def _nct_id(text: str) -> str | None:
    marker = text.find('"nctId"')
    if marker < 0:
        return None
    start = text.find('"', text.find(":", marker) + 1)
    end = text.find('"', start + 1)
    candidate = text[start + 1 : end] if 0 <= start < end else ""
    return candidate if candidate.startswith("NCT") and len(candidate) == 11 else None


def parse_page(body: str, *, page_token: str | None = None, number: int = 1) -> Page:
    """A ``/studies`` JSON body -> Page; raises RegistryError if it is not a page."""
    stripped = body.lstrip()
    if not stripped.startswith("{"):
        raise RegistryError("ClinicalTrials.gov API: the response is not a JSON object")
    studies: list[str] = []
    meta: dict[str, Any] = {}
    for piece in iter_json(None, stripped):
        if isinstance(piece, JsonBroken):
            raise RegistryError(f"ClinicalTrials.gov API: unreadable page: {piece.reason}")
        if isinstance(piece, JsonMeta):
            meta[piece.key] = piece.value
        elif isinstance(piece.value, dict) and "protocolSection" in piece.value:
            studies.append(piece.text)
        else:
            keys = list(piece.value)[:5] if isinstance(piece.value, dict) else []
            raise RegistryError(
                f"ClinicalTrials.gov API: the response is not a /studies page (keys: {keys})"
            )
    token = meta.get("nextPageToken")
    total = meta.get("totalCount")
    return Page(
        studies=tuple(studies),
        next_page_token=token if isinstance(token, str) and token else None,
        total_count=total if isinstance(total, int) and not isinstance(total, bool) else None,
        page_token=page_token,
        number=number,
    )


class CtgovClient:
    """Pages through ``{base_url}/studies``; see the module docstring."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        page_size: int = 100,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        rate: float = 3.0,
        user_agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise RegistryError(f"page_size must be 1 to {MAX_PAGE_SIZE}, got {page_size}")
        if rate <= 0:
            raise RegistryError(f"rate must be positive (requests per second), got {rate}")
        self.page_size = page_size
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.interval = 1.0 / rate
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": user_agent or _user_agent(), "Accept": "application/json"},
            follow_redirects=True,
        )

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def iter_pages(
        self, params: Mapping[str, str], *, page_token: str | None = None
    ) -> Iterator[Page]:
        """Every page for ``params`` (``query.*``, ``filter.*``...), from ``page_token`` on."""
        number = 1
        while True:
            page = self.get_page(params, page_token=page_token, number=number)
            yield page
            if page.next_page_token is None:
                return
            page_token = page.next_page_token
            number += 1

    def get_page(
        self, params: Mapping[str, str], *, page_token: str | None = None, number: int = 1
    ) -> Page:
        """One page of ``/studies``."""
        query = {"format": "json", "pageSize": str(self.page_size), **dict(params)}
        if page_token:
            query["pageToken"] = page_token
        else:
            query.setdefault("countTotal", "true")
        response = self._request("/studies", query)
        try:
            body = response.text
        except (UnicodeDecodeError, LookupError) as exc:
            raise RegistryError(f"ClinicalTrials.gov API: response is not text: {exc}") from None
        return parse_page(body, page_token=page_token, number=number)

    def _wait_for_turn(self) -> None:
        if self._last_request is not None:
            wait = self._last_request + self.interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def _request(self, path: str, params: Mapping[str, str]) -> httpx.Response:
        failure = ""
        for attempt in range(self.max_retries + 1):
            self._wait_for_turn()
            delay = min(self.max_backoff, self.backoff * 2**attempt)
            try:
                response = self._http.get(path, params=dict(params))
            except httpx.TransportError as exc:
                failure = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise RegistryError(
                        f"ClinicalTrials.gov API: HTTP {response.status_code} for {path}: "
                        f"{_excerpt(response)}"
                    )
                failure = f"HTTP {response.status_code}"
                delay = max(delay, _retry_after(response.headers.get("Retry-After"), self._now()))
            if attempt < self.max_retries:
                self._sleep(delay)
        raise RegistryError(
            f"ClinicalTrials.gov API: {path} still failing after {self.max_retries + 1} "
            f"attempts ({failure})"
        )

    @staticmethod
    def _now() -> float:
        return time.time()


def _retry_after(value: str | None, now: float, cap: float = 600.0) -> float:
    """Seconds asked for by a ``Retry-After`` header (seconds or an HTTP date), at most ``cap``."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return min(cap, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min(cap, when.timestamp() - now))


def _excerpt(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        return "(binary body)"
    text = " ".join(text.split())
    return text[:200] or "(empty body)"
