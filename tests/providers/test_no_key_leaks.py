"""A distinctive canary key must never appear in a response, an exception or a log line."""

from __future__ import annotations

import io
import logging
import random
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from rich.console import Console

from legal_training.api.routes.providers import router as providers_router
from legal_training.cli.providers import render_registry
from legal_training.providers.base import ChatRequest
from legal_training.providers.errors import ProviderError
from legal_training.providers.registry import build_registry
from legal_training.providers.router import FailoverRouter, RetryPolicy
from legal_training.simulator import SimulatorConfig, run_simulator
from tests.providers.helpers import closed_port, settings_with_providers

CANARY = "test-canary-key-Zq81xWv3"
OTHER_CANARY = "test-canary-key-Pp42yTu9"
PROMPT = "Topic: Contract Law - Misrepresentation\nJurisdiction: uk\nDifficulty: basic"
FAULTS = (
    "5xx",
    "rate_limit",
    "session_limit",
    "capacity",
    "context_length",
    "content_filter",
    "json_validate_failed",
    "model_not_found",
    "permission",
)


async def _no_sleep(seconds: float) -> None:
    return None


async def test_canary_key_never_leaks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # include the SDK's and httpx's own debug logging
    seen: list[str] = []
    config = SimulatorConfig(flavour="groq", api_key=CANARY, models=("canary-model",))
    with run_simulator(config) as sim:
        settings = settings_with_providers(
            tmp_path,
            [
                {
                    "name": "good",
                    "flavour": "groq",
                    "base_url": sim.base_url,
                    "api_key_env": "GOOD_KEY",
                    "models": ["canary-model"],
                },
                {
                    "name": "wrongkey",
                    "flavour": "groq",
                    "base_url": sim.base_url,
                    "api_key_env": "WRONG_KEY",
                    "models": ["canary-model"],
                },
                {
                    "name": "unreachable",
                    "flavour": "openai",
                    "base_url": f"http://127.0.0.1:{closed_port()}/v1",
                    "api_key_env": "GOOD_KEY",
                    "models": ["canary-model"],
                },
            ],
        )
        env = {"GOOD_KEY": CANARY, "WRONG_KEY": OTHER_CANARY}
        registry = build_registry(settings, environ=env)
        router = FailoverRouter(
            registry, retry=RetryPolicy(max_attempts=2), sleep=_no_sleep, rng=random.Random(1)
        )
        request = ChatRequest(messages=[{"role": "user", "content": PROMPT}], max_tokens=80)
        try:
            routed = await router.chat(request, provider="good")
            seen += [routed.result.text, repr(routed)]
            for fault in FAULTS:
                faulty = ChatRequest(
                    messages=request.messages,
                    max_tokens=80,
                    extra_headers={"X-Simulator-Fault": fault},
                )
                with pytest.raises(ProviderError) as info:
                    await router.chat(faulty, provider="good", model="canary-model")
                seen += [str(info.value), repr(info.value), repr(info.value.__dict__)]
            for name in ("wrongkey", "unreachable"):
                with pytest.raises(ProviderError) as info:
                    await router.chat(request, provider=name, model="canary-model")
                seen += [str(info.value), repr(info.value), repr(info.value.__dict__)]
            assert "WRONG_KEY" in seen[-6]  # the auth error names the variable to fix

            app = FastAPI()
            app.include_router(providers_router)
            app.state.provider_registry = registry
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
                for path in ("/api/providers", "/api/models", "/api/models?provider=good"):
                    response = await client.get(path)
                    assert response.status_code == 200
                    seen.append(response.text)

            console = Console(file=io.StringIO(), width=200)
            render_registry(registry, console)
            seen.append(console.file.getvalue())  # type: ignore[attr-defined]
            seen += [repr(registry), repr(registry.specs), repr(list(registry.clients.values()))]
        finally:
            await registry.aclose()

    captured = capsys.readouterr()
    seen += [captured.out, captured.err, caplog.text]
    seen += [record.getMessage() for record in caplog.records]
    assert sim.stats()["successes"] >= 1  # the canary really was used to authenticate
    for text in seen:
        assert CANARY not in text
        assert OTHER_CANARY not in text
