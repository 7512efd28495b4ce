"""Batches whose answers need the gate's follow-ups (repair, judge), against simulators on
loopback over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from legal_training.batches.engine import BatchEngine, BatchStatus
from legal_training.batches.events import ProgressEvent
from legal_training.batches.params import BatchRequest
from legal_training.providers.registry import build_registry
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator
from legal_training.storage.db import Database
from legal_training.storage.models import SampleRow
from legal_training.storage.samples import SampleRepository

KEY = "test-fake-key-followups"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'followups.db'}")
    database.migrate()
    yield database
    database.dispose()


def _settings(sim: RunningSimulator, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "groq_api_key": KEY,
        "cerebras_api_key": None,
        "ollama_api_key": None,
        "providers_file": None,
        "groq_base_url": sim.base_url,
        "groq_rpm": 6000,
        "groq_tpm": 50_000_000,
    }
    base.update(values)
    return Settings(**base)


async def _run(
    db: Database, settings: Settings, request: BatchRequest, **engine: Any
) -> tuple[dict[str, Any], list[dict[str, Any]], list[ProgressEvent]]:
    registry = build_registry(settings)
    try:
        runner = BatchEngine(database=db, registry=registry, **engine)
        progress: list[ProgressEvent] = []
        runner.bus.publish = _tap(runner.bus.publish, progress)  # type: ignore[method-assign]
        created = await runner.create(request)
        await runner.wait(created["batch_id"])
        status = runner.status(created["batch_id"])
        history, _ = runner.history(limit=10, offset=0)
    finally:
        await registry.aclose()
    return status, history, progress


def _tap(publish: Any, seen: list[ProgressEvent]) -> Any:
    def tapped(event: Any) -> None:
        if isinstance(event, ProgressEvent):
            seen.append(event)
        publish(event)

    return tapped


def _samples(db: Database, batch_id: str) -> list[dict[str, Any]]:
    with db.read() as session:
        ids = session.scalars(select(SampleRow.id).where(SampleRow.batch_id == batch_id)).all()
        return SampleRepository(session, db.dialect).by_ids(list(ids))


async def test_fixable_answers_are_repaired_not_regenerated(db: Database) -> None:
    config = SimulatorConfig(flavour="groq", fixable_rate=0.5, seed=8)
    with run_simulator(config) as sim:
        status, history, progress = await _run(
            db, _settings(sim), BatchRequest(count=20, jurisdiction="uk")
        )
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_generated"] == 20
    assert status["samples_repaired"] > 0
    assert status["repair_tokens_saved"] > 0
    assert status["samples_rejected"] == 0  # every defect was fixable, none cost a new sample
    assert status["circuit_breaker_summary"]["closed_with_failures"] == []
    entry = next(h for h in history if h["batch_id"] == status["batch_id"])
    assert entry["samples_repaired"] == status["samples_repaired"]
    assert progress and progress[-1].samples_repaired == status["samples_repaired"]
    repaired = [s for s in _samples(db, status["batch_id"]) if s["quality"].get("repair")]
    assert len(repaired) == status["samples_repaired"]
    assert all(s["quality"]["repair"]["repaired"] for s in repaired)


async def test_repair_off_pays_for_new_samples_instead(db: Database) -> None:
    config = SimulatorConfig(flavour="groq", fixable_rate=0.5, seed=8)
    with run_simulator(config) as sim:
        status, _, _ = await _run(
            db, _settings(sim), BatchRequest(count=10, jurisdiction="uk", repair=False)
        )
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_repaired"] == 0 and status["repair_attempts"] == 0
    assert status["samples_rejected"] > 0
