"""Tables of the trial store (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations in ``cartnav/storage/migrations/versions`` create exactly these tables; a test
compares the migrated database with this metadata. Two full-text structures live outside the
metadata because they differ by backend (both created by the first migration):

- SQLite: ``trials_fts``, an FTS5 table with external content ``trials`` (rowid = ``trials.id``),
  kept in sync by :mod:`cartnav.storage.writes`.
- PostgreSQL: ``trials.search_vector``, a generated ``tsvector`` column with a GIN index.

``trials.id`` is the number of the NCT id (``NCT01234567`` -> 1234567): stable, known before
insert, and the rowid of the FTS index. ``trial_filters`` repeats the few columns that search
filters on, so that filtering never reads the wide ``trials`` rows. List-valued filter columns
(``phases``, ``car_targets``, ``countries``) hold ``|A|B|`` so that ``LIKE '%|A|%'`` matches one
value exactly.
"""

from __future__ import annotations

import sqlalchemy as sa

# BIGINT on PostgreSQL; INTEGER on SQLite, where "INTEGER PRIMARY KEY" makes ``id`` the rowid.
_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

# Columns indexed by the full-text search, in this order (bm25 weights follow it).
FTS_COLUMNS = (
    "fts_title",
    "fts_conditions",
    "fts_interventions",
    "fts_keywords",
    "brief_summary",
    "detailed_description",
    "eligibility_criteria",
)

trials = sa.Table(
    "trials",
    metadata,
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
    sa.Column("collaborators", sa.Text, nullable=False),  # JSON list
    sa.Column("conditions", sa.Text, nullable=False),  # JSON list
    sa.Column("interventions", sa.Text, nullable=False),  # JSON list of objects
    sa.Column("extra", sa.Text, nullable=False),  # JSON object
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
sa.Index("ix_trials_status", trials.c.status)

trial_raw = sa.Table(
    "trial_raw",
    metadata,
    sa.Column("trial_id", _KEY, sa.ForeignKey("trials.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("source_format", sa.String(32), nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),  # verbatim, zstd (rows.py)
)

sites = sa.Table(
    "sites",
    metadata,
    sa.Column("trial_id", _KEY, sa.ForeignKey("trials.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("facility", sa.Text),
    sa.Column("city", sa.Text),
    sa.Column("state", sa.Text),
    sa.Column("country", sa.Text),
    sa.Column("country_code", sa.String(2)),
    sa.Column("status", sa.String(40)),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("geo_source", sa.String(16)),  # registry | geonames | NULL (no coordinates)
    sa.Column("geo_cell", sa.Integer),  # 1-degree grid cell of (lat, lon), see geo_cell()
    sa.PrimaryKeyConstraint("trial_id", "position"),
    sqlite_with_rowid=False,
)
sa.Index("ix_sites_geo_cell", sites.c.geo_cell, sites.c.trial_id)

# The columns search filters on, one narrow row per trial (a full scan reads a few MB, not the
# trials table with its texts). ``countries`` holds the sites' ISO codes as ``|CN|US|``.
trial_filters = sa.Table(
    "trial_filters",
    metadata,
    sa.Column("trial_id", _KEY, sa.ForeignKey("trials.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("phases", sa.String(120), nullable=False),
    sa.Column("sex", sa.String(10), nullable=False),
    sa.Column("min_age_days", sa.Integer),
    sa.Column("max_age_days", sa.Integer),
    sa.Column("is_cell_therapy", sa.Boolean, nullable=False),
    sa.Column("car_targets", sa.String(200), nullable=False),
    sa.Column("countries", sa.Text, nullable=False),
    sa.Column("conditions", sa.Text, nullable=False),  # conditions and MeSH terms, one a line
)

trial_terms = sa.Table(
    "trial_terms",
    metadata,
    sa.Column("trial_id", _KEY, sa.ForeignKey("trials.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # keyword | mesh
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("term", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("trial_id", "kind", "position"),
    sqlite_with_rowid=False,
)
sa.Index("ix_trial_terms_term", trial_terms.c.term)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("nct_id", sa.String(16)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("origin", "payload_hash", name="uq_quarantine_origin_payload"),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

trial_criteria = sa.Table(
    "trial_criteria",
    metadata,
    sa.Column("nct_id", sa.String(16), primary_key=True),
    sa.Column("parser_version", sa.String(64), primary_key=True),
    sa.Column("items", sa.Text, nullable=False),  # JSON, as given by the matching area
)
