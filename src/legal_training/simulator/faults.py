"""Each provider's error responses, byte-for-byte in shape, and the choice of fault per request.

Shapes (what our error classifier must parse):

* Groq: ``{"error": {"message", "type", "code"}}`` (plus ``failed_generation`` on
  ``json_validate_failed``); OpenAI: the same with ``"param"``.
* Cerebras: flat ``{"message", "type", "param", "code"}``.
* Ollama native routes (``/api/*``): ``{"error": "<text>"}``. Ollama's OpenAI-compatible
  ``/v1`` routes wrap the text like OpenAI (``{"error": {"message", "type", "param", "code"}}``),
  as the real server does; we fill ``code`` where the real server leaves it null, so a test can
  tell the outcomes apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from legal_training.simulator.config import (
    FAULT_NAMES,
    QUALITY_FAULTS,
    TRANSPORT_FAULTS,
    SimulatorConfig,
)
from legal_training.simulator.limits import Refusal

OLLAMA_SESSION_LIMIT = "you've reached your session usage limit, please wait or upgrade to continue"


@dataclass(frozen=True)
class ErrorInfo:
    """A provider error before it is rendered in a flavour's body shape."""

    status: int
    message: str
    type: str
    code: str | None
    param: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def render_error(flavour: str, info: ErrorInfo, *, native: bool = False) -> dict[str, Any]:
    """The JSON body a provider of ``flavour`` sends for ``info``."""
    if flavour == "cerebras":
        return {"message": info.message, "type": info.type, "param": info.param, "code": info.code}
    if flavour == "ollama" and native:
        return {"error": info.message}
    inner: dict[str, Any] = {"message": info.message, "type": info.type}
    if flavour != "groq":
        inner["param"] = info.param
    inner["code"] = info.code
    inner.update(info.extra)
    return {"error": inner}


def auth_error(flavour: str) -> ErrorInfo:
    """Wrong or missing key; the key itself is never echoed, as the providers do not."""
    if flavour == "cerebras":
        return ErrorInfo(401, "Wrong API Key", "invalid_request_error", "wrong_api_key", "api_key")
    if flavour == "ollama":
        return ErrorInfo(401, "unauthorized", "invalid_request_error", "unauthorized")
    if flavour == "groq":
        return ErrorInfo(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
    return ErrorInfo(
        401,
        "Incorrect API key provided. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
    )


def rate_limit_error(flavour: str, model: str, refusal: Refusal) -> ErrorInfo:
    """The 429 each provider sends for an exhausted bucket, with ``retry-after`` in seconds."""
    headers = {"retry-after": refusal.retry_after_header}
    unit = {"requests": "RPM", "tokens": "TPM"}[refusal.kind]
    if refusal.window == "day":
        unit = "RPD" if refusal.kind == "requests" else "TPD"
    per = "minute" if refusal.window == "minute" else "day"
    if flavour == "ollama":
        return ErrorInfo(429, OLLAMA_SESSION_LIMIT, "api_error", "session_limit")
    if flavour == "cerebras":
        if refusal.kind == "requests":
            message = f"Requests per {per} limit exceeded - too many requests sent."
            code = "request_quota_exceeded"
        else:
            message = f"Tokens per {per} limit exceeded - too many tokens processed."
            code = "token_quota_exceeded"
        return ErrorInfo(429, message, "too_many_requests_error", code, "quota", headers=headers)
    wait = f"{refusal.retry_after:.2f}s" if refusal.retry_after != float("inf") else "1m0s"
    label = f"{refusal.kind} per {per} ({unit})"
    if flavour == "groq":
        message = (
            f"Rate limit reached for model `{model}` in organization `org_simulated` service tier "
            f"`on_demand` on {label}: Limit {refusal.limit}, Used {refusal.used}, Requested "
            f"{refusal.requested}. Please try again in {wait}."
        )
    else:
        message = (
            f"Rate limit reached for {model} in organization org-simulated on {label}: Limit "
            f"{refusal.limit}, Used {refusal.used}, Requested {refusal.requested}. Please try "
            f"again in {wait}."
        )
    return ErrorInfo(429, message, refusal.kind, "rate_limit_exceeded", headers=headers)


def request_too_large(flavour: str, model: str, limit: int, requested: int) -> ErrorInfo:
    """A request whose tokens can never fit the per-minute bucket (Groq answers 413)."""
    if flavour == "groq":
        return ErrorInfo(
            413,
            f"Request too large for model `{model}` in organization `org_simulated` service tier "
            f"`on_demand` on tokens per minute (TPM): Limit {limit}, Requested {requested}, "
            "please reduce your message size and try again.",
            "tokens",
            "rate_limit_exceeded",
        )
    return context_length_error(flavour, requested, limit)


def context_length_error(flavour: str, requested: int, limit: int) -> ErrorInfo:
    if flavour == "ollama":
        return ErrorInfo(
            400,
            f"prompt too long; exceeded max context length by {requested - limit} tokens",
            "invalid_request_error",
            "context_length_exceeded",
        )
    return ErrorInfo(
        400,
        "Please reduce the length of the messages or completion. "
        f"Current length is {requested} while limit is {limit}.",
        "invalid_request_error",
        "context_length_exceeded",
        "messages",
    )


def model_not_found(flavour: str, model: str) -> ErrorInfo:
    if flavour == "ollama":
        return ErrorInfo(
            404, f"model '{model}' not found", "invalid_request_error", "model_not_found"
        )
    if flavour == "cerebras":
        return ErrorInfo(
            404,
            f"Model {model} does not exist or you do not have access to it.",
            "not_found_error",
            "model_not_found",
            "model",
        )
    return ErrorInfo(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    )


def server_error(flavour: str) -> ErrorInfo:
    if flavour == "ollama":
        return ErrorInfo(500, "internal server error", "api_error", "internal_error")
    if flavour == "cerebras":
        return ErrorInfo(
            500, "Internal server error", "internal_server_error", "internal_server_error"
        )
    if flavour == "groq":
        return ErrorInfo(500, "Internal Server Error", "internal_server_error", "internal_error")
    return ErrorInfo(
        500,
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    )


def capacity_error(flavour: str) -> ErrorInfo:
    if flavour == "groq":
        return ErrorInfo(
            498,
            "flex tier capacity exceeded. This model is currently overloaded, please try again "
            "later or switch to the on_demand service tier.",
            "invalid_request_error",
            "capacity_exceeded",
        )
    if flavour == "cerebras":
        return ErrorInfo(
            503,
            "We're experiencing high traffic right now! Please try again soon.",
            "too_many_requests_error",
            "queue_exceeded",
            "queue",
        )
    if flavour == "ollama":
        return ErrorInfo(
            503,
            "server busy, please try again.  maximum pending requests exceeded",
            "api_error",
            "server_busy",
        )
    return ErrorInfo(
        503,
        "The engine is currently overloaded, please try again later.",
        "server_error",
        "engine_overloaded",
    )


def permission_error(flavour: str, model: str) -> ErrorInfo:
    message = f"You do not have permission to use model {model} with this API key."
    if flavour == "ollama":
        return ErrorInfo(403, "this model requires a subscription", "api_error", "forbidden")
    if flavour == "cerebras":
        return ErrorInfo(403, message, "permission_denied_error", "permission_denied")
    return ErrorInfo(403, message, "permissions_error", "permission_denied")


def content_filter_error(flavour: str) -> ErrorInfo:
    message = "The request was rejected by the provider's content filter."
    return ErrorInfo(400, message, "invalid_request_error", "content_filter", "messages")


def json_validate_error(flavour: str, partial: str) -> ErrorInfo:
    message = (
        "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more "
        "details."
    )
    extra = {"failed_generation": partial} if flavour == "groq" else {}
    return ErrorInfo(400, message, "invalid_request_error", "json_validate_failed", extra=extra)


def bad_request(flavour: str, message: str) -> ErrorInfo:
    return ErrorInfo(400, message, "invalid_request_error", "invalid_request_error")


def parse_forced(header: str | None) -> frozenset[str]:
    """Names from ``X-Simulator-Fault`` (comma-separated); unknown names are an error."""
    if not header:
        return frozenset()
    names = frozenset(part.strip().lower() for part in header.split(",") if part.strip())
    unknown = names - set(FAULT_NAMES)
    if unknown:
        bad = ", ".join(sorted(unknown))
        raise ValueError(f"unknown X-Simulator-Fault {bad}; valid: {', '.join(FAULT_NAMES)}")
    return names


def pick_transport_fault(
    rng: random.Random, config: SimulatorConfig, forced: frozenset[str]
) -> str | None:
    """At most one of 5xx/timeout/malformed/truncate: the forced one, else drawn by rate."""
    for name in TRANSPORT_FAULTS:
        if name in forced:
            return name
    for name, rate in config.transport_rates().items():
        if rate > 0 and rng.random() < rate:
            return name
    return None


def pick_quality_faults(
    rng: random.Random, config: SimulatorConfig, forced: frozenset[str]
) -> frozenset[str]:
    """Every content fault that applies; several may combine (e.g. think + fence)."""
    chosen = {name for name in QUALITY_FAULTS if name in forced}
    for name, rate in config.quality_rates().items():
        if rate > 0 and rng.random() < rate:
            chosen.add(name)
    return frozenset(chosen)
