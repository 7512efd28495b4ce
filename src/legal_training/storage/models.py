"""SQLAlchemy models: samples, batches and the full-text machinery that indexes samples.

``samples.seq`` is an integer surrogate key so that SQLite FTS5 (which needs an integer rowid)
and stable keyset ordering work; ``samples.id`` is the user-visible, unique string id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from legal_training.storage.types import UTCDateTime, utcnow

# Columns derived from each text when it is written, so statistics never read the texts:
# token counts (``cl100k_base``) per text, their sum, and character lengths of the long texts.
TOKEN_COLUMNS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "question": "question_tokens",
        "answer": "answer_tokens",
        "reasoning": "reasoning_tokens",
        "case_citation": "citation_tokens",
        "topic": "topic_tokens",
    }
)
TOTAL_TOKENS: Final = "total_tokens"
LENGTH_COLUMNS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "question": "question_chars",
        "answer": "answer_chars",
        "reasoning": "reasoning_chars",
        "case_citation": "citation_chars",
    }
)
TOKEN_AND_TOTAL_COLUMNS: Final = (*TOKEN_COLUMNS.values(), TOTAL_TOKENS)

# BigInteger on PostgreSQL, but SQLite only auto-increments "INTEGER PRIMARY KEY".
_SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")


LENGTH_STATS_COLUMNS: tuple[str, ...] = ("difficulty", *LENGTH_COLUMNS.values())
LENGTH_STATS_COLUMNS_V2: tuple[str, ...] = (*LENGTH_STATS_COLUMNS, "total_tokens")
# The exact-match filters most often combined: counting a filtered page reads only this index.
FILTER_COLUMNS: tuple[str, ...] = (
    "difficulty",
    "jurisdiction",
    "sample_type",
    "provider",
    "practice_area",
    "topic",
    "batch_id",
    "quality_score",
)
TOKEN_STATS_COLUMNS: tuple[str, ...] = ("practice_area", "difficulty", *TOKEN_AND_TOTAL_COLUMNS)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class SampleTextRow(Base):
    """The large texts of a sample, kept apart so that the ``samples`` table stays narrow.

    Filters, counts, pages and statistics then read small rows (a few hundred bytes) instead
    of pages of answer text, which keeps them fast and flat as the dataset grows. ``topic`` is
    copied here because the full-text index covers it together with the texts.
    """

    __tablename__ = "sample_texts"

    sample_seq: Mapped[int] = mapped_column(
        _SEQ_TYPE, ForeignKey("samples.seq", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    topic: Mapped[str] = mapped_column(String(300), nullable=False)
    case_citation: Mapped[str] = mapped_column(Text, nullable=False)
    reasoning: Mapped[str] = mapped_column(Text, nullable=False)


class SampleRow(Base):
    __tablename__ = "samples"

    seq: Mapped[int] = mapped_column(_SEQ_TYPE, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    topic: Mapped[str] = mapped_column(String(300), nullable=False)
    difficulty: Mapped[str] = mapped_column(String(50), nullable=False)
    texts: Mapped[SampleTextRow] = relationship(
        lazy="joined", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    sample_type: Mapped[str | None] = mapped_column(String(50))
    jurisdiction: Mapped[str | None] = mapped_column(String(50))
    practice_area: Mapped[str | None] = mapped_column(String(200))
    provider: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    batch_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    question_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    answer_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reasoning_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    citation_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    topic_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    question_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    answer_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reasoning_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    citation_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    quality_score: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    question_hash: Mapped[str | None] = mapped_column(String(64))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def question(self) -> str:
        return self.texts.question

    @property
    def answer(self) -> str:
        return self.texts.answer

    @property
    def case_citation(self) -> str:
        return self.texts.case_citation

    @property
    def reasoning(self) -> str:
        return self.texts.reasoning

    __table_args__ = (
        Index("ix_samples_topic", "topic"),
        Index("ix_samples_difficulty", "difficulty"),
        Index("ix_samples_sample_type", "sample_type"),
        Index("ix_samples_jurisdiction", "jurisdiction"),
        Index("ix_samples_practice_area", "practice_area"),
        Index("ix_samples_provider", "provider"),
        Index("ix_samples_batch_id", "batch_id"),
        Index("ix_samples_created_at", "created_at"),
        Index("ix_samples_quality_score", "quality_score"),
        Index("ix_samples_question_hash", "question_hash"),
        # Covering indexes: statistics read only these narrow columns, never the large texts.
        Index("ix_samples_length_stats_v2", *LENGTH_STATS_COLUMNS_V2),
        Index("ix_samples_filters", *FILTER_COLUMNS),
        Index("ix_samples_token_stats", *TOKEN_STATS_COLUMNS),
    )


class BatchRow(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    samples_generated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    samples_rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected_by_reason: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False, default=dict)
    total_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    provider: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    sample_type: Mapped[str | None] = mapped_column(String(50))
    topic_filter: Mapped[str | None] = mapped_column(String(300))
    difficulty_filter: Mapped[str | None] = mapped_column(String(50))
    reasoning_instruction: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    plan: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    errors: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    switches: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    stop_reason: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Added by migration 0004 (batch engine).
    cost_usd: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    circuits: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    last_progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Added by migration 0007: repair and judge counters (see batches.followups).
    followups: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Added by migration 0009 (batch leases): who runs the batch, and until when.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SampleBandRow(Base):
    """One LSH band key of a sample's MinHash signature (near-duplicate candidate look-up)."""

    __tablename__ = "sample_bands"

    sample_seq: Mapped[int] = mapped_column(
        _SEQ_TYPE, ForeignKey("samples.seq", ondelete="CASCADE"), primary_key=True
    )
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)

    __table_args__ = (Index("ix_sample_bands_band_key", "band_key"),)
