"""Callers waiting for room queue in the router's waiting line instead of all polling at once."""

from __future__ import annotations

import asyncio

from legal_training.providers.budgets import RateBudget, limits_from
from legal_training.providers.registry import ProviderRegistry
from legal_training.providers.router import FailoverRouter
from legal_training.providers.waiting import WaitingLine
from tests.providers.test_router import REQUEST, ScriptedProvider, spec


class SteppedTime:
    """A clock moved only by sleepers (each sleep ends at its own deadline), counting how many
    callers sleep at once."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeping = 0
        self.most_sleeping = 0
        self.sleeps = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.sleeping += 1
        self.most_sleeping = max(self.most_sleeping, self.sleeping)
        try:
            await asyncio.sleep(0)
            self.now = max(self.now, self.now + seconds)
            await asyncio.sleep(0)
        finally:
            self.sleeping -= 1


def _router(fake: SteppedTime, names: tuple[str, ...], rpm: int) -> FailoverRouter:
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, sliding_margin_s=0.0)
    specs = {name: spec(name, ["m"]) for name in names}
    for name in names:
        budget.configure(name, limits_from(rpm=rpm, kind="sliding"), per_model=True)
    registry = ProviderRegistry(
        specs=specs,
        clients={name: ScriptedProvider(name) for name in names},
        budget=budget,
        order=list(names),
    )
    return FailoverRouter(registry, clock=fake.clock, sleep=fake.sleep)


async def test_only_the_head_of_the_line_sleeps_on_full_windows() -> None:
    fake = SteppedTime()
    router = _router(fake, ("a", "b"), rpm=2)
    results = await asyncio.wait_for(
        asyncio.gather(*(router.chat(REQUEST) for _ in range(12))), timeout=10
    )
    served = [r.provider for r in results]
    # Both windows are used together, two calls each per window: 12 calls need three windows.
    assert served.count("a") == 6 and served.count("b") == 6
    assert fake.now - 1_700_000_000.0 >= 120.0
    # Without the line every one of the 8 callers that found the windows full would sleep at
    # once (and wake together for each slot that opens).
    assert fake.most_sleeping == 1
    assert fake.sleeps <= 12


async def test_a_single_provider_queues_its_waiters_too() -> None:
    fake = SteppedTime()
    router = _router(fake, ("a",), rpm=3)
    results = await asyncio.wait_for(
        asyncio.gather(*(router.chat(REQUEST) for _ in range(9))), timeout=10
    )
    assert [r.provider for r in results] == ["a"] * 9
    assert fake.most_sleeping == 1


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    line = WaitingLine()
    order: list[str] = []
    release = asyncio.Event()

    async def hold(name: str) -> None:
        async with line.turn("k"):
            order.append(name)
            await release.wait()

    first = asyncio.create_task(hold("first"))
    await asyncio.sleep(0)
    second = asyncio.create_task(hold("second"))
    third = asyncio.create_task(hold("third"))
    await asyncio.sleep(0)
    assert line.waiting("k")
    second.cancel()
    release.set()
    await asyncio.gather(first, third, return_exceptions=True)
    assert second.cancelled()
    assert order == ["first", "third"]
    assert not line.waiting("k")
