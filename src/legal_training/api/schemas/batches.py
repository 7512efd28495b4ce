"""Batch requests and the views of batches the API returns."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from legal_training.api.schemas.common import Envelope
from legal_training.generation.prompts import MAX_REASONING_INSTRUCTION_CHARS


class BatchStartBody(BaseModel):
    """A batch: how many samples (``count``, or a dataset total in ``target_count``), from which
    providers, on which topics, and the quality mode and spending caps."""

    target_count: int | None = Field(default=None, description="Dataset total to reach (legacy).")
    count: int | None = Field(default=None, description="New accepted samples wanted.")
    provider: str | None = Field(default="auto", max_length=100)
    providers: list[str] | None = Field(default=None, max_length=20)
    model: str | None = Field(default=None, max_length=200)
    topic: str | None = Field(default=None, max_length=300)
    topics: list[str] | None = Field(default=None, max_length=500)
    difficulty: str | None = Field(default=None, max_length=50)
    sample_type: str | None = Field(default="case_analysis", max_length=50)
    jurisdiction: str | None = Field(default=None, max_length=50)
    reasoning_instruction: str | None = Field(
        default=None, max_length=MAX_REASONING_INSTRUCTION_CHARS
    )
    quality_mode: str = Field(default="strict", max_length=20)
    max_tokens_total: int | None = None
    max_cost_usd: float | None = None
    citation_policy: str = Field(
        default="standard",
        max_length=30,
        description="standard, verified_only or plausible (see POST /api/generate).",
    )
    repair: bool = Field(
        default=True,
        description="Repair fixable rejections with one short follow-up instead of a new sample.",
    )
    judge: bool | None = Field(
        default=None,
        description="Score accepted samples with a judge model (default: on when the "
        "deployment configures a judge).",
    )
    judge_provider: str | None = Field(default=None, max_length=100)
    judge_model: str | None = Field(default=None, max_length=200)
    min_judge_score: float | None = Field(
        default=None, description="Strict mode rejects judged samples scored below this (1-5)."
    )


class BatchStopBody(BaseModel):
    batch_id: str | None = Field(default=None, max_length=100)


class BatchStarted(Envelope):
    message: str
    batch_id: str
    count: int
    provider: str | None
    providers: list[str]
    model: str | None
    sample_type: str | None
    topics: int
    plan_size: int
    max_concurrency: int


class BatchStopped(Envelope):
    message: str
    batch_id: str | None = None
    samples_generated: int | None = None
    stopped_batch_ids: list[str] | None = None


class BatchStatusPublic(Envelope):
    """One batch: stored state overlaid with the live counters of a running batch."""

    batch_id: str
    status: str
    total: int
    samples_generated: int
    samples_rejected: int
    rejected_by_reason: dict[str, int]
    tokens_used: int
    progress: float
    stop_reason: str | None = None
    stop_reasons: list[str] = Field(
        default_factory=list, description="Why a failed batch ended, one item per cause."
    )
    samples_repaired: int = Field(default=0, description="Accepted after a repair follow-up.")
    repair_attempts: int = 0
    repair_tokens: int = Field(default=0, description="Tokens spent on repair follow-ups.")
    repair_tokens_saved: int = Field(
        default=0, description="Tokens the repairs saved against paying for new samples."
    )
    judged: int = 0
    unjudged: int = Field(default=0, description="Kept without scores: the judge failed.")
    judge_rejected: int = Field(default=0, description="Rejected for a low judge score.")
    judge_tokens: int = Field(default=0, description="Tokens spent by the judge.")


class BatchResumed(BatchStatusPublic):
    message: str


class BatchStatuses(Envelope):
    batches: dict[str, BatchStatusPublic]
    count: int
    running: int


class BatchHistoryEntry(Envelope):
    batch_id: str
    status: str
    count: int
    samples_generated: int
    samples_rejected: int
    started_at: str
    completed_at: str | None
    stop_reason: str | None = None
    stop_reasons: list[str] = Field(
        default_factory=list, description="Why a failed batch ended, one item per cause."
    )
    samples_repaired: int = 0
    repair_tokens_saved: int = 0
    judge_tokens: int = 0


class BatchHistory(Envelope):
    batches: list[BatchHistoryEntry]
    count: int
    total: int
    limit: int
    offset: int


class StuckBatches(Envelope):
    stuck_batches: list[dict[str, Any]]
    count: int
    threshold_minutes: float
