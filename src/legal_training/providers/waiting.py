"""One caller at a time waits for room; the rest queue behind it.

Many concurrent callers that find every budget full would otherwise all sleep until the same
moment (the next slot to open) and all wake then, and again on every refund: with a window of
hundreds of waiters that is a wake-up of every waiter for each slot that opens, hundreds of
thousands of budget checks in the second the windows clear, and the event loop spends that
second checking instead of sending (measured: the calls of a reopened window reached the
provider 0.7-1.5 s after the slots opened). A :class:`WaitingLine` lets the caller at the head
of the line do the waiting; when it has its reservation the next caller looks, finds the next
slot or waits in turn, so N slots opening cost about N checks.

The line only orders callers of one process that want the same candidates; other processes
sharing the budget's store are not in it and need not be (they check the store as before).
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Hashable


class WaitingLine:
    """FIFO turns per key, one lock per event loop (a router outlives the loops of tests and
    CLI commands, and an asyncio lock belongs to one loop)."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[Hashable, asyncio.Lock]
        ] = weakref.WeakKeyDictionary()

    def _lock(self, key: Hashable) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        locks = self._locks.setdefault(loop, {})
        lock = locks.get(key)
        if lock is None:
            lock = locks[key] = asyncio.Lock()
        return lock

    def waiting(self, key: Hashable) -> bool:
        """Whether a caller holds the turn for ``key`` now (others may be queued behind it)."""
        return self._lock(key).locked()

    @contextlib.asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        """Hold the turn for ``key``: callers get it in the order they asked."""
        async with self._lock(key):
            yield
