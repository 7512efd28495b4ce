"""Builders for batch tests: a registry whose Groq provider is an in-process simulator."""

from __future__ import annotations

from typing import Any

import httpx

from legal_training.batches.engine import BatchEngine
from legal_training.providers.registry import ProviderRegistry, build_registry
from legal_training.settings import Settings
from legal_training.simulator import SimulatorConfig, create_simulator_app
from legal_training.storage.db import Database

FAKE_KEY = "test-fake-key-batches"


def sim_settings(base_url: str = "http://simulator.test/v1", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "groq_api_key": FAKE_KEY,
        "cerebras_api_key": None,
        "ollama_api_key": None,
        "providers_file": None,
        "groq_base_url": base_url,
        "groq_rpm": 6000,
        "groq_tpm": 50_000_000,
    }
    values.update(overrides)
    return Settings(**values)


def in_process_registry(config: SimulatorConfig | None = None, **settings: Any) -> ProviderRegistry:
    """Groq served by the simulator app through an ASGI transport: no port, no network."""
    app = create_simulator_app(config or SimulatorConfig(flavour="groq"))
    transport = httpx.ASGITransport(app=app)
    return build_registry(sim_settings(**settings), transports={"groq": transport})


def make_engine(database: Database, registry: ProviderRegistry, **kwargs: Any) -> BatchEngine:
    return BatchEngine(database=database, registry=registry, **kwargs)
