"""The engine against an in-process simulator, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from legal_training.batches.engine import BatchEngine, BatchStateError, BatchStatus
from legal_training.batches.events import SampleEvent, StatusEvent
from legal_training.batches.params import BatchRequest
from legal_training.providers.health import CircuitPolicy
from legal_training.simulator import SimulatorConfig
from legal_training.storage.db import Database
from legal_training.storage.models import BatchRow, SampleRow
from legal_training.storage.types import utcnow
from tests.batches.helpers import in_process_registry, make_engine


def _samples(db: Database, batch_id: str) -> list[SampleRow]:
    with db.read() as session:
        return list(session.scalars(select(SampleRow).where(SampleRow.batch_id == batch_id)))


def _slots(rows: list[SampleRow]) -> list[int]:
    return [int((row.extra or {})["batch_slot"]) for row in rows]


async def _until_samples(engine: BatchEngine, batch_id: str, n: int) -> None:
    """Wait (event-driven, bounded) until ``n`` samples of the batch have been committed."""
    async with asyncio.timeout(20):
        async for envelope in engine.bus.subscribe(batch_id, 0):
            event = envelope.event
            if isinstance(event, SampleEvent) and event.samples_generated >= n:
                return


async def test_batch_completes_with_exactly_count_and_even_coverage(database: Database) -> None:
    registry = in_process_registry(SimulatorConfig(flavour="groq", short_rate=0.15))
    engine = make_engine(database, registry)
    try:
        created = await engine.create(BatchRequest(count=12, sample_type="balance"))
        await engine.wait(created["batch_id"])
        status = engine.status(created["batch_id"])
    finally:
        await registry.aclose()

    rows = _samples(database, created["batch_id"])
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_generated"] == len(rows) == 12
    assert sorted(_slots(rows)) == list(range(12))
    assert len({row.question_hash for row in rows}) == 12
    # 12 slots over 75 topics: 12 distinct topics, and all four sample types used.
    assert len({row.topic for row in rows}) == 12
    assert set(Counter(row.sample_type for row in rows)) == {
        "case_analysis",
        "educational",
        "client_interaction",
        "statutory_interpretation",
    }
    assert status["tokens_used"] > 0 and status["cost_usd"] > 0
    if status["samples_rejected"]:
        assert sum(status["rejected_by_reason"].values()) >= status["samples_rejected"]
    events = engine.bus.replay(created["batch_id"], 0)
    samples = [e.event for e in events if isinstance(e.event, SampleEvent)]
    assert sorted(s.sample_id for s in samples) == sorted(row.id for row in rows)
    final = events[-1].event
    assert isinstance(final, StatusEvent) and final.status == "completed"
    assert [e.id for e in events] == sorted({e.id for e in events})


async def test_a_second_engine_cannot_run_a_batch_whose_lease_is_held(database: Database) -> None:
    """Two processes launching one batch: the lease holder runs it, the other is refused."""
    registry = in_process_registry()
    first, second = make_engine(database, registry), make_engine(database, registry)
    try:
        created = await first.create(BatchRequest(count=8), launch=False)
        await first.launch(created["batch_id"])
        with pytest.raises(BatchStateError, match="another process"):
            await second.launch(created["batch_id"])
        assert await second.running_ids() == []
        await first.wait(created["batch_id"])
        status = first.status(created["batch_id"])
    finally:
        await registry.aclose()
    assert status["status"] == BatchStatus.COMPLETED
    assert len(_samples(database, created["batch_id"])) == 8
    with database.read() as session:
        row = session.get(BatchRow, created["batch_id"])
        assert row is not None and row.lease_owner is None


async def test_an_expired_lease_is_taken_over_and_the_old_holder_saves_nothing_more(
    database: Database,
) -> None:
    """A holder that stalled past its lease: the save transaction refuses its samples once
    another engine holds the lease, so the batch still ends at exactly count."""
    config = SimulatorConfig(flavour="groq", latency_min=0.02, latency_max=0.1)
    registry = in_process_registry(config)
    first = make_engine(database, registry, max_concurrency=4)
    second = make_engine(database, registry, max_concurrency=4)
    try:
        created = await first.create(BatchRequest(count=30))
        batch_id = created["batch_id"]
        await _until_samples(first, batch_id, 2)
        with database.write() as session:
            session.execute(
                update(BatchRow)
                .where(BatchRow.id == batch_id)
                .values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )
        assert await second.running_ids() == [batch_id]
        await second.launch(batch_id)
        owners_after_takeover = {second.owner_id}
        await asyncio.gather(first.wait(batch_id), second.wait(batch_id))
        status = second.status(batch_id)
    finally:
        await registry.aclose()
    rows = _samples(database, batch_id)
    assert status["status"] == BatchStatus.COMPLETED
    assert len(rows) == 30 and len(set(_slots(rows))) == 30
    assert owners_after_takeover != {first.owner_id}


async def test_stop_records_stopped_and_no_sample_lands_afterwards(database: Database) -> None:
    config = SimulatorConfig(flavour="groq", latency_min=0.05, latency_max=0.3)
    registry = in_process_registry(config)
    engine = make_engine(database, registry, max_concurrency=8)
    try:
        created = await engine.create(BatchRequest(count=200))
        batch_id = created["batch_id"]
        await _until_samples(engine, batch_id, 3)
        stopped = await engine.stop(batch_id)
        at_stop = len(_samples(database, batch_id))
        await engine.wait(batch_id)
        with pytest.raises(BatchStateError):
            await engine.stop(batch_id)
    finally:
        await registry.aclose()
    assert stopped == [batch_id]
    assert len(_samples(database, batch_id)) == at_stop < 200
    status = engine.status(batch_id)
    assert status["status"] == BatchStatus.STOPPED and status["completed_at"] is not None
    assert status["samples_generated"] == at_stop


async def test_shutdown_leaves_running_and_next_engine_resumes(database: Database) -> None:
    config = SimulatorConfig(flavour="groq", latency_min=0.05, latency_max=0.2)
    registry = in_process_registry(config)
    try:
        first = make_engine(database, registry, max_concurrency=4)
        created = await first.create(BatchRequest(count=16, topic="Tort Law - Nuisance"))
        batch_id = created["batch_id"]
        await _until_samples(first, batch_id, 4)
        await first.aclose()
        assert first.status(batch_id)["status"] == BatchStatus.RUNNING
        before = _slots(_samples(database, batch_id))

        second = make_engine(database, registry)
        assert await second.start() == [batch_id]
        await second.wait(batch_id)
    finally:
        await registry.aclose()
    rows = _samples(database, batch_id)
    assert second.status(batch_id)["status"] == BatchStatus.COMPLETED
    assert len(rows) == 16 and sorted(_slots(rows)) == list(range(16))
    assert set(before) <= set(_slots(rows))
    assert {row.topic for row in rows} == {"Tort Law - Nuisance"}


async def test_without_auto_resume_running_becomes_interrupted_then_resumes(
    database: Database,
) -> None:
    registry = in_process_registry()
    try:
        first = make_engine(database, registry)
        created = await first.create(BatchRequest(count=5), launch=False)
        batch_id = created["batch_id"]
        second = make_engine(database, registry, auto_resume=False)
        assert await second.start() == []
        assert second.status(batch_id)["status"] == BatchStatus.INTERRUPTED
        await second.resume(batch_id)
        await second.wait(batch_id)
        with pytest.raises(BatchStateError):
            await second.resume(batch_id)  # completed
    finally:
        await registry.aclose()
    assert second.status(batch_id)["status"] == BatchStatus.COMPLETED
    assert len(_samples(database, batch_id)) == 5


async def test_every_provider_failing_ends_failed_with_the_reason(database: Database) -> None:
    registry = in_process_registry(SimulatorConfig(flavour="groq", fault_5xx=1.0))
    engine: BatchEngine = make_engine(database, registry, max_concurrency=4)
    engine.router.retry = type(engine.router.retry)(max_attempts=1, base_delay_s=0.0)
    # Give the provider up after a fraction of a second of nothing but failures (default: 60 s).
    engine.router.circuit = CircuitPolicy(open_s=0.01, max_open_s=0.02, give_up_after_s=0.2)
    try:
        created = await engine.create(BatchRequest(count=3))
        await engine.wait(created["batch_id"])
    finally:
        await registry.aclose()
    status = engine.status(created["batch_id"])
    assert status["status"] == BatchStatus.FAILED
    assert "exhausted" in status["stop_reason"]
    assert status["samples_generated"] == 0 and status["errors"]


async def test_token_cap_stops_the_batch(database: Database) -> None:
    registry = in_process_registry()
    engine = make_engine(database, registry, max_concurrency=2)
    try:
        created = await engine.create(BatchRequest(count=50, max_tokens_total=5000))
        await engine.wait(created["batch_id"])
    finally:
        await registry.aclose()
    status = engine.status(created["batch_id"])
    assert status["status"] == BatchStatus.STOPPED
    assert status["stop_reason"].startswith("token cap reached")
    assert 0 < status["samples_generated"] < 50


async def test_a_batch_resumed_the_moment_it_is_stopped_waits_for_its_run_to_end(
    database: Database,
) -> None:
    registry = in_process_registry(
        SimulatorConfig(flavour="groq", latency_min=0.05, latency_max=0.1)
    )
    engine = make_engine(database, registry)
    try:
        created = await engine.create(BatchRequest(count=400))
        batch_id = created["batch_id"]
        await engine.stop(batch_id)
        resumed = await engine.resume(batch_id)  # no wait in between: the run is winding down
        assert resumed["status"] == BatchStatus.RUNNING
        await engine.stop(batch_id)
        await engine.wait(batch_id)
        assert engine.status(batch_id)["status"] == BatchStatus.STOPPED
    finally:
        await engine.aclose()
        await registry.aclose()
