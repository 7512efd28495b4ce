"""Provider state in Redis, so every process on every host paces against one budget per account.

Each key holds the canonical JSON of one state value (:func:`~legal_training.providers.state.
encode_state`). Compare-and-set is one Lua script, which Redis runs atomically: it compares the
stored text with the expected value's text and writes only on a match, so no read-modify-write of
another client can fall between the comparison and the write. Because encoding is canonical, the
text of a value read back is exactly the text that was stored.

Every write refreshes a time to live (:data:`DEFAULT_TTL_S`, longer than the longest quota
window), so state of a provider nobody uses any more does not stay in Redis for ever.

An asyncio Redis client belongs to the event loop it first ran on, while a budget outlives the
loops of the CLI commands and tests that use it, so the store keeps one client per running loop.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Redis
from redis.asyncio.connection import parse_url
from redis.commands.core import AsyncScript

from legal_training.providers.state import StateStore, decode_state, encode_state

DEFAULT_PREFIX = "legal-training:state:"
#: Two days: past the longest window any provider counts (a day), so nothing live expires.
DEFAULT_TTL_S = 2 * 86_400

_COMPARE_AND_SET = """
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
return 1
"""


class RedisStateStore(StateStore):
    """A :class:`~legal_training.providers.state.StateStore` shared through one Redis server.

    ``url`` is a ``redis://`` (or ``rediss://``, ``unix://``) URL; ``prefix`` separates this
    deployment's keys from anything else in the same database.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        ttl_s: int = DEFAULT_TTL_S,
    ) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        # Parsing now turns a malformed URL into an error at start-up, not at the first call.
        parse_url(url)
        self._url = url
        self._prefix = prefix
        self._ttl_s = ttl_s
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[Redis, AsyncScript]
        ] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        # The URL may carry a password; it never appears in a repr or a log line.
        return f"RedisStateStore(prefix={self._prefix!r})"

    def _client(self) -> tuple[Redis, AsyncScript]:
        loop = asyncio.get_running_loop()
        found = self._clients.get(loop)
        if found is None:
            client = aioredis.from_url(self._url)
            found = (client, client.register_script(_COMPARE_AND_SET))
            self._clients[loop] = found
        return found

    def _key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    async def get(self, key: str) -> Any | None:
        client, _ = self._client()
        raw = await client.get(self._key(key))
        return None if raw is None else decode_state(raw)

    async def compare_and_set(self, key: str, expected: Any | None, new: Any) -> bool:
        _, script = self._client()
        present = expected is not None
        args = [
            "1" if present else "0",
            encode_state(expected) if present else "",
            encode_state(new),
        ]
        written = await script(keys=[self._key(key)], args=[*args, str(self._ttl_s)])
        return bool(written)

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        found = self._clients.pop(loop, None)
        if found is not None:
            await found[0].aclose()


__all__ = ["DEFAULT_PREFIX", "DEFAULT_TTL_S", "RedisStateStore"]
