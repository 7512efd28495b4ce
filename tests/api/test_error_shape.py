"""Pins the single JSON error shape: ``{success: false, error: str, code: str[, details]}``."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _assert_shape(body: dict[str, object]) -> None:
    assert body["success"] is False
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["code"], str) and body["code"]
    assert set(body) <= {"success", "error", "code", "details"}


def test_404_route(client: TestClient) -> None:
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    _assert_shape(response.json())


def test_405_method(client: TestClient) -> None:
    response = client.delete("/api/stats")
    assert response.status_code == 405
    _assert_shape(response.json())


def test_422_validation(client: TestClient) -> None:
    response = client.get("/api/data", params={"limit": -1})
    assert response.status_code == 422
    body = response.json()
    _assert_shape(body)
    assert body["details"][0]["field"] == "query.limit"


def test_malformed_json_body(client: TestClient) -> None:
    response = client.post(
        "/api/add", content=b"{broken", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    _assert_shape(response.json())
