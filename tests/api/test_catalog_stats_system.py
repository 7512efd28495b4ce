from __future__ import annotations

from fastapi.testclient import TestClient

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database
from tests.conftest import make_sample


def test_topics_all_and_filtered(client: TestClient) -> None:
    body = client.get("/api/topics").json()
    assert body["count"] == 75
    eu = client.get("/api/topics", params={"jurisdiction": "EU"}).json()
    assert eu["count"] == 10 and {t["jurisdiction"] for t in eu["topics"]} == {"eu"}
    area = client.get("/api/topics", params={"practice_area": "tort law"}).json()
    assert area["count"] == 5
    assert client.get("/api/topics", params={"jurisdiction": "mars"}).status_code == 400


def test_catalog_routes(client: TestClient) -> None:
    jurisdictions = client.get("/api/jurisdictions").json()["jurisdictions"]
    assert [j["id"] for j in jurisdictions] == ["uk", "us", "eu", "international"]
    types = client.get("/api/sample-types").json()
    assert [t["id"] for t in types["sample_types"]][-1] == "balance"
    assert types["default"] == "case_analysis"
    difficulties = client.get("/api/difficulties").json()
    assert [d["id"] for d in difficulties["difficulties"]] == [
        "basic",
        "intermediate",
        "advanced",
        "expert",
    ]
    assert difficulties["aliases"] == {"foundational": "basic"}


def test_stats_routes(client: TestClient) -> None:
    for i in range(4):
        client.post("/api/add", json=make_sample(i, difficulty="basic" if i % 2 else "expert"))
    stats = client.get("/api/stats").json()
    assert stats["total"] == 4
    assert {d["difficulty"]: d["count"] for d in stats["difficulty_distribution"]} == {
        "basic": 2,
        "expert": 2,
    }
    detailed = client.get("/api/stats/detailed").json()["stats"]
    assert detailed["total_samples"] == 4 and detailed["unique_practice_areas"] == 1
    tokens = client.get("/api/stats/tokens").json()
    assert tokens["total_samples"] == 4
    by_field = tokens["tokens_by_field"]
    assert sum(f["total"] for f in by_field.values()) == tokens["total_tokens"]
    assert tokens["encoding"].startswith("cl100k_base")


def test_empty_stats(client: TestClient) -> None:
    assert client.get("/api/stats").json()["total"] == 0
    assert client.get("/api/stats/tokens").json()["avg_tokens_per_sample"] == 0


def test_health_and_info(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "healthy"
    assert client.get("/api/info").json()["name"] == "Legal Training Platform"


def test_openapi_and_docs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/data", "/api/search", "/api/export", "/api/import"):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_api_key_guards_everything_but_health(settings: Settings, database: Database) -> None:
    secured = Settings(data_dir=settings.data_dir, api_key="test-fake-key-123")
    with TestClient(create_app(secured, database=database)) as client:
        assert client.get("/api/health").status_code == 200
        denied = client.get("/api/stats")
        assert denied.status_code == 401 and "test-fake-key-123" not in denied.text
        assert client.get("/api/stats", headers={"X-API-Key": "wrong"}).status_code == 401
        ok = client.get("/api/stats", headers={"Authorization": "Bearer test-fake-key-123"})
        assert ok.status_code == 200
        assert (
            client.get("/api/stats", headers={"X-API-Key": "test-fake-key-123"}).status_code == 200
        )


def test_cors_allows_localhost_only(client: TestClient) -> None:
    allowed = client.options(
        "/api/stats",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:5173"
    denied = client.options(
        "/api/stats",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in denied.headers
