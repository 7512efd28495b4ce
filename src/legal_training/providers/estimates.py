"""What a call will cost, learned from what calls like it cost before.

Two numbers decide how much of a token budget a call holds:

* the prompt: our offline estimate (characters / 3) is deliberately high; each provider's
  reported ``prompt_tokens`` correct it with a running ratio;
* the completion: a usage-charging provider (Groq, OpenAI, Ollama) charges what the answer
  used, so we reserve the recent average for that model and kind of output, with headroom. A
  provider that charges ``prompt + max_tokens`` at admission (Cerebras) is asked for a
  ``max_tokens`` drawn from the longest recent completions (times a factor, never below a
  floor), so its reservations are not two or three times what the answers need.

Until a few completions have been seen, the caller's ``max_tokens`` stands. Everything lives in
the shared :class:`~legal_training.providers.state.StateStore`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from legal_training.providers.state import StateStore, state_value, update

#: Completions remembered per (provider, model, kind of output).
KEEP_COMPLETIONS = 30
#: Completions needed before an estimate replaces the caller's ``max_tokens``.
MIN_COMPLETIONS = 3
#: Reserve the recent mean plus this share (usage-charging providers).
COMPLETION_HEADROOM = 0.10
#: ``max_tokens`` = the longest recent completion times this (admission-charging providers).
MAX_TOKENS_FACTOR = 1.5
#: Never ask for fewer completion tokens than this, whatever the history says.
MAX_TOKENS_FLOOR = 1024
_RATIO_WEIGHT = 0.2
_RATIO_BOUNDS = (0.3, 2.0)


@state_value
@dataclass(frozen=True)
class CompletionHistory:
    """Recent completion lengths (newest last) for one provider, model and kind of output."""

    recent: tuple[int, ...]


@state_value
@dataclass(frozen=True)
class PromptRatio:
    """Reported prompt tokens / our estimate, as a running average."""

    ratio: float
    samples: int


class UsageEstimator:
    """Learns completion lengths and prompt ratios; answers what to reserve and ask for."""

    def __init__(
        self,
        store: StateStore,
        *,
        keep: int = KEEP_COMPLETIONS,
        min_completions: int = MIN_COMPLETIONS,
        completion_headroom: float = COMPLETION_HEADROOM,
        max_tokens_factor: float = MAX_TOKENS_FACTOR,
        max_tokens_floor: int = MAX_TOKENS_FLOOR,
    ) -> None:
        self._store = store
        self.keep = keep
        self.min_completions = min_completions
        self.completion_headroom = completion_headroom
        self.max_tokens_factor = max_tokens_factor
        self.max_tokens_floor = max_tokens_floor

    @staticmethod
    def _history_key(provider: str, model: str, kind: str) -> str:
        return f"usage|{provider}|{model}|{kind}"

    async def _history(self, provider: str, model: str, kind: str) -> tuple[int, ...]:
        stored = await self._store.get(self._history_key(provider, model, kind))
        return stored.recent if isinstance(stored, CompletionHistory) else ()

    async def prompt_tokens(self, provider: str, estimate: int) -> int:
        """Our offline estimate corrected by what this provider's tokeniser reported."""
        stored = await self._store.get(f"prompt|{provider}")
        ratio = stored.ratio if isinstance(stored, PromptRatio) and stored.samples else 1.0
        return max(1, math.ceil(estimate * ratio))

    async def completion_tokens(self, provider: str, model: str, kind: str, default: int) -> int:
        """What to reserve for the completion of a usage-charged call."""
        recent = await self._history(provider, model, kind)
        if len(recent) < self.min_completions:
            return default
        mean = sum(recent) / len(recent)
        return min(default, max(1, math.ceil(mean * (1.0 + self.completion_headroom))))

    async def max_tokens(self, provider: str, model: str, kind: str, ceiling: int) -> int:
        """What to ask for as ``max_tokens`` when the provider charges it at admission."""
        recent = await self._history(provider, model, kind)
        if len(recent) < self.min_completions:
            return ceiling
        wanted = math.ceil(max(recent) * self.max_tokens_factor)
        return max(min(ceiling, self.max_tokens_floor), min(ceiling, wanted))

    async def record(
        self,
        provider: str,
        model: str,
        kind: str | None,
        *,
        prompt_estimate: int,
        prompt_tokens: int,
        completion_tokens: int,
    ) -> None:
        """Remember one completed call's usage."""
        if prompt_estimate > 0 and prompt_tokens > 0:
            observed = min(max(prompt_tokens / prompt_estimate, _RATIO_BOUNDS[0]), _RATIO_BOUNDS[1])

            def blend(stored: object) -> PromptRatio:
                if not isinstance(stored, PromptRatio) or not stored.samples:
                    return PromptRatio(observed, 1)
                ratio = stored.ratio + _RATIO_WEIGHT * (observed - stored.ratio)
                return PromptRatio(ratio, stored.samples + 1)

            await update(self._store, f"prompt|{provider}", blend)
        if kind is None or completion_tokens <= 0:
            return

        def push(stored: object) -> CompletionHistory:
            recent = stored.recent if isinstance(stored, CompletionHistory) else ()
            return CompletionHistory((*recent, completion_tokens)[-self.keep :])

        await update(self._store, self._history_key(provider, model, kind), push)


__all__ = ["CompletionHistory", "PromptRatio", "UsageEstimator"]
