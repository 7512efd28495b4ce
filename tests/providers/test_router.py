"""Failover routing, retries and cooldowns, with scripted in-memory providers."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

import pytest

from legal_training.providers.base import ChatRequest, ChatResult, ModelInfo, Provider, Usage
from legal_training.providers.budgets import RateBudget, limits_from
from legal_training.providers.errors import (
    AuthenticationFailed,
    BadRequest,
    ConnectionFailed,
    ModelNotFound,
    ProviderError,
    ProvidersExhausted,
    RateLimited,
    ServerError,
)
from legal_training.providers.registry import (
    ModelSpec,
    ProviderRegistry,
    ProviderSpec,
    RegistryError,
)
from legal_training.providers.router import FailoverRouter, RetryPolicy

Outcome = Exception | None


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class ScriptedProvider(Provider):
    """Answers or fails per model from a script; an empty script means success."""

    def __init__(self, name: str, script: dict[str, list[Outcome]] | None = None) -> None:
        self.name = name
        self.script = script or {}
        self.calls: list[ChatRequest] = []

    async def chat(self, request: ChatRequest) -> ChatResult:
        self.calls.append(request)
        model = request.model or ""
        outcomes = self.script.get(model, [])
        outcome = outcomes.pop(0) if outcomes else None
        if outcome is not None:
            raise outcome
        return ChatResult(
            text=f"answer from {self.name}/{model}",
            reasoning=None,
            finish_reason="stop",
            usage=Usage(prompt_tokens=10, completion_tokens=20, total_tokens=30),
            latency_s=0.01,
            model=model,
            provider=self.name,
        )

    async def list_models(self) -> list[ModelInfo]:
        return []

    def models_called(self) -> list[str]:
        return [r.model or "" for r in self.calls]


def spec(name: str, models: Sequence[str], *, json_schema: bool = True) -> ProviderSpec:
    return ProviderSpec(
        id=name,
        name=name.title(),
        flavour="openai",
        base_url=f"http://{name}.invalid/v1",
        api_key_env=f"{name.upper()}_API_KEY",
        default_model=models[0],
        champion_model=models[0],
        rpm=600,
        tpm=1_000_000,
        models=tuple(
            ModelSpec(
                id=m,
                provider=name,
                name=m,
                fallback_priority=i + 1,
                supports_json_schema=json_schema,
            )
            for i, m in enumerate(models)
        ),
        limits_per_model=True,
        default_temperature=0.6,
        default_top_p=0.95,
    )


def make_router(
    fake: FakeTime,
    providers: dict[str, tuple[Sequence[str], ScriptedProvider]],
    *,
    max_attempts: int = 2,
    cooldown_s: float = 300.0,
) -> FailoverRouter:
    budget = RateBudget(clock=fake.clock, sleep=fake.sleep, max_wait_s=120.0)
    specs = {name: spec(name, models) for name, (models, _) in providers.items()}
    for name, provider_spec in specs.items():
        budget.configure(
            name, limits_from(rpm=provider_spec.rpm, tpm=provider_spec.tpm), per_model=True
        )
    registry = ProviderRegistry(
        specs=specs,
        clients={name: client for name, (_, client) in providers.items()},
        budget=budget,
        order=list(providers),
    )
    return FailoverRouter(
        registry,
        retry=RetryPolicy(max_attempts=max_attempts, base_delay_s=1.0, max_delay_s=4.0),
        cooldown_s=cooldown_s,
        clock=fake.clock,
        sleep=fake.sleep,
        rng=random.Random(7),
    )


REQUEST = ChatRequest(
    messages=[{"role": "user", "content": "Explain consideration."}], max_tokens=100
)


def down(provider: str, model: str | None = None) -> ProviderError:
    return ConnectionFailed(f"{provider}: could not connect", provider=provider, model=model)


async def test_first_candidate_answers_without_switches() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a")
    router = make_router(fake, {"a": (["a1", "a2"], a)})
    routed = await router.chat(REQUEST)
    assert routed.result.text == "answer from a/a1"
    assert routed.switches == ()
    assert routed.attempts == 1
    # Provider defaults are filled in for the call.
    assert a.calls[0].temperature == 0.6 and a.calls[0].top_p == 0.95


async def test_next_model_then_next_provider_with_recorded_reasons() -> None:
    fake = FakeTime()
    a = ScriptedProvider(
        "a",
        {
            "a1": [ModelNotFound("a model a1: model not found", provider="a", model="a1")],
            "a2": [ModelNotFound("a model a2: model not found", provider="a", model="a2")],
        },
    )
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1", "a2"], a), "b": (["b1"], b)})
    routed = await router.chat(REQUEST)
    assert routed.provider == "b" and routed.model == "b1"
    assert [
        (s.from_provider, s.from_model, s.to_provider, s.to_model) for s in routed.switches
    ] == [
        ("a", "a1", "a", "a2"),
        ("a", "a2", "b", "b1"),
    ]
    assert [s.kind for s in routed.switches] == ["model", "provider"]
    assert all("ModelNotFound" in s.reason for s in routed.switches)
    assert routed.switches[0].at.tzinfo is not None


async def test_retryable_errors_back_off_then_move_on() -> None:
    fake = FakeTime()
    boom: list[Outcome] = [ServerError("a: 500", provider="a", status_code=500) for _ in range(2)]
    a = ScriptedProvider("a", {"a1": boom})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1"], a), "b": (["b1"], b)}, max_attempts=2)
    routed = await router.chat(REQUEST)
    assert a.models_called() == ["a1", "a1"]
    assert routed.provider == "b"
    assert len(fake.sleeps) == 1 and 0.5 <= fake.sleeps[0] <= 1.0  # attempt 1: [base/2, base]
    assert "ServerError" in routed.switches[0].reason


async def test_a_retry_that_succeeds_stays_on_the_model() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a", {"a1": [ServerError("a: 503", provider="a")]})
    router = make_router(fake, {"a": (["a1", "a2"], a)}, max_attempts=3)
    routed = await router.chat(REQUEST)
    assert routed.model == "a1" and routed.switches == () and routed.attempts == 2


async def test_fail_action_stops_routing_at_once() -> None:
    fake = FakeTime()
    bad_request = BadRequest("a: bad request (HTTP 400): unknown field", provider="a")
    a = ScriptedProvider("a", {"a1": [bad_request]})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1"], a), "b": (["b1"], b)})
    with pytest.raises(BadRequest, match="unknown field"):
        await router.chat(REQUEST)
    assert b.calls == []


async def test_a_rejected_key_sends_work_to_the_healthy_provider() -> None:
    fake = FakeTime()
    bad_key = AuthenticationFailed("a rejected the API key: check A_API_KEY", provider="a")
    a = ScriptedProvider("a", {"a1": [bad_key]})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1", "a2"], a), "b": (["b1"], b)})
    first = await router.chat(REQUEST)
    assert first.provider == "b" and "AuthenticationFailed" in first.switches[0].reason
    second = await router.chat(REQUEST)
    assert second.provider == "b" and second.switches == ()
    assert a.models_called() == ["a1"]  # the key is wrong for every model: none is tried again


async def test_a_rejected_key_on_the_only_provider_is_raised_naming_the_variable() -> None:
    fake = FakeTime()
    bad_key = AuthenticationFailed("a rejected the API key: check A_API_KEY", provider="a")
    a = ScriptedProvider("a", {"a1": [bad_key]})
    router = make_router(fake, {"a": (["a1"], a)})
    with pytest.raises(AuthenticationFailed, match="A_API_KEY"):
        await router.chat(REQUEST)


async def test_connection_failure_skips_the_rest_of_that_provider() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a", {"a1": [down("a", "a1")]})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1", "a2", "a3"], a), "b": (["b1"], b)})
    routed = await router.chat(REQUEST)
    assert a.models_called() == ["a1"]
    assert (routed.switches[0].from_model, routed.switches[0].to_provider) == ("a1", "b")


async def test_cooldown_skips_a_failed_provider_then_recovers() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a", {"a1": [down("a", "a1")]})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1"], a), "b": (["b1"], b)}, cooldown_s=300.0)
    first = await router.chat(REQUEST)
    assert first.provider == "b" and len(first.switches) == 1
    second = await router.chat(REQUEST)
    assert second.provider == "b" and second.switches == ()
    assert len(a.calls) == 1  # not retried during its cooldown
    fake.now += 301.0
    third = await router.chat(REQUEST)
    assert third.provider == "a" and third.switches == ()
    assert len(a.calls) == 2


async def test_everything_failing_raises_providers_exhausted_with_each_error() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a", {"a1": [down("a")]})
    b = ScriptedProvider("b", {"b1": [down("b")]})
    router = make_router(fake, {"a": (["a1"], a), "b": (["b1"], b)})
    with pytest.raises(ProvidersExhausted) as info:
        await router.chat(REQUEST)
    assert [type(e) for e in info.value.errors] == [ConnectionFailed, ConnectionFailed]
    assert "a/a1" in str(info.value) and "b/b1" in str(info.value)
    # Both are cooling down now: the next call fails fast without calling anyone.
    with pytest.raises(ProvidersExhausted, match="cooling down"):
        await router.chat(REQUEST)
    assert len(a.calls) == 1 and len(b.calls) == 1


async def test_pinned_provider_and_model_never_fail_over() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a", {"a1": [down("a")]})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1", "a2"], a), "b": (["b1"], b)})
    with pytest.raises(ConnectionFailed):
        await router.chat(REQUEST, provider="a", model="a1")
    assert b.calls == []
    routed = await router.chat(REQUEST, provider="b")
    assert routed.provider == "b"


async def test_pinned_model_without_provider_uses_providers_offering_it() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a")
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1"], a), "b": (["shared", "b2"], b)})
    routed = await router.chat(REQUEST, model="shared")
    assert (routed.provider, routed.model) == ("b", "shared")
    with pytest.raises(RegistryError):
        await router.chat(REQUEST, model="nobody-has-this")
    with pytest.raises(RegistryError, match="valid: a, b"):
        await router.chat(REQUEST, provider="zzz")


async def test_retry_after_blocks_the_shared_budget_instead_of_sleeping_blindly() -> None:
    fake = FakeTime()
    limited = RateLimited(
        "a: rate limited", provider="a", model="a1", retry_after=12.0, scope="requests"
    )
    a = ScriptedProvider("a", {"a1": [limited]})
    router = make_router(fake, {"a": (["a1"], a)}, max_attempts=2)
    routed = await router.chat(REQUEST)
    assert routed.model == "a1" and routed.attempts == 2
    assert fake.sleeps == [pytest.approx(12.0)]  # the budget's gate wait, no extra backoff


async def test_session_quota_makes_the_budget_send_work_elsewhere() -> None:
    fake = FakeTime()
    session = RateLimited(
        "a: usage limit reached", provider="a", window="session", scope="requests"
    )
    a = ScriptedProvider("a", {"a1": [session]})
    b = ScriptedProvider("b")
    router = make_router(fake, {"a": (["a1", "a2"], a), "b": (["b1"], b)}, cooldown_s=1.0)
    first = await router.chat(REQUEST)
    assert first.provider == "b"
    fake.now += 5.0  # cooldown over, but the provider's session quota is still gone
    second = await router.chat(REQUEST)
    assert second.provider == "b"
    assert len(a.calls) == 1
    assert "budget exhausted" in second.switches[0].reason


async def test_success_settles_tokens_against_reported_usage() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a")
    router = make_router(fake, {"a": (["a1"], a)})
    await router.chat(REQUEST)
    state = await router.registry.budget._store.get("a|a1|tokens|minute")
    assert state is not None
    assert state.level == pytest.approx(1_000_000 - 30)  # reserved ~130, used 30


async def test_json_schema_is_downgraded_for_models_without_schema_support() -> None:
    fake = FakeTime()
    a = ScriptedProvider("a")
    router = make_router(fake, {"a": (["a1"], a)})
    router.registry.specs["a"] = spec("a", ["a1"], json_schema=False)
    schema_request = ChatRequest(
        messages=REQUEST.messages, response_format={"type": "object", "properties": {}}
    )
    await router.chat(schema_request)
    assert a.calls[0].response_format == {"type": "json_object"}


def test_backoff_is_bounded_and_jittered() -> None:
    policy = RetryPolicy(max_attempts=5, base_delay_s=1.0, max_delay_s=4.0)
    rng = random.Random(1)
    delays = [policy.backoff(n, rng) for n in (1, 2, 3, 4, 5, 6)]
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0
    assert all(2.0 <= d <= 4.0 for d in delays[2:])
    assert len({round(d, 6) for d in delays}) == len(delays)
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
