"""Citation verification on the labelled evaluation set, and what it costs per sample.

    .venv/bin/python -m benchmarks.bench_citations [--repeat 20]

Prints the confusion table (label × verification status) for the citations, the share of
each label the issue's thresholds are about, the whole-sample outcomes under each citation
policy, and the time the gate's citation checks (parse, verify, policy) take per sample.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from typing import Any

from benchmarks.citation_eval import (
    CITATION_LABELS,
    SAMPLE_LABELS,
    STATUS_COLUMNS,
    load,
    score_citations,
    score_samples,
)
from legal_training.catalog import get_catalog
from legal_training.generation.authorities import get_authority_index
from legal_training.generation.quality import citation_checks
from legal_training.generation.verification import CitationPolicy
from legal_training.simulator.content import SampleSpec, write_sample


def _confusion() -> None:
    scores = score_citations()
    width = max(len(label) for label in CITATION_LABELS) + 2
    print("Citations (label × status)")
    print("".ljust(width) + "".join(s.rjust(13) for s in STATUS_COLUMNS) + "total".rjust(8))
    for label in CITATION_LABELS:
        row = scores.table.get(label, Counter())
        cells = "".join(str(row.get(s, 0)).rjust(13) for s in STATUS_COLUMNS)
        print(label.ljust(width) + cells + str(scores.total(label)).rjust(8))
    print()
    flagged = ("implausible", "mismatch")
    figures = [
        ("implausible flagged (≥ 95%)", scores.share("implausible", *flagged)),
        ("misattributed flagged (≥ 90%)", scores.share("misattributed", *flagged)),
        ("fabricated verified (= 0)", scores.share("fabricated", "verified")),
        ("real verified (≥ 70%)", scores.share("real", "verified")),
        ("real flagged (≤ 2%)", scores.share("real", *flagged)),
    ]
    for name, value in figures:
        print(f"  {name:<32} {value:7.1%}")
    print()


def _samples() -> None:
    print("Whole samples, accepted / total, per citation policy")
    policies: tuple[CitationPolicy, ...] = ("standard", "verified_only", "plausible")
    print("".ljust(20) + "".join(p.rjust(16) for p in policies))
    results = {policy: score_samples(policy) for policy in policies}
    for label in SAMPLE_LABELS:
        cells = ""
        for policy in policies:
            scores = results[policy]
            accepted = len(scores.accepted.get(label, []))
            total = accepted + len(scores.rejected.get(label, []))
            cells += f"{accepted}/{total}".rjust(16)
        print(label.ljust(20) + cells)
    print()


def _index_load() -> None:
    get_authority_index.cache_clear()
    started = time.perf_counter()
    index = get_authority_index()
    elapsed = 1000 * (time.perf_counter() - started)
    print(f"Index load (first use): {len(index)} authorities in {elapsed:.1f} ms")


def _simulated_samples() -> list[dict[str, Any]]:
    """One simulator sample per topic and type, as a batch against the simulator sees them."""
    catalog = get_catalog()
    rng = random.Random(7)
    samples = []
    for topic in catalog.topics:
        for kind in catalog.sample_types:
            spec = SampleSpec(
                topic,
                catalog.jurisdiction(topic.jurisdiction),
                catalog.difficulty(topic.default_difficulty),
                kind,
            )
            sample = write_sample(rng, spec)
            sample["jurisdiction"] = topic.jurisdiction
            samples.append(sample)
    return samples


def _cost(label: str, samples: list[dict[str, Any]], repeat: int) -> None:
    catalog = get_catalog()
    times: list[float] = []
    for _ in range(repeat):
        for sample in samples:
            t0 = time.perf_counter()
            citation_checks(
                sample,
                difficulty=catalog.difficulty(sample["difficulty"]),
                jurisdiction=catalog.jurisdiction(sample["jurisdiction"]),
            )
            times.append(1000 * (time.perf_counter() - t0))
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{label}: citation checks (parse + verify + policy) per sample, {len(times)} runs: "
        f"mean {statistics.mean(times):.2f} ms, median {statistics.median(times):.2f} ms, "
        f"p95 {p95:.2f} ms, max {times[-1]:.2f} ms (goal < 10 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    _index_load()
    _confusion()
    _samples()
    _cost("Labelled samples", load("samples.json"), args.repeat)
    _cost("Simulator samples", _simulated_samples(), max(1, args.repeat // 4))


if __name__ == "__main__":
    main()
