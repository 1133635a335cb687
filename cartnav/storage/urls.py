"""Database URLs and engines: SQLite (default, embedded) or PostgreSQL (psycopg 3).

``CARTNAV_DATABASE_URL`` selects the database; the default is a SQLite file in the user's data
folder (``platformdirs.user_data_dir("cartnav")``). ``postgresql://`` and ``postgres://`` URLs
use the psycopg 3 driver.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from cartnav.domain.errors import StorageError
from cartnav.registry.geo import haversine_km

ENV_VAR = "CARTNAV_DATABASE_URL"


def default_database_url() -> str:
    """``CARTNAV_DATABASE_URL`` or ``sqlite:///<user data dir>/cartnav.db``."""
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('cartnav')) / 'cartnav.db'}"


def normalize_url(url: str) -> sa.URL:
    """Parse ``url``; map PostgreSQL URLs to psycopg 3; reject other backends."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"database URL is not valid: {_safe(url)!r}") from exc
    backend = parsed.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed
    raise StorageError(
        f"database URL {_safe(url)!r}: use sqlite:///path/to/file.db or postgresql://..."
    )


def _safe(url: str) -> str:
    """The URL without a password, fit for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def _sqlite_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> float | None:
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return haversine_km(float(lat1), float(lon1), float(lat2), float(lon2))


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.create_function("cartnav_km", 4, _sqlite_km, deterministic=True)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA cache_size = -65536")
    # A new file's page size (an existing file keeps its own): imported trials are rows of about
    # 7 KB, which 16 KiB pages hold without overflow chains; the writer needs about 9% less CPU.
    cursor.execute("PRAGMA page_size = 16384")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get WAL journaling and the ``cartnav_km`` function."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed)
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        if database and database != ":memory:":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True)
