"""The record of Hub pushes, so a user can tell which dataset version is on the Hub.

Lives beside ``models.py`` (same declarative ``Base``) so publishing owns its table without
touching the core models; the table is created by migration ``0003``. A record never holds the
token: only the repository, the commit, what was selected and what came of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from legal_training.storage.models import Base
from legal_training.storage.types import UTCDateTime, utcnow

_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class HubPushRow(Base):
    __tablename__ = "hub_pushes"

    id: Mapped[int] = mapped_column(_ID_TYPE, primary_key=True, autoincrement=True)
    repo_id: Mapped[str] = mapped_column(String(200), nullable=False)
    repo_url: Mapped[str | None] = mapped_column(String(500))
    commit_id: Mapped[str | None] = mapped_column(String(64))
    commit_url: Mapped[str | None] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    private: Mapped[bool] = mapped_column(Boolean, nullable=False)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    success: Mapped[bool] = mapped_column(Boolean, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    endpoint: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_hub_pushes_created_at", "created_at"),
        Index("ix_hub_pushes_repo_id", "repo_id"),
    )


@dataclass(frozen=True)
class PushRecord:
    """What is stored about one push (never a token)."""

    repo_id: str
    format: str
    private: bool
    success: bool
    filters: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    repo_url: str | None = None
    commit_id: str | None = None
    commit_url: str | None = None
    error: str | None = None
    endpoint: str | None = None


def push_to_dict(row: HubPushRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "repo_id": row.repo_id,
        "repo_url": row.repo_url,
        "commit_id": row.commit_id,
        "commit_url": row.commit_url,
        "format": row.format,
        "private": row.private,
        "filters": dict(row.filters or {}),
        "counts": dict(row.counts or {}),
        "success": row.success,
        "error": row.error,
        "endpoint": row.endpoint,
        "created_at": row.created_at.isoformat(),
    }


class PushRepository:
    """Hub push records in one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: PushRecord) -> dict[str, Any]:
        row = HubPushRow(
            repo_id=record.repo_id,
            repo_url=record.repo_url,
            commit_id=record.commit_id,
            commit_url=record.commit_url,
            format=record.format,
            private=record.private,
            filters=dict(record.filters),
            counts=dict(record.counts),
            success=record.success,
            error=record.error,
            endpoint=record.endpoint,
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        return push_to_dict(row)

    def list(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Newest first."""
        statement = (
            select(HubPushRow)
            .order_by(HubPushRow.created_at.desc(), HubPushRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [push_to_dict(r) for r in self.session.scalars(statement)]

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(HubPushRow)) or 0)
