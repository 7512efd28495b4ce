"""Per-row cost of each column derived on write, for generated samples with ~2.5 KB answers.

    .venv/bin/python -m benchmarks.bench_derive_cost [--rows 2000]

Times each derivation alone over the same rows (one process, one core) and prints microseconds
per row, so an import's budget can be split between computing and writing.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.datagen import generate_samples
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.models import TOKEN_COLUMNS
from legal_training.storage.near_duplicates import keys_for
from legal_training.storage.records import add_derived_columns, prepare_new_sample
from legal_training.storage.tokens import count_tokens, count_tokens_batch
from legal_training.text import question_hash


def _per_row(label: str, rows: int, call: Callable[[], Any], repeat: int = 3) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    micros = statistics.median(timings) / rows * 1e6
    print(f"  {label:<48} {micros:9.1f} µs/row")
    return micros


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    samples = list(generate_samples(args.rows))
    n = len(samples)
    answer_bytes = statistics.mean(len(s["answer"].encode()) for s in samples)
    print(f"{n:,} rows, mean answer {answer_bytes:,.0f} bytes")
    _per_row(
        "validate (prepare_new_sample, derive=False)",
        n,
        lambda: [prepare_new_sample(s, derive=False) for s in samples],
    )
    for text in TOKEN_COLUMNS:
        _per_row(
            f"tokens: {text} (one call per row)",
            n,
            functools.partial(lambda name: [count_tokens(s[name]) for s in samples], text),
        )
    _per_row(
        "tokens: all 5 texts (threaded batch)",
        n,
        lambda: [count_tokens_batch([s[t] for s in samples]) for t in TOKEN_COLUMNS],
    )
    _per_row(
        "lengths (4 texts)",
        n,
        lambda: [
            [len(s[t]) for t in ("question", "answer", "reasoning", "case_citation")]
            for s in samples
        ],
    )
    _per_row("question hash", n, lambda: [question_hash(s["question"]) for s in samples])
    _per_row(
        "MinHash band keys (question + answer)",
        n,
        lambda: [keys_for(s["question"], s["answer"]) for s in samples],
    )

    def prepared() -> list[dict[str, Any]]:
        rows = [prepare_new_sample(s, derive=False) for s in samples]
        add_derived_columns(rows)
        return rows

    _per_row("all derivations (as an import does them)", n, prepared, repeat=1)
    for url_label in ("sqlite",):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'cost.db'}")
            db.migrate()
            started = time.perf_counter()
            sample_io.import_rows(db, enumerate(samples, start=1))
            total = (time.perf_counter() - started) / n * 1e6
            print(
                f"  {'whole import_rows on ' + url_label + ' (derive + write + FTS)':<48}"
                f" {total:9.1f} µs/row"
            )
            db.engine.dispose()


if __name__ == "__main__":
    main()
