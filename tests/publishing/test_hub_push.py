"""``POST /api/huggingface/push`` against the fake Hub on loopback, and the push records."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml
from fastapi.testclient import TestClient

from legal_training.publishing.hub import HubUnavailableError, PushOptions, push_dataset
from legal_training.settings import Settings
from legal_training.storage.db import Database
from tests.publishing.fake_hub import USER, VALID_TOKEN, FakeHubState
from tests.publishing.helpers import diverse_sample, insert, snapshot

REPO = f"{USER}/legal-training-dataset"


def _populate(db: Database) -> set[str]:
    samples = [diverse_sample(i) for i in range(24)]
    samples += [diverse_sample(200 + i, provider="simulator") for i in range(4)]
    insert(db, samples)
    return {s["id"] for s in samples if s["provider"] != "simulator"}


def _push(client: TestClient, **body: Any) -> Any:
    return client.post("/api/huggingface/push", json={"token": VALID_TOKEN, **body})


def _files_tree(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _card(files: dict[str, bytes]) -> dict[str, Any]:
    _, front, _ = files["README.md"].decode().split("---", 2)
    meta: dict[str, Any] = yaml.safe_load(front)
    return meta


def test_push_to_a_new_repo_uploads_splits_and_card_in_one_commit(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState
) -> None:
    expected_ids = _populate(db)
    response = _push(pub_client)
    assert response.status_code == 200, response.text
    body = response.json()
    repo = fake_hub.repo(REPO)
    assert body["success"] is True
    assert body["repo_id"] == REPO
    assert body["repo_url"] == f"{fake_hub.base_url}/datasets/{REPO}"
    assert body["commit_id"] == repo.commits[-1]["oid"]
    assert len(repo.commits) == 1
    assert repo.private is False
    assert VALID_TOKEN not in response.text
    assert all(a == f"Bearer {VALID_TOKEN}" for a in fake_hub.authorizations if a)

    files = repo.files
    data_files = sorted(p for p in files if p.startswith("data/"))
    assert data_files == [
        "data/test-00000-of-00001.parquet",
        "data/train-00000-of-00001.parquet",
        "data/validation-00000-of-00001.parquet",
    ]
    uploaded_ids: set[str] = set()
    sizes = {}
    for path in data_files:
        table = pq.read_table(io.BytesIO(files[path]))
        ids = table.column("id").to_pylist()
        sizes[path.split("/")[1].split("-")[0]] = len(ids)
        assert uploaded_ids.isdisjoint(ids)
        uploaded_ids.update(ids)
    assert uploaded_ids == expected_ids  # simulator samples left out
    meta = _card(files)
    assert {s["name"]: s["num_examples"] for s in meta["dataset_info"]["splits"]} == sizes
    assert body["counts"] == {"total": 24, "splits": sizes}
    assert 'load_dataset("test-user/legal-training-dataset")' in files["README.md"].decode()


def test_push_to_an_existing_repo_makes_a_new_commit(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState
) -> None:
    _populate(db)
    first = _push(pub_client).json()
    insert(db, [diverse_sample(500)])
    second = _push(pub_client)
    assert second.status_code == 200, second.text
    repo = fake_hub.repo(REPO)
    assert len(repo.commits) == 2
    assert second.json()["commit_id"] != first["commit_id"]
    assert second.json()["counts"]["total"] == 25


def test_private_is_applied_to_an_existing_repo(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState
) -> None:
    _populate(db)
    assert _push(pub_client, private=False).status_code == 200
    assert fake_hub.repo(REPO).private is False
    response = _push(pub_client, private=True)
    assert response.status_code == 200, response.text
    assert fake_hub.repo(REPO).private is True
    assert fake_hub.settings_updates[-1] == {"visibility": "private"}
    assert _push(pub_client, private=False).status_code == 200
    assert fake_hub.repo(REPO).private is False


def test_bad_token_is_a_clear_401_without_the_token(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState
) -> None:
    _populate(db)
    bad = "hf_wrong-token-value-999"
    response = pub_client.post("/api/huggingface/push", json={"token": bad})
    assert response.status_code == 401
    body = response.json()
    assert body["success"] is False
    assert body["code"] == "hf_token_rejected"
    assert "Hugging Face rejected the token: check HF_TOKEN" in body["error"]
    assert bad not in response.text
    assert fake_hub.repos == {}
    pushes = pub_client.get("/api/huggingface/pushes").json()
    assert pushes["count"] == 1
    assert pushes["data"][0]["success"] is False
    assert bad not in json.dumps(pushes)


def test_missing_token_is_401(pub_client: TestClient, db: Database) -> None:
    _populate(db)
    response = pub_client.post("/api/huggingface/push", json={})
    assert response.status_code == 401
    assert response.json()["code"] == "hf_token_missing"
    assert "HF_TOKEN" in response.json()["error"]


def test_token_from_settings_is_used_when_the_request_has_none(
    db: Database, fake_hub: FakeHubState, hub_settings: Settings
) -> None:
    _populate(db)
    settings = Settings(
        data_dir=hub_settings.data_dir, hf_endpoint=fake_hub.base_url, hf_token=VALID_TOKEN
    )
    result = push_dataset(db, settings, PushOptions(repo_name="from-env"))
    assert result.repo_id == f"{USER}/from-env"
    assert fake_hub.repo(f"{USER}/from-env").files


def test_hub_server_error_is_502_and_changes_nothing_local(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState, hub_settings: Settings
) -> None:
    _populate(db)
    hub_settings.data_dir.mkdir(parents=True, exist_ok=True)
    (hub_settings.data_dir / "train.parquet").write_bytes(b"the user's own file")
    samples_before = snapshot(db)
    files_before = _files_tree(hub_settings.data_dir)
    fake_hub.fail_commit_status = 500
    response = _push(pub_client)
    assert response.status_code == 502
    assert response.json()["code"] == "hub_unavailable"
    assert VALID_TOKEN not in response.text
    assert snapshot(db) == samples_before
    assert _files_tree(hub_settings.data_dir) == files_before
    assert fake_hub.repo(REPO).files == {}
    record = pub_client.get("/api/huggingface/pushes").json()["data"][0]
    assert record["success"] is False
    assert record["commit_id"] is None
    assert "HTTP 500" in record["error"]


def test_unreachable_hub_is_502(db: Database, tmp_path: Path) -> None:
    _populate(db)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(data_dir=tmp_path / "data", hf_endpoint=f"http://127.0.0.1:{port}")
    try:
        push_dataset(db, settings, PushOptions(), token=VALID_TOKEN)
    except HubUnavailableError as exc:
        assert VALID_TOKEN not in str(exc)
        assert "could not reach" in str(exc)
    else:
        raise AssertionError("expected HubUnavailableError")


def test_unknown_format_is_400_and_touches_nothing(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState, hub_settings: Settings
) -> None:
    _populate(db)
    hub_settings.data_dir.mkdir(parents=True, exist_ok=True)
    (hub_settings.data_dir / "train.parquet").write_bytes(b"keep me")
    samples_before = snapshot(db)
    files_before = _files_tree(hub_settings.data_dir)
    response = _push(pub_client, format="xlsx")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_format"
    assert body["details"]["valid_values"] == ["parquet", "jsonl", "csv", "json"]
    assert "parquet, jsonl, csv" in body["error"]
    assert fake_hub.requests == []
    assert snapshot(db) == samples_before
    assert _files_tree(hub_settings.data_dir) == files_before
    assert pub_client.get("/api/huggingface/pushes").json()["count"] == 0


def test_json_is_jsonl_and_replaces_the_previous_format(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState
) -> None:
    expected_ids = _populate(db)
    assert _push(pub_client).status_code == 200
    response = _push(pub_client, format="json")
    assert response.status_code == 200, response.text
    assert response.json()["format"] == "jsonl"
    files = fake_hub.repo(REPO).files
    data_files = sorted(p for p in files if p.startswith("data/"))
    assert all(p.endswith(".jsonl") for p in data_files)
    assert fake_hub.repo(REPO).commits[-1]["deleted"] == [
        "data/test-00000-of-00001.parquet",
        "data/train-00000-of-00001.parquet",
        "data/validation-00000-of-00001.parquet",
    ]
    ids = {json.loads(line)["id"] for p in data_files for line in files[p].decode().splitlines()}
    assert ids == expected_ids
    meta = _card(files)
    paths = {f["split"]: f["path"] for f in meta["configs"][0]["data_files"]}
    assert set(paths.values()) == set(data_files)


def test_csv_push_with_filters_and_field_selection(
    pub_client: TestClient, db: Database, fake_hub: FakeHubState
) -> None:
    _populate(db)
    response = _push(
        pub_client,
        format="csv",
        difficulty="basic",
        fields=["id", "question", "difficulty"],
        train_ratio=0.5,
        validation_ratio=0.0,
        test_ratio=0.5,
        seed=5,
    )
    assert response.status_code == 200, response.text
    files = fake_hub.repo(REPO).files
    assert sorted(p for p in files if p.startswith("data/")) == [
        "data/test-00000-of-00001.csv",
        "data/train-00000-of-00001.csv",
    ]
    header = files["data/train-00000-of-00001.csv"].decode().splitlines()[0]
    assert header == "id,question,difficulty"
    rows = [
        line
        for p in ("data/train-00000-of-00001.csv", "data/test-00000-of-00001.csv")
        for line in files[p].decode().splitlines()[1:]
    ]
    assert rows and all(line.endswith(",basic") for line in rows)


def test_invalid_request_options_are_400(pub_client: TestClient, db: Database) -> None:
    _populate(db)
    ratios = _push(pub_client, train_ratio=0.5, validation_ratio=0.1, test_ratio=0.1)
    assert ratios.status_code == 400 and "add up to 1" in ratios.json()["error"]
    fields = _push(pub_client, fields=["nope"])
    assert fields.status_code == 400 and "valid values" in fields.json()["error"]
    name = _push(pub_client, repo_name="bad name!")
    assert name.status_code == 400 and "invalid repo_name" in name.json()["error"]


def test_nothing_to_publish_is_400(pub_client: TestClient, fake_hub: FakeHubState) -> None:
    response = _push(pub_client)
    assert response.status_code == 400
    assert "nothing to publish" in response.json()["error"]
    assert fake_hub.repos == {}


def test_pushes_are_listed_newest_first_with_filters_and_counts(
    pub_client: TestClient, db: Database
) -> None:
    _populate(db)
    first = _push(pub_client, difficulty="basic").json()
    second = _push(pub_client, include_simulator=True, private=True).json()
    listing = pub_client.get("/api/huggingface/pushes")
    assert listing.status_code == 200
    data = listing.json()
    assert data["count"] == 2
    newest, oldest = data["data"]
    assert newest["commit_id"] == second["commit_id"]
    assert newest["filters"] == {"include_simulator": True}
    assert newest["counts"]["total"] == 28
    assert newest["private"] is True
    assert oldest["commit_id"] == first["commit_id"]
    assert oldest["filters"] == {"difficulty": "basic"}
    assert oldest["repo_id"] == REPO and oldest["success"] is True
    assert oldest["repo_url"] == first["repo_url"]
    assert VALID_TOKEN not in listing.text


def test_pushes_offset_beyond_a_64_bit_integer_is_422(pub_client: TestClient) -> None:
    # Regression (fuzz): SQLite raised OverflowError on it, a 500.
    response = pub_client.get("/api/huggingface/pushes", params={"offset": 2**63})
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == "query.offset"
