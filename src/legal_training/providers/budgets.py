"""Shared rate budgets: every call in the process asks here before it is sent.

Providers count quota in two ways, and a client that assumes the wrong one either wastes half its
quota or collects a storm of 429s (reference/provider-facts.md, "Windows in the wild"):

* **sliding windows** (``kind="sliding"``, the default): at most ``limit`` units in any
  ``window`` seconds. A client that spends a full window at once must then wait for those units
  to leave the window, not pace at ``limit / window`` per second. We keep a log of what we sent
  (each entry kept :data:`SLIDING_MARGIN_S` longer than the window, to absorb the delay between
  our clock and the provider's) and admit a call only when it fits. This is safe against every
  counter a provider may use: a fixed window or a continuous bucket never refuses what a sliding
  window of the same size admits.
* **continuous buckets** (``kind="bucket"``): ``limit`` units refilled at ``limit / window`` per
  second, the model Groq, Cerebras and OpenAI document. A caller takes its cost at once, letting
  the level go negative, and waits until the debt has refilled; callers queue in arrival order.

How tokens are charged also differs (``charging``): a Cerebras-style provider charges
``prompt + max_tokens`` at admission and keeps it, so that is what we hold; a usage-charging
provider (Groq, OpenAI, Ollama) charges what the answer really used, so the caller reserves an
estimate and :meth:`Reservation.settle` replaces it with the reported usage. Whatever comes back
(a refund, a limit learned to be larger, a block lifted) wakes every waiter at once, so a
token-bound batch runs at the pace its real usage allows, not at ``limit / reservation``.

Limits come from three places, resolved per quota window: the catalog's numbers are defaults; a
limit the provider reports in its headers replaces the default, up or down (accounts differ from
the docs by 10-100x); an explicit ``<PROVIDER>_RPM/_TPM`` or providers-file value is a cap the
user chose, never exceeded. :meth:`RateBudget.describe` shows all three.

Other feedback: :meth:`RateBudget.observe` adds usage the provider knows of and we do not
(another process on the same key) and learns windows we were not told about (Groq's daily
requests); :meth:`RateBudget.block` honours ``retry-after``; a wait longer than ``max_wait_s``
that the provider itself imposes (a daily quota, Ollama's session limit) raises
:class:`BudgetExhausted` with the time it ends. Waiting behind other callers is never
exhaustion: a queue is a reason to wait, not to fail.

State lives behind :class:`~legal_training.providers.state.StateStore`, so a shared store can
replace the in-memory one for several processes on one provider account.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

import structlog

from legal_training.providers.headers import RateLimitSnapshot
from legal_training.providers.state import InMemoryStateStore, StateStore, state_value, update

logger = structlog.get_logger(__name__)

Scope = Literal["requests", "tokens"]
Window = Literal["minute", "hour", "day"]
LimitKind = Literal["sliding", "bucket"]
TokenCharging = Literal["usage", "admission"]
LimitSource = Literal["catalog", "configured", "learned"]
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

WINDOW_SECONDS: Mapping[Window, float] = {"minute": 60.0, "hour": 3600.0, "day": 86_400.0}
LIMIT_KINDS: tuple[LimitKind, ...] = ("sliding", "bucket")
TOKEN_CHARGING: tuple[TokenCharging, ...] = ("usage", "admission")
DEFAULT_MAX_WAIT_S = 120.0
#: How long past its window a sliding entry still counts. Entries are dated from the answer
#: (less the provider's own processing time, :meth:`Reservation.mark_admitted`), which leaves
#: only network delay and clock jitter to absorb.
SLIDING_MARGIN_S = 0.1
#: A rough, deliberately generous chars-per-token ratio for English legal prose (real BPE
#: tokenisers give ~4). Reservations are corrected by each provider's reported usage.
_CHARS_PER_TOKEN = 3.0
_TOKENS_PER_MESSAGE = 4
#: Usage the provider reports beyond ours by less than this share of the limit is rounding.
_OBSERVE_TOLERANCE = 0.01


def estimate_prompt_tokens(messages: Iterable[Mapping[str, str]]) -> int:
    """A cheap, offline, conservative estimate of a prompt's tokens (settled later anyway)."""
    total = 3
    for message in messages:
        content = message.get("content") or ""
        total += _TOKENS_PER_MESSAGE + math.ceil(len(content) / _CHARS_PER_TOKEN)
    return total


# --- stored states ---------------------------------------------------------------------------


@state_value
@dataclass(frozen=True)
class BucketState:
    """One continuous bucket. ``level`` may be negative: units promised to waiting callers.
    ``credited`` only grows (refill, refunds): a waiter is served once it passes the value the
    waiter needs, so a refund moves every waiter forward at once. Gate keys use
    ``blocked_until`` only."""

    level: float
    updated_at: float
    blocked_until: float = 0.0
    credited: float = 0.0


@state_value
@dataclass(frozen=True)
class WindowEntry:
    """Units sent at ``at``; ``ref`` names the reservation that holds them."""

    at: float
    amount: float
    ref: str


@state_value
@dataclass(frozen=True)
class WindowState:
    """One sliding window: what was sent recently, as of ``updated_at``."""

    entries: tuple[WindowEntry, ...]
    limit: float
    updated_at: float

    @property
    def level(self) -> float:
        """Units left in the window as of the last write."""
        return self.limit - sum(e.amount for e in self.entries)


@state_value
@dataclass(frozen=True)
class LearnedLimits:
    """Limits a provider reported for one scope: ``((scope, window, amount), ...)``."""

    items: tuple[tuple[str, str, int], ...]
    updated_at: float


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """One quota: ``amount`` requests or tokens per ``window``. ``kind`` (how the provider
    counts) is not part of a limit's identity: two limits of the same size are the same limit."""

    scope: Scope
    window: Window
    amount: int
    kind: LimitKind = field(default="bucket", compare=False)

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"limit amount must be positive, got {self.amount}")

    @property
    def seconds(self) -> float:
        return WINDOW_SECONDS[self.window]

    @property
    def rate(self) -> float:
        """Units refilled per second (continuous buckets)."""
        return self.amount / self.seconds


@dataclass(frozen=True)
class LimitView:
    """One quota window as we know it: catalog default, user cap, what the provider reported,
    and the amount we pace at (after the cap and the headroom)."""

    scope: Scope
    window: Window
    default: int | None
    configured: int | None
    learned: int | None
    effective: int
    source: LimitSource


HEADROOM_FRACTION = 0.01


def with_headroom(amount: int | None) -> int | None:
    """A provider's limit minus a small headroom: 1%, plus one unit for limits of 50 or more.

    Pacing at exactly the provider's limit leaves both our count and theirs at the limit, so any
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
    kind: LimitKind = "bucket",
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
    return tuple(Limit(scope, window, amount, kind) for scope, window, amount in pairs if amount)


@dataclass
class _ProviderConfig:
    defaults: dict[tuple[Scope, Window], int]
    caps: dict[tuple[Scope, Window], int]
    per_model: bool
    kind: LimitKind
    charging: TokenCharging
    headroom: bool
    learned: dict[str, dict[tuple[Scope, Window], int]] = field(default_factory=dict)


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
    ref: str = ""
    charging: TokenCharging = "usage"
    kind: LimitKind = "bucket"
    _settled: bool = False

    async def settle(
        self,
        *,
        used_tokens: int | None,
        request_counted: bool = True,
        prompt_tokens: int | None = None,
    ) -> None:
        """Replace the reservation with what the provider charged.

        ``used_tokens=None`` keeps the whole reservation (no usage reported, or a call the
        provider may have counted without answering). ``request_counted=False`` gives the
        request and its tokens back: the provider refused it before doing any work (a 429, a
        connection never made). An admission-charging provider keeps what it took at
        admission; a usage-charging one is charged ``used_tokens`` (``prompt_tokens`` of them
        at the time of sending, the rest now, when the completion was generated).
        """
        if self._settled:
            return
        self._settled = True
        for take in self._takes:
            if take.limit.scope == "requests":
                if not request_counted:
                    await self.budget._give_back(self, take, take.amount)
                continue
            if not request_counted:
                await self.budget._give_back(self, take, take.amount)
            elif used_tokens is None or self.charging == "admission":
                continue
            else:
                used = min(float(used_tokens), float(take.limit.amount))
                prompt = None if prompt_tokens is None else min(float(prompt_tokens), used)
                await self.budget._charge_usage(self, take, used, prompt)

    async def release(self) -> None:
        """Give everything back: the call was never sent."""
        await self.settle(used_tokens=0, request_counted=False)

    async def mark_sent(self) -> None:
        """The call is going out now: a sliding window counts it from this moment (not from
        when the capacity was granted, which may be noticeably earlier on a busy client)."""
        await self.mark_admitted(self.budget._clock())

    async def mark_admitted(self, at: float) -> None:
        """The provider admitted the call at ``at`` (or no earlier): a sliding window keeps it
        until ``at`` plus the window. Providers stamp a call when they get round to it, which
        under a burst can be a good while after we sent it; dating our entry from the answer
        (less the time the provider says it worked) keeps us from reusing the slot early."""
        if self.kind == "sliding" and not self._settled:
            await self.budget._restamp(self, at)


class _Notifier:
    """Wakes every waiter when capacity comes back; loop-agnostic, since a budget outlives the
    event loops of the tests and CLI commands that use it."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for future in list(self._waiters):
            if not future.done():
                future.get_loop().call_soon_threadsafe(_resolve, future)

    async def pause(self, sleep: Sleep, seconds: float) -> bool:
        """Sleep ``seconds`` or until notified; True when woken early."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiters.add(future)
        sleeper = asyncio.ensure_future(sleep(seconds))
        try:
            done, _ = await asyncio.wait({future, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiters.discard(future)
            if not sleeper.done():
                sleeper.cancel()
            if not future.done():
                future.cancel()
        return sleeper not in done


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


# --- the budget --------------------------------------------------------------------------------


class RateBudget:
    """All windows and buckets of all providers for this process (or, with a shared store,
    many)."""

    def __init__(
        self,
        store: StateStore | None = None,
        *,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        sliding_margin_s: float = SLIDING_MARGIN_S,
    ) -> None:
        self._store = store or InMemoryStateStore()
        self._clock = clock
        self._sleep = sleep
        self.max_wait_s = max_wait_s
        self.sliding_margin_s = sliding_margin_s
        self._providers: dict[str, _ProviderConfig] = {}
        self._notifier = _Notifier()
        self._refs = itertools.count(1)
        # Reservations of every budget sharing a store meet in one window log, so a ref names
        # its budget as well as its number.
        self._ref_prefix = secrets.token_hex(6)

    @property
    def store(self) -> StateStore:
        return self._store

    # configuration

    def configure(
        self,
        provider: str,
        limits: Sequence[Limit],
        *,
        per_model: bool,
        caps: Sequence[Limit] = (),
        kind: LimitKind | None = None,
        charging: TokenCharging = "usage",
        headroom: bool = False,
    ) -> None:
        """Set a provider's limits.

        ``limits`` are defaults (the catalog's); ``caps`` are limits the user set, which
        learned limits never exceed. ``per_model`` gives each model its own windows, as Groq
        and Cerebras count quota per model. ``kind`` defaults to the kind of the first limit.
        ``headroom`` paces a little under each limit (:func:`with_headroom`).
        """
        resolved: LimitKind = kind or (limits[0].kind if limits else "bucket")
        self._providers[provider] = _ProviderConfig(
            defaults={(limit.scope, limit.window): limit.amount for limit in limits},
            caps={(limit.scope, limit.window): limit.amount for limit in caps},
            per_model=per_model,
            kind=resolved,
            charging=charging,
            headroom=headroom,
        )

    def charging(self, provider: str) -> TokenCharging:
        config = self._providers.get(provider)
        return config.charging if config is not None else "usage"

    def kind(self, provider: str) -> LimitKind:
        config = self._providers.get(provider)
        return config.kind if config is not None else "bucket"

    def limits(self, provider: str, model: str | None = None) -> tuple[Limit, ...]:
        """The limits we pace this provider/model at: default or learned, capped, headroom."""
        return tuple(
            Limit(view.scope, view.window, view.effective, self.kind(provider))
            for view in self.describe(provider, model)
        )

    def describe(self, provider: str, model: str | None = None) -> list[LimitView]:
        """Every quota window of this provider/model: default, cap, learned and effective."""
        config = self._providers.get(provider)
        if config is None:
            return []
        learned = config.learned.get(self._scope_key(provider, model), {})
        keys = sorted(set(config.defaults) | set(config.caps) | set(learned), key=_window_order)
        views: list[LimitView] = []
        for key in keys:
            default, cap, seen = config.defaults.get(key), config.caps.get(key), learned.get(key)
            base = seen if seen is not None else default
            amount = min(base, cap) if base is not None and cap is not None else (base or cap)
            if amount is None:
                continue
            source: LimitSource = "learned" if seen is not None else "catalog"
            if cap is not None and (base is None or cap <= base):
                source = "configured"
            paced = with_headroom(amount) if config.headroom else amount
            views.append(
                LimitView(key[0], key[1], default, cap, seen, max(1, paced or amount), source)
            )
        return views

    def capacity_hint(self, provider: str, model: str | None, tokens: int) -> float | None:
        """How many calls of ``tokens`` each fit into this provider's tightest window at once
        (None: unlimited). The engine sizes its worker pool from this.

        A catalog token limit the provider has not confirmed is left out: accounts differ from
        the catalog by 10-100x, and the first answer's headers tell; workers sized to the
        catalog would be too few to use the real limit the moment it is learned."""
        fits: list[float] = []
        for view in self.describe(provider, model):
            if view.scope == "tokens":
                if view.source == "catalog":
                    continue
                fits.append(view.effective / float(max(1, min(tokens, view.effective))))
            else:
                fits.append(float(view.effective))
        return min(fits) if fits else None

    def _scope_key(self, provider: str, model: str | None) -> str:
        config = self._providers.get(provider)
        if config is not None and config.per_model and model:
            return f"{provider}|{model}"
        return f"{provider}|*"

    def _bucket_key(self, provider: str, model: str | None, limit: Limit) -> str:
        return f"{self._scope_key(provider, model)}|{limit.scope}|{limit.window}"

    def _gate_key(self, provider: str, model: str | None) -> str:
        return f"{self._scope_key(provider, model)}|gate"

    def _gate_keys(self, provider: str, model: str | None) -> set[str]:
        """The provider-wide gate and, for per-model providers, the model's own."""
        return {self._gate_key(provider, None), self._gate_key(provider, model)}

    async def _load_learned(self, provider: str, model: str | None) -> None:
        """Bring learned limits in from the store (another process may have learned them)."""
        config = self._providers.get(provider)
        if config is None:
            return
        scope_key = self._scope_key(provider, model)
        stored = await self._store.get(f"learned|{scope_key}")
        if isinstance(stored, LearnedLimits):
            config.learned[scope_key] = {
                (_scope(s), _window(w)): int(amount) for s, w, amount in stored.items
            }

    # reserve / wait

    async def reserve(self, provider: str, model: str | None, *, tokens: int) -> Reservation:
        """Hold one request and ``tokens`` tokens, waiting until the provider will accept them.

        Raises :class:`BudgetExhausted` (holding nothing) when the provider's own quota cannot
        serve the call within ``max_wait_s``. An unknown provider is unlimited.
        """
        await self._load_learned(provider, model)
        if self.kind(provider) == "sliding":
            return await self._reserve_sliding(provider, model, tokens)
        return await self._reserve_bucket(provider, model, tokens)

    def _new_reservation(
        self, provider: str, model: str | None, tokens: int, takes: Sequence[_Take], ref: str
    ) -> Reservation:
        return Reservation(
            self,
            provider,
            model,
            tokens,
            tuple(takes),
            ref=ref,
            charging=self.charging(provider),
            kind=self.kind(provider),
        )

    async def _check_gate(self, provider: str, model: str | None) -> float:
        """Seconds until the gate opens; raises when that is beyond ``max_wait_s``."""
        now = self._clock()
        gate = await self._gate_until(provider, model)
        if gate - now > self.max_wait_s:
            raise BudgetExhausted(provider, model, _utc(gate), "provider asked us to wait")
        return max(0.0, gate - now)

    async def _reserve_bucket(self, provider: str, model: str | None, tokens: int) -> Reservation:
        now = self._clock()
        wait = await self._check_gate(provider, model)
        takes: list[_Take] = []
        targets: list[tuple[str, Limit, float]] = []
        exhausted_until = 0.0
        for limit in self.limits(provider, model):
            amount = 1.0 if limit.scope == "requests" else float(min(tokens, limit.amount))
            key = self._bucket_key(provider, model, limit)
            before, after = await self._take(key, limit, amount)
            takes.append(_Take(key, limit, amount))
            if after.level < 0:
                wait = max(wait, -after.level / limit.rate)
                targets.append((key, limit, after.credited - after.level))
                # Only what this call lacks on its own counts as exhaustion; a debt owed to
                # callers queued ahead of it is a queue, and queues are waited for.
                short = amount - max(before.level, 0.0)
                if short > limit.rate * self.max_wait_s:
                    exhausted_until = max(exhausted_until, now + short / limit.rate)
        reservation = self._new_reservation(provider, model, tokens, takes, self._ref())
        if exhausted_until:
            await reservation.release()
            raise BudgetExhausted(provider, model, _utc(exhausted_until), "quota used up")
        try:
            while wait > 0:
                woken = await self._notifier.pause(self._sleep, wait)
                wait = await self._check_gate(provider, model)
                if woken:
                    for key, limit, target in targets:
                        credited = (await self._bucket_state(key, limit)).credited
                        wait = max(wait, (target - credited) / limit.rate)
        except BaseException:
            await reservation.release()
            raise
        return reservation

    async def _reserve_sliding(self, provider: str, model: str | None, tokens: int) -> Reservation:
        ref = self._ref()
        while True:
            gate_wait = await self._check_gate(provider, model)
            if gate_wait > 0:
                await self._notifier.pause(self._sleep, gate_wait)
                continue
            now = self._clock()
            wanted: list[tuple[str, Limit, float]] = []
            wait = 0.0
            for limit in self.limits(provider, model):
                amount = 1.0 if limit.scope == "requests" else float(min(tokens, limit.amount))
                key = self._bucket_key(provider, model, limit)
                state = await self._window_state(key, limit, now)
                wait = max(wait, self._window_wait(state, limit, amount, now))
                wanted.append((key, limit, amount))
            if wait > self.max_wait_s:
                raise BudgetExhausted(provider, model, _utc(now + wait), "quota used up")
            if wait > 0:
                await self._notifier.pause(self._sleep, wait)
                continue
            takes: list[_Take] = []
            for key, limit, amount in wanted:
                if not await self._append(key, limit, WindowEntry(now, amount, ref)):
                    break
                takes.append(_Take(key, limit, amount))
            reservation = self._new_reservation(provider, model, tokens, takes, ref)
            if len(takes) == len(wanted):
                return reservation
            await reservation.release()  # another caller took the room first: try again

    async def exhausted_until(self, provider: str, model: str | None = None) -> datetime | None:
        """When the budget could next serve one call, if that is further than ``max_wait_s``
        away (a daily or session quota); the router then skips the candidate."""
        await self._load_learned(provider, model)
        now = self._clock()
        until = await self._gate_until(provider, model)
        for limit in self.limits(provider, model):
            key = self._bucket_key(provider, model, limit)
            need = 1.0 if limit.scope == "requests" else 0.0
            if self.kind(provider) == "sliding":
                state = await self._window_state(key, limit, now)
                until = max(until, now + self._window_wait(state, limit, max(need, 1e-9), now))
            else:
                level = max(0.0, (await self._bucket_state(key, limit)).level)
                if level < need:
                    until = max(until, now + (need - level) / limit.rate)
        return _utc(until) if until - now > self.max_wait_s else None

    async def wait_estimate(self, provider: str, model: str | None, *, tokens: int) -> float:
        """Seconds until a call of ``tokens`` could start here, ignoring other waiters; the
        router sends work to whichever provider has room first."""
        await self._load_learned(provider, model)
        now = self._clock()
        wait = max(0.0, await self._gate_until(provider, model) - now)
        for limit in self.limits(provider, model):
            amount = 1.0 if limit.scope == "requests" else float(min(tokens, limit.amount))
            key = self._bucket_key(provider, model, limit)
            if self.kind(provider) == "sliding":
                state = await self._window_state(key, limit, now)
                wait = max(wait, self._window_wait(state, limit, amount, now))
            else:
                level = (await self._bucket_state(key, limit)).level
                if level < amount:
                    wait = max(wait, (amount - level) / limit.rate)
        return wait

    async def wait_for_change(self, seconds: float) -> None:
        """Sleep ``seconds`` or until some capacity comes back, whichever is first."""
        await self._notifier.pause(self._sleep, seconds)

    # feedback from the provider

    async def block(self, provider: str, model: str | None, *, seconds: float) -> None:
        """Admit nothing for this provider/model for ``seconds`` (a ``retry-after``).

        ``model=None`` blocks every model of the provider (an account-wide quota such as
        Ollama's session limit), even when its windows are kept per model.
        """
        until = self._clock() + max(0.0, seconds)
        key = self._gate_key(provider, model)

        def extend(current: object) -> BucketState | None:
            if isinstance(current, BucketState) and current.blocked_until >= until:
                return None
            return BucketState(level=0.0, updated_at=self._clock(), blocked_until=until)

        before, after = await update(self._store, key, extend)
        if after is not before:
            logger.info("budget_blocked", provider=provider, model=model, seconds=seconds)

    async def observe(self, provider: str, model: str | None, snapshot: RateLimitSnapshot) -> None:
        """Learn from the provider's rate-limit headers: adopt the limits it reports (unless a
        cap says otherwise), and count usage it knows of that we do not."""
        config = self._providers.get(provider)
        if config is None or not snapshot.windows:
            return
        await self._load_learned(provider, model)
        scope_key = self._scope_key(provider, model)
        learned = dict(config.learned.get(scope_key, {}))
        before = {(v.scope, v.window): v.effective for v in self.describe(provider, model)}
        changed = False
        for window in snapshot.windows:
            key_tuple = (window.scope, window.window)
            if window.limit and window.limit > 0 and learned.get(key_tuple) != window.limit:
                learned[key_tuple] = window.limit
                changed = True
        if changed:
            config.learned[scope_key] = learned
            items = tuple((s, w, amount) for (s, w), amount in sorted(learned.items()))
            stored = LearnedLimits(items=items, updated_at=self._clock())
            await update(self._store, f"learned|{scope_key}", lambda _: stored)
            after = {(v.scope, v.window): v.effective for v in self.describe(provider, model)}
            await self._apply_limit_changes(provider, model, before, after)
        limits = {(limit.scope, limit.window): limit for limit in self.limits(provider, model)}
        for window in snapshot.windows:
            limit = limits.get((window.scope, window.window))
            if limit is None or window.remaining is None:
                continue
            reported_limit = window.limit if window.limit and window.limit > 0 else limit.amount
            theirs_used = max(0, reported_limit - window.remaining)
            key = self._bucket_key(provider, model, limit)
            if self.kind(provider) == "sliding":
                await self._add_unseen_usage(key, limit, float(theirs_used))
            else:
                await self._tighten(key, limit, window.remaining)

    async def _apply_limit_changes(
        self,
        provider: str,
        model: str | None,
        before: Mapping[tuple[Scope, Window], int],
        after: Mapping[tuple[Scope, Window], int],
    ) -> None:
        grew = False
        for key_tuple, amount in after.items():
            old = before.get(key_tuple)
            if old == amount:
                continue
            logger.info(
                "budget_limit_learned",
                provider=provider,
                model=model,
                scope=key_tuple[0],
                window=key_tuple[1],
                old=old,
                new=amount,
            )
            if old is not None and amount > old:
                grew = True
            if self.kind(provider) == "bucket" and old is not None:
                limit = Limit(key_tuple[0], key_tuple[1], amount, "bucket")
                await self._adjust(self._bucket_key(provider, model, limit), limit, amount - old)
        if grew:
            self._notifier.notify()

    # bucket primitives

    def _ref(self) -> str:
        return f"{self._ref_prefix}-{next(self._refs)}"

    async def _gate_until(self, provider: str, model: str | None) -> float:
        until = 0.0
        for key in self._gate_keys(provider, model):
            state = await self._store.get(key)
            if isinstance(state, BucketState):
                until = max(until, state.blocked_until)
        return until

    async def _bucket_state(self, key: str, limit: Limit) -> BucketState:
        stored = await self._store.get(key)
        return _refill(stored if isinstance(stored, BucketState) else None, limit, self._clock())

    async def _update_bucket(
        self, key: str, limit: Limit, change: Callable[[BucketState], BucketState | None]
    ) -> tuple[BucketState, BucketState]:
        now = self._clock()
        seen: list[tuple[BucketState, BucketState | None]] = []

        def apply(stored: object) -> BucketState | None:
            current = _refill(stored if isinstance(stored, BucketState) else None, limit, now)
            new = change(current)
            seen.append((current, new))
            return new

        await update(self._store, key, apply)
        current, new = seen[-1]
        return current, new if new is not None else current

    async def _take(self, key: str, limit: Limit, amount: float) -> tuple[BucketState, BucketState]:
        return await self._update_bucket(key, limit, lambda s: replace(s, level=s.level - amount))

    async def _adjust(self, key: str, limit: Limit, delta: float) -> None:
        await self._update_bucket(
            key,
            limit,
            lambda s: replace(
                s, level=min(float(limit.amount), s.level + delta), credited=s.credited + delta
            ),
        )
        if delta > 0:
            self._notifier.notify()

    async def _tighten(self, key: str, limit: Limit, remaining: int) -> None:
        def lower(state: BucketState) -> BucketState | None:
            if state.level <= remaining:
                return None
            return replace(
                state,
                level=float(remaining),
                credited=state.credited - (state.level - remaining),
            )

        before, after = await self._update_bucket(key, limit, lower)
        if before.level - after.level > max(1.0, 0.01 * limit.amount):
            # Only a real disagreement is worth a line; rounding differences happen every call.
            logger.info("budget_tightened", key=key, ours=before.level, theirs=remaining)

    # sliding-window primitives

    def _active(self, state: WindowState, limit: Limit, now: float) -> tuple[WindowEntry, ...]:
        horizon = now - limit.seconds - self.sliding_margin_s
        return tuple(e for e in state.entries if e.at > horizon)

    async def _window_state(self, key: str, limit: Limit, now: float) -> WindowState:
        stored = await self._store.get(key)
        if not isinstance(stored, WindowState):
            return WindowState((), float(limit.amount), now)
        return WindowState(self._active(stored, limit, now), float(limit.amount), now)

    def _window_wait(self, state: WindowState, limit: Limit, amount: float, now: float) -> float:
        """Seconds until ``amount`` more fits into the window (entries only ever leave)."""
        entries = sorted(self._active(state, limit, now), key=lambda e: e.at)
        used = sum(e.amount for e in entries)
        room = float(limit.amount) - amount
        if used <= room:
            return 0.0
        if amount > limit.amount:
            return math.inf
        for entry in entries:
            used -= entry.amount
            if used <= room:
                return max(0.0, entry.at + limit.seconds + self.sliding_margin_s - now)
        return 0.0

    async def _append(self, key: str, limit: Limit, entry: WindowEntry) -> bool:
        appended: list[bool] = []

        def add(stored: object) -> WindowState | None:
            state = stored if isinstance(stored, WindowState) else None
            active = self._active(state, limit, entry.at) if state else ()
            if sum(e.amount for e in active) + entry.amount > limit.amount + 1e-9:
                appended.append(False)
                return None
            appended.append(True)
            return WindowState((*active, entry), float(limit.amount), entry.at)

        await update(self._store, key, add)
        return bool(appended and appended[-1])

    async def _rewrite_window(
        self, key: str, limit: Limit, change: Callable[[list[WindowEntry]], list[WindowEntry]]
    ) -> None:
        now = self._clock()

        def apply(stored: object) -> WindowState | None:
            state = stored if isinstance(stored, WindowState) else WindowState((), 0.0, now)
            entries = change(list(self._active(state, limit, now)))
            return WindowState(tuple(entries), float(limit.amount), now)

        await update(self._store, key, apply)

    async def _add_unseen_usage(self, key: str, limit: Limit, theirs_used: float) -> None:
        now = self._clock()
        ours = sum(e.amount for e in (await self._window_state(key, limit, now)).entries)
        missing = theirs_used - ours
        if missing <= max(1.0, _OBSERVE_TOLERANCE * limit.amount):
            return
        logger.info("budget_tightened", key=key, ours=ours, theirs=theirs_used)
        await self._rewrite_window(
            key, limit, lambda entries: [*entries, WindowEntry(now, missing, "observed")]
        )

    # settlement

    async def _restamp(self, reservation: Reservation, now: float) -> None:
        ref = reservation.ref
        for take in reservation._takes:
            await self._rewrite_window(
                take.key,
                take.limit,
                lambda entries: [
                    replace(e, at=max(e.at, now)) if e.ref == ref else e for e in entries
                ],
            )

    async def _give_back(self, reservation: Reservation, take: _Take, amount: float) -> None:
        if reservation.kind == "sliding":
            ref = reservation.ref
            await self._rewrite_window(
                take.key, take.limit, lambda entries: [e for e in entries if e.ref != ref]
            )
            self._notifier.notify()
        else:
            await self._adjust(take.key, take.limit, amount)

    async def _charge_usage(
        self, reservation: Reservation, take: _Take, used: float, prompt: float | None
    ) -> None:
        if reservation.kind == "bucket":
            await self._adjust(take.key, take.limit, take.amount - used)
            return
        ref, now = reservation.ref, self._clock()

        def charge(entries: list[WindowEntry]) -> list[WindowEntry]:
            kept: list[WindowEntry] = []
            for entry in entries:
                if entry.ref != ref:
                    kept.append(entry)
                elif prompt is None:
                    kept.append(replace(entry, amount=used))
                else:
                    # The provider counts the prompt when it admits the call and the
                    # completion when it is generated, so the latter leaves its window later.
                    kept.append(replace(entry, amount=prompt))
                    kept.append(WindowEntry(now, used - prompt, ref))
            return kept

        await self._rewrite_window(take.key, take.limit, charge)
        if used < take.amount:
            self._notifier.notify()


def _refill(stored: BucketState | None, limit: Limit, now: float) -> BucketState:
    """State brought up to ``now``; a new bucket starts full, like a fresh provider quota."""
    if stored is None:
        return BucketState(level=float(limit.amount), updated_at=now)
    elapsed = max(0.0, now - stored.updated_at)
    level = min(float(limit.amount), stored.level + elapsed * limit.rate)
    return BucketState(
        level=level,
        updated_at=max(now, stored.updated_at),
        blocked_until=0.0,
        credited=stored.credited + elapsed * limit.rate,
    )


def _window_order(key: tuple[Scope, Window]) -> tuple[int, int]:
    return (list(WINDOW_SECONDS).index(key[1]), 0 if key[0] == "requests" else 1)


def _scope(value: str) -> Scope:
    return "tokens" if value == "tokens" else "requests"


def _window(value: str) -> Window:
    if value in ("hour", "day"):
        return "hour" if value == "hour" else "day"
    return "minute"


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(min(epoch_seconds, 32_503_680_000.0), UTC)


# Names kept for callers that knew the store by its first use.
BucketStore = StateStore
InMemoryBucketStore = InMemoryStateStore
