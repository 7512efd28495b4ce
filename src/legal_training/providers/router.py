"""Route one chat request through models and providers until one answers.

Layers, outermost first (STYLE.md: batch → attempt → failover → retry → provider):

* :class:`FailoverRouter` walks the candidates: the pinned provider/model, or each enabled
  provider in the configured order and, within it, its default model then its fallback list.
  Failing candidates are put in a time-based cooldown and come back once it ends. Every move to
  another candidate is recorded as a :class:`Switch` with its reason.
* :meth:`FailoverRouter._call_with_retries` retries RETRY-class errors on one candidate with
  bounded, jittered exponential backoff; EVERY attempt reserves from the shared
  :class:`~legal_training.providers.budgets.RateBudget` first and settles after, and a
  ``retry-after`` blocks the budget for everyone rather than just this caller.
* The provider client makes the HTTP call and maps SDK errors to the tree in ``errors.py``.

What each error does is decided by its ``action`` only, never by its message.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import structlog

from legal_training.providers.base import ChatRequest, ChatResult
from legal_training.providers.budgets import BudgetExhausted, Clock, Sleep, estimate_prompt_tokens
from legal_training.providers.errors import (
    Action,
    CapacityExceeded,
    ConnectionFailed,
    ProviderError,
    ProvidersExhausted,
    ProviderTimeout,
    RateLimited,
)
from legal_training.providers.registry import (
    ModelSpec,
    ProviderRegistry,
    ProviderSpec,
    RegistryError,
)

logger = structlog.get_logger(__name__)

AUTO = "auto"
DEFAULT_COOLDOWN_S = 300.0
#: How long to avoid a provider whose session quota is gone when it gave no retry-after
#: (Ollama Cloud sends none). Long enough to move the work elsewhere, short enough to recover.
DEFAULT_SESSION_BLOCK_S = 3600.0


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with "equal jitter": half the delay fixed, half random, so
    concurrent callers spread out but none retries instantly."""

    max_attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

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
    """The answer plus how we got there."""

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
    """Candidates to avoid until a time; keyed by (provider, model), model None = whole provider."""

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


class FailoverRouter:
    """Routes requests over the registry's enabled providers, sharing its budget."""

    def __init__(
        self,
        registry: ProviderRegistry,
        *,
        order: Sequence[str] | None = None,
        retry: RetryPolicy | None = None,
        cooldown_s: float = DEFAULT_COOLDOWN_S,
        session_block_s: float = DEFAULT_SESSION_BLOCK_S,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.registry = registry
        self.order = list(order) if order else None
        self.retry = retry or RetryPolicy()
        self.cooldown_s = cooldown_s
        self.session_block_s = session_block_s
        self.cooldowns = Cooldowns(clock=clock)
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()

    async def chat(
        self, request: ChatRequest, *, provider: str | None = None, model: str | None = None
    ) -> RoutedResult:
        """Answer ``request`` with the first candidate that succeeds.

        ``provider`` None or ``"auto"`` uses the configured order; ``model`` (or
        ``request.model``) pins a model. With both pinned there is no failover and the
        candidate's own error is raised.
        """
        model = model or request.model
        candidates = self._candidates(provider, model)
        pinned = provider not in (None, AUTO) and model is not None
        switches: list[Switch] = []
        errors: list[Exception] = []
        previous: tuple[_Candidate, str] | None = None
        skipped_providers: set[str] = set()
        attempts = 0

        for candidate in candidates:
            if candidate.provider in skipped_providers:
                continue
            if not pinned and self.cooldowns.active(candidate.provider, candidate.model):
                continue
            if previous is not None:
                switches.append(self._switch(previous[0], candidate, previous[1]))
                previous = None
            try:
                result, used = await self._call_with_retries(candidate, request)
            except BudgetExhausted as exc:
                errors.append(exc)
                previous = (candidate, str(exc))
                continue
            except ProviderError as exc:
                attempts += self.retry.max_attempts if exc.action is Action.RETRY else 1
                errors.append(exc)
                if exc.action is Action.FAIL or pinned:
                    raise
                self._cool_down(candidate, exc)
                if exc.action is Action.NEXT_PROVIDER:
                    skipped_providers.add(candidate.provider)
                previous = (candidate, f"{type(exc).__name__}: {exc.message}")
                continue
            attempts += used
            return RoutedResult(result=result, switches=tuple(switches), attempts=attempts)

        tried = ", ".join(f"{c.provider}/{c.model}" for c in candidates)
        last = errors[-1] if errors else None
        reason = f"{type(last).__name__}: {last}" if last else "all candidates are cooling down"
        raise ProvidersExhausted(
            f"no provider could answer (candidates: {tried}); last failure: {reason}",
            provider=provider or AUTO,
            model=model,
            errors=errors,
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

    def _switch(self, source: _Candidate, target: _Candidate, reason: str) -> Switch:
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

    def _cool_down(self, candidate: _Candidate, error: ProviderError) -> None:
        seconds = max(self.cooldown_s, error.retry_after or 0.0)
        if error.action is Action.NEXT_PROVIDER:
            self.cooldowns.start(candidate.provider, None, seconds)
        else:
            self.cooldowns.start(candidate.provider, candidate.model, seconds)

    # one candidate, with retries through the budget

    async def _call_with_retries(
        self, candidate: _Candidate, request: ChatRequest
    ) -> tuple[ChatResult, int]:
        budget = self.registry.budget
        client = self.registry.client(candidate.provider)
        model_spec = self.registry.model_spec(candidate.provider, candidate.model)
        adapted = _adapt(request, candidate, model_spec)
        tokens = estimate_prompt_tokens(adapted.messages) + adapted.max_tokens
        for attempt in range(1, self.retry.max_attempts + 1):
            reservation = await budget.reserve(candidate.provider, candidate.model, tokens=tokens)
            try:
                result = await client.chat(adapted)
            except ProviderError as exc:
                await reservation.settle(
                    used_tokens=None if isinstance(exc, ProviderTimeout) else 0,
                    request_counted=not isinstance(
                        exc, RateLimited | ConnectionFailed | CapacityExceeded
                    ),
                )
                await self._learn_from_error(candidate, exc)
                if exc.action is not Action.RETRY or attempt == self.retry.max_attempts:
                    raise
                if not (isinstance(exc, RateLimited) and exc.retry_after):
                    # With a retry-after the budget gate already makes the next reserve wait.
                    await self._sleep(self.retry.backoff(attempt, self._rng))
                continue
            except BaseException:
                await reservation.release()
                raise
            usage = result.usage
            await reservation.settle(used_tokens=usage.total_tokens if usage.reported else None)
            if result.rate_limit is not None:
                await budget.observe(candidate.provider, candidate.model, result.rate_limit)
            return result, attempt
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def _learn_from_error(self, candidate: _Candidate, exc: ProviderError) -> None:
        budget = self.registry.budget
        if exc.rate_limit is not None:
            await budget.observe(candidate.provider, candidate.model, exc.rate_limit)
        if isinstance(exc, RateLimited):
            seconds = exc.retry_after
            if seconds is None and exc.window == "session":
                seconds = self.session_block_s
            if seconds:
                account_wide = exc.action is Action.NEXT_PROVIDER
                model = None if account_wide else candidate.model
                await budget.block(candidate.provider, model, seconds=seconds)


def _adapt(request: ChatRequest, candidate: _Candidate, model: ModelSpec | None) -> ChatRequest:
    """Fill the provider's sampling defaults and downgrade a JSON schema to JSON mode for models
    that cannot enforce one (the original sent schemas only to Cerebras non-thinking models)."""
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
