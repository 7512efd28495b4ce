"""Batch routes: start, stop, status, history, resume, stuck report and the SSE streams.

Thin on purpose: each route parses, calls one :class:`BatchEngine` method and shapes the answer;
the engine knows nothing about HTTP, and its errors carry their own status.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from legal_training.api.deps import EngineDep
from legal_training.api.errors import BadRequest
from legal_training.api.schemas.batches import (
    BatchHistory,
    BatchResumed,
    BatchStartBody,
    BatchStarted,
    BatchStatuses,
    BatchStatusPublic,
    BatchStopBody,
    BatchStopped,
    StuckBatches,
)
from legal_training.batches.engine import BatchStatus
from legal_training.batches.events import Envelope, SnapshotEvent, StatusEvent
from legal_training.batches.params import BatchRequest

router = APIRouter(prefix="/api", tags=["batches"])
HEARTBEAT_S = 15.0
STUCK_DEFAULT_MINUTES = 10.0


@router.post("/generate/batch/start", response_model=BatchStarted)
async def start_batch(body: BatchStartBody, engine: EngineDep) -> dict[str, Any]:
    """Validate everything, store the batch and its plan, start it; 400 lists valid values."""
    created = await engine.create(BatchRequest(**body.model_dump()))
    return {"success": True, "message": f"batch of {created['count']} started", **created}


@router.post("/generate/batch/stop", response_model=BatchStopped)
async def stop_batch(engine: EngineDep, body: BatchStopBody | None = None) -> dict[str, Any]:
    """Stop one batch or every running one; ``stopped`` is committed before this answers."""
    batch_id = body.batch_id if body else None
    stopped = await engine.stop(batch_id)
    if batch_id is not None:
        status = engine.status(batch_id)
        return {
            "success": True,
            "message": f"batch {batch_id} stopped",
            "batch_id": batch_id,
            "samples_generated": status["samples_generated"],
        }
    if not stopped:
        raise BadRequest("no batch generation running")
    return {
        "success": True,
        "message": f"{len(stopped)} batch(es) stopped",
        "stopped_batch_ids": stopped,
    }


@router.get("/generate/batch/status", response_model=BatchStatusPublic | BatchStatuses)
def batch_status(engine: EngineDep, batch_id: str | None = None) -> dict[str, Any]:
    """One batch (``?batch_id=``) or all, from the database overlaid with live counters."""
    if batch_id is not None:
        return engine.status(batch_id)
    batches = engine.all_statuses()
    running = sum(1 for b in batches if b["status"] == BatchStatus.RUNNING)
    return {
        "success": True,
        "batches": {b["batch_id"]: b for b in batches},
        "count": len(batches),
        "running": running,
    }


@router.get("/generate/batch/history", response_model=BatchHistory)
def batch_history(
    engine: EngineDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> dict[str, Any]:
    batches, total = engine.history(limit=limit, offset=offset)
    return {
        "success": True,
        "batches": batches,
        "count": len(batches),
        "total": total,
        "limit": limit,
        "offset": offset,
    }


@router.post("/generate/batch/{batch_id}/resume", response_model=BatchResumed)
async def resume_batch(batch_id: str, engine: EngineDep) -> dict[str, Any]:
    """Continue a stopped, interrupted or failed batch; 400 for a completed or running one."""
    status = await engine.resume(batch_id)
    return {"message": f"batch {batch_id} resumed", **status}


@router.get("/batches/stuck", response_model=StuckBatches)
def stuck_batches(
    engine: EngineDep,
    minutes: Annotated[float, Query(gt=0, le=10_080)] = STUCK_DEFAULT_MINUTES,
) -> dict[str, Any]:
    """A read-only report: nothing is stopped here (use POST /api/generate/batch/stop)."""
    stuck = engine.stuck(minutes=minutes)
    return {
        "success": True,
        "stuck_batches": stuck,
        "count": len(stuck),
        "threshold_minutes": minutes,
    }


def _sse(envelope: Envelope) -> ServerSentEvent:
    return ServerSentEvent(
        data=json.dumps(envelope.payload(), separators=(",", ":")),
        event=envelope.name,
        id=str(envelope.id),
    )


def _parse_last_event_id(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


_SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


_SSE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}
}


@router.get("/generate/batch/stream", response_class=EventSourceResponse, responses=_SSE_RESPONSES)
async def stream_all(
    request: Request,
    engine: EngineDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    """Every batch's events. A fresh client first gets one ``status`` event per running batch
    (stamped with the current last id); a reconnecting one gets exactly what it missed."""
    after = _parse_last_event_id(last_event_id)

    async def events() -> AsyncIterator[ServerSentEvent]:
        if after is None:
            current = engine.bus.last_id()
            for batch in engine.all_statuses():
                if batch["status"] != BatchStatus.RUNNING:
                    continue
                snapshot = StatusEvent(
                    batch["batch_id"],
                    batch["status"],
                    int(batch["samples_generated"]),
                    int(batch["total"]),
                    None,
                )
                yield _sse(Envelope(current, snapshot))
        async for envelope in engine.bus.subscribe(
            None, after if after is not None else engine.bus.last_id()
        ):
            if await request.is_disconnected():
                return
            yield _sse(envelope)

    return EventSourceResponse(events(), ping=HEARTBEAT_S, headers=_SSE_HEADERS)


@router.get(
    "/generate/batch/{batch_id}/stream",
    response_class=EventSourceResponse,
    responses=_SSE_RESPONSES,
)
async def stream_batch(
    batch_id: str,
    request: Request,
    engine: EngineDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    """One batch's events, from the start of this process's log (or after ``Last-Event-ID``).
    The stream ends after the batch's final status event."""
    status = engine.status(batch_id)
    after = _parse_last_event_id(last_event_id)

    async def events() -> AsyncIterator[ServerSentEvent]:
        if not engine.is_live(batch_id) and not engine.bus.replay(batch_id, after):
            # Nothing logged in this process (finished earlier, or before a restart).
            snapshot = StatusEvent(
                batch_id,
                status["status"],
                int(status["samples_generated"]),
                int(status["total"]),
                status.get("stop_reason"),
            )
            yield _sse(Envelope(max(engine.bus.last_id(), after or 0), snapshot))
            if snapshot.terminal:
                return
        async for envelope in engine.bus.subscribe(batch_id, after if after is not None else 0):
            if await request.is_disconnected():
                return
            yield _sse(envelope)
            event = envelope.event
            if isinstance(event, StatusEvent | SnapshotEvent) and event.terminal:
                return

    return EventSourceResponse(events(), ping=HEARTBEAT_S, headers=_SSE_HEADERS)
