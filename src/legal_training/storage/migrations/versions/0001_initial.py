"""Samples, batches and full-text search.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from legal_training.storage.models import LENGTH_STATS_COLUMNS, TOKEN_STATS_COLUMNS
from legal_training.storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE samples_fts USING fts5(
        question, answer, topic, case_citation,
        content='sample_texts', content_rowid='sample_seq', tokenize='porter unicode61')""",
    """CREATE TRIGGER samples_fts_ai AFTER INSERT ON sample_texts BEGIN
        INSERT INTO samples_fts(rowid, question, answer, topic, case_citation)
        VALUES (new.sample_seq, new.question, new.answer, new.topic, new.case_citation);
    END""",
    """CREATE TRIGGER samples_fts_ad AFTER DELETE ON sample_texts BEGIN
        INSERT INTO samples_fts(samples_fts, rowid, question, answer, topic, case_citation)
        VALUES ('delete', old.sample_seq, old.question, old.answer, old.topic, old.case_citation);
    END""",
    """CREATE TRIGGER samples_fts_au AFTER UPDATE OF question, answer, topic, case_citation
        ON sample_texts BEGIN
        INSERT INTO samples_fts(samples_fts, rowid, question, answer, topic, case_citation)
        VALUES ('delete', old.sample_seq, old.question, old.answer, old.topic, old.case_citation);
        INSERT INTO samples_fts(rowid, question, answer, topic, case_citation)
        VALUES (new.sample_seq, new.question, new.answer, new.topic, new.case_citation);
    END""",
]

# Weights let one index answer both "all fields" and single-field searches (A..D = field).
_POSTGRES_FTS = [
    """ALTER TABLE sample_texts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(question, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(answer, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(topic, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(case_citation, '')), 'D')) STORED""",
    "CREATE INDEX ix_sample_texts_search_vector ON sample_texts USING GIN (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "samples",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(200), nullable=False, unique=True),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("difficulty", sa.String(50), nullable=False),
        sa.Column("sample_type", sa.String(50)),
        sa.Column("jurisdiction", sa.String(50)),
        sa.Column("practice_area", sa.String(200)),
        sa.Column("provider", sa.String(100)),
        sa.Column("model", sa.String(200)),
        sa.Column("batch_id", sa.String(100)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("question_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("answer_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reasoning_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("citation_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("topic_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("question_chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("answer_chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reasoning_chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("citation_chars", sa.Integer, nullable=False, server_default="0"),
        sa.Column("quality_score", sa.Float),
        sa.Column("quality", sa.JSON),
        sa.Column("question_hash", sa.String(64)),
        sa.Column("extra", sa.JSON),
    )
    for column in (
        "topic",
        "difficulty",
        "sample_type",
        "jurisdiction",
        "practice_area",
        "provider",
        "batch_id",
        "created_at",
        "quality_score",
        "question_hash",
    ):
        op.create_index(f"ix_samples_{column}", "samples", [column])
    op.create_index("ix_samples_length_stats", "samples", list(LENGTH_STATS_COLUMNS))
    op.create_index("ix_samples_token_stats", "samples", list(TOKEN_STATS_COLUMNS))

    # The large texts live in their own table so that `samples` stays narrow (see models.py).
    op.create_table(
        "sample_texts",
        sa.Column(
            "sample_seq", _SEQ, sa.ForeignKey("samples.seq", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("topic", sa.String(300), nullable=False),
        sa.Column("case_citation", sa.Text, nullable=False),
        sa.Column("reasoning", sa.Text, nullable=False),
    )

    op.create_table(
        "batches",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("samples_generated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("samples_rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rejected_by_reason", sa.JSON, nullable=False),
        sa.Column("total_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("provider", sa.String(100)),
        sa.Column("model", sa.String(200)),
        sa.Column("sample_type", sa.String(50)),
        sa.Column("topic_filter", sa.String(300)),
        sa.Column("difficulty_filter", sa.String(50)),
        sa.Column("reasoning_instruction", sa.Text),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
        sa.Column("errors", sa.JSON, nullable=False),
        sa.Column("switches", sa.JSON, nullable=False),
        sa.Column("stop_reason", sa.String(200)),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime()),
    )

    dialect = op.get_bind().dialect.name
    statements = {"sqlite": _SQLITE_FTS, "postgresql": _POSTGRES_FTS}.get(dialect, [])
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("samples_fts_ai", "samples_fts_ad", "samples_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS samples_fts")
    op.drop_table("batches")
    op.drop_table("sample_texts")
    op.drop_table("samples")
