"""The simulator inside this process, as the keyless demo provider.

``make run`` with no provider key still gives a working product: the registry registers the
``simulator`` provider and reaches it through an in-process ASGI transport (no port, no network).
"""

from __future__ import annotations

from typing import Any

import httpx

from legal_training.providers.registry import ProviderRegistry, ProviderSpec, build_registry
from legal_training.settings import Settings
from legal_training.simulator.app import create_simulator_app
from legal_training.simulator.config import SimulatorConfig


def embedded_simulator_transport(spec: ProviderSpec) -> httpx.AsyncBaseTransport:
    """An ASGI transport to a simulator limited like ``spec`` and serving its models."""
    config = SimulatorConfig(
        flavour="openai",
        rpm=spec.rpm,
        tpm=spec.tpm,
        models=tuple(m.id for m in spec.models),
    )
    return httpx.ASGITransport(app=create_simulator_app(config))


def build_registry_with_simulator(settings: Settings, **options: Any) -> ProviderRegistry:
    """The registry the server and the CLI run with: the configured providers, or the embedded
    simulator when no key is set. ``options`` go to :func:`build_registry` unchanged."""
    return build_registry(settings, simulator_transport=embedded_simulator_transport, **options)
