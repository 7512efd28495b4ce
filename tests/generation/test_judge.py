"""The judge against the simulator over real HTTP on loopback: scores, the strict-mode floor,
and an outage that leaves samples unjudged but never loses them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legal_training.catalog import get_catalog
from legal_training.generation.judge import (
    CHECK_JUDGE_SCORE,
    JudgeConfig,
    criteria_for,
    judge_from_settings,
    parse_verdict,
)
from legal_training.generation.pipeline import (
    GenerationSpec,
    OutcomeKind,
    generate_one,
    resolve_spec,
)
from legal_training.providers.registry import ProviderRegistry, build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator

FAKE_KEY = "test-fake-key-judge"


def _sim(**values: Any) -> Iterator[RunningSimulator]:
    config = SimulatorConfig(
        flavour="groq", rpm=100_000, tpm=100_000_000, api_key=FAKE_KEY, seed=3, **values
    )
    with run_simulator(config) as sim:
        yield sim


@pytest.fixture(scope="module")
def scoring() -> Iterator[RunningSimulator]:
    yield from _sim(judge_score=4, judge_low_rate=0.4)


@pytest.fixture(scope="module")
def outage() -> Iterator[RunningSimulator]:
    yield from _sim(judge_outage=True)


def _registry(sim: RunningSimulator, tmp_path: Path) -> ProviderRegistry:
    return build_registry(
        Settings(
            data_dir=tmp_path,
            groq_api_key=FAKE_KEY,
            groq_base_url=sim.base_url,
            groq_rpm=100_000,
            groq_tpm=100_000_000,
            cerebras_api_key=None,
            ollama_api_key=None,
            providers_file=None,
        )
    )


def _spec(index: int) -> GenerationSpec:
    catalog = get_catalog()
    return resolve_spec(
        topic="Contract Law - Misrepresentation",
        sample_type=catalog.sample_type_ids()[index % len(catalog.sample_type_ids())],
    )


async def test_every_accepted_sample_carries_a_score_per_criterion(
    scoring: RunningSimulator, tmp_path: Path
) -> None:
    registry = _registry(scoring, tmp_path)
    try:
        for index in range(6):
            spec = _spec(index)
            outcome = await generate_one(
                spec,
                router=FailoverRouter(registry),
                db=None,
                judge=JudgeConfig(provider="groq"),
            )
            assert outcome.kind is OutcomeKind.ACCEPTED  # no floor: a low score only informs
            assert outcome.sample is not None
            judge = outcome.sample["quality"]["judge"]
            assert judge["status"] == "judged" and judge["provider"] == "groq"
            assert set(judge["scores"]) == set(criteria_for(spec.sample_type))
            assert all(score in (1, 4) for score in judge["scores"].values())
            assert judge["rationale"]
            assert 0 < outcome.judge_tokens < outcome.tokens_used
            assert outcome.calls == 2
    finally:
        await registry.aclose()


async def test_min_judge_score_rejects_the_low_scored_with_the_reason(
    scoring: RunningSimulator, tmp_path: Path
) -> None:
    registry = _registry(scoring, tmp_path)
    kinds: list[OutcomeKind] = []
    try:
        for index in range(16):
            outcome = await generate_one(
                _spec(index),
                router=FailoverRouter(registry),
                db=None,
                judge=JudgeConfig(provider="groq", min_score=3),
            )
            kinds.append(outcome.kind)
            assert outcome.quality is not None
            judge = outcome.quality.as_dict()["judge"]
            if outcome.kind is OutcomeKind.REJECTED:
                assert outcome.reasons == (CHECK_JUDGE_SCORE,)
                assert judge["overall"] < 3
                failed = outcome.quality.as_dict()["failed"]
                assert failed[0]["check"] == CHECK_JUDGE_SCORE
                assert "minimum 3" in failed[0]["reason"]
            else:
                assert outcome.kind is OutcomeKind.ACCEPTED and judge["overall"] >= 3
    finally:
        await registry.aclose()
    assert OutcomeKind.REJECTED in kinds and OutcomeKind.ACCEPTED in kinds


async def test_lenient_mode_keeps_low_scored_samples(
    scoring: RunningSimulator, tmp_path: Path
) -> None:
    registry = _registry(scoring, tmp_path)
    try:
        outcomes = [
            await generate_one(
                _spec(i),
                router=FailoverRouter(registry),
                db=None,
                mode="lenient",
                judge=JudgeConfig(provider="groq", min_score=5),
            )
            for i in range(4)
        ]
    finally:
        await registry.aclose()
    assert all(o.kind is OutcomeKind.ACCEPTED for o in outcomes)


async def test_a_judge_outage_keeps_the_sample_unjudged(
    outage: RunningSimulator, tmp_path: Path
) -> None:
    registry = _registry(outage, tmp_path)
    try:
        outcome = await generate_one(
            _spec(0),
            router=FailoverRouter(registry),
            db=None,
            judge=JudgeConfig(provider="groq", min_score=4),
        )
    finally:
        await registry.aclose()
    assert outcome.kind is OutcomeKind.ACCEPTED
    assert outcome.sample is not None
    judge = outcome.sample["quality"]["judge"]
    assert judge["status"] == "unjudged" and judge["error"]
    assert outcome.sample["quality"]["failed"] == []
    assert outage.stats()["faults"]["judge_outage"] >= 1


def test_a_verdict_must_score_every_criterion_within_range() -> None:
    criteria = criteria_for("case_analysis")
    scores = dict.fromkeys(criteria, 5)
    good = {"scores": scores, "rationale": "fine"}
    assert parse_verdict(json.dumps(good), criteria)["overall"] == 5
    for bad in (
        {"scores": {**scores, "legal_accuracy": 9}},
        {"scores": {k: 3 for k in list(criteria)[1:]}},
        {"rationale": "no scores"},
    ):
        with pytest.raises(ValueError):
            parse_verdict(json.dumps(bad), criteria)
    with pytest.raises(ValueError):
        parse_verdict("not json at all", criteria)


def test_the_judge_is_off_unless_configured(tmp_path: Path) -> None:
    assert judge_from_settings(Settings(data_dir=tmp_path)) is None
    configured = judge_from_settings(
        Settings(data_dir=tmp_path, judge_provider="groq", min_judge_score=3.5)
    )
    assert configured == JudgeConfig(provider="groq", model=None, min_score=3.5)
