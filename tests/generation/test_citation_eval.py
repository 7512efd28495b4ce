"""The verifier and the gate on the labelled evaluation set, pinned at issue 12's thresholds.

The set (tests/data/citation_eval/) was written without sight of the authority index;
``benchmarks.bench_citations`` prints the full confusion table and the cost per sample.
"""

from __future__ import annotations

import pytest
from benchmarks.citation_eval import (
    CITATION_LABELS,
    SAMPLE_LABELS,
    CitationScores,
    SampleScores,
    load,
    score_citations,
    score_samples,
)

FLAGGED = ("implausible", "mismatch")


@pytest.fixture(scope="module")
def citations() -> CitationScores:
    return score_citations()


@pytest.fixture(scope="module")
def samples() -> SampleScores:
    return score_samples("standard")


def test_the_set_is_big_enough_and_labelled() -> None:
    items = load("citations.json")
    assert len(items) >= 300
    assert {item["label"] for item in items} == set(CITATION_LABELS)
    assert {item["jurisdiction"] for item in items} == {"uk", "us", "eu", "international"}
    assert all(item["source"] for item in items if item["label"] == "real")
    whole = load("samples.json")
    assert len(whole) >= 40
    assert {sample["label"] for sample in whole} == set(SAMPLE_LABELS)


def test_implausible_citations_are_flagged(citations: CitationScores) -> None:
    assert citations.share("implausible", *FLAGGED) >= 0.95, citations.table["implausible"]


def test_misattributed_citations_are_flagged(citations: CitationScores) -> None:
    assert citations.share("misattributed", *FLAGGED) >= 0.90, citations.table["misattributed"]


def test_no_fabricated_citation_is_verified(citations: CitationScores) -> None:
    assert citations.items.get(("fabricated", "verified"), []) == []


def test_real_citations_are_verified_and_not_flagged(citations: CitationScores) -> None:
    assert citations.share("real", "verified") >= 0.70, citations.table["real"]
    assert citations.share("real", *FLAGGED) <= 0.02, [
        text for status in FLAGGED for text in citations.items.get(("real", status), [])
    ]


@pytest.mark.parametrize("label", ["all_fabricated", "has_misattributed", "has_implausible"])
def test_samples_with_bad_authorities_are_rejected(samples: SampleScores, label: str) -> None:
    assert samples.accepted[label] == []
    for sample_id, failed in samples.rejected[label]:
        assert {"citation_verification", "citation_plausibility"} & set(failed), sample_id


def test_samples_of_real_correctly_cited_law_are_accepted(samples: SampleScores) -> None:
    assert samples.rejected["real_correct"] == []
