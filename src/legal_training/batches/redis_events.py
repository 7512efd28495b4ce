"""An :class:`EventBus` on Redis streams, so every API process streams every batch.

Each batch has a stream capped with ``XADD MAXLEN ~`` and there is one capped stream of all
events. Ids come from one Redis counter and are written as stream ids ``N-0``, so an id is a
plain integer usable as ``Last-Event-ID`` on any process, and XADD with the counter inside one
script keeps ids increasing in every stream even with many publishers. A reader follows with
``XREAD BLOCK``; whenever Redis may have trimmed entries above the reader's position (the
stream has lost entries and its first one lies beyond the reader), the reader gets a
:class:`SnapshotEvent` instead of a silent gap.
A batch's stream expires a grace after its terminal status event.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import redis
import redis.asyncio as aioredis

from legal_training.batches.events import (
    DEFAULT_BATCH_LOG,
    DEFAULT_GLOBAL_LOG,
    DEFAULT_RETAIN_AFTER_END_S,
    BatchEvent,
    Envelope,
    EventBus,
    SnapshotSource,
    StatusEvent,
    event_from_payload,
)

DEFAULT_PREFIX = "legal-training:events"
_READ_COUNT = 500

# Counter and both appends in one step: two publishers can never write ids out of order.
_PUBLISH = """
local n = redis.call('INCR', KEYS[1])
local id = n .. '-0'
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], id, 'e', ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], id, 'e', ARGV[1])
if ARGV[4] == 'end' then
  redis.call('EXPIRE', KEYS[2], ARGV[5])
elseif ARGV[4] == 'live' then
  redis.call('PERSIST', KEYS[2])
end
return n
"""


def _number(stream_id: bytes | str) -> int:
    text = stream_id.decode() if isinstance(stream_id, bytes) else stream_id
    return int(text.split("-", 1)[0])


class RedisEventBus(EventBus):
    """Publishes synchronously (the engine's publish is a plain call; on loopback one script
    call costs well under a millisecond) and subscribes with an asyncio client per reader."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        batch_log: int = DEFAULT_BATCH_LOG,
        global_log: int = DEFAULT_GLOBAL_LOG,
        retain_after_end_s: float = DEFAULT_RETAIN_AFTER_END_S,
        snapshot: SnapshotSource | None = None,
        block_ms: int = 1000,
    ) -> None:
        self._url = url
        self._client: redis.Redis = redis.Redis.from_url(url)
        self._script = self._client.register_script(_PUBLISH)
        self._prefix = prefix
        self._batch_log = batch_log
        self._global_log = global_log
        self._retain_s = max(1, int(retain_after_end_s))
        self._snapshot = snapshot
        self._block_ms = block_ms

    def __repr__(self) -> str:
        return f"RedisEventBus(prefix={self._prefix!r})"  # never the URL: it may hold a password

    def set_snapshot_source(self, source: SnapshotSource) -> None:
        self._snapshot = source

    def _key(self, batch_id: str | None) -> str:
        return f"{self._prefix}:all" if batch_id is None else f"{self._prefix}:batch:{batch_id}"

    def publish(self, event: BatchEvent) -> Envelope:
        phase = ""
        if isinstance(event, StatusEvent):
            phase = "end" if event.terminal else "live"
        number = self._script(
            keys=[f"{self._prefix}:last", self._key(event.batch_id), self._key(None)],
            args=[
                json.dumps(event.payload()),
                self._batch_log,
                self._global_log,
                phase,
                self._retain_s,
            ],
        )
        return Envelope(int(number), event)

    def last_id(self) -> int:
        value: Any = self._client.get(f"{self._prefix}:last")
        return int(value) if value is not None else 0

    def replay(self, batch_id: str | None, after: int | None) -> list[Envelope]:
        start = "-" if after is None else f"({after}-0"
        entries: Any = self._client.xrange(self._key(batch_id), start, "+")
        return [self._envelope(entry_id, fields) for entry_id, fields in entries]

    def has_gap(self, batch_id: str | None, after: int) -> bool:
        """Whether Redis may have trimmed entries above ``after`` from the stream. Trimming
        takes the oldest entries, so once any was trimmed a first entry beyond ``after + 1``
        may follow a hole. Cautious: at worst it sends a snapshot that was not needed."""
        try:
            info: Any = self._client.xinfo_stream(self._key(batch_id))
        except redis.ResponseError:  # no such stream (never written, or expired)
            return False
        if int(info["entries-added"]) <= int(info["length"]):
            return False
        first = info.get("first-entry")
        return first is None or _number(first[0]) > after + 1

    def snapshots(self, batch_id: str | None) -> list[Envelope]:
        if self._snapshot is None:
            return []
        stamp = self.last_id()
        return [Envelope(stamp, event) for event in self._snapshot(batch_id)]

    @staticmethod
    def _envelope(entry_id: bytes, fields: dict[bytes, bytes]) -> Envelope:
        data: dict[str, Any] = json.loads(fields[b"e"])
        return Envelope(_number(entry_id), event_from_payload(data))

    async def subscribe(self, batch_id: str | None, after: int | None) -> AsyncIterator[Envelope]:
        key = self._key(batch_id)
        client: aioredis.Redis = aioredis.Redis.from_url(self._url)
        try:
            cursor = self.last_id() if after is None else after
            while True:
                if self.has_gap(batch_id, cursor):
                    for snap in self.snapshots(batch_id):
                        cursor = max(cursor, snap.id)
                        yield snap
                response: Any = await client.xread(
                    {key: f"{cursor}-0"}, count=_READ_COUNT, block=self._block_ms
                )
                entries = response[0][1] if response else []
                if entries and self.has_gap(batch_id, cursor):
                    continue  # trimmed while we read: what we got may follow a hole
                for entry_id, fields in entries:
                    envelope = self._envelope(entry_id, fields)
                    cursor = envelope.id
                    yield envelope
        finally:
            await client.aclose()
