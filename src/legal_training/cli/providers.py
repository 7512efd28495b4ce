"""``legal-training providers``: what is configured, what is enabled, which models. Never keys."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from legal_training.providers.registry import ProviderRegistry
from legal_training.settings import get_settings
from legal_training.simulator.embedded import build_registry_with_simulator


def providers_command(
    live: Annotated[
        bool, typer.Option("--live", help="Also query each provider's model listing.")
    ] = False,
) -> None:
    """List providers and their models, with enabled state and rate budgets."""
    registry = build_registry_with_simulator(get_settings())
    try:
        if live:
            asyncio.run(registry.refresh_live_models())
        render_registry(registry, Console())
    finally:
        asyncio.run(registry.aclose())


def render_registry(registry: ProviderRegistry, console: Console) -> None:
    """Print the providers table and, per enabled provider, its models."""
    table = Table(title="Providers")
    for column in ("id", "name", "enabled", "default model", "RPM", "TPM", "key variable", "note"):
        table.add_column(column)
    for spec in registry.specs.values():
        table.add_row(
            spec.id,
            spec.name,
            "yes" if registry.is_enabled(spec.id) else "no",
            spec.default_model or "-",
            str(spec.rpm or "-"),
            str(spec.tpm or "-"),
            spec.api_key_env or "(none needed)",
            spec.label or "",
        )
    console.print(table)
    limits = Table(title="Rate limits of enabled providers (default model)")
    for column in ("provider", "quota", "catalog", "configured", "learned", "paced at", "from"):
        limits.add_column(column)
    for name in registry.order:
        spec = registry.spec(name)
        for view in registry.limit_views(name):
            limits.add_row(
                name,
                f"{view.scope}/{view.window}",
                _number(view.default),
                _number(view.configured),
                _number(view.learned),
                _number(view.effective),
                view.source,
            )
        limits.add_row(name, "counted as", spec.limits_kind, "", "", "", spec.token_charging)
    console.print(limits)
    for name in registry.order:
        models = Table(title=f"{name} models (fallback order)")
        for column in ("model", "context", "thinking", "json schema", "fallback"):
            models.add_column(column)
        for model in registry.models(name):
            models.add_row(
                model.id,
                str(model.context_window or "?"),
                "yes" if model.is_thinking_model else "",
                "yes" if model.supports_json_schema else "",
                str(model.fallback_priority) if model.fallback_priority else "-",
            )
        console.print(models)
    console.print(f"default provider: {registry.default_provider or '(none enabled)'}")


def _number(value: int | None) -> str:
    return f"{value:,}" if value is not None else "-"
