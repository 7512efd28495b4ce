"""Provider state shared through a real Redis server: atomic compare-and-set across clients and
OS processes, and one rate budget for several processes on one provider account."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from legal_training.providers.budgets import (
    BucketState,
    BudgetExhausted,
    LearnedLimits,
    LimitKind,
    RateBudget,
    WindowEntry,
    WindowState,
    limits_from,
)
from legal_training.providers.estimates import CompletionHistory, PromptRatio
from legal_training.providers.health import HealthState
from legal_training.providers.redis_state import RedisStateStore
from legal_training.providers.registry import build_state_store
from legal_training.providers.state import (
    InMemoryStateStore,
    decode_state,
    encode_state,
    update,
)
from legal_training.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FAKE_NOW = 1_700_000_000.0

STORED_VALUES = [
    BucketState(level=-2.5, updated_at=FAKE_NOW, blocked_until=0.0, credited=1e16),
    WindowState(
        (WindowEntry(FAKE_NOW, 1.0, "a1-1"), WindowEntry(FAKE_NOW + 0.1, 300.0, "observed")),
        30.0,
        FAKE_NOW,
    ),
    LearnedLimits(items=(("requests", "minute", 30), ("tokens", "day", 500_000)), updated_at=1.5),
    CompletionHistory(recent=(120, 340, 90)),
    PromptRatio(ratio=1.0 / 3.0, samples=7),
    HealthState(failures=2, failing_since=None, reason="429", lasting=True),
]


def _prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


@pytest.mark.parametrize("value", STORED_VALUES, ids=lambda v: type(v).__name__)
def test_every_stored_value_survives_encoding_byte_for_byte(value: object) -> None:
    text = encode_state(value)
    assert decode_state(text) == value
    assert encode_state(decode_state(text)) == text


def test_unregistered_values_and_types_are_refused() -> None:
    with pytest.raises(TypeError):
        encode_state({"level": 1.0})
    with pytest.raises(ValueError, match="unknown type"):
        decode_state('{"@":"Popen","args":"sh"}')


def test_the_setting_selects_the_store_and_its_repr_hides_the_password() -> None:
    assert isinstance(build_state_store(Settings()), InMemoryStateStore)
    url = "redis://:not-a-real-password@127.0.0.1:1/0"
    store = build_state_store(Settings(redis_url=url))
    assert isinstance(store, RedisStateStore)
    assert "not-a-real-password" not in repr(store)
    assert "not-a-real-password" not in repr(Settings(redis_url=url))
    with pytest.raises(ValueError):
        RedisStateStore("http://127.0.0.1:1")


async def test_get_and_compare_and_set_follow_the_stored_value(redis_url: str) -> None:
    store = RedisStateStore(redis_url, prefix=_prefix())
    try:
        first, second = PromptRatio(1.0, 1), PromptRatio(1.5, 2)
        assert await store.get("k") is None
        assert await store.compare_and_set("k", first, second) is False  # nothing stored yet
        assert await store.compare_and_set("k", None, first) is True
        assert await store.compare_and_set("k", None, second) is False  # no longer absent
        assert await store.get("k") == first
        assert await store.compare_and_set("k", PromptRatio(1.0, 9), second) is False
        assert await store.compare_and_set("k", first, second) is True
        assert await store.get("k") == second
    finally:
        await store.aclose()


async def test_every_write_carries_a_time_to_live(redis_url: str) -> None:
    prefix = _prefix()
    store = RedisStateStore(redis_url, prefix=prefix, ttl_s=3600)
    raw = aioredis.from_url(redis_url)
    try:
        await update(store, "k", lambda _: PromptRatio(1.0, 1))
        ttl = await raw.ttl(f"{prefix}k")
        assert 0 < ttl <= 3600
    finally:
        await store.aclose()
        await raw.aclose()


def _appending(item: int) -> Callable[[object], CompletionHistory]:
    def append(value: object) -> CompletionHistory:
        recent = value.recent if isinstance(value, CompletionHistory) else ()
        return CompletionHistory((*recent, item))

    return append


async def test_concurrent_clients_lose_no_update(redis_url: str) -> None:
    prefix = _prefix()
    stores = [RedisStateStore(redis_url, prefix=prefix) for _ in range(6)]
    per_client = 40

    async def writer(index: int, store: RedisStateStore) -> None:
        for n in range(per_client):
            await update(store, "shared", _appending(index * 1000 + n))

    try:
        await asyncio.gather(*(writer(i, store) for i, store in enumerate(stores)))
        final = await stores[0].get("shared")
    finally:
        for store in stores:
            await store.aclose()
    assert isinstance(final, CompletionHistory)
    expected = {i * 1000 + n for i in range(len(stores)) for n in range(per_client)}
    assert sorted(final.recent) == sorted(expected)  # each exactly once


_CHILD = """
import asyncio, sys
import redis.asyncio as aioredis
from legal_training.providers.estimates import CompletionHistory
from legal_training.providers.redis_state import RedisStateStore
from legal_training.providers.state import update

url, prefix, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def append(value, item):
    recent = value.recent if isinstance(value, CompletionHistory) else ()
    return CompletionHistory((*recent, item))

async def main():
    store = RedisStateStore(url, prefix=prefix)
    raw = aioredis.from_url(url)
    await store.get("shared")  # connected
    print("ready", flush=True)
    await raw.blpop([prefix + "go"], timeout=60)
    for n in range(count):
        await update(store, "shared", lambda v, item=writer * 1000 + n: append(v, item))
    await store.aclose()
    await raw.aclose()
    print("done", flush=True)

asyncio.run(main())
"""


async def test_several_os_processes_and_tasks_lose_no_update(redis_url: str) -> None:
    prefix = _prefix()
    per_writer = 60
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _CHILD,
            redis_url,
            prefix,
            str(w),
            str(per_writer),
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        for w in (1, 2)
    ]
    store = RedisStateStore(redis_url, prefix=prefix)
    raw = aioredis.from_url(redis_url)
    try:
        for child in children:
            assert child.stdout is not None
            line = await asyncio.wait_for(child.stdout.readline(), 60)
            assert line.strip() == b"ready"
        await raw.rpush(f"{prefix}go", *["go"] * len(children))  # all start together

        async def local(writer: int) -> None:
            for n in range(per_writer):
                await update(store, "shared", _appending(writer * 1000 + n))

        await asyncio.gather(local(3), local(4))
        codes = [await asyncio.wait_for(child.wait(), 120) for child in children]
        final = await store.get("shared")
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()
        await store.aclose()
        await raw.aclose()
    assert codes == [0, 0]
    assert isinstance(final, CompletionHistory)
    expected = {w * 1000 + n for w in (1, 2, 3, 4) for n in range(per_writer)}
    assert len(final.recent) == len(expected)
    assert set(final.recent) == expected


class FrozenClock:
    """Time that does not pass: what one window admits is all that can ever be admitted."""

    def __init__(self) -> None:
        self.now = FAKE_NOW

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.Event().wait()


def _budget(store: RedisStateStore, clock: FrozenClock, kind: LimitKind) -> RateBudget:
    budget = RateBudget(store, clock=clock.clock, sleep=clock.sleep, max_wait_s=1.0)
    budget.configure("acct", limits_from(kind=kind, rpm=10), per_model=False)
    return budget


async def _try(budget: RateBudget) -> bool:
    try:
        await budget.reserve("acct", "m", tokens=1)
    except BudgetExhausted:
        return False
    return True


@pytest.mark.parametrize("kind", ["sliding", "bucket"])
async def test_two_processes_sharing_redis_never_admit_more_than_the_limit(
    redis_url: str, kind: LimitKind
) -> None:
    prefix = _prefix()
    clock = FrozenClock()
    stores = [RedisStateStore(redis_url, prefix=prefix) for _ in range(3)]
    first, second = _budget(stores[0], clock, kind), _budget(stores[1], clock, kind)
    try:
        alone = [await _try(first) for _ in range(6)]
        attempts = [_try(first) for _ in range(15)] + [_try(second) for _ in range(15)]
        together = await asyncio.gather(*attempts)
        # A budget started later (a restarted process) resumes from the shared state.
        restarted = _budget(stores[2], clock, kind)
        late = await asyncio.gather(*(_try(restarted) for _ in range(5)))
        # Once the window has passed, the account has room again for every process.
        clock.now += 61.0
        after_window = await _try(second)
    finally:
        for store in stores:
            await store.aclose()
    assert alone == [True] * 6
    # Separate stores would let the second budget admit its own 10 here.
    assert sum(together) == 4
    assert not any(late)
    assert after_window
