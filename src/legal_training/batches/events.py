"""Typed batch events and the bus that carries them to SSE clients.

Why a bus with a replay log: pushing the whole, ever-growing batch state to unbounded per-client
queues without event ids makes a reconnecting browser lose whatever happened in between. Here
every event is a small dataclass, gets a
monotonically increasing id when published, and is kept in a bounded log per batch and a global
one, so a client reconnecting with ``Last-Event-ID`` is replayed exactly what it missed.

:class:`EventBus` is the interface the engine publishes through; :class:`InMemoryEventBus` is
the one-process implementation. A multi-process deployment swaps in one backed by Redis streams
(DESIGN.md "Scale-out") without touching the engine.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

DEFAULT_BATCH_LOG = 2000
DEFAULT_GLOBAL_LOG = 5000
DEFAULT_SUBSCRIBER_QUEUE = 10_000
TERMINAL_STATUSES = frozenset({"completed", "stopped", "failed", "interrupted"})


@dataclass(frozen=True)
class BatchEvent:
    """Base of every event: which batch, and when (UTC)."""

    name: ClassVar[str] = "event"
    batch_id: str
    created: datetime = field(default_factory=lambda: datetime.now(UTC), kw_only=True)

    def payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["created"] = self.created.isoformat()
        data["type"] = self.name
        return data


@dataclass(frozen=True)
class ProgressEvent(BatchEvent):
    """Counts only (never the growing error list), so each event stays a few hundred bytes."""

    name: ClassVar[str] = "progress"
    samples_generated: int
    total: int
    samples_rejected: int
    tokens_used: int
    rate_per_minute: float | None = None
    eta_seconds: float | None = None
    provider: str | None = None
    model: str | None = None
    #: Samples accepted after a repair, and the tokens that saved against regenerating them.
    samples_repaired: int = 0
    repair_tokens_saved: int = 0
    judge_tokens: int = 0


@dataclass(frozen=True)
class SampleEvent(BatchEvent):
    """A sample was committed (published only after the commit)."""

    name: ClassVar[str] = "sample"
    sample_id: str
    topic: str
    difficulty: str
    sample_type: str
    samples_generated: int
    total: int


@dataclass(frozen=True)
class ErrorEvent(BatchEvent):
    """A rejected answer or a failed call. ``reasons`` lists what went wrong (failed check
    names, or one line per provider that could not serve); ``message`` is for people."""

    name: ClassVar[str] = "error"
    message: str
    category: str | None = None
    topic: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusEvent(BatchEvent):
    name: ClassVar[str] = "status"
    status: str
    samples_generated: int
    total: int
    reason: str | None = None
    #: Why a batch failed or stopped, one item per cause (e.g. the dominant rejection reasons).
    reasons: tuple[str, ...] = ()

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass(frozen=True)
class Envelope:
    """A published event with its id."""

    id: int
    event: BatchEvent

    @property
    def name(self) -> str:
        return self.event.name

    @property
    def batch_id(self) -> str:
        return self.event.batch_id

    def payload(self) -> dict[str, Any]:
        return self.event.payload()


class EventBus(ABC):
    """Where the engine publishes and SSE routes subscribe."""

    @abstractmethod
    def publish(self, event: BatchEvent) -> Envelope:
        """Assign the next id, log the event and hand it to live subscribers."""

    @abstractmethod
    def last_id(self) -> int:
        """The id of the latest event (0 before the first)."""

    @abstractmethod
    def replay(self, batch_id: str | None, after: int | None) -> list[Envelope]:
        """Logged events of one batch (or all, ``batch_id=None``) with ids above ``after``."""

    @abstractmethod
    def subscribe(self, batch_id: str | None, after: int | None) -> AsyncIterator[Envelope]:
        """Replay from ``after`` then follow live events, without gaps or repeats."""


class _Subscriber:
    def __init__(self, batch_id: str | None, maxsize: int) -> None:
        self.batch_id = batch_id
        self.queue: asyncio.Queue[Envelope | None] = asyncio.Queue(maxsize)
        self.overflowed = False

    def offer(self, envelope: Envelope) -> None:
        if self.batch_id is not None and envelope.batch_id != self.batch_id:
            return
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(envelope)
        except asyncio.QueueFull:
            # A stalled client is cut off rather than buffered forever; it reconnects with
            # Last-Event-ID and the log replays what it missed.
            self.overflowed = True
            self.queue.get_nowait()
            self.queue.put_nowait(None)


class InMemoryEventBus(EventBus):
    """One process's bus. Ids start at the creation time in milliseconds so that ids still grow
    across a restart (a client's old Last-Event-ID is then simply older than everything)."""

    def __init__(
        self,
        *,
        batch_log: int = DEFAULT_BATCH_LOG,
        global_log: int = DEFAULT_GLOBAL_LOG,
        subscriber_queue: int = DEFAULT_SUBSCRIBER_QUEUE,
        first_id: int | None = None,
    ) -> None:
        self._batch_log_size = batch_log
        self._global: deque[Envelope] = deque(maxlen=global_log)
        self._per_batch: dict[str, deque[Envelope]] = {}
        self._subscribers: set[_Subscriber] = set()
        self._subscriber_queue = subscriber_queue
        self._last = (int(time.time() * 1000) if first_id is None else first_id) - 1

    def publish(self, event: BatchEvent) -> Envelope:
        self._last += 1
        envelope = Envelope(self._last, event)
        self._global.append(envelope)
        log = self._per_batch.get(event.batch_id)
        if log is None:
            log = self._per_batch[event.batch_id] = deque(maxlen=self._batch_log_size)
        log.append(envelope)
        for subscriber in list(self._subscribers):
            subscriber.offer(envelope)
        return envelope

    def last_id(self) -> int:
        return max(self._last, 0)

    def replay(self, batch_id: str | None, after: int | None) -> list[Envelope]:
        log = self._global if batch_id is None else self._per_batch.get(batch_id, deque())
        floor = after if after is not None else -1
        return [e for e in log if e.id > floor]

    async def subscribe(self, batch_id: str | None, after: int | None) -> AsyncIterator[Envelope]:
        subscriber = _Subscriber(batch_id, self._subscriber_queue)
        self._subscribers.add(subscriber)  # before the replay: nothing published can slip by
        try:
            last = after if after is not None else -1
            for envelope in self.replay(batch_id, after) if after is not None else ():
                last = envelope.id
                yield envelope
            while True:
                item = await subscriber.queue.get()
                if item is None:
                    return
                if item.id <= last:
                    continue
                last = item.id
                yield item
        finally:
            self._subscribers.discard(subscriber)
