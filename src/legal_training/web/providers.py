"""Providers: which are enabled, their models, configured and learned budgets, health (cooldowns
and exhausted budgets) and their recent errors. Keys are never read here: a provider spec holds
only the NAME of its key variable, and that name is all the page shows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from legal_training.batches.engine import BatchEngine
from legal_training.providers.budgets import Limit, with_headroom
from legal_training.providers.registry import ProviderRegistry, ProviderSpec
from legal_training.providers.router import FailoverRouter
from legal_training.storage.batches import BatchRepository
from legal_training.web.common import SessionDep, render
from legal_training.web.deps import EngineDep, ProviderRegistryDep

router = APIRouter()
ERROR_BATCHES = 20
ERRORS_SHOWN = 20
_CONFIGURED = {("requests", "minute"), ("tokens", "minute")}


def _limit_text(limit: Limit) -> dict[str, Any]:
    return {"scope": limit.scope, "window": limit.window, "amount": limit.amount}


async def _provider(
    registry: ProviderRegistry, failover: FailoverRouter | None, spec: ProviderSpec
) -> dict[str, Any]:
    enabled = registry.is_enabled(spec.id)
    models = registry.models(spec.id) if enabled else list(spec.models)
    rows = []
    for model in models:
        learned = [
            {"scope": view.scope, "window": view.window, "amount": view.learned}
            for view in registry.budget.describe(spec.id, model.id)
            if view.learned is not None and (view.scope, view.window) not in _CONFIGURED
        ]
        cooling = failover.cooldowns.remaining(spec.id, model.id) if failover else 0.0
        until = await registry.budget.exhausted_until(spec.id, model.id) if enabled else None
        rows.append(
            {
                "id": model.id,
                "context_window": model.context_window,
                "thinking": model.is_thinking_model,
                "json_schema": model.supports_json_schema,
                "live": model.live,
                "default": model.id == spec.default_model,
                "learned": learned,
                "cooldown_s": cooling,
                "exhausted_until": until.isoformat() if until else None,
            }
        )
    healthy = enabled and not any(r["cooldown_s"] or r["exhausted_until"] for r in rows)
    return {
        "id": spec.id,
        "name": spec.name,
        "label": spec.label,
        "enabled": enabled,
        "simulator": spec.is_simulator,
        "key_env": spec.api_key_env,
        "keyless": spec.keyless,
        "rpm": spec.rpm,
        "tpm": spec.tpm,
        "paced_rpm": with_headroom(spec.rpm),
        "paced_tpm": with_headroom(spec.tpm),
        "per_model": spec.limits_per_model,
        "models": rows,
        "health": "healthy" if healthy else ("degraded" if enabled else "disabled"),
    }


def recent_errors(engine: BatchEngine) -> list[dict[str, Any]]:
    """Provider failures recorded by the latest batches, newest first."""
    latest, _ = engine.history(limit=ERROR_BATCHES, offset=0)
    with engine.db.read() as session:
        repo = BatchRepository(session)
        batches = [repo.find(b["batch_id"]) for b in latest if b["error_summary"]["count"]]
    errors = [
        {**error, "batch_id": batch["batch_id"]}
        for batch in batches
        if batch is not None
        for error in batch.get("errors") or []
        if error.get("provider") or error.get("category") not in (None, "circuit_breaker")
    ]
    errors.sort(key=lambda e: str(e.get("at") or ""), reverse=True)
    return errors[:ERRORS_SHOWN]


@router.get("/providers", response_class=HTMLResponse)
async def providers_page(
    request: Request, engine: EngineDep, registry: ProviderRegistryDep, signed_in: SessionDep
) -> HTMLResponse:
    failover = getattr(request.app.state, "failover_router", None)
    providers = [await _provider(registry, failover, spec) for spec in registry.specs.values()]
    providers.sort(key=lambda p: (not p["enabled"], p["id"]))
    errors = await asyncio.to_thread(recent_errors, engine)
    context = {
        "providers": providers,
        "errors": errors,
        "order": registry.order,
        "now": datetime.now(UTC).isoformat(),
    }
    return render(request, "providers.html", context, signed_in=signed_in)
