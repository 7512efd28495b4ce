"""Every dependency a route can ask for, as a named ``Annotated`` alias.

The app factory puts the long-lived objects on ``app.state`` (settings, database, provider
registry, failover router, batch engine); these functions hand them to routes, so a route's
signature says what it uses and tests build apps from explicit settings.
"""

from __future__ import annotations

import hmac
import inspect
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from legal_training.api.errors import ServiceUnavailable, Unauthorized
from legal_training.batches.engine import BatchEngine
from legal_training.catalog.fields import PUBLIC_FILTERS, SampleFilters
from legal_training.providers.registry import ProviderRegistry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.storage.db import Database
from legal_training.web.session import session_authenticates


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_provider_registry(request: Request) -> ProviderRegistry:
    """The registry built at start-up; 503 before the app has started."""
    registry = getattr(request.app.state, "provider_registry", None)
    if not isinstance(registry, ProviderRegistry):
        raise ServiceUnavailable("provider registry is not configured")
    return registry


def get_failover_router(request: Request) -> FailoverRouter:
    failover: FailoverRouter = request.app.state.failover_router
    return failover


def get_engine(request: Request) -> BatchEngine:
    engine: BatchEngine = request.app.state.batch_engine
    return engine


def _sample_filters(**values: Any) -> SampleFilters:
    return SampleFilters.build(**values)


# The filter query parameters come from the one filter definition, so every filtered route
# offers the same ones with the same limits.
_sample_filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter(
            spec.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                spec.type | None,
                Query(description=spec.description)
                if spec.type is float
                else Query(max_length=300, description=spec.description),
            ],
        )
        for spec in PUBLIC_FILTERS
    ],
    return_annotation=SampleFilters,
)

SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ProviderRegistryDep = Annotated[ProviderRegistry, Depends(get_provider_registry)]
FailoverRouterDep = Annotated[FailoverRouter, Depends(get_failover_router)]
EngineDep = Annotated[BatchEngine, Depends(get_engine)]
FiltersDep = Annotated[SampleFilters, Depends(_sample_filters)]


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


def require_api_key(request: Request, settings: SettingsDep) -> None:
    """When ``LEGAL_TRAINING_API_KEY`` is set, demand it (constant-time comparison), or the
    dashboard's sign-in cookie, which is how the browser's pages and EventSource authenticate."""
    if settings.api_key is None:
        return
    presented = _presented_key(request)
    expected = settings.api_key.get_secret_value()
    if presented is not None and hmac.compare_digest(presented.encode(), expected.encode()):
        return
    if not session_authenticates(request, expected):
        raise Unauthorized(
            "missing or wrong API key: send 'Authorization: Bearer <LEGAL_TRAINING_API_KEY>'"
        )


ApiKeyDep = Depends(require_api_key)
