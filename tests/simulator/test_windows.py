"""The simulator's ways of counting limits, and its realistic faults, over real HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from legal_training.simulator import SimulatorConfig, run_simulator
from legal_training.simulator.content import reshape_fields
from legal_training.simulator.limits import FixedWindow, RateLimiter, SlidingWindow


def test_a_sliding_window_returns_capacity_only_as_entries_leave_it() -> None:
    window = SlidingWindow(3, 60.0, now=0.0)
    for at in (0.0, 10.0, 20.0):
        window.take(1, at)
    assert window.wait_for(1, 30.0) == pytest.approx(30.0)  # the t=0 entry leaves at 60
    assert window.level(59.9) == 0 and window.level(60.0) == 1
    assert window.wait_for(2, 60.0) == pytest.approx(10.0)
    assert window.wait_for(4, 0.0) == float("inf")


def test_a_fixed_window_resets_on_the_boundary() -> None:
    window = FixedWindow(2, 60.0, now=50.0)
    window.take(2, 50.0)
    assert window.wait_for(1, 55.0) == pytest.approx(5.0)
    assert window.level(60.0) == 2  # a full window again at the minute


def test_limiter_in_sliding_mode_refuses_what_a_bucket_would_admit() -> None:
    now = [0.0]
    bucket = RateLimiter(SimulatorConfig(rpm=60, tpm=None), clock=lambda: now[0])
    sliding = RateLimiter(SimulatorConfig(rpm=60, tpm=None, window="sliding"), lambda: now[0])
    for limiter in (bucket, sliding):
        for _ in range(60):
            assert limiter.admit("m", 0, 0) is None
    now[0] = 2.0
    assert bucket.admit("m", 0, 0) is None  # refilled two requests
    refusal = sliding.admit("m", 0, 0)
    assert refusal is not None and refusal.retry_after == pytest.approx(58.0)


def test_omitted_and_misspelt_fields() -> None:
    sample = {"id": "x", "question": "q", "answer": "a", "topic": "t", "difficulty": "basic",
              "case_citation": "c", "reasoning": "r", "sample_type": "case_analysis"}  # fmt: skip
    assert set(reshape_fields(sample, frozenset({"omit_fields"}))) == {
        "question",
        "answer",
        "case_citation",
        "reasoning",
    }
    misspelt = reshape_fields(sample, frozenset({"misspell_fields"}))
    assert "case_citations" in misspelt and "case_citation" not in misspelt


def _chat(base_url: str, model: str, fault: str | None = None) -> httpx.Response:
    headers = {"X-Simulator-Fault": fault} if fault else {}
    return httpx.post(
        f"{base_url}/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "Topic: Tax Law - VAT"}]},
        headers=headers,
        timeout=10,
    )


def test_over_http_a_dropped_connection_is_a_protocol_error_and_bursts_are_consecutive() -> None:
    config = SimulatorConfig(flavour="openai", fault_5xx_burst=1.0, burst_length=3, seed=1)
    with run_simulator(config) as sim:
        model = config.model_list[0]
        with pytest.raises(httpx.RemoteProtocolError):
            _chat(sim.base_url, model, fault="drop")
        statuses = [_chat(sim.base_url, model).status_code for _ in range(3)]
        stats = sim.stats()
    assert statuses == [500, 500, 500]
    assert stats["faults"]["drop"] == 1 and stats["faults"]["5xx_burst"] == 3


def test_over_http_a_burst_at_a_known_request_fails_exactly_its_length() -> None:
    config = SimulatorConfig(flavour="openai", burst_at=2, burst_length=3, seed=1)
    with run_simulator(config) as sim:
        model = config.model_list[0]
        statuses = [_chat(sim.base_url, model).status_code for _ in range(6)]
        stats = sim.stats()
    assert statuses == [200, 500, 500, 500, 200, 200]
    assert stats["faults"]["5xx_burst"] == 3


def test_a_burst_before_the_first_request_is_refused() -> None:
    with pytest.raises(ValueError, match="burst_at"):
        SimulatorConfig(flavour="openai", burst_at=0)


def test_over_http_a_systematically_wrong_model_and_usage_without_total() -> None:
    config = SimulatorConfig(
        flavour="groq",
        models=("wrong", "right"),
        wrong_jurisdiction_models=("wrong",),
        partial_usage_rate=1.0,
        seed=2,
    )
    with run_simulator(config) as sim:
        wrong = _chat(sim.base_url, "wrong").json()
        right = _chat(sim.base_url, "right").json()
        faults = [c["faults"] for c in sim.stats()["completions"]]
    assert "wrong_jurisdiction" in faults[0] and "wrong_jurisdiction" not in faults[1]
    assert "total_tokens" not in wrong["usage"] and right["usage"]["prompt_tokens"] > 0
    json.loads(right["choices"][0]["message"]["content"])
