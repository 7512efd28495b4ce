"""What can go wrong when calling a provider, and what to do next.

Searching an error message for words such as "model" or "429" files most failures in the wrong
bucket, so every failure is translated ONCE, at the SDK boundary (:func:`map_sdk_error`), from
the SDK exception type, the HTTP status and the provider's own error code, into one class of
this tree::

    ProviderError                  (action)
    ├── AuthenticationFailed       FAIL           401, bad or missing key
    ├── PermissionDenied           NEXT_MODEL     403, key may not use this model/feature
    ├── ModelNotFound              NEXT_MODEL     404 / model_not_found / decommissioned
    ├── RateLimited                RETRY          429; NEXT_MODEL for a daily quota,
    │                                             NEXT_PROVIDER for a session quota
    ├── CapacityExceeded           NEXT_MODEL     Groq 498, Cerebras queue_exceeded
    ├── ProviderTimeout            RETRY          read/connect timeout, 408
    ├── ConnectionFailed           NEXT_PROVIDER  refused, DNS, TLS: the host is unreachable
    │   └── ConnectionDropped      RETRY          reset or closed mid-request (a pooled
    │                                             keep-alive connection closed by the server)
    ├── ServerError                RETRY          5xx, malformed/unparseable response
    ├── BadRequest                 FAIL           400/422; RETRY for Groq json_validate_failed
    ├── ContentFiltered            NEXT_MODEL     the model refused the content
    ├── ContextLengthExceeded      NEXT_MODEL     prompt + max_tokens too large (400 code, 413)
    └── ProvidersExhausted         FAIL           the router tried every candidate (router.py)

Each error carries an :class:`Action` so callers never inspect messages. ``transient`` marks the
errors worth retrying on the same provider (the router's backoff and circuit count them).
Messages name the provider (and, for key problems, the environment variable to fix) and are
passed through :func:`redact` so that a key echoed back by a provider never reaches a log line
or a response.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar, Literal

import httpx
import openai

from legal_training.providers.headers import (
    RateLimitSnapshot,
    Window,
    WindowLimit,
    parse_duration,
    parse_rate_limit_headers,
)

RateScope = Literal["requests", "tokens"]
RateWindow = Literal["minute", "hour", "day", "session"]

REDACTED = "[REDACTED]"
_MIN_SECRET_LENGTH = 4
#: Daily quotas reset within 24 h; anything waiting longer than this is treated as a daily window.
_DAY_WINDOW_THRESHOLD_S = 3600.0


class Action(StrEnum):
    """The next step the retry/failover layers take for an error."""

    RETRY = "retry"
    NEXT_MODEL = "next_model"
    NEXT_PROVIDER = "next_provider"
    FAIL = "fail"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each secret in ``text``.

    Why: providers sometimes echo the key they rejected ("Invalid API Key: gsk_..."), and SDK
    messages end up in logs and API responses. Very short values are skipped because replacing
    them would mangle ordinary words and they cannot be real keys.
    """
    for secret in secrets:
        if secret and len(secret) >= _MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return text


@dataclass(frozen=True)
class ProviderIdentity:
    """What the error mapper needs to know about the provider that failed.

    ``secrets`` holds the key values to scrub from messages; it is excluded from ``repr`` so that
    the identity itself can be logged safely.
    """

    name: str
    flavour: str = "openai"
    api_key_env: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)


class ProviderError(Exception):
    """Base class: a provider call failed. ``action`` says what to do next."""

    default_action: ClassVar[Action] = Action.FAIL
    #: A fault of the moment (network, overload, 5xx): retried on the same provider.
    transient: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        model: str | None = None,
        status_code: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        rate_limit: RateLimitSnapshot | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        self.message = redact(message, secrets)
        super().__init__(self.message)
        self.provider = provider
        self.model = model
        self.status_code = status_code
        self.code = code
        self.retry_after = retry_after
        self.rate_limit = rate_limit

    @property
    def action(self) -> Action:
        """The next step; subclasses refine it from the instance (e.g. a daily quota)."""
        return self.default_action

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, message={self.message!r})"


class AuthenticationFailed(ProviderError):
    """The key is missing, wrong or revoked: only the operator can fix it."""

    default_action = Action.FAIL


class PermissionDenied(ProviderError):
    """The key is valid but may not use this model or feature; another model may be allowed."""

    default_action = Action.NEXT_MODEL


class ModelNotFound(ProviderError):
    """The model id does not exist (any more) on this provider."""

    default_action = Action.NEXT_MODEL


class RateLimited(ProviderError):
    """The provider refused the call for quota reasons.

    ``scope`` says which quota (requests or tokens) and ``window`` how long it lasts. A minute
    window is worth waiting for; a daily quota is per model on Groq/Cerebras (try the next model);
    a session quota (Ollama Cloud) covers the whole account (try the next provider).
    """

    default_action = Action.RETRY

    def __init__(
        self,
        message: str,
        *,
        scope: RateScope = "requests",
        window: RateWindow = "minute",
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.scope: RateScope = scope
        self.window: RateWindow = window

    @property
    def action(self) -> Action:
        if self.window == "session":
            return Action.NEXT_PROVIDER
        if self.window in ("day", "hour"):
            return Action.NEXT_MODEL
        return Action.RETRY


class CapacityExceeded(ProviderError):
    """The model is overloaded on the provider side (not our quota): another model may be free,
    and the same one usually is a moment later."""

    default_action = Action.NEXT_MODEL
    transient = True


class ProviderTimeout(ProviderError):
    """No answer in time; usually transient."""

    default_action = Action.RETRY
    transient = True


class ConnectionFailed(ProviderError):
    """The host could not be reached: every model on it will fail the same way."""

    default_action = Action.NEXT_PROVIDER


class ConnectionDropped(ConnectionFailed):
    """The connection was made but reset or closed before the answer arrived (a server closing
    a pooled keep-alive connection, a reset under a burst): a blip, worth a retry."""

    default_action = Action.RETRY
    transient = True


class ServerError(ProviderError):
    """A 5xx or an unparseable response; usually transient."""

    default_action = Action.RETRY
    transient = True


class BadRequest(ProviderError):
    """The request itself is wrong. Groq's ``json_validate_failed`` (the model's output did not
    validate against the requested JSON) is the exception: sampling again may succeed."""

    default_action = Action.FAIL

    @property
    def action(self) -> Action:
        if self.code == "json_validate_failed":
            return Action.RETRY
        return Action.FAIL


class ContentFiltered(ProviderError):
    """The model refused the content; a different model may not."""

    default_action = Action.NEXT_MODEL


class ContextLengthExceeded(ProviderError):
    """Prompt plus ``max_tokens`` does not fit this model; a larger-context model may."""

    default_action = Action.NEXT_MODEL


class ProvidersExhausted(ProviderError):
    """Every model and provider the router could use failed or is cooling down. ``errors``
    holds each candidate's failure, in the order they were tried; ``reasons`` one line per
    candidate that could not serve. ``lasting`` is False when every failure was a fault of the
    moment (5xx, dropped connections, overload), so trying again later is reasonable."""

    default_action = Action.FAIL

    def __init__(
        self,
        message: str,
        *,
        errors: Iterable[Exception] = (),
        reasons: Iterable[str] = (),
        lasting: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.errors = list(errors)
        self.reasons = tuple(reasons)
        self.lasting = lasting

    @property
    def action(self) -> Action:
        """Faults of the moment are worth another try later; lasting causes are not."""
        return Action.FAIL if self.lasting else Action.RETRY


# --- mapping -------------------------------------------------------------------------------------

_CONTEXT_CODES = frozenset(
    {"context_length_exceeded", "context_length", "request_too_large", "string_above_max_length"}
)
_CONTENT_CODES = frozenset({"content_filter", "content_policy_violation", "content_filtered"})
_MODEL_CODES = frozenset({"model_not_found", "model_decommissioned", "model_not_available"})
_CAPACITY_CODES = frozenset(
    {"queue_exceeded", "capacity_exceeded", "over_capacity", "engine_overloaded", "server_busy"}
)
_PERMISSION_CODES = frozenset({"permission_denied", "permission_error"})
_AUTH_CODES = frozenset({"invalid_api_key", "wrong_api_key", "authentication_error"})
#: Ollama Cloud's quota error carries no code, no type and no headers, only this text. It is the
#: single place where we match a message, because the provider gives nothing else to go on.
_OLLAMA_SESSION_LIMIT_TEXT = "session usage limit"
_OLLAMA_WEEKLY_LIMIT_TEXT = "weekly usage limit"


@dataclass(frozen=True)
class ErrorBody:
    """A provider error body reduced to the fields we use, whatever its shape."""

    message: str | None = None
    type: str | None = None
    code: str | None = None
    param: str | None = None


def parse_error_body(raw: str | bytes | None) -> ErrorBody:
    """Parse any of the three error shapes seen in the wild.

    Groq/OpenAI nest the fields (``{"error": {"message", "type", "code"}}``), Cerebras returns them
    flat (``{"message", "type", "param", "code"}``) and Ollama returns ``{"error": "text"}``.
    A body that is not JSON becomes just a message.
    """
    if raw is None:
        return ErrorBody()
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        data: Any = json.loads(text)
    except ValueError:
        stripped = text.strip()
        return ErrorBody(message=stripped[:500] or None)
    if not isinstance(data, Mapping):
        return ErrorBody(message=str(data)[:500])
    inner = data.get("error")
    if isinstance(inner, str):
        return ErrorBody(message=inner)
    fields: Mapping[str, Any] = inner if isinstance(inner, Mapping) else data
    return ErrorBody(
        message=_opt_str(fields.get("message")),
        type=_opt_str(fields.get("type")),
        code=_opt_str(fields.get("code")),
        param=_opt_str(fields.get("param")),
    )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _response_text(response: Any) -> str | None:
    try:
        return str(response.text)
    except (
        Exception
    ):  # a streamed/closed body cannot be read; the status code still tells us enough
        return None


def map_sdk_error(
    exc: BaseException, provider: ProviderIdentity, *, model: str | None = None
) -> ProviderError:
    """Translate an ``openai`` SDK (or httpx) exception into the most specific ProviderError.

    The decision uses, in order: the exception type (timeout, connection), the HTTP status, and the
    provider's error ``code``/``type`` parsed from the body. Callers raise the result ``from`` the
    SDK's exception only when its text holds no secret (see :func:`raise_mapped`).
    """
    if isinstance(exc, ProviderError):
        return exc
    base: dict[str, Any] = {"provider": provider.name, "model": model, "secrets": provider.secrets}
    where = f"{provider.name}" + (f" model {model}" if model else "")

    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
        return ProviderTimeout(f"{where}: request timed out", **base)
    if _is_dropped_connection(exc):
        return ConnectionDropped(
            f"{where}: the connection was dropped mid-request "
            f"({type(exc.__cause__ or exc).__name__})",
            **base,
        )
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return ConnectionFailed(
            f"{where}: could not connect to the provider ({type(exc.__cause__ or exc).__name__}); "
            "check its base URL and that it is reachable",
            **base,
        )
    if isinstance(exc, openai.APIResponseValidationError):
        return ServerError(f"{where}: malformed response", status_code=exc.status_code, **base)
    if isinstance(exc, openai.APIStatusError):
        headers = exc.response.headers
        return _map_status(
            status=exc.status_code,
            body=parse_error_body(_response_text(exc.response)),
            snapshot=parse_rate_limit_headers(headers, flavour=provider.flavour),
            provider=provider,
            where=where,
            base=base,
        )
    if isinstance(exc, ValueError | KeyError | TypeError):
        # The SDK could not turn a 200 response into a completion (truncated or non-JSON body).
        return ServerError(f"{where}: malformed response ({type(exc).__name__})", **base)
    return ProviderError(f"{where}: unexpected error ({type(exc).__name__})", **base)


_DROPPED = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.CloseError)


def _is_dropped_connection(exc: BaseException) -> bool:
    """A connection that was made and then lost: a read/write error or a peer that closed it
    (``RemoteProtocolError``), seen directly or as the cause of the SDK's connection error."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            return False
        if isinstance(seen, _DROPPED):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _map_status(
    *,
    status: int,
    body: ErrorBody,
    snapshot: RateLimitSnapshot,
    provider: ProviderIdentity,
    where: str,
    base: dict[str, Any],
) -> ProviderError:
    code = (body.code or "").lower()
    etype = (body.type or "").lower()
    detail = f": {body.message}" if body.message else ""
    common: dict[str, Any] = {
        **base,
        "status_code": status,
        "code": body.code,
        "rate_limit": snapshot,
        "retry_after": snapshot.retry_after,
    }

    if status == 401 or code in _AUTH_CODES:
        env = provider.api_key_env or "its API key setting"
        return AuthenticationFailed(
            f"{provider.name} rejected the API key (HTTP {status}): check {env}", **common
        )
    if code in _CAPACITY_CODES or status == 498 or (body.param or "").lower() == "queue":
        return CapacityExceeded(f"{where} is over capacity (HTTP {status}){detail}", **common)
    if status == 429:
        return _map_rate_limited(body, snapshot, where, detail, common)
    if code in _MODEL_CODES or status == 404:
        return ModelNotFound(f"{where}: model not found (HTTP {status}){detail}", **common)
    if code in _PERMISSION_CODES or status == 403:
        return PermissionDenied(f"{where}: permission denied (HTTP {status}){detail}", **common)
    if code in _CONTEXT_CODES or status == 413:
        return ContextLengthExceeded(
            f"{where}: request exceeds the context/size limit (HTTP {status}){detail}", **common
        )
    if code in _CONTENT_CODES or etype in _CONTENT_CODES:
        return ContentFiltered(f"{where}: content filtered (HTTP {status}){detail}", **common)
    if status == 408:
        return ProviderTimeout(f"{where}: request timed out (HTTP 408)", **common)
    if status >= 500:
        return ServerError(f"{where}: server error (HTTP {status}){detail}", **common)
    if 400 <= status < 500:
        return BadRequest(f"{where}: bad request (HTTP {status}){detail}", **common)
    return ProviderError(f"{where}: unexpected HTTP {status}{detail}", **common)


def _map_rate_limited(
    body: ErrorBody,
    snapshot: RateLimitSnapshot,
    where: str,
    detail: str,
    common: dict[str, Any],
) -> RateLimited:
    message_lower = (body.message or "").lower()
    if (
        _OLLAMA_SESSION_LIMIT_TEXT in message_lower or _OLLAMA_WEEKLY_LIMIT_TEXT in message_lower
    ) and not snapshot.has_limits:
        return RateLimited(
            f"{where}: usage limit reached{detail}", scope="requests", window="session", **common
        )
    scope = _rate_scope(body, snapshot)
    window = _rate_window(body, scope, snapshot)
    if common.get("retry_after") is None:
        common = {**common, "retry_after": _message_retry_after(body)}
    stated = _stated_limit(body, snapshot)
    if stated is not None:
        common = {**common, "rate_limit": stated}
    return RateLimited(
        f"{where}: rate limited on {scope} per {window}{detail}",
        scope=scope,
        window=window,
        **common,
    )


#: How providers name the quota in a 429's message: Groq "on tokens per minute (TPM)", OpenAI
#: "on requests per min (RPM)", Cerebras "Requests per day limit exceeded".
_QUOTA_WORDS = re.compile(r"\b(requests?|tokens?)\s+per\s+(min(?:ute)?|hour|day)\b", re.IGNORECASE)
_QUOTA_ABBREVIATION = re.compile(r"\b(I|O)?(R|T)P(M|H|D)\b")
_ABBREVIATED_WINDOW: dict[str, RateWindow] = {"M": "minute", "H": "hour", "D": "day"}
#: Groq and OpenAI state the quota in the message: "Limit 30, Used 30, Requested 1".
_STATED_LIMIT = re.compile(r"\bLimit:?\s+(\d+)", re.IGNORECASE)
#: Groq and OpenAI put the wait in the message: "Please try again in 5.289s" / "in 1m0s".
_TRY_AGAIN = re.compile(r"try again in\s+((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)", re.IGNORECASE)


def _named_quota(body: ErrorBody) -> tuple[RateScope | None, RateWindow | None]:
    """The quota a 429 names, as each provider writes it: words or an abbreviation in the
    message, then the type/code (Groq ``type: tokens``, Cerebras ``token_quota_exceeded``)."""
    message = body.message or ""
    scope: RateScope | None = None
    window: RateWindow | None = None
    words = _QUOTA_WORDS.search(message)
    if words:
        scope = "tokens" if words.group(1).lower().startswith("token") else "requests"
        unit = words.group(2).lower()
        window = "minute" if unit.startswith("min") else ("hour" if unit == "hour" else "day")
    else:
        short = _QUOTA_ABBREVIATION.search(message)
        if short:
            scope = "tokens" if short.group(2) == "T" else "requests"
            window = _ABBREVIATED_WINDOW[short.group(3)]
    if scope is None:
        for hint in (
            (body.type or "").lower(),
            (body.code or "").lower(),
            (body.param or "").lower(),
        ):
            if hint.startswith("token"):
                scope = "tokens"
                break
            if hint.startswith("request"):
                scope = "requests"
                break
    return scope, window


def _stated_limit(body: ErrorBody, snapshot: RateLimitSnapshot) -> RateLimitSnapshot | None:
    """The snapshot plus the quota a 429's message states ("on requests per minute (RPM):
    Limit 30, Used 30"), when the headers do not report that window's limit. Groq sends its
    per-minute request limit nowhere else, so this is how an account's real RPM is learned."""
    scope, named = _named_quota(body)
    found = _STATED_LIMIT.search(body.message or "")
    if scope is None or named not in ("minute", "hour", "day") or not found:
        return None
    window: Window = "minute" if named == "minute" else ("hour" if named == "hour" else "day")
    known = snapshot.get(scope, window)
    if known is not None and known.limit:
        return None
    # Only the limit is taken: "Used" counts a whole minute's calls whose times we do not
    # know, and the wait is the retry-after's business.
    stated = WindowLimit(scope=scope, window=window, limit=int(found.group(1)))
    others = tuple(w for w in snapshot.windows if (w.scope, w.window) != (scope, window))
    return replace(snapshot, windows=(*others, stated))


def _message_retry_after(body: ErrorBody) -> float | None:
    found = _TRY_AGAIN.search(body.message or "")
    return parse_duration(found.group(1)) if found else None


def _rate_scope(body: ErrorBody, snapshot: RateLimitSnapshot) -> RateScope:
    """Which quota ran out: the one the body names, else the header window that reports
    nothing remaining (per-minute windows first: they are the usual cause)."""
    scope, _ = _named_quota(body)
    if scope is not None:
        return scope
    exhausted = snapshot.exhausted_windows()
    if exhausted:
        return sorted(exhausted, key=lambda w: w.window != "minute")[0].scope
    return "requests"


def _rate_window(body: ErrorBody, scope: RateScope, snapshot: RateLimitSnapshot) -> RateWindow:
    """How long the quota lasts: the window the body names, else the exhausted header window
    for this scope (a minute one wins over a day one that merely looks low), else judged from
    how far away ``retry-after`` is."""
    _, window = _named_quota(body)
    if window is not None:
        return window
    exhausted = [w for w in snapshot.exhausted_windows() if w.scope == scope]
    if exhausted and not any(w.window == "minute" for w in exhausted):
        longest = exhausted[0].window
        if longest in ("day", "hour"):
            return longest
    if snapshot.retry_after is not None and snapshot.retry_after >= _DAY_WINDOW_THRESHOLD_S:
        return "day"
    return "minute"
