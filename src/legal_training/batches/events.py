"""Typed batch events and the bus that carries them to SSE clients.

Why a bus with a replay log: pushing the whole, ever-growing batch state to unbounded per-client
queues without event ids makes a reconnecting browser lose whatever happened in between. Here
every event is a small dataclass, gets a
monotonically increasing id when published, and is kept in a bounded log per batch and a global
one, so a client reconnecting with ``Last-Event-ID`` is replayed exactly what it missed.

Bounded logs mean a client can fall further behind than the log reaches (a long disconnect, or a
slow reader whose queue overflows). Such a client is never skipped silently: it gets a
:class:`SnapshotEvent` with the batch's current state (read through the ``snapshot`` callable the
bus is given, normally from the database), then live events. A batch's log is dropped a short
grace after its terminal status event, so finished batches hold no memory.

:class:`EventBus` is the interface the engine publishes through; :class:`InMemoryEventBus` is
the one-process implementation. A multi-process deployment swaps in one backed by Redis streams
(DESIGN.md "Scale-out") without touching the engine.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

DEFAULT_BATCH_LOG = 2000
DEFAULT_GLOBAL_LOG = 5000
DEFAULT_SUBSCRIBER_QUEUE = 10_000
#: How long a finished batch's log stays readable, so a client can still fetch the final event.
DEFAULT_RETAIN_AFTER_END_S = 30.0
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
class SnapshotEvent(BatchEvent):
    """The batch's current state, sent instead of events a client can no longer be replayed
    (its ``Last-Event-ID`` fell off the bounded log, or its queue overflowed). Its id is the
    bus's latest id when it was taken: reconnecting with it resumes after the snapshot."""

    name: ClassVar[str] = "snapshot"
    status: str
    samples_generated: int
    total: int
    samples_rejected: int = 0
    tokens_used: int = 0
    reason: str | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


#: Current state of one batch (``[]`` if unknown), or of every running batch for ``None``.
SnapshotSource = Callable[[str | None], list[SnapshotEvent]]


def event_from_payload(data: dict[str, Any]) -> BatchEvent:
    """The event :meth:`BatchEvent.payload` described (for buses that carry JSON)."""
    fields = dict(data)
    kind = _EVENT_TYPES[fields.pop("type")]
    fields["created"] = datetime.fromisoformat(fields["created"])
    if "reasons" in fields:
        fields["reasons"] = tuple(fields["reasons"])
    return kind(**fields)


def snapshot_from_status(status: dict[str, Any]) -> SnapshotEvent:
    """A snapshot from a batch status as the engine describes it."""
    return SnapshotEvent(
        str(status["batch_id"]),
        str(status["status"]),
        int(status.get("samples_generated") or 0),
        int(status.get("total") or 0),
        int(status.get("samples_rejected") or 0),
        int(status.get("tokens_used") or 0),
        status.get("stop_reason"),
    )


_EVENT_TYPES: dict[str, type[BatchEvent]] = {
    kind.name: kind for kind in (ProgressEvent, SampleEvent, ErrorEvent, StatusEvent, SnapshotEvent)
}


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


_LAGGED = None  # queued in place of the events a slow subscriber could not hold


class _Subscriber:
    def __init__(self, batch_id: str | None, maxsize: int) -> None:
        self.batch_id = batch_id
        # One slot more than the events it holds, so the lag marker always fits.
        self.queue: asyncio.Queue[Envelope | None] = asyncio.Queue(maxsize + 1)
        self.maxsize = maxsize

    def offer(self, envelope: Envelope) -> None:
        if self.batch_id is not None and envelope.batch_id != self.batch_id:
            return
        if self.queue.qsize() >= self.maxsize:
            # A stalled client is not buffered forever, nor silently skipped: what it could not
            # hold is replaced by one marker, which the reader turns into a snapshot.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(_LAGGED)
        self.queue.put_nowait(envelope)


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
        snapshot: SnapshotSource | None = None,
        retain_after_end_s: float = DEFAULT_RETAIN_AFTER_END_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._batch_log_size = batch_log
        self._global: deque[Envelope] = deque(maxlen=global_log)
        self._global_trimmed = -1  # highest id that fell off the global log
        self._per_batch: dict[str, deque[Envelope]] = {}
        self._trimmed: dict[str, int] = {}  # per batch: highest id that fell off its log
        self._ending: dict[str, float] = {}  # per finished batch: when its log is dropped
        self._subscribers: set[_Subscriber] = set()
        self._subscriber_queue = subscriber_queue
        self._snapshot = snapshot
        self._retain_s = retain_after_end_s
        self._clock = clock
        self._last = (int(time.time() * 1000) if first_id is None else first_id) - 1

    def set_snapshot_source(self, source: SnapshotSource) -> None:
        """Late binding: the source usually reads through the engine built with this bus."""
        self._snapshot = source

    def retained(self) -> tuple[int, int]:
        """(batches with a log, events held in all batch logs): what finished batches cost."""
        return len(self._per_batch), sum(len(log) for log in self._per_batch.values())

    def publish(self, event: BatchEvent) -> Envelope:
        self._drop_ended()
        self._last += 1
        envelope = Envelope(self._last, event)
        if len(self._global) == self._global.maxlen:
            self._global_trimmed = self._global[0].id
        self._global.append(envelope)
        log = self._per_batch.get(event.batch_id)
        if log is None:
            log = self._per_batch[event.batch_id] = deque(maxlen=self._batch_log_size)
        if len(log) == log.maxlen:
            self._trimmed[event.batch_id] = log[0].id
        log.append(envelope)
        if isinstance(event, StatusEvent):
            if event.terminal:
                self._ending[event.batch_id] = self._clock() + self._retain_s
            else:
                self._ending.pop(event.batch_id, None)  # resumed
        for subscriber in list(self._subscribers):
            subscriber.offer(envelope)
        return envelope

    def _drop_ended(self) -> None:
        if not self._ending:
            return
        now = self._clock()
        for batch_id, deadline in list(self._ending.items()):
            if deadline <= now:
                del self._ending[batch_id]
                self._per_batch.pop(batch_id, None)
                self._trimmed.pop(batch_id, None)

    def last_id(self) -> int:
        return max(self._last, 0)

    def replay(self, batch_id: str | None, after: int | None) -> list[Envelope]:
        self._drop_ended()
        log = self._global if batch_id is None else self._per_batch.get(batch_id, deque())
        floor = after if after is not None else -1
        return [e for e in log if e.id > floor]

    def has_gap(self, batch_id: str | None, after: int) -> bool:
        """Whether events after ``after`` were logged but are no longer held."""
        trimmed = self._global_trimmed if batch_id is None else self._trimmed.get(batch_id, -1)
        return after < trimmed

    def snapshots(self, batch_id: str | None) -> list[Envelope]:
        """Snapshot events stamped with the latest id (nothing without a snapshot source)."""
        if self._snapshot is None:
            return []
        stamp = self.last_id()
        return [Envelope(stamp, event) for event in self._snapshot(batch_id)]

    async def subscribe(self, batch_id: str | None, after: int | None) -> AsyncIterator[Envelope]:
        subscriber = _Subscriber(batch_id, self._subscriber_queue)
        self._subscribers.add(subscriber)  # before the replay: nothing published can slip by
        try:
            last = after if after is not None else -1
            if after is not None and self.has_gap(batch_id, after):
                for snap in self.snapshots(batch_id):
                    last = snap.id
                    yield snap
            elif after is not None:
                for envelope in self.replay(batch_id, after):
                    last = envelope.id
                    yield envelope
            while True:
                item = await subscriber.queue.get()
                if item is None:  # the lag marker
                    for snap in self.snapshots(batch_id):
                        last = snap.id
                        yield snap
                    continue
                if item.id <= last:
                    continue
                last = item.id
                yield item
        finally:
            self._subscribers.discard(subscriber)
