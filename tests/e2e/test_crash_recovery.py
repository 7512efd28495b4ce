"""kill -9 mid-batch, restart, and the batch finishes with exactly count samples."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from legal_training.simulator import SimulatorConfig, run_simulator
from legal_training.storage.db import Database
from legal_training.storage.models import SampleRow
from tests.e2e.helpers import FAKE_KEY, wait_for

ROOT = Path(__file__).resolve().parents[2]
COUNT = 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.server", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _get(url: str, **params: Any) -> dict[str, Any] | None:
    try:
        response = httpx.get(url, params=params, timeout=5)
    except httpx.TransportError:
        return None
    return response.json() if response.status_code == 200 else None


def test_sigkill_mid_batch_then_restart_completes_exactly_count(tmp_path: Path) -> None:
    config = SimulatorConfig(flavour="groq", latency_min=0.2, latency_max=0.6)
    with run_simulator(config) as sim:
        env = {
            **{k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
            "LEGAL_TRAINING_DATA_DIR": str(tmp_path / "data"),
            "GROQ_API_KEY": FAKE_KEY,
            "GROQ_BASE_URL": sim.base_url,
            "GROQ_RPM": "6000",
            "GROQ_TPM": "600000",
            # The killed server's lease must expire before the restarted one takes over.
            "LEGAL_TRAINING_BATCH_LEASE_S": "2",
        }
        env.pop("DATABASE_URL", None)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        status_url = f"{base}/api/generate/batch/status"
        server = _start_server(port, env)
        try:
            wait_for(lambda: _get(f"{base}/api/health") is not None, timeout=30)
            started = httpx.post(f"{base}/api/generate/batch/start", json={"count": COUNT})
            assert started.status_code == 200, started.text
            batch_id = started.json()["batch_id"]
            concurrency = started.json()["max_concurrency"]
            wait_for(
                lambda: (
                    (_get(status_url, batch_id=batch_id) or {}).get("samples_generated", 0) >= 5
                ),
                timeout=30,
            )
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(timeout=10)

        db = Database(f"sqlite:///{tmp_path / 'data' / 'legal_training.db'}")
        with db.read() as session:
            saved_at_kill = len(
                session.scalars(select(SampleRow.id).where(SampleRow.batch_id == batch_id)).all()
            )
        assert 5 <= saved_at_kill < COUNT

        server = _start_server(port, env)
        try:
            wait_for(
                lambda: (_get(status_url, batch_id=batch_id) or {}).get("status") == "completed",
                timeout=60,
            )
            rejected = int((_get(status_url, batch_id=batch_id) or {})["samples_rejected"])
        finally:
            server.kill()
            server.wait(timeout=10)
        successes = sim.stats()["successes"]

    with db.read() as session:
        rows = session.execute(
            select(SampleRow.id, SampleRow.question_hash, SampleRow.extra).where(
                SampleRow.batch_id == batch_id
            )
        ).all()
    db.dispose()
    assert len(rows) == COUNT
    assert len({r.id for r in rows}) == COUNT
    assert len({r.question_hash for r in rows}) == COUNT
    assert sorted(r.extra["batch_slot"] for r in rows) == list(range(COUNT))
    # Nothing saved was paid for twice: beyond count (and answers the gate rejected), only the
    # requests in flight at the kill were lost, and there are never more of those than the
    # engine's concurrency or the slots still unfilled.
    in_flight_bound = min(concurrency, COUNT - saved_at_kill)
    assert successes <= COUNT + rejected + in_flight_bound
