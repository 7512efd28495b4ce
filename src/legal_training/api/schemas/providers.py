"""Providers and models as the API lists them: names, limits and capabilities, never keys."""

from __future__ import annotations

from pydantic import BaseModel


class ProviderPublic(BaseModel):
    id: str
    name: str
    enabled: bool
    default_model: str | None
    champion_model: str | None
    requests_per_minute: int | None
    tokens_per_minute: int | None
    is_simulator: bool
    label: str | None


class ProvidersPublic(BaseModel):
    success: bool = True
    providers: list[ProviderPublic]
    default_provider: str | None


class ModelPublic(BaseModel):
    id: str
    name: str
    provider: str
    provider_name: str
    context_window: int | None
    is_thinking_model: bool
    supports_json_schema: bool
    fallback_priority: int | None


class ModelsPublic(BaseModel):
    success: bool = True
    models: list[ModelPublic]
    default_provider: str | None
    default_model: str | None
