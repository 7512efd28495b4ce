"""Batches against simulators on loopback that behave like real providers: faults, bursts,
rejected keys, systematically bad answers, several providers, limits larger than the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from legal_training.batches.engine import BatchEngine, BatchStatus
from legal_training.batches.events import ErrorEvent, StatusEvent
from legal_training.batches.params import BatchRequest
from legal_training.providers.registry import ProviderRegistry, build_registry
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator
from legal_training.storage.db import Database

KEY = "test-fake-key-resilience"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'resilience.db'}")
    database.migrate()
    yield database
    database.dispose()


def _groq(sim: RunningSimulator, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "groq_api_key": KEY,
        "cerebras_api_key": None,
        "ollama_api_key": None,
        "providers_file": None,
        "groq_base_url": sim.base_url,
        "groq_rpm": 6000,
        "groq_tpm": 50_000_000,
    }
    base.update(values)
    return Settings(**base)


def _file_settings(tmp_path: Path, providers: list[dict[str, Any]]) -> Settings:
    path = tmp_path / "providers.yaml"
    path.write_text(yaml.safe_dump({"providers": providers}))
    return Settings(
        groq_api_key=None, cerebras_api_key=None, ollama_api_key=None, providers_file=path
    )


async def _run(db: Database, registry: ProviderRegistry, request: BatchRequest) -> BatchEngine:
    engine = BatchEngine(database=db, registry=registry)
    created = await engine.create(request)
    await engine.wait(created["batch_id"])
    engine.last_batch_id = created["batch_id"]  # type: ignore[attr-defined]
    return engine


async def test_drops_5xx_and_unparseable_replies_still_give_exactly_count(db: Database) -> None:
    config = SimulatorConfig(
        flavour="groq", fault_drop=0.1, fault_5xx=0.1, fault_malformed=0.05, seed=21
    )
    with run_simulator(config) as sim:
        registry = build_registry(_groq(sim))
        try:
            engine = await _run(db, registry, BatchRequest(count=40, jurisdiction="uk"))
        finally:
            await registry.aclose()
        stats = sim.stats()
    status = engine.status(engine.last_batch_id)  # type: ignore[attr-defined]
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_generated"] == 40
    assert stats["faults"].get("drop", 0) > 0 and stats["faults"].get("5xx", 0) > 0


async def test_a_burst_of_5xx_is_ridden_out_on_the_same_provider(db: Database) -> None:
    # One outage of 8 consecutive 5xx answers, after the first few calls have succeeded.
    config = SimulatorConfig(flavour="groq", burst_at=4, burst_length=8, seed=4)
    with run_simulator(config) as sim:
        registry = build_registry(_groq(sim))
        try:
            engine = await _run(db, registry, BatchRequest(count=12, jurisdiction="uk"))
        finally:
            await registry.aclose()
        stats = sim.stats()
    assert stats["faults"].get("5xx_burst", 0) == 8
    status = engine.status(engine.last_batch_id)  # type: ignore[attr-defined]
    assert status["status"] == BatchStatus.COMPLETED and status["samples_generated"] == 12


async def test_every_answer_failing_the_gate_stops_the_batch_within_its_call_bound(
    db: Database,
) -> None:
    count = 5
    config = SimulatorConfig(flavour="groq", wrong_jurisdiction_rate=1.0, seed=8)
    with run_simulator(config) as sim:
        registry = build_registry(_groq(sim))
        try:
            engine = await _run(db, registry, BatchRequest(count=count))
        finally:
            await registry.aclose()
        calls = sim.stats()["requests"]
    batch_id = engine.last_batch_id  # type: ignore[attr-defined]
    assert calls <= max(60, 3 * count)
    status = engine.status(batch_id)
    assert status["status"] == BatchStatus.FAILED and status["samples_generated"] == 0
    assert "citation_jurisdiction" in status["stop_reasons"]
    assert "citation_jurisdiction" in (status["stop_reason"] or "")
    history, _ = engine.history(limit=5, offset=0)
    assert "citation_jurisdiction" in history[0]["stop_reasons"]
    events = [e.event for e in engine.bus.replay(batch_id, 0)]
    final = events[-1]
    assert isinstance(final, StatusEvent) and final.status == "failed"
    assert "citation_jurisdiction" in final.reasons
    rejected = [e for e in events if isinstance(e, ErrorEvent) and e.category == "quality"]
    assert rejected and all("citation_jurisdiction" in e.reasons for e in rejected)


async def test_a_model_that_always_answers_in_the_wrong_jurisdiction_is_set_aside(
    db: Database,
) -> None:
    config = SimulatorConfig(
        flavour="groq",
        models=("bad-model", "good-model"),
        wrong_jurisdiction_models=("bad-model",),
        seed=3,
    )
    with run_simulator(config) as sim:
        registry = build_registry(_groq(sim))
        spec = registry.specs["groq"]
        registry.specs["groq"] = type(spec)(
            **{
                **spec.__dict__,
                "default_model": "bad-model",
                "models": tuple(
                    type(spec.models[0])(id=m, provider="groq", name=m, fallback_priority=i + 1)
                    for i, m in enumerate(("bad-model", "good-model"))
                ),
            }
        )
        try:
            engine = await _run(db, registry, BatchRequest(count=10, jurisdiction="uk"))
        finally:
            await registry.aclose()
        served = [c["model"] for c in sim.stats()["completions"]]
    status = engine.status(engine.last_batch_id)  # type: ignore[attr-defined]
    assert status["status"] == BatchStatus.COMPLETED and status["samples_generated"] == 10
    assert served.count("good-model") >= 10
    assert served.count("bad-model") < 20  # set aside, not retried without end
    assert any(e.get("category") == "model_breaker" for e in status["errors"])


async def test_answers_that_omit_or_misspell_fields_we_fill_are_accepted(db: Database) -> None:
    config = SimulatorConfig(
        flavour="groq",
        omit_fields_rate=0.5,
        misspell_fields_rate=0.5,
        partial_usage_rate=0.5,
        seed=6,
    )
    with run_simulator(config) as sim:
        registry = build_registry(_groq(sim))
        try:
            engine = await _run(db, registry, BatchRequest(count=10, jurisdiction="uk"))
        finally:
            await registry.aclose()
        stats = sim.stats()
    status = engine.status(engine.last_batch_id)  # type: ignore[attr-defined]
    assert stats["faults"].get("omit_fields", 0) and stats["faults"].get("misspell_fields", 0)
    assert status["status"] == BatchStatus.COMPLETED
    assert status["samples_rejected"] == 0 and status["tokens_used"] > 0


async def test_a_rejected_key_on_one_provider_sends_the_batch_to_the_other(
    db: Database, tmp_path: Path
) -> None:
    wrong = SimulatorConfig(flavour="groq", api_key="test-fake-key-other", models=("a-1",))
    right = SimulatorConfig(flavour="cerebras", api_key=KEY, models=("b-1",))
    with run_simulator(wrong) as first, run_simulator(right) as second:
        settings = _file_settings(
            tmp_path,
            [
                {"name": "first", "flavour": "groq", "base_url": first.base_url,
                 "api_key_env": "FIRST_KEY", "models": ["a-1"]},
                {"name": "second", "flavour": "cerebras", "base_url": second.base_url,
                 "api_key_env": "SECOND_KEY", "models": ["b-1"]},
            ],
        )  # fmt: skip
        registry = build_registry(settings, environ={"FIRST_KEY": KEY, "SECOND_KEY": KEY})
        try:
            engine = await _run(db, registry, BatchRequest(count=6, jurisdiction="uk"))
        finally:
            await registry.aclose()
        second_served = second.stats()["successes"]
    status = engine.status(engine.last_batch_id)  # type: ignore[attr-defined]
    assert status["status"] == BatchStatus.COMPLETED and second_served >= 6


async def test_three_providers_serve_one_batch_at_the_same_time(
    db: Database, tmp_path: Path
) -> None:
    # Four requests a minute each, counted in a sliding window: twelve samples can only be had
    # without waiting a minute if all three providers take their share at once.
    configs = [
        SimulatorConfig(flavour=flavour, rpm=4, window="sliding", models=(f"{flavour}-m",))
        for flavour in ("groq", "cerebras", "openai")
    ]
    with (
        run_simulator(configs[0]) as a,
        run_simulator(configs[1]) as b,
        run_simulator(configs[2]) as c,
    ):
        sims = {"a": a, "b": b, "c": c}
        settings = _file_settings(
            tmp_path,
            [
                {
                    "name": name,
                    "flavour": sim.config.flavour,
                    "base_url": sim.base_url,
                    "api_key_env": "SHARED_KEY",
                    "models": [sim.config.model_list[0]],
                    "rpm": 4,
                    "tpm": 10_000_000,
                }
                for name, sim in sims.items()
            ],
        )
        registry = build_registry(settings, environ={"SHARED_KEY": KEY})
        try:
            engine = await _run(db, registry, BatchRequest(count=12, jurisdiction="uk"))
        finally:
            await registry.aclose()
        served = {name: sim.stats()["successes"] for name, sim in sims.items()}
        limited = sum(sim.stats()["rate_limited"] for sim in sims.values())
    status = engine.status(engine.last_batch_id)  # type: ignore[attr-defined]
    assert status["status"] == BatchStatus.COMPLETED
    assert served == {"a": 4, "b": 4, "c": 4}
    assert limited == 0


async def test_limits_reported_above_the_catalog_are_adopted_unless_capped(
    db: Database,
) -> None:
    config = SimulatorConfig(flavour="cerebras", rpm=600, tpm=10_000_000, api_key=KEY)
    with run_simulator(config) as sim:
        base: dict[str, Any] = {
            "groq_api_key": None,
            "ollama_api_key": None,
            "providers_file": None,
            "cerebras_api_key": KEY,
            "cerebras_base_url": sim.base_url,
        }
        learned = build_registry(Settings(**base))
        capped = build_registry(Settings(**base, cerebras_tpm=50_000))
        try:
            await _run(db, learned, BatchRequest(count=4, jurisdiction="uk"))
            await _run(db, capped, BatchRequest(count=2, jurisdiction="uk"))
            free = {(v.scope, v.window): v for v in learned.limit_views("cerebras")}
            held = {(v.scope, v.window): v for v in capped.limit_views("cerebras")}
        finally:
            await learned.aclose()
            await capped.aclose()
    tokens = free[("tokens", "minute")]
    assert (tokens.default, tokens.learned, tokens.source) == (48_000, 10_000_000, "learned")
    assert tokens.effective > 9_000_000
    assert held[("tokens", "minute")].effective <= 50_000
    assert held[("tokens", "minute")].source == "configured"
