"""Covering indexes for combined filters and per-difficulty token statistics.

SQLite uses one index per table in a query; a count with two filters, or a per-difficulty sum of
tokens, otherwise reads every matching row. These indexes answer both from the index alone.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from legal_training.storage.models import FILTER_COLUMNS, LENGTH_STATS_COLUMNS_V2

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_samples_length_stats", table_name="samples")
    op.create_index("ix_samples_length_stats_v2", "samples", list(LENGTH_STATS_COLUMNS_V2))
    op.create_index("ix_samples_filters", "samples", list(FILTER_COLUMNS))


def downgrade() -> None:
    op.drop_index("ix_samples_filters", table_name="samples")
    op.drop_index("ix_samples_length_stats_v2", table_name="samples")
    op.create_index("ix_samples_length_stats", "samples", list(LENGTH_STATS_COLUMNS_V2[:-1]))
