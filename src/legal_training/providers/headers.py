"""Parse the providers' rate-limit headers into one :class:`RateLimitSnapshot`.

Three families exist, and they disagree on meaning as well as spelling:

* Groq: ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}``. ``-requests`` is documented as
  the DAILY request quota (RPD) and ``-tokens`` the per-minute token quota (TPM); resets are Go
  durations such as ``2m59.56s``, ``7.66s`` or ``480ms``. Field reports show the per-minute
  request quota in ``-requests`` on some plans, so its window is read from the numbers when they
  allow it (:func:`_groq_requests_window`).
* OpenAI (and generic OpenAI-compatible servers): the same names, but both are per minute.
* Cerebras: the window is in the name, ``x-ratelimit-{limit,remaining,reset}-requests-day``,
  ``-tokens-minute`` and their ``-minute``/``-hour``/``-day`` siblings; resets are float seconds.

``retry-after`` (seconds or an HTTP date), ``retry-after-ms`` and ``x-should-retry`` are read
whatever the flavour. The budgets adopt the reported limits and count usage the provider knows
of and we do not.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

Scope = Literal["requests", "tokens"]
Window = Literal["minute", "hour", "day"]

_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_GO_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_CEREBRAS_HEADER = re.compile(
    r"^x-ratelimit-(limit|remaining|reset)-(requests|tokens)-(minute|hour|day)$"
)
_OPENAI_HEADER = re.compile(r"^x-ratelimit-(limit|remaining|reset)-(requests|tokens)$")
#: A refilling window that spans less than this is a per-minute one (an hour spans 3,600 s).
_MINUTE_WINDOW_MAX_SPAN_S = 600.0


def parse_duration(value: str) -> float | None:
    """Seconds in a Go duration (``1h2m3.5s``, ``480ms``) or a bare float (``12.5``).

    Returns ``None`` for anything unparseable rather than raising: a strange header must never
    fail an otherwise successful call.
    """
    text = value.strip().lower()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    total = 0.0
    position = 0
    for match in _GO_DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _GO_UNITS[match.group(2)]
        position = match.end()
    if position != len(text):
        return None
    return total


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``retry-after`` header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    seconds = parse_duration(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def _parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class WindowLimit:
    """One quota window as the provider reported it."""

    scope: Scope
    window: Window
    limit: int | None = None
    remaining: int | None = None
    reset_s: float | None = None


@dataclass(frozen=True)
class RateLimitSnapshot:
    """Every quota window seen on one response, plus ``retry-after`` (429 only)."""

    windows: tuple[WindowLimit, ...] = ()
    retry_after: float | None = None
    #: ``x-should-retry`` as sent (Cerebras sends ``false`` on some capacity 429s).
    should_retry: bool | None = None

    @property
    def has_limits(self) -> bool:
        return bool(self.windows)

    def get(self, scope: Scope, window: Window) -> WindowLimit | None:
        for item in self.windows:
            if item.scope == scope and item.window == window:
                return item
        return None

    def exhausted_windows(self) -> list[WindowLimit]:
        """Windows with nothing left, longest first (the one that matters most for waiting)."""
        order = {"day": 0, "hour": 1, "minute": 2}
        empty = [w for w in self.windows if w.remaining is not None and w.remaining <= 0]
        return sorted(empty, key=lambda w: order[w.window])


def parse_rate_limit_headers(headers: Mapping[str, str], *, flavour: str) -> RateLimitSnapshot:
    """Build a snapshot from response headers of the given flavour (groq, cerebras, openai,
    ollama). Unknown flavours are read as OpenAI. Header names are matched case-insensitively."""
    lowered = {key.lower(): value for key, value in headers.items()}
    fields: dict[tuple[Scope, Window], dict[str, str]] = {}
    generic: dict[Scope, dict[str, str]] = {}
    for name, value in lowered.items():
        match = _CEREBRAS_HEADER.match(name)
        if match:
            kind, scope, window_name = match.groups()
            fields.setdefault((_scope(scope), _window(window_name)), {})[kind] = value
            continue
        match = _OPENAI_HEADER.match(name)
        if match:
            kind, scope = match.groups()
            generic.setdefault(_scope(scope), {}).setdefault(kind, value)
    for scope, values in generic.items():
        window: Window = "minute"
        if flavour == "groq" and scope == "requests":
            window = _groq_requests_window(values)
        fields.setdefault((scope, window), {}).update(
            {k: v for k, v in values.items() if k not in fields.get((scope, window), {})}
        )
    windows = tuple(
        WindowLimit(
            scope=scope,
            window=window,
            limit=_parse_int(values.get("limit")),
            remaining=_parse_int(values.get("remaining")),
            reset_s=parse_duration(values["reset"]) if "reset" in values else None,
        )
        for (scope, window), values in sorted(fields.items())
    )
    retry_after = parse_retry_after(lowered.get("retry-after"))
    retry_ms = lowered.get("retry-after-ms")
    if retry_ms is not None:
        with contextlib.suppress(ValueError):
            retry_after = max(0.0, float(retry_ms) / 1000.0)
    should = lowered.get("x-should-retry")
    should_retry = None if should is None else should.strip().lower() == "true"
    return RateLimitSnapshot(windows=windows, retry_after=retry_after, should_retry=should_retry)


def _groq_requests_window(values: Mapping[str, str]) -> Window:
    """The window of Groq's ``-requests`` family: a day as documented, unless the numbers say a
    minute. A window refilled continuously restores ``limit - remaining`` units in ``reset``
    seconds, so it spans ``limit * reset / (limit - remaining)`` seconds: ~86,400 for a daily
    quota, ~60 for the per-minute one some plans report there."""
    limit = _parse_int(values.get("limit"))
    remaining = _parse_int(values.get("remaining"))
    reset = parse_duration(values["reset"]) if "reset" in values else None
    if limit and remaining is not None and reset and 0 <= remaining < limit:
        span = limit * reset / (limit - remaining)
        if span < _MINUTE_WINDOW_MAX_SPAN_S:
            return "minute"
    return "day"


def _scope(value: str) -> Scope:
    return "tokens" if value == "tokens" else "requests"


def _window(value: str) -> Window:
    if value == "day":
        return "day"
    if value == "hour":
        return "hour"
    return "minute"
