"""Shared fixtures: explicit settings, databases on SQLite and PostgreSQL, a clean environment.

PostgreSQL tests run when ``LEGAL_TRAINING_TEST_POSTGRES_URL`` is set (``.ci/run`` starts a server
and sets it). Without it they are skipped with that reason printed (pytest ``-ra``); with it set
but the server unreachable they fail, so CI can never silently skip them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database
from tests.redis_server import RedisUnavailable, redis_server

POSTGRES_ENV = "LEGAL_TRAINING_TEST_POSTGRES_URL"
_ENV_TO_STRIP = (
    "LEGAL_TRAINING_API_KEY",
    "LEGAL_TRAINING_DATA_DIR",
    "DATABASE_URL",
    "LEGAL_TRAINING_REDIS_URL",
    "GROQ_API_KEY",
    "CEREBRAS_API_KEY",
    "OLLAMA_API_KEY",
    "GROQ_BASE_URL",
    "CEREBRAS_BASE_URL",
    "OLLAMA_BASE_URL",
    "HF_TOKEN",
    "HUGGINGFACE_TOKEN",
    "HF_ENDPOINT",
)


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see none of the developer's keys or endpoints."""
    for name in _ENV_TO_STRIP:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis server on loopback for this test session (skipped, with the reason, when
    redis-server is not installed)."""
    try:
        with redis_server() as url:
            yield url
    except RedisUnavailable as missing:
        pytest.skip(f"Redis not available: {missing}")


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[Database]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL not available: set {POSTGRES_ENV} (.ci/run starts a server)")
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.migrate()
    yield db
    db.dispose()


def _truncate(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_postgresql:
            conn.execute(
                text(
                    "TRUNCATE hub_pushes, sample_bands, sample_texts, samples, batches "
                    "RESTART IDENTITY CASCADE"
                )
            )
        else:
            conn.execute(text("DELETE FROM hub_pushes"))
            conn.execute(text("DELETE FROM sample_bands"))
            conn.execute(text("DELETE FROM sample_texts"))
            conn.execute(text("DELETE FROM samples"))
            conn.execute(text("DELETE FROM batches"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        db.migrate()
        yield db
        db.dispose()
        return
    db = request.getfixturevalue("_postgres_database")
    _truncate(db)
    yield db
    _truncate(db)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings, database=database)
    with TestClient(app) as test_client:
        yield test_client


def make_sample(index: int = 0, **overrides: Any) -> dict[str, Any]:
    """A valid sample; ``index`` varies the id and the text so samples differ."""
    sample = {
        "id": f"sample_{index:05d}",
        "question": f"Question {index}: when is a contract formed under English law?",
        "answer": f"Answer {index}. A contract is formed on acceptance of an offer. "
        "See Carlill v Carbolic Smoke Ball Co [1893] 1 QB 256.",
        "topic": "Contract Law - Formation of Contracts",
        "difficulty": "intermediate",
        "case_citation": "Carlill v Carbolic Smoke Ball Co [1893] 1 QB 256",
        "reasoning": "Step 1: identify the offer. Step 2: identify acceptance.",
    }
    sample.update(overrides)
    return sample
