"""Near-duplicate index: LSH band keys of each sample's MinHash signature.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sample_bands",
        sa.Column(
            "sample_seq",
            _SEQ,
            sa.ForeignKey("samples.seq", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("band_key", sa.BigInteger, primary_key=True),
    )
    op.create_index("ix_sample_bands_band_key", "sample_bands", ["band_key"])


def downgrade() -> None:
    op.drop_table("sample_bands")
