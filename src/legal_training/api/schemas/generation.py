"""``POST /api/generate`` and batch quality figures."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from legal_training.api.schemas.common import Envelope
from legal_training.generation.prompts import MAX_REASONING_INSTRUCTION_CHARS


class GenerateRequest(BaseModel):
    """What to generate: catalog choices, provider/model, and whether to save."""

    practice_area: str | None = Field(default=None, max_length=200)
    topic: str | None = Field(default=None, max_length=300)
    difficulty: str | None = Field(default=None, max_length=50)
    provider: str = Field(default="auto", max_length=100)
    model: str | None = Field(default=None, max_length=200)
    sample_type: str = Field(default="case_analysis", max_length=50)
    reasoning_instruction: str | None = Field(
        default=None, max_length=MAX_REASONING_INSTRUCTION_CHARS
    )
    jurisdiction: str | None = Field(default=None, max_length=50)
    save: bool = False
    repair: bool = Field(
        default=True, description="Repair a fixable rejection with one short follow-up."
    )
    quality_mode: Literal["strict", "lenient"] = "strict"
    citation_policy: Literal["standard", "verified_only", "plausible"] = Field(
        default="standard",
        description=(
            "What the authority check rejects: standard (a misattributed authority, or none "
            "the index knows), verified_only (any authority the index does not know), "
            "plausible (only impossible citations)."
        ),
    )


class GenerateResponse(BaseModel):
    """One generated sample with its quality report; ``success`` is false for a rejection."""

    success: bool
    sample: dict[str, Any] | None
    quality: dict[str, Any] | None
    reasons: list[str]
    error: str | None
    saved: bool
    tokens_used: int
    prompt_tokens: int
    completion_tokens: int
    elapsed: float
    provider: str | None
    model: str | None
    switches: list[dict[str, Any]]
    request: dict[str, str]


class BatchQualityPublic(Envelope):
    batch_id: str
