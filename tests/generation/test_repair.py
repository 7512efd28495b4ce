"""Repair of fixable rejections, against the simulator over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from legal_training.catalog import get_catalog
from legal_training.generation.checks import CheckResult
from legal_training.generation.pipeline import (
    GenerationSpec,
    OutcomeKind,
    generate_one,
    resolve_spec,
)
from legal_training.generation.quality import QualityReport
from legal_training.generation.repair import merge_repair, plan_repair
from legal_training.providers.registry import ProviderRegistry, build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator
from legal_training.simulator.followups import DEFECTS

FAKE_KEY = "test-fake-key-123"


def _config(**rates: Any) -> SimulatorConfig:
    return SimulatorConfig(
        flavour="groq", rpm=100_000, tpm=100_000_000, api_key=FAKE_KEY, seed=5, **rates
    )


@pytest.fixture(scope="module")
def fixable() -> Iterator[RunningSimulator]:
    with run_simulator(_config(fixable_rate=1.0)) as sim:
        yield sim


@pytest.fixture(scope="module")
def failing_repairs() -> Iterator[RunningSimulator]:
    with run_simulator(_config(fixable_rate=1.0, repair_fail_rate=1.0)) as sim:
        yield sim


async def _registry(sim: RunningSimulator, tmp_path: Path) -> ProviderRegistry:
    settings = Settings(
        data_dir=tmp_path,
        groq_api_key=FAKE_KEY,
        groq_base_url=sim.base_url,
        groq_rpm=100_000,
        groq_tpm=100_000_000,
    )
    return build_registry(settings)


@pytest.fixture
async def router(fixable: RunningSimulator, tmp_path: Path) -> AsyncIterator[FailoverRouter]:
    registry = await _registry(fixable, tmp_path)
    yield FailoverRouter(registry)
    await registry.aclose()


def _spec(index: int) -> GenerationSpec:
    catalog = get_catalog()
    return resolve_spec(
        topic="Contract Law - Misrepresentation",
        difficulty=catalog.difficulty_ids()[index % len(catalog.difficulty_ids())],
        sample_type=catalog.sample_type_ids()[index % len(catalog.sample_type_ids())],
    )


async def test_every_fixable_defect_is_repaired_and_passes_the_whole_gate(
    router: FailoverRouter, fixable: RunningSimulator
) -> None:
    seen: set[str] = set()
    for index in range(30):
        outcome = await generate_one(_spec(index), router=router, db=None)
        assert outcome.quality is not None
        assert outcome.kind is OutcomeKind.ACCEPTED, outcome.quality.as_dict()
        assert outcome.repaired
        record = outcome.quality.as_dict()["repair"]
        assert record["repaired"] is True and record["changes"], record
        assert outcome.quality.as_dict()["failed"] == []
        assert "repaired" in outcome.quality.flags
        assert outcome.calls == 2
        assert 0 < outcome.repair_tokens < outcome.tokens_used
        assert outcome.repair_saved_tokens > 0
        seen.update(record["checks"])
    faults = fixable.stats()["faults"]
    assert {f"fixable:{d}" for d in DEFECTS} <= set(faults), faults
    assert {"sections", "reasoning_steps", "required_fields", "extraction"} <= seen


async def test_repair_off_rejects_the_same_defects(router: FailoverRouter) -> None:
    outcome = await generate_one(_spec(0), router=router, db=None, repair=False)
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.quality is not None and outcome.quality.repair is None
    assert outcome.calls == 1


async def test_a_repair_that_fixes_nothing_stays_rejected_after_one_follow_up(
    failing_repairs: RunningSimulator, tmp_path: Path
) -> None:
    registry = await _registry(failing_repairs, tmp_path)
    try:
        outcome = await generate_one(_spec(1), router=FailoverRouter(registry), db=None)
    finally:
        await registry.aclose()
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.quality is not None
    record = outcome.quality.as_dict()["repair"]
    assert record["attempted"] is True and record["repaired"] is False
    assert outcome.calls == 2  # one generation, one repair, never a second repair
    assert outcome.repair_tokens > 0 and not outcome.repaired


def _report(*checks: CheckResult) -> QualityReport:
    return QualityReport(50.0, False, "strict", checks)


def test_a_rejection_with_any_unrepairable_check_is_not_repaired() -> None:
    catalog = get_catalog()
    sections = CheckResult("sections", False, "missing", {"missing": ["Issue"]})
    dup = CheckResult("duplicate", False, "exact duplicate", {})
    basic, kind = catalog.difficulty("basic"), catalog.sample_type("case_analysis")
    data = {"answer": "ISUE: x", "question": "q", "reasoning": "r", "case_citation": "c"}
    assert plan_repair(_report(sections), data, difficulty=basic, sample_type=kind) is not None
    assert plan_repair(_report(sections, dup), data, difficulty=basic, sample_type=kind) is None
    far_short = CheckResult("reasoning_length", False, "short", {"chars": 10})
    assert plan_repair(_report(far_short), data, difficulty=basic, sample_type=kind) is None


def test_merge_renumbers_steps_and_renames_misspelt_headings() -> None:
    catalog = get_catalog()
    kind = catalog.sample_type("case_analysis")
    data = {
        "answer": "ISUE: a\n\nRULE: b",
        "reasoning": "Step 1: first\nStep 2: second\nStep 3: third\nStep 4: last",
        "question": "q",
        "case_citation": "c",
    }
    report = _report(
        CheckResult("sections", False, "m", {"missing": ["Issue"]}),
        CheckResult("reasoning_steps", False, "s", {"steps": 4}),
    )
    difficulty = catalog.difficulty("intermediate")
    plan = plan_repair(report, data, difficulty=difficulty, sample_type=kind)
    assert plan is not None and plan.faults["sections"]["misspelt"] == ["ISUE"]
    merged, changes = merge_repair(
        plan,
        data,
        '{"headings": {"ISUE": "Issue"}, "steps": ["middle"]}',
        sample_type=kind,
    )
    assert merged is not None
    assert merged["answer"].startswith("ISSUE: a")
    assert merged["reasoning"].endswith("Step 3: third\nStep 4: middle\nStep 5: last")
    assert len(changes) == 2
