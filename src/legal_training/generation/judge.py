"""An optional second model that scores each sample against a rubric for its sample type.

The gate's checks are mechanical; a judge answers what they cannot: is the law stated correctly
for the jurisdiction, do the cited authorities support what they are cited for, is the analysis
complete for the difficulty, is the question answerable from its facts. Each criterion gets a
1-5 score and the verdict a short rationale, stored in the quality report as ``judge``.

A judge is never allowed to lose a sample: when its call fails or its reply cannot be read the
record says ``"status": "unjudged"`` (with the error) and the sample is kept; ``legal-training
judge`` scores it later. With ``min_score`` set (per batch or globally) and the gate in strict
mode, a judged sample whose overall score is below it fails the ``judge_score`` check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from legal_training.catalog import Difficulty, Jurisdiction, SampleType
from legal_training.generation.checks import CheckResult
from legal_training.generation.extract import extract_json_object
from legal_training.providers.base import ChatRequest
from legal_training.providers.errors import ProviderError
from legal_training.providers.router import FailoverRouter, OnCall
from legal_training.settings import Settings

__all__ = [
    "CHECK_JUDGE_SCORE",
    "JUDGE_MARKER",
    "JudgeConfig",
    "JudgeResult",
    "criteria_for",
    "judge_check",
    "judge_from_settings",
    "judge_messages",
    "judge_sample",
    "parse_verdict",
]

CHECK_JUDGE_SCORE: Final = "judge_score"
JUDGE_MARKER: Final = "JUDGE REQUEST"
JUDGE_MAX_TOKENS: Final = 600
MIN_SCORE, MAX_SCORE = 1, 5

#: Every sample type is judged on these; a type may add its own.
_COMMON: Final[dict[str, str]] = {
    "legal_accuracy": "the law is stated correctly for the jurisdiction",
    "authority_support": "each cited authority supports the proposition it is cited for",
    "completeness": "the analysis is complete for the stated difficulty",
    "answerable": "the question can be answered from the facts it gives",
}
_BY_TYPE: Final[dict[str, dict[str, str]]] = {
    "case_analysis": {"application": "the rule is applied to these facts, not restated"},
    "statutory_interpretation": {"interpretation": "the provision is read by accepted canons"},
    "client_interaction": {"client_advice": "the advice is practical and understandable"},
}


@dataclass(frozen=True)
class JudgeConfig:
    """Which model judges (``provider`` None: the router's order) and the strict-mode floor."""

    provider: str | None = None
    model: str | None = None
    min_score: float | None = None

    def __post_init__(self) -> None:
        if self.min_score is not None and not MIN_SCORE <= self.min_score <= MAX_SCORE:
            raise ValueError(f"min_judge_score must be within {MIN_SCORE}..{MAX_SCORE}")


@dataclass(frozen=True)
class JudgeResult:
    """The record stored as the report's ``judge``, and what the call cost."""

    record: dict[str, Any]
    tokens: int = 0
    calls: int = 0

    @property
    def judged(self) -> bool:
        return self.record.get("status") == "judged"


def judge_from_settings(settings: Settings) -> JudgeConfig | None:
    """The deployment's judge, or None when neither a judge provider nor model is set."""
    if not (settings.judge_provider or settings.judge_model):
        return None
    return JudgeConfig(
        provider=settings.judge_provider,
        model=settings.judge_model,
        min_score=settings.min_judge_score,
    )


def criteria_for(sample_type: SampleType | str) -> dict[str, str]:
    kind = sample_type if isinstance(sample_type, str) else sample_type.id
    return {**_COMMON, **_BY_TYPE.get(kind, {})}


def judge_messages(
    sample: Mapping[str, Any],
    *,
    sample_type: SampleType,
    jurisdiction: Jurisdiction,
    difficulty: Difficulty,
) -> list[dict[str, str]]:
    """The rubric, the sample, and the exact reply shape (scores per criterion + rationale)."""
    criteria = criteria_for(sample_type)
    rubric = "\n".join(f"- {name}: {text}" for name, text in criteria.items())
    shown = {k: sample.get(k) for k in ("question", "answer", "case_citation", "reasoning")}
    user = "\n".join(
        [
            JUDGE_MARKER,
            "",
            f"Judge this {difficulty.id} {sample_type.id} training sample on "
            f"{jurisdiction.id} law. Score each criterion from 1 (poor) to 5 (excellent):",
            rubric,
            "",
            'Reply with one JSON object: {"scores": {"<criterion>": <1-5>, ...}, '
            '"rationale": "<at most two sentences>"}',
            "CRITERIA (JSON): " + json.dumps(list(criteria)),
            "",
            "SAMPLE (JSON):",
            json.dumps(shown, ensure_ascii=False, indent=1),
        ]
    )
    system = (
        "You are a strict reviewer of legal training data. Judge only what is written; "
        "reply with the JSON object asked for and nothing else."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_verdict(text: str | None, criteria: Mapping[str, str]) -> dict[str, Any]:
    """Scores for exactly the rubric's criteria, each an integer 1-5; raises ValueError."""
    extraction = extract_json_object(text)
    if not extraction.ok or extraction.data is None:
        raise ValueError(f"judge reply is not a JSON object ({extraction.error})")
    raw = extraction.data.get("scores")
    if not isinstance(raw, Mapping):
        raise ValueError("judge reply has no 'scores' object")
    scores: dict[str, int] = {}
    for name in criteria:
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"judge gave no numeric score for {name!r}")
        if not MIN_SCORE <= value <= MAX_SCORE:
            raise ValueError(f"judge score for {name!r} is {value}, outside 1..5")
        scores[name] = round(value)
    rationale = str(extraction.data.get("rationale") or "").strip()[:500]
    overall = round(sum(scores.values()) / len(scores), 2)
    return {"scores": scores, "overall": overall, "rationale": rationale}


async def judge_sample(
    sample: Mapping[str, Any],
    config: JudgeConfig,
    *,
    router: FailoverRouter,
    sample_type: SampleType,
    jurisdiction: Jurisdiction,
    difficulty: Difficulty,
    on_call: OnCall | None = None,
) -> JudgeResult:
    """One judge call through the router (same budgets, same ``on_call`` spending hook).
    Never raises for a provider failure or an unreadable reply: both are ``unjudged``."""
    criteria = criteria_for(sample_type)
    request = ChatRequest(
        messages=judge_messages(
            sample, sample_type=sample_type, jurisdiction=jurisdiction, difficulty=difficulty
        ),
        model=config.model,
        max_tokens=JUDGE_MAX_TOKENS,
        usage_key="judge",
    )
    try:
        routed = await router.chat(
            request, provider=config.provider, model=config.model, on_call=on_call
        )
    except ProviderError as exc:
        error = f"{type(exc).__name__}: {exc.message}"
        return JudgeResult({"status": "unjudged", "error": error[:300]})
    result = routed.result
    base = {"provider": result.provider, "model": result.model}
    tokens = result.usage.total_tokens
    try:
        verdict = parse_verdict(result.text, criteria)
    except ValueError as exc:
        record = {"status": "unjudged", "error": str(exc)[:300], **base}
        return JudgeResult(record, tokens, routed.attempts)
    return JudgeResult({"status": "judged", **base, **verdict}, tokens, routed.attempts)


def judge_check(record: Mapping[str, Any], min_score: float) -> CheckResult:
    """The strict-mode gate check on a judged sample's overall score."""
    overall = float(record.get("overall") or 0.0)
    details = {"overall": overall, "min_score": min_score}
    if overall < min_score:
        low = [f"{k}={v}" for k, v in (record.get("scores") or {}).items() if v < min_score]
        reason = f"judge scored {overall} (minimum {min_score})"
        if low:
            reason += ": " + ", ".join(low[:6])
        rationale = str(record.get("rationale") or "")
        if rationale:
            reason += f" — {rationale[:160]}"
        return CheckResult(CHECK_JUDGE_SCORE, False, reason, details)
    return CheckResult(CHECK_JUDGE_SCORE, True, None, details)
