"""Trial storage: SQLite (default) or PostgreSQL, migrated with Alembic, searchable.

Public API: :func:`open_store`, :func:`default_database_url`, :class:`TrialStore`,
:class:`SearchQuery`, :class:`SearchResult`, :class:`TrialSummary`, :class:`QuarantineRow`,
:class:`ImportSummary`. Imports of registry records: :func:`cartnav.registry.ingest.ingest`.
"""

from __future__ import annotations

from cartnav.storage.models import (
    ImportSummary,
    QuarantineRow,
    SearchQuery,
    SearchResult,
    TrialSummary,
)
from cartnav.storage.search import SearchQueryError
from cartnav.storage.store import TrialStore, open_store
from cartnav.storage.urls import default_database_url

__all__ = [
    "ImportSummary",
    "QuarantineRow",
    "SearchQuery",
    "SearchQueryError",
    "SearchResult",
    "TrialStore",
    "TrialSummary",
    "default_database_url",
    "open_store",
]
