"""Batch engine: cost estimate, circuit summary, active run time and last progress per batch.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from legal_training.storage.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("cost_usd", sa.Float(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("circuits", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("active_seconds", sa.Float(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_progress_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("last_progress_at")
        batch.drop_column("active_seconds")
        batch.drop_column("circuits")
        batch.drop_column("cost_usd")
