"""A throwaway ``redis-server`` on a loopback port, for the tests of shared provider state.

The server keeps nothing on disk (``--save ''``, ``--appendonly no``) and is stopped when the
test session ends. Readiness is read from the server's own log line, not guessed with a sleep.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator

REQUIRE_ENV = "LEGAL_TRAINING_TEST_REQUIRE_REDIS"
_READY = "Ready to accept connections"
_ATTEMPTS = 3


class RedisUnavailable(RuntimeError):
    """No redis-server binary on this machine."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _drain(stream: object) -> None:
    # The server keeps logging after it is ready; a full pipe would stall it.
    for _ in stream:  # type: ignore[attr-defined]
        pass


def _start(binary: str, port: int) -> subprocess.Popen[str] | None:
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if _READY in line:
            threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
            return process
    process.wait()
    return None  # it exited before it was ready: most likely the port was taken meanwhile


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Start a server and yield its ``redis://`` URL; raises :class:`RedisUnavailable` when
    the binary is missing and :data:`REQUIRE_ENV` is not set."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get(REQUIRE_ENV):
            raise RuntimeError(f"{REQUIRE_ENV} is set but redis-server is not installed")
        raise RedisUnavailable("redis-server is not installed (apt-get install redis-server)")
    for _ in range(_ATTEMPTS):
        port = _free_port()
        process = _start(binary, port)
        if process is None:
            continue
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return
    raise RuntimeError(f"redis-server did not start after {_ATTEMPTS} attempts")
