"""Circuit breakers, the event bus and the plan, with no I/O."""

from __future__ import annotations

import asyncio

from legal_training.batches.circuit import CircuitBreakers, CircuitState
from legal_training.batches.events import InMemoryEventBus, ProgressEvent, StatusEvent
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
