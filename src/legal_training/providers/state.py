"""Where the provider layer keeps what it learns: one narrow, atomic key-value interface.

Budgets (request and token windows), limits learned from response headers, completion-length
estimates, cooldowns and circuit state all live behind :class:`StateStore`, never in module
globals or plain attributes, so that a store shared by several processes (Redis with a Lua
compare-and-set, or a PostgreSQL row with a version column) can replace
:class:`InMemoryStateStore` without touching the logic that reads and writes it.

The interface is deliberately two operations, both atomic per key: :meth:`StateStore.get` and
:meth:`StateStore.compare_and_set`. Values are frozen dataclasses made of numbers, strings and
tuples, so a shared store can serialise them as JSON. :func:`update` is the read-modify-write
loop every caller uses on top.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

CAS_ATTEMPTS = 100


class StateContention(RuntimeError):
    """A key changed under us on every one of :data:`CAS_ATTEMPTS` tries."""


class StateStore(ABC):
    """Atomic get and compare-and-set per key; nothing more."""

    @abstractmethod
    async def get(self, key: str) -> Any | None:
        """The current value, or None if the key was never written."""

    @abstractmethod
    async def compare_and_set(self, key: str, expected: Any | None, new: Any) -> bool:
        """Write ``new`` only if the stored value still equals ``expected``."""


class InMemoryStateStore(StateStore):
    """Process-local storage; a lock makes it safe from several threads as well as tasks."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()

    async def get(self, key: str) -> Any | None:
        with self._lock:
            return self._values.get(key)

    async def compare_and_set(self, key: str, expected: Any | None, new: Any) -> bool:
        with self._lock:
            if self._values.get(key) != expected:
                return False
            self._values[key] = new
            return True


async def update(
    store: StateStore,
    key: str,
    change: Callable[[T | None], T | None],
) -> tuple[T | None, T | None]:
    """Apply ``change`` to the value at ``key`` atomically; returns ``(before, after)``.

    ``change`` receives the stored value (None when absent) and returns the new one, or None to
    leave the key as it is. It may run several times under contention, so it must be pure.
    """
    for _ in range(CAS_ATTEMPTS):
        current = await store.get(key)
        new = change(current)
        if new is None:
            return current, current
        if await store.compare_and_set(key, current, new):
            return current, new
    raise StateContention(f"state key {key!r} is too contended to update")


__all__ = ["InMemoryStateStore", "StateContention", "StateStore", "update"]
