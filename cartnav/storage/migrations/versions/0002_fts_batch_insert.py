"""SQLite: index new trials in the full-text table once per batch instead of by trigger.

The row trigger ``trials_fts_insert`` cost about as much as all the other import writes
together; :func:`cartnav.storage.writes.write_prepared` now fills ``trials_fts`` for the whole
batch with one ``INSERT ... SELECT`` in the same transaction (the index stays exact). The delete
and update triggers stay. PostgreSQL is unchanged (its ``tsvector`` column is generated).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FTS_COLUMNS = (
    "fts_title, fts_conditions, fts_interventions, fts_keywords, "
    "brief_summary, detailed_description, eligibility_criteria"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS trials_fts_insert")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        new = ", ".join(f"new.{name.strip()}" for name in _FTS_COLUMNS.split(","))
        op.execute(
            "CREATE TRIGGER trials_fts_insert AFTER INSERT ON trials BEGIN "
            f"INSERT INTO trials_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {new}); END"
        )
