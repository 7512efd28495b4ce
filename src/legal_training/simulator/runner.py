"""Run a simulator on loopback in a background thread, for tests, benchmarks and the demo mode."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from legal_training.simulator.app import create_simulator_app
from legal_training.simulator.config import SimulatorConfig
from legal_training.simulator.state import SimulatorState

STARTUP_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 10.0


class SimulatorStartError(RuntimeError):
    """The server thread did not come up (port, import or lifespan failure)."""


class RunningSimulator:
    """Handle on a live simulator: where to reach it and what it has served."""

    def __init__(self, host: str, port: int, state: SimulatorState) -> None:
        self.host = host
        self.port = port
        self._state = state

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (what SDK clients take as ``base_url``)."""
        return f"{self.root_url}/v1"

    @property
    def config(self) -> SimulatorConfig:
        return self._state.config

    def stats(self) -> dict[str, Any]:
        return self._state.stats()

    def reset(self) -> None:
        self._state.reset()


@contextmanager
def run_simulator(
    config: SimulatorConfig, *, host: str = "127.0.0.1"
) -> Iterator[RunningSimulator]:
    """Serve ``config`` on a free loopback port until the block exits, then stop cleanly."""
    app = create_simulator_app(config)
    state: SimulatorState = app.state.simulator
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"simulator-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise SimulatorStartError(f"simulator on {host}:{port} did not start")
        time.sleep(0.01)
    try:
        yield RunningSimulator(host, port, state)
    finally:
        state.shutdown.set()  # release held "timeout" responses before waiting on connections
        server.should_exit = True
        thread.join(STOP_TIMEOUT_SECONDS)
        sock.close()
