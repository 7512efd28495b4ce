"""How much a batch may spend on calls that produce nothing, and how that is enforced.

Every provider call a batch makes (retries and 429s included) is counted before it is sent.
Three bounds keep a batch whose answers keep failing from spending without end:

* **per topic**: ``topic_rejections`` rejections in a row open the topic's circuit (see
  :mod:`~legal_training.batches.circuit`), and its slots ask for other topics meanwhile;
* **per provider/model**: ``model_rejections`` rejections in a row set that model aside for
  this batch for ``model_pause_s`` (work moves to the next model or provider), then it is tried
  again;
* **per batch**: over the last ``window`` answers, acceptance below ``min_acceptance`` ends the
  batch ``failed`` with the dominant reasons; and the batch never makes more than
  ``max(min_calls, calls_per_sample x count)`` calls beyond what its accepted samples justify
  (``accepted / min_acceptance``). With the defaults a batch whose every answer fails stops
  within ``max(60, 3 x count)`` calls.

Exact duplicates and near-duplicates count for the topic (the topic is saturated) but not for
the model (the answer may be fine, just not new).
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field

from legal_training.generation.checks import CHECK_DUPLICATE


@dataclass(frozen=True)
class SpendingPolicy:
    """The bounds above; every field may be set per engine (and so per deployment)."""

    min_calls: int = 60
    calls_per_sample: float = 3.0
    min_acceptance: float = 0.05
    window: int = 40
    topic_rejections: int = 3
    model_rejections: int = 6
    model_pause_s: float = 300.0

    def __post_init__(self) -> None:
        if self.min_calls < 1 or self.calls_per_sample < 0 or self.window < 1:
            raise ValueError("min_calls and window must be >= 1, calls_per_sample >= 0")
        if not 0.0 < self.min_acceptance <= 1.0:
            raise ValueError("min_acceptance must be within (0, 1]")
        if self.topic_rejections < 1 or self.model_rejections < 1:
            raise ValueError("rejection thresholds must be >= 1")

    def base_calls(self, count: int) -> int:
        """Calls a batch of ``count`` may make before its results must justify more."""
        return max(self.min_calls, math.ceil(self.calls_per_sample * count))


@dataclass
class SpendingTracker:
    """One run's counters against a :class:`SpendingPolicy`."""

    policy: SpendingPolicy
    count: int
    calls: int = 0
    accepted: int = 0
    recent: deque[bool] = field(default_factory=deque)
    recent_reasons: deque[tuple[str, ...]] = field(default_factory=deque)
    model_streaks: Counter[tuple[str, str]] = field(default_factory=Counter)
    paused_models: dict[tuple[str, str], float] = field(default_factory=dict)

    def allowance(self) -> float:
        return self.policy.base_calls(self.count) + self.accepted / self.policy.min_acceptance

    def may_call(self) -> bool:
        return self.calls < self.allowance()

    def record_answer(self, *, accepted: bool, reasons: tuple[str, ...] = ()) -> None:
        """An answer came back (accepted, or rejected for ``reasons``)."""
        if accepted:
            self.accepted += 1
        self.recent.append(accepted)
        self.recent_reasons.append(reasons)
        while len(self.recent) > self.policy.window:
            self.recent.popleft()
            self.recent_reasons.popleft()

    def below_floor(self) -> bool:
        """Acceptance over the last ``window`` answers is under the floor."""
        if len(self.recent) < self.policy.window:
            return False
        return sum(self.recent) / len(self.recent) < self.policy.min_acceptance

    def acceptance(self) -> float:
        return sum(self.recent) / len(self.recent) if self.recent else 0.0

    def dominant_reasons(self, limit: int = 3) -> list[tuple[str, int]]:
        """The most frequent rejection reasons among the recent answers."""
        counts: Counter[str] = Counter(r for reasons in self.recent_reasons for r in reasons)
        return counts.most_common(limit)

    def model_result(
        self, provider: str, model: str, *, accepted: bool, reasons: tuple[str, ...], now: float
    ) -> bool:
        """Count an answer from ``provider``/``model``; True when the model is now paused."""
        key = (provider, model)
        if accepted:
            self.model_streaks.pop(key, None)
            self.paused_models.pop(key, None)
            return False
        if reasons and set(reasons) <= {CHECK_DUPLICATE}:
            return False
        self.model_streaks[key] += 1
        if self.model_streaks[key] >= self.policy.model_rejections:
            self.model_streaks[key] = 0
            self.paused_models[key] = now + self.policy.model_pause_s
            return True
        return False

    def excluded(self, now: float) -> frozenset[tuple[str, str]]:
        """Models set aside for this batch right now."""
        for key, until in list(self.paused_models.items()):
            if until <= now:
                del self.paused_models[key]
        return frozenset(self.paused_models)


__all__ = ["SpendingPolicy", "SpendingTracker"]
