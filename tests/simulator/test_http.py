"""The simulator over real HTTP on loopback: headers, limits, error shapes, faults and stats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from legal_training.simulator import (
    Flavour,
    SimulatorConfig,
    create_simulator_app,
    run_simulator,
)
from legal_training.simulator.faults import OLLAMA_SESSION_LIMIT
from legal_training.simulator.runner import RunningSimulator

KEY = "test-fake-key-123"
AUTH = {"Authorization": f"Bearer {KEY}"}
PROMPT = (
    "Write a sample.\nTopic: Tort Law - Nuisance\nJurisdiction: uk\nDifficulty: basic\n"
    "Sample type: case_analysis\n"
)
MODELS = {
    "groq": "llama-3.3-70b-versatile",
    "cerebras": "gpt-oss-120b",
    "ollama": "gpt-oss:120b-cloud",
    "openai": "gpt-4o-mini",
}
GROQ_HEADERS = {
    "x-ratelimit-limit-requests",
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests",
    "x-ratelimit-reset-tokens",
}
CEREBRAS_HEADERS = {
    "x-ratelimit-limit-requests-day",
    "x-ratelimit-limit-tokens-minute",
    "x-ratelimit-remaining-requests-day",
    "x-ratelimit-remaining-tokens-minute",
    "x-ratelimit-reset-requests-day",
    "x-ratelimit-reset-tokens-minute",
}


def _body(flavour: str, **extra: Any) -> dict[str, Any]:
    return {"model": MODELS[flavour], "messages": [{"role": "user", "content": PROMPT}], **extra}


def _post(
    sim: RunningSimulator, flavour: str, fault: str | None = None, **extra: Any
) -> httpx.Response:
    headers = dict(AUTH)
    if fault:
        headers["X-Simulator-Fault"] = fault
    return httpx.post(
        f"{sim.base_url}/chat/completions", json=_body(flavour, **extra), headers=headers
    )


@pytest.fixture(scope="module", params=["groq", "cerebras", "ollama", "openai"])
def sim(request: pytest.FixtureRequest) -> Iterator[tuple[str, RunningSimulator]]:
    flavour = request.param
    config = SimulatorConfig(flavour=flavour, rpm=10_000, tpm=10_000_000, api_key=KEY, seed=5)
    with run_simulator(config) as running:
        yield flavour, running


def test_success_shape_and_headers(sim: tuple[str, RunningSimulator]) -> None:
    flavour, running = sim
    response = _post(running, flavour)
    assert response.status_code == 200
    assert "retry-after" not in response.headers
    names = {h for h in response.headers if h.startswith("x-ratelimit-")}
    expected = {"groq": GROQ_HEADERS, "openai": GROQ_HEADERS, "cerebras": CEREBRAS_HEADERS}
    assert expected.get(flavour, set()) <= names
    if flavour == "ollama":
        assert not names
    body = response.json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop"
    sample = json.loads(choice["message"]["content"])
    assert sample["topic"] == "Tort Law - Nuisance"
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    if flavour == "groq":
        assert {"queue_time", "prompt_time", "completion_time", "total_time"} <= set(usage)
        assert body["x_groq"]["id"].startswith("req_")
    if flavour == "cerebras":
        assert "total_time" in body["time_info"]


@pytest.mark.parametrize(
    ("fault", "status", "codes"),
    [
        ("5xx", 500, None),
        ("rate_limit", 429, {"rate_limit_exceeded", "request_quota_exceeded", "session_limit"}),
        (
            "capacity",
            None,
            {"capacity_exceeded", "queue_exceeded", "server_busy", "engine_overloaded"},
        ),
        ("context_length", 400, {"context_length_exceeded"}),
        ("content_filter", 400, {"content_filter"}),
        ("json_validate_failed", 400, {"json_validate_failed"}),
        ("model_not_found", 404, {"model_not_found"}),
        ("permission", 403, {"permission_denied", "forbidden"}),
    ],
)
def test_forced_errors_use_flavour_shape(
    sim: tuple[str, RunningSimulator], fault: str, status: int | None, codes: set[str] | None
) -> None:
    flavour, running = sim
    response = _post(running, flavour, fault)
    expected_status = status or {"groq": 498}.get(flavour, 503)
    assert response.status_code == expected_status
    assert ("retry-after" in response.headers) == (status == 429 and flavour != "ollama")
    body = response.json()
    if flavour == "cerebras":
        assert set(body) == {"message", "type", "param", "code"}
        code = body["code"]
    else:
        assert set(body) == {"error"}
        assert {"message", "type", "code"} <= set(body["error"])
        code = body["error"]["code"]
    if codes is not None:
        assert code in codes


def test_wrong_key_is_rejected_without_echo(sim: tuple[str, RunningSimulator]) -> None:
    flavour, running = sim
    wrong = "test-wrong-key-canary-987"
    response = httpx.post(
        f"{running.base_url}/chat/completions",
        json=_body(flavour),
        headers={"Authorization": f"Bearer {wrong}"},
    )
    assert response.status_code == 401
    assert wrong not in response.text and KEY not in response.text
    body = response.json()
    code = body["code"] if flavour == "cerebras" else body["error"]["code"]
    assert code == {"cerebras": "wrong_api_key", "ollama": "unauthorized"}.get(
        flavour, "invalid_api_key"
    )


@pytest.mark.parametrize("fault", ["think", "fence", "prose", "reasoning_field"])
def test_forced_wrappers(sim: tuple[str, RunningSimulator], fault: str) -> None:
    flavour, running = sim
    message = _post(running, flavour, fault).json()["choices"][0]["message"]
    content = message["content"]
    if fault == "reasoning_field":
        assert message["reasoning"]
        assert json.loads(content)["question"]
    else:
        assert "reasoning" not in message
        with pytest.raises(json.JSONDecodeError):
            json.loads(content)
        inner = content[content.index("{") : content.rindex("}") + 1]
        assert json.loads(inner)["answer"]
        marker = {"think": "<think>", "fence": "```json", "prose": "\n\n{"}[fault]
        assert marker in content


def test_truncation_malformed_and_max_tokens(sim: tuple[str, RunningSimulator]) -> None:
    flavour, running = sim
    truncated = _post(running, flavour, "truncate").json()["choices"][0]
    assert truncated["finish_reason"] == "length"
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated["message"]["content"])
    malformed = _post(running, flavour, "malformed").json()["choices"][0]
    assert malformed["finish_reason"] == "stop"
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed["message"]["content"])
    limited = _post(running, flavour, max_tokens=50).json()
    assert limited["choices"][0]["finish_reason"] == "length"
    assert limited["usage"]["completion_tokens"] == 50


def test_duplicate_repeats_previous_sample(sim: tuple[str, RunningSimulator]) -> None:
    flavour, running = sim
    first = json.loads(_post(running, flavour).json()["choices"][0]["message"]["content"])
    again = json.loads(
        _post(running, flavour, "duplicate").json()["choices"][0]["message"]["content"]
    )
    assert (again["question"], again["answer"]) == (first["question"], first["answer"])
    assert again["id"] != first["id"]


def test_models_listing_and_unknown_model(sim: tuple[str, RunningSimulator]) -> None:
    flavour, running = sim
    listing = httpx.get(f"{running.base_url}/models", headers=AUTH).json()
    assert listing["object"] == "list"
    assert MODELS[flavour] in [m["id"] for m in listing["data"]]
    response = httpx.post(
        f"{running.base_url}/chat/completions",
        json={**_body(flavour), "model": "no-such-model"},
        headers=AUTH,
    )
    assert response.status_code == 404


def test_unknown_fault_name_is_a_bad_request(sim: tuple[str, RunningSimulator]) -> None:
    flavour, running = sim
    assert _post(running, flavour, "gremlins").status_code == 400


@pytest.mark.parametrize("flavour", ["groq", "openai", "cerebras", "ollama"])
def test_rpm_enforced_with_flavour_body(flavour: Flavour) -> None:
    config = SimulatorConfig(flavour=flavour, rpm=5, tpm=None, api_key=KEY)
    with run_simulator(config) as running:
        statuses = [_post(running, flavour).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        refused = _post(running, flavour)
        stats = running.stats()
    assert refused.status_code == 429
    body = refused.json()
    if flavour == "ollama":
        assert "retry-after" not in refused.headers
        assert not any(h.startswith("x-ratelimit-") for h in refused.headers)
        assert body["error"]["message"] == OLLAMA_SESSION_LIMIT
    else:
        assert int(refused.headers["retry-after"]) >= 1
    if flavour == "cerebras":
        assert (body["type"], body["code"]) == ("too_many_requests_error", "request_quota_exceeded")
        assert refused.headers["x-ratelimit-remaining-requests-minute"] == "0"
    if flavour in ("groq", "openai"):
        assert (body["error"]["type"], body["error"]["code"]) == (
            "requests",
            "rate_limit_exceeded",
        )
    if flavour == "openai":
        assert refused.headers["x-ratelimit-remaining-requests"] == "0"
    assert stats["successes"] == 5
    assert stats["rate_limited"] == 2
    assert stats["by_status"] == {"200": 5, "429": 2}


def test_groq_reports_daily_requests_and_minute_tokens() -> None:
    config = SimulatorConfig(flavour="groq", rpm=30, tpm=6000, rpd=1000, api_key=KEY)
    with run_simulator(config) as running:
        response = _post(running, "groq", max_tokens=100)
    headers = response.headers
    assert headers["x-ratelimit-limit-requests"] == "1000"
    assert headers["x-ratelimit-remaining-requests"] == "999"
    assert headers["x-ratelimit-limit-tokens"] == "6000"
    used = response.json()["usage"]["total_tokens"]
    # The bucket refills at 100 tokens/s while the request runs, hence the upper slack.
    assert 6000 - used - 5 <= int(headers["x-ratelimit-remaining-tokens"]) <= 6000 - used + 300
    assert headers["x-ratelimit-reset-requests"].endswith("s")


def test_cerebras_charges_max_completion_tokens_up_front() -> None:
    config = SimulatorConfig(flavour="cerebras", rpm=100, tpm=1000, api_key=KEY)
    with run_simulator(config) as running:
        first = _post(running, "cerebras", max_completion_tokens=600)
        second = _post(running, "cerebras", max_completion_tokens=600)
        small = _post(running, "cerebras", max_completion_tokens=50)
    assert first.status_code == 200
    prompt = first.json()["usage"]["prompt_tokens"]
    remaining = int(first.headers["x-ratelimit-remaining-tokens-minute"])
    assert 1000 - prompt - 600 - 2 <= remaining <= 1000 - prompt - 600 + 50  # refill slack
    assert second.status_code == 429
    assert second.json()["code"] == "token_quota_exceeded"
    assert int(second.headers["retry-after"]) >= 1
    assert small.status_code == 200


def test_groq_request_larger_than_tpm_is_413() -> None:
    config = SimulatorConfig(flavour="groq", tpm=100, api_key=KEY)
    with run_simulator(config) as running:
        response = httpx.post(
            f"{running.base_url}/chat/completions",
            json={
                "model": MODELS["groq"],
                "messages": [{"role": "user", "content": "word " * 400}],
            },
            headers=AUTH,
        )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "rate_limit_exceeded"


def test_openai_sdk_against_simulator() -> None:
    config = SimulatorConfig(flavour="openai", rpm=1000, tpm=None, api_key=KEY)
    with (
        run_simulator(config) as running,
        openai.OpenAI(base_url=running.base_url, api_key=KEY, max_retries=0) as client,
    ):
        completion = client.chat.completions.create(
            model=MODELS["openai"], messages=[{"role": "user", "content": PROMPT}]
        )
        assert json.loads(completion.choices[0].message.content or "")["difficulty"] == "basic"
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(
                model=MODELS["openai"],
                messages=[{"role": "user", "content": PROMPT}],
                extra_headers={"X-Simulator-Fault": "rate_limit"},
            )
        assert limited.value.response.headers["retry-after"] == "1"
        with (
            openai.OpenAI(base_url=running.base_url, api_key="test-bad-key", max_retries=0) as bad,
            pytest.raises(openai.AuthenticationError) as denied,
        ):
            bad.models.list()
        assert "test-bad-key" not in str(denied.value)
        stats = running.stats()
    assert stats["successes"] == 1
    assert stats["by_status"] == {"200": 1, "401": 1, "429": 1}
    assert stats["faults"] == {"rate_limit": 1}
    assert stats["completions"][0]["topic"] == "Tort Law - Nuisance"


def test_timeout_fault_outlasts_client_and_releases_on_shutdown() -> None:
    config = SimulatorConfig(flavour="groq", timeout_hold=30.0)
    with run_simulator(config) as running, pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{running.base_url}/chat/completions",
            json=_body("groq"),
            headers={"X-Simulator-Fault": "timeout"},
            timeout=0.3,
        )
    assert running.stats()["faults"] == {"timeout": 1}


def test_ollama_native_routes() -> None:
    config = SimulatorConfig(flavour="ollama", rpm=1, api_key=KEY)
    with run_simulator(config) as running:
        tags = httpx.get(f"{running.root_url}/api/tags", headers=AUTH).json()
        chat = httpx.post(
            f"{running.root_url}/api/chat", json={**_body("ollama"), "stream": False}, headers=AUTH
        )
        limited = httpx.post(f"{running.root_url}/api/chat", json=_body("ollama"), headers=AUTH)
        denied = httpx.post(f"{running.root_url}/api/chat", json=_body("ollama"))
    assert MODELS["ollama"] in [m["name"] for m in tags["models"]]
    body = chat.json()
    assert body["done"] is True and body["done_reason"] == "stop"
    assert body["eval_count"] > 0 and body["prompt_eval_count"] > 0
    assert json.loads(body["message"]["content"])["topic"] == "Tort Law - Nuisance"
    assert (limited.status_code, limited.json()) == (429, {"error": OLLAMA_SESSION_LIMIT})
    assert (denied.status_code, denied.json()) == (401, {"error": "unauthorized"})


async def test_in_process_app_and_reset() -> None:
    app = create_simulator_app(SimulatorConfig(flavour="cerebras"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        assert (await client.post("/v1/tcp_warming")).status_code == 200
        ok = await client.post("/v1/chat/completions", json=_body("cerebras"))
        assert ok.status_code == 200
        stats = (await client.get("/_stats")).json()
        assert (stats["requests"], stats["successes"]) == (1, 1)
        assert stats["total_tokens"] == ok.json()["usage"]["total_tokens"]
        await client.post("/_reset")
        assert (await client.get("/_stats")).json()["requests"] == 0
