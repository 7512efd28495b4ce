"""Two simulated providers on loopback: failover, cooldown, recovery; and one shared budget."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from legal_training.providers.base import ChatRequest
from legal_training.providers.registry import build_registry
from legal_training.providers.router import FailoverRouter, RetryPolicy
from legal_training.simulator import SimulatorConfig, run_simulator
from tests.providers.helpers import SwitchableTransport, settings_with_providers

PROMPT = "Topic: Tort Law - Negligence\nJurisdiction: uk\nDifficulty: basic\nWrite one sample."
REQUEST = ChatRequest(messages=[{"role": "user", "content": PROMPT}], max_tokens=60)
ENV = {"ALPHA_KEY": "test-fake-key-alpha", "BETA_KEY": "test-fake-key-beta"}


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


async def test_failover_cooldown_and_recovery_between_two_simulators(tmp_path: Path) -> None:
    alpha_config = SimulatorConfig(flavour="groq", api_key=ENV["ALPHA_KEY"], models=("alpha-1",))
    beta_config = SimulatorConfig(flavour="cerebras", api_key=ENV["BETA_KEY"], models=("beta-1",))
    with run_simulator(alpha_config) as alpha, run_simulator(beta_config) as beta:
        settings = settings_with_providers(
            tmp_path,
            [
                {
                    "name": "alpha",
                    "flavour": "groq",
                    "base_url": alpha.base_url,
                    "api_key_env": "ALPHA_KEY",
                    "models": ["alpha-1"],
                },
                {
                    "name": "beta",
                    "flavour": "cerebras",
                    "base_url": beta.base_url,
                    "api_key_env": "BETA_KEY",
                    "models": ["beta-1"],
                },
            ],
        )
        switch = SwitchableTransport()
        registry = build_registry(settings, environ=ENV, transports={"alpha": switch})
        clock = Clock()
        router = FailoverRouter(
            registry, cooldown_s=60.0, clock=clock, sleep=_no_sleep, rng=random.Random(3)
        )
        try:
            assert registry.order == ["alpha", "beta"]  # no simulator: keys are configured
            healthy = await router.chat(REQUEST)
            assert (healthy.provider, healthy.switches) == ("alpha", ())

            switch.down = True
            failed_over = await router.chat(REQUEST)
            assert failed_over.provider == "beta" and failed_over.model == "beta-1"
            assert len(failed_over.switches) == 1
            record = failed_over.switches[0]
            assert (record.from_provider, record.to_provider) == ("alpha", "beta")
            assert record.reason.startswith("ConnectionFailed")

            switch.down = False  # alpha is back, but still cooling down: not tried yet
            alpha_before = alpha.stats()["requests"]
            cooling = await router.chat(REQUEST)
            assert cooling.provider == "beta" and cooling.switches == ()
            assert alpha.stats()["requests"] == alpha_before

            clock.now += 61.0
            recovered = await router.chat(REQUEST)
            assert recovered.provider == "alpha" and recovered.switches == ()
            assert alpha.stats()["successes"] == 2
            assert beta.stats()["successes"] == 2
        finally:
            await registry.aclose()
            await switch.aclose()


async def test_twenty_callers_share_one_budget_near_the_simulators_rpm(tmp_path: Path) -> None:
    """The simulator (like Groq) starts with a full minute bucket refilling at rpm/60 per second,
    so by time t it admits at most ``rpm + rpm/60 * t`` requests. We push more than that through
    20 concurrent callers sharing one budget: a loose budget shows up as 429s, a tight one as a
    smaller share of that allowance. Sizes keep the run near 10 s and budget-bound (the burst of
    ``rpm`` requests takes a few seconds; the remaining ``extra`` are paced at rpm/60 per second).
    """
    rpm = 240
    extra = 40
    total = rpm + extra
    model = "llama-3.3-70b-versatile"
    config = SimulatorConfig(flavour="groq", rpm=rpm, tpm=None, api_key=ENV["ALPHA_KEY"])
    with run_simulator(config) as sim:
        settings = settings_with_providers(
            tmp_path,
            [
                {
                    "name": "paced",
                    "flavour": "groq",
                    "base_url": sim.base_url,
                    "api_key_env": "ALPHA_KEY",
                    "models": [model],
                    "rpm": rpm,
                    "tpm": 50_000_000,
                    # This simulator refills continuously; say so, or the budget paces it as
                    # a sliding window (safe everywhere, but a full window at a time).
                    "limits_kind": "bucket",
                },
            ],
        )
        registry = build_registry(settings, environ=ENV)
        router = FailoverRouter(registry, retry=RetryPolicy(max_attempts=5))
        remaining = list(range(total))

        async def caller() -> int:
            done = 0
            while remaining:
                remaining.pop()
                await router.chat(REQUEST, provider="paced", model=model)
                done += 1
            return done

        try:
            started = time.monotonic()
            per_caller = await asyncio.gather(*(caller() for _ in range(20)))
            elapsed = time.monotonic() - started
        finally:
            await registry.aclose()
        stats = sim.stats()

    assert sum(per_caller) == total and min(per_caller) > 0
    assert stats["successes"] == total
    assert stats["rate_limited"] / stats["requests"] < 0.02, stats["by_status"]
    allowance = rpm + rpm / 60 * elapsed
    assert stats["successes"] / allowance >= 0.9, (elapsed, stats["by_status"])
