"""The gate's citation verification end to end: the simulator cites real, fabricated,
misattributed and unindexed authorities, and each citation policy accepts or rejects them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from legal_training.generation.pipeline import GenerationOutcome, generate_one, resolve_spec
from legal_training.generation.quality import QualityMode
from legal_training.generation.verification import CitationPolicy
from legal_training.providers.registry import ProviderRegistry, build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator

FAKE_KEY = "test-fake-key-456"


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with run_simulator(
        SimulatorConfig(flavour="groq", rpm=100_000, tpm=100_000_000, api_key=FAKE_KEY, seed=21)
    ) as sim:
        yield sim


@pytest.fixture
async def registry(simulator: RunningSimulator, tmp_path: Path) -> AsyncIterator[ProviderRegistry]:
    settings = Settings(
        data_dir=tmp_path,
        groq_api_key=FAKE_KEY,
        groq_base_url=simulator.base_url,
        groq_rpm=100_000,
        groq_tpm=100_000_000,
    )
    built = build_registry(settings)
    yield built
    await built.aclose()


async def _generate(
    registry: ProviderRegistry,
    *,
    fault: str | None = None,
    policy: CitationPolicy = "standard",
    mode: QualityMode = "strict",
    topic: str = "Tort Law - Professional Negligence",
) -> GenerationOutcome:
    spec = resolve_spec(topic=topic, difficulty="intermediate")
    headers = {"X-Simulator-Fault": fault} if fault else {}
    return await generate_one(
        spec,
        router=FailoverRouter(registry),
        db=None,
        citation_policy=policy,
        mode=mode,
        extra_headers=headers,
    )


def _verification(outcome: GenerationOutcome) -> dict[str, object]:
    assert outcome.quality is not None
    checks = outcome.quality.as_dict()["checks"]
    details: dict[str, object] = checks["citation_verification"]
    return details


def _failed(outcome: GenerationOutcome) -> list[str]:
    assert outcome.quality is not None
    return [c.name for c in outcome.quality.failed]


@pytest.mark.parametrize(
    "topic",
    [
        "Tort Law - Professional Negligence",
        "Criminal Law - Miranda Rights",
        "Data Protection - GDPR Compliance",
        "Human Rights - ECHR",
    ],
)
async def test_real_authorities_are_verified_and_accepted(
    registry: ProviderRegistry, topic: str
) -> None:
    outcome = await _generate(registry, topic=topic)
    assert outcome.success, outcome.quality and outcome.quality.reasons
    details = _verification(outcome)
    assert details["policy"] == "standard"
    assert details["verified"] and not details["mismatch"] and not details["unverified"]


@pytest.mark.parametrize("policy", ["standard", "verified_only"])
async def test_fabricated_authorities_are_rejected(
    registry: ProviderRegistry, policy: CitationPolicy
) -> None:
    outcome = await _generate(registry, fault="fabricated", policy=policy)
    assert not outcome.success
    assert "citation_verification" in _failed(outcome)
    assert _verification(outcome)["verified"] == 0


async def test_a_misattributed_authority_is_rejected(registry: ProviderRegistry) -> None:
    outcome = await _generate(registry, fault="misattributed")
    assert not outcome.success
    assert "citation_verification" in _failed(outcome)
    assert _verification(outcome)["mismatch"] == 1
    assert outcome.quality is not None
    assert any("mismatch:" in reason for reason in outcome.quality.reasons)


async def test_unindexed_law_is_rejected_by_default_and_kept_by_the_plausible_policy(
    registry: ProviderRegistry,
) -> None:
    rejected = await _generate(registry, fault="unindexed")
    assert not rejected.success
    assert _failed(rejected) == ["citation_verification"]
    kept = await _generate(registry, fault="unindexed", policy="plausible")
    assert kept.success
    assert _verification(kept)["unverified"]


async def test_lenient_mode_keeps_a_flagged_sample(registry: ProviderRegistry) -> None:
    outcome = await _generate(registry, fault="fabricated", mode="lenient")
    assert outcome.success
    assert "citation_verification" in _failed(outcome)
