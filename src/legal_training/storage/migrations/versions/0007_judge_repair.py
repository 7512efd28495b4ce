"""Repair and judge counters per batch: repaired samples, tokens spent and saved, judge tokens.

One JSON column rather than one column per counter: the set grows with the gate's follow-ups,
and the counters are only ever read and written whole.

Revision ID: 0007_judge_repair
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_judge_repair"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("followups", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("followups")
