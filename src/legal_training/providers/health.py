"""Whether a provider (or one of its models) can be tried now: circuits and cooldowns.

Two things put a candidate out of use for a while:

* **a circuit** per provider, for faults of the moment (5xx, dropped connections, timeouts,
  overload). :attr:`CircuitPolicy.failure_threshold` failures in a row open it for
  :attr:`CircuitPolicy.open_s`, doubling on each re-opening up to ``max_open_s``. When it has
  been open that long it is *half-open*: exactly one caller (a probe) may try, and everybody
  else waits for the probe's outcome. A success closes it; a failure re-opens it. Only when the
  provider has failed without a single success for ``give_up_after_s`` is it given up
  (``lasting``) for ``down_s``, after which it is probed again. A burst of 5xx therefore costs
  seconds, not the five minutes a fixed cooldown would.
* **a block** with a reason, for what retrying will not fix soon: a rejected key, a model that
  does not exist, a connection that cannot be made, a quota gone for the session.

State lives in the shared :class:`~legal_training.providers.state.StateStore`; the caller passes
the time, so the router's clock drives everything and tests need no sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from legal_training.providers.state import StateStore, state_value, update

Verdict = Literal["closed", "probe", "blocked"]


@dataclass(frozen=True)
class CircuitPolicy:
    """How quickly a failing provider is set aside, and for how long."""

    failure_threshold: int = 5
    open_s: float = 1.0
    max_open_s: float = 30.0
    give_up_after_s: float = 60.0
    down_s: float = 300.0
    #: How long a half-open probe may take before another caller may probe instead.
    probe_timeout_s: float = 120.0

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if min(self.open_s, self.max_open_s, self.give_up_after_s, self.down_s) < 0:
            raise ValueError("circuit durations must not be negative")


@state_value
@dataclass(frozen=True)
class HealthState:
    """One provider's (or model's) stored health."""

    failures: int = 0
    failing_since: float | None = None
    open_until: float = 0.0
    openings: int = 0
    probing_until: float = 0.0
    reason: str | None = None
    lasting: bool = False


@dataclass(frozen=True)
class Availability:
    """The answer to "may I call this candidate now?"."""

    verdict: Verdict
    until: float = 0.0
    reason: str | None = None
    lasting: bool = False

    @property
    def usable(self) -> bool:
        return self.verdict != "blocked"


_CLOSED = HealthState()


class ProviderHealth:
    """Circuits and blocks of every provider and model, in a shared store."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    @staticmethod
    def _key(provider: str, model: str | None) -> str:
        return f"health|{provider}" + (f"|{model}" if model else "")

    async def _state(self, key: str) -> HealthState:
        stored = await self._store.get(key)
        return stored if isinstance(stored, HealthState) else _CLOSED

    async def check(
        self, provider: str, model: str | None, *, now: float, policy: CircuitPolicy
    ) -> Availability:
        """Closed (go), probe (go, you are the one half-open try) or blocked (until when)."""
        verdict: Verdict = "closed"
        until, reason, lasting = 0.0, None, False
        for key in (
            (self._key(provider, None), self._key(provider, model))
            if model
            else (self._key(provider, None),)
        ):
            state = await self._state(key)
            if state.open_until > now:
                if state.open_until > until:
                    until, reason, lasting = state.open_until, state.reason, state.lasting
                verdict = "blocked"
            elif state.openings and verdict != "blocked":
                if state.probing_until > now:
                    verdict, until, reason = "blocked", state.probing_until, "probing"
                    continue
                if await self._take_probe(key, now, policy):
                    verdict = "probe"
                else:
                    verdict, until, reason = "blocked", now + 0.05, "probing"
        if verdict == "blocked":
            return Availability("blocked", until, reason, lasting)
        return Availability(verdict)

    async def _take_probe(self, key: str, now: float, policy: CircuitPolicy) -> bool:
        taken: list[bool] = []

        def take(stored: object) -> HealthState | None:
            state = stored if isinstance(stored, HealthState) else _CLOSED
            if state.probing_until > now or state.open_until > now or not state.openings:
                taken.append(False)
                return None
            taken.append(True)
            return replace(state, probing_until=now + policy.probe_timeout_s)

        await update(self._store, key, take)
        return bool(taken and taken[-1])

    async def success(self, provider: str, model: str | None) -> None:
        """A call succeeded: close the provider's circuit and clear the model's block."""
        for key in (self._key(provider, None), self._key(provider, model)):

            def close(stored: object) -> HealthState | None:
                return None if stored is None or stored == _CLOSED else _CLOSED

            await update(self._store, key, close)

    async def reachable(self, provider: str) -> None:
        """The provider answered (even with a 429 or a 4xx): its circuit closes."""

        def close(stored: object) -> HealthState | None:
            return None if stored is None or stored == _CLOSED else _CLOSED

        await update(self._store, self._key(provider, None), close)

    async def release_probe(self, provider: str, model: str | None) -> None:
        """Give up a half-open probe that was taken but not used."""
        for key in (self._key(provider, None), self._key(provider, model)):

            def release(stored: object) -> HealthState | None:
                if not isinstance(stored, HealthState) or not stored.probing_until:
                    return None
                return replace(stored, probing_until=0.0)

            await update(self._store, key, release)

    async def failure(
        self, provider: str, *, reason: str, now: float, policy: CircuitPolicy
    ) -> HealthState:
        """A fault of the moment on ``provider``; returns the state after counting it."""

        def count(stored: object) -> HealthState:
            state = stored if isinstance(stored, HealthState) else _CLOSED
            since = state.failing_since if state.failing_since is not None else now
            failures = state.failures + 1
            probing = state.openings > 0 and state.open_until <= now
            if failures < policy.failure_threshold and not probing:
                return replace(state, failures=failures, failing_since=since, reason=reason)
            if now - since >= policy.give_up_after_s:
                return HealthState(
                    failures=failures,
                    failing_since=since,
                    open_until=now + policy.down_s,
                    openings=state.openings + 1,
                    reason=f"failing for {now - since:.0f} s: {reason}",
                    lasting=True,
                )
            duration = min(policy.max_open_s, policy.open_s * 2.0**state.openings)
            return HealthState(
                failures=failures,
                failing_since=since,
                open_until=now + duration,
                openings=state.openings + 1,
                reason=reason,
            )

        _, after = await update(self._store, self._key(provider, None), count)
        return after if isinstance(after, HealthState) else _CLOSED

    async def block(
        self,
        provider: str,
        model: str | None,
        *,
        seconds: float,
        reason: str,
        now: float,
        lasting: bool = True,
    ) -> None:
        """Keep ``provider`` (``model=None``) or one model out of use for ``seconds``; it is
        probed again afterwards."""
        until = now + max(0.0, seconds)

        def extend(stored: object) -> HealthState | None:
            state = stored if isinstance(stored, HealthState) else _CLOSED
            if state.open_until >= until:
                return None
            return replace(
                state,
                open_until=until,
                openings=max(1, state.openings),
                probing_until=0.0,
                reason=reason,
                lasting=lasting,
            )

        await update(self._store, self._key(provider, model), extend)


__all__ = ["Availability", "CircuitPolicy", "HealthState", "ProviderHealth", "Verdict"]
