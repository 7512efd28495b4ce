"""A batch's counters for the gate's follow-up calls: repairs and the judge.

Kept apart from the engine's own counters so that the engine only adds, reads and stores one
value: a repaired sample is an accepted sample to every other bound (circuits, spending), and
these numbers say what the follow-ups cost and saved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from legal_training.generation.pipeline import GenerationOutcome, OutcomeKind

JUDGE_CHECK = "judge_score"


@dataclass
class FollowupCounters:
    """Repair: attempts, samples accepted after repair, tokens spent and saved against
    regenerating. Judge: samples judged, kept unjudged (judge failed), rejected for a low
    score, and the judge's tokens (also in the batch's ``tokens_used``)."""

    repair_attempts: int = 0
    samples_repaired: int = 0
    repair_tokens: int = 0
    repair_tokens_saved: int = 0
    judged: int = 0
    unjudged: int = 0
    judge_rejected: int = 0
    judge_tokens: int = 0

    def record_spend(self, outcome: GenerationOutcome) -> None:
        """Every answer (accepted or not): what its follow-ups cost."""
        quality = outcome.quality
        if quality is not None and quality.repair is not None:
            self.repair_attempts += 1
        self.repair_tokens += outcome.repair_tokens
        self.judge_tokens += outcome.judge_tokens
        if quality is not None and quality.judge is not None:
            if quality.judge.get("status") == "judged":
                self.judged += 1
            else:
                self.unjudged += 1
        if outcome.kind is OutcomeKind.REJECTED and JUDGE_CHECK in outcome.reasons:
            self.judge_rejected += 1

    def record_saved(self, outcome: GenerationOutcome) -> None:
        """A committed sample: counted as repaired only once it is in the batch."""
        if outcome.repaired:
            self.samples_repaired += 1
            self.repair_tokens_saved += outcome.repair_saved_tokens

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> FollowupCounters:
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in (data or {}).items() if k in known})


__all__ = ["JUDGE_CHECK", "FollowupCounters"]
