"""SSE over a real socket: ordered ids, then a reconnect with Last-Event-ID that misses nothing."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from legal_training.simulator import SimulatorConfig, run_simulator
from tests.e2e.helpers import batch_app, simulator_settings, wait_for


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, timeout=20)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def _read(
    client: httpx.Client, url: str, headers: dict[str, str], *, stop_after: int | None = None
) -> list[dict[str, Any]]:
    """Parse SSE frames until the stream ends (or ``stop_after`` events, then disconnect)."""
    events: list[dict[str, Any]] = []
    frame: dict[str, Any] = {}
    with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if not line:
                if "data" in frame:
                    events.append(frame)
                    if stop_after is not None and len(events) >= stop_after:
                        return events
                frame = {}
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            frame[key] = value.lstrip(" ")
    return events


def test_stream_in_order_then_resume_with_last_event_id(tmp_path: Path) -> None:
    config = SimulatorConfig(flavour="groq", latency_min=0.05, latency_max=0.3)
    with run_simulator(config) as sim:
        settings = simulator_settings(sim.base_url, tmp_path / "data", rpm=6000)
        with _serve(batch_app(settings)) as base, httpx.Client(base_url=base, timeout=30) as c:
            started = c.post("/api/generate/batch/start", json={"count": 12})
            batch_id = started.json()["batch_id"]
            url = f"/api/generate/batch/{batch_id}/stream"
            first = _read(c, url, {}, stop_after=5)
            resumed = _read(c, url, {"Last-Event-ID": first[-1]["id"]})
            everything = _read(c, url, {"Last-Event-ID": "0"})

    ids = [int(e["id"]) for e in first + resumed]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # in order, no repeats
    assert ids == [int(e["id"]) for e in everything]  # and none missed
    kinds = {e["event"] for e in everything}
    assert {"status", "sample", "progress"} <= kinds
    final = json.loads(everything[-1]["data"])
    assert everything[-1]["event"] == "status" and final["status"] == "completed"
    samples = [json.loads(e["data"]) for e in everything if e["event"] == "sample"]
    assert len(samples) == 12 and len({s["sample_id"] for s in samples}) == 12
    assert set(samples[0]) >= {"sample_id", "topic", "difficulty", "samples_generated"}
    assert "answer" not in samples[0]  # compact payloads, not the sample itself
