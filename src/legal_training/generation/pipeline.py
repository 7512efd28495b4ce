"""One request in, one sample out: either accepted (and optionally saved) or rejected with reasons.

Layers, outermost first: resolve the request against the catalog → build the prompt → route the
call (retries and failover live in the provider router) → extract the JSON → run the quality gate
→ save. Nothing here knows about HTTP; the API and the batch engine both call
:func:`generate_one`.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ParamSpec

from legal_training import metrics
from legal_training.catalog import Difficulty, Jurisdiction, SampleType, Topic, get_catalog
from legal_training.catalog.models import CatalogError
from legal_training.generation.checks import CHECK_DUPLICATE, CheckResult
from legal_training.generation.extract import TRUNCATION_FINISH_REASONS, extract_json_object
from legal_training.generation.judge import (
    CHECK_JUDGE_SCORE,
    JudgeConfig,
    judge_check,
    judge_sample,
)
from legal_training.generation.prompts import SAMPLE_JSON_SCHEMA, build_messages
from legal_training.generation.quality import QualityMode, QualityReport, evaluate
from legal_training.generation.repair import (
    REPAIR_MAX_TOKENS,
    RepairPlan,
    merge_repair,
    plan_repair,
    repair_messages,
)
from legal_training.generation.verification import DEFAULT_CITATION_POLICY, CitationPolicy
from legal_training.providers.base import ChatRequest
from legal_training.providers.errors import (
    Action,
    AuthenticationFailed,
    ProviderError,
    ProvidersExhausted,
)
from legal_training.providers.router import FailoverRouter, OnCall
from legal_training.storage.db import Database
from legal_training.storage.near_duplicates import (
    DEFAULT_NEAR_DUPLICATE_THRESHOLD,
    NearDuplicateIndex,
)
from legal_training.storage.samples import DuplicateSampleError, SampleRepository
from legal_training.text import question_hash

DEFAULT_MAX_TOKENS = 4000
THINKING_MAX_TOKENS = 8000


@dataclass(frozen=True)
class GenerationSpec:
    """A resolved request: catalog objects, not strings."""

    topic: Topic
    jurisdiction: Jurisdiction
    difficulty: Difficulty
    sample_type: SampleType
    reasoning_instruction: str | None = None
    provider: str | None = None  # None or "auto": the router's order
    model: str | None = None


def resolve_spec(
    *,
    topic: str | None = None,
    practice_area: str | None = None,
    jurisdiction: str | None = None,
    difficulty: str | None = None,
    sample_type: str | None = None,
    reasoning_instruction: str | None = None,
    provider: str | None = None,
    model: str | None = None,
    rotation_index: int | None = None,
    rng: random.Random | None = None,
) -> GenerationSpec:
    """Turn loose request strings into catalog objects; unknown values raise
    :class:`CatalogError` listing the valid ones. Defaults: the default contract topic,
    the topic's default difficulty, ``case_analysis``; ``balance`` rotates by ``rotation_index``
    (a batch's slot number) or, for a single sample, picks a type at random.
    """
    catalog = get_catalog()
    rng = rng or random.Random()
    juris = catalog.jurisdiction(jurisdiction) if jurisdiction else None
    if topic:
        found = catalog.find_topic(
            topic, practice_area=practice_area if " - " not in topic else None
        )
    else:
        pool = catalog.filter_topics(
            jurisdiction=juris.id if juris else None, practice_area=practice_area
        )
        if not pool:
            raise CatalogError("practice_area", practice_area or "", catalog.practice_areas())
        found = pool[0] if juris is None and not practice_area else rng.choice(pool)
        if juris is None and not practice_area:
            found = catalog.find_topic("Contract Law - Formation of Contracts")
    if juris is not None and juris.id != found.jurisdiction:
        valid = [t.full_name for t in catalog.filter_topics(jurisdiction=juris.id)]
        raise CatalogError(f"topic for jurisdiction {juris.id}", topic or "", valid)
    level = (
        catalog.difficulty(difficulty)
        if difficulty
        else catalog.difficulty(found.default_difficulty)
    )
    wanted_type = (sample_type or catalog.default_sample_type).strip().lower()
    if wanted_type == catalog.rotation_sample_type:
        index = rotation_index if rotation_index is not None else rng.randrange(1 << 30)
        kind = catalog.rotate_sample_type(index)
    else:
        kind = catalog.sample_type(wanted_type)
    return GenerationSpec(
        topic=found,
        jurisdiction=catalog.jurisdiction(found.jurisdiction),
        difficulty=level,
        sample_type=kind,
        reasoning_instruction=reasoning_instruction or None,
        provider=provider if provider and provider != "auto" else None,
        model=model or None,
    )


class DatabaseDuplicates:
    """The gate's duplicate look-up against the stored dataset."""

    def __init__(self, db: Database, *, threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD):
        self.db = db
        self.threshold = threshold

    def exact(self, question: str) -> list[str]:
        with self.db.read() as session:
            repo = SampleRepository(session, self.db.dialect)
            return repo.find_by_question_hash(question_hash(question))

    def near(self, question: str, answer: str) -> list[tuple[str, float]]:
        with self.db.read() as session:
            matches = NearDuplicateIndex(session).find(question, answer, threshold=self.threshold)
        return [(m.sample_id, m.similarity) for m in matches]


class OutcomeKind(StrEnum):
    """What one generation came to; callers decide by this, never by message text."""

    #: Answered and passed the gate (and saved, when asked).
    ACCEPTED = "accepted"
    #: Answered (and paid for) but failed the gate; ``reasons`` names the failed checks.
    REJECTED = "rejected"
    #: No usable answer: the call failed in a way another try may not (``provider_error``).
    PROVIDER_FAILED = "provider_failed"
    #: No provider can serve the request at all (keys rejected, quotas gone, all given up).
    UNAVAILABLE = "unavailable"


@dataclass
class GenerationOutcome:
    """Everything one attempt produced, accepted or not."""

    kind: OutcomeKind
    sample: dict[str, Any] | None
    quality: QualityReport | None
    provider: str | None
    model: str | None
    tokens_used: int
    prompt_tokens: int
    completion_tokens: int
    elapsed_s: float
    switches: list[dict[str, Any]] = field(default_factory=list)
    #: The provider's error, typed, when the call failed (``PROVIDER_FAILED``/``UNAVAILABLE``).
    provider_error: ProviderError | None = None
    #: Why it was not accepted: failed check names, or one line per provider that could not
    #: serve.
    reasons: tuple[str, ...] = ()
    raw_output: str | None = None
    saved: bool = False
    #: HTTP calls made for this attempt (retries included).
    calls: int = 0
    #: A follow-up repaired the sample and it then passed the gate.
    repaired: bool = False
    #: Tokens spent on the repair follow-up (included in ``tokens_used``).
    repair_tokens: int = 0
    #: Tokens the repair saved against paying for a new sample (first answer minus repair).
    repair_saved_tokens: int = 0
    #: Tokens spent on the judge (included in ``tokens_used``).
    judge_tokens: int = 0

    @property
    def success(self) -> bool:
        return self.kind is OutcomeKind.ACCEPTED

    @property
    def action(self) -> Action | None:
        """What the provider layer advises after a failed call."""
        return self.provider_error.action if self.provider_error is not None else None

    @property
    def error(self) -> str | None:
        """A one-line explanation for people (API responses, the CLI); None when accepted."""
        if self.provider_error is not None:
            return str(self.provider_error)
        if self.kind is OutcomeKind.REJECTED:
            return "; ".join(self.quality.reasons if self.quality else self.reasons) or "rejected"
        return None

    @property
    def error_category(self) -> str | None:
        """The error's class name, or ``"quality"``, for display only."""
        if self.provider_error is not None:
            return type(self.provider_error).__name__
        return "quality" if self.kind is OutcomeKind.REJECTED else None

    @property
    def rejection_reasons(self) -> list[str]:
        return list(self.reasons)


def _sample_from(
    data: dict[str, Any], spec: GenerationSpec, *, provider: str, model: str, batch_id: str | None
) -> dict[str, Any]:
    return {
        "id": f"{provider}_{uuid.uuid4()}",
        "question": data.get("question"),
        "answer": data.get("answer"),
        "topic": spec.topic.full_name,
        "difficulty": spec.difficulty.id,
        "case_citation": data.get("case_citation"),
        "reasoning": data.get("reasoning"),
        "sample_type": spec.sample_type.id,
        "jurisdiction": spec.jurisdiction.id,
        "practice_area": spec.topic.practice_area,
        "provider": provider,
        "model": model,
        "batch_id": batch_id,
    }


def save_sample(db: Database, sample: dict[str, Any], report: QualityReport) -> dict[str, Any]:
    """Store an accepted sample; the exact-duplicate check is repeated inside the write so two
    concurrent generations of the same question cannot both land."""
    with db.write() as session:
        repo = SampleRepository(session, db.dialect)
        if repo.find_by_question_hash(question_hash(str(sample["question"]))):
            raise DuplicateSampleError([str(sample["id"])])
        row = repo.add({**sample, "quality": report.as_dict()})
        return repo.get(row.id)


P = ParamSpec("P")


def _counted(
    generate: Callable[P, Awaitable[GenerationOutcome]],
) -> Callable[P, Awaitable[GenerationOutcome]]:
    """Count every outcome on ``/metrics`` at the one place all of them pass through."""

    @functools.wraps(generate)
    async def counted(*args: P.args, **kwargs: P.kwargs) -> GenerationOutcome:
        outcome = await generate(*args, **kwargs)
        rejected = outcome.kind is OutcomeKind.REJECTED
        metrics.record_sample(outcome.kind.value, outcome.reasons if rejected else ())
        return outcome

    return counted


@_counted
async def generate_one(
    spec: GenerationSpec,
    *,
    router: FailoverRouter,
    db: Database | None,
    save: bool = False,
    batch_id: str | None = None,
    mode: QualityMode = "strict",
    citation_policy: CitationPolicy = DEFAULT_CITATION_POLICY,
    near_duplicate_threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD,
    seed: int | None = None,
    max_tokens: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
    exclude: Collection[tuple[str, str]] = (),
    on_call: OnCall | None = None,
    repair: bool = True,
    judge: JudgeConfig | None = None,
) -> GenerationOutcome:
    """Generate, check and (when ``save`` and accepted) store one sample. Never raises for a
    provider or quality failure: those come back as an outcome of that :class:`OutcomeKind`.

    ``exclude`` and ``on_call`` go to the router (models the caller does not want; a hook run
    before every HTTP call, which may raise to stop spending). ``repair``: after a rejection
    whose every failed check is repairable, send one follow-up for the faulty part and run the
    whole gate again (see :mod:`~legal_training.generation.repair`). ``judge``: score an
    accepted sample with that model; in strict mode a ``min_score`` turns a low score into the
    ``judge_score`` rejection, and a judge failure keeps the sample as unjudged."""
    started = time.perf_counter()
    messages = build_messages(
        topic=spec.topic,
        jurisdiction=spec.jurisdiction,
        difficulty=spec.difficulty,
        sample_type=spec.sample_type,
        reasoning_instruction=spec.reasoning_instruction,
        schema_mode="json_schema",
        seed=seed,
        citation_policy=citation_policy,
    )
    request = ChatRequest(
        messages=messages,
        model=spec.model,
        max_tokens=max_tokens or DEFAULT_MAX_TOKENS,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "legal_sample", "strict": True, "schema": SAMPLE_JSON_SCHEMA},
        },
        extra_headers=dict(extra_headers or {}),
        usage_key=f"{spec.sample_type.id}/{spec.difficulty.id}",
    )
    try:
        routed = await router.chat(
            request, provider=spec.provider, model=spec.model, exclude=exclude, on_call=on_call
        )
    except ProviderError as exc:
        unavailable = isinstance(exc, AuthenticationFailed) or (
            isinstance(exc, ProvidersExhausted) and exc.lasting
        )
        reasons = exc.reasons if isinstance(exc, ProvidersExhausted) else ()
        return GenerationOutcome(
            kind=OutcomeKind.UNAVAILABLE if unavailable else OutcomeKind.PROVIDER_FAILED,
            sample=None,
            quality=None,
            provider=exc.provider,
            model=exc.model,
            tokens_used=0,
            prompt_tokens=0,
            completion_tokens=0,
            elapsed_s=time.perf_counter() - started,
            provider_error=exc,
            reasons=reasons or (f"{type(exc).__name__}: {exc.message}",),
        )
    result = routed.result
    switches = [s.as_dict() for s in routed.switches]
    usage = result.usage
    base: dict[str, Any] = {
        "provider": result.provider,
        "model": result.model,
        "tokens_used": usage.total_tokens,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "switches": switches,
        "raw_output": result.text,
        "calls": routed.attempts,
    }
    extraction = extract_json_object(
        result.text, finish_reason=result.finish_reason, reasoning_content=result.reasoning
    )
    duplicates = DatabaseDuplicates(db, threshold=near_duplicate_threshold) if db else None
    data = extraction.data if extraction.ok else None
    flags = list(extraction.warnings)
    if extraction.repaired:
        flags.append("json_repaired")

    async def gate(candidate: dict[str, Any] | None, extra: list[str]) -> QualityReport:
        return await asyncio.to_thread(
            evaluate,
            candidate,
            difficulty=spec.difficulty,
            sample_type=spec.sample_type,
            jurisdiction=spec.jurisdiction,
            finish_reason=result.finish_reason,
            duplicates=duplicates,
            mode=mode,
            flags=extra,
            citation_policy=citation_policy,
        )

    report = await gate(data, flags)
    if data is None and extraction.error not in (None, "truncated"):
        report = _with_extraction_failure(report, extraction.error, extraction.error_detail)
    plan = (
        plan_repair(
            report,
            data,
            difficulty=spec.difficulty,
            sample_type=spec.sample_type,
            extraction_error=extraction.error,
            extraction_detail=extraction.error_detail,
            raw=result.text,
        )
        if repair and not report.accepted
        else None
    )
    if plan is not None:
        first_tokens = usage.total_tokens
        fixed = await _repair(
            plan,
            data,
            result.text,
            spec,
            router=router,
            provider=result.provider,
            model=result.model,
            extra_headers=extra_headers,
            on_call=on_call,
        )
        base["tokens_used"] += fixed.tokens
        base["prompt_tokens"] += fixed.prompt_tokens
        base["completion_tokens"] += fixed.completion_tokens
        base["calls"] += fixed.calls
        base["repair_tokens"] = fixed.tokens
        record: dict[str, Any] = {
            "attempted": True,
            "checks": list(plan.checks),
            "changes": fixed.changes,
            "tokens": fixed.tokens,
            "error": fixed.error,
        }
        if fixed.data is not None and fixed.changes:
            retry = await gate(fixed.data, [*flags, "repaired"])
            record["repaired"] = retry.accepted
            if retry.accepted:
                data, report = fixed.data, retry
                base["repaired"] = True
                base["repair_saved_tokens"] = max(0, first_tokens - fixed.tokens)
            else:
                record["failed_after"] = [c.name for c in retry.failed]
        else:
            record["repaired"] = False
        report = replace(report, repair=record)
    if not report.accepted or data is None:
        return GenerationOutcome(
            kind=OutcomeKind.REJECTED,
            sample=None,
            quality=report,
            elapsed_s=time.perf_counter() - started,
            reasons=tuple(c.name for c in report.failed) or ("rejected",),
            **base,
        )
    if judge is not None:
        verdict = await judge_sample(
            data,
            judge,
            router=router,
            sample_type=spec.sample_type,
            jurisdiction=spec.jurisdiction,
            difficulty=spec.difficulty,
            on_call=on_call,
        )
        base["tokens_used"] += verdict.tokens
        base["calls"] += verdict.calls
        base["judge_tokens"] = verdict.tokens
        report = replace(report, judge=verdict.record)
        if verdict.judged and judge.min_score is not None and mode == "strict":
            check = judge_check(verdict.record, judge.min_score)
            report = replace(report, checks=(*report.checks, check))
            if not check.passed:
                return GenerationOutcome(
                    kind=OutcomeKind.REJECTED,
                    sample=None,
                    quality=replace(report, accepted=False),
                    elapsed_s=time.perf_counter() - started,
                    reasons=(CHECK_JUDGE_SCORE,),
                    **base,
                )
    sample = _sample_from(
        data, spec, provider=result.provider, model=result.model, batch_id=batch_id
    )
    sample["quality"] = report.as_dict()
    saved = False
    if save and db is not None:
        try:
            sample = await asyncio.to_thread(save_sample, db, sample, report)
            saved = True
        except DuplicateSampleError:
            failed = CheckResult(CHECK_DUPLICATE, False, "exact duplicate saved concurrently", {})
            checks = tuple(failed if c.name == CHECK_DUPLICATE else c for c in report.checks)
            report = replace(report, accepted=False, checks=checks)
            return GenerationOutcome(
                kind=OutcomeKind.REJECTED,
                sample=None,
                quality=report,
                elapsed_s=time.perf_counter() - started,
                reasons=(CHECK_DUPLICATE,),
                **base,
            )
    return GenerationOutcome(
        kind=OutcomeKind.ACCEPTED,
        sample=sample,
        quality=report,
        elapsed_s=time.perf_counter() - started,
        saved=saved,
        **base,
    )


def _with_extraction_failure(
    report: QualityReport, error: str | None, detail: str | None
) -> QualityReport:
    """Record why no JSON object could be read (the required-fields check alone would only say
    that the fields are missing)."""
    failed = CheckResult("extraction", False, f"{error}: {detail or 'no usable JSON object'}", {})
    return replace(report, score=0.0, accepted=False, checks=(failed, *report.checks))


@dataclass
class _RepairResult:
    data: dict[str, Any] | None
    changes: list[str]
    tokens: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    error: str | None = None


async def _repair(
    plan: RepairPlan,
    data: dict[str, Any] | None,
    raw: str | None,
    spec: GenerationSpec,
    *,
    router: FailoverRouter,
    provider: str,
    model: str,
    extra_headers: Mapping[str, str] | None,
    on_call: OnCall | None,
) -> _RepairResult:
    """The one follow-up, to the model that wrote the sample (it knows its own answer best),
    through the same router, budgets and ``on_call`` spending hook as every other call. A
    provider failure leaves the sample as it was: the rejection stands."""
    messages = repair_messages(plan, data, raw=raw, sample_type=spec.sample_type)
    whole = "json" in plan.faults
    request = ChatRequest(
        messages=messages,
        model=model,
        max_tokens=DEFAULT_MAX_TOKENS if whole else REPAIR_MAX_TOKENS,
        extra_headers=dict(extra_headers or {}),
        usage_key=f"repair/{'+'.join(plan.kinds)}",
    )
    try:
        routed = await router.chat(request, provider=provider, model=model, on_call=on_call)
    except ProviderError as exc:
        return _RepairResult(None, [], error=f"{type(exc).__name__}: {exc.message}")
    usage = routed.result.usage
    finish = (routed.result.finish_reason or "").lower()
    if finish in TRUNCATION_FINISH_REASONS:
        return _RepairResult(
            None,
            [],
            tokens=usage.total_tokens,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            calls=routed.attempts,
            error=f"repair reply cut off (finish_reason={finish!r})",
        )
    merged, changes = merge_repair(plan, data, routed.result.text, sample_type=spec.sample_type)
    return _RepairResult(
        merged,
        changes,
        tokens=usage.total_tokens,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        calls=routed.attempts,
    )
