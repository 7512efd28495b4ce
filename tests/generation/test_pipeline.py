"""The whole single-sample pipeline against the provider simulator over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from legal_training.catalog import get_catalog
from legal_training.generation.pipeline import generate_one, resolve_spec
from legal_training.providers.registry import ProviderRegistry, build_registry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator import RunningSimulator, SimulatorConfig, run_simulator
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository

FAKE_KEY = "test-fake-key-123"


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with run_simulator(
        SimulatorConfig(flavour="groq", rpm=100_000, tpm=100_000_000, api_key=FAKE_KEY, seed=11)
    ) as sim:
        yield sim


@pytest.fixture
async def registry(simulator: RunningSimulator, tmp_path: Path) -> AsyncIterator[ProviderRegistry]:
    # Budgets as high as the simulator's, so the tests are not paced at Groq's real limits.
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


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'gen.db'}")
    database.migrate()
    yield database
    database.dispose()


@pytest.mark.parametrize("sample_type", get_catalog().sample_type_ids())
@pytest.mark.parametrize("difficulty", get_catalog().difficulty_ids())
async def test_every_type_and_difficulty_passes_the_gate(
    registry: ProviderRegistry, db: Database, sample_type: str, difficulty: str
) -> None:
    spec = resolve_spec(
        topic="Contract Law - Misrepresentation", difficulty=difficulty, sample_type=sample_type
    )
    outcome = await generate_one(spec, router=FailoverRouter(registry), db=db, save=True)
    assert outcome.quality is not None
    assert outcome.success, outcome.quality.reasons
    assert outcome.sample is not None and outcome.saved
    assert outcome.sample["sample_type"] == sample_type
    assert outcome.sample["difficulty"] == difficulty
    assert outcome.sample["provider"] == "groq"
    assert outcome.sample["quality"]["score"] == 100.0
    with db.read() as session:
        stored = SampleRepository(session, db.dialect).get(outcome.sample["id"])
    assert stored["quality"]["accepted"] is True


@pytest.mark.parametrize(
    "topic",
    [
        "Criminal Law - Miranda Rights",
        "Data Protection - GDPR Compliance",
        "Maritime Law - UNCLOS",
        "Human Rights - ECHR",
        "Tax Law - VAT",
    ],
)
async def test_every_jurisdiction_passes_the_gate(
    registry: ProviderRegistry, db: Database, topic: str
) -> None:
    for sample_type in get_catalog().sample_type_ids():
        spec = resolve_spec(topic=topic, difficulty="expert", sample_type=sample_type)
        outcome = await generate_one(spec, router=FailoverRouter(registry), db=db)
        assert outcome.quality is not None
        assert outcome.success, (sample_type, outcome.quality.reasons)


@pytest.mark.parametrize(
    ("fault", "failed_check"),
    [
        ("malformed", "extraction"),
        ("truncate", "not_truncated"),
        ("short", "answer_words"),
        ("missing_sections", "sections"),
        ("wrong_jurisdiction", "citation_jurisdiction"),
    ],
)
async def test_injected_faults_are_rejected_with_the_right_reason(
    registry: ProviderRegistry, db: Database, fault: str, failed_check: str
) -> None:
    spec = resolve_spec(topic="Tort Law - Defamation", difficulty="advanced")
    outcome = await generate_one(
        spec,
        router=FailoverRouter(registry),
        db=db,
        save=True,
        extra_headers={"X-Simulator-Fault": fault},
    )
    assert not outcome.success
    assert outcome.quality is not None
    assert failed_check in [c.name for c in outcome.quality.failed]
    assert outcome.raw_output
    with db.read() as session:
        assert SampleRepository(session, db.dialect).count() == 0


@pytest.mark.parametrize(
    "topic",
    ["Maritime Law - UNCLOS", "Criminal Law - Miranda Rights", "State Aid - State Aid Rules"],
)
async def test_wrong_jurisdiction_is_rejected_in_every_jurisdiction(
    registry: ProviderRegistry, db: Database, topic: str
) -> None:
    spec = resolve_spec(topic=topic, difficulty="basic")
    outcome = await generate_one(
        spec,
        router=FailoverRouter(registry),
        db=db,
        extra_headers={"X-Simulator-Fault": "wrong_jurisdiction"},
    )
    assert not outcome.success and outcome.quality is not None
    assert "citation_jurisdiction" in [c.name for c in outcome.quality.failed]


async def test_duplicate_is_rejected(registry: ProviderRegistry, db: Database) -> None:
    spec = resolve_spec(topic="Trusts Law - Breach of Trust", difficulty="basic")
    router = FailoverRouter(registry)
    first = await generate_one(spec, router=router, db=db, save=True)
    assert first.success
    again = await generate_one(
        spec, router=router, db=db, save=True, extra_headers={"X-Simulator-Fault": "duplicate"}
    )
    assert not again.success and again.quality is not None
    assert [c.name for c in again.quality.failed] == ["duplicate"]
    with db.read() as session:
        assert SampleRepository(session, db.dialect).count() == 1


@pytest.mark.parametrize("fault", ["think", "reasoning_field", "fence", "prose"])
async def test_wrapped_output_is_still_accepted(
    registry: ProviderRegistry, db: Database, fault: str
) -> None:
    spec = resolve_spec(topic="Company Law - Directors Duties", difficulty="intermediate")
    outcome = await generate_one(
        spec, router=FailoverRouter(registry), db=db, extra_headers={"X-Simulator-Fault": fault}
    )
    assert outcome.success, outcome.quality.reasons if outcome.quality else outcome.error


async def test_lenient_mode_keeps_a_short_sample_with_flags(
    registry: ProviderRegistry, db: Database
) -> None:
    spec = resolve_spec(topic="Tort Law - Nuisance", difficulty="expert")
    outcome = await generate_one(
        spec,
        router=FailoverRouter(registry),
        db=db,
        save=True,
        mode="lenient",
        extra_headers={"X-Simulator-Fault": "short"},
    )
    assert outcome.success and outcome.saved and outcome.sample is not None
    assert outcome.sample["quality"]["score"] < 100
    assert "answer_words" in [f["check"] for f in outcome.sample["quality"]["failed"]]


async def test_provider_failure_is_reported_not_raised(
    simulator: RunningSimulator, db: Database, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        groq_api_key="wrong-fake-key",
        groq_base_url=simulator.base_url,
        groq_rpm=100_000,
        groq_tpm=100_000_000,
    )
    registry = build_registry(settings)
    try:
        spec = resolve_spec(topic="Tax Law - VAT")
        outcome = await generate_one(spec, router=FailoverRouter(registry), db=db)
    finally:
        await registry.aclose()
    assert not outcome.success and outcome.quality is None
    assert outcome.error_category == "AuthenticationFailed"
    assert "GROQ_API_KEY" in (outcome.error or "")
    assert "wrong-fake-key" not in (outcome.error or "")
