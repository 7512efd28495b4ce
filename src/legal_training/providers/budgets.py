"""Shared rate budgets: every call in the process asks here before it is sent.

Why our own bucket: the original counted only successful calls, per batch, after the fact, so N
batches spent N×RPM and tokens were checked once already spent (original-system.md §3.3). The
``limits`` library offers weighted hits and Redis storage but has no refunds and no blocking
wait, and reserve-then-settle needs both: Cerebras charges ``prompt + max_completion_tokens`` at
admission, so we must hold that much before sending and give back what the answer did not use.

The model is the one Groq, Cerebras and OpenAI document: a token bucket per quota window, of
``limit`` units, refilled continuously at ``limit / window`` per second.

* :meth:`RateBudget.reserve` takes the call's cost from every bucket that applies (requests: 1,
  tokens: prompt estimate + ``max_tokens``) at once, letting a level go negative, and sleeps
  exactly until the debt has refilled. Callers thus queue in arrival order, no one polls, and a
  cancelled waiter gives its share back.
* :meth:`Reservation.settle` refunds what the provider's usage shows was not used (or charges
  the excess), and can un-count a request the provider refused before doing any work.
* :meth:`RateBudget.observe` tightens a bucket when the provider's headers report less remaining
  than we think, and learns windows we were not told about (e.g. Groq's daily requests).
* :meth:`RateBudget.block` honours ``retry-after``; a wait longer than ``max_wait_s`` (a daily
  quota, Ollama's session limit) raises :class:`BudgetExhausted` with the time it ends, so the
  router moves to the next model or provider instead of waiting for hours.

State lives behind :class:`BucketStore` (atomic get + compare-and-set, nothing more) so that a
Redis store (WATCH/MULTI or a Lua CAS) can replace :class:`InMemoryBucketStore` for several
processes sharing one provider account.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

import structlog

from legal_training.providers.headers import RateLimitSnapshot

logger = structlog.get_logger(__name__)

Scope = Literal["requests", "tokens"]
Window = Literal["minute", "hour", "day"]
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

WINDOW_SECONDS: Mapping[Window, float] = {"minute": 60.0, "hour": 3600.0, "day": 86_400.0}
DEFAULT_MAX_WAIT_S = 120.0
_CAS_ATTEMPTS = 100
#: A rough, deliberately generous chars-per-token ratio for English legal prose (real BPE
#: tokenisers give ~4). Over-estimating only delays a call briefly; under-estimating risks a 429.
_CHARS_PER_TOKEN = 3.0
_TOKENS_PER_MESSAGE = 4


def estimate_prompt_tokens(messages: Iterable[Mapping[str, str]]) -> int:
    """A cheap, offline, conservative estimate of a prompt's tokens (settled later anyway)."""
    total = 3
    for message in messages:
        content = message.get("content") or ""
        total += _TOKENS_PER_MESSAGE + math.ceil(len(content) / _CHARS_PER_TOKEN)
    return total


# --- storage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BucketState:
    """One bucket's stored state. ``level`` may be negative: units promised to waiting callers."""

    level: float
    updated_at: float
    blocked_until: float = 0.0


class BucketStore(ABC):
    """Where bucket states live. Two operations, both atomic per key.

    Kept this narrow on purpose: a Redis implementation needs only a GET and a WATCH-guarded SET
    (or one Lua script) per call.
    """

    @abstractmethod
    async def get(self, key: str) -> BucketState | None:
        """The current state, or None if the key was never written."""

    @abstractmethod
    async def compare_and_set(
        self, key: str, expected: BucketState | None, new: BucketState
    ) -> bool:
        """Write ``new`` only if the stored state still equals ``expected``."""


class InMemoryBucketStore(BucketStore):
    """Process-local storage; a lock makes it safe from several threads as well as tasks."""

    def __init__(self) -> None:
        self._states: dict[str, BucketState] = {}
        self._lock = threading.Lock()

    async def get(self, key: str) -> BucketState | None:
        with self._lock:
            return self._states.get(key)

    async def compare_and_set(
        self, key: str, expected: BucketState | None, new: BucketState
    ) -> bool:
        with self._lock:
            if self._states.get(key) != expected:
                return False
            self._states[key] = new
            return True


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """One quota: ``amount`` requests or tokens per ``window``."""

    scope: Scope
    window: Window
    amount: int

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"limit amount must be positive, got {self.amount}")

    @property
    def rate(self) -> float:
        """Units refilled per second."""
        return self.amount / WINDOW_SECONDS[self.window]


HEADROOM_FRACTION = 0.01


def with_headroom(amount: int | None) -> int | None:
    """A provider's limit minus a small headroom: 1%, plus one unit for limits of 50 or more.

    Pacing at exactly the provider's limit leaves both our bucket and theirs at zero, so any
    jitter in delivery time between the two turns into a 429 (measured: 2.8% of requests at
    60/60 rpm). One unit or 1% under the limit removed them at a cost of about 1-2% throughput.
    Small limits (a few requests a minute) space requests seconds apart, where millisecond
    jitter does not matter, so they keep their full value.
    """
    if amount is None:
        return None
    headroom = math.floor(amount * HEADROOM_FRACTION) + (1 if amount >= 50 else 0)
    return amount - headroom


def limits_from(
    *,
    rpm: int | None = None,
    tpm: int | None = None,
    rph: int | None = None,
    tph: int | None = None,
    rpd: int | None = None,
    tpd: int | None = None,
) -> tuple[Limit, ...]:
    """Build the limit set from the usual per-minute/hour/day numbers (None = not limited)."""
    pairs: list[tuple[Scope, Window, int | None]] = [
        ("requests", "minute", rpm),
        ("tokens", "minute", tpm),
        ("requests", "hour", rph),
        ("tokens", "hour", tph),
        ("requests", "day", rpd),
        ("tokens", "day", tpd),
    ]
    return tuple(Limit(scope, window, amount) for scope, window, amount in pairs if amount)


@dataclass
class _ProviderLimits:
    limits: dict[tuple[Scope, Window], Limit]
    per_model: bool
    learned: dict[str, dict[tuple[Scope, Window], Limit]] = field(default_factory=dict)


class BudgetExhausted(Exception):
    """The budget cannot serve this call within ``max_wait_s``; ``until`` says when it can."""

    def __init__(self, provider: str, model: str | None, until: datetime, reason: str) -> None:
        self.provider = provider
        self.model = model
        self.until = until
        self.reason = reason
        where = provider + (f" model {model}" if model else "")
        super().__init__(f"{where}: budget exhausted until {until.isoformat()} ({reason})")


@dataclass(frozen=True)
class _Take:
    key: str
    limit: Limit
    amount: float


@dataclass
class Reservation:
    """Capacity held for one call; settle it once the outcome is known."""

    budget: RateBudget
    provider: str
    model: str | None
    tokens: int
    _takes: tuple[_Take, ...]
    _settled: bool = False

    async def settle(self, *, used_tokens: int | None, request_counted: bool = True) -> None:
        """Refund the unused tokens (or charge the excess).

        ``used_tokens=None`` keeps the whole reservation (the provider reported no usage).
        ``request_counted=False`` also gives the request back: the provider refused the call
        before doing work (429, connection never made), so it did not count it either.
        """
        if self._settled:
            return
        self._settled = True
        for take in self._takes:
            if take.limit.scope == "tokens":
                if used_tokens is None:
                    continue
                refund = take.amount - min(float(used_tokens), take.limit.amount)
            else:
                refund = 0.0 if request_counted else take.amount
            if refund:
                await self.budget._adjust(take.key, take.limit, refund)

    async def release(self) -> None:
        """Give everything back: the call was never sent."""
        await self.settle(used_tokens=0, request_counted=False)


# --- the budget --------------------------------------------------------------------------------


class RateBudget:
    """All buckets of all providers for this process (or, with a shared store, many)."""

    def __init__(
        self,
        store: BucketStore | None = None,
        *,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
    ) -> None:
        self._store = store or InMemoryBucketStore()
        self._clock = clock
        self._sleep = sleep
        self.max_wait_s = max_wait_s
        self._providers: dict[str, _ProviderLimits] = {}

    # configuration

    def configure(self, provider: str, limits: Sequence[Limit], *, per_model: bool) -> None:
        """Set a provider's limits. ``per_model`` gives each model its own buckets, as Groq and
        Cerebras count quota per model; otherwise all models share the provider's buckets."""
        self._providers[provider] = _ProviderLimits(
            limits={(limit.scope, limit.window): limit for limit in limits}, per_model=per_model
        )

    def limits(self, provider: str, model: str | None = None) -> tuple[Limit, ...]:
        """Configured plus learned limits that apply to this provider/model."""
        config = self._providers.get(provider)
        if config is None:
            return ()
        merged = dict(self._learned(provider, model))
        merged.update(config.limits)
        return tuple(merged.values())

    def _scope_key(self, provider: str, model: str | None) -> str:
        config = self._providers.get(provider)
        if config is not None and config.per_model and model:
            return f"{provider}|{model}"
        return f"{provider}|*"

    def _learned(self, provider: str, model: str | None) -> dict[tuple[Scope, Window], Limit]:
        config = self._providers.get(provider)
        if config is None:
            return {}
        return config.learned.setdefault(self._scope_key(provider, model), {})

    def _bucket_key(self, provider: str, model: str | None, limit: Limit) -> str:
        return f"{self._scope_key(provider, model)}|{limit.scope}|{limit.window}"

    def _gate_key(self, provider: str, model: str | None) -> str:
        return f"{self._scope_key(provider, model)}|gate"

    def _gate_keys(self, provider: str, model: str | None) -> set[str]:
        """The provider-wide gate and, for per-model providers, the model's own."""
        return {self._gate_key(provider, None), self._gate_key(provider, model)}

    # reserve / wait

    async def reserve(self, provider: str, model: str | None, *, tokens: int) -> Reservation:
        """Hold one request and ``tokens`` tokens, waiting until the provider will accept them.

        Raises :class:`BudgetExhausted` (holding nothing) when that would take longer than
        ``max_wait_s``. An unknown provider is unlimited.
        """
        now = self._clock()
        gate = await self._gate_until(provider, model)
        if gate - now > self.max_wait_s:
            raise BudgetExhausted(provider, model, _utc(gate), "provider asked us to wait")
        takes: list[_Take] = []
        wait = max(0.0, gate - now)
        for limit in self.limits(provider, model):
            amount = 1.0 if limit.scope == "requests" else float(min(tokens, limit.amount))
            key = self._bucket_key(provider, model, limit)
            level = await self._take(key, limit, amount)
            takes.append(_Take(key, limit, amount))
            if level < 0:
                wait = max(wait, -level / limit.rate)
        reservation = Reservation(self, provider, model, tokens, tuple(takes))
        if wait > self.max_wait_s:
            await reservation.release()
            raise BudgetExhausted(provider, model, _utc(now + wait), "quota used up")
        try:
            while wait > 0:
                await self._sleep(wait)
                # A 429 seen by another caller while we slept blocks us too.
                now = self._clock()
                gate = await self._gate_until(provider, model)
                if gate - now > self.max_wait_s:
                    raise BudgetExhausted(provider, model, _utc(gate), "provider asked us to wait")
                wait = max(0.0, gate - now)
        except BaseException:
            await reservation.release()
            raise
        return reservation

    async def exhausted_until(self, provider: str, model: str | None = None) -> datetime | None:
        """When the budget could next serve a call, if that is further than ``max_wait_s`` away.

        The router asks this to skip a provider whose daily or session quota is gone.
        """
        now = self._clock()
        until = await self._gate_until(provider, model)
        for limit in self.limits(provider, model):
            state = await self._state(self._bucket_key(provider, model, limit), limit, now)
            need = 1.0 if limit.scope == "requests" else 0.0
            if state.level < need:
                until = max(until, now + (need - state.level) / limit.rate)
        return _utc(until) if until - now > self.max_wait_s else None

    # feedback from the provider

    async def block(self, provider: str, model: str | None, *, seconds: float) -> None:
        """Admit nothing for this provider/model for ``seconds`` (a ``retry-after``).

        ``model=None`` blocks every model of the provider (an account-wide quota such as
        Ollama's session limit), even when its buckets are kept per model.
        """
        until = self._clock() + max(0.0, seconds)
        key = self._gate_key(provider, model)
        for _ in range(_CAS_ATTEMPTS):
            current = await self._store.get(key)
            if current is not None and current.blocked_until >= until:
                return
            new = BucketState(level=0.0, updated_at=self._clock(), blocked_until=until)
            if await self._store.compare_and_set(key, current, new):
                logger.info("budget_blocked", provider=provider, model=model, seconds=seconds)
                return
        raise RuntimeError(f"bucket {key!r} is too contended to update")

    async def observe(self, provider: str, model: str | None, snapshot: RateLimitSnapshot) -> None:
        """Tighten buckets from the provider's rate-limit headers, learning unknown windows."""
        config = self._providers.get(provider)
        if config is None:
            return
        learned = self._learned(provider, model)
        for window in snapshot.windows:
            key_tuple = (window.scope, window.window)
            limit = config.limits.get(key_tuple) or learned.get(key_tuple)
            if limit is None:
                if not window.limit or window.limit <= 0:
                    continue
                limit = Limit(window.scope, window.window, window.limit)
                learned[key_tuple] = limit
            if window.remaining is None:
                continue
            await self._tighten(self._bucket_key(provider, model, limit), limit, window.remaining)

    # bucket primitives

    async def _gate_until(self, provider: str, model: str | None) -> float:
        until = 0.0
        for key in self._gate_keys(provider, model):
            state = await self._store.get(key)
            if state is not None:
                until = max(until, state.blocked_until)
        return until

    async def _state(self, key: str, limit: Limit, now: float) -> BucketState:
        stored = await self._store.get(key)
        return _refill(stored, limit, now)

    async def _update(
        self, key: str, limit: Limit, change: Callable[[BucketState], BucketState | None]
    ) -> BucketState:
        for _ in range(_CAS_ATTEMPTS):
            now = self._clock()
            stored = await self._store.get(key)
            current = _refill(stored, limit, now)
            new = change(current)
            if new is None:
                return current
            if await self._store.compare_and_set(key, stored, new):
                return new
        raise RuntimeError(f"bucket {key!r} is too contended to update")

    async def _take(self, key: str, limit: Limit, amount: float) -> float:
        state = await self._update(key, limit, lambda s: replace(s, level=s.level - amount))
        return state.level

    async def _adjust(self, key: str, limit: Limit, delta: float) -> None:
        await self._update(
            key,
            limit,
            lambda s: replace(s, level=min(float(limit.amount), s.level + delta)),
        )

    async def _tighten(self, key: str, limit: Limit, remaining: int) -> None:
        def lower(state: BucketState) -> BucketState | None:
            if state.level <= remaining:
                return None
            return replace(state, level=float(remaining))

        before = await self._state(key, limit, self._clock())
        after = await self._update(key, limit, lower)
        if before.level - after.level > max(1.0, 0.01 * limit.amount):
            # Only a real disagreement is worth a line; rounding differences happen every call.
            logger.info("budget_tightened", key=key, ours=before.level, theirs=remaining)


def _refill(stored: BucketState | None, limit: Limit, now: float) -> BucketState:
    """State brought up to ``now``; a new bucket starts full, like a fresh provider quota."""
    if stored is None:
        return BucketState(level=float(limit.amount), updated_at=now)
    elapsed = max(0.0, now - stored.updated_at)
    level = min(float(limit.amount), stored.level + elapsed * limit.rate)
    return BucketState(level=level, updated_at=max(now, stored.updated_at), blocked_until=0.0)


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)
