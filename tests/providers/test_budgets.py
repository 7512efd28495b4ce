"""The shared token-bucket budget: reserve, wait, settle, tighten, block, exhaust."""

from __future__ import annotations

import asyncio

import pytest

from legal_training.providers.budgets import (
    BucketState,
    BudgetExhausted,
    InMemoryBucketStore,
    Limit,
    RateBudget,
    estimate_prompt_tokens,
    limits_from,
    with_headroom,
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


def make_budget(
    fake: FakeTime, *, rpm: int = 60, tpm: int | None = None, max_wait_s: float = 120.0
) -> RateBudget:
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, max_wait_s=max_wait_s)
    budget.configure("p", limits_from(rpm=rpm, tpm=tpm), per_model=True)
    return budget


async def test_full_bucket_admits_without_waiting_then_paces_at_refill_rate() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=60)  # 1 request per second refill, burst 60
    for _ in range(60):
        await budget.reserve("p", "m", tokens=10)
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=10)
    assert fake.sleeps == [pytest.approx(1.0)]


async def test_waiters_queue_in_order_with_exact_computed_waits() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=60)
    for _ in range(60):
        await budget.reserve("p", "m", tokens=1)
    # Three callers arrive at the same instant: they owe 1, 2 and 3 requests of refill.
    waits: list[float] = []
    original_sleep = fake.sleep

    async def record(seconds: float) -> None:
        waits.append(seconds)
        await original_sleep(0)  # do not move the shared clock; we only check the computed waits

    budget._sleep = record
    await asyncio.gather(*(budget.reserve("p", "m", tokens=1) for _ in range(3)))
    assert waits == [pytest.approx(1.0), pytest.approx(2.0), pytest.approx(3.0)]


async def test_tokens_are_reserved_up_front_and_unused_part_refunded() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=1000, tpm=1000)
    first = await budget.reserve("p", "m", tokens=800)
    await first.settle(used_tokens=300)  # 500 come back: 700 left
    await budget.reserve("p", "m", tokens=700)
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=100)  # 100 short at 1000/60 per second
    assert fake.sleeps == [pytest.approx(6.0)]


async def test_usage_above_the_reservation_is_charged() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=1000, tpm=600)
    reservation = await budget.reserve("p", "m", tokens=100)
    await reservation.settle(used_tokens=400)
    await budget.reserve("p", "m", tokens=200)  # 200 left exactly
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=10)
    assert fake.sleeps == [pytest.approx(1.0)]  # 10 tokens at 10/s


async def test_unreported_usage_keeps_the_whole_reservation() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=1000, tpm=600)
    reservation = await budget.reserve("p", "m", tokens=600)
    await reservation.settle(used_tokens=None)
    await budget.reserve("p", "m", tokens=60)
    assert fake.sleeps == [pytest.approx(6.0)]


async def test_refused_request_is_given_back() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=1)
    reservation = await budget.reserve("p", "m", tokens=1)
    await reservation.settle(used_tokens=0, request_counted=False)
    await budget.reserve("p", "m", tokens=1)
    assert fake.sleeps == []


async def test_cancelled_waiter_releases_its_share() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, max_wait_s=120.0)  # real sleep: the waiter blocks
    budget.configure("p", limits_from(rpm=60), per_model=False)
    for _ in range(60):
        await budget.reserve("p", None, tokens=1)
    waiter = asyncio.create_task(budget.reserve("p", None, tokens=1))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    fake.now += 1.0  # one refill: must be available again if the cancelled share was returned
    budget._sleep = fake.sleep
    await budget.reserve("p", None, tokens=1)
    assert fake.sleeps == []


async def test_wait_longer_than_max_raises_with_time_and_holds_nothing() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=1000, tpm=600, max_wait_s=5.0)  # tokens refill 10/s
    await budget.reserve("p", "m", tokens=600)
    key = "p|m|tokens|minute"
    before = await budget._store.get(key)
    with pytest.raises(BudgetExhausted) as info:
        await budget.reserve("p", "m", tokens=100)  # would owe 10 s
    assert info.value.until.timestamp() == pytest.approx(fake.now + 10.0)
    after = await budget._store.get(key)
    assert before is not None and after is not None and after.level == pytest.approx(before.level)
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=40)  # 4 s: within max wait, so it waits
    assert fake.sleeps == [pytest.approx(4.0)]


async def test_retry_after_blocks_everyone_and_long_blocks_exhaust() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=600, max_wait_s=60.0)
    await budget.block("p", "m", seconds=7.5)
    await budget.reserve("p", "m", tokens=1)
    assert fake.sleeps == [pytest.approx(7.5)]
    assert await budget.exhausted_until("p", "m") is None
    await budget.block("p", "m", seconds=3 * 3600)
    until = await budget.exhausted_until("p", "m")
    assert until is not None and until.timestamp() == pytest.approx(fake.now + 3 * 3600)
    with pytest.raises(BudgetExhausted):
        await budget.reserve("p", "m", tokens=1)
    # Other models of a per-model provider are unaffected.
    await budget.reserve("p", "other", tokens=1)
    assert len(fake.sleeps) == 1


async def test_headers_reporting_less_remaining_tighten_the_bucket() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=60, tpm=6000)
    snapshot = RateLimitSnapshot(
        windows=(WindowLimit(scope="tokens", window="minute", limit=6000, remaining=100),)
    )
    await budget.observe("p", "m", snapshot)
    await budget.reserve("p", "m", tokens=100)
    assert fake.sleeps == []
    await budget.reserve("p", "m", tokens=100)
    assert fake.sleeps == [pytest.approx(1.0)]  # 100 tokens at 100/s


async def test_headers_reporting_more_remaining_never_loosen() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=2)
    await budget.reserve("p", "m", tokens=1)
    await budget.reserve("p", "m", tokens=1)
    generous = RateLimitSnapshot(
        windows=(WindowLimit(scope="requests", window="minute", limit=2, remaining=2),)
    )
    await budget.observe("p", "m", generous)
    await budget.reserve("p", "m", tokens=1)
    assert fake.sleeps == [pytest.approx(30.0)]


async def test_unknown_windows_are_learned_from_headers() -> None:
    fake = FakeTime()
    budget = make_budget(fake, rpm=600, max_wait_s=60.0)
    daily = RateLimitSnapshot(
        windows=(WindowLimit(scope="requests", window="day", limit=1000, remaining=0),)
    )
    await budget.observe("p", "m", daily)
    assert Limit("requests", "day", 1000) in budget.limits("p", "m")
    until = await budget.exhausted_until("p", "m")
    assert until is not None  # 86.4 s for one request > 60 s max wait
    with pytest.raises(BudgetExhausted):
        await budget.reserve("p", "m", tokens=1)


async def test_provider_wide_limits_are_shared_by_models() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep)
    budget.configure("ollama", limits_from(rpm=1), per_model=False)
    await budget.reserve("ollama", "a", tokens=1)
    await budget.reserve("ollama", "b", tokens=1)
    assert fake.sleeps == [pytest.approx(60.0)]


async def test_unconfigured_provider_is_unlimited() -> None:
    fake = FakeTime()
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep)
    for _ in range(1000):
        await budget.reserve("nobody", "m", tokens=10_000)
    assert fake.sleeps == []


async def test_store_compare_and_set_rejects_stale_writes() -> None:
    store = InMemoryBucketStore()
    first = BucketState(level=1.0, updated_at=0.0)
    assert await store.compare_and_set("k", None, first)
    assert not await store.compare_and_set("k", None, BucketState(level=2.0, updated_at=0.0))
    assert await store.get("k") == first


def test_limits_validation_and_prompt_estimate() -> None:
    with pytest.raises(ValueError):
        Limit("requests", "minute", 0)
    assert limits_from(rpm=None, tpm=None) == ()
    small = estimate_prompt_tokens([{"role": "user", "content": "x" * 30}])
    large = estimate_prompt_tokens([{"role": "user", "content": "x" * 3000}])
    assert 10 <= small < large and large >= 1000


@pytest.mark.parametrize(
    ("published", "paced"), [(None, None), (7, 7), (25, 25), (60, 59), (600, 593), (5500, 5444)]
)
def test_budget_keeps_a_small_headroom_under_large_limits(
    published: int | None, paced: int | None
) -> None:
    assert with_headroom(published) == paced
