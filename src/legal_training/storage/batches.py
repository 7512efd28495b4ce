"""The batch repository: batch rows (plan, progress, outcome) live in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
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

    # -- leases ------------------------------------------------------------------------------
    #
    # A batch is run by the one process holding an unexpired lease on its row. Each method is
    # one statement (or one locked read and write) in the caller's write transaction, so the
    # check and the change cannot be separated by another process.

    def acquire_lease(self, *, batch_id: str, owner: str, now: datetime, until: datetime) -> bool:
        """Take the lease of a ``running`` batch that nobody holds, whose lease has expired,
        or that ``owner`` already holds. False when another live process runs it."""
        row = self.session.get(BatchRow, batch_id, with_for_update=True, populate_existing=True)
        if row is None:
            raise BatchNotFoundError(batch_id)
        if row.status != "running":
            return False
        if not lease_is_free(row, owner=owner, now=now):
            return False
        row.lease_owner, row.lease_expires_at = owner, until
        return True

    def renew_lease(self, *, batch_id: str, owner: str, until: datetime) -> bool:
        """Extend ``owner``'s lease; False when the batch is no longer running or another
        process has taken it over (the caller must stop working on it)."""
        statement = (
            update(BatchRow)
            .where(BatchRow.id == batch_id)
            .where(BatchRow.lease_owner == owner)
            .where(BatchRow.status == "running")
            .values(lease_expires_at=until)
        )
        return bool(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def release_lease(self, *, batch_id: str, owner: str) -> None:
        """Give the lease up (if ``owner`` still holds it), so another process may resume."""
        statement = (
            update(BatchRow)
            .where(BatchRow.id == batch_id)
            .where(BatchRow.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None)
        )
        self.session.execute(statement)

    def unleased_running(self, *, now: datetime) -> list[str]:
        """Ids of ``running`` batches no live process holds: the ones recovery may take."""
        statement = (
            select(BatchRow.id)
            .where(BatchRow.status == "running")
            .where(
                or_(
                    BatchRow.lease_owner.is_(None),
                    BatchRow.lease_expires_at.is_(None),
                    BatchRow.lease_expires_at < now,
                )
            )
            .order_by(BatchRow.started_at)
        )
        return list(self.session.scalars(statement))


def lease_is_free(row: BatchRow, *, owner: str, now: datetime) -> bool:
    """Whether ``owner`` may run the batch: nobody else holds an unexpired lease on it."""
    if row.lease_owner is None or row.lease_owner == owner:
        return True
    return row.lease_expires_at is None or row.lease_expires_at < now
