"""Where the event bus reads a batch's current state for a :class:`SnapshotEvent`.

The database is the one source every process agrees on, so snapshots are read through the
engine's status views rather than from whichever events a bus still holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from legal_training.batches.events import SnapshotEvent, SnapshotSource, snapshot_from_status
from legal_training.errors import DomainError

if TYPE_CHECKING:
    from legal_training.batches.engine import BatchEngine

_RUNNING = "running"


def engine_snapshot_source(engine: BatchEngine) -> SnapshotSource:
    """A snapshot source over ``engine``'s status views (an unknown batch has none)."""

    def source(batch_id: str | None) -> list[SnapshotEvent]:
        if batch_id is None:
            return [
                snapshot_from_status(status)
                for status in engine.all_statuses()
                if status["status"] == _RUNNING
            ]
        try:
            return [snapshot_from_status(engine.status(batch_id))]
        except DomainError:
            return []

    return source
