"""Hub pushes: one row per attempt to publish to the Hugging Face Hub.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from legal_training.storage.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hub_pushes",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("repo_id", sa.String(200), nullable=False),
        sa.Column("repo_url", sa.String(500)),
        sa.Column("commit_id", sa.String(64)),
        sa.Column("commit_url", sa.String(500)),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("success", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("endpoint", sa.String(300)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_hub_pushes_created_at", "hub_pushes", ["created_at"])
    op.create_index("ix_hub_pushes_repo_id", "hub_pushes", ["repo_id"])


def downgrade() -> None:
    op.drop_table("hub_pushes")
