"""Initial trial store: trials, raw records, sites, terms, quarantine, meta, parsed criteria.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# BIGINT on PostgreSQL; INTEGER on SQLite, where "INTEGER PRIMARY KEY" makes ``id`` the rowid.
_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_FTS_COLUMNS = (
    "fts_title, fts_conditions, fts_interventions, fts_keywords, "
    "brief_summary, detailed_description, eligibility_criteria"
)


def _new(prefix: str) -> str:
    return ", ".join(f"{prefix}.{name.strip()}" for name in _FTS_COLUMNS.split(","))


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("id", _KEY, primary_key=True, autoincrement=False),
        sa.Column("nct_id", sa.String(16), nullable=False, unique=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("phases", sa.String(120), nullable=False),
        sa.Column("study_type", sa.String(40)),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("min_age_days", sa.Integer),
        sa.Column("max_age_days", sa.Integer),
        sa.Column("is_cell_therapy", sa.Boolean, nullable=False),
        sa.Column("car_targets", sa.String(200), nullable=False),
        sa.Column("healthy_volunteers", sa.Boolean),
        sa.Column("enrollment", sa.Integer),
        sa.Column("start_date", sa.Date),
        sa.Column("primary_completion_date", sa.Date),
        sa.Column("completion_date", sa.Date),
        sa.Column("first_posted", sa.Date),
        sa.Column("last_update_posted", sa.Date),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("brief_title", sa.Text, nullable=False),
        sa.Column("official_title", sa.Text),
        sa.Column("acronym", sa.Text),
        sa.Column("sponsor", sa.Text),
        sa.Column("collaborators", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("interventions", sa.Text, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("fts_title", sa.Text, nullable=False),
        sa.Column("fts_conditions", sa.Text, nullable=False),
        sa.Column("fts_interventions", sa.Text, nullable=False),
        sa.Column("fts_keywords", sa.Text, nullable=False),
        sa.Column("brief_summary", sa.Text),
        sa.Column("detailed_description", sa.Text),
        sa.Column("eligibility_criteria", sa.Text),
        sa.Column("first_imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_trials_status", "trials", ["status"])
    op.create_table(
        "trial_raw",
        sa.Column(
            "trial_id",
            _KEY,
            sa.ForeignKey("trials.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "sites",
        sa.Column(
            "trial_id",
            _KEY,
            sa.ForeignKey("trials.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("facility", sa.Text),
        sa.Column("city", sa.Text),
        sa.Column("state", sa.Text),
        sa.Column("country", sa.Text),
        sa.Column("country_code", sa.String(2)),
        sa.Column("status", sa.String(40)),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("geo_source", sa.String(16)),
        sa.Column("geo_cell", sa.Integer),
        sa.PrimaryKeyConstraint("trial_id", "position"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_sites_geo_cell", "sites", ["geo_cell", "trial_id"])
    op.create_table(
        "trial_filters",
        sa.Column(
            "trial_id",
            _KEY,
            sa.ForeignKey("trials.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("phases", sa.String(120), nullable=False),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("min_age_days", sa.Integer),
        sa.Column("max_age_days", sa.Integer),
        sa.Column("is_cell_therapy", sa.Boolean, nullable=False),
        sa.Column("car_targets", sa.String(200), nullable=False),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
    )
    op.create_table(
        "trial_terms",
        sa.Column(
            "trial_id",
            _KEY,
            sa.ForeignKey("trials.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("term", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("trial_id", "kind", "position"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_trial_terms_term", "trial_terms", ["term"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("nct_id", sa.String(16)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("origin", "payload_hash", name="uq_quarantine_origin_payload"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "trial_criteria",
        sa.Column("nct_id", sa.String(16), primary_key=True),
        sa.Column("parser_version", sa.String(64), primary_key=True),
        sa.Column("items", sa.Text, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_full_text()
    elif dialect == "postgresql":
        _postgresql_full_text()


def _sqlite_full_text() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE trials_fts USING fts5({_FTS_COLUMNS}, content='trials', "
        "content_rowid='id', detail=column, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER trials_fts_insert AFTER INSERT ON trials BEGIN "
        f"INSERT INTO trials_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_new('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER trials_fts_delete AFTER DELETE ON trials BEGIN "
        f"INSERT INTO trials_fts(trials_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_new('old')}); END"
    )
    op.execute(
        "CREATE TRIGGER trials_fts_update AFTER UPDATE ON trials BEGIN "
        f"INSERT INTO trials_fts(trials_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_new('old')}); "
        f"INSERT INTO trials_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_new('new')}); END"
    )


def _postgresql_full_text() -> None:
    op.execute(
        "ALTER TABLE trials ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(fts_title, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(fts_conditions, '') || ' ' || "
        "coalesce(fts_interventions, '') || ' ' || coalesce(fts_keywords, '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(brief_summary, '') || ' ' || "
        "coalesce(detailed_description, '')), 'C') || "
        "setweight(to_tsvector('english', coalesce(eligibility_criteria, '')), 'D')) STORED"
    )
    op.execute("CREATE INDEX ix_trials_search ON trials USING gin (search_vector)")
    op.execute(
        "CREATE FUNCTION cartnav_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8) "
        "RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        "SELECT 2 * 6371.0088 * asin(least(1.0, sqrt("
        "power(sin(radians(lat2 - lat1) / 2), 2) + "
        "cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)"
        "))) $$"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("trials_fts_insert", "trials_fts_delete", "trials_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS trials_fts")
    elif dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cartnav_km(float8, float8, float8, float8)")
    for table in ("trial_criteria", "meta", "quarantine", "trial_terms", "trial_filters"):
        op.drop_table(table)
    for table in ("sites", "trial_raw"):
        op.drop_table(table)
    op.drop_table("trials")
