"""Batches through the API against a simulator on loopback: shared budget, faults, stop."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from legal_training.simulator import SimulatorConfig, run_simulator
from legal_training.storage.db import Database
from legal_training.storage.models import SampleRow
from tests.e2e.helpers import batch_app, simulator_settings, status, wait_for


def _count(db: Database, batch_id: str) -> int:
    with db.read() as session:
        statement = select(func.count()).select_from(SampleRow)
        return int(session.scalar(statement.where(SampleRow.batch_id == batch_id)) or 0)


def test_two_concurrent_batches_share_one_budget_without_429_storms(tmp_path: Path) -> None:
    # 60 requests/min with a full bucket of 60: 70+ requests MUST be paced. Two batches that
    # each kept their own budget (the original's N x RPM) would fire all of them at once.
    with run_simulator(SimulatorConfig(flavour="groq", rpm=60, latency_max=0.05, seed=11)) as sim:
        # The budget is configured at the provider's published limit; the registry keeps a
        # small headroom under it (budgets.with_headroom) so delivery jitter causes no 429s.
        settings = simulator_settings(sim.base_url, tmp_path / "data", rpm=60)
        with TestClient(batch_app(settings)) as client:
            ids = []
            for _ in range(2):
                response = client.post("/api/generate/batch/start", json={"count": 35})
                assert response.status_code == 200, response.text
                ids.append(response.json()["batch_id"])
            wait_for(
                lambda: all(status(client, i)["status"] == "completed" for i in ids),
                timeout=60,
            )
            db = client.app.state.database  # type: ignore[attr-defined]
            assert [_count(db, i) for i in ids] == [35, 35]
        stats = sim.stats()
    assert stats["requests"] > 60  # the budget had to bind
    assert stats["rate_limited"] < 0.02 * stats["requests"]


def test_batch_under_5xx_and_malformed_replies_completes_with_exactly_count(
    tmp_path: Path,
) -> None:
    config = SimulatorConfig(flavour="groq", fault_5xx=0.2, fault_malformed=0.1, seed=7)
    with run_simulator(config) as sim:
        settings = simulator_settings(sim.base_url, tmp_path / "data", rpm=6000)
        with TestClient(batch_app(settings)) as client:
            response = client.post(
                "/api/generate/batch/start", json={"count": 20, "sample_type": "balance"}
            )
            assert response.status_code == 200, response.text
            batch_id = response.json()["batch_id"]
            wait_for(lambda: status(client, batch_id)["status"] != "running")
            final = status(client, batch_id)
            db = client.app.state.database  # type: ignore[attr-defined]
            assert final["status"] == "completed"
            assert final["samples_generated"] == _count(db, batch_id) == 20
        stats = sim.stats()
    assert stats["faults"]  # faults really happened
    assert stats["successes"] >= 20


def test_stop_mid_batch_gives_stopped_and_nothing_after_the_response(
    tmp_path: Path, database: Database
) -> None:
    config = SimulatorConfig(flavour="groq", latency_min=0.1, latency_max=0.4)
    with run_simulator(config) as sim:
        settings = simulator_settings(sim.base_url, tmp_path / "data", rpm=6000)
        with TestClient(batch_app(settings, database)) as client:
            response = client.post("/api/generate/batch/start", json={"count": 300})
            batch_id = response.json()["batch_id"]
            wait_for(lambda: _count(database, batch_id) >= 3)
            stopped = client.post("/api/generate/batch/stop", json={"batch_id": batch_id})
            at_response = _count(database, batch_id)
            assert stopped.status_code == 200, stopped.text
            wait_for(lambda: not status(client, batch_id)["running_in_process"])
            after = _count(database, batch_id)
            final = status(client, batch_id)
            again = client.post("/api/generate/batch/stop", json={"batch_id": batch_id})
    assert after == at_response < 300
    assert final["status"] == "stopped" and final["samples_generated"] == after
    assert again.status_code == 400
