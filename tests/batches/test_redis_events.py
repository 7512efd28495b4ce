"""The Redis event bus against a real redis-server: two buses stand for two processes."""

from __future__ import annotations

import asyncio

import redis

from legal_training.batches.events import ProgressEvent, SnapshotEvent, StatusEvent
from legal_training.batches.redis_events import RedisEventBus


def _snapshots(batch_id: str | None) -> list[SnapshotEvent]:
    return [SnapshotEvent(batch_id or "a", "running", 7, 10)]


async def test_events_published_by_one_process_stream_on_another_with_last_event_id(
    redis_url: str,
) -> None:
    publisher = RedisEventBus(redis_url, prefix="t1", block_ms=50)
    reader = RedisEventBus(redis_url, prefix="t1", block_ms=50, snapshot=_snapshots)
    first = publisher.publish(StatusEvent("a", "running", 0, 3))
    publisher.publish(StatusEvent("b", "running", 0, 1))
    second = publisher.publish(ProgressEvent("a", 1, 3, 0, 10))
    assert reader.last_id() == second.id and second.id > first.id
    assert [e.id for e in reader.replay("a", None)] == [first.id, second.id]
    assert reader.replay("a", second.id) == []
    seen: list[int] = []

    async def follow() -> None:
        async for envelope in reader.subscribe("a", first.id):  # a reconnect after `first`
            seen.append(envelope.id)
            if isinstance(envelope.event, StatusEvent) and envelope.event.terminal:
                return

    task = asyncio.create_task(follow())
    await asyncio.sleep(0.01)
    last = publisher.publish(StatusEvent("a", "completed", 3, 3))
    await asyncio.wait_for(task, 5)
    assert seen == [second.id, last.id]
    event = reader.replay("a", second.id)[0].event
    assert isinstance(event, StatusEvent) and event.status == "completed"
    # The finished batch's stream expires after the grace; the global one stays bounded.
    ttl = redis.Redis.from_url(redis_url).ttl("t1:batch:a")
    assert 0 < ttl <= 30


async def test_a_reader_behind_the_trimmed_stream_gets_a_snapshot_not_a_gap(redis_url: str) -> None:
    bus = RedisEventBus(redis_url, prefix="t2", batch_log=10, block_ms=50, snapshot=_snapshots)
    first = bus.publish(ProgressEvent("a", 0, 10, 0, 0))
    for k in range(300):  # MAXLEN ~ trims whole nodes (100 entries), so write well past it
        bus.publish(ProgressEvent("a", k, 10, 0, k))
    assert bus.has_gap("a", first.id)
    stream = bus.subscribe("a", first.id)
    snapshot = await asyncio.wait_for(stream.__anext__(), 5)
    assert snapshot.name == "snapshot" and snapshot.id == bus.last_id()
    tail = bus.publish(ProgressEvent("a", 9, 10, 0, 9))
    assert (await asyncio.wait_for(stream.__anext__(), 5)).id == tail.id
    await stream.aclose()  # type: ignore[attr-defined]
