"""The HTTP contract other tools rely on: no route, parameter, body field or status disappears.

``tests/data/openapi_contract.json`` records every operation of the published API. A change may
add to it (a new filter, a new route) but never drop anything; every JSON route also declares
a response schema, and streams and downloads declare their media types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from legal_training.api.app import create_app
from legal_training.settings import Settings

CONTRACT = Path(__file__).parent.parent / "data" / "openapi_contract.json"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("openapi"))
    spec: dict[str, Any] = create_app(settings).openapi()
    return spec


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return resolved
    return schema


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_every_recorded_operation_keeps_its_parameters_statuses_and_body(
    document: dict[str, Any],
) -> None:
    operations = _operations(document)
    contract: dict[str, dict[str, list[str]]] = json.loads(CONTRACT.read_text())
    for name, recorded in contract.items():
        assert name in operations, f"{name} disappeared"
        operation = operations[name]
        parameters = {f"{p['in']}:{p['name']}" for p in operation.get("parameters", [])}
        assert set(recorded["parameters"]) <= parameters, name
        assert set(recorded["statuses"]) <= set(operation["responses"]), name
        body = operation.get("requestBody")
        if recorded["body_fields"]:
            assert body is not None, name
            fields: set[str] = set()
            for content in body["content"].values():
                fields |= set(_schema(document, content["schema"]).get("properties", {}))
            assert set(recorded["body_fields"]) <= fields, name


def test_every_route_declares_what_it_returns(document: dict[str, Any]) -> None:
    for name, operation in _operations(document).items():
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, name
        for code in success:
            content = operation["responses"][code].get("content", {})
            assert content, f"{name} {code} declares no media type"
            for media_type, body in content.items():
                if media_type == "application/json" and "schema" in body:
                    schema = _schema(document, body["schema"])
                    assert schema.get("properties") or schema.get("anyOf"), (
                        f"{name} {code} returns JSON without a response model"
                    )
