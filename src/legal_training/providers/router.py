"""Route one chat request to a provider and model that can answer it, now.

Layers, outermost first (STYLE.md: batch → attempt → failover → retry → provider):

* :meth:`FailoverRouter.chat` picks a candidate. Candidates are the pinned provider/model, or
  every enabled provider in the configured order and, within each, its default model then its
  fallback list. Each provider offers its first model that is usable (not blocked by a
  cooldown or an open circuit, not out of quota); among those, the call goes to the first, in
  failover order, whose budget has room right now, so that concurrent callers spread over every
  provider and the pace is the sum of their budgets. When none has room it waits for the
  soonest (or for capacity to come back). Every move away from a candidate that failed is
  recorded as a :class:`Switch` with its reason.
* :meth:`FailoverRouter._call` runs one candidate. Faults of the moment (5xx, dropped
  connections, timeouts) are retried on the same provider with bounded, jittered exponential
  backoff (:class:`RetryPolicy`) and counted by the provider's circuit
  (:mod:`~legal_training.providers.health`); a 429 for a per-minute quota waits for the
  ``retry-after`` through the shared budget's gate and tries the same model again; a quota
  gone for the day moves to the next model, a session quota to the next provider. Every
  attempt reserves from the shared :class:`~legal_training.providers.budgets.RateBudget`
  first and settles after, and ``on_call`` (the batch's spending bound) is asked before each.
* The provider client makes the HTTP call and maps SDK errors to the tree in ``errors.py``.

What each error does is decided by its type and ``action``, never by its message.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import structlog

from legal_training import metrics
from legal_training.providers.base import ChatRequest, ChatResult
from legal_training.providers.budgets import (
    BudgetExhausted,
    Clock,
    Reservation,
    Sleep,
    estimate_prompt_tokens,
)
from legal_training.providers.errors import (
    Action,
    AuthenticationFailed,
    CapacityExceeded,
    ConnectionDropped,
    ConnectionFailed,
    ModelNotFound,
    PermissionDenied,
    ProviderError,
    ProvidersExhausted,
    ProviderTimeout,
    RateLimited,
    ServerError,
)
from legal_training.providers.health import CircuitPolicy
from legal_training.providers.registry import (
    ModelSpec,
    ProviderRegistry,
    ProviderSpec,
    RegistryError,
)
from legal_training.providers.waiting import WaitingLine

logger = structlog.get_logger(__name__)

AUTO = "auto"
#: How long a candidate that failed in a way retrying will not soon fix (connection refused,
#: model not found, permission denied) is left alone before it is probed again.
DEFAULT_COOLDOWN_S = 60.0
#: How long to avoid a provider whose session quota is gone when it gave no retry-after
#: (Ollama Cloud sends none). Long enough to move the work elsewhere, short enough to recover.
DEFAULT_SESSION_BLOCK_S = 3600.0
#: How long a rejected key keeps its provider out of use (the operator must fix it).
AUTH_BLOCK_S = 3600.0
#: 429s in a row on one call (each waited for) before the candidate is given up for this call.
MAX_RATE_LIMITED = 8
#: How often a caller waiting for a half-open probe looks again.
_PROBE_POLL_S = 0.25

OnCall = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with "equal jitter": half the delay fixed, half random, so
    concurrent callers spread out but none retries instantly."""

    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before retry number ``attempt`` (1-based)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class Switch:
    """One move from a failing candidate to the next, with why."""

    from_provider: str
    from_model: str
    to_provider: str
    to_model: str
    reason: str
    at: datetime

    @property
    def kind(self) -> str:
        return "provider" if self.from_provider != self.to_provider else "model"

    def as_dict(self) -> dict[str, Any]:
        return {
            "from_provider": self.from_provider,
            "from_model": self.from_model,
            "to_provider": self.to_provider,
            "to_model": self.to_model,
            "reason": self.reason,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class RoutedResult:
    """The answer plus how we got there. ``attempts`` counts the HTTP calls made."""

    result: ChatResult
    switches: tuple[Switch, ...] = ()
    attempts: int = 1

    @property
    def provider(self) -> str:
        return self.result.provider

    @property
    def model(self) -> str:
        return self.result.model


@dataclass
class Cooldowns:
    """Candidates set aside by hand until a time, in this process (``model=None``: the whole
    provider). Failures themselves go to the shared circuits in ``health``; this is for an
    operator or a page that wants a candidate left alone for a while."""

    clock: Clock = time.time
    _until: dict[tuple[str, str | None], float] = field(default_factory=dict)

    def start(self, provider: str, model: str | None, seconds: float) -> None:
        key = (provider, model)
        self._until[key] = max(self._until.get(key, 0.0), self.clock() + seconds)

    def remaining(self, provider: str, model: str) -> float:
        now = self.clock()
        until = max(self._until.get((provider, model), 0.0), self._until.get((provider, None), 0.0))
        return max(0.0, until - now)

    def active(self, provider: str, model: str) -> bool:
        return self.remaining(provider, model) > 0


@dataclass(frozen=True)
class _Candidate:
    spec: ProviderSpec
    model: str

    @property
    def provider(self) -> str:
        return self.spec.id

    @property
    def label(self) -> str:
        return f"{self.provider}/{self.model}"


@dataclass
class _Routing:
    """What one ``chat`` call has learned so far."""

    candidates: list[_Candidate]
    pinned: bool
    exclude: frozenset[tuple[str, str]]
    on_call: OnCall | None
    switches: list[Switch] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    failed: set[_Candidate] = field(default_factory=set)
    skipped_providers: set[str] = field(default_factory=set)
    previous: tuple[_Candidate, str] | None = None
    calls: int = 0
    #: Per candidate that could not serve: whether its cause will last (a rejected key, a
    #: missing model, a quota gone for the day, a provider given up) or is of the moment.
    lasting: dict[str, bool] = field(default_factory=dict)


@dataclass
class _Turn:
    """A caller's place in the router's :class:`WaitingLine`, taken only once it must wait."""

    stack: contextlib.AsyncExitStack
    line: WaitingLine
    key: Hashable
    held: bool = False

    async def take(self) -> bool:
        """Wait for the turn unless already held; True when it was just taken (the caller
        should look again: room may have come while it queued)."""
        if self.held:
            return False
        await self.stack.enter_async_context(self.line.turn(self.key))
        self.held = True
        return True


class _CallFailed(Exception):
    """One candidate could not answer; ``error`` says why."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.message)
        self.error = error


class FailoverRouter:
    """Routes requests over the registry's enabled providers, sharing its budget and health."""

    def __init__(
        self,
        registry: ProviderRegistry,
        *,
        order: Sequence[str] | None = None,
        retry: RetryPolicy | None = None,
        circuit: CircuitPolicy | None = None,
        cooldown_s: float = DEFAULT_COOLDOWN_S,
        session_block_s: float = DEFAULT_SESSION_BLOCK_S,
        max_rate_limited: int = MAX_RATE_LIMITED,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.registry = registry
        self.order = list(order) if order else None
        self.retry = retry or RetryPolicy()
        self.circuit = circuit or CircuitPolicy()
        self.cooldown_s = cooldown_s
        self.session_block_s = session_block_s
        self.max_rate_limited = max_rate_limited
        self.cooldowns = Cooldowns(clock=clock)
        #: Callers waiting for room queue here, so one of them, not all, sleeps on the budgets.
        self.waiting = WaitingLine()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()

    def candidates(self, provider: str | None = None, model: str | None = None) -> list[str]:
        """``provider/model`` labels this router would try, in order."""
        return [c.label for c in self._candidates(provider, model)]

    async def chat(
        self,
        request: ChatRequest,
        *,
        provider: str | None = None,
        model: str | None = None,
        exclude: Collection[tuple[str, str]] = (),
        on_call: OnCall | None = None,
    ) -> RoutedResult:
        """Answer ``request`` with a candidate that can, now.

        ``provider`` None or ``"auto"`` uses the configured order; ``model`` (or
        ``request.model``) pins a model. With both pinned there is no failover and the
        candidate's own error is raised. ``exclude`` holds ``(provider, model)`` pairs the
        caller does not want (e.g. a model whose answers keep failing its checks);
        ``on_call`` runs before every HTTP attempt and may raise to stop spending.
        """
        model = model or request.model
        routing = _Routing(
            candidates=self._candidates(provider, model),
            pinned=provider not in (None, AUTO) and model is not None,
            exclude=frozenset(exclude),
            on_call=on_call,
        )
        while True:
            candidate, reservation = await self._pick(routing, request)
            if routing.previous is not None:
                routing.switches.append(self._switch(*routing.previous, candidate))
                routing.previous = None
            try:
                result = await self._call(candidate, request, reservation, routing)
            except _CallFailed as failed:
                exc = failed.error
                routing.errors.append(exc)
                if routing.pinned:
                    raise exc from None
                if isinstance(exc, AuthenticationFailed):
                    routing.skipped_providers.add(candidate.provider)
                elif exc.action is Action.FAIL:
                    raise exc from None
                elif exc.action is Action.NEXT_PROVIDER:
                    routing.skipped_providers.add(candidate.provider)
                routing.failed.add(candidate)
                routing.reasons[candidate.label] = f"{type(exc).__name__}: {exc.message}"
                routing.lasting[candidate.label] = not exc.transient
                routing.previous = (candidate, f"{type(exc).__name__}: {exc.message}")
                continue
            return RoutedResult(
                result=result, switches=tuple(routing.switches), attempts=routing.calls
            )

    # candidates

    def _candidates(self, provider: str | None, model: str | None) -> list[_Candidate]:
        if provider not in (None, AUTO):
            self.registry.client(provider)  # unknown or disabled: RegistryError, a clear 400
            names = [provider]
        else:
            names = [n for n in (self.order or self.registry.order) if self.registry.is_enabled(n)]
        candidates: list[_Candidate] = []
        for name in names:
            spec = self.registry.spec(name)
            if model is not None:
                if provider not in (None, AUTO) or self.registry.model_spec(name, model):
                    candidates.append(_Candidate(spec, model))
                continue
            ordered = [spec.default_model] if spec.default_model else []
            ordered += [m.id for m in spec.fallback_models]
            seen: set[str] = set()
            for model_id in ordered:
                if model_id is not None and model_id not in seen:
                    seen.add(model_id)
                    candidates.append(_Candidate(spec, model_id))
        if not candidates:
            what = f"model {model!r}" if model else "any model"
            raise RegistryError(f"no enabled provider offers {what}")
        return candidates

    def _switch(self, source: _Candidate, reason: str, target: _Candidate) -> Switch:
        switch = Switch(
            from_provider=source.provider,
            from_model=source.model,
            to_provider=target.provider,
            to_model=target.model,
            reason=reason,
            at=datetime.now(UTC),
        )
        logger.info("provider_switch", **switch.as_dict())
        return switch

    async def _cost(self, candidate: _Candidate, request: ChatRequest) -> tuple[ChatRequest, int]:
        """The request as this candidate gets it, and the tokens to hold for it."""
        registry = self.registry
        model_spec = registry.model_spec(candidate.provider, candidate.model)
        adapted = _adapt(request, candidate, model_spec)
        charging = registry.budget.charging(candidate.provider)
        estimator = registry.estimator
        if charging == "admission" and request.usage_key:
            adapted = replace(
                adapted,
                max_tokens=await estimator.max_tokens(
                    candidate.provider, candidate.model, request.usage_key, adapted.max_tokens
                ),
            )
        prompt = await estimator.prompt_tokens(
            candidate.provider, estimate_prompt_tokens(adapted.messages)
        )
        if charging == "admission" or not request.usage_key:
            completion = adapted.max_tokens
        else:
            completion = await estimator.completion_tokens(
                candidate.provider, candidate.model, request.usage_key, adapted.max_tokens
            )
        return adapted, prompt + completion

    async def _pick(
        self, routing: _Routing, request: ChatRequest
    ) -> tuple[_Candidate, Reservation]:
        """The candidate to call, with its reservation already held.

        A caller that finds room takes it at once; one that must wait first takes its turn in
        :attr:`waiting` (per set of candidates), so only the head of the line sleeps on the
        budgets and the others look when it has been served (:mod:`.waiting`)."""
        key = (tuple(c.label for c in routing.candidates), routing.exclude)
        async with contextlib.AsyncExitStack() as stack:
            turn = _Turn(stack, self.waiting, key)
            return await self._pick_in_turn(routing, request, turn)

    async def _pick_in_turn(
        self, routing: _Routing, request: ChatRequest, turn: _Turn
    ) -> tuple[_Candidate, Reservation]:
        budget = self.registry.budget
        health = self.registry.health
        while True:
            now = self._clock()
            heads: list[tuple[_Candidate, bool]] = []
            soonest: float | None = None
            providers_seen: set[str] = set()
            for candidate in routing.candidates:
                if candidate.provider in providers_seen | routing.skipped_providers:
                    continue
                if candidate in routing.failed:
                    continue
                if (candidate.provider, candidate.model) in routing.exclude:
                    routing.reasons.setdefault(candidate.label, "excluded by the caller")
                    routing.lasting.setdefault(candidate.label, True)
                    continue
                if self.cooldowns.active(candidate.provider, candidate.model):
                    routing.reasons[candidate.label] = "cooling down"
                    routing.lasting.setdefault(candidate.label, False)
                    continue
                availability = await health.check(
                    candidate.provider, candidate.model, now=now, policy=self.circuit
                )
                if not availability.usable:
                    reason = availability.reason or "cooling down"
                    routing.reasons[candidate.label] = f"cooling down: {reason}"
                    routing.lasting[candidate.label] = availability.lasting
                    if not availability.lasting and availability.until - now <= budget.max_wait_s:
                        soonest = min(soonest or availability.until, availability.until)
                    continue
                until = await budget.exhausted_until(candidate.provider, candidate.model)
                if until is not None:
                    exhausted = BudgetExhausted(
                        candidate.provider, candidate.model, until, "quota used up"
                    )
                    routing.errors.append(exhausted)
                    routing.reasons[candidate.label] = str(exhausted)
                    routing.lasting[candidate.label] = True
                    if availability.verdict == "probe":
                        await health.release_probe(candidate.provider, candidate.model)
                    if routing.previous is not None:
                        routing.switches.append(self._switch(*routing.previous, candidate))
                    routing.previous = (candidate, str(exhausted))
                    continue
                providers_seen.add(candidate.provider)
                heads.append((candidate, availability.verdict == "probe"))
            if not heads:
                if soonest is not None and soonest - now <= budget.max_wait_s:
                    if await turn.take():
                        continue
                    await self._sleep(max(min(soonest - now, _PROBE_POLL_S), 0.0))
                    continue
                raise self._exhausted(routing)
            if len(heads) == 1:
                candidate, probing = heads[0]
                _, tokens = await self._cost(candidate, request)
                if not turn.held and await budget.wait_estimate(
                    candidate.provider, candidate.model, tokens=tokens
                ):
                    if probing:
                        await health.release_probe(candidate.provider, candidate.model)
                    await turn.take()
                    continue
                try:
                    reservation = await budget.reserve(
                        candidate.provider, candidate.model, tokens=tokens
                    )
                except BudgetExhausted as exc:
                    await health.release_probe(candidate.provider, candidate.model)
                    routing.errors.append(exc)
                    routing.reasons[candidate.label] = str(exc)
                    routing.failed.add(candidate)
                    routing.lasting[candidate.label] = True
                    routing.previous = (candidate, str(exc))
                    continue
                return candidate, reservation
            picked = await self._first_with_room(heads, request)
            if picked is not None:
                return picked
            if await turn.take():
                continue
            waits: list[float] = []
            for candidate, _ in heads:
                _, tokens = await self._cost(candidate, request)
                waits.append(
                    await budget.wait_estimate(candidate.provider, candidate.model, tokens=tokens)
                )
            await budget.wait_for_change(max(0.01, min(waits)))

    async def _first_with_room(
        self, heads: list[tuple[_Candidate, bool]], request: ChatRequest
    ) -> tuple[_Candidate, Reservation] | None:
        """Reserve on the first head, in failover order, whose budget admits the call now;
        probes taken by the others are given back."""
        budget, health = self.registry.budget, self.registry.health
        chosen: tuple[_Candidate, Reservation] | None = None
        for candidate, probing in heads:
            if chosen is None:
                _, tokens = await self._cost(candidate, request)
                if await budget.wait_estimate(candidate.provider, candidate.model, tokens=tokens):
                    if probing:
                        await health.release_probe(candidate.provider, candidate.model)
                    continue
                reservation = await budget.reserve(
                    candidate.provider, candidate.model, tokens=tokens
                )
                chosen = (candidate, reservation)
            elif probing:
                await health.release_probe(candidate.provider, candidate.model)
        return chosen

    def _exhausted(self, routing: _Routing) -> ProviderError:
        """What to raise when nothing can serve: the rejected key itself when that is the only
        problem (it names the variable to fix), else :class:`ProvidersExhausted`."""
        if routing.errors and all(isinstance(e, AuthenticationFailed) for e in routing.errors):
            first = routing.errors[0]
            assert isinstance(first, AuthenticationFailed)
            return first
        tried = ", ".join(c.label for c in routing.candidates)
        reasons = tuple(f"{label}: {why}" for label, why in routing.reasons.items())
        lasting = bool(routing.lasting) and all(routing.lasting.values())
        if routing.errors:
            last = routing.errors[-1]
            summary = f"{type(last).__name__}: {last}"
        else:
            summary = "all candidates are cooling down"
            if routing.reasons:
                summary += " (" + "; ".join(reasons) + ")"
        return ProvidersExhausted(
            f"no provider could answer (candidates: {tried}); last failure: {summary}",
            provider=routing.candidates[0].provider if routing.pinned else AUTO,
            model=routing.candidates[0].model if routing.pinned else None,
            errors=routing.errors,
            reasons=reasons,
            lasting=lasting,
        )

    # one candidate, with retries through the budget

    async def _call(
        self,
        candidate: _Candidate,
        request: ChatRequest,
        reservation: Reservation,
        routing: _Routing,
    ) -> ChatResult:
        registry = self.registry
        budget, health = registry.budget, registry.health
        client = registry.client(candidate.provider)
        adapted, tokens = await self._cost(candidate, request)
        prompt_estimate = estimate_prompt_tokens(adapted.messages)
        transient_failures = 0
        rate_limited = 0
        held: Reservation | None = reservation
        while True:
            if held is None:
                try:
                    held = await budget.reserve(candidate.provider, candidate.model, tokens=tokens)
                except BudgetExhausted as exc:
                    raise _CallFailed(
                        RateLimited(
                            str(exc),
                            provider=candidate.provider,
                            model=candidate.model,
                            window="day",
                        )
                    ) from None
            current, held = held, None
            if routing.on_call is not None:
                try:
                    await routing.on_call()
                except BaseException:
                    await current.release()
                    raise
            routing.calls += 1
            await current.mark_sent()
            try:
                result = await client.chat(adapted)
            except ProviderError as exc:
                metrics.record_call(candidate.provider, call_outcome(exc))
                counted = (
                    not isinstance(exc, RateLimited | CapacityExceeded)
                    and type(exc) is not ConnectionFailed
                )
                if counted:
                    await current.mark_admitted(self._clock())
                await current.settle(used_tokens=_charged_tokens(exc), request_counted=counted)
                await self._learn_from_error(candidate, exc)
                await health.release_probe(candidate.provider, candidate.model)
                if isinstance(exc, RateLimited) and exc.action is Action.RETRY:
                    rate_limited += 1
                    if rate_limited < self.max_rate_limited:
                        if not exc.retry_after:
                            await self._sleep(self.retry.backoff(rate_limited, self._rng))
                        continue
                    raise _CallFailed(exc) from None
                if exc.transient and exc.action is Action.RETRY:
                    transient_failures += 1
                    state = await health.failure(
                        candidate.provider,
                        reason=f"{type(exc).__name__}: {exc.message}",
                        now=self._clock(),
                        policy=self.circuit,
                    )
                    circuit_open = state.open_until > self._clock()
                    if transient_failures < self.retry.max_attempts and not circuit_open:
                        await self._sleep(self.retry.backoff(transient_failures, self._rng))
                        continue
                raise _CallFailed(exc) from None
            except BaseException:
                # Cancelled mid-call: the provider has counted the request and may be
                # generating; keep what was reserved rather than invite a 429 storm.
                metrics.record_call(candidate.provider, "cancelled")
                await current.settle(used_tokens=None)
                raise
            metrics.record_call(candidate.provider, "ok")
            usage = result.usage
            if usage.reported:
                metrics.record_tokens(
                    candidate.provider,
                    prompt=usage.prompt_tokens,
                    completion=usage.completion_tokens,
                )
            received = min(result.received_at or self._clock(), self._clock())
            await current.mark_admitted(received - (result.server_time_s or 0.0))
            await current.settle(
                used_tokens=usage.total_tokens if usage.reported else None,
                prompt_tokens=usage.prompt_tokens if usage.reported else None,
            )
            if result.rate_limit is not None:
                await budget.observe(candidate.provider, candidate.model, result.rate_limit)
            if usage.reported:
                await registry.estimator.record(
                    candidate.provider,
                    candidate.model,
                    request.usage_key,
                    prompt_estimate=prompt_estimate,
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                )
            await health.success(candidate.provider, candidate.model)
            return result

    async def _learn_from_error(self, candidate: _Candidate, exc: ProviderError) -> None:
        registry = self.registry
        budget, health = registry.budget, registry.health
        now = self._clock()
        if exc.rate_limit is not None:
            await budget.observe(candidate.provider, candidate.model, exc.rate_limit)
        if not exc.transient and not isinstance(exc, ConnectionFailed):
            await health.reachable(candidate.provider)
        reason = f"{type(exc).__name__}: {exc.message}"
        if isinstance(exc, RateLimited):
            seconds = exc.retry_after
            if seconds is None and exc.window == "session":
                seconds = self.session_block_s
            elif seconds is None and exc.window in ("day", "hour"):
                seconds = self.cooldown_s
            if seconds:
                account_wide = exc.action is Action.NEXT_PROVIDER or (
                    exc.window in ("day", "hour")
                    and not registry.spec(candidate.provider).limits_per_model
                )
                model = None if account_wide else candidate.model
                await budget.block(candidate.provider, model, seconds=seconds)
        elif isinstance(exc, AuthenticationFailed):
            await health.block(
                candidate.provider, None, seconds=AUTH_BLOCK_S, reason=reason, now=now
            )
        elif type(exc) is ConnectionFailed:
            await health.block(
                candidate.provider, None, seconds=self.cooldown_s, reason=reason, now=now
            )
        elif isinstance(exc, ModelNotFound | PermissionDenied):
            await health.block(
                candidate.provider,
                candidate.model,
                seconds=self.cooldown_s,
                reason=reason,
                now=now,
            )


def call_outcome(exc: ProviderError) -> str:
    """The ``outcome`` label of a failed call on ``/metrics``: a small fixed set an operator
    can alert on (a 429 is pacing gone wrong, a 5xx or a drop is the provider's trouble)."""
    if isinstance(exc, RateLimited):
        return "429"
    if isinstance(exc, CapacityExceeded):
        return "capacity"
    if isinstance(exc, ProviderTimeout | ConnectionDropped):
        return "dropped"
    if isinstance(exc, ConnectionFailed):
        return "connection_failed"
    if isinstance(exc, ServerError):
        return "5xx" if exc.status_code is not None and exc.status_code >= 500 else "malformed"
    return "error"


def _charged_tokens(exc: ProviderError) -> int | None:
    """What a failed call cost in tokens: refused or failed server-side calls nothing (Groq
    does not bill 5xx), a timeout or a dropped connection possibly everything."""
    if isinstance(exc, ProviderTimeout | ConnectionDropped):
        return None
    if isinstance(exc, ServerError) and exc.status_code is None:
        return None  # a 200 we could not read: it was generated and billed
    return 0


def _adapt(request: ChatRequest, candidate: _Candidate, model: ModelSpec | None) -> ChatRequest:
    """Fill the provider's sampling defaults and downgrade a JSON schema to JSON mode for models
    that cannot enforce one, so every model that can gets the schema."""
    spec = candidate.spec
    changes: dict[str, Any] = {"model": candidate.model}
    if request.temperature is None and spec.default_temperature is not None:
        changes["temperature"] = spec.default_temperature
    if request.top_p is None and spec.default_top_p is not None:
        changes["top_p"] = spec.default_top_p
    fmt = request.response_format
    if fmt is not None and fmt.get("type") != "json_object":
        supports = model.supports_json_schema if model is not None else False
        if not supports and fmt.get("type") != "text":
            changes["response_format"] = {"type": "json_object"}
    adapted = replace(request, **changes)
    return adapted
