"""Batch throughput at the rate-limit ceiling, against the original's strategy.

    .venv/bin/python -m benchmarks.bench_batch [--count 100] [--rpm 60] [--client-rpm 60]

One simulator on loopback limited to ``--rpm`` requests/minute (a continuously refilling bucket
of ``rpm`` requests, refilled at ``rpm/60`` per second: simulator/limits.py). The fastest any
client can finish N requests is therefore ``max(0, N - rpm) / (rpm / 60)`` seconds (the full
bucket is spent at once, the rest at the refill rate) plus one request's latency. We run:

1. the batch engine (``BatchEngine``: bounded concurrency, paced by the shared budget);
2. the original's strategy on the same simulator (after a reset): one request at a time, a
   fixed ``60 / rpm`` s sleep after each (original-system.md §3.2), until N are accepted.

and print each time, the bound, the 429 share and the speed-up. ``--client-rpm`` is the budget
the engine is configured with (the provider's limit by default; the registry paces a little
under it, see ``providers.budgets.with_headroom``, because pacing at exactly the limit turns
delivery jitter into 429s).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from legal_training.batches.engine import BatchEngine
from legal_training.batches.params import BatchRequest
from legal_training.generation.pipeline import generate_one, resolve_spec
from legal_training.providers.registry import build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import SimulatorConfig, run_simulator
from legal_training.storage.db import Database


def _settings(base_url: str, rpm: int) -> Settings:
    return Settings(
        groq_api_key="test-fake-key-bench",
        cerebras_api_key=None,
        ollama_api_key=None,
        providers_file=None,
        groq_base_url=base_url,
        groq_rpm=rpm,
        groq_tpm=600_000,
        # This benchmark's simulator refills continuously (bench_pacing covers windows).
        groq_limits_kind="bucket",
    )


async def _engine_run(base_url: str, db: Database, count: int, client_rpm: int) -> float:
    registry = build_registry(_settings(base_url, client_rpm))
    engine = BatchEngine(database=db, registry=registry)
    started = time.perf_counter()
    try:
        created = await engine.create(BatchRequest(count=count, sample_type="balance"))
        await engine.wait(created["batch_id"])
        status = engine.status(created["batch_id"])
    finally:
        await registry.aclose()
    elapsed = time.perf_counter() - started
    assert status["status"] == "completed", status
    assert status["samples_generated"] == count
    return elapsed


async def _original_run(base_url: str, db: Database, count: int, rpm: int) -> float:
    registry = build_registry(_settings(base_url, rpm * 100))  # its own, unshared counters
    router = FailoverRouter(registry)
    accepted = 0
    iteration = 0
    started = time.perf_counter()
    try:
        while accepted < count:
            spec = resolve_spec(sample_type="balance", rotation_index=iteration)
            outcome = await generate_one(spec, router=router, db=db, save=True)
            accepted += int(outcome.success)
            iteration += 1
            await asyncio.sleep(60.0 / rpm)  # the original's fixed pacing
    finally:
        await registry.aclose()
    return time.perf_counter() - started


def _share_429(stats: dict[str, Any]) -> tuple[int, int, float]:
    requests = int(stats["requests"])
    limited = int(stats["rate_limited"])
    return requests, limited, (limited / requests if requests else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rpm", type=int, default=60)
    parser.add_argument("--client-rpm", type=int, default=None)
    parser.add_argument("--latency-min", type=float, default=0.5)
    parser.add_argument("--latency-max", type=float, default=1.5)
    args = parser.parse_args()
    client_rpm = args.client_rpm or args.rpm  # the registry keeps its own small headroom
    config = SimulatorConfig(
        flavour="groq", rpm=args.rpm, latency_min=args.latency_min, latency_max=args.latency_max
    )
    with tempfile.TemporaryDirectory() as tmp, run_simulator(config) as sim:
        engine_db = Database(f"sqlite:///{Path(tmp) / 'engine.db'}")
        engine_db.migrate()
        engine_s = asyncio.run(_engine_run(sim.base_url, engine_db, args.count, client_rpm))
        requests, limited, share = _share_429(sim.stats())
        bound = max(0, requests - args.rpm) / (args.rpm / 60.0) + args.latency_min
        print(f"engine:   {args.count} accepted in {engine_s:.1f} s")
        print(f"          {requests} requests, {limited} answered 429 ({share:.1%})")
        print(f"          fastest the limits allow for {requests} requests: {bound:.1f} s")
        print(f"          ratio to the bound: {engine_s / bound:.3f}")

        sim.reset()
        original_db = Database(f"sqlite:///{Path(tmp) / 'original.db'}")
        original_db.migrate()
        original_s = asyncio.run(_original_run(sim.base_url, original_db, args.count, args.rpm))
        o_requests, o_limited, o_share = _share_429(sim.stats())
        print(f"original: {args.count} accepted in {original_s:.1f} s")
        print(f"          {o_requests} requests, {o_limited} answered 429 ({o_share:.1%})")
        print(f"speed-up: {original_s / engine_s:.2f}x")
        engine_db.dispose()
        original_db.dispose()


if __name__ == "__main__":
    main()
