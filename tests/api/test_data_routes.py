from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_sample


def _add(client: TestClient, *samples: dict[str, Any]) -> None:
    for sample in samples:
        response = client.post("/api/add", json=sample)
        assert response.status_code == 201, response.text


def _ids(client: TestClient) -> list[str]:
    return [s["id"] for s in client.get("/api/data", params={"limit": 1000}).json()["samples"]]


def test_add_and_get(client: TestClient) -> None:
    _add(client, make_sample(1))
    body = client.get("/api/sample/sample_00001").json()
    assert body["success"] is True
    assert body["sample"]["question"].startswith("Question 1")
    assert body["sample"]["total_tokens"] > 0


def test_add_missing_field_is_422_and_nothing_saved(client: TestClient) -> None:
    bad = make_sample(1)
    del bad["answer"]
    response = client.post("/api/add", json=bad)
    assert response.status_code == 422
    assert "answer" in response.json()["error"]
    assert _ids(client) == []


def test_add_mistyped_field_is_422(client: TestClient) -> None:
    response = client.post("/api/add", json=make_sample(1, question=["not", "text"]))
    assert response.status_code == 422


def test_add_unknown_difficulty_is_400_with_valid_values(client: TestClient) -> None:
    response = client.post("/api/add", json=make_sample(1, difficulty="legendary"))
    assert response.status_code == 400
    assert "expert" in response.json()["error"]


def test_add_duplicate_id_is_409_and_original_kept(client: TestClient) -> None:
    _add(client, make_sample(1))
    response = client.post("/api/add", json=make_sample(1, question="Replaced?"))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_id"
    assert client.get("/api/sample/sample_00001").json()["sample"]["question"].startswith("Q")


def test_get_unknown_is_404(client: TestClient) -> None:
    response = client.get("/api/sample/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "sample_not_found"


def test_partial_put(client: TestClient) -> None:
    _add(client, make_sample(1))
    response = client.put("/api/sample/sample_00001", json={"difficulty": "expert"})
    assert response.status_code == 200
    sample = client.get("/api/sample/sample_00001").json()["sample"]
    assert sample["difficulty"] == "expert"
    assert sample["question"].startswith("Question 1")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"question": None}, 400),
        ({"question": 5}, 422),
        ({"unknown_field": "x"}, 422),
        ({"difficulty": "legendary"}, 400),
    ],
)
def test_bad_put_leaves_sample_unchanged(
    client: TestClient, body: dict[str, Any], status: int
) -> None:
    _add(client, make_sample(1))
    before = client.get("/api/sample/sample_00001").json()["sample"]
    response = client.put("/api/sample/sample_00001", json=body)
    assert response.status_code == status
    assert client.get("/api/sample/sample_00001").json()["sample"] == before


def test_put_unknown_is_404_and_id_collision_is_409(client: TestClient) -> None:
    _add(client, make_sample(1), make_sample(2))
    assert client.put("/api/sample/nope", json={"answer": "x"}).status_code == 404
    assert client.put("/api/sample/sample_00001", json={"id": "sample_00002"}).status_code == 409


def test_delete(client: TestClient) -> None:
    _add(client, make_sample(1))
    response = client.delete("/api/sample/sample_00001")
    assert response.status_code == 200 and response.json()["total_samples"] == 0
    assert client.delete("/api/sample/sample_00001").status_code == 404


def test_data_pagination_and_filters(client: TestClient) -> None:
    _add(client, *[make_sample(i, difficulty="basic" if i < 3 else "expert") for i in range(8)])
    body = client.get("/api/data", params={"limit": 2, "offset": 1}).json()
    assert body["total"] == 8 and body["count"] == 2 and body["limit"] == 2
    basic = client.get("/api/data", params={"difficulty": "foundational"}).json()
    assert basic["total"] == 3
    assert {s["difficulty"] for s in basic["samples"]} == {"basic"}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"limit": -5}, {"offset": -1},
                                    {"limit": "ten"}, {"limit": 10**12}])  # fmt: skip
def test_data_rejects_bad_paging(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/api/data", params=params).status_code == 422


def test_data_unknown_jurisdiction_is_400(client: TestClient) -> None:
    response = client.get("/api/data", params={"jurisdiction": "mars"})
    assert response.status_code == 400
    assert "international" in response.json()["error"]


def test_search(client: TestClient) -> None:
    _add(client, make_sample(1, question="Who owns the easement?"), make_sample(2))
    body = client.get("/api/search", params={"q": "easement"}).json()
    assert body["count"] == 1 and body["results"][0]["id"] == "sample_00001"
    assert body["field"] == "all"
    field = client.get("/api/search", params={"q": "easement", "field": "answer"}).json()
    assert field["count"] == 0


@pytest.mark.parametrize(
    "q", ["'; DROP TABLE samples; --", "(a+)+$", "[", "\\", '"', "*", "NEAR(a b)", "%"]
)
def test_search_metacharacters_never_error_or_change_data(client: TestClient, q: str) -> None:
    _add(client, make_sample(1))
    response = client.get("/api/search", params={"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["code"] == "invalid_query"
    assert _ids(client) == ["sample_00001"]


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "x", "field": "password"}, {"q": "x", "limit": 0}, {"q": "x" * 501}],
)
def test_search_bad_input(client: TestClient, params: dict[str, Any]) -> None:
    assert client.get("/api/search", params=params).status_code in (400, 422)


def test_filter_route(client: TestClient) -> None:
    _add(client, make_sample(1, sample_type="educational"), make_sample(2))
    body = client.get("/api/samples/filter", params={"sample_type": "educational"}).json()
    assert body["count"] == 1 and body["filters"] == {"sample_type": "educational"}
    assert client.get("/api/samples/filter", params={"limit": 5000}).status_code == 422


def test_random(client: TestClient) -> None:
    _add(client, *[make_sample(i) for i in range(10)])
    body = client.get("/api/samples/random", params={"count": 3}).json()
    assert body["count"] == 3 and len({s["id"] for s in body["samples"]}) == 3
    for count in (0, -5, 101):
        assert client.get("/api/samples/random", params={"count": count}).status_code == 422


def test_single_download(client: TestClient) -> None:
    _add(client, make_sample(1))
    response = client.get("/api/sample/sample_00001/download")
    assert response.status_code == 200
    assert 'filename="sample_00001.json"' in response.headers["content-disposition"]
    assert json.loads(response.text)["id"] == "sample_00001"
    assert client.get("/api/sample/nope/download").status_code == 404


def test_selected_download(client: TestClient) -> None:
    _add(client, make_sample(1), make_sample(2))
    response = client.post(
        "/api/samples/download", json={"sample_ids": ["sample_00002", "nope", "sample_00001"]}
    )
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [s["id"] for s in lines] == ["sample_00002", "sample_00001"]
    assert client.post("/api/samples/download", json={"sample_ids": []}).status_code == 422
    assert client.post("/api/samples/download", json={"sample_ids": ["nope"]}).status_code == 404


def test_batch_samples(client: TestClient) -> None:
    _add(client, make_sample(1, batch_id="batch_a"), make_sample(2, batch_id="batch_b"))
    body = client.get("/api/batch/batch_a/samples").json()
    assert body["count"] == 1 and body["samples"][0]["id"] == "sample_00001"
    assert body["batch_info"] is None
    assert client.get("/api/batch/batch_zzz/samples").status_code == 404


# Regressions found by tests/api/test_fuzz.py: odd text must be a 4xx on every backend, never a
# 500 (PostgreSQL refuses NUL characters in text; no database can encode a lone surrogate).


def _assert_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["code"] and body["error"]


def test_nul_in_a_sample_text_is_refused_on_every_backend(client: TestClient) -> None:
    response = client.post("/api/add", json=make_sample(1, question="When\x00 is it formed?"))
    _assert_error(response, 400)
    assert "question" in response.json()["error"] and "NUL" in response.json()["error"]
    _add(client, make_sample(2))
    _assert_error(client.put("/api/sample/sample_00002", json={"answer": "a\x00b"}), 400)
    line = json.dumps(make_sample(3, reasoning="Step\x001"))
    _assert_error(client.post("/api/import/jsonl", json={"content": line}), 400)
    assert _ids(client) == ["sample_00002"]
    assert client.get("/api/sample/sample_00002").json()["sample"]["answer"].startswith("Answer")


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("GET", "/api/sample/a%00b", None),
        ("DELETE", "/api/sample/a%00b", None),
        ("GET", "/api/sample/a%00b/download", None),
        ("GET", "/api/batch/a%00b/samples", None),
        ("GET", "/api/batch/a%00b/quality", None),
        ("POST", "/api/samples/download", {"sample_ids": ["a\x00b"]}),
        ("GET", "/api/generate/batch/status?batch_id=a%00b", None),
        ("POST", "/api/generate/batch/a%00b/resume", None),
    ],
)
def test_nul_in_a_lookup_key_is_a_4xx(
    client: TestClient, method: str, url: str, payload: dict[str, Any] | None
) -> None:
    response = client.request(method, url, json=payload)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["success"] is False


@pytest.mark.parametrize("path", ["/api/data", "/api/samples/filter", "/api/samples/random"])
def test_nul_in_a_filter_is_400(client: TestClient, path: str) -> None:
    _assert_error(client.get(path, params={"topic": "Contract\x00 Law"}), 400)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_nul_in_an_export_filter_is_400_before_the_download_starts(
    client: TestClient, fmt: str
) -> None:
    _add(client, make_sample(1))
    response = client.get("/api/export", params={"format": fmt, "provider": "g\x00roq"})
    _assert_error(response, 400)
    assert "provider" in response.json()["error"]


def test_lone_surrogates_are_400(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    response = client.post(
        "/api/samples/download", content=b'{"sample_ids": ["\\ud800"]}', headers=headers
    )
    _assert_error(response, 400)
    line = json.dumps(make_sample(1)).replace("Question 1", "Question \\ud800")
    response = client.post("/api/import/jsonl", json={"content": line})
    _assert_error(response, 400)
    assert "surrogate" in response.json()["error"]
    assert _ids(client) == []


@pytest.mark.parametrize("number", [b"1e400", b"NaN", b"-Infinity"])
def test_non_finite_numbers_in_sample_json_are_400(client: TestClient, number: bytes) -> None:
    # Python's JSON parser reads these; PostgreSQL's JSON type cannot store them.
    sample = json.dumps(make_sample(1, quality={"score": 0})).encode()
    response = client.post(
        "/api/add",
        content=sample.replace(b'"score": 0', b'"score": ' + number),
        headers={"content-type": "application/json"},
    )
    _assert_error(response, 400)
    assert "finite" in response.json()["error"]
    extra = json.dumps(make_sample(2, rating=0)).encode()
    response = client.post(
        "/api/add",
        content=extra.replace(b'"rating": 0', b'"rating": ' + number),
        headers={"content-type": "application/json"},
    )
    _assert_error(response, 400)
    assert _ids(client) == []


def test_after_cursor_pages_the_list_filter_and_batch_routes(client: TestClient) -> None:
    _add(
        client,
        *[make_sample(i, batch_id="b1", created_at=f"2025-01-{i + 1:02d}") for i in range(5)],
    )
    for path in ("/api/data", "/api/samples/filter", "/api/batch/b1/samples"):
        first = client.get(path, params={"limit": 3}).json()
        assert [s["id"] for s in first["samples"]] == [f"sample_0000{i}" for i in (4, 3, 2)]
        second = client.get(path, params={"limit": 3, "after": first["next_after"]}).json()
        assert [s["id"] for s in second["samples"]] == ["sample_00001", "sample_00000"]
        assert second["next_after"] is None and second["total"] == 5


def test_a_malformed_after_cursor_is_400(client: TestClient) -> None:
    response = client.get("/api/data", params={"after": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
