"""Shared builders for provider tests: settings with a providers file, switchable transports."""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import yaml

from legal_training.settings import Settings


def settings_with_providers(
    tmp_path: Path, providers: Sequence[Mapping[str, Any]] | None = None, **overrides: Any
) -> Settings:
    """Settings with no built-in keys (whatever the environment holds) and an optional file."""
    values: dict[str, Any] = {
        "groq_api_key": None,
        "cerebras_api_key": None,
        "ollama_api_key": None,
        "providers_file": None,
    }
    if providers is not None:
        path = tmp_path / "providers.yaml"
        path.write_text(yaml.safe_dump({"providers": [dict(p) for p in providers]}))
        values["providers_file"] = path
    values.update(overrides)
    return Settings(**values)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class SwitchableTransport(httpx.AsyncBaseTransport):
    """Real HTTP, but while ``down`` every request goes to a closed port (connection refused)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.down = False
        self.dead_port = closed_port()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            request.url = request.url.copy_with(port=self.dead_port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
