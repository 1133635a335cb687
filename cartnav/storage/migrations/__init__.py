"""Alembic migrations of the trial store, run by :func:`cartnav.storage.migrate.upgrade`."""
