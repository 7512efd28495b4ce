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
from legal_training.batches.params import (
    BatchRequest,
    BatchValidationError,
    judge_config,
    validate_request,
)
from legal_training.generation.judge import JudgeConfig
from legal_training.generation.rejudge import rejudge_samples
from legal_training.providers.registry import build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator
from legal_training.storage.db import Database
from legal_training.storage.models import SampleRow
from legal_training.storage.samples import SampleRepository
from tests.batches.helpers import FAKE_KEY, sim_settings


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'followups.db'}")
    database.migrate()
    yield database
    database.dispose()


def _settings(sim: RunningSimulator, **values: Any) -> Settings:
    return sim_settings(sim.base_url, **values)


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


async def test_a_judged_batch_scores_every_sample_and_rejects_the_low_ones(db: Database) -> None:
    config = SimulatorConfig(flavour="groq", judge_score=5, judge_low_rate=0.3, seed=12)
    request = BatchRequest(count=12, jurisdiction="uk", judge_provider="groq", min_judge_score=3)
    with run_simulator(config) as sim:
        status, _, _ = await _run(db, _settings(sim), request)
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_generated"] == 12
    assert status["judge_rejected"] > 0
    assert status["rejected_by_reason"].get("judge_score") == status["judge_rejected"]
    assert status["judged"] == 12 + status["judge_rejected"]
    assert status["judge_tokens"] > 0
    samples = _samples(db, status["batch_id"])
    assert len(samples) == 12
    for sample in samples:
        judge = sample["quality"]["judge"]
        assert judge["status"] == "judged" and judge["overall"] >= 3
        assert sample["quality"]["checks"]["judge_score"]["passed"] is True


async def test_a_judge_outage_never_fails_the_batch_or_loses_samples(db: Database) -> None:
    config = SimulatorConfig(flavour="groq", judge_outage=True, seed=13)
    with run_simulator(config) as sim:
        judge = JudgeConfig(provider="groq", min_score=4)
        status, _, _ = await _run(
            db, _settings(sim), BatchRequest(count=6, jurisdiction="uk"), judge=judge
        )
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_generated"] == 6
    assert status["unjudged"] >= 6 and status["judged"] == 0
    samples = _samples(db, status["batch_id"])
    assert len(samples) == 6
    assert all(s["quality"]["judge"]["status"] == "unjudged" for s in samples)

    # Later, with the judge back: the kept samples get their scores.
    with run_simulator(SimulatorConfig(flavour="groq", judge_score=3, seed=14)) as sim:
        registry = build_registry(_settings(sim))
        try:
            summary = await rejudge_samples(
                db,
                JudgeConfig(provider="groq"),
                router=FailoverRouter(registry),
                batch_id=status["batch_id"],
            )
        finally:
            await registry.aclose()
    assert summary.as_dict() == {
        "considered": 6,
        "judged": 6,
        "unjudged": 0,
        "tokens": summary.tokens,
    }
    rescored = _samples(db, status["batch_id"])
    assert all(s["quality"]["judge"]["status"] == "judged" for s in rescored)
    assert all(s["quality"]["judge"]["overall"] == 3 for s in rescored)


def test_judge_settings_of_a_batch_are_validated_up_front() -> None:
    registry = build_registry(
        Settings(
            groq_api_key=FAKE_KEY, cerebras_api_key=None, ollama_api_key=None, providers_file=None
        )
    )
    for request, field in (
        (BatchRequest(count=1, min_judge_score=7), "min_judge_score"),
        (BatchRequest(count=1, judge_provider="nope"), "judge_provider"),
        (BatchRequest(count=1, judge_provider="groq", judge_model="nope"), "judge_model"),
    ):
        with pytest.raises(BatchValidationError) as caught:
            validate_request(request, registry=registry, current_rows=0)
        assert caught.value.field == field
    params, _ = validate_request(
        BatchRequest(count=1, judge_provider="groq", min_judge_score=3.5),
        registry=registry,
        current_rows=0,
    )
    assert judge_config(params, None) == JudgeConfig(provider="groq", min_score=3.5)
    assert judge_config(params, JudgeConfig(provider="groq", min_score=2)) == JudgeConfig(
        provider="groq", min_score=3.5
    )
    off, _ = validate_request(BatchRequest(count=1, judge=False), registry=registry, current_rows=0)
    assert judge_config(off, JudgeConfig(provider="groq")) is None
    default, _ = validate_request(BatchRequest(count=1), registry=registry, current_rows=0)
    assert judge_config(default, None) is None
    assert judge_config(default, JudgeConfig(model="m")) == JudgeConfig(model="m")
