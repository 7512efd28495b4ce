"""A simulator in its own process, so the client under test does not share its interpreter.

    python -m benchmarks.simserver '{"flavour": "groq", "rpm": 60, "window": "sliding"}'

Prints ``PORT <n>`` once listening on loopback, then serves until killed. :class:`SimProcess`
starts one from a benchmark and reads its ``/_stats``.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from legal_training.simulator import SimulatorConfig, create_simulator_app

STARTUP_TIMEOUT_S = 20.0


def main() -> None:
    values: dict[str, Any] = json.loads(sys.argv[1])
    for key in ("models", "wrong_jurisdiction_models"):
        if key in values:
            values[key] = tuple(values[key])
    config = SimulatorConfig(**values)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(
        uvicorn.Config(
            create_simulator_app(config),
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
            backlog=4096,
        )
    )
    server.run(sockets=[sock])


class SimProcess:
    """``with SimProcess(config) as sim:`` a simulator on loopback in a child process."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> SimProcess:
        values = asdict(self.config)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.simserver", json.dumps(values)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"simulator did not start: {line!r}")
        self.port = int(line.split()[1])
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.root_url}/_stats", timeout=1.0)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("simulator did not answer")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def stats(self) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(f"{self.root_url}/_stats", timeout=10).json()
        return body

    def reset(self) -> None:
        httpx.post(f"{self.root_url}/_reset", timeout=10)

    def warm(self) -> None:
        """Serve one request (then forget it), so the first measured one is not the process's
        first: a provider that has been up for a while has its tokeniser and sockets ready."""
        model = self.config.model_list[0]
        httpx.post(
            f"{self.base_url}/chat/completions",
            json={
                "model": model,
                "messages": [{"role": "user", "content": "Topic: Tort Law - Nuisance"}],
                "max_tokens": 50,
            },
            headers={"Authorization": f"Bearer {self.config.api_key or 'warm'}"},
            timeout=30,
        )
        self.reset()


if __name__ == "__main__":
    main()
