"""Data layer at scale: import throughput and memory, then every query at 10k / 100k / 1M rows.

    PYTHONPATH=src .venv/bin/python -m benchmarks.bench_data_scale --rows 10000 100000 \\
        [--postgres URL] [--workdir /work/benchdata] [--repeat 20] [--original]

For each size and database: writes a JSON Lines file of generated samples (~2.5 KB answers)
under ``--workdir``, imports it in a child process (rows/s and the child's peak RSS), then times
append, first and deep pages (``offset`` and ``after=``), a two-field filter, common and rare
word searches, stats, detailed and token stats and a near-duplicate lookup through the HTTP API
(median of ``--repeat``), and a full export to Parquet. ``--original`` also times the approach
of rewriting one whole Parquet file per appended sample. Files are removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import text

from benchmarks.datagen import _vocabulary, generate_samples
from legal_training.api.app import create_app
from legal_training.catalog.fields import SampleFilters
from legal_training.settings import Settings
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.near_duplicates import NearDuplicateIndex
from legal_training.storage.samples import SampleRepository

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
db = Database(sys.argv[1])
started = time.perf_counter()
outcome = sample_io.import_file(db, Path(sys.argv[2]))
elapsed = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": outcome.imported, "seconds": elapsed, "rss": rss}))
"""


def _write_jsonl(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for sample in generate_samples(rows):
            handle.write(json.dumps(sample) + "\n")


def _import(url: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median_ms(call: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response


def _queries(db: Database, rows: int, repeat: int, workdir: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    settings = Settings(data_dir=Path(tempfile.mkdtemp(dir=workdir)))
    counter = iter(range(10**9))
    rare = _vocabulary()[0][5000]
    with TestClient(create_app(settings, database=db)) as client:
        deep = min(rows - 200, int(rows * 0.9))
        with db.read() as session:
            repo = SampleRepository(session, db.dialect)
            _, _, cursor = repo.page_with_cursor(SampleFilters(), limit=1, offset=deep)
            probe = repo.get(f"bench_{rows // 2:08d}")
        assert cursor is not None
        after = cursor.encode()

        def add_one() -> Any:
            sample = next(generate_samples(1, start=rows + 10_000_000 + next(counter), seed=7))
            sample["id"] = f"bench_add_{uuid.uuid4().hex}"
            return _ok(client.post("/api/add", json=sample))

        def near() -> Any:
            with db.read() as session:
                return NearDuplicateIndex(session).find(probe["question"], probe["answer"])

        assert near(), "the probe sample should find itself"
        plan: list[tuple[str, Callable[[], Any], int]] = [
            ("append (POST /api/add)", add_one, repeat),
            ("page: first", lambda: _ok(client.get("/api/data")), repeat),
            (
                f"page: offset {deep:,}",
                lambda: _ok(client.get("/api/data", params={"offset": deep})),
                repeat,
            ),
            (
                f"page: after= at row {deep:,}",
                lambda: _ok(client.get("/api/data", params={"after": after})),
                repeat,
            ),
            (
                "filter: 2 fields",
                lambda: _ok(
                    client.get(
                        "/api/samples/filter", params={"difficulty": "expert", "jurisdiction": "eu"}
                    )
                ),
                repeat,
            ),
            (
                "search: two common words",
                lambda: _ok(client.get("/api/search", params={"q": "fiduciary easement"})),
                repeat,
            ),
            (
                "search: a rare word",
                lambda: _ok(client.get("/api/search", params={"q": rare})),
                repeat,
            ),
            ("near-duplicate lookup", near, repeat),
            ("stats", lambda: _ok(client.get("/api/stats")), max(3, repeat // 4)),
            ("detailed stats", lambda: _ok(client.get("/api/stats/detailed")), max(3, repeat // 4)),
            ("token stats", lambda: _ok(client.get("/api/stats/tokens")), max(3, repeat // 4)),
        ]
        for label, call, times in plan:
            figures[label] = _median_ms(call, times)
            print(f"    {label:<34} median {figures[label]:9.1f} ms", flush=True)
    target = workdir / "export.parquet"
    started = time.perf_counter()
    exported = sample_io.export_to_path(db, target, "parquet")
    figures["export to Parquet (s)"] = time.perf_counter() - started
    print(f"    export {exported:,} rows to Parquet    {figures['export to Parquet (s)']:9.1f} s")
    target.unlink()
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    return figures


def _original(rows: int, workdir: Path, appends: int = 5) -> float:
    """The original's write path: read the whole Parquet file, add one row, write it back."""
    path = workdir / "original.parquet"
    pl.DataFrame(list(generate_samples(rows))).write_parquet(path)
    timings = []
    for n in range(appends):
        extra = next(generate_samples(1, start=rows + n, seed=9))
        started = time.perf_counter()
        frame = pl.read_parquet(path)
        pl.concat([frame, pl.DataFrame([extra])], how="diagonal_relaxed").write_parquet(path)
        timings.append((time.perf_counter() - started) * 1000)
    path.unlink()
    return statistics.median(timings)


def _fresh(url: str, workdir: Path) -> tuple[Database, str]:
    if url == "sqlite":
        db_path = workdir / f"scale_{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{db_path}"
        db = Database(url)
    else:
        db = Database(url)
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.engine.dispose()
        db = Database(url)
    db.migrate()
    return db, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workdir", default="/work/benchdata")
    parser.add_argument("--postgres", help="URL of a PostgreSQL database this run may wipe")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--original", action="store_true", help="also time whole-file rewrites")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    targets = ["sqlite"] + ([args.postgres] if args.postgres and not args.sqlite_only else [])
    for rows in args.rows:
        source = workdir / f"samples_{rows}.jsonl"
        _write_jsonl(source, rows)
        size_mb = source.stat().st_size / 1e6
        print(f"{rows:,} rows ({size_mb:,.0f} MB of JSON Lines)", flush=True)
        for target in targets:
            db, url = _fresh(target, workdir)
            name = "SQLite" if db.dialect == "sqlite" else "PostgreSQL"
            db.engine.dispose()
            result = _import(url, source)
            print(
                f"  {name}: import {result['rows']:,} rows in {result['seconds']:.1f} s = "
                f"{result['rows'] / result['seconds']:,.0f} rows/s, peak RSS "
                f"{result['rss'] / 2**20:,.0f} MiB",
                flush=True,
            )
            db = Database(url)
            if db.is_postgresql:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE"))
            _queries(db, rows, args.repeat, workdir)
            db.engine.dispose()
            if db.dialect == "sqlite":
                for leftover in workdir.glob(url.rsplit("/", 1)[-1] + "*"):
                    leftover.unlink()
        if args.original:
            print(
                f"  original (rewrite the Parquet file per append) at {rows:,}: "
                f"median {_original(rows, workdir):,.0f} ms per appended sample",
                flush=True,
            )
        source.unlink()
    print(f"(parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB)")


if __name__ == "__main__":
    main()
