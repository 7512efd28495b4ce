"""Data operations at scale: page, filter, search, add and stats through the HTTP API.

    .venv/bin/python -m benchmarks.bench_data_ops --rows 200000 [--postgres URL]

Loads ``--rows`` generated samples (once per database; reused when already there), then times
each API operation over repeated calls and prints the median and 95th percentile in ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from benchmarks.datagen import _vocabulary, generate_samples
from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository


def _load(db: Database, rows: int) -> None:
    with db.read() as session:
        have = SampleRepository(session, db.dialect).count()
    if have >= rows:
        print(f"  reusing {have:,} rows")
        db.analyze()
        return
    started = time.perf_counter()
    chunk = 20_000
    for start in range(have, rows, chunk):
        size = min(chunk, rows - start)
        sample_io.import_rows(db, enumerate(generate_samples(size, start=start), start=1))
        print(f"  loaded {start + size:,} rows", flush=True)
    if db.is_postgresql:  # index-only scans need the visibility map that VACUUM builds
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE samples"))
    else:
        db.analyze()
    print(f"  load took {time.perf_counter() - started:.0f} s")


def _time(label: str, call: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 300, response.text
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    print(f"  {label:<38} median {median:8.1f} ms   p95 {p95:8.1f} ms")
    return median


def run(db: Database, rows: int, repeat: int) -> None:
    _load(db, rows)
    settings = Settings(data_dir=Path(tempfile.mkdtemp()))
    counter = iter(range(10**9))
    with TestClient(create_app(settings, database=db)) as client:
        _time("GET /api/data (first page)", lambda: client.get("/api/data"), repeat)
        _time(
            "GET /api/data (offset 100,000)",
            lambda: client.get("/api/data", params={"offset": 100_000}),
            repeat,
        )
        _time(
            "GET /api/samples/filter (2 filters)",
            lambda: client.get(
                "/api/samples/filter", params={"difficulty": "expert", "jurisdiction": "eu"}
            ),
            repeat,
        )
        _time(
            "GET /api/search (two common words)",
            lambda: client.get("/api/search", params={"q": "fiduciary easement", "limit": 100}),
            repeat,
        )
        rare = _vocabulary()[0][5000]
        _time(
            "GET /api/search (a rare word)",
            lambda: client.get("/api/search", params={"q": rare, "limit": 100}),
            repeat,
        )
        _time(
            "GET /api/search (field=question)",
            lambda: client.get("/api/search", params={"q": "estoppel", "field": "question"}),
            repeat,
        )
        _time("GET /api/samples/random", lambda: client.get("/api/samples/random"), repeat)

        def add_one() -> Any:
            sample = next(generate_samples(1, start=rows + 10_000_000 + next(counter), seed=7))
            sample["id"] = f"bench_add_{uuid.uuid4().hex}"  # unique across repeated runs
            return client.post("/api/add", json=sample)

        _time("POST /api/add", add_one, repeat)
        _time("GET /api/stats", lambda: client.get("/api/stats"), max(3, repeat // 4))
        _time("GET /api/stats/tokens", lambda: client.get("/api/stats/tokens"), max(3, repeat // 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sqlite-path", default="benchmarks/.data/bench.db")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL database to use")
    args = parser.parse_args()

    print(f"SQLite ({args.sqlite_path}), {args.rows:,} rows")
    Path(args.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    sqlite = Database(f"sqlite:///{Path(args.sqlite_path).resolve()}")
    sqlite.migrate()
    run(sqlite, args.rows, args.repeat)
    if args.postgres:
        print(f"PostgreSQL, {args.rows:,} rows")
        postgres = Database(args.postgres)
        postgres.migrate()
        run(postgres, args.rows, args.repeat)


if __name__ == "__main__":
    main()
