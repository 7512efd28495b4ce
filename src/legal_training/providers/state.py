"""Where the provider layer keeps what it learns: one narrow, atomic key-value interface.

Budgets (request and token windows), limits learned from response headers, completion-length
estimates, cooldowns and circuit state all live behind :class:`StateStore`, never in module
globals or plain attributes, so that a store shared by several processes (Redis with a Lua
compare-and-set, or a PostgreSQL row with a version column) can replace
:class:`InMemoryStateStore` without touching the logic that reads and writes it.

The interface is deliberately two operations, both atomic per key: :meth:`StateStore.get` and
:meth:`StateStore.compare_and_set`. Values are frozen dataclasses made of numbers, strings and
tuples, registered with :func:`state_value`, so a shared store can serialise them as JSON
(:func:`encode_state` / :func:`decode_state`) and turn them back into the same objects.
:func:`update` is the read-modify-write loop every caller uses on top.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
C = TypeVar("C", bound=type)

CAS_ATTEMPTS = 100
CAS_MAX_BACKOFF_S = 0.05


class StateContention(RuntimeError):
    """A key changed under us on every one of :data:`CAS_ATTEMPTS` tries."""


#: The JSON key naming a value's registered type.
_TYPE_TAG = "@"
_VALUE_TYPES: dict[str, type] = {}


def state_value(cls: C) -> C:
    """Register a frozen dataclass as storable, under its class name.

    Only registered names are turned back into objects, so whatever sits in a shared store can
    never make a reader build an arbitrary class.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    known = _VALUE_TYPES.get(cls.__name__)
    if known is not None and known is not cls:
        raise TypeError(f"another state value is already registered as {cls.__name__!r}")
    _VALUE_TYPES[cls.__name__] = cls
    return cls


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _VALUE_TYPES.get(name) is not type(value):
            raise TypeError(f"{name} is not registered with state_value")
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE_TAG: name, **fields}
    raise TypeError(f"cannot store a {type(value).__name__} in shared state")


def _rebuilt(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_rebuilt(item) for item in value)
    if isinstance(value, dict):
        fields = dict(value)
        name = fields.pop(_TYPE_TAG, None)
        cls = _VALUE_TYPES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"stored state names an unknown type {name!r}")
        return cls(**{key: _rebuilt(item) for key, item in fields.items()})
    return value


def encode_state(value: Any) -> str:
    """Canonical JSON for a stored value: the same value always gives the same text, and
    ``encode_state(decode_state(text)) == text``, which is what lets a shared store compare
    and set by text."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"))


def decode_state(text: str | bytes) -> Any:
    """The value :func:`encode_state` wrote (tuples come back as tuples)."""
    return _rebuilt(json.loads(text))


class StateStore(ABC):
    """Atomic get and compare-and-set per key; nothing more."""

    @abstractmethod
    async def get(self, key: str) -> Any | None:
        """The current value, or None if the key was never written."""

    @abstractmethod
    async def compare_and_set(self, key: str, expected: Any | None, new: Any) -> bool:
        """Write ``new`` only if the stored value still equals ``expected``."""

    async def aclose(self) -> None:  # noqa: B027 - most stores hold nothing to close
        """Release connections held for the running event loop, if any."""


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
    for attempt in range(CAS_ATTEMPTS):
        current = await store.get(key)
        new = change(current)
        if new is None:
            return current, current
        if await store.compare_and_set(key, current, new):
            return current, new
        # Lost the race: back off a random, growing moment so that writers contending for one
        # key (several processes on one account) take turns instead of colliding again.
        await asyncio.sleep(random.uniform(0.0, min(CAS_MAX_BACKOFF_S, 0.0005 * 2**attempt)))
    raise StateContention(f"state key {key!r} is too contended to update")


__all__ = [
    "InMemoryStateStore",
    "StateContention",
    "StateStore",
    "decode_state",
    "encode_state",
    "state_value",
    "update",
]
