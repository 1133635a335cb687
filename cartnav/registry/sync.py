"""Keep the local store in step with ClinicalTrials.gov: resumable and incremental.

:func:`sync` pages through the API for a query and hands each page's studies to the ingest. It
keeps its progress in the store's meta table, under keys named after the query:

- ``ctgov_sync:<query key>:page_token``: the token of the next page, saved after each page is
  committed, so an interrupted sync resumes where it stopped (with the same request parameters,
  which are saved as ``...:params``; ``...:max_update`` holds the newest date seen so far);
- ``ctgov_sync:<query key>:last_update``: the newest ``LastUpdatePostDate`` of the last completed
  sync; the next sync asks only for studies posted since then,
  ``filter.advanced=AREA[LastUpdatePostDate]RANGE[<date>,MAX]`` (the day itself included, so a
  study updated later that day is not missed; re-reading one is reported as unchanged).

``full=True`` ignores both and reads everything the query matches.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

from cartnav.domain.errors import RegistryError
from cartnav.registry.client import Page
from cartnav.registry.records import RawRecord, RejectedRecord
from cartnav.storage.models import ImportSummary

if TYPE_CHECKING:
    from cartnav.storage.store import TrialStore

Ingest = Callable[["TrialStore", Iterable[RawRecord | RejectedRecord]], ImportSummary]
CONTROL_PARAMS = frozenset({"pageToken", "pageSize", "format", "countTotal"})
_LAST_UPDATE = re.compile(
    r'"lastUpdatePostDateStruct"\s*:\s*\{[^{}]*?"date"\s*:\s*"(\d{4}-\d{2}(?:-\d{2})?)"'
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PageSource(Protocol):
    """What sync needs from :class:`~cartnav.registry.client.CtgovClient`."""

    def iter_pages(
        self, params: Mapping[str, str], *, page_token: str | None = None
    ) -> Iterator[Page]: ...


def query_key(query: Mapping[str, str]) -> str:
    """A short stable name for a query (its parameters, sorted)."""
    canonical = json.dumps(sorted(query.items()), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def meta_key(query: Mapping[str, str], name: str) -> str:
    """The store meta key holding ``name`` (page_token, params, max_update, last_update)."""
    return f"ctgov_sync:{query_key(query)}:{name}"


def incremental_filter(since: str, existing: str | None = None) -> str:
    """``filter.advanced`` for studies last updated on or after ``since`` (YYYY-MM-DD)."""
    if not _DATE.fullmatch(since):
        raise RegistryError(f"sync: the saved last-update date {since!r} is not YYYY-MM-DD")
    clause = f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
    return f"({existing}) AND {clause}" if existing else clause


def last_update_of(payload: str) -> str | None:
    """The ``lastUpdatePostDateStruct.date`` of one study's JSON text, as YYYY-MM-DD."""
    match = _LAST_UPDATE.search(payload)
    if match is None:
        return None
    date = match.group(1)
    return date if len(date) == 10 else f"{date}-01"


def sync(
    store: TrialStore,
    client: PageSource,
    *,
    query: Mapping[str, str] | None,
    full: bool = False,
    ingest: Ingest | None = None,
) -> ImportSummary:
    """Fetch the studies matching ``query`` into ``store``; returns the import counts."""
    if ingest is None:
        from cartnav.registry.ingest import ingest as store_ingest

        ingest = store_ingest
    base = {key: str(value) for key, value in (query or {}).items() if key not in CONTROL_PARAMS}
    keys = {name: meta_key(base, name) for name in ("page_token", "params", "max_update")}
    last_key = meta_key(base, "last_update")

    token = None if full else (store.get_meta(keys["page_token"]) or None)
    saved = store.get_meta(keys["params"]) if token else None
    if token and saved:
        params = _load_params(saved)
        newest = store.get_meta(keys["max_update"]) or ""
    else:
        token = None
        params = dict(base)
        since = None if full else store.get_meta(last_key)
        if since:
            params["filter.advanced"] = incremental_filter(since, base.get("filter.advanced"))
        store.set_meta(keys["params"], json.dumps(params, sort_keys=True))
        store.set_meta(keys["max_update"], "")
        newest = ""

    total = ImportSummary()
    for page in client.iter_pages(params, page_token=token):
        records = list(page.records())
        total.add(ingest(store, records))
        for record in records:
            date = last_update_of(record.payload)
            if date and date > newest:
                newest = date
        store.set_meta(keys["max_update"], newest)
        store.set_meta(keys["page_token"], page.next_page_token or "")

    previous = store.get_meta(last_key) or ""
    if newest > previous:
        store.set_meta(last_key, newest)
    store.set_meta(keys["page_token"], "")
    store.set_meta(keys["params"], "")
    return total


def _load_params(saved: str) -> dict[str, str]:
    try:
        params = json.loads(saved)
    except json.JSONDecodeError:
        params = None
    if not isinstance(params, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in params.items()
    ):
        raise RegistryError("sync: the saved parameters of the interrupted sync are unreadable")
    return params
