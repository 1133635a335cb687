"""Fixtures of the storage tests: a fresh store on each backend, and a store of the shared data.

``store`` is parametrized over SQLite (a file under ``tmp_path``) and PostgreSQL (a throwaway
database from ``pg_url``). ``shared_store`` holds the real registry records of
``../shared/data/ctgov`` (150 API v2 studies + 24 legacy XML), imported once per module.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cartnav.registry.ingest import ingest
from cartnav.registry.sources import iter_records
from cartnav.storage import TrialStore, open_store

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trials.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[TrialStore]:
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.close()


def registry_sources(shared_data: Path) -> list[Path]:
    ctgov = shared_data / "ctgov"
    return [ctgov / "ctgov_v2_studies.jsonl.gz", ctgov / "cart_legacy_xml"]


@pytest.fixture
def registry_paths(shared_data: Path) -> list[Path]:
    """The two registry-format sources of the shared data: API v2 JSONL and legacy XML."""
    return registry_sources(shared_data)


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database of each backend that lives for one test module."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module') / 'trials.db'}"
        return
    import psycopg

    admin = str(request.getfixturevalue("pg_admin_url"))
    name = f"cartnav_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def shared_store(module_store_url: str, shared_data: Path) -> Iterator[TrialStore]:
    """The shared registry records imported into a store of each backend (read-only use)."""
    opened = open_store(module_store_url)
    try:
        ingest(opened, iter_records(registry_sources(shared_data)))
        yield opened
    finally:
        opened.close()
