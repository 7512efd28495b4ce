"""The batch repository: batch rows (plan, progress, outcome) live in the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legal_training.errors import DomainError
from legal_training.storage.models import BatchRow
from legal_training.storage.types import utcnow


class BatchNotFoundError(DomainError, LookupError):
    """No batch with that id."""

    status = 404
    code = "batch_not_found"

    def __init__(self, batch_id: str) -> None:
        self.batch_id = batch_id
        super().__init__(f"batch {batch_id!r} not found")


def batch_to_dict(row: BatchRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "batch_id": row.id,
        "status": row.status,
        "count": row.count,
        "samples_generated": row.samples_generated,
        "samples_rejected": row.samples_rejected,
        "rejected_by_reason": dict(row.rejected_by_reason or {}),
        "tokens_used": row.total_tokens,
        "provider": row.provider,
        "model": row.model,
        "sample_type": row.sample_type,
        "topic_filter": row.topic_filter,
        "difficulty_filter": row.difficulty_filter,
        "reasoning_instruction": row.reasoning_instruction,
        "params": dict(row.params or {}),
        "errors": list(row.errors or []),
        "switches": list(row.switches or []),
        "stop_reason": row.stop_reason,
        "started_at": row.started_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "completed_at": row.completed_at.isoformat() if row.completed_at else None,
    }


class BatchRepository:
    """Batches in one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, **values: Any) -> BatchRow:
        now = utcnow()
        row = BatchRow(started_at=now, updated_at=now, **values)
        self.session.add(row)
        self.session.flush()
        return row

    def get_row(self, batch_id: str) -> BatchRow:
        row = self.session.get(BatchRow, batch_id)
        if row is None:
            raise BatchNotFoundError(batch_id)
        return row

    def find(self, batch_id: str) -> dict[str, Any] | None:
        row = self.session.get(BatchRow, batch_id)
        return batch_to_dict(row) if row else None

    def with_status(self, statuses: Sequence[str]) -> list[BatchRow]:
        statement = select(BatchRow).where(BatchRow.status.in_(list(statuses)))
        return list(self.session.scalars(statement.order_by(BatchRow.started_at)))
