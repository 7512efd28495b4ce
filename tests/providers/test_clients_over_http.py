"""Our real provider clients, over real HTTP, against the simulator on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from legal_training.providers.base import ChatRequest
from legal_training.providers.budgets import RateBudget, limits_from
from legal_training.providers.errors import (
    Action,
    AuthenticationFailed,
    BadRequest,
    CapacityExceeded,
    ConnectionFailed,
    ContentFiltered,
    ContextLengthExceeded,
    ModelNotFound,
    PermissionDenied,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    ServerError,
)
from legal_training.providers.openai_compat import (
    PROVIDER_CLASSES,
    OpenAICompatibleProvider,
)
from legal_training.simulator import (
    DEFAULT_MODELS,
    RunningSimulator,
    SimulatorConfig,
    run_simulator,
)

FAKE_KEY = "test-fake-key-123"
FLAVOURS = ("groq", "cerebras", "ollama", "openai")
KEY_ENVS = {
    "groq": "GROQ_API_KEY",
    "cerebras": "CEREBRAS_API_KEY",
    "ollama": "OLLAMA_API_KEY",
    "openai": "OPENAI_COMPAT_KEY",
}
PROMPT = (
    "Topic: Contract Law - Formation of Contracts\nJurisdiction: uk\nDifficulty: basic\n"
    "Sample type: case_analysis\nWrite one training sample."
)


def client_for(
    sim: RunningSimulator, *, key: str = FAKE_KEY, timeout_s: float = 10.0
) -> OpenAICompatibleProvider:
    flavour = sim.config.flavour
    return PROVIDER_CLASSES[flavour](
        name=flavour,
        base_url=sim.base_url,
        api_key=key,
        api_key_env=KEY_ENVS[flavour],
        timeout_s=timeout_s,
    )


def request(flavour: str, *, fault: str | None = None, max_tokens: int = 400) -> ChatRequest:
    return ChatRequest(
        model=DEFAULT_MODELS[flavour][0],  # type: ignore[index]
        messages=[{"role": "user", "content": PROMPT}],
        max_tokens=max_tokens,
        extra_headers={"X-Simulator-Fault": fault} if fault else {},
    )


@pytest.fixture(params=FLAVOURS, scope="module")
def sim(request: pytest.FixtureRequest) -> Iterator[RunningSimulator]:
    config = SimulatorConfig(flavour=request.param, api_key=FAKE_KEY, timeout_hold=10.0)
    with run_simulator(config) as running:
        yield running


async def test_success_returns_text_usage_model_and_headers(sim: RunningSimulator) -> None:
    flavour = sim.config.flavour
    client = client_for(sim)
    before = sim.stats()["successes"]
    try:
        result = await client.chat(request(flavour))
    finally:
        await client.aclose()
    assert sim.stats()["successes"] == before + 1
    assert result.provider == flavour
    assert result.model == DEFAULT_MODELS[flavour][0]
    assert '"question"' in result.text
    assert result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    assert result.usage.total_tokens == result.usage.prompt_tokens + result.usage.completion_tokens
    assert result.latency_s > 0
    assert result.finish_reason in {"stop", "length"}
    assert result.rate_limit is not None
    if flavour == "ollama":
        assert not result.rate_limit.has_limits
    else:
        tokens = result.rate_limit.get("tokens", "minute")
        assert tokens is not None and tokens.limit == 600_000
        assert tokens.remaining is not None and tokens.remaining < 600_000
    if flavour == "groq":
        assert result.rate_limit.get("requests", "day") is not None
    if flavour in ("cerebras", "openai"):
        minute = result.rate_limit.get("requests", "minute")
        assert minute is not None and minute.limit == 600
        assert minute.remaining is not None and minute.remaining < 600


async def test_max_tokens_reaches_the_provider_and_truncation_is_reported(
    sim: RunningSimulator,
) -> None:
    client = client_for(sim)
    try:
        result = await client.chat(request(sim.config.flavour, max_tokens=12))
    finally:
        await client.aclose()
    assert result.finish_reason == "length"
    assert result.usage.completion_tokens <= 12


async def test_separate_reasoning_field_is_returned_apart_from_text(sim: RunningSimulator) -> None:
    client = client_for(sim)
    try:
        result = await client.chat(request(sim.config.flavour, fault="reasoning_field"))
    finally:
        await client.aclose()
    assert result.reasoning
    assert result.reasoning not in result.text


async def test_live_model_listing(sim: RunningSimulator) -> None:
    client = client_for(sim)
    try:
        models = await client.list_models()
    finally:
        await client.aclose()
    assert [m.id for m in models] == list(DEFAULT_MODELS[sim.config.flavour])


FAULT_CLASSES: dict[str, type[ProviderError]] = {
    "5xx": ServerError,
    "rate_limit": RateLimited,
    "session_limit": RateLimited,
    "capacity": CapacityExceeded,
    "context_length": ContextLengthExceeded,
    "content_filter": ContentFiltered,
    "json_validate_failed": BadRequest,
    "model_not_found": ModelNotFound,
    "permission": PermissionDenied,
}


@pytest.mark.parametrize("fault", sorted(FAULT_CLASSES))
async def test_every_error_class_is_mapped_from_real_responses(
    sim: RunningSimulator, fault: str
) -> None:
    flavour = sim.config.flavour
    client = client_for(sim)
    try:
        with pytest.raises(ProviderError) as info:
            await client.chat(request(flavour, fault=fault))
    finally:
        await client.aclose()
    error = info.value
    assert type(error) is FAULT_CLASSES[fault]
    assert error.provider == flavour
    assert error.status_code is not None and error.status_code >= 400
    assert flavour in str(error)
    assert error.__cause__ is None  # the SDK exception (holding the request) is not chained
    expected_action = {
        ServerError: Action.RETRY,
        CapacityExceeded: Action.NEXT_MODEL,
        ContextLengthExceeded: Action.NEXT_MODEL,
        ContentFiltered: Action.NEXT_MODEL,
        BadRequest: Action.RETRY,  # json_validate_failed: sampling again may pass
        ModelNotFound: Action.NEXT_MODEL,
        PermissionDenied: Action.NEXT_MODEL,
    }
    if isinstance(error, RateLimited):
        if flavour == "ollama":
            assert error.window == "session" and error.action is Action.NEXT_PROVIDER
        else:
            assert error.retry_after == 1.0
            assert error.scope == "requests"
    else:
        assert error.action is expected_action[type(error)]


async def test_429_carries_retry_after_scope_and_window() -> None:
    config = SimulatorConfig(flavour="groq", rpm=2, api_key=FAKE_KEY)
    with run_simulator(config) as running:
        client = client_for(running)
        try:
            await client.chat(request("groq"))
            await client.chat(request("groq"))
            with pytest.raises(RateLimited) as info:
                await client.chat(request("groq"))
        finally:
            await client.aclose()
    error = info.value
    assert error.status_code == 429
    assert error.retry_after is not None and 1.0 <= error.retry_after <= 30.0
    assert error.scope == "requests" and error.window == "minute"
    assert error.action is Action.RETRY
    assert error.rate_limit is not None and error.rate_limit.get("tokens", "minute") is not None


@pytest.mark.parametrize("flavour", ["groq", "cerebras"])
async def test_exhausted_daily_quota_moves_to_the_next_model(flavour: str) -> None:
    config = SimulatorConfig(flavour=flavour, rpd=1, api_key=FAKE_KEY)  # type: ignore[arg-type]
    with run_simulator(config) as running:
        client = client_for(running)
        try:
            await client.chat(request(flavour))
            with pytest.raises(RateLimited) as info:
                await client.chat(request(flavour))
        finally:
            await client.aclose()
    error = info.value
    assert error.window == "day"
    assert error.action is Action.NEXT_MODEL
    assert error.retry_after is not None and error.retry_after > 3600


async def test_wrong_key_fails_fast_naming_the_variable_never_the_key(
    sim: RunningSimulator,
) -> None:
    flavour = sim.config.flavour
    wrong = "test-wrong-key-9d8c7b6a"
    client = client_for(sim, key=wrong)
    try:
        with pytest.raises(AuthenticationFailed) as info:
            await client.chat(request(flavour))
    finally:
        await client.aclose()
    error = info.value
    assert error.action is Action.FAIL
    assert str(error).startswith(f"{flavour} rejected the API key")
    assert KEY_ENVS[flavour] in str(error)
    assert wrong not in str(error) and wrong not in repr(error)
    assert FAKE_KEY not in str(error)


async def test_timeout_is_a_retryable_provider_timeout() -> None:
    with run_simulator(SimulatorConfig(flavour="groq", timeout_hold=10.0)) as running:
        client = client_for(running, timeout_s=0.3)
        try:
            with pytest.raises(ProviderTimeout) as info:
                await client.chat(request("groq", fault="timeout"))
        finally:
            await client.aclose()
    assert info.value.action is Action.RETRY


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_connection_refused_moves_to_the_next_provider() -> None:
    client = PROVIDER_CLASSES["groq"](
        name="groq",
        base_url=f"http://127.0.0.1:{_closed_port()}/v1",
        api_key=FAKE_KEY,
        api_key_env="GROQ_API_KEY",
    )
    try:
        with pytest.raises(ConnectionFailed) as info:
            await client.chat(request("groq"))
        with pytest.raises(ConnectionFailed):
            await client.list_models()
    finally:
        await client.aclose()
    assert info.value.action is Action.NEXT_PROVIDER
    assert "groq" in str(info.value)


async def test_groq_rpm_is_learned_from_the_429_body() -> None:
    """Groq's headers report requests per day (or nothing per minute); its 429 message states
    the per-minute limit, and that is what the budget adopts when no cap was set."""
    config = SimulatorConfig(flavour="groq", rpm=2, window="sliding", api_key=FAKE_KEY)
    with run_simulator(config) as running:
        client = client_for(running)
        try:
            await client.chat(request("groq"))
            await client.chat(request("groq"))
            with pytest.raises(RateLimited) as info:
                await client.chat(request("groq"))
        finally:
            await client.aclose()
    stated = info.value.rate_limit
    assert stated is not None
    minute = stated.get("requests", "minute")
    assert minute is not None and minute.limit == 2
    model = DEFAULT_MODELS["groq"][0]
    for caps, expected, source in ((None, 2, "learned"), (limits_from(rpm=1), 1, "configured")):
        budget = RateBudget()
        budget.configure(
            "groq", limits_from(rpm=30, kind="sliding"), per_model=True, caps=caps or ()
        )
        await budget.observe("groq", model, stated)
        view = next(v for v in budget.describe("groq", model) if v.window == "minute")
        assert (view.learned, view.effective, view.source) == (2, expected, source)
