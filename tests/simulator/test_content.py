"""The simulated samples meet the catalog spec they were asked for, and vary between calls."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from datasketch import MinHash

from legal_training.catalog import get_catalog
from legal_training.simulator.authorities import AUTHORITIES, authorities_for
from legal_training.simulator.content import (
    SampleSpec,
    parse_spec,
    render_content,
    write_sample,
)
from legal_training.simulator.limits import go_duration

CATALOG = get_catalog()
STEP = re.compile(r"Step (\d+):")


def _spec(jurisdiction: str, difficulty: str, sample_type: str) -> SampleSpec:
    topic = CATALOG.filter_topics(jurisdiction=jurisdiction)[0]
    return SampleSpec(
        topic,
        CATALOG.jurisdiction(jurisdiction),
        CATALOG.difficulty(difficulty),
        CATALOG.sample_type(sample_type),
    )


def _check_structure(sample: dict[str, str], spec: SampleSpec) -> None:
    diff = spec.difficulty
    answer = sample["answer"]
    assert len(answer.split()) >= diff.min_words
    for section in spec.sample_type.sections:
        assert re.search(rf"^{re.escape(section.upper())}:", answer, re.MULTILINE), section
    steps = [int(n) for n in STEP.findall(sample["reasoning"])]
    assert steps == list(range(1, len(steps) + 1))
    assert diff.min_steps <= len(steps) <= diff.max_steps
    assert len(sample["reasoning"]) >= diff.min_reasoning_chars
    citations = sample["case_citation"].split("; ")
    assert len(set(citations)) == len(citations) >= diff.min_citations
    for citation in citations:
        assert citation in answer
    own = {c for c, _ in authorities_for(spec.jurisdiction.id, spec.topic.practice_area)}
    assert set(citations) <= own
    assert sample["topic"] == spec.topic.full_name
    assert sample["difficulty"] == diff.id
    assert sample["sample_type"] == spec.sample_type.id


@pytest.mark.parametrize(
    ("jurisdiction", "difficulty", "sample_type"),
    list(
        itertools.product(
            [j.id for j in CATALOG.jurisdictions],
            CATALOG.difficulty_ids(),
            CATALOG.sample_type_ids(),
        )
    ),
)
def test_sample_meets_spec(jurisdiction: str, difficulty: str, sample_type: str) -> None:
    spec = _spec(jurisdiction, difficulty, sample_type)
    for seed in range(2):
        _check_structure(write_sample(random.Random(seed), spec), spec)


def test_every_catalog_topic_has_enough_authorities() -> None:
    for topic in CATALOG.topics:
        pool = authorities_for(topic.jurisdiction, topic.practice_area)
        assert len(pool) >= 4, topic.full_name


def test_uk_neutral_citations_respect_court_years() -> None:
    neutral = re.compile(r"\[(\d{4})\] (UKSC|UKHL)")
    for entries in AUTHORITIES.values():
        for citation, _ in entries:
            for year, court in neutral.findall(citation):
                if court == "UKSC":
                    assert int(year) >= 2009, citation
                else:
                    assert int(year) <= 2009, citation


def _minhash(text: str) -> MinHash:
    words = text.lower().split()
    m = MinHash(num_perm=128, seed=7)
    for i in range(len(words) - 4):
        m.update(" ".join(words[i : i + 5]).encode())
    return m


@pytest.mark.parametrize("sample_type", CATALOG.sample_type_ids())
def test_two_samples_for_one_topic_are_not_near_duplicates(sample_type: str) -> None:
    spec = _spec("uk", "advanced", sample_type)
    rng = random.Random(11)
    first, second = write_sample(rng, spec), write_sample(rng, spec)
    similarity = _minhash(first["answer"]).jaccard(_minhash(second["answer"]))
    assert similarity < 0.35
    assert first["question"] != second["question"]


def test_parse_spec_reads_task_block_and_falls_back() -> None:
    prompt = (
        "You are a legal expert.\n- Topic: Data Protection - GDPR Compliance\n"
        "- Jurisdiction: eu\n- Difficulty: expert\n- Sample type: client_interaction\n"
    )
    spec = parse_spec(prompt, CATALOG)
    assert (spec.topic.topic, spec.jurisdiction.id) == ("GDPR Compliance", "eu")
    assert (spec.difficulty.id, spec.sample_type.id) == ("expert", "client_interaction")
    default = parse_spec("no task block here", CATALOG)
    assert default.jurisdiction.id == "uk"
    assert default.topic.practice_area == "Contract Law"
    assert (default.difficulty.id, default.sample_type.id) == ("intermediate", "case_analysis")
    by_jurisdiction = parse_spec("Jurisdiction: United States\nDifficulty: foundational", CATALOG)
    assert (by_jurisdiction.jurisdiction.id, by_jurisdiction.difficulty.id) == ("us", "basic")


def test_quality_faults_break_the_spec() -> None:
    spec = _spec("uk", "intermediate", "case_analysis")
    short = write_sample(random.Random(1), spec, short=True)
    assert len(short["answer"].split()) < spec.difficulty.min_words // 2
    bare = write_sample(random.Random(2), spec, missing_sections=True)
    assert not re.search(r"^(ISSUE|RULE|APPLICATION|CONCLUSION):", bare["answer"], re.MULTILINE)
    foreign = write_sample(random.Random(3), spec, wrong_jurisdiction=True)
    us = {c for key, items in AUTHORITIES.items() if key.startswith("us:") for c, _ in items}
    assert set(foreign["case_citation"].split("; ")) <= us


def test_render_content_wrappers() -> None:
    sample = write_sample(random.Random(4), _spec("us", "basic", "educational"))
    rng = random.Random(0)
    assert render_content(rng, sample, frozenset({"fence"})).startswith("```json\n{")
    think = render_content(rng, sample, frozenset({"think"}))
    assert think.startswith("<think>") and "</think>" in think
    prose = render_content(rng, sample, frozenset({"prose"}))
    assert not prose.startswith("{") and not prose.rstrip().endswith("}")


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (179.56, "2m59.56s"),
        (7.66, "7.66s"),
        (1.2, "1.2s"),
        (0.48, "480ms"),
        (0, "0s"),
        (3600, "1h0m0s"),
    ],
)
def test_go_duration(seconds: float, expected: str) -> None:
    assert go_duration(seconds) == expected
