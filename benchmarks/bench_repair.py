"""Tokens per accepted sample with repair on and off, when 30% of answers have a fixable defect.

    .venv/bin/python -m benchmarks.bench_repair [--count 100] [--rate 0.3] [--runs 3]

Each run starts one simulator on loopback (``fixable_rate=--rate``: a misspelt heading, a step
short, reasoning a little short, an empty citation list or a missing JSON comma, one defect per
affected answer) and runs two ``--count``-sample batches through the batch engine, each in a
fresh SQLite database so that neither sees the other's samples as duplicates: one with repair
on, one with ``repair=False``. Both use the same strict gate (same checks, same citation
policy, same acceptance criteria); the only difference is whether a fixable rejection gets one
follow-up or is paid for again. Tokens are the batch's ``tokens_used`` (prompt + completion of
every call, repairs included). Prints tokens per accepted sample for each, and the saving; the
median over ``--runs`` runs is the figure. The goal is a saving of at least 15%.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path
from typing import Any

from legal_training.batches.engine import BatchEngine
from legal_training.batches.params import BatchRequest
from legal_training.providers.registry import build_registry
from legal_training.settings import Settings
from legal_training.simulator import SimulatorConfig, run_simulator
from legal_training.storage.db import Database

GOAL = 0.15


def _settings(base_url: str) -> Settings:
    return Settings(
        groq_api_key="test-fake-key-bench",
        cerebras_api_key=None,
        ollama_api_key=None,
        providers_file=None,
        groq_base_url=base_url,
        groq_rpm=100_000,
        groq_tpm=100_000_000,
    )


async def _batch(base_url: str, folder: Path, count: int, *, repair: bool) -> dict[str, Any]:
    db = Database(f"sqlite:///{folder / ('on.db' if repair else 'off.db')}")
    db.migrate()
    registry = build_registry(_settings(base_url))
    try:
        engine = BatchEngine(database=db, registry=registry)
        request = BatchRequest(count=count, sample_type="balance", repair=repair)
        created = await engine.create(request)
        await engine.wait(created["batch_id"])
        return engine.status(created["batch_id"])
    finally:
        await registry.aclose()
        db.dispose()


def _line(name: str, status: dict[str, Any]) -> str:
    accepted = max(1, int(status["samples_generated"]))
    return (
        f"  repair {name:3}: {status['status']:9} accepted {status['samples_generated']:4} "
        f"rejected {status['samples_rejected']:4} repaired {status['samples_repaired']:4} "
        f"tokens {status['tokens_used']:9,}  per accepted {status['tokens_used'] / accepted:8.1f}"
    )


async def _one_run(count: int, rate: float, seed: int) -> float:
    config = SimulatorConfig(
        flavour="groq", rpm=100_000, tpm=100_000_000, fixable_rate=rate, seed=seed
    )
    with run_simulator(config) as sim, tempfile.TemporaryDirectory() as tmp:
        on = await _batch(sim.base_url, Path(tmp), count, repair=True)
        off = await _batch(sim.base_url, Path(tmp), count, repair=False)
    per_on = on["tokens_used"] / max(1, on["samples_generated"])
    per_off = off["tokens_used"] / max(1, off["samples_generated"])
    saving = float(1 - per_on / per_off)
    print(_line("on", on))
    print(_line("off", off))
    print(
        f"  saving per accepted sample: {saving:.1%}  "
        f"(repair tokens {on['repair_tokens']:,}, saved vs regeneration "
        f"{on['repair_tokens_saved']:,})"
    )
    return saving


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    savings = []
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs}: {args.count} samples, fixable_rate {args.rate}")
        savings.append(asyncio.run(_one_run(args.count, args.rate, seed=100 + run)))
    median = statistics.median(savings)
    verdict = "met" if median >= GOAL else "NOT met"
    print(f"median saving {median:.1%} over {args.runs} run(s); goal >= {GOAL:.0%}: {verdict}")


if __name__ == "__main__":
    main()
