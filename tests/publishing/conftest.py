"""Fixtures for publishing: a database cleared of push records, the fake Hub, an app with the
publishing router, and a private HF_HOME so nothing touches the developer's token cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from legal_training.api.app import create_app
from legal_training.api.routes.publishing import router as publishing_router
from legal_training.settings import Settings
from legal_training.storage.db import Database
from legal_training.storage.pushes import HubPushRow
from tests.publishing.fake_hub import FakeHubState, run_fake_hub


@pytest.fixture(autouse=True)
def _hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """``database`` without push records left by an earlier test (PostgreSQL is shared)."""
    with database.write() as session:
        session.execute(delete(HubPushRow))
    yield database
    with database.write() as session:
        session.execute(delete(HubPushRow))


@pytest.fixture
def fake_hub() -> Iterator[FakeHubState]:
    with run_fake_hub() as state:
        yield state


@pytest.fixture
def hub_settings(tmp_path: Path, fake_hub: FakeHubState) -> Settings:
    return Settings(data_dir=tmp_path / "data", hf_endpoint=fake_hub.base_url)


@pytest.fixture
def pub_client(hub_settings: Settings, db: Database) -> Iterator[TestClient]:
    app = create_app(hub_settings, database=db)
    app.include_router(publishing_router)
    with TestClient(app) as client:
        yield client
