"""The one interface every LLM endpoint implements, and the values that cross it.

The batch engine and the generation code only ever see :class:`ChatRequest`, :class:`ChatResult`
and :class:`Provider`; which vendor answered, and how its SDK spells things, stays behind this
line. Results always carry usage and the rate-limit headers seen, because the budgets settle
against them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from legal_training.providers.headers import RateLimitSnapshot

#: A ``response_format`` value: ``{"type": "json_object"}``, an OpenAI-style
#: ``{"type": "json_schema", "json_schema": {...}}``, or a bare JSON schema (wrapped for you).
ResponseFormat = Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class ChatRequest:
    """One chat completion call. ``model`` may be left out when a router picks it."""

    messages: Sequence[Mapping[str, str]]
    model: str | None = None
    max_tokens: int = 4000
    temperature: float | None = None
    top_p: float | None = None
    response_format: ResponseFormat | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    #: What kind of output this is (e.g. ``"case_analysis/advanced"``): calls of one kind have
    #: similar completion lengths, which the router learns to reserve and ask for only what is
    #: needed. None: reserve ``max_tokens``.
    usage_key: str | None = None


@dataclass(frozen=True)
class Usage:
    """Token counts as the provider reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: False when the provider sent no usage; budgets then keep the whole reservation.
    reported: bool = True


@dataclass(frozen=True, kw_only=True)
class ChatResult:
    """What came back. ``reasoning`` is the model's separate thinking text (``message.reasoning``
    or ``reasoning_content``) when the provider returns it apart from the content; reasoning
    inlined as ``<think>`` stays in ``text`` for the extraction code to handle."""

    text: str
    reasoning: str | None
    finish_reason: str | None
    usage: Usage
    latency_s: float
    model: str
    provider: str
    rate_limit: RateLimitSnapshot | None = None
    #: How long the provider says it worked on the call (Groq ``usage.total_time``, Cerebras
    #: ``time_info.total_time``, OpenAI ``openai-processing-ms``), when it says: the budget
    #: dates the call's admission from it.
    server_time_s: float | None = None
    #: When the answer's headers arrived (epoch seconds), when the transport noted it.
    received_at: float | None = None


@dataclass(frozen=True)
class ModelInfo:
    """A model as a provider's live listing describes it."""

    id: str
    owned_by: str | None = None
    context_window: int | None = None


class Provider(ABC):
    """An LLM endpoint. Implementations own one pooled HTTP client and must be closed."""

    name: str

    @abstractmethod
    async def chat(self, request: ChatRequest) -> ChatResult:
        """Run one completion. Raises a ``ProviderError`` subclass on any failure."""

    @abstractmethod
    async def list_models(self) -> list[ModelInfo]:
        """The models the endpoint offers right now. Raises ``ProviderError`` on failure."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook: not every provider holds a client
        """Release the pooled client."""
