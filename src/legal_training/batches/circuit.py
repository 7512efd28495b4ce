"""Per-topic circuit breakers: stop spending quota on a topic that keeps failing.

3 failures since the last success open a topic's circuit for 300 s; the next check after that
moves it to half-open; 2 successes in half-open close it, any failure there re-opens it. It is a
plain object with an injectable clock (tests drive time; nothing sleeps), owned by one batch run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

FAILURE_THRESHOLD = 3
RECOVERY_TIMEOUT_S = 300.0
SUCCESS_THRESHOLD = 2


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class _Circuit:
    state: CircuitState = CircuitState.CLOSED
    failures: int = 0
    successes: int = 0
    opened_at: float = 0.0


class CircuitBreakers:
    """One circuit per key (a topic's full name)."""

    def __init__(
        self,
        *,
        failure_threshold: int = FAILURE_THRESHOLD,
        recovery_timeout_s: float = RECOVERY_TIMEOUT_S,
        success_threshold: int = SUCCESS_THRESHOLD,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or success_threshold < 1 or recovery_timeout_s < 0:
            raise ValueError("thresholds must be >= 1 and the timeout >= 0")
        self.failure_threshold = failure_threshold
        self.recovery_timeout_s = recovery_timeout_s
        self.success_threshold = success_threshold
        self._clock = clock
        self._circuits: dict[str, _Circuit] = {}

    def state(self, key: str) -> CircuitState:
        """The state now; an open circuit whose timeout has passed becomes half-open here."""
        circuit = self._circuits.get(key)
        if circuit is None:
            return CircuitState.CLOSED
        if (
            circuit.state is CircuitState.OPEN
            and self._clock() - circuit.opened_at >= self.recovery_timeout_s
        ):
            circuit.state = CircuitState.HALF_OPEN
            circuit.successes = 0
        return circuit.state

    def allow(self, key: str) -> bool:
        """May a request for ``key`` be sent now?"""
        return self.state(key) is not CircuitState.OPEN

    def record_success(self, key: str) -> None:
        circuit = self._circuits.get(key)
        if circuit is None:
            return
        if self.state(key) is CircuitState.HALF_OPEN:
            circuit.successes += 1
            if circuit.successes >= self.success_threshold:
                del self._circuits[key]
            return
        circuit.failures = 0
        if circuit.state is CircuitState.CLOSED:
            del self._circuits[key]

    def record_failure(self, key: str) -> bool:
        """Count a failure; returns True when this failure opened (or re-opened) the circuit."""
        circuit = self._circuits.setdefault(key, _Circuit())
        state = self.state(key)
        if state is CircuitState.OPEN:
            return False
        circuit.failures += 1
        if state is CircuitState.HALF_OPEN or circuit.failures >= self.failure_threshold:
            circuit.state = CircuitState.OPEN
            circuit.opened_at = self._clock()
            circuit.successes = 0
            return True
        return False

    def seconds_until_retry(self) -> float | None:
        """How long until the first open circuit turns half-open (None: none is open)."""
        now = self._clock()
        waits = [
            max(0.0, c.opened_at + self.recovery_timeout_s - now)
            for c in self._circuits.values()
            if c.state is CircuitState.OPEN
        ]
        return min(waits) if waits else None

    def summary(self) -> dict[str, list[dict[str, Any]]]:
        """The ``circuit_breaker_summary`` shape of batch status, JSON-serialisable."""
        now = self._clock()
        summary: dict[str, list[dict[str, Any]]] = {
            "open_circuits": [],
            "half_open_circuits": [],
            "closed_with_failures": [],
        }
        for key in sorted(self._circuits):
            circuit = self._circuits[key]
            state = self.state(key)
            if state is CircuitState.OPEN:
                summary["open_circuits"].append(
                    {
                        "topic": key,
                        "failures": circuit.failures,
                        "opened_for_seconds": round(now - circuit.opened_at, 1),
                    }
                )
            elif state is CircuitState.HALF_OPEN:
                summary["half_open_circuits"].append({"topic": key, "successes": circuit.successes})
            elif circuit.failures:
                summary["closed_with_failures"].append({"topic": key, "failures": circuit.failures})
        return summary
