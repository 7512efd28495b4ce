"""Pins the single JSON error shape: ``{success: false, error: str, code: str[, details]}``."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import legal_training
from legal_training.api.errors import (
    ApiError,
    BadRequest,
    NotFound,
    ProviderFailure,
    ServiceUnavailable,
    Unauthorized,
    install_error_handlers,
)
from legal_training.batches.engine import BatchStateError
from legal_training.batches.params import BatchValidationError
from legal_training.catalog import CatalogError
from legal_training.catalog.fields import FilterError
from legal_training.errors import DomainError
from legal_training.generation.prompts import PromptError
from legal_training.providers.registry import RegistryError
from legal_training.publishing.export import EmptySelectionError, FieldSelectionError
from legal_training.publishing.hub import (
    HubAuthError,
    HubError,
    HubRequestError,
    HubTokenMissingError,
    HubUnavailableError,
)
from legal_training.publishing.splits import SplitConfigError
from legal_training.storage.batches import BatchNotFoundError
from legal_training.storage.io import (
    ImportFailedError,
    ImportOutcome,
    ImportProblem,
    UnsupportedFormatError,
)
from legal_training.storage.records import SampleValidationError
from legal_training.storage.samples import (
    DuplicateSampleError,
    InvalidCursorError,
    SampleNotFoundError,
)
from legal_training.storage.search import SearchQueryError


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


# One instance of every kind of domain error, with the status and code the API must answer.
def _domain_errors() -> list[tuple[DomainError, int, str]]:
    outcome = ImportOutcome(rows_read=2, problem_count=1)
    outcome.problems.append(ImportProblem(2, "question: missing"))
    duplicates = ImportOutcome(rows_read=1, problem_count=1, duplicate_ids=["a"])
    duplicates.problems.append(ImportProblem(1, "duplicate id 'a'"))
    return [
        (FilterError("min_quality must be between 0 and 100"), 400, "invalid_filter"),
        (CatalogError("difficulty", "nope", ["basic"]), 400, "invalid_difficulty"),
        (PromptError("instruction too long"), 400, "bad_request"),
        (RegistryError("unknown provider"), 400, "bad_request"),
        (EmptySelectionError("no sample matches"), 400, "bad_request"),
        (FieldSelectionError("unknown field(s): x"), 400, "bad_request"),
        (SplitConfigError("ratios must add up to 1"), 400, "bad_request"),
        (HubTokenMissingError("no token"), 401, "hf_token_missing"),
        (HubAuthError("token rejected"), 401, "hf_token_rejected"),
        (HubRequestError("bad repo name"), 400, "hub_request_rejected"),
        (HubUnavailableError("hub down"), 502, "hub_unavailable"),
        (SampleValidationError(["question: missing"]), 400, "invalid_sample"),
        (SampleNotFoundError("s1"), 404, "sample_not_found"),
        (InvalidCursorError("bad cursor"), 400, "invalid_cursor"),
        (DuplicateSampleError(["s1"]), 409, "duplicate_id"),
        (SearchQueryError("empty query"), 400, "invalid_query"),
        (ImportFailedError(outcome), 400, "invalid_import"),
        (ImportFailedError(duplicates), 409, "duplicate_id"),
        (UnsupportedFormatError("xml", valid_values=["jsonl"]), 400, "unsupported_format"),
        (BatchNotFoundError("b1"), 404, "batch_not_found"),
        (BatchValidationError("bad count", field="count"), 400, "bad_request"),
        (BatchStateError("batch is completed"), 400, "bad_request"),
        (ProviderFailure("provider down"), 502, "provider_error"),
    ]


@pytest.mark.parametrize(
    ("error", "status", "code"), _domain_errors(), ids=lambda v: type(v).__name__
)
def test_every_domain_error_renders_in_the_one_shape(
    error: DomainError, status: int, code: str
) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    response = TestClient(app).get("/boom")
    assert response.status_code == status
    body = response.json()
    _assert_shape(body)
    assert body["code"] == code and body["error"] == str(error)


def test_every_kind_of_domain_error_is_pinned() -> None:
    for module in pkgutil.walk_packages(legal_training.__path__, "legal_training."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)

    def leaves(cls: type[DomainError]) -> set[type[DomainError]]:
        found = {cls}
        for sub in cls.__subclasses__():
            found |= leaves(sub)
        return found

    pinned = {type(error) for error, _, _ in _domain_errors()}
    abstract = {DomainError, HubError, ApiError}
    route_only = {BadRequest, NotFound, Unauthorized, ServiceUnavailable}
    known = {c for c in leaves(DomainError) if c.__module__.startswith("legal_training.")}
    missing = known - pinned - abstract - route_only
    assert not missing, f"pin these errors here: {sorted(c.__name__ for c in missing)}"
