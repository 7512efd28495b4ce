"""Single-sample generation (``POST /api/generate``) and batch quality figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from legal_training.api.deps import (
    DatabaseDep,
    FailoverRouterDep,
    ProviderRegistryDep,
    SettingsDep,
)
from legal_training.api.errors import BadRequest, NotFound, ProviderFailure
from legal_training.api.schemas.generation import (
    BatchQualityPublic,
    GenerateRequest,
    GenerateResponse,
)
from legal_training.generation.judge import judge_from_settings
from legal_training.generation.pipeline import generate_one, resolve_spec
from legal_training.providers.registry import ProviderRegistry
from legal_training.storage.quality import batch_quality

router = APIRouter(prefix="/api", tags=["generation"])


def validate_provider_choice(registry: ProviderRegistry, provider: str, model: str | None) -> None:
    """400 with the valid values for an unknown/disabled provider or a model it does not have."""
    enabled = [spec.id for spec in registry.enabled_specs()]
    if provider != "auto" and provider not in enabled:
        raise BadRequest(
            f"provider {provider!r} is not available; valid values: auto, {', '.join(enabled)}",
            details={"field": "provider", "valid_values": ["auto", *enabled]},
        )
    if model and provider != "auto":
        known = [m.id for m in registry.models(provider)]
        if known and model not in known:
            raise BadRequest(
                f"model {model!r} is not offered by {provider}; valid values: {', '.join(known)}",
                details={"field": "model", "valid_values": known},
            )


@router.post("/generate", response_model=GenerateResponse)
async def generate(
    body: GenerateRequest,
    db: DatabaseDep,
    registry: ProviderRegistryDep,
    failover: FailoverRouterDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Generate one sample and run the quality gate; ``save`` stores it when accepted.

    A rejected sample is a 200 with ``success: false`` and the reasons; a provider failure is a
    502 naming the provider (and the variable to fix, for key problems).
    """
    spec = resolve_spec(
        topic=body.topic,
        practice_area=body.practice_area,
        jurisdiction=body.jurisdiction,
        difficulty=body.difficulty,
        sample_type=body.sample_type,
        reasoning_instruction=body.reasoning_instruction,
        provider=body.provider,
        model=body.model,
    )
    validate_provider_choice(registry, body.provider, body.model)
    outcome = await generate_one(
        spec,
        router=failover,
        db=db,
        save=body.save,
        mode=body.quality_mode,
        citation_policy=body.citation_policy,
        repair=body.repair,
        judge=judge_from_settings(settings),
    )
    if outcome.quality is None and not outcome.success:
        raise ProviderFailure(
            outcome.error or "the provider call failed",
            details={"category": outcome.error_category, "provider": outcome.provider},
        )
    return {
        "success": outcome.success,
        "sample": outcome.sample,
        "quality": outcome.quality.as_dict() if outcome.quality else None,
        "reasons": [] if outcome.success else (outcome.quality.reasons if outcome.quality else []),
        "error": None if outcome.success else outcome.error,
        "saved": outcome.saved,
        "tokens_used": outcome.tokens_used,
        "prompt_tokens": outcome.prompt_tokens,
        "completion_tokens": outcome.completion_tokens,
        "elapsed": round(outcome.elapsed_s, 3),
        "provider": outcome.provider,
        "model": outcome.model,
        "switches": outcome.switches,
        "request": {
            "topic": spec.topic.full_name,
            "jurisdiction": spec.jurisdiction.id,
            "difficulty": spec.difficulty.id,
            "sample_type": spec.sample_type.id,
        },
    }


@router.get("/batch/{batch_id}/quality", response_model=BatchQualityPublic)
def quality(batch_id: str, db: DatabaseDep) -> dict[str, Any]:
    """Distributions and quality figures of one batch's samples."""
    with db.read() as session:
        report = batch_quality(session, batch_id)
    if report is None:
        raise NotFound(f"batch {batch_id!r} has no samples")
    return {"success": True, "batch_id": batch_id, **report}
