"""POST /api/generate and batch quality through the embedded simulator (no provider keys)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database


def test_no_keys_means_the_simulator_is_listed_and_generates(client: TestClient) -> None:
    providers = client.get("/api/providers").json()
    simulator = [p for p in providers["providers"] if p["id"] == "simulator"]
    assert simulator and simulator[0]["enabled"] and simulator[0]["is_simulator"]
    assert providers["default_provider"] == "simulator"

    response = client.post(
        "/api/generate",
        json={"topic": "Contract Law - Formation of Contracts", "difficulty": "basic"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body["reasons"]
    assert body["provider"] == "simulator" and body["sample"]["provider"] == "simulator"
    assert body["quality"]["accepted"] is True
    assert body["tokens_used"] > 0
    assert body["saved"] is False
    assert client.get("/api/stats").json()["total"] == 0


def test_save_stores_the_sample_and_batch_quality_reads_it(client: TestClient) -> None:
    body = client.post(
        "/api/generate",
        json={"topic": "Human Rights - ECHR", "sample_type": "balance", "save": True},
    ).json()
    assert body["success"] and body["saved"]
    stored = client.get(f"/api/sample/{body['sample']['id']}").json()["sample"]
    assert stored["jurisdiction"] == "international"
    assert stored["quality"]["score"] == 100.0


def test_batch_quality_of_samples(client: TestClient) -> None:
    from tests.conftest import make_sample

    for i in range(3):
        client.post("/api/add", json=make_sample(i, batch_id="batch_q", difficulty="expert"))
    body = client.get("/api/batch/batch_q/quality").json()
    assert body["total_samples"] == 3
    assert body["difficulty_distribution"] == {"expert": 3}
    assert "Short answers" in body["flags"] and body["rating"] == "Needs Review"
    assert client.get("/api/batch/nope/quality").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topic": "Space Law - Moon Treaties"}, "topic"),
        ({"difficulty": "impossible"}, "difficulty"),
        ({"sample_type": "poetry"}, "sample_type"),
        ({"provider": "groq"}, "provider"),
        ({"jurisdiction": "mars"}, "jurisdiction"),
        ({"jurisdiction": "us", "topic": "Contract Law - Formation of Contracts"}, "topic"),
        ({"provider": "simulator", "model": "gpt-99"}, "model"),
    ],
)
def test_bad_choices_are_400_with_valid_values(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/generate", json=body)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["success"] is False
    assert payload["details"]["valid_values"]
    assert field in (payload["details"].get("field") or payload["code"])


@pytest.mark.parametrize(
    "body",
    [{"reasoning_instruction": "x" * 1001}, {"save": "perhaps"}, {"quality_mode": "sloppy"}],
)
def test_malformed_generate_bodies_are_422(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/api/generate", json=body).status_code == 422


def test_an_app_started_twice_gets_fresh_provider_clients(
    settings: Settings, database: Database
) -> None:
    app = create_app(settings, database=database)
    for _ in range(2):
        with TestClient(app) as client:
            response = client.post("/api/generate", json={"topic": "Tax Law - VAT"})
            assert response.status_code == 200, response.text
            assert response.json()["success"] is True


def test_with_a_judge_in_the_settings_a_generated_sample_carries_its_scores(
    settings: Settings, database: Database
) -> None:
    judged = settings.model_copy(update={"judge_provider": "simulator", "min_judge_score": 2.0})
    with TestClient(create_app(judged, database=database)) as client:
        response = client.post("/api/generate", json={"topic": "Tax Law - VAT"})
        assert response.status_code == 200, response.text
        body = response.json()
    assert body["success"] is True
    judge = body["quality"]["judge"]
    assert judge["status"] == "judged" and judge["provider"] == "simulator"
    assert set(judge["scores"]) >= {"legal_accuracy", "authority_support"}
    assert body["quality"]["checks"]["judge_score"]["passed"] is True
