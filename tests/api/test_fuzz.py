"""Property-based API fuzzing: every route, any input, never a 5xx or a non-JSON error.

Schemathesis generates requests (valid and invalid) for each operation of ``/openapi.json`` and
sends them in-process. Every response must be a non-5xx (a 502 from the routes that call an
upstream service is an allowed upstream error), every error must have the single JSON shape
``{success: false, error: str, code: str[, details]}``, and no response may echo the API key.
SQLite only, to keep it fast; NUL-byte handling on PostgreSQL is pinned by targeted tests in
``tests/api/test_data_routes.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository
from tests.conftest import make_sample

CANARY_KEY = "test-canary-key-9f8e7d"
AUTH = {"Authorization": f"Bearer {CANARY_KEY}"}
# Routes that talk to an upstream service (provider, Hub) may answer 502 when it fails.
UPSTREAM_ROUTES = {("POST", "/api/generate"), ("POST", "/api/huggingface/push")}
# Routes that start slow work get a small budget in their own test.
SLOW_PATHS = {"/api/generate", "/api/generate/batch/start", "/api/huggingface/push"}
FAST_BUDGET = 20
SLOW_BUDGET = 4
STREAM_PATH_REGEX = r"/stream$"
ERROR_KEYS = {"success", "error", "code", "details"}


@pytest.fixture
def seeded_app(tmp_path: Path) -> Iterator[FastAPI]:
    """An app on a fresh SQLite database, with a few samples so lookups can hit real rows."""
    db = Database(f"sqlite:///{tmp_path / 'fuzz.db'}")
    settings = Settings(
        data_dir=tmp_path / "data",
        api_key=CANARY_KEY,
        # A closed loopback port: a push fails fast instead of reaching the real Hub.
        hf_endpoint="http://127.0.0.1:9",
    )
    # Seeded through the repository, not the app: a second lifespan cycle of the same app
    # would reuse the provider clients the first one closed.
    db.migrate()
    with db.write() as session:
        repo = SampleRepository(session, db.dialect)
        for index in range(3):
            repo.add(make_sample(index))
    app = create_app(settings, database=db)
    yield app
    db.dispose()


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document, read at collection from a throwaway app
    (``create_app`` touches no database until start-up), so new routes are fuzzed too."""
    app = create_app(Settings(data_dir=Path("unused")), database=Database("sqlite://"))
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


OPERATIONS = [op for op in _operations() if not re.search(STREAM_PATH_REGEX, op[1])]


@pytest.fixture
def fuzz_schema(seeded_app: FastAPI) -> BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", seeded_app)


def check_response(case: Case[Any], response: Response) -> None:
    """The invariants every response must hold, whatever the input."""
    route = (case.operation.method.upper(), case.operation.path)
    status = response.status_code
    text = response.content.decode("utf-8", errors="replace")
    assert CANARY_KEY not in text, f"{route} echoed the API key"
    assert "Traceback (most recent call last)" not in text, f"{route} answered a traceback"
    allowed_5xx = status == 502 and route in UPSTREAM_ROUTES
    assert status < 500 or allowed_5xx, f"{route} answered {status}: {text[:500]}"
    if status >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/json"), f"{route} {status}: {content_type}"
        body: Any = json.loads(text)
        assert isinstance(body, dict), body
        assert body.get("success") is False, body
        assert isinstance(body.get("error"), str) and body["error"], body
        assert isinstance(body.get("code"), str) and body["code"], body
        assert set(body) <= ERROR_KEYS, body


def test_fuzz_covers_every_route_but_the_streams() -> None:
    """Guards the collection above: an empty list would make the fuzz test vacuous."""
    assert ("GET", "/api/data") in OPERATIONS
    assert ("POST", "/api/generate/batch/start") in OPERATIONS
    assert not any(path.endswith("/stream") for _, path in OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_route_answers_5xx_or_a_non_json_error(
    fuzz_schema: BaseSchema, method: str, path: str
) -> None:
    operation = fuzz_schema[path][method]
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    budget = SLOW_BUDGET if path in SLOW_PATHS else FAST_BUDGET

    @given(case=strategy)
    @settings(
        max_examples=budget,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case: Case[Any]) -> None:
        check_response(case, case.call(headers=AUTH))

    fuzz()
