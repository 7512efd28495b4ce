"""GET /api/authorities browses the bundled index; the generation routes take a citation policy."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_by_words_jurisdiction_and_topic(client: TestClient) -> None:
    body = client.get(
        "/api/authorities",
        params={
            "q": "Donoghue",
            "jurisdiction": "uk",
            "topic": "Tort Law - Professional Negligence",
        },
    ).json()
    assert body["success"] is True
    assert body["count"] >= 1
    first = body["data"][0]
    assert first["name"].startswith("Donoghue")
    assert "[1932] AC 562" in first["citations"]
    assert first["jurisdiction"] == "uk" and first["type"] == "case"
    assert "Tort Law - Professional Negligence" in first["topics"]
    assert first["source"]


def test_a_topic_lists_its_authorities_and_pages(client: TestClient) -> None:
    everything = client.get(
        "/api/authorities", params={"topic": "Data Protection - GDPR Compliance", "limit": 200}
    ).json()
    assert everything["count"] >= 5
    assert {a["jurisdiction"] for a in everything["data"]} <= {"eu", "international"}
    page = client.get(
        "/api/authorities",
        params={"topic": "Data Protection - GDPR Compliance", "limit": 2, "offset": 1},
    ).json()
    assert page["count"] == everything["count"]
    assert [a["id"] for a in page["data"]] == [a["id"] for a in everything["data"][1:3]]


def test_unknown_jurisdiction_or_topic_lists_the_valid_ones(client: TestClient) -> None:
    bad = client.get("/api/authorities", params={"jurisdiction": "mars"})
    assert bad.status_code == 400
    assert "uk" in bad.text
    assert client.get("/api/authorities", params={"topic": "Space Law"}).status_code == 400


def test_limit_is_bounded(client: TestClient) -> None:
    assert client.get("/api/authorities", params={"limit": 0}).status_code == 422
    assert client.get("/api/authorities", params={"limit": 201}).status_code == 422


def test_generate_applies_the_citation_policy(client: TestClient) -> None:
    body = client.post(
        "/api/generate",
        json={"topic": "Contract Law - Formation of Contracts", "citation_policy": "verified_only"},
    ).json()
    assert body["success"], body["reasons"]
    verification = body["quality"]["checks"]["citation_verification"]
    assert verification["policy"] == "verified_only"
    assert verification["verified"] >= 1
    assert (
        client.post(
            "/api/generate", json={"topic": "Tort Law - Defamation", "citation_policy": "loose"}
        ).status_code
        == 422
    )


def test_a_batch_with_an_unknown_citation_policy_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/generate/batch/start", json={"count": 1, "citation_policy": "loose"}
    )
    assert response.status_code == 400
    assert "citation_policy" in response.text and "verified_only" in response.text
