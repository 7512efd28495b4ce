"""Providers and models as the API lists them: names, limits and capabilities, never keys."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LimitPublic(BaseModel):
    """One quota window: the catalog's default, the user's cap, what the provider reported in
    its headers, and what the budget paces at (``source`` says which of them decided)."""

    scope: Literal["requests", "tokens"]
    window: Literal["minute", "hour", "day"]
    catalog: int | None
    configured: int | None
    learned: int | None
    effective: int
    source: Literal["catalog", "configured", "learned"]


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
    limits_kind: Literal["sliding", "bucket"] = "sliding"
    token_charging: Literal["usage", "admission"] = "usage"
    limits: list[LimitPublic] = Field(
        default_factory=list, description="Per quota window, for the default model."
    )


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
