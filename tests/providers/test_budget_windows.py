"""Sliding windows, learned limits, charging and wake-ups of the shared budget (no real time)."""

from __future__ import annotations

import asyncio

import pytest

from legal_training.providers.budgets import (
    BudgetExhausted,
    Limit,
    RateBudget,
    limits_from,
)
from legal_training.providers.headers import RateLimitSnapshot, WindowLimit


class FakeTime:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def _never(seconds: float) -> None:
    """A sleep that never ends: a waiter can only get through by being woken."""
    await asyncio.Event().wait()


def sliding(fake: FakeTime, **limits: int) -> RateBudget:
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, sliding_margin_s=0.0)
    budget.configure("p", limits_from(kind="sliding", **limits), per_model=True)
    return budget


async def test_a_full_window_is_waited_out_not_paced_at_limit_per_minute() -> None:
    fake = FakeTime()
    budget = sliding(fake, rpm=60)
    for _ in range(60):
        await budget.reserve("p", "m", tokens=1)
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=1)
    # A bucket would admit the 61st after 1 s; a sliding window only once the first call of
    # the window has left it, 60 s after it was sent.
    assert sum(fake.sleeps) == pytest.approx(60.0)


async def test_calls_leave_the_window_one_by_one_as_they_were_sent() -> None:
    fake = FakeTime()
    budget = sliding(fake, rpm=2)
    await budget.reserve("p", "m", tokens=1)
    fake.now += 10.0
    await budget.reserve("p", "m", tokens=1)
    await budget.reserve("p", "m", tokens=1)
    assert sum(fake.sleeps) == pytest.approx(50.0)  # the first call leaves at t=60
    await budget.reserve("p", "m", tokens=1)
    assert sum(fake.sleeps) == pytest.approx(60.0)  # the second at t=70


async def test_a_dated_admission_keeps_the_slot_until_its_own_window_ends() -> None:
    fake = FakeTime()
    budget = sliding(fake, rpm=1)
    reservation = await budget.reserve("p", "m", tokens=1)
    await reservation.mark_admitted(fake.now + 5.0)  # the provider stamped it 5 s later
    await reservation.settle(used_tokens=1)
    await budget.reserve("p", "m", tokens=1)
    assert sum(fake.sleeps) == pytest.approx(65.0)


async def test_usage_charging_gives_back_what_the_answer_did_not_use_and_wakes_waiters() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=_never, sliding_margin_s=0.0)
    budget.configure("p", limits_from(tpm=1000, kind="sliding"), per_model=True)
    first = await budget.reserve("p", "m", tokens=900)
    waiter = asyncio.create_task(budget.reserve("p", "m", tokens=500))
    await asyncio.sleep(0)
    assert not waiter.done()  # 900 + 500 > 1000: it waits (and its sleep never ends)
    await first.settle(used_tokens=300, prompt_tokens=100)
    second = await asyncio.wait_for(waiter, timeout=5)  # woken by the refund
    assert second.tokens == 500


async def test_admission_charging_keeps_what_was_taken_up_front() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, sliding_margin_s=0.0)
    budget.configure(
        "p", limits_from(tpm=1000, kind="sliding"), per_model=True, charging="admission"
    )
    first = await budget.reserve("p", "m", tokens=900)
    await first.settle(used_tokens=300)
    await budget.reserve("p", "m", tokens=500)
    assert sum(fake.sleeps) == pytest.approx(60.0)  # the 900 stayed charged for the window


async def test_a_refused_call_gives_its_slot_back() -> None:
    fake = FakeTime()
    budget = sliding(fake, rpm=1)
    reservation = await budget.reserve("p", "m", tokens=1)
    await reservation.settle(used_tokens=0, request_counted=False)
    await budget.reserve("p", "m", tokens=1)
    assert fake.sleeps == []


async def test_reported_limits_replace_the_catalog_up_and_down_under_a_cap() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep)
    budget.configure(
        "p",
        limits_from(rpm=600, tpm=48_000, kind="sliding"),
        caps=limits_from(rpm=100, kind="sliding"),
        per_model=True,
    )
    snapshot = RateLimitSnapshot(
        windows=(
            WindowLimit("requests", "minute", limit=30, remaining=30),
            WindowLimit("tokens", "minute", limit=10_000_000, remaining=10_000_000),
        )
    )
    await budget.observe("p", "m", snapshot)
    views = {(v.scope, v.window): v for v in budget.describe("p", "m")}
    requests, tokens = views[("requests", "minute")], views[("tokens", "minute")]
    # Down: the account allows 30 although the catalog and the cap say more.
    assert (requests.learned, requests.effective, requests.source) == (30, 30, "learned")
    # Up: 10M reported, no cap on tokens.
    assert (tokens.default, tokens.learned, tokens.effective) == (48_000, 10_000_000, 10_000_000)
    bigger = RateLimitSnapshot(windows=(WindowLimit("requests", "minute", limit=1000),))
    await budget.observe("p", "m", bigger)
    capped = {(v.scope, v.window): v for v in budget.describe("p", "m")}[("requests", "minute")]
    assert (capped.learned, capped.effective, capped.source) == (1000, 100, "configured")
    assert Limit("requests", "minute", 100) in budget.limits("p", "m")


async def test_a_larger_reported_limit_wakes_the_callers_it_lets_through() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=_never)
    budget.configure("p", limits_from(tpm=5000, kind="sliding"), per_model=True)
    await budget.reserve("p", "m", tokens=5000)
    waiters = [asyncio.create_task(budget.reserve("p", "m", tokens=5000)) for _ in range(5)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiters)
    grown = RateLimitSnapshot(windows=(WindowLimit("tokens", "minute", limit=1_000_000),))
    await budget.observe("p", "m", grown)
    done = await asyncio.wait_for(asyncio.gather(*waiters), timeout=5)
    assert len(done) == 5


async def test_usage_the_provider_knows_of_and_we_do_not_is_counted() -> None:
    fake = FakeTime()
    budget = sliding(fake, rpm=10)
    others = RateLimitSnapshot(windows=(WindowLimit("requests", "minute", limit=10, remaining=1),))
    await budget.observe("p", "m", others)  # another process used 9 of 10
    await budget.reserve("p", "m", tokens=1)
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=1)
    assert sum(fake.sleeps) == pytest.approx(60.0)


async def test_a_queue_behind_other_callers_is_waited_for_not_exhaustion() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, max_wait_s=120.0)
    budget.configure("p", limits_from(tpm=5500), per_model=True)  # a tight bucket
    # Twenty callers each wanting most of a minute's tokens: a 19-minute queue, but each one's
    # own need fits in a minute, so none of them is told the budget is exhausted.
    await asyncio.gather(*(budget.reserve("p", "m", tokens=5000) for _ in range(20)))


async def test_a_daily_window_that_is_full_is_exhaustion() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, max_wait_s=60.0)
    budget.configure("p", limits_from(rpd=2, kind="sliding"), per_model=True)
    await budget.reserve("p", "m", tokens=1)
    await budget.reserve("p", "m", tokens=1)
    assert await budget.exhausted_until("p", "m") is not None
    with pytest.raises(BudgetExhausted):
        await budget.reserve("p", "m", tokens=1)


async def test_capacity_hint_ignores_unconfirmed_catalog_token_limits() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep)
    budget.configure("p", limits_from(rpm=600, tpm=48_000, kind="sliding"), per_model=True)
    assert budget.capacity_hint("p", "m", 6000) == 600
    reported = RateLimitSnapshot(windows=(WindowLimit("tokens", "minute", limit=60_000),))
    await budget.observe("p", "m", reported)
    assert budget.capacity_hint("p", "m", 6000) == pytest.approx(10.0)
