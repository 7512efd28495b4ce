"""A batch request, validated up front against the catalog and the provider registry.

Every field is checked before a batch exists, and the error names the field and the valid
values: an unknown sample type would otherwise burn through every model, and a misspelt topic
would silently mean "all topics". ``target_count`` (an absolute dataset size, accepted for older
clients) is converted into ``count`` ONCE, here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from legal_training.batches.planning import BatchPlan, build_plan
from legal_training.catalog import Topic, get_catalog
from legal_training.errors import DomainError
from legal_training.generation.judge import JudgeConfig
from legal_training.generation.prompts import MAX_REASONING_INSTRUCTION_CHARS
from legal_training.generation.verification import CITATION_POLICIES, DEFAULT_CITATION_POLICY
from legal_training.providers.registry import ProviderRegistry

AUTO = "auto"
MAX_BATCH_COUNT = 100_000
QUALITY_MODES = ("strict", "lenient")


class BatchValidationError(DomainError, ValueError):
    """A batch request that cannot start; ``field`` and ``valid_values`` say how to fix it."""

    def __init__(self, message: str, *, field: str, valid_values: Sequence[Any] | None = None):
        self.field = field
        self.valid_values = list(valid_values) if valid_values is not None else None
        super().__init__(message)

    def error_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {"field": self.field}
        if self.valid_values is not None:
            details["valid_values"] = self.valid_values
        return details


@dataclass(frozen=True)
class BatchRequest:
    """What a caller may send (API body or CLI options), unvalidated."""

    count: int | None = None
    target_count: int | None = None
    provider: str | None = AUTO
    providers: Sequence[str] | None = None
    model: str | None = None
    topic: str | None = None
    topics: Sequence[str] | None = None
    difficulty: str | None = None
    sample_type: str | None = None
    jurisdiction: str | None = None
    reasoning_instruction: str | None = None
    quality_mode: str = "strict"
    max_tokens_total: int | None = None
    max_cost_usd: float | None = None
    citation_policy: str = DEFAULT_CITATION_POLICY
    #: Repair fixable rejections with one follow-up each (see generation.repair).
    repair: bool = True
    #: Judge accepted samples: None follows the deployment's judge settings.
    judge: bool | None = None
    judge_provider: str | None = None
    judge_model: str | None = None
    min_judge_score: float | None = None


@dataclass(frozen=True)
class BatchParams:
    """A validated request, stored as the batch's ``params``."""

    count: int
    provider: str
    providers: tuple[str, ...]
    model: str | None
    topics: tuple[str, ...]
    difficulty: str | None
    sample_type: str
    jurisdiction: str | None
    reasoning_instruction: str | None
    quality_mode: str
    max_tokens_total: int | None = None
    max_cost_usd: float | None = None
    target_count: int | None = None
    # Batches stored before citation policies existed read back with the default.
    citation_policy: str = DEFAULT_CITATION_POLICY
    repair: bool = True
    judge: bool | None = None
    judge_provider: str | None = None
    judge_model: str | None = None
    min_judge_score: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["providers"] = list(self.providers)
        data["topics"] = list(self.topics)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BatchParams:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["providers"] = tuple(values.get("providers") or ())
        values["topics"] = tuple(values.get("topics") or ())
        return cls(**values)

    @property
    def topic_filter(self) -> str | None:
        return self.topics[0] if len(self.topics) == 1 else None


def validate_request(
    request: BatchRequest, *, registry: ProviderRegistry, current_rows: int
) -> tuple[BatchParams, BatchPlan]:
    """Check everything and build the plan; raises :class:`BatchValidationError` or the
    catalog's ``CatalogError`` (both carry the valid values)."""
    catalog = get_catalog()
    count = _count(request, current_rows)
    provider, providers, model = _providers(request, registry)

    juris = catalog.jurisdiction(request.jurisdiction) if request.jurisdiction else None
    names = list(request.topics or ())
    if request.topic:
        names.insert(0, request.topic)
    if names:
        topics: list[Topic] = []
        for name in names:
            found = catalog.find_topic(name)
            if juris is not None and found.jurisdiction != juris.id:
                valid = [t.full_name for t in catalog.filter_topics(jurisdiction=juris.id)]
                raise BatchValidationError(
                    f"topic {name!r} is not a {juris.id} topic",
                    field="topics",
                    valid_values=valid,
                )
            if found not in topics:
                topics.append(found)
    else:
        topics = catalog.filter_topics(jurisdiction=juris.id if juris else None)

    difficulty = catalog.difficulty(request.difficulty).id if request.difficulty else None
    wanted_type = (request.sample_type or catalog.default_sample_type).strip().lower()
    if wanted_type == catalog.rotation_sample_type:
        types = catalog.sample_type_ids()
    else:
        types = [catalog.sample_type(wanted_type).id]

    if request.quality_mode not in QUALITY_MODES:
        raise BatchValidationError(
            f"quality_mode {request.quality_mode!r} is not valid",
            field="quality_mode",
            valid_values=QUALITY_MODES,
        )
    if request.citation_policy not in CITATION_POLICIES:
        raise BatchValidationError(
            f"citation_policy {request.citation_policy!r} is not valid",
            field="citation_policy",
            valid_values=CITATION_POLICIES,
        )
    judge_provider, judge_model = _judge(request, registry)
    instruction = (request.reasoning_instruction or "").strip() or None
    if instruction and len(instruction) > MAX_REASONING_INSTRUCTION_CHARS:
        raise BatchValidationError(
            f"reasoning_instruction is longer than {MAX_REASONING_INSTRUCTION_CHARS} characters",
            field="reasoning_instruction",
        )
    if request.max_tokens_total is not None and request.max_tokens_total <= 0:
        raise BatchValidationError("max_tokens_total must be positive", field="max_tokens_total")
    if request.max_cost_usd is not None and not (
        request.max_cost_usd > 0 and math.isfinite(request.max_cost_usd)
    ):
        # NaN would compare false against every spend (no cap at all) and PostgreSQL's JSON
        # cannot store NaN or Infinity.
        raise BatchValidationError(
            "max_cost_usd must be a positive, finite number", field="max_cost_usd"
        )

    params = BatchParams(
        count=count,
        provider=provider,
        providers=providers,
        model=model,
        topics=tuple(t.full_name for t in topics),
        difficulty=difficulty,
        sample_type=wanted_type if len(types) > 1 else types[0],
        jurisdiction=juris.id if juris else None,
        reasoning_instruction=instruction,
        quality_mode=request.quality_mode,
        max_tokens_total=request.max_tokens_total,
        max_cost_usd=request.max_cost_usd,
        target_count=request.target_count,
        citation_policy=request.citation_policy,
        repair=bool(request.repair),
        judge=request.judge,
        judge_provider=judge_provider,
        judge_model=judge_model,
        min_judge_score=request.min_judge_score,
    )
    return params, build_plan(topics, sample_types=types, difficulty=difficulty)


def _judge(request: BatchRequest, registry: ProviderRegistry) -> tuple[str | None, str | None]:
    """The judge's provider and model, checked like the generating ones."""
    score = request.min_judge_score
    if score is not None and not (math.isfinite(score) and 1 <= score <= 5):
        raise BatchValidationError("min_judge_score must be within 1..5", field="min_judge_score")
    provider = (request.judge_provider or "").strip() or None
    enabled = list(registry.order)
    if provider is not None and provider != AUTO and provider not in enabled:
        raise BatchValidationError(
            f"judge_provider {provider!r} is not available; valid values: {', '.join(enabled)}",
            field="judge_provider",
            valid_values=enabled,
        )
    model = (request.judge_model or "").strip() or None
    if model is not None:
        scope = [provider] if provider not in (None, AUTO) else enabled
        known = sorted({m.id for name in scope for m in registry.models(str(name))})
        if model not in known:
            raise BatchValidationError(
                f"judge_model {model!r} is not offered by {', '.join(map(str, scope))}",
                field="judge_model",
                valid_values=known,
            )
    return (None if provider == AUTO else provider), model


def judge_config(params: BatchParams, default: JudgeConfig | None) -> JudgeConfig | None:
    """The batch's judge: its own settings over the deployment's; None when not judged."""
    wanted = params.judge
    own = params.judge_provider or params.judge_model
    if wanted is False or (wanted is None and default is None and not own):
        return None
    base = default or JudgeConfig()
    return JudgeConfig(
        provider=params.judge_provider or base.provider,
        model=params.judge_model or base.model,
        min_score=params.min_judge_score if params.min_judge_score is not None else base.min_score,
    )


def _count(request: BatchRequest, current_rows: int) -> int:
    if request.count is not None and request.target_count is not None:
        raise BatchValidationError(
            "give either count (new samples wanted) or target_count (dataset total), not both",
            field="count",
        )
    if request.count is None and request.target_count is None:
        raise BatchValidationError(
            "give count (new samples wanted) or target_count (dataset total)", field="count"
        )
    if request.target_count is not None:
        count = request.target_count - current_rows
        if count <= 0:
            raise BatchValidationError(
                f"target_count {request.target_count} is not above the current dataset size "
                f"({current_rows} samples)",
                field="target_count",
            )
    else:
        count = int(request.count or 0)
        if count <= 0:
            raise BatchValidationError("count must be a positive integer", field="count")
    if count > MAX_BATCH_COUNT:
        raise BatchValidationError(
            f"a batch may ask for at most {MAX_BATCH_COUNT} samples (got {count})", field="count"
        )
    return count


def _providers(
    request: BatchRequest, registry: ProviderRegistry
) -> tuple[str, tuple[str, ...], str | None]:
    enabled = list(registry.order)
    valid = [AUTO, *enabled]
    provider = (request.provider or AUTO).strip()
    if provider not in valid:
        raise BatchValidationError(
            f"provider {provider!r} is not available; valid values: {', '.join(valid)}",
            field="provider",
            valid_values=valid,
        )
    providers = tuple(p.strip() for p in request.providers or ())
    for name in providers:
        if name not in enabled:
            raise BatchValidationError(
                f"provider {name!r} in providers is not available; valid values: "
                f"{', '.join(enabled)}",
                field="providers",
                valid_values=enabled,
            )
    if provider != AUTO and providers:
        raise BatchValidationError(
            "give either provider (one, pinned) or providers (a failover order), not both",
            field="providers",
        )
    model = (request.model or "").strip() or None
    if model is not None:
        scope = [provider] if provider != AUTO else list(providers or enabled)
        known = sorted({m.id for name in scope for m in registry.models(name)})
        if model not in known:
            raise BatchValidationError(
                f"model {model!r} is not offered by {', '.join(scope)}; valid values: "
                f"{', '.join(known)}",
                field="model",
                valid_values=known,
            )
    return provider, providers, model
