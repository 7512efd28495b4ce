"""Import throughput and memory at 10k / 100k / 1M rows, then the API operations at that size.

    .venv/bin/python -m benchmarks.bench_data_scale --rows 10000 [--postgres URL]
        [--workdir /work/benchdata] [--repeat 10] [--skip-ops]

Writes a JSONL file of ``--rows`` generated samples (2.5 KB answers) into ``--workdir``, imports it
through ``import_file`` (the CLI's path) into an empty SQLite file and, with ``--postgres``, an
empty PostgreSQL schema (dropped and recreated: give it a database of its own), and prints rows/s
and the peak RSS of the importing process and of its workers. Then it times the API operations of
``bench_data_ops`` at that size and the Parquet export. Files are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks import bench_data_ops
from benchmarks.datagen import generate_samples
from legal_training.catalog.fields import SampleFilters
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database


def _write_jsonl(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for sample in generate_samples(rows):
            handle.write(json.dumps(sample) + "\n")


def _rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _import(db: Database, path: Path, rows: int) -> None:
    started = time.perf_counter()
    outcome = sample_io.import_file(db, path)
    elapsed = time.perf_counter() - started
    assert outcome.imported == rows, outcome
    print(
        f"  import {rows:,} rows: {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s; peak RSS "
        f"importer {_rss_mib(resource.RUSAGE_SELF):,.0f} MiB, "
        f"largest worker {_rss_mib(resource.RUSAGE_CHILDREN):,.0f} MiB",
        flush=True,
    )


def _export(db: Database, workdir: Path, rows: int) -> None:
    started = time.perf_counter()
    sample_io.export_to_path(db, workdir / "export.parquet", "parquet", SampleFilters())
    elapsed = time.perf_counter() - started
    print(f"  export {rows:,} rows to Parquet: {elapsed:.1f} s", flush=True)


def _fresh_postgres(url: str) -> Database:
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.migrate()
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL database to reset")
    parser.add_argument("--skip-ops", action="store_true", help="import and export only")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench_data_scale_", dir=args.workdir))
    try:
        source = workdir / "samples.jsonl"
        _write_jsonl(source, args.rows)
        print(f"{args.rows:,} rows, {source.stat().st_size / 2**20:,.0f} MiB of JSONL")
        targets: list[tuple[str, Database]] = []
        if not args.skip_sqlite:
            sqlite = Database(f"sqlite:///{workdir / 'bench.db'}")
            sqlite.migrate()
            targets.append(("SQLite", sqlite))
        if args.postgres:
            targets.append(("PostgreSQL", _fresh_postgres(args.postgres)))
        for name, db in targets:
            print(name)
            _import(db, source, args.rows)
            _export(db, workdir, args.rows)
            if not args.skip_ops:
                bench_data_ops.run(db, args.rows, args.repeat)
            db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
