"""GET /api/providers and GET /api/models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from legal_training.api.errors import install_error_handlers
from legal_training.api.routes.providers import router
from legal_training.providers.registry import build_registry
from tests.providers.helpers import settings_with_providers

FAKE = "test-fake-key-route-77"


def _app(registry: object) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.provider_registry = registry
    return app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    offline = httpx.MockTransport(lambda request: httpx.Response(503, json={"error": "down"}))
    registry = build_registry(
        settings_with_providers(tmp_path, groq_api_key=FAKE), transports={"groq": offline}
    )
    transport = httpx.ASGITransport(app=_app(registry))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        yield http
    await registry.aclose()


async def test_providers_lists_every_provider_with_enabled_state(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/providers")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["default_provider"] == "groq"
    by_id = {p["id"]: p for p in body["providers"]}
    assert set(by_id) == {"groq", "cerebras", "ollama"}
    groq = by_id["groq"]
    limits = {(item["scope"], item["window"]): item for item in groq.pop("limits")}
    assert limits[("requests", "minute")] == {
        "scope": "requests",
        "window": "minute",
        "catalog": 25,
        "configured": None,
        "learned": None,
        "effective": 25,
        "source": "catalog",
    }
    assert (groq.pop("limits_kind"), groq.pop("token_charging")) == ("sliding", "usage")
    assert groq == {
        "id": "groq",
        "name": "Groq",
        "enabled": True,
        "default_model": "llama-3.3-70b-versatile",
        "champion_model": "llama-3.3-70b-versatile",
        "requests_per_minute": 25,
        "tokens_per_minute": 5500,
        "is_simulator": False,
        "label": None,
    }
    assert by_id["cerebras"]["enabled"] is False
    assert FAKE not in response.text and "base_url" not in response.text


async def test_models_default_to_enabled_providers_and_filter(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/models")
    assert response.status_code == 200
    body = response.json()
    assert {m["provider"] for m in body["models"]} == {"groq"}
    assert body["default_provider"] == "groq"
    assert body["default_model"] == "llama-3.3-70b-versatile"
    first = body["models"][0]
    assert first == {
        "id": "llama-3.3-70b-versatile",
        "name": "llama-3.3-70b-versatile",
        "provider": "groq",
        "provider_name": "Groq",
        "context_window": 131072,
        "is_thinking_model": False,
        "supports_json_schema": False,
        "fallback_priority": 1,
    }
    cerebras = (await client.get("/api/models", params={"provider": "cerebras"})).json()
    assert cerebras["default_provider"] == "cerebras"
    assert any(m["is_thinking_model"] for m in cerebras["models"])


async def test_unknown_provider_is_a_400_listing_valid_ones(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/models", params={"provider": "mystery"})
    assert response.status_code == 400
    assert "groq, cerebras, ollama" in response.json()["error"]


async def test_missing_registry_is_a_503() -> None:
    transport = httpx.ASGITransport(app=_app(None))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        assert (await http.get("/api/providers")).status_code == 503
