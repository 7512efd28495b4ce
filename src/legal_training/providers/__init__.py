"""One interface for every LLM endpoint, shared rate budgets, error classification and failover.

Typical use (the app factory builds one registry per process and every caller shares it)::

    registry = build_registry(settings)
    router = FailoverRouter(registry)
    routed = await router.chat(ChatRequest(messages=[...], max_tokens=2000))
    routed.result.text, routed.switches

Modules: ``base`` (request/result/Provider), ``openai_compat`` (the clients), ``errors`` (the
error tree and SDK mapping), ``headers`` (rate-limit headers), ``budgets`` (shared token
buckets), ``registry`` (catalog and enabled providers), ``router`` (retry + failover),
``routes``/``commands`` (HTTP and CLI). The provider simulator is a server of its own, in
``legal_training.simulator``.
"""

from legal_training.providers.base import ChatRequest, ChatResult, ModelInfo, Provider, Usage
from legal_training.providers.budgets import (
    BucketStore,
    BudgetExhausted,
    InMemoryBucketStore,
    Limit,
    RateBudget,
    Reservation,
)
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
    ProvidersExhausted,
    ProviderTimeout,
    RateLimited,
    ServerError,
    map_sdk_error,
)
from legal_training.providers.headers import RateLimitSnapshot, parse_rate_limit_headers
from legal_training.providers.openai_compat import (
    CerebrasProvider,
    GroqProvider,
    OllamaProvider,
    OpenAICompatibleProvider,
)
from legal_training.providers.registry import (
    SIMULATOR_ID,
    ModelSpec,
    ProviderRegistry,
    ProviderSpec,
    RegistryError,
    build_registry,
)
from legal_training.providers.router import FailoverRouter, RetryPolicy, RoutedResult, Switch

__all__ = [
    "SIMULATOR_ID",
    "Action",
    "AuthenticationFailed",
    "BadRequest",
    "BucketStore",
    "BudgetExhausted",
    "CapacityExceeded",
    "CerebrasProvider",
    "ChatRequest",
    "ChatResult",
    "ConnectionFailed",
    "ContentFiltered",
    "ContextLengthExceeded",
    "FailoverRouter",
    "GroqProvider",
    "InMemoryBucketStore",
    "Limit",
    "ModelInfo",
    "ModelNotFound",
    "ModelSpec",
    "OllamaProvider",
    "OpenAICompatibleProvider",
    "PermissionDenied",
    "Provider",
    "ProviderError",
    "ProviderRegistry",
    "ProviderSpec",
    "ProviderTimeout",
    "ProvidersExhausted",
    "RateBudget",
    "RateLimitSnapshot",
    "RateLimited",
    "RegistryError",
    "Reservation",
    "RetryPolicy",
    "RoutedResult",
    "ServerError",
    "Switch",
    "Usage",
    "build_registry",
    "map_sdk_error",
    "parse_rate_limit_headers",
]
