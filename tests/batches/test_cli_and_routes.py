"""The generate command (in-process simulator) and the routes' validation and read-only
reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from legal_training.api.app import create_app
from legal_training.cli import app as cli_app
from legal_training.settings import Settings, get_settings
from legal_training.storage.db import Database
from legal_training.storage.models import BatchRow, SampleRow


def test_generate_command_runs_a_batch_to_completion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGAL_TRAINING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    app = cli_app
    try:
        result = CliRunner().invoke(app, ["generate", "--count", "4", "--sample-type", "balance"])
        bad = CliRunner().invoke(app, ["generate", "--count", "2", "--difficulty", "nope"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "completed" in result.output
    assert bad.exit_code == 2 and "difficulty" in bad.output
    db = Database(f"sqlite:///{tmp_path / 'data' / 'legal_training.db'}")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SampleRow)) == 4
        assert session.scalar(select(BatchRow.status)) == "completed"
    db.dispose()


@pytest.fixture
def api(settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings, database=database)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"count": 5, "topic": "Contract Law - Nope"}, "topic"),
        ({"count": 5, "difficulty": "impossible"}, "difficulty"),
        ({"count": 5, "sample_type": "poem"}, "sample_type"),
        ({"count": 5, "provider": "nowhere"}, "provider"),
        ({"count": 5, "provider": "simulator", "model": "gpt-99"}, "model"),
        ({"count": 0}, "count"),
        ({"count": 10_000_000}, "count"),
        ({"count": 5, "target_count": 10}, "count"),
        ({}, "count"),
        ({"count": 5, "quality_mode": "sloppy"}, "quality_mode"),
        ({"count": 5, "jurisdiction": "mars"}, "jurisdiction"),
        ({"count": 5, "jurisdiction": "us", "topic": "Tort Law - Nuisance"}, "topics"),
        ({"count": 5, "max_tokens_total": -1}, "max_tokens_total"),
        ({"count": 5, "min_judge_score": 9}, "min_judge_score"),
        ({"count": 5, "judge_provider": "nowhere"}, "judge_provider"),
        ({"count": 5, "judge_provider": "simulator", "judge_model": "gpt-99"}, "judge_model"),
    ],
)
def test_start_validates_everything_up_front(
    api: TestClient, body: dict[str, object], field: str
) -> None:
    response = api.post("/api/generate/batch/start", json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["details"]["field"] == field
    with api.app.state.database.read() as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(BatchRow)) == 0


def test_target_count_converts_once_and_the_reports_are_read_only(api: TestClient) -> None:
    too_small = api.post("/api/generate/batch/start", json={"target_count": 0})
    assert too_small.status_code == 400 and "target_count" in too_small.text
    started = api.post("/api/generate/batch/start", json={"target_count": 3})
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["count"] == 3 and body["batch_id"].startswith("batch_")
    batch_id = body["batch_id"]

    deadline_checks = 0
    while (
        api.get("/api/generate/batch/status", params={"batch_id": batch_id}).json()["status"]
        == "running"
    ):
        deadline_checks += 1
        assert deadline_checks < 2000
    final = api.get("/api/generate/batch/status", params={"batch_id": batch_id}).json()
    assert final["status"] == "completed" and final["samples_generated"] == final["total"] == 3
    assert final["progress"] == 100.0 and "circuit_breaker_summary" in final

    resumed = api.post(f"/api/generate/batch/{batch_id}/resume")
    assert resumed.status_code == 400
    assert api.post("/api/generate/batch/nope/resume").status_code == 404
    assert api.post("/api/generate/batch/stop", json={"batch_id": "nope"}).status_code == 404
    assert api.post("/api/generate/batch/stop", json={}).status_code == 400  # none running

    stuck = api.get("/api/batches/stuck", params={"minutes": 0.0001}).json()
    assert stuck["count"] == 0  # completed batches are never "stuck"
    history = api.get("/api/generate/batch/history", params={"limit": 1}).json()
    assert history["total"] == 1 and history["batches"][0]["batch_id"] == batch_id
    entry = history["batches"][0]
    assert entry["throughput_per_minute"] > 0 and entry["tokens_used"] > 0
    assert {"cost_usd", "error_summary", "switches", "sample_type"} <= set(entry)
    listing = api.get("/api/generate/batch/status").json()
    assert batch_id in listing["batches"]


@pytest.mark.parametrize("number", [b"NaN", b"1e400", b"Infinity"])
def test_non_finite_cost_cap_is_400(api: TestClient, number: bytes) -> None:
    # Regression (fuzz): NaN was taken as "no cap" (every comparison is false) and PostgreSQL's
    # JSON cannot store NaN or Infinity (a 500 there). Python's JSON parser reads all three.
    response = api.post(
        "/api/generate/batch/start",
        content=b'{"count": 5, "max_cost_usd": ' + number + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["details"]["field"] == "max_cost_usd"
    with api.app.state.database.read() as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(BatchRow)) == 0


def test_history_offset_beyond_a_64_bit_integer_is_422(api: TestClient) -> None:
    # Regression (fuzz): SQLite raised OverflowError on it, a 500.
    response = api.get("/api/generate/batch/history", params={"offset": 2**63})
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == "query.offset"


def test_a_judged_batch_through_the_api_reports_scores_on_status_and_samples(
    api: TestClient,
) -> None:
    body = {"count": 3, "judge_provider": "simulator", "min_judge_score": 2, "repair": True}
    started = api.post("/api/generate/batch/start", json=body)
    assert started.status_code == 200, started.text
    batch_id = started.json()["batch_id"]
    checks = 0
    while (
        api.get("/api/generate/batch/status", params={"batch_id": batch_id}).json()["status"]
        == "running"
    ):
        checks += 1
        assert checks < 2000
    final = api.get("/api/generate/batch/status", params={"batch_id": batch_id}).json()
    assert final["status"] == "completed"
    assert final["judged"] >= 3 and final["unjudged"] == 0 and final["judge_tokens"] > 0
    assert {"samples_repaired", "repair_tokens_saved", "judge_rejected"} <= set(final)
    entry = api.get("/api/generate/batch/history", params={"limit": 1}).json()["batches"][0]
    assert entry["judge_tokens"] == final["judge_tokens"]
    with api.app.state.database.read() as session:  # type: ignore[attr-defined]
        ids = session.scalars(select(SampleRow.id).where(SampleRow.batch_id == batch_id)).all()
    for sample_id in ids:
        sample = api.get(f"/api/sample/{sample_id}").json()
        judge = sample.get("sample", sample)["quality"]["judge"]
        assert judge["status"] == "judged" and judge["overall"] >= 2
