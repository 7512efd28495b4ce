"""Building the registry from settings and the providers file; the embedded simulator."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from legal_training.providers.base import ChatRequest
from legal_training.providers.budgets import Limit
from legal_training.providers.openai_compat import CerebrasProvider, GroqProvider, OllamaProvider
from legal_training.providers.registry import (
    SIMULATOR_ID,
    RegistryError,
    build_registry,
    load_providers_file,
)
from legal_training.providers.router import FailoverRouter
from legal_training.simulator.embedded import build_registry_with_simulator
from tests.providers.helpers import settings_with_providers

FAKE = "test-fake-key-123"


async def test_no_key_registers_only_the_in_process_simulator(tmp_path: Path) -> None:
    registry = build_registry_with_simulator(settings_with_providers(tmp_path))
    try:
        assert registry.order == [SIMULATOR_ID]
        assert registry.default_provider == SIMULATOR_ID
        spec = registry.spec(SIMULATOR_ID)
        assert spec.is_simulator and spec.label == "Built-in simulator (not a real LLM)"
        assert not registry.is_enabled("groq") and not registry.is_enabled("cerebras")
        routed = await FailoverRouter(registry).chat(
            ChatRequest(
                messages=[
                    {"role": "user", "content": "Topic: Contract Law - Formation of Contracts"}
                ],
                max_tokens=300,
            )
        )
        assert routed.provider == SIMULATOR_ID and routed.model == spec.default_model
        assert routed.result.usage.total_tokens > 0
        await registry.refresh_live_models()
        assert {m.id for m in registry.models(SIMULATOR_ID)} >= {"simulator-large"}
    finally:
        await registry.aclose()


async def test_keys_enable_builtins_with_catalog_defaults_and_overrides(tmp_path: Path) -> None:
    settings = settings_with_providers(
        tmp_path, groq_api_key=FAKE, cerebras_api_key=FAKE, groq_rpm=7, cerebras_tpm=1234
    )
    registry = build_registry(settings)
    try:
        assert registry.order == ["groq", "cerebras"]
        assert SIMULATOR_ID not in registry.specs
        assert isinstance(registry.client("groq"), GroqProvider)
        assert isinstance(registry.client("cerebras"), CerebrasProvider)
        groq = registry.spec("groq")
        assert groq.default_model == "llama-3.3-70b-versatile"
        assert [m.id for m in groq.fallback_models][:3] == [
            "llama-3.3-70b-versatile",
            "llama-3.1-8b-instant",
            "openai/gpt-oss-120b",
        ]
        assert len(groq.fallback_models) == 9
        assert (groq.rpm, groq.tpm) == (7, 5500)
        cerebras = registry.spec("cerebras")
        assert cerebras.champion_model == "gpt-oss-120b" and cerebras.tpm == 1234
        thinking = cerebras.model("qwen-3-235b-a22b-thinking-2507")
        assert thinking is not None and thinking.is_thinking_model
        assert not thinking.supports_json_schema and thinking.max_tokens == 8000
        coder = cerebras.model("qwen-3-coder-480b")
        assert coder is not None and coder.fallback_priority is None
        assert Limit("requests", "minute", 7) in registry.budget.limits(
            "groq", "any"
        )  # < 50: no headroom
        with pytest.raises(RegistryError, match="OLLAMA_API_KEY"):
            registry.client("ollama")
        with pytest.raises(RegistryError, match="valid: groq, cerebras, ollama"):
            registry.spec("nope")
    finally:
        await registry.aclose()


async def test_local_ollama_needs_no_key_and_gets_v1_suffix(tmp_path: Path) -> None:
    settings = settings_with_providers(tmp_path, ollama_base_url="http://localhost:11434")
    registry = build_registry_with_simulator(settings)
    try:
        client = registry.client("ollama")
        assert isinstance(client, OllamaProvider)
        assert client.base_url == "http://localhost:11434/v1"
        assert registry.order == ["ollama", SIMULATOR_ID]  # no key at all: simulator beside it
    finally:
        await registry.aclose()


async def test_providers_file_adds_openai_compatible_endpoints(tmp_path: Path) -> None:
    settings = settings_with_providers(
        tmp_path,
        [
            {
                "name": "together",
                "base_url": "https://api.together.invalid/v1",
                "api_key_env": "TOGETHER_API_KEY",
                "models": ["m-large", {"id": "m-small", "context_window": 8192}],
                "rpm": 60,
                "tpm": 100000,
            },
            {"name": "local-vllm", "base_url": "http://127.0.0.1:8000/v1", "models": ["x"]},
            {"name": "nokey", "base_url": "https://x.invalid/v1", "api_key_env": "NOKEY_KEY"},
        ],
    )
    registry = build_registry(settings, environ={"TOGETHER_API_KEY": FAKE})
    try:
        assert registry.order == ["together", "local-vllm"]
        together = registry.spec("together")
        assert together.default_model == "m-large" and together.rpm == 60
        assert [m.context_window for m in together.models] == [None, 8192]
        assert not registry.is_enabled("nokey")
    finally:
        await registry.aclose()


async def test_order_override_and_injected_transport(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "object": "list",
                "data": [{"id": "live-only", "object": "model", "created": 0, "owned_by": "x"}],
            },
        )

    settings = settings_with_providers(tmp_path, groq_api_key=FAKE, cerebras_api_key=FAKE)
    registry = build_registry(
        settings,
        order=["cerebras", "groq"],
        transports={"groq": httpx.MockTransport(handler)},
    )
    try:
        assert registry.order == ["cerebras", "groq"]
        await registry.client("groq").list_models()
        assert seen and seen[0].headers["authorization"] == f"Bearer {FAKE}"
        assert FAKE not in str(seen[0].url)
    finally:
        await registry.aclose()
    with pytest.raises(RegistryError, match="unknown provider"):
        build_registry(settings, order=["groq", "mystery"])


async def test_live_listing_is_merged_and_failures_are_ignored(tmp_path: Path) -> None:
    def listing(request: httpx.Request) -> httpx.Response:
        data = [
            {"id": "llama-3.3-70b-versatile", "object": "model", "created": 0, "owned_by": "g"},
            {"id": "brand-new-model", "object": "model", "created": 0, "owned_by": "g"},
        ]
        return httpx.Response(200, json={"object": "list", "data": data})

    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": {"message": "down", "type": "server_error"}})

    settings = settings_with_providers(tmp_path, groq_api_key=FAKE, cerebras_api_key=FAKE)
    registry = build_registry(
        settings,
        transports={"groq": httpx.MockTransport(listing), "cerebras": httpx.MockTransport(broken)},
    )
    try:
        await registry.refresh_live_models()
        groq_ids = [m.id for m in registry.models("groq")]
        assert groq_ids.count("llama-3.3-70b-versatile") == 1
        assert groq_ids[-1] == "brand-new-model"
        assert len(registry.models("cerebras")) == 9  # catalog only, listing failed quietly
    finally:
        await registry.aclose()


def test_providers_file_errors_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("providers:\n  - name: x\n")
    with pytest.raises(RegistryError, match="name and a base_url"):
        load_providers_file(path)
    path.write_text("providers:\n  - name: x\n    base_url: https://user:secret@host.invalid/v1\n")
    with pytest.raises(RegistryError, match="api_key_env"):
        load_providers_file(path)
    path.write_text("providers: [unclosed\n")
    with pytest.raises(RegistryError, match="cannot read"):
        load_providers_file(path)
    with pytest.raises(RegistryError, match="cannot read"):
        load_providers_file(tmp_path / "missing.yaml")
    path.write_text("providers:\n  - name: groq\n    base_url: https://x.invalid/v1\n")
    with pytest.raises(RegistryError, match="redefines"):
        build_registry(settings_with_providers(tmp_path, providers_file=path))
