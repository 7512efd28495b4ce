"""Circuit breakers, the event bus and the plan, with no I/O."""

from __future__ import annotations

import asyncio

from legal_training.batches.circuit import CircuitBreakers, CircuitState
from legal_training.batches.events import (
    Envelope,
    InMemoryEventBus,
    ProgressEvent,
    SnapshotEvent,
    StatusEvent,
)
from legal_training.batches.planning import build_plan, spread_topics
from legal_training.catalog import get_catalog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_circuit_opens_after_three_half_opens_after_timeout_and_closes_after_two() -> None:
    clock = Clock()
    breakers = CircuitBreakers(clock=clock)
    for _ in range(2):
        breakers.record_failure("t")
    assert breakers.allow("t")
    assert breakers.summary()["closed_with_failures"] == [{"topic": "t", "failures": 2}]
    assert breakers.record_failure("t") is True
    assert not breakers.allow("t") and breakers.seconds_until_retry() == 300.0
    clock.now += 300
    assert breakers.state("t") is CircuitState.HALF_OPEN
    assert breakers.record_failure("t") is True  # any failure in half-open re-opens
    clock.now += 300
    breakers.record_success("t")
    assert breakers.summary()["half_open_circuits"] == [{"topic": "t", "successes": 1}]
    breakers.record_success("t")
    assert breakers.state("t") is CircuitState.CLOSED and breakers.summary()["open_circuits"] == []


async def test_bus_replays_after_an_id_and_follows_live_without_gaps() -> None:
    bus = InMemoryEventBus(batch_log=3, first_id=1)
    first = bus.publish(StatusEvent("a", "running", 0, 2))
    bus.publish(StatusEvent("b", "running", 0, 1))
    received: list[int] = []

    async def follow() -> None:
        async for envelope in bus.subscribe("a", first.id):
            received.append(envelope.id)
            if isinstance(envelope.event, StatusEvent) and envelope.event.terminal:
                return

    task = asyncio.create_task(follow())
    await asyncio.sleep(0)
    second = bus.publish(ProgressEvent("a", 1, 2, 0, 10))
    last = bus.publish(StatusEvent("a", "completed", 2, 2))
    await asyncio.wait_for(task, 5)
    assert received == [second.id, last.id]
    assert [e.id for e in bus.replay("a", None)] == [first.id, second.id, last.id]
    assert bus.replay("a", last.id) == [] and bus.last_id() == last.id
    assert second.payload()["type"] == "progress" and "created" in second.payload()


def test_plan_covers_every_topic_type_pair_once_and_spreads_consecutive_slots() -> None:
    catalog = get_catalog()
    topics = catalog.filter_topics(jurisdiction="uk")
    types = catalog.sample_type_ids()
    plan = build_plan(topics, sample_types=types, difficulty=None)
    pairs = {(i.topic, i.sample_type) for i in plan.items}
    assert len(pairs) == len(plan.items) == len(topics) * len(types)
    first = [plan.item(k) for k in range(len(topics))]
    assert len({i.topic for i in first}) == len(topics)
    assert len({i.sample_type for i in first}) == len(types)
    defaults = {t.full_name: t.default_difficulty for t in topics}
    assert all(i.difficulty == defaults[i.topic] for i in first)
    assert set(plan.coverage(len(plan.items) * 2).values()) == {2 * len(types)}


def test_work_moved_off_a_topic_goes_first_to_a_topic_no_other_slot_asks_for() -> None:
    catalog = get_catalog()
    plan = build_plan(
        catalog.filter_topics(jurisdiction="uk"),
        sample_types=catalog.sample_type_ids(),
        difficulty=None,
    )
    count = 12
    asked = {plan.item(k).topic for k in range(count)}
    alternatives = plan.alternatives(3, count=count)
    assert alternatives[0] == plan.item(3)
    assert alternatives[1].topic not in asked
    assert sorted(map(repr, alternatives)) == sorted(map(repr, plan.items))
    assert plan.alternatives(3)[1] == plan.item(4)  # without a count: the cycle's order


def test_a_batch_over_the_whole_catalog_spreads_its_first_samples() -> None:
    catalog = get_catalog()
    topics = catalog.filter_topics()
    plan = build_plan(topics, sample_types=catalog.sample_type_ids(), difficulty=None)
    by_name = {t.full_name: t for t in topics}
    first = [by_name[plan.item(k).topic] for k in range(30)]
    assert {t.jurisdiction for t in first[:4]} == {"uk", "us", "eu", "international"}
    assert len({t.practice_area for t in first}) >= 20
    assert len({t.default_difficulty for t in first}) >= 3
    assert len({plan.item(k).sample_type for k in range(30)}) == len(catalog.sample_type_ids())
    uk_first = [t for t in first if t.jurisdiction == "uk"]
    assert len({t.practice_area for t in uk_first}) == len(uk_first)  # no UK area twice yet


def test_spreading_keeps_every_topic_once() -> None:
    topics = get_catalog().filter_topics()
    spread = spread_topics(topics)
    assert sorted(t.full_name for t in spread) == sorted(t.full_name for t in topics)
    assert [t.jurisdiction for t in spread[:8]] == ["uk", "us", "eu", "international"] * 2


def test_finished_batches_logs_are_dropped_after_the_grace() -> None:
    clock = Clock()
    bus = InMemoryEventBus(retain_after_end_s=30.0, clock=clock, first_id=1)
    for n in range(300):
        batch = f"b{n}"
        for k in range(50):
            bus.publish(ProgressEvent(batch, k, 50, 0, 10 * k))
        bus.publish(StatusEvent(batch, "completed", 50, 50))
    # Within the grace the final events are still there to read.
    assert bus.retained() == (300, 300 * 51)
    assert bus.replay("b299", None)[-1].name == "status"
    clock.now += 31
    bus.publish(StatusEvent("live", "running", 0, 5))
    assert bus.retained() == (1, 1)
    assert bus.replay("b0", None) == []


def test_finished_batches_memory_is_freed() -> None:
    import gc
    import tracemalloc

    clock = Clock()
    bus = InMemoryEventBus(retain_after_end_s=1.0, clock=clock, global_log=10, first_id=1)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for n in range(300):
            for k in range(200):
                bus.publish(ProgressEvent(f"b{n}", k, 200, 0, k))
            bus.publish(StatusEvent(f"b{n}", "completed", 200, 200))
        held = tracemalloc.get_traced_memory()[0] - base
        clock.now += 2
        bus.publish(StatusEvent("live", "running", 0, 5))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert held > 5_000_000  # 60,000 events held before the grace ends
    assert after < 200_000, after


def _snapshots(batch_id: str | None) -> list[SnapshotEvent]:
    return [SnapshotEvent(batch_id or "a", "running", 7, 10, 1, 70)]


async def test_a_last_id_that_fell_off_the_log_gets_a_snapshot_then_live_events() -> None:
    bus = InMemoryEventBus(batch_log=3, first_id=1, snapshot=_snapshots)
    first = bus.publish(ProgressEvent("a", 1, 10, 0, 10))
    for k in range(2, 6):
        bus.publish(ProgressEvent("a", k, 10, 0, 10))
    received: list[Envelope] = []

    async def follow() -> None:
        async for envelope in bus.subscribe("a", first.id):
            received.append(envelope)
            if isinstance(envelope.event, StatusEvent):
                return

    task = asyncio.create_task(follow())
    await asyncio.sleep(0)
    end = bus.publish(StatusEvent("a", "completed", 10, 10))
    await asyncio.wait_for(task, 5)
    assert [e.name for e in received] == ["snapshot", "status"]
    assert received[0].id == end.id - 1 and received[0].event.samples_generated == 7  # type: ignore[attr-defined]
    assert received[1].id == end.id


async def test_a_slow_subscriber_overflow_gives_a_snapshot_not_a_gap() -> None:
    bus = InMemoryEventBus(subscriber_queue=5, first_id=1, snapshot=_snapshots)
    stream = bus.subscribe("a", None)
    first_item = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0)  # subscribed, waiting
    published = [bus.publish(ProgressEvent("a", k, 10, 0, k)) for k in range(1)]
    assert (await first_item).id == published[0].id
    # Nobody reads while 20 events arrive: the queue of 5 overflows.
    published = [bus.publish(ProgressEvent("a", k, 10, 0, k)) for k in range(20)]
    snapshot = await asyncio.wait_for(stream.__anext__(), 5)
    # The lag marker replaced the undelivered events; the reader gets a snapshot stamped with
    # the latest id, then none of the queued events it covers, then live events.
    assert snapshot.name == "snapshot" and snapshot.id == published[-1].id
    tail = bus.publish(ProgressEvent("a", 99, 10, 0, 0))
    assert (await asyncio.wait_for(stream.__anext__(), 5)).id == tail.id
    await stream.aclose()  # type: ignore[attr-defined]
