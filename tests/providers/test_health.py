"""Provider circuits and cooldowns, and how errors are read (quota named in 429s, drops)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

import httpx
import pytest

from legal_training.providers.base import ChatRequest, ChatResult, ModelInfo, Provider, Usage
from legal_training.providers.budgets import RateBudget, limits_from
from legal_training.providers.errors import (
    Action,
    ConnectionDropped,
    ProviderIdentity,
    ProvidersExhausted,
    RateLimited,
    ServerError,
    map_sdk_error,
    parse_error_body,
)
from legal_training.providers.headers import RateLimitSnapshot, parse_rate_limit_headers
from legal_training.providers.health import CircuitPolicy, ProviderHealth
from legal_training.providers.openai_compat import usage_from
from legal_training.providers.registry import ModelSpec, ProviderRegistry, ProviderSpec
from legal_training.providers.router import FailoverRouter, RetryPolicy
from legal_training.providers.state import InMemoryStateStore

POLICY = CircuitPolicy(failure_threshold=3, open_s=1.0, max_open_s=4.0, give_up_after_s=30.0)


async def test_circuit_opens_after_the_threshold_then_lets_one_probe_through() -> None:
    health = ProviderHealth(InMemoryStateStore())
    for _ in range(2):
        await health.failure("p", reason="ServerError", now=100.0, policy=POLICY)
    assert (await health.check("p", "m", now=100.0, policy=POLICY)).verdict == "closed"
    await health.failure("p", reason="ServerError", now=100.0, policy=POLICY)
    blocked = await health.check("p", "m", now=100.5, policy=POLICY)
    assert blocked.verdict == "blocked" and blocked.until == pytest.approx(101.0)
    assert not blocked.lasting
    probe = await health.check("p", "m", now=101.0, policy=POLICY)
    other = await health.check("p", "m", now=101.0, policy=POLICY)
    assert (probe.verdict, other.verdict) == ("probe", "blocked")  # exactly one half-open try
    await health.success("p", "m")
    assert (await health.check("p", "m", now=101.1, policy=POLICY)).verdict == "closed"


async def test_failed_probes_reopen_for_longer_and_sustained_failure_gives_up() -> None:
    health = ProviderHealth(InMemoryStateStore())
    now = 0.0
    for _ in range(3):
        await health.failure("p", reason="boom", now=now, policy=POLICY)
    openings = []
    while True:
        state = await health.failure("p", reason="boom", now=now, policy=POLICY)
        if state.lasting:
            break
        openings.append(state.open_until - now)
        now = state.open_until
    assert openings[:3] == [2.0, 4.0, 4.0]  # doubling, capped at max_open_s
    assert now >= POLICY.give_up_after_s
    given_up = await health.check("p", None, now=now, policy=POLICY)
    assert given_up.verdict == "blocked" and given_up.lasting


class Flaky(Provider):
    """Fails with the given errors, then answers."""

    def __init__(self, name: str, errors: Sequence[Exception]) -> None:
        self.name = name
        self.errors = list(errors)
        self.calls = 0

    async def chat(self, request: ChatRequest) -> ChatResult:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return ChatResult(
            text="ok",
            reasoning=None,
            finish_reason="stop",
            usage=Usage(10, 10, 20),
            latency_s=0.0,
            model=request.model or "",
            provider=self.name,
        )

    async def list_models(self) -> list[ModelInfo]:
        return []


def _router(providers: dict[str, Provider], *, circuit: CircuitPolicy = POLICY) -> FailoverRouter:
    budget = RateBudget()
    specs = {}
    for name in providers:
        specs[name] = ProviderSpec(
            id=name,
            name=name,
            flavour="openai",
            base_url=f"http://{name}.invalid/v1",
            api_key_env=None,
            default_model=f"{name}-1",
            champion_model=f"{name}-1",
            rpm=6000,
            tpm=None,
            models=(ModelSpec(id=f"{name}-1", provider=name, name=name, fallback_priority=1),),
        )
        budget.configure(name, limits_from(rpm=6000), per_model=False)
    registry = ProviderRegistry(specs=specs, clients=providers, budget=budget, order=list(specs))

    async def no_sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    return FailoverRouter(
        registry,
        retry=RetryPolicy(max_attempts=4, base_delay_s=0.01),
        circuit=circuit,
        sleep=no_sleep,
        rng=random.Random(1),
    )


REQUEST = ChatRequest(messages=[{"role": "user", "content": "hello"}], max_tokens=10)


async def test_dropped_connections_and_5xx_are_retried_on_the_same_provider() -> None:
    errors: list[Exception] = [
        ConnectionDropped("a: dropped", provider="a"),
        ServerError("a: 503", provider="a", status_code=503),
    ]
    a, b = Flaky("a", errors), Flaky("b", [])
    routed = await _router({"a": a, "b": b}).chat(REQUEST)
    assert (routed.provider, routed.attempts, routed.switches) == ("a", 3, ())
    assert b.calls == 0


async def test_a_burst_of_5xx_opens_the_circuit_and_work_moves_on_without_failing() -> None:
    burst: list[Exception] = [ServerError("a: 500", provider="a", status_code=500)] * 3
    a, b = Flaky("a", burst), Flaky("b", [])
    router = _router({"a": a, "b": b})
    routed = await router.chat(REQUEST)
    assert routed.provider == "b" and "ServerError" in routed.switches[0].reason
    # While its circuit is open, a gets nothing; nobody fails for five minutes either.
    again = await router.chat(REQUEST)
    assert again.provider == "b" and a.calls == 3


async def test_only_faults_of_the_moment_leave_the_exhaustion_temporary() -> None:
    a = Flaky("a", [ServerError("a: 500", provider="a", status_code=500)] * 4)
    with pytest.raises(ProvidersExhausted) as info:
        await _router({"a": a}, circuit=CircuitPolicy(failure_threshold=50)).chat(REQUEST)
    assert not info.value.lasting and info.value.action is Action.RETRY
    assert info.value.reasons and "ServerError" in info.value.reasons[0]


def _identity(flavour: str = "groq") -> ProviderIdentity:
    return ProviderIdentity(name=flavour, flavour=flavour, api_key_env="GROQ_API_KEY")


def test_a_peer_closing_the_connection_is_a_retryable_drop() -> None:
    request = httpx.Request("POST", "http://p.invalid/v1/chat/completions")
    dropped = map_sdk_error(httpx.RemoteProtocolError("peer closed", request=request), _identity())
    refused = map_sdk_error(httpx.ConnectError("refused", request=request), _identity())
    assert isinstance(dropped, ConnectionDropped) and dropped.action is Action.RETRY
    assert type(refused).__name__ == "ConnectionFailed"
    assert refused.action is Action.NEXT_PROVIDER


def _rate_limited(body: str, headers: dict[str, str] | None = None) -> RateLimited:
    request = httpx.Request("POST", "http://p.invalid/v1/chat/completions")
    response = httpx.Response(429, content=body.encode(), headers=headers or {}, request=request)
    import openai

    error = map_sdk_error(
        openai.RateLimitError("rate limited", response=response, body=None),  # type: ignore[arg-type]
        _identity(),
    )
    assert isinstance(error, RateLimited)
    return error


def test_the_quota_a_429_names_decides_wait_or_next_model() -> None:
    per_minute = _rate_limited(
        '{"error": {"message": "Rate limit reached for model `m` on tokens per minute (TPM): '
        'Limit 15000, Used 11972, Requested 4351. Please try again in 5.289s.", '
        '"type": "tokens", "code": "rate_limit_exceeded"}}'
    )
    assert (per_minute.scope, per_minute.window) == ("tokens", "minute")
    assert per_minute.retry_after == pytest.approx(5.289)  # read from the message
    assert per_minute.action is Action.RETRY
    daily = _rate_limited(
        '{"error": {"message": "Rate limit reached on requests per day (RPD): Limit 1000", '
        '"type": "requests", "code": "rate_limit_exceeded"}}',
        {"retry-after": "30"},
    )
    assert (daily.window, daily.action) == ("day", Action.NEXT_MODEL)
    # A body that names nothing: Groq's "-requests" family is per day and merely low; the
    # exhausted per-minute tokens window is the cause, so this is a wait, not a new model.
    unnamed = _rate_limited(
        '{"error": {"message": "slow down"}}',
        {
            "x-ratelimit-limit-requests": "1000",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-limit-tokens": "6000",
            "x-ratelimit-remaining-tokens": "0",
            "retry-after": "4",
        },
    )
    assert unnamed.action is Action.RETRY


def test_groq_requests_family_is_read_as_per_minute_when_its_numbers_say_so() -> None:
    minute = parse_rate_limit_headers(
        {
            "x-ratelimit-limit-requests": "1000",
            "x-ratelimit-remaining-requests": "999",
            "x-ratelimit-reset-requests": "60ms",
        },
        flavour="groq",
    )
    assert minute.get("requests", "minute") is not None
    assert minute.get("requests", "day") is None
    assert isinstance(minute, RateLimitSnapshot)


def test_usage_without_a_total_is_summed_not_rejected() -> None:
    class Partial:
        prompt_tokens = 120
        completion_tokens = 880

    usage = usage_from(Partial())
    assert (usage.total_tokens, usage.reported) == (1000, True)
    assert not usage_from(None).reported


def test_cerebras_queue_429_is_capacity_not_quota() -> None:
    body = parse_error_body(
        '{"message": "We are busy", "type": "too_many_requests_error", "param": "queue", '
        '"code": "queue_exceeded"}'
    )
    assert body.param == "queue"
