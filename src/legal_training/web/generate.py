"""Generate: start a batch (presets and every option of ``POST /api/generate/batch/start``) and
watch running batches live.

The form is posted by the page's script to the API itself, so validation and its messages are
the API's. Live progress comes over ``GET /api/generate/batch/stream`` (SSE): counts update
from each event, and the rest of a batch's card (rejections by reason, switches, circuits) is
re-rendered from ``/generate/batches/{id}/card`` at most every couple of seconds.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from legal_training.batches.engine import BatchEngine, BatchStatus
from legal_training.batches.params import MAX_BATCH_COUNT, QUALITY_MODES
from legal_training.catalog import get_catalog
from legal_training.generation.prompts import MAX_REASONING_INSTRUCTION_CHARS
from legal_training.providers.registry import ProviderRegistry
from legal_training.storage.batches import BatchNotFoundError, BatchRepository
from legal_training.web.common import SessionDep, render
from legal_training.web.deps import EngineDep, ProviderRegistryDep

router = APIRouter()
RECENT_FINISHED = 5

#: Starting points for the form; each sets some fields and leaves the rest at their defaults.
PRESETS: tuple[dict[str, Any], ...] = (
    {"id": "demo", "label": "Quick demo — 5 samples", "values": {"count": 5}},
    {
        "id": "balanced",
        "label": "Balanced mix — 50 samples, every sample type",
        "values": {"count": 50, "sample_type": "balance"},
    },
    {
        "id": "uk-contract",
        "label": "UK contract law — 20 intermediate case analyses",
        "values": {
            "count": 20,
            "jurisdiction": "uk",
            "difficulty": "intermediate",
            "sample_type": "case_analysis",
        },
    },
    {
        "id": "expert-eu",
        "label": "EU law, expert level — 10 samples, lenient gate",
        "values": {
            "count": 10,
            "jurisdiction": "eu",
            "difficulty": "expert",
            "quality_mode": "lenient",
        },
    },
)


def form_options(registry: ProviderRegistry) -> dict[str, Any]:
    """Everything the start form offers, from the catalog and the enabled providers."""
    catalog = get_catalog()
    topics: dict[str, dict[str, list[str]]] = {}
    for topic in catalog.topics:
        topics.setdefault(topic.jurisdiction, {}).setdefault(topic.practice_area, []).append(
            topic.full_name
        )
    providers = [
        {
            "id": spec.id,
            "name": spec.name,
            "simulator": spec.is_simulator,
            "models": [m.id for m in registry.models(spec.id)],
        }
        for spec in registry.enabled_specs()
    ]
    return {
        "jurisdictions": catalog.jurisdictions,
        "difficulties": catalog.difficulties,
        "sample_types": catalog.sample_types,
        "rotation": catalog.rotation_sample_type,
        "default_sample_type": catalog.default_sample_type,
        "topics": topics,
        "providers": providers,
        "quality_modes": QUALITY_MODES,
        "max_count": MAX_BATCH_COUNT,
        "max_instruction": MAX_REASONING_INSTRUCTION_CHARS,
        "presets": PRESETS,
    }


def ceiling_per_minute(registry: ProviderRegistry, provider: str | None, model: str | None) -> int:
    """The request budget per minute of the provider (and model) serving a batch now: no batch
    can accept samples faster than that."""
    names = [provider] if provider and provider in registry.specs else list(registry.order)
    total = 0
    for name in names:
        for limit in registry.budget.limits(name, model if name == provider else None):
            if limit.scope == "requests" and limit.window == "minute":
                total += limit.amount
    return total


def card_context(engine: BatchEngine, registry: ProviderRegistry, batch_id: str) -> dict[str, Any]:
    status = engine.status(batch_id)
    provider, model = status.get("current_provider"), status.get("current_model")
    reasons = sorted(
        status.get("rejected_by_reason", {}).items(), key=lambda item: (-item[1], item[0])
    )
    return {
        "batch": status,
        "ceiling": ceiling_per_minute(registry, provider, model),
        "reasons": reasons,
        "running": status["status"] == BatchStatus.RUNNING,
        "resumable": status["status"]
        in (BatchStatus.STOPPED, BatchStatus.INTERRUPTED, BatchStatus.FAILED),
    }


@router.get("/generate", response_class=HTMLResponse)
def generate_page(
    request: Request, engine: EngineDep, registry: ProviderRegistryDep, signed_in: SessionDep
) -> HTMLResponse:
    with engine.db.read() as session:
        running_ids = [row.id for row in BatchRepository(session).with_status(["running"])]
    running = [card_context(engine, registry, batch_id) for batch_id in reversed(running_ids)]
    recent, _ = engine.history(limit=RECENT_FINISHED + len(running_ids), offset=0)
    finished = [
        card_context(engine, registry, b["batch_id"])
        for b in recent
        if b["batch_id"] not in running_ids
    ][:RECENT_FINISHED]
    context = {"options": form_options(registry), "running": running, "finished": finished}
    return render(request, "generate.html", context, signed_in=signed_in)


@router.get("/generate/batches/{batch_id}/card", response_class=HTMLResponse)
def batch_card(
    batch_id: str,
    request: Request,
    engine: EngineDep,
    registry: ProviderRegistryDep,
    signed_in: SessionDep,
) -> HTMLResponse:
    """One batch's live card (fragment), re-rendered as its events arrive."""
    try:
        context = card_context(engine, registry, batch_id)
    except BatchNotFoundError:
        context = {"what": f"batch {batch_id}"}
        return render(request, "partials/missing.html", context, status_code=404)
    return render(request, "partials/batch_card.html", {"card": context})
