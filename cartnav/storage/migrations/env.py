"""Alembic environment: migrates the connection handed in by ``cartnav.storage.migrate``.

Run from the command line (developers): ``alembic -c cartnav/storage/alembic.ini upgrade head``
with ``CARTNAV_DATABASE_URL`` set, or let ``open_store`` do it.
"""

from __future__ import annotations

from alembic import context

from cartnav.storage.schema import metadata
from cartnav.storage.urls import default_database_url, make_engine

config = context.config


def _run(connection: object) -> None:
    context.configure(connection=connection, target_metadata=metadata)  # type: ignore[arg-type]
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - command-line use
    engine = make_engine(default_database_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
