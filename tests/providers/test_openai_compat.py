"""The OpenAI-compatible client and error mapping, with httpx.MockTransport (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from legal_training.providers.base import ChatRequest
from legal_training.providers.errors import (
    REDACTED,
    Action,
    AuthenticationFailed,
    BadRequest,
    CapacityExceeded,
    ContextLengthExceeded,
    ModelNotFound,
    ProviderError,
    RateLimited,
    ServerError,
    parse_error_body,
    redact,
)
from legal_training.providers.openai_compat import (
    CerebrasProvider,
    GroqProvider,
    OllamaProvider,
    OpenAICompatibleProvider,
    to_response_format,
)

KEY = "test-fake-key-unit-4242"
Handler = Callable[[httpx.Request], httpx.Response]


def completion(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "served-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": '{"answer": 1}'},
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
    body.update(overrides)
    return body


def make(
    cls: type[OpenAICompatibleProvider], handler: Handler, **kwargs: Any
) -> OpenAICompatibleProvider:
    return cls(
        name=kwargs.pop("name", "prov"),
        base_url="http://provider.invalid/v1",
        api_key=KEY,
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


REQUEST = ChatRequest(
    model="m",
    messages=[{"role": "user", "content": "hi"}],
    max_tokens=50,
    temperature=0.2,
    response_format={"type": "object", "properties": {"a": {"type": "string"}}},
    extra_headers={"X-Trace": "t1"},
)


@pytest.mark.parametrize(
    ("cls", "field"),
    [
        (GroqProvider, "max_tokens"),
        (CerebrasProvider, "max_completion_tokens"),
        (OllamaProvider, "max_tokens"),
    ],
)
async def test_request_shape_and_key_placement(
    cls: type[OpenAICompatibleProvider], field: str
) -> None:
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(200, json=completion())

    provider = make(cls, handler)
    try:
        result = await provider.chat(REQUEST)
    finally:
        await provider.aclose()
    sent = json.loads(captured[0].content)
    assert sent[field] == 50 and sent["temperature"] == 0.2 and sent["model"] == "m"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["properties"] == {
        "a": {"type": "string"}
    }
    assert captured[0].headers["authorization"] == f"Bearer {KEY}"
    assert captured[0].headers["x-trace"] == "t1"
    assert KEY not in str(captured[0].url)
    assert result.text == '{"answer": 1}' and result.model == "served-model"
    assert result.usage.total_tokens == 18 and result.usage.reported
    assert result.reasoning is None


async def test_reasoning_content_and_missing_usage() -> None:
    body = completion(usage=None)
    body["choices"][0]["message"]["reasoning_content"] = "thinking..."
    provider = make(GroqProvider, lambda request: httpx.Response(200, json=body))
    try:
        result = await provider.chat(REQUEST)
    finally:
        await provider.aclose()
    assert result.reasoning == "thinking..."
    assert not result.usage.reported


async def test_no_choices_and_unparseable_bodies_are_server_errors() -> None:
    provider = make(GroqProvider, lambda request: httpx.Response(200, json=completion(choices=[])))
    with pytest.raises(ServerError):
        await provider.chat(REQUEST)
    await provider.aclose()
    garbage = make(GroqProvider, lambda request: httpx.Response(200, text="<html>oops"))
    with pytest.raises(ServerError):
        await garbage.chat(REQUEST)
    await garbage.aclose()


def error_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler


@pytest.mark.parametrize(
    ("cls", "status", "body", "expected", "action"),
    [
        (
            GroqProvider,
            498,
            {"error": {"message": "flex", "type": "x", "code": "capacity_exceeded"}},
            CapacityExceeded,
            Action.NEXT_MODEL,
        ),
        (
            CerebrasProvider,
            429,
            {
                "message": "busy",
                "type": "too_many_requests_error",
                "param": "queue",
                "code": "queue_exceeded",
            },
            CapacityExceeded,
            Action.NEXT_MODEL,
        ),
        (
            GroqProvider,
            413,
            {
                "error": {
                    "message": "Request too large",
                    "type": "tokens",
                    "code": "rate_limit_exceeded",
                }
            },
            ContextLengthExceeded,
            Action.NEXT_MODEL,
        ),
        (
            GroqProvider,
            400,
            {
                "error": {
                    "message": "bad json",
                    "type": "invalid_request_error",
                    "code": "json_validate_failed",
                }
            },
            BadRequest,
            Action.RETRY,
        ),
        (
            GroqProvider,
            400,
            {"error": {"message": "bad field", "type": "invalid_request_error", "code": "invalid"}},
            BadRequest,
            Action.FAIL,
        ),
        (
            GroqProvider,
            400,
            {
                "error": {
                    "message": "gone",
                    "type": "invalid_request_error",
                    "code": "model_decommissioned",
                }
            },
            ModelNotFound,
            Action.NEXT_MODEL,
        ),
        (OllamaProvider, 404, {"error": "model 'x' not found"}, ModelNotFound, Action.NEXT_MODEL),
        (OllamaProvider, 502, "<html>bad gateway</html>", ServerError, Action.RETRY),
        (
            CerebrasProvider,
            401,
            {
                "message": "Wrong API Key",
                "type": "invalid_request_error",
                "param": "api_key",
                "code": "wrong_api_key",
            },
            AuthenticationFailed,
            Action.FAIL,
        ),
    ],
)
async def test_error_bodies_of_each_shape_are_classified(
    cls: type[OpenAICompatibleProvider],
    status: int,
    body: Any,
    expected: type[ProviderError],
    action: Action,
) -> None:
    provider = make(cls, error_response(status, body))
    try:
        with pytest.raises(ProviderError) as info:
            await provider.chat(REQUEST)
    finally:
        await provider.aclose()
    assert type(info.value) is expected
    assert info.value.action is action
    assert info.value.status_code == status


async def test_ollama_session_limit_without_headers_moves_to_next_provider() -> None:
    body = {"error": "you've reached your session usage limit, please wait or upgrade to continue"}
    provider = make(OllamaProvider, error_response(429, body))
    with pytest.raises(RateLimited) as info:
        await provider.chat(REQUEST)
    await provider.aclose()
    assert info.value.window == "session" and info.value.action is Action.NEXT_PROVIDER


async def test_token_rate_limit_scope_from_body_and_daily_window_from_headers() -> None:
    body = {"error": {"message": "slow down", "type": "tokens", "code": "rate_limit_exceeded"}}
    minute = make(GroqProvider, error_response(429, body, {"retry-after": "7"}))
    with pytest.raises(RateLimited) as info:
        await minute.chat(REQUEST)
    await minute.aclose()
    assert (info.value.scope, info.value.window, info.value.retry_after) == (
        "tokens",
        "minute",
        7.0,
    )

    flat = {
        "message": "Requests per day limit exceeded",
        "type": "too_many_requests_error",
        "param": "quota",
        "code": "request_quota_exceeded",
    }
    headers = {
        "x-ratelimit-remaining-requests-day": "0",
        "x-ratelimit-limit-requests-day": "100",
        "retry-after": "5000",
    }
    daily = make(CerebrasProvider, error_response(429, flat, headers))
    with pytest.raises(RateLimited) as info:
        await daily.chat(REQUEST)
    await daily.aclose()
    assert (info.value.scope, info.value.window) == ("requests", "day")
    assert info.value.action is Action.NEXT_MODEL


async def test_an_echoed_key_is_redacted_everywhere() -> None:
    body = {"error": {"message": f"Invalid API Key: {KEY}", "type": "x", "code": "invalid"}}
    provider = make(GroqProvider, error_response(400, body), name="groq")
    with pytest.raises(BadRequest) as info:
        await provider.chat(REQUEST)
    await provider.aclose()
    assert KEY not in str(info.value) and REDACTED in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert KEY not in repr(info.value.__dict__)


def test_parse_error_body_handles_every_shape() -> None:
    nested = parse_error_body('{"error": {"message": "m", "type": "t", "code": "c"}}')
    flat = parse_error_body('{"message": "m", "type": "t", "param": "p", "code": 42}')
    text = parse_error_body('{"error": "plain"}')
    junk = parse_error_body("not json")
    assert (nested.message, nested.type, nested.code) == ("m", "t", "c")
    assert (flat.code, flat.param) == ("42", "p")
    assert text.message == "plain" and text.code is None
    assert junk.message == "not json"
    assert parse_error_body(None).message is None


def test_redact_and_response_format_helpers() -> None:
    assert redact("a secret-value-1 b", ["secret-value-1", None, "ab"]) == f"a {REDACTED} b"
    assert to_response_format({"type": "json_object"}) == {"type": "json_object"}
    wrapped = {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}}
    assert to_response_format(wrapped) == wrapped
    assert to_response_format({"type": "object"})["json_schema"]["strict"] is True


async def test_repr_never_shows_the_key() -> None:
    provider = make(GroqProvider, error_response(500, {}))
    try:
        assert KEY not in repr(provider) and KEY not in repr(provider.identity)
    finally:
        await provider.aclose()
