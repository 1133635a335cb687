"""Fixtures shared by every test area.

- ``shared_data``: the ``../shared/data`` folder. In CI (``CI=true``) a missing folder fails the
  test loudly; elsewhere the test is skipped with the reason.
- ``pg_url``: a throwaway PostgreSQL database on the local server, dropped afterwards. In CI it
  never skips; elsewhere it skips when no server answers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CARTNAV_SHARED_DIR", REPO.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get(
    "CARTNAV_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def require_path(path: Path) -> Path:
    """Return ``path`` if it exists; fail in CI, skip elsewhere."""
    if path.exists():
        return path
    message = f"shared data missing: {path}"
    if IN_CI:
        pytest.fail(message + " (CI=true: tests that need ../shared/data must not skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_path(SHARED)


@pytest.fixture(scope="session")
def shared_data(shared_dir: Path) -> Path:
    return require_path(shared_dir / "data")


@pytest.fixture(scope="session")
def shared_examples(shared_dir: Path) -> Path:
    return require_path(shared_dir / "examples")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=5, autocommit=True) as conn:
            conn.execute("select 1")
    except Exception as exc:  # pragma: no cover - depends on the machine
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh database named ``cartnav_test_<random>``; dropped after the test."""
    import psycopg

    name = f"cartnav_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_admin_url.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
