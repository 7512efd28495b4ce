"""Dashboard pages at scale: the server time of each page's HTML at 200,000 samples.

    .venv/bin/python -m benchmarks.bench_web --rows 200000 [--postgres URL]

Reuses (or loads, once) the dataset of ``bench_data_ops`` and times each page through the app
in-process (FastAPI TestClient: routing, queries and template rendering; no network), printing
the median and 95th percentile in ms. Target: every page's HTML under 300 ms. The Overview's
statistics are a fragment loaded after the page and are reported on their own line.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from benchmarks.bench_data_ops import _load
from legal_training.api.app import create_app
from legal_training.catalog.fields import SampleFilters
from legal_training.settings import Settings
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository

TARGET_MS = 300.0


def _time(
    client: TestClient, label: str, url: str, repeat: int, *, deferred: bool = False
) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
    median = statistics.median(timings)
    p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
    verdict = "after the page" if deferred else ("ok" if p95 < TARGET_MS else "OVER TARGET")
    print(f"  {label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   {verdict}")
    return p95


def run(db: Database, rows: int, repeat: int) -> None:
    _load(db, rows)
    settings = Settings(data_dir=Path(tempfile.mkdtemp()))
    with TestClient(create_app(settings, database=db)) as client:
        started = client.post("/api/generate/batch/start", json={"count": 3})
        assert started.status_code == 200, started.text
        batch_id = started.json()["batch_id"]
        with db.read() as session:
            repo = SampleRepository(session, db.dialect)
            sample_id = repo.page(SampleFilters(), limit=1, offset=5000)[0][0]["id"]
        pages = [
            ("Overview /", "/"),
            ("Generate /generate", "/generate"),
            ("Dataset /dataset (first page)", "/dataset"),
            ("Dataset (100 rows, offset 100,000)", "/dataset?limit=100&offset=100000"),
            ("Dataset (2 filters)", "/dataset?difficulty=expert&jurisdiction=eu"),
            ("Dataset (search, two common words)", "/dataset?q=fiduciary+easement"),
            ("Dataset (search + filter)", "/dataset?q=estoppel&difficulty=basic"),
            ("Dataset sample view", f"/dataset/samples/{sample_id}"),
            ("Dataset import", "/dataset/import"),
            ("Dataset export (counts)", "/dataset/export?difficulty=basic"),
            ("Batches /batches", "/batches"),
            ("Batch details", f"/batches/{batch_id}"),
            ("Publish /publish", "/publish"),
            ("Providers /providers", "/providers"),
        ]
        worst = max(_time(client, label, url, repeat) for label, url in pages)
        print(f"  worst page p95: {worst:.1f} ms (target {TARGET_MS:.0f} ms)")
        label = "Overview statistics (loaded after the page)"
        _time(client, label, "/overview/stats", 5, deferred=True)


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
