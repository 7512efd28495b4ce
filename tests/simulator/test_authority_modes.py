"""The simulator's authority modes: real (verified by the project's index), real but
unindexed, fabricated and misattributed.

The simulator itself never reads the index; these tests hold its tables to it, so a batch
against the simulator passes the default citation policy and each bad mode is caught.
"""

from __future__ import annotations

import random

import pytest

from legal_training.catalog import get_catalog
from legal_training.generation.verification import verify_citations
from legal_training.simulator.authorities import (
    AUTHORITIES,
    UNINDEXED,
    AuthorityMode,
    misattribute,
    split_case,
)
from legal_training.simulator.content import SampleSpec, pick_authorities, write_sample

CATALOG = get_catalog()


def _statuses(text: str) -> set[str]:
    return {v.status for v in verify_citations(text).verdicts}


@pytest.mark.parametrize("key", sorted(AUTHORITIES))
def test_the_default_table_is_law_the_index_verifies(key: str) -> None:
    for citation, _ in AUTHORITIES[key]:
        assert _statuses(citation) == {"verified"}, citation


@pytest.mark.parametrize("jurisdiction", sorted(UNINDEXED))
def test_the_unindexed_table_is_plausible_law_the_index_does_not_list(jurisdiction: str) -> None:
    assert len(UNINDEXED[jurisdiction]) >= 5
    for citation, _ in UNINDEXED[jurisdiction]:
        assert _statuses(citation) == {"unverified"}, citation


def test_every_jurisdiction_has_unindexed_law() -> None:
    assert set(UNINDEXED) == {j.id for j in CATALOG.jurisdictions}


def _specs() -> list[SampleSpec]:
    return [
        SampleSpec(topic, CATALOG.jurisdiction(topic.jurisdiction), CATALOG.difficulty(d), kind)
        for topic in CATALOG.topics
        for d, kind in zip(("basic", "expert"), CATALOG.sample_types[::2], strict=True)
    ]


def _modes(mode: AuthorityMode) -> list[set[str]]:
    rng = random.Random(5)
    found = []
    for spec in _specs():
        picked = pick_authorities(rng, spec, mode=mode)
        found.append({s for citation, _ in picked for s in _statuses(citation)})
    return found


def test_fabricated_authorities_are_never_verified() -> None:
    for statuses in _modes("fabricated"):
        assert statuses and "verified" not in statuses and "implausible" not in statuses


def test_unindexed_authorities_are_all_unverified() -> None:
    assert all(statuses == {"unverified"} for statuses in _modes("unindexed"))


def test_misattributed_samples_carry_a_mismatch() -> None:
    found = _modes("misattributed")
    caught = sum("mismatch" in statuses for statuses in found)
    assert caught / len(found) >= 0.9


def test_real_authorities_all_verify() -> None:
    assert all(statuses == {"verified"} for statuses in _modes("real"))


@pytest.mark.parametrize(
    ("text", "name", "citation"),
    [
        ("Donoghue v Stevenson [1932] AC 562", "Donoghue v Stevenson", "[1932] AC 562"),
        ("Hyde v Wrench (1840) 3 Beav 334", "Hyde v Wrench", "(1840) 3 Beav 334"),
        ("Miranda v. Arizona, 384 U.S. 436 (1966)", "Miranda v. Arizona", "384 U.S. 436 (1966)"),
        ("Case C-131/12 Google Spain", "Google Spain", "Case C-131/12"),
        ("US – Shrimp, WT/DS58/AB/R (1998)", "US – Shrimp", "WT/DS58/AB/R (1998)"),
        ("Soering v UK, no. 14038/88", "Soering v UK", "no. 14038/88"),
    ],
)
def test_split_case(text: str, name: str, citation: str) -> None:
    split = split_case(text)
    assert split is not None and split[:2] == (name, citation)


def test_statutes_and_dates_are_not_split() -> None:
    assert split_case("Companies Act 2006, s 172") is None
    assert split_case("Verein KlimaSeniorinnen v Switzerland (ECtHR, 9 April 2024)") is None


def test_misattribute_moves_a_name_onto_another_citation() -> None:
    wrong = misattribute(
        "Hedley Byrne & Co Ltd v Heller & Partners Ltd [1964] AC 465",
        "Caparo Industries plc v Dickman [1990] 2 AC 605",
    )
    assert wrong == "Hedley Byrne & Co Ltd v Heller & Partners Ltd [1990] 2 AC 605"
    assert misattribute(
        "Miranda v. Arizona, 384 U.S. 436 (1966)", "Roe v. Wade, 410 U.S. 113 (1973)"
    ) == ("Miranda v. Arizona, 410 U.S. 113 (1973)")


def test_written_samples_cite_the_mode_in_answer_and_case_citation() -> None:
    spec = _specs()[0]
    sample = write_sample(random.Random(2), spec, authorities="fabricated")
    for citation in sample["case_citation"].split("; "):
        assert citation in sample["answer"]
        assert "verified" not in _statuses(citation)
