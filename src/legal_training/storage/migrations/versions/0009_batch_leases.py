"""Batch leases: the process running a batch holds a renewed lease on its row.

A batch is run only by the holder of an unexpired lease, so a second process on the same
database (a CLI ``generate`` next to ``serve``, a restarted server) never runs it twice; start-up
recovery takes over only batches whose lease has expired.

Revision ID: 0009_batch_leases
Revises: 0007_judge_repair
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from legal_training.storage.types import UTCDateTime

revision = "0009_batch_leases"
down_revision = "0007_judge_repair"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(200), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_owner")
