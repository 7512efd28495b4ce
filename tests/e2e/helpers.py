"""Builders for end-to-end tests: the real app from ``create_app`` (batch engine included),
talking to a simulator over loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database

FAKE_KEY = "test-fake-key-e2e"


def simulator_settings(
    base_url: str,
    data_dir: Any,
    *,
    rpm: int,
    tpm: int = 600_000,
    limits_kind: str = "bucket",
) -> Settings:
    """Groq pointed at a simulator; ``limits_kind`` says how that simulator counts (its
    default is a continuously refilling bucket)."""
    return Settings(
        data_dir=data_dir,
        groq_api_key=FAKE_KEY,
        cerebras_api_key=None,
        ollama_api_key=None,
        providers_file=None,
        groq_base_url=base_url,
        groq_rpm=rpm,
        groq_tpm=tpm,
        groq_limits_kind=limits_kind,
    )


def batch_app(settings: Settings, database: Database | None = None) -> FastAPI:
    app = create_app(settings, database=database)
    return app


def wait_for(
    predicate: Callable[[], bool], *, timeout: float = 25.0, interval: float = 0.05
) -> None:
    """Poll until ``predicate`` holds (bounded); polling is not a timing assertion."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(interval)


def status(client: TestClient, batch_id: str) -> dict[str, Any]:
    response = client.get("/api/generate/batch/status", params={"batch_id": batch_id})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
