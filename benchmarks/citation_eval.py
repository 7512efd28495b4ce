"""Score the citation verifier and the gate on the labelled evaluation set.

The set (``tests/data/citation_eval/``) was written by someone who never saw the authority
index: real, fabricated, implausible, misattributed and wrong-jurisdiction citations, and
whole samples that are correct, built on fabricated law, or carry a misattributed or
implausible authority. Its results measure the index's coverage and the verifier's judgment;
nothing from it is copied into the index. ``bench_citations`` prints these figures and
``tests/generation/test_citation_eval.py`` pins the thresholds issue 12 sets.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from legal_training.catalog import get_catalog
from legal_training.generation.quality import evaluate
from legal_training.generation.verification import (
    VERIFICATION_STATUSES,
    CitationPolicy,
    verify_citations,
)

EVAL_DIR: Final = Path(__file__).resolve().parent.parent / "tests" / "data" / "citation_eval"
CITATION_LABELS: Final = (
    "real",
    "fabricated",
    "implausible",
    "misattributed",
    "wrong_jurisdiction",
)
SAMPLE_LABELS: Final = ("real_correct", "all_fabricated", "has_misattributed", "has_implausible")
# The status of a citation the parser does not recognise at all.
NOT_FOUND: Final = "not_found"
STATUS_COLUMNS: Final = (*VERIFICATION_STATUSES, NOT_FOUND)
_RANK: Final = {"implausible": 4, "mismatch": 3, "verified": 2, "unverified": 1, NOT_FOUND: 0}


def load(name: str) -> list[dict[str, Any]]:
    data: dict[str, list[dict[str, Any]]] = json.loads((EVAL_DIR / name).read_text("utf-8"))
    return data["items"] if "items" in data else data["samples"]


def citation_status(text: str) -> str:
    """One status per labelled citation: the gravest of what the verifier finds in it."""
    verdicts = verify_citations(text).verdicts
    if not verdicts:
        return NOT_FOUND
    return max((v.status for v in verdicts), key=lambda status: _RANK[status])


@dataclass
class CitationScores:
    """The confusion table: label → status → count, with the items behind each cell."""

    table: dict[str, Counter[str]] = field(default_factory=dict)
    items: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, label: str, status: str, text: str) -> None:
        self.table.setdefault(label, Counter())[status] += 1
        self.items.setdefault((label, status), []).append(text)

    def total(self, label: str) -> int:
        return sum(self.table.get(label, Counter()).values())

    def share(self, label: str, *statuses: str) -> float:
        row = self.table.get(label, Counter())
        total = sum(row.values())
        return sum(row[s] for s in statuses) / total if total else 0.0


def score_citations() -> CitationScores:
    scores = CitationScores()
    for item in load("citations.json"):
        scores.add(item["label"], citation_status(item["text"]), item["text"])
    return scores


@dataclass
class SampleScores:
    """Per sample label: how many the gate accepted, and the rejected ones' failed checks."""

    accepted: dict[str, list[str]] = field(default_factory=dict)
    rejected: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)

    def add(self, label: str, sample_id: str, failed: list[str]) -> None:
        self.accepted.setdefault(label, [])
        self.rejected.setdefault(label, [])
        if failed:
            self.rejected[label].append((sample_id, failed))
        else:
            self.accepted[label].append(sample_id)


def score_samples(policy: CitationPolicy = "standard") -> SampleScores:
    """Run the whole gate (strict mode, each sample's own difficulty and type) on every
    labelled sample."""
    catalog = get_catalog()
    scores = SampleScores()
    for sample in load("samples.json"):
        report = evaluate(
            sample,
            difficulty=catalog.difficulty(sample["difficulty"]),
            sample_type=catalog.sample_type(sample["sample_type"]),
            jurisdiction=catalog.jurisdiction(sample["jurisdiction"]),
            citation_policy=policy,
        )
        scores.add(sample["label"], sample["id"], [c.name for c in report.failed])
    return scores
