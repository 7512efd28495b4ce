"""HTTP routes for the provider catalog: ``GET /api/providers`` and ``GET /api/models``.

The responses are built from specs that hold only the NAME of each key variable, and base URLs
are not returned at all, so no credential can leak through here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from legal_training.api.deps import ProviderRegistryDep
from legal_training.api.errors import BadRequest
from legal_training.api.schemas.providers import (
    LimitPublic,
    ModelPublic,
    ModelsPublic,
    ProviderPublic,
    ProvidersPublic,
)
from legal_training.providers.budgets import LimitView
from legal_training.providers.registry import LIVE_LISTING_TIMEOUT_S, ModelSpec, ProviderSpec

router = APIRouter(prefix="/api", tags=["providers"])

#: /api/models must answer promptly even when a provider's listing hangs.
MODELS_LIVE_TIMEOUT_S = min(LIVE_LISTING_TIMEOUT_S, 3.0)


def _provider_public(
    spec: ProviderSpec, *, enabled: bool, limits: list[LimitView]
) -> ProviderPublic:
    return ProviderPublic(
        id=spec.id,
        name=spec.name,
        enabled=enabled,
        default_model=spec.default_model,
        champion_model=spec.champion_model,
        requests_per_minute=spec.rpm,
        tokens_per_minute=spec.tpm,
        is_simulator=spec.is_simulator,
        label=spec.label,
        limits_kind=spec.limits_kind,
        token_charging=spec.token_charging,
        limits=[
            LimitPublic(
                scope=view.scope,
                window=view.window,
                catalog=view.default,
                configured=view.configured,
                learned=view.learned,
                effective=view.effective,
                source=view.source,
            )
            for view in limits
        ],
    )


def _model_public(model: ModelSpec, provider: ProviderSpec) -> ModelPublic:
    return ModelPublic(
        id=model.id,
        name=model.name,
        provider=provider.id,
        provider_name=provider.name,
        context_window=model.context_window,
        is_thinking_model=model.is_thinking_model,
        supports_json_schema=model.supports_json_schema,
        fallback_priority=model.fallback_priority,
    )


@router.get("/providers", response_model=ProvidersPublic)
async def list_providers(registry: ProviderRegistryDep) -> ProvidersPublic:
    """Every known provider, enabled or not (enabled = its key is set, or it needs none)."""
    return ProvidersPublic(
        providers=[
            _provider_public(
                spec,
                enabled=registry.is_enabled(spec.id),
                limits=registry.limit_views(spec.id) if registry.is_enabled(spec.id) else [],
            )
            for spec in registry.specs.values()
        ],
        default_provider=registry.default_provider,
    )


@router.get("/models", response_model=ModelsPublic)
async def list_models(
    registry: ProviderRegistryDep,
    provider: Annotated[str | None, Query(description="Only this provider's models.")] = None,
    live: Annotated[bool, Query(description="Merge in the providers' live listings.")] = True,
) -> ModelsPublic:
    """Catalog models (enabled providers, or the one asked for), merged with live listings."""
    if provider is not None and provider not in registry.specs:
        valid = ", ".join(registry.specs)
        raise BadRequest(
            f"unknown provider {provider!r}; valid providers: {valid}",
            details={"field": "provider", "valid_values": list(registry.specs)},
        )
    if live:
        await registry.ensure_live_models(timeout_s=MODELS_LIVE_TIMEOUT_S)
    models = registry.models(provider)
    default_provider = provider or registry.default_provider
    default_model = registry.specs[default_provider].default_model if default_provider else None
    return ModelsPublic(
        models=[_model_public(m, registry.specs[m.provider]) for m in models],
        default_provider=default_provider,
        default_model=default_model,
    )
