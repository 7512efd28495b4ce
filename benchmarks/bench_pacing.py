"""Pacing and resilience against realistic provider behaviour (issue 10), median of N runs.

    .venv/bin/python -m benchmarks.bench_pacing [--runs 3] [--case request tokens ...]
                                                [--curator-python /tmp/curator-venv/bin/python]

Every simulator runs in its own process (``benchmarks/simserver.py``) counting its limits as a
**sliding 60-second window** (at most the limit in any 60 s), which our pacer is not modelled
on. Latency is uniform in [0.5, 1.5] s. Cases:

``request``  100 samples at 60 RPM: our engine, the original's strategy (one request at a time,
             a fixed 60/RPM sleep after each) and Bespoke Curator (when ``--curator-python``
             points at a venv where it is installed), in the same run.
``tokens``   a token-bound batch: 60k TPM charged by usage (prompt at admission, completion
             when generated), requests not limiting.
``three``    three providers (Groq, Cerebras and Ollama flavours), each 60 RPM, token limits too
             large to bind, 300 samples over ``auto``.
``learned``  Cerebras flavour reporting 600 RPM / 10M TPM in its headers, no overrides: the
             catalog says 600 RPM / 48k TPM; 60 samples.
``faults``   10% dropped connections, 10% 5xx, 5% unparseable replies: a 40-sample batch.
``rejected`` every answer cites the wrong jurisdiction: batches of 5 and 40 must stop by
             themselves within max(60, 3 x count) calls.

"Ideal" is the fastest finish the provider's limits allow for the requests the run needed
(``successes``): with a sliding window of L per 60 s, ``(ceil(n / L) - 1) x 60 s`` plus the
slowest latency (1.5 s); for tokens, the same greedy schedule over the tokens each request
really used (no window ever above its limit). Pace = ideal / actual.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from benchmarks.simserver import SimProcess
from legal_training.batches.engine import BatchEngine
from legal_training.batches.params import BatchRequest
from legal_training.generation.pipeline import generate_one, resolve_spec
from legal_training.providers.registry import build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import SimulatorConfig
from legal_training.storage.db import Database

LATENCY = (0.5, 1.5)
WINDOW_S = 60.0
FAKE_KEY = "test-fake-key-bench"
CURATOR_SCRIPT = Path(__file__).with_name("curator_run.py")


def _settings(**values: Any) -> Settings:
    base: dict[str, Any] = {
        "groq_api_key": None,
        "cerebras_api_key": None,
        "ollama_api_key": None,
        "providers_file": None,
    }
    base.update(values)
    return Settings(**base)


def _sim(**values: Any) -> SimulatorConfig:
    config: dict[str, Any] = {
        "window": "sliding",
        "latency_min": LATENCY[0],
        "latency_max": LATENCY[1],
        "tpm": 100_000_000,
    }
    config.update(values)
    return SimulatorConfig(**config)


def _fresh_db(tmp: Path) -> Database:
    db = Database(f"sqlite:///{tmp / f'bench-{time.monotonic_ns()}.db'}")
    db.migrate()
    return db


async def _engine(settings: Settings, db: Database, request: BatchRequest) -> dict[str, Any]:
    registry = build_registry(settings)
    engine = BatchEngine(database=db, registry=registry)
    started = time.perf_counter()
    try:
        created = await engine.create(request)
        await engine.wait(created["batch_id"])
        elapsed = time.perf_counter() - started
        status = engine.status(created["batch_id"])
        history, _ = engine.history(limit=1, offset=0)
    finally:
        await engine.aclose()
        await registry.aclose()
    return {"elapsed": elapsed, "status": status, "history": history[0]}


async def _original(settings: Settings, db: Database, count: int, rpm: int) -> float:
    """One request at a time and a fixed 60/RPM sleep after each, until ``count`` accepted."""
    registry = build_registry(settings)
    router = FailoverRouter(registry)
    accepted, iteration = 0, 0
    started = time.perf_counter()
    try:
        while accepted < count:
            spec = resolve_spec(sample_type="balance", rotation_index=iteration)
            outcome = await generate_one(spec, router=router, db=db, save=True)
            accepted += int(outcome.success)
            iteration += 1
            await asyncio.sleep(60.0 / rpm)
    finally:
        await registry.aclose()
    return time.perf_counter() - started


def _request_ideal(successes: int, per_window: int) -> float:
    windows = math.ceil(successes / per_window)
    return (windows - 1) * WINDOW_S + LATENCY[1]


def _token_ideal(tokens: Sequence[int], limit: int) -> float:
    """Greedy schedule: each request as early as a sliding window of ``limit`` tokens allows,
    counting what it really used, none ever over the limit."""
    log: list[tuple[float, int]] = []
    now = 0.0
    for used in tokens:
        while sum(t for at, t in log if at > now - WINDOW_S) + used > limit:
            live = sorted(at for at, _ in log if at > now - WINDOW_S)
            now = live[0] + WINDOW_S
        log.append((now, used))
    return now + LATENCY[1]


def _share_429(stats: dict[str, Any]) -> float:
    requests = int(stats["requests"])
    return int(stats["rate_limited"]) / requests if requests else 0.0


def _median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def _report(name: str, rows: list[dict[str, float]], keys: Sequence[str]) -> None:
    parts = []
    for key in keys:
        value = _median(rows, key)
        if key.endswith("share"):
            parts.append(f"{key} {value:.1%}")
        elif key in ("pace", "ratio"):
            parts.append(f"{key} {value:.3f}")
        else:
            parts.append(f"{key} {value:,.1f}")
    runs = ", ".join(f"{row['elapsed']:.1f}" for row in rows)
    print(f"  {name:<22} " + "; ".join(parts) + f"   (runs: {runs} s)", flush=True)


# --- cases -----------------------------------------------------------------------------------


async def case_request(tmp: Path, runs: int, curator_python: str | None) -> None:
    count, rpm = 100, 60
    print(f"request-bound: {count} samples, sliding {rpm} RPM (ideal: 61.5 s for 100 requests)")
    ours: list[dict[str, float]] = []
    original: list[dict[str, float]] = []
    curator: list[dict[str, float]] = []
    with SimProcess(_sim(flavour="groq", rpm=rpm, seed=5)) as sim:
        sim.warm()
        # The account's limits, as the user would give them (Groq's headers never report RPM).
        settings = _settings(
            groq_api_key=FAKE_KEY, groq_base_url=sim.base_url, groq_rpm=rpm, groq_tpm=600_000
        )
        for _ in range(runs):
            sim.reset()
            result = await _engine(
                settings,
                _fresh_db(tmp),
                BatchRequest(count=count, sample_type="balance", jurisdiction="uk"),
            )
            stats = sim.stats()
            assert result["status"]["status"] == "completed", result["status"]
            ideal = _request_ideal(int(stats["successes"]), rpm)
            ours.append(
                {
                    "elapsed": result["elapsed"],
                    "ideal": ideal,
                    "pace": ideal / result["elapsed"],
                    "429 share": _share_429(stats),
                    "requests": float(stats["requests"]),
                    "tokens/sample": stats["total_tokens"] / count,
                }
            )
            _report("engine (this run)", ours[-1:], ("elapsed", "pace", "429 share"))
        for _ in range(runs):
            sim.reset()
            elapsed = await _original(settings, _fresh_db(tmp), count, rpm)
            stats = sim.stats()
            ideal = _request_ideal(int(stats["successes"]), rpm)
            original.append(
                {
                    "elapsed": elapsed,
                    "ideal": ideal,
                    "pace": ideal / elapsed,
                    "429 share": _share_429(stats),
                    "requests": float(stats["requests"]),
                    "tokens/sample": stats["total_tokens"] / count,
                }
            )
            _report("original (this run)", original[-1:], ("elapsed", "pace", "429 share"))
        if curator_python:
            for _ in range(runs):
                sim.reset()
                elapsed = _curator(curator_python, sim.base_url, count, rpm, tmp)
                stats = sim.stats()
                answered = int(stats["successes"])
                ideal = _request_ideal(answered, rpm)
                curator.append(
                    {
                        "elapsed": elapsed,
                        "ideal": ideal,
                        "pace": ideal / elapsed,
                        "429 share": _share_429(stats),
                        "requests": float(stats["requests"]),
                        "tokens/sample": stats["total_tokens"] / max(1, answered),
                    }
                )
                _report("curator (this run)", curator[-1:], ("elapsed", "pace", "429 share"))
    keys = ("elapsed", "ideal", "pace", "429 share", "requests", "tokens/sample")
    print("  medians:")
    _report("engine", ours, keys)
    _report("original strategy", original, keys)
    if curator:
        _report("bespoke curator", curator, keys)


def _curator(python: str, base_url: str, count: int, rpm: int, tmp: Path) -> float:
    """Run Curator in its own venv against the simulator; returns its wall time."""
    out = subprocess.run(
        [python, str(CURATOR_SCRIPT), base_url, str(count), str(rpm), str(tmp / "curator")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("ELAPSED ")]
    if not lines:
        raise RuntimeError(f"curator failed: {out.stderr[-2000:]}")
    return float(lines[-1].split()[1])


async def case_tokens(tmp: Path, runs: int) -> None:
    count, tpm = 60, 60_000
    print(f"token-bound: {count} samples, sliding {tpm:,} TPM charged by usage, RPM not binding")
    rows: list[dict[str, float]] = []
    with SimProcess(_sim(flavour="groq", rpm=10_000, tpm=tpm, seed=9)) as sim:
        sim.warm()
        # No token override: the budget starts at the catalog's 5,500 TPM and adopts the
        # 60,000 the headers report. RPM is set because Groq's headers never report it.
        settings = _settings(groq_api_key=FAKE_KEY, groq_base_url=sim.base_url, groq_rpm=10_000)
        for _ in range(runs):
            sim.reset()
            result = await _engine(
                settings,
                _fresh_db(tmp),
                BatchRequest(
                    count=count,
                    sample_type="case_analysis",
                    difficulty="basic",
                    jurisdiction="uk",
                ),
            )
            stats = sim.stats()
            assert result["status"]["status"] == "completed", result["status"]
            records = sorted(stats["completions"], key=lambda r: r["admitted_at"])
            used = [int(r["prompt_tokens"]) + int(r["completion_tokens"]) for r in records]
            ideal = _token_ideal(used, tpm)
            rows.append(
                {
                    "elapsed": result["elapsed"],
                    "ideal": ideal,
                    "pace": ideal / result["elapsed"],
                    "429 share": _share_429(stats),
                    "requests": float(stats["requests"]),
                    "tokens/sample": stats["total_tokens"] / count,
                }
            )
            _report("engine (this run)", rows[-1:], ("elapsed", "ideal", "pace", "429 share"))
    print("  medians:")
    _report("engine", rows, ("elapsed", "ideal", "pace", "429 share", "tokens/sample"))


async def case_three(tmp: Path, runs: int) -> None:
    count, rpm = 300, 60
    print(f"three providers: {count} samples over auto, each sliding {rpm} RPM (ideal ~61.5 s)")
    rows: list[dict[str, float]] = []
    configs = {
        "groq": _sim(flavour="groq", rpm=rpm, seed=1),
        "cerebras": _sim(flavour="cerebras", rpm=rpm, seed=2),
        "ollama": _sim(flavour="ollama", rpm=rpm, seed=3),
    }
    with SimProcess(configs["groq"]) as groq, SimProcess(configs["cerebras"]) as cerebras:  # noqa: SIM117
        with SimProcess(configs["ollama"]) as ollama:
            sims = {"groq": groq, "cerebras": cerebras, "ollama": ollama}
            for sim in sims.values():
                sim.warm()
            settings = _settings(
                groq_api_key=FAKE_KEY,
                cerebras_api_key=FAKE_KEY,
                ollama_api_key=FAKE_KEY,
                groq_base_url=groq.base_url,
                cerebras_base_url=cerebras.base_url,
                ollama_base_url=ollama.root_url,
                groq_rpm=rpm,
                cerebras_rpm=rpm,
                ollama_rpm=rpm,
                groq_tpm=100_000_000,
                cerebras_tpm=100_000_000,
                ollama_tpm=100_000_000,
            )
            for _ in range(runs):
                for sim in sims.values():
                    sim.reset()
                result = await _engine(
                    settings,
                    _fresh_db(tmp),
                    BatchRequest(count=count, sample_type="balance", jurisdiction="uk"),
                )
                stats = {name: sim.stats() for name, sim in sims.items()}
                assert result["status"]["status"] == "completed", result["status"]
                successes = sum(int(s["successes"]) for s in stats.values())
                requests = sum(int(s["requests"]) for s in stats.values())
                limited = sum(int(s["rate_limited"]) for s in stats.values())
                ideal = _request_ideal(successes, rpm * len(sims))
                rows.append(
                    {
                        "elapsed": result["elapsed"],
                        "ideal": ideal,
                        "pace": ideal / result["elapsed"],
                        "429 share": limited / requests,
                        "requests": float(requests),
                        "tokens/sample": sum(s["total_tokens"] for s in stats.values()) / count,
                    }
                )
                served = ", ".join(f"{n} {s['successes']}" for n, s in stats.items())
                _report("engine (this run)", rows[-1:], ("elapsed", "pace", "429 share"))
                print(f"    served: {served}")
    print("  medians:")
    _report("engine", rows, ("elapsed", "ideal", "pace", "429 share", "tokens/sample"))


async def case_learned(tmp: Path, runs: int) -> None:
    count = 60
    print(f"learned limits: {count} samples, Cerebras reporting 600 RPM / 10M TPM, no overrides")
    rows: list[dict[str, float]] = []
    config = _sim(flavour="cerebras", rpm=600, tpm=10_000_000, seed=4)
    with SimProcess(config) as sim:
        sim.warm()
        settings = _settings(cerebras_api_key=FAKE_KEY, cerebras_base_url=sim.base_url)
        for _ in range(runs):
            sim.reset()
            result = await _engine(
                settings,
                _fresh_db(tmp),
                BatchRequest(count=count, sample_type="balance", jurisdiction="uk"),
            )
            stats = sim.stats()
            assert result["status"]["status"] == "completed", result["status"]
            rows.append(
                {
                    "elapsed": result["elapsed"],
                    "429 share": _share_429(stats),
                    "requests": float(stats["requests"]),
                    "tokens/sample": stats["total_tokens"] / count,
                }
            )
            _report("engine (this run)", rows[-1:], ("elapsed", "429 share"))
    print("  medians (target: under 30 s):")
    _report("engine", rows, ("elapsed", "429 share", "requests", "tokens/sample"))


async def case_faults(tmp: Path, runs: int) -> None:
    count = 40
    print(f"faults: {count} samples, 10% dropped connections, 10% 5xx, 5% unparseable")
    rows: list[dict[str, float]] = []
    for run in range(runs):
        config = _sim(
            flavour="groq",
            rpm=6000,
            fault_drop=0.10,
            fault_5xx=0.10,
            fault_malformed=0.05,
            seed=20 + run,
        )
        with SimProcess(config) as sim:
            settings = _settings(groq_api_key=FAKE_KEY, groq_base_url=sim.base_url, groq_rpm=6000)
            sim.warm()
            request = BatchRequest(count=count, jurisdiction="uk")
            result = await _engine(settings, _fresh_db(tmp), request)
            stats = sim.stats()
        status = result["status"]
        rows.append(
            {
                "elapsed": result["elapsed"],
                "accepted": float(status["samples_generated"]),
                "requests": float(stats["requests"]),
                "faults": float(sum(stats["faults"].values())),
            }
        )
        print(
            f"  run {run + 1}: {status['status']} with {status['samples_generated']} of {count};"
            f" {stats['requests']} requests, faults {stats['faults']}",
            flush=True,
        )
    print("  medians:")
    _report("engine", rows, ("elapsed", "accepted", "requests", "faults"))


async def case_rejected(tmp: Path, runs: int) -> None:
    print("rejected: every answer cites the wrong jurisdiction")
    for count in (5, 40):
        bound = max(60, 3 * count)
        rows: list[dict[str, float]] = []
        for run in range(runs):
            config = _sim(flavour="groq", rpm=6000, wrong_jurisdiction_rate=1.0, seed=30 + run)
            with SimProcess(config) as sim:
                settings = _settings(
                    groq_api_key=FAKE_KEY, groq_base_url=sim.base_url, groq_rpm=6000
                )
                result = await _engine(settings, _fresh_db(tmp), BatchRequest(count=count))
                stats = sim.stats()
            status = result["status"]
            rows.append({"elapsed": result["elapsed"], "calls": float(stats["requests"])})
            print(
                f"  count {count} run {run + 1}: {status['status']} after {stats['requests']}"
                f" calls (bound {bound}); stop_reasons {status['stop_reasons']}",
                flush=True,
            )
        _report(f"count {count}", rows, ("elapsed", "calls"))


CASES: dict[str, Callable[..., Coroutine[Any, Any, None]]] = {
    "request": case_request,
    "tokens": case_tokens,
    "three": case_three,
    "learned": case_learned,
    "faults": case_faults,
    "rejected": case_rejected,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", nargs="*", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--curator-python", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name in args.case:
            started = time.perf_counter()
            if name == "request":
                asyncio.run(case_request(tmp, args.runs, args.curator_python))
            else:
                asyncio.run(CASES[name](tmp, args.runs))
            print(f"  ({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
    print(json.dumps({"runs": args.runs, "cases": args.case}))


if __name__ == "__main__":
    main()
