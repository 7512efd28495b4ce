"""Rate limits with the real providers' semantics: buckets, sliding windows or fixed windows.

``SimulatorConfig.window`` picks how each limit is counted: the documented continuous bucket
(below), a sliding window (at most the limit in any 60 s) or a fixed window that resets on the
minute; the field reports of provider-facts.md show all three in the wild.

Groq and Cerebras document their limits as token buckets that refill continuously (a bucket of
``limit`` units refilled at ``limit / window`` per second), not fixed windows that reset on the
minute, so a client that bursts a full minute's quota must then pace itself at the refill rate.
OpenAI uses the same model. We therefore keep, per model (every one of these providers limits
per model), one bucket for requests per minute, one for requests per day and one for tokens per
minute. When ``rpd`` is unset the day bucket is sized ``rpm × 1440`` so it never binds but the
day headers Groq and Cerebras always send still carry sensible numbers.

Token charging differs by flavour, as in the real services:

* Cerebras charges ``prompt + max_completion_tokens`` (or ``max_tokens``) up front at admission
  and never refunds the unused part; a request whose reservation exceeds what is left is refused.
  Without a max-tokens field only the prompt is reserved and the completion is charged after.
* Groq, OpenAI and Ollama admit a request when the bucket still holds its prompt tokens, charge
  the prompt at admission and the completion once it is generated, so the bucket may go negative
  and later requests wait for it to refill.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from legal_training.simulator.config import SimulatorConfig

LimitKind = Literal["requests", "tokens"]
LimitWindow = Literal["minute", "day"]

UNLIMITED_REPORT = 1_000_000_000
"""What headers report for a limit configured as ``None`` (providers always send a number)."""

_WINDOW_SECONDS: dict[LimitWindow, float] = {"minute": 60.0, "day": 86_400.0}


class Counter(Protocol):
    """What every way of counting a limit offers (bucket, sliding window, fixed window)."""

    capacity: float

    def level(self, now: float) -> float: ...

    def wait_for(self, amount: float, now: float) -> float: ...

    def take(self, amount: float, now: float) -> None: ...

    def time_to_full(self, now: float) -> float: ...


class TokenBucket:
    """A continuously refilling bucket; ``level`` may go negative after a post-hoc charge."""

    def __init__(self, capacity: float, window_seconds: float, now: float) -> None:
        self.capacity = float(capacity)
        self.rate = self.capacity / window_seconds
        self._level = self.capacity
        self._updated = now

    def level(self, now: float) -> float:
        elapsed = max(0.0, now - self._updated)
        self._level = min(self.capacity, self._level + elapsed * self.rate)
        self._updated = now
        return self._level

    def wait_for(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` units are available (``inf`` if it can never fit)."""
        if amount > self.capacity:
            return math.inf
        missing = amount - self.level(now)
        return 0.0 if missing <= 0 else missing / self.rate

    def take(self, amount: float, now: float) -> None:
        self._level = self.level(now) - amount

    def time_to_full(self, now: float) -> float:
        return (self.capacity - self.level(now)) / self.rate


class SlidingWindow:
    """At most ``capacity`` units in any ``window_seconds``: what is used comes back only when
    it leaves the window, all at once, not a little every second. A client that spends a full
    window and then paces at ``capacity / window`` per second is refused until it clears."""

    def __init__(self, capacity: float, window_seconds: float, now: float) -> None:
        self.capacity = float(capacity)
        self.window = window_seconds
        self._entries: deque[tuple[float, float]] = deque()

    def _expire(self, now: float) -> None:
        while self._entries and self._entries[0][0] <= now - self.window:
            self._entries.popleft()

    def level(self, now: float) -> float:
        self._expire(now)
        return self.capacity - sum(amount for _, amount in self._entries)

    def wait_for(self, amount: float, now: float) -> float:
        if amount > self.capacity:
            return math.inf
        used = self.capacity - self.level(now)
        if used + amount <= self.capacity:
            return 0.0
        for at, spent in self._entries:
            used -= spent
            if used + amount <= self.capacity:
                return max(0.0, at + self.window - now)
        return 0.0

    def take(self, amount: float, now: float) -> None:
        self._expire(now)
        self._entries.append((now, amount))

    def time_to_full(self, now: float) -> float:
        self._expire(now)
        return max(0.0, self._entries[-1][0] + self.window - now) if self._entries else 0.0


class FixedWindow:
    """A counter that resets at every multiple of ``window_seconds``: a client may spend a
    full window at the end of one and again at the start of the next."""

    def __init__(self, capacity: float, window_seconds: float, now: float) -> None:
        self.capacity = float(capacity)
        self.window = window_seconds
        self._start = math.floor(now / window_seconds) * window_seconds
        self._used = 0.0

    def _roll(self, now: float) -> None:
        start = math.floor(now / self.window) * self.window
        if start > self._start:
            self._start, self._used = start, 0.0

    def level(self, now: float) -> float:
        self._roll(now)
        return self.capacity - self._used

    def wait_for(self, amount: float, now: float) -> float:
        if amount > self.capacity:
            return math.inf
        if self.level(now) >= amount:
            return 0.0
        return self._start + self.window - now

    def take(self, amount: float, now: float) -> None:
        self._roll(now)
        self._used += amount

    def time_to_full(self, now: float) -> float:
        return 0.0 if self.level(now) >= self.capacity else self._start + self.window - now


def make_counter(kind: str, capacity: float, window_seconds: float, now: float) -> Counter:
    """The counter for a simulator's ``window`` setting."""
    if kind == "sliding":
        return SlidingWindow(capacity, window_seconds, now)
    if kind == "fixed":
        return FixedWindow(capacity, window_seconds, now)
    return TokenBucket(capacity, window_seconds, now)


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: which limit, and when it could succeed."""

    kind: LimitKind
    window: LimitWindow
    limit: int
    used: int
    requested: int
    retry_after: float

    @property
    def retry_after_header(self) -> str:
        """Providers send whole seconds, rounded up, at least 1."""
        if math.isinf(self.retry_after):
            return str(int(_WINDOW_SECONDS[self.window]))
        return str(max(1, math.ceil(self.retry_after)))


@dataclass(frozen=True)
class LimitSnapshot:
    """What the rate-limit headers report after a request, for one model."""

    requests_minute_limit: int
    requests_minute_remaining: int
    requests_minute_reset: float
    requests_day_limit: int
    requests_day_remaining: int
    requests_day_reset: float
    tokens_minute_limit: int
    tokens_minute_remaining: int
    tokens_minute_reset: float


class _ModelBuckets:
    def __init__(self, config: SimulatorConfig, now: float) -> None:
        kind = config.window
        self.requests_minute = (
            make_counter(kind, config.rpm, 60.0, now) if config.rpm is not None else None
        )
        day_capacity = config.rpd if config.rpd is not None else (config.rpm or 0) * 1440
        self.requests_day: Counter | None = (
            TokenBucket(day_capacity, 86_400.0, now) if day_capacity > 0 else None
        )
        self.day_enforced = config.rpd is not None
        self.tokens_minute = (
            make_counter(kind, config.tpm, 60.0, now) if config.tpm is not None else None
        )


class RateLimiter:
    """Per-model buckets for one simulator instance; thread-safe so any server model works."""

    def __init__(
        self, config: SimulatorConfig, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._models: dict[str, _ModelBuckets] = {}

    def _buckets(self, model: str, now: float) -> _ModelBuckets:
        found = self._models.get(model)
        if found is None:
            found = _ModelBuckets(self._config, now)
            self._models[model] = found
        return found

    def admit(self, model: str, reserve_tokens: int, need_tokens: int) -> Refusal | None:
        """Take one request and ``reserve_tokens`` if every bucket allows it, else say why not.

        ``need_tokens`` is what must be in the token bucket for admission (the full reservation
        for Cerebras, the prompt for the others); ``reserve_tokens`` is what is charged now.
        """
        with self._lock:
            now = self._clock()
            b = self._buckets(model, now)
            checks: list[tuple[Counter | None, float, LimitKind, LimitWindow]] = [
                (b.requests_day if b.day_enforced else None, 1, "requests", "day"),
                (b.requests_minute, 1, "requests", "minute"),
                (b.tokens_minute, need_tokens, "tokens", "minute"),
            ]
            for bucket, amount, kind, window in checks:
                if bucket is None:
                    continue
                wait = bucket.wait_for(amount, now)
                if wait > 0:
                    level = bucket.level(now)
                    return Refusal(
                        kind=kind,
                        window=window,
                        limit=int(bucket.capacity),
                        used=max(0, math.ceil(bucket.capacity - level)),
                        requested=int(amount),
                        retry_after=wait,
                    )
            for bucket in (b.requests_day, b.requests_minute):
                if bucket is not None:
                    bucket.take(1, now)
            if b.tokens_minute is not None:
                b.tokens_minute.take(reserve_tokens, now)
            return None

    def charge(self, model: str, tokens: int) -> None:
        """Charge tokens known only after generation (may drive the bucket negative)."""
        if tokens <= 0:
            return
        with self._lock:
            now = self._clock()
            bucket = self._buckets(model, now).tokens_minute
            if bucket is not None:
                bucket.take(tokens, now)

    def snapshot(self, model: str) -> LimitSnapshot:
        with self._lock:
            now = self._clock()
            b = self._buckets(model, now)
            rm = _report(b.requests_minute, now)
            rd = _report(b.requests_day, now)
            tm = _report(b.tokens_minute, now)
        return LimitSnapshot(
            requests_minute_limit=rm[0],
            requests_minute_remaining=rm[1],
            requests_minute_reset=rm[2],
            requests_day_limit=rd[0],
            requests_day_remaining=rd[1],
            requests_day_reset=rd[2],
            tokens_minute_limit=tm[0],
            tokens_minute_remaining=tm[1],
            tokens_minute_reset=tm[2],
        )

    def reset(self) -> None:
        with self._lock:
            self._models.clear()


def _report(bucket: Counter | None, now: float) -> tuple[int, int, float]:
    if bucket is None:
        return UNLIMITED_REPORT, UNLIMITED_REPORT, 0.0
    level = bucket.level(now)
    return int(bucket.capacity), max(0, math.floor(level)), bucket.time_to_full(now)


def go_duration(seconds: float) -> str:
    """Format like Go's ``time.Duration`` as Groq and OpenAI send it: ``2m59.56s``, ``480ms``."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        millis = round(seconds * 1000, 2)
        return f"{_trim(millis)}ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    secs = round(secs, 2)
    if secs >= 60:  # rounding carried over
        minutes, secs = minutes + 1, 0.0
    if minutes >= 60:
        hours, minutes = hours + 1, minutes - 60
    out = ""
    if hours:
        out += f"{int(hours)}h"
    if hours or minutes:
        out += f"{int(minutes)}m"
    return out + f"{_trim(secs)}s"


def _trim(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def rate_limit_headers(flavour: str, snap: LimitSnapshot) -> dict[str, str]:
    """The exact header family each provider sends on every response (none for Ollama)."""
    if flavour == "groq":
        # Groq: "requests" is the per-day quota, "tokens" the per-minute one.
        return {
            "x-ratelimit-limit-requests": str(snap.requests_day_limit),
            "x-ratelimit-limit-tokens": str(snap.tokens_minute_limit),
            "x-ratelimit-remaining-requests": str(snap.requests_day_remaining),
            "x-ratelimit-remaining-tokens": str(snap.tokens_minute_remaining),
            "x-ratelimit-reset-requests": go_duration(snap.requests_day_reset),
            "x-ratelimit-reset-tokens": go_duration(snap.tokens_minute_reset),
        }
    if flavour == "openai":
        return {
            "x-ratelimit-limit-requests": str(snap.requests_minute_limit),
            "x-ratelimit-limit-tokens": str(snap.tokens_minute_limit),
            "x-ratelimit-remaining-requests": str(snap.requests_minute_remaining),
            "x-ratelimit-remaining-tokens": str(snap.tokens_minute_remaining),
            "x-ratelimit-reset-requests": go_duration(snap.requests_minute_reset),
            "x-ratelimit-reset-tokens": go_duration(snap.tokens_minute_reset),
        }
    if flavour == "cerebras":
        return {
            "x-ratelimit-limit-requests-day": str(snap.requests_day_limit),
            "x-ratelimit-limit-requests-minute": str(snap.requests_minute_limit),
            "x-ratelimit-limit-tokens-minute": str(snap.tokens_minute_limit),
            "x-ratelimit-remaining-requests-day": str(snap.requests_day_remaining),
            "x-ratelimit-remaining-requests-minute": str(snap.requests_minute_remaining),
            "x-ratelimit-remaining-tokens-minute": str(snap.tokens_minute_remaining),
            "x-ratelimit-reset-requests-day": f"{snap.requests_day_reset:.3f}",
            "x-ratelimit-reset-requests-minute": f"{snap.requests_minute_reset:.3f}",
            "x-ratelimit-reset-tokens-minute": f"{snap.tokens_minute_reset:.3f}",
        }
    return {}
