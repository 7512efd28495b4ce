"""PostgreSQL: one GIN index per searchable field, for field-restricted full-text search.

The combined ``search_vector`` answers "any field" queries; a query for one field (say, words
in the question) would otherwise have to read every candidate row's vector to check which field
matched. SQLite's FTS5 handles column filters itself, so nothing changes there.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from legal_training.storage.search import PG_FIELD_INDEX_SQL

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FIELDS = ("question", "answer", "topic", "case_citation")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for field in _FIELDS:
        expression = PG_FIELD_INDEX_SQL.format(field=field)
        op.execute(
            f"CREATE INDEX ix_sample_texts_fts_{field} ON sample_texts USING GIN ({expression})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for field in _FIELDS:
        op.execute(f"DROP INDEX IF EXISTS ix_sample_texts_fts_{field}")
