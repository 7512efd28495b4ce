"""/metrics after a small simulator batch: open to scrapers, counting samples and provider calls,
and never showing a key."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from legal_training import metrics
from legal_training.api.app import create_app
from legal_training.providers.errors import (
    ConnectionDropped,
    ConnectionFailed,
    RateLimited,
    ServerError,
)
from legal_training.providers.router import call_outcome
from legal_training.settings import Settings
from legal_training.storage.db import Database

FAKE_KEY = "fake-api-key-for-tests-only"


def _values(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _get(
    values: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return values.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_a_batch_and_stay_open_without_leaking_the_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", api_key=FAKE_KEY)
    database = Database(f"sqlite:///{tmp_path / 'test.db'}")
    auth = {"Authorization": f"Bearer {FAKE_KEY}"}
    try:
        with TestClient(create_app(settings, database=database)) as api:
            assert api.get("/api/generate/batch/status").status_code == 401
            before = api.get("/metrics")
            assert before.status_code == 200  # open to scrapers without the key
            assert before.headers["content-type"].startswith("text/plain")
            start = _values(before.text)

            started = api.post("/api/generate/batch/start", json={"count": 3}, headers=auth)
            assert started.status_code == 200, started.text
            batch_id = started.json()["batch_id"]
            checks = 0
            while (
                api.get(
                    "/api/generate/batch/status", params={"batch_id": batch_id}, headers=auth
                ).json()["status"]
                == "running"
            ):
                checks += 1
                assert checks < 2000
            final = api.get(
                "/api/generate/batch/status", params={"batch_id": batch_id}, headers=auth
            ).json()
            assert final["status"] == "completed" and final["samples_generated"] == 3

            scraped = api.get("/metrics")
    finally:
        database.dispose()
    assert FAKE_KEY not in scraped.text
    end = _values(scraped.text)

    def delta(name: str, **labels: str) -> float:
        return _get(end, name, **labels) - _get(start, name, **labels)

    accepted = delta("legal_training_samples_total", outcome="accepted")
    rejected = delta("legal_training_samples_total", outcome="rejected")
    rejections = sum(
        value - _get(start, name, **dict(labels))
        for (name, labels), value in end.items()
        if name == "legal_training_sample_rejections_total"
    )
    assert accepted >= 3  # every saved sample passed the gate first
    assert rejections >= rejected  # each rejected sample names at least one failed check
    ok_calls = delta("legal_training_provider_calls_total", provider="simulator", outcome="ok")
    assert ok_calls >= accepted + rejected  # each gate verdict came from an answered call
    assert delta("legal_training_provider_tokens_total", provider="simulator", kind="prompt") > 0
    assert _get(end, "process_cpu_seconds_total") > 0


def test_rejection_reasons_and_call_outcomes_are_counted_by_label() -> None:
    before = _values(metrics.exposition()[0].decode())
    metrics.record_sample("rejected", ["citation_format", "answer_length"])
    metrics.record_call("groq", call_outcome(RateLimited("slow down", provider="groq")))
    after = _values(metrics.exposition()[0].decode())

    def delta(name: str, **labels: str) -> float:
        return _get(after, name, **labels) - _get(before, name, **labels)

    assert delta("legal_training_samples_total", outcome="rejected") == 1
    assert delta("legal_training_sample_rejections_total", reason="citation_format") == 1
    assert delta("legal_training_sample_rejections_total", reason="answer_length") == 1
    assert delta("legal_training_provider_calls_total", provider="groq", outcome="429") == 1


def test_call_outcomes_name_what_an_operator_alerts_on() -> None:
    assert call_outcome(ServerError("boom", provider="p", status_code=503)) == "5xx"
    assert call_outcome(ServerError("unreadable", provider="p")) == "malformed"
    assert call_outcome(ConnectionDropped("reset", provider="p")) == "dropped"
    assert call_outcome(ConnectionFailed("refused", provider="p")) == "connection_failed"
