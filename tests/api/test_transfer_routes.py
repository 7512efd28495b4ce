from __future__ import annotations

import io
import json
from collections.abc import Iterator

import polars as pl
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from legal_training.catalog.fields import REQUIRED_FIELDS
from legal_training.settings import Settings
from tests.conftest import make_sample


def _total(client: TestClient) -> int:
    return int(client.get("/api/stats").json()["total"])


def test_import_jsonl(client: TestClient) -> None:
    content = "\n".join(json.dumps(make_sample(i)) for i in range(3))
    response = client.post("/api/import/jsonl", json={"content": content})
    assert response.status_code == 200
    assert response.json()["imported"] == 3 and response.json()["total_samples"] == 3


def test_import_jsonl_errors_have_line_numbers_and_save_nothing(client: TestClient) -> None:
    content = "\n".join([json.dumps(make_sample(1)), "oops", json.dumps(make_sample(1))])
    response = client.post("/api/import/jsonl", json={"content": content})
    assert response.status_code == 400
    lines = [p["line"] for p in response.json()["details"]["problems"]]
    assert lines == [2, 3]
    assert _total(client) == 0


def test_import_jsonl_duplicates_only_is_409(client: TestClient) -> None:
    client.post("/api/add", json=make_sample(1))
    response = client.post("/api/import/jsonl", json={"content": json.dumps(make_sample(1))})
    assert response.status_code == 409
    assert _total(client) == 1


@pytest.mark.parametrize("body", [{"content": "  \n "}, {"content": 5}, {}])
def test_import_jsonl_bad_body(client: TestClient, body: dict[str, object]) -> None:
    assert client.post("/api/import/jsonl", json=body).status_code in (400, 422)


def test_import_parquet_upload_with_only_the_original_columns(client: TestClient) -> None:
    frame = pl.DataFrame(
        [{k: v for k, v in make_sample(i).items() if k in REQUIRED_FIELDS} for i in range(4)]
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="snappy")
    response = client.post(
        "/api/import",
        files={"file": ("train.parquet", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 4


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_import_text_uploads(client: TestClient, fmt: str) -> None:
    samples = [make_sample(i) for i in range(3)]
    if fmt == "json":
        payload = json.dumps(samples).encode()
    elif fmt == "jsonl":
        payload = "\n".join(json.dumps(s) for s in samples).encode()
    else:
        buffer = io.BytesIO()
        pl.DataFrame(samples).write_csv(buffer)
        payload = buffer.getvalue()
    response = client.post("/api/import", files={"file": (f"d.{fmt}", payload, "text/plain")})
    assert response.status_code == 200, response.text
    assert _total(client) == 3


def test_import_rejects_unknown_type_and_corrupt_files(client: TestClient) -> None:
    bad_type = client.post("/api/import", files={"file": ("d.xlsx", b"data", "x")})
    assert bad_type.status_code == 400 and bad_type.json()["code"] == "unsupported_format"
    corrupt = client.post("/api/import", files={"file": ("d.parquet", b"not parquet", "x")})
    assert corrupt.status_code == 400
    empty = client.post("/api/import", files={"file": ("d.jsonl", b"", "x")})
    assert empty.status_code == 400
    assert _total(client) == 0


def test_oversized_body_is_413(settings: Settings, database: object) -> None:
    from legal_training.api.app import create_app

    small = Settings(data_dir=settings.data_dir, max_body_bytes=1000)
    app = create_app(small, database=database)  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.post("/api/import/jsonl", json={"content": "x" * 5000})
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"

        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b"x" * 500

        streamed = client.post(
            "/api/import/jsonl", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        assert client.get("/api/stats").json()["total"] == 0


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_export_formats(client: TestClient, fmt: str) -> None:
    for i in range(3):
        client.post("/api/add", json=make_sample(i, difficulty="basic" if i else "expert"))
    response = client.get("/api/export", params={"format": fmt, "difficulty": "basic"})
    assert response.status_code == 200
    if fmt == "parquet":
        parquet = pq.ParquetFile(io.BytesIO(response.content))
        assert parquet.metadata.num_rows == 2
        assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    elif fmt == "jsonl":
        assert len(response.text.splitlines()) == 2
    else:
        assert len(pl.read_csv(io.BytesIO(response.content))) == 2


def test_export_unknown_format_is_400(client: TestClient) -> None:
    response = client.get("/api/export", params={"format": "xlsx"})
    assert response.status_code == 400
    assert "parquet" in response.json()["error"]
