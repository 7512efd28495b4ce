"""One client for every OpenAI-compatible endpoint: Groq, Cerebras, Ollama and the rest.

All of them speak ``/v1/chat/completions``; they differ only in base URL, key variable, the
spelling of their rate-limit headers and error bodies (the "flavour") and a few request fields.
So there is one class, :class:`OpenAICompatibleProvider`, and thin vendor subclasses that change
only defaults, as distilabel does.

Each provider owns ONE pooled ``httpx.AsyncClient`` for its lifetime (never one per call). The SDK's
own retries are off (``max_retries=0``): the SDK silently gives up on ``retry-after`` above two
minutes and, worse, its retries would bypass our shared budget. The key is sent only in the
``Authorization`` header, never in a URL, and scrubbed from every error we raise.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar, cast

import httpx
import openai
import structlog
from openai.types.chat import ChatCompletion
from pydantic import SecretStr

from legal_training.providers.base import ChatRequest, ChatResult, ModelInfo, Provider, Usage
from legal_training.providers.errors import (
    BadRequest,
    ProviderError,
    ProviderIdentity,
    ServerError,
    map_sdk_error,
    redact,
)
from legal_training.providers.headers import RateLimitSnapshot, parse_rate_limit_headers

logger = structlog.get_logger(__name__)

DEFAULT_TIMEOUT_S = 90.0
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_MAX_CONNECTIONS = 100
#: Sent to keyless local servers (Ollama ignores it); the SDK refuses an empty key.
KEYLESS_PLACEHOLDER = "no-key-required"


class OpenAICompatibleProvider(Provider):
    """An OpenAI-compatible chat endpoint reached through the ``openai`` SDK."""

    default_base_url: ClassVar[str | None] = None
    default_api_key_env: ClassVar[str | None] = None
    default_flavour: ClassVar[str] = "openai"
    #: Field name for the output cap. Cerebras documents ``max_completion_tokens`` (and charges it
    #: up front); the others accept ``max_tokens``.
    max_tokens_field: ClassVar[str] = "max_tokens"

    def __init__(
        self,
        *,
        name: str,
        base_url: str | None = None,
        api_key: SecretStr | str | None = None,
        api_key_env: str | None = None,
        flavour: str | None = None,
        default_model: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        resolved_url = base_url or self.default_base_url
        if not resolved_url:
            raise ValueError(f"provider {name!r} needs a base_url")
        self.name = name
        self.base_url = resolved_url.rstrip("/")
        self.flavour = flavour or self.default_flavour
        self.api_key_env = api_key_env or self.default_api_key_env
        self.default_model = default_model
        secret = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self._secrets: tuple[str, ...] = (secret,) if secret else ()
        self.identity = ProviderIdentity(
            name=name, flavour=self.flavour, api_key_env=self.api_key_env, secrets=self._secrets
        )
        timeout = httpx.Timeout(timeout_s, connect=min(DEFAULT_CONNECT_TIMEOUT_S, timeout_s))
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            follow_redirects=False,
            event_hooks={"response": [_stamp_received]},
        )
        # openai>=3 types its client as httpx2 but explicitly accepts a legacy httpx client; we
        # keep httpx so that transports (MockTransport, ASGITransport) plug in the usual way.
        self._client = openai.AsyncOpenAI(
            api_key=secret or KEYLESS_PLACEHOLDER,
            base_url=self.base_url,
            max_retries=0,
            timeout=timeout_s,
            http_client=cast(Any, self._http),
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, base_url={self.base_url!r})"

    async def chat(self, request: ChatRequest) -> ChatResult:
        model = request.model or self.default_model
        if not model:
            raise BadRequest(f"{self.name}: no model given", provider=self.name)
        kwargs = self._build_kwargs(request, model)
        started = time.perf_counter()
        try:
            raw = await self._client.chat.completions.with_raw_response.create(**kwargs)
            completion = raw.parse()
        except (openai.OpenAIError, httpx.HTTPError, ValueError, TypeError, KeyError) as exc:
            raise self._mapped(exc, model) from None
        latency = time.perf_counter() - started
        snapshot = parse_rate_limit_headers(raw.headers, flavour=self.flavour)
        try:
            result = self._result(completion, model, latency, snapshot)
            http_response = getattr(raw, "http_response", None)
            extensions = getattr(http_response, "extensions", None) or {}
            received = extensions.get(RECEIVED_AT)
            return replace(
                result,
                server_time_s=server_time(completion, raw.headers),
                received_at=received if isinstance(received, float) else None,
            )
        except (AttributeError, TypeError, ValueError, IndexError) as exc:
            # A 200 whose body is not a chat completion (HTML from a proxy, a bare string...).
            raise ServerError(
                f"{self.name} model {model}: malformed response ({type(exc).__name__})",
                provider=self.name,
                model=model,
                rate_limit=snapshot,
            ) from None

    def _result(
        self, completion: Any, model: str, latency: float, snapshot: RateLimitSnapshot
    ) -> ChatResult:
        if not isinstance(completion, ChatCompletion) or not completion.choices:
            raise ValueError("no chat completion choices in the response")
        choice = completion.choices[0]
        message = choice.message
        extra: Mapping[str, Any] = message.model_extra or {}
        reasoning = extra.get("reasoning") or extra.get("reasoning_content")
        return ChatResult(
            text=message.content or "",
            reasoning=str(reasoning) if reasoning else None,
            finish_reason=choice.finish_reason,
            usage=usage_from(getattr(completion, "usage", None)),
            latency_s=latency,
            model=completion.model or model,
            provider=self.name,
            rate_limit=snapshot,
        )

    async def list_models(self) -> list[ModelInfo]:
        try:
            models = [
                ModelInfo(
                    id=item.id,
                    owned_by=item.owned_by,
                    context_window=_int_or_none((item.model_extra or {}).get("context_window")),
                )
                async for item in self._client.models.list()
            ]
        except (openai.OpenAIError, httpx.HTTPError, ValueError, TypeError, KeyError) as exc:
            raise self._mapped(exc, None) from None
        return models

    async def aclose(self) -> None:
        if self._owns_http_client:
            await self._http.aclose()

    def _build_kwargs(self, request: ChatRequest, model: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": [dict(message) for message in request.messages],
            self.max_tokens_field: request.max_tokens,
        }
        if request.temperature is not None:
            kwargs["temperature"] = request.temperature
        if request.top_p is not None:
            kwargs["top_p"] = request.top_p
        if request.response_format is not None:
            kwargs["response_format"] = to_response_format(request.response_format)
        if request.extra_headers:
            kwargs["extra_headers"] = dict(request.extra_headers)
        return kwargs

    def _mapped(self, exc: BaseException, model: str | None) -> ProviderError:
        """Map and log once. Raised ``from None``: the SDK exception holds the request (with its
        Authorization header) and possibly an echoed key, so it must not ride along in tracebacks;
        everything useful (status, code, headers) is copied onto our error."""
        error = map_sdk_error(exc, self.identity, model=model)
        logger.info(
            "provider_call_failed",
            provider=self.name,
            model=model,
            error=type(error).__name__,
            action=str(error.action),
            status_code=error.status_code,
            code=error.code,
            detail=redact(error.message, self._secrets),
        )
        return error


RECEIVED_AT = "legal_training.received_at"


async def _stamp_received(response: httpx.Response) -> None:
    """Note when the answer's headers arrived, before the body is parsed or anything else of
    ours runs: the budget dates the call's admission from it."""
    response.extensions[RECEIVED_AT] = time.time()


def server_time(completion: Any, headers: Mapping[str, str]) -> float | None:
    """Seconds the provider reports having spent on the call, from whichever field it uses."""
    candidates: list[object] = []
    usage = getattr(completion, "usage", None)
    if usage is not None:
        candidates.append((getattr(usage, "model_extra", None) or {}).get("total_time"))
    time_info = (getattr(completion, "model_extra", None) or {}).get("time_info")
    if isinstance(time_info, Mapping):
        candidates.append(time_info.get("total_time"))
    for value in candidates:
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return float(value)
    millis = headers.get("openai-processing-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            return None
    return None


def usage_from(raw: object) -> Usage:
    """Usage as reported, tolerating the malformed shapes seen in the wild: a missing
    ``total_tokens`` is the sum of the parts, a missing part is derived from the total, and no
    usage at all is ``reported=False`` (the budget then keeps what it reserved). A paid answer is
    never discarded over its accounting."""
    if raw is None:
        return Usage(reported=False)
    prompt = _count(getattr(raw, "prompt_tokens", None))
    completion = _count(getattr(raw, "completion_tokens", None))
    total = _count(getattr(raw, "total_tokens", None))
    if prompt is None and completion is None and total is None:
        return Usage(reported=False)
    if total is None:
        total = (prompt or 0) + (completion or 0)
    if completion is None:
        completion = max(0, total - (prompt or 0))
    if prompt is None:
        prompt = max(0, total - completion)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total)


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, int(value))


def to_response_format(value: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise a response format: ``json_object``/``json_schema``/``text`` pass through, a bare
    JSON schema is wrapped as a strict ``json_schema`` named ``response``."""
    kind = value.get("type")
    if kind in ("json_object", "json_schema", "text") and (
        kind != "json_schema" or "json_schema" in value
    ):
        return dict(value)
    return {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": dict(value), "strict": True},
    }


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class GroqProvider(OpenAICompatibleProvider):
    default_base_url = "https://api.groq.com/openai/v1"
    default_api_key_env = "GROQ_API_KEY"
    default_flavour = "groq"


class CerebrasProvider(OpenAICompatibleProvider):
    default_base_url = "https://api.cerebras.ai/v1"
    default_api_key_env = "CEREBRAS_API_KEY"
    default_flavour = "cerebras"
    max_tokens_field = "max_completion_tokens"


class OllamaProvider(OpenAICompatibleProvider):
    """Ollama Cloud (key required) or a local server (no key) through its ``/v1`` API."""

    default_base_url = "https://ollama.com/v1"
    default_api_key_env = "OLLAMA_API_KEY"
    default_flavour = "ollama"


PROVIDER_CLASSES: dict[str, type[OpenAICompatibleProvider]] = {
    "groq": GroqProvider,
    "cerebras": CerebrasProvider,
    "ollama": OllamaProvider,
    "openai": OpenAICompatibleProvider,
}
