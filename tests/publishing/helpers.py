"""Sample factories for publishing tests: texts that differ enough not to be near duplicates."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.models import SampleRow
from legal_training.storage.samples import sample_to_dict
from tests.conftest import make_sample

# fmt: off
_WORDS = (
    "offer", "acceptance", "consideration", "estoppel", "tort", "negligence", "duty", "breach",
    "causation", "remoteness", "damages", "trust", "equity", "lease", "easement", "covenant",
    "mortgage", "agency", "partnership", "company", "director", "fiduciary", "injunction",
    "rescission", "misrepresentation", "frustration", "privity", "nuisance", "trespass",
    "defamation", "employer", "dismissal", "redundancy", "discrimination", "copyright",
    "patent", "trademark", "merger", "insolvency", "liquidation", "creditor", "guarantee",
    "restitution", "unjust", "enrichment", "tribunal", "appeal",
)
# fmt: on
TOPICS = (
    "Contract Law - Formation of Contracts",
    "Tort Law - Negligence",
    "Property Law - Easements",
)
DIFFICULTIES = ("basic", "intermediate", "advanced")


def text(seed: int, words: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def diverse_sample(index: int, **overrides: Any) -> dict[str, Any]:
    """A valid sample whose question and answer are unrelated to every other index's."""
    sample = make_sample(
        index,
        question=f"Q{index}: " + text(index * 2 + 1, 30),
        answer=text(index * 2 + 2, 80),
        topic=TOPICS[index % len(TOPICS)],
        difficulty=DIFFICULTIES[(index // len(TOPICS)) % len(DIFFICULTIES)],
        jurisdiction="uk",
        provider="groq",
        model="llama-3.3-70b-versatile",
    )
    sample.update(overrides)
    return sample


def insert(db: Database, samples: list[dict[str, Any]]) -> None:
    sample_io.import_rows(db, list(enumerate(samples, start=1)))


def snapshot(db: Database) -> dict[str, dict[str, Any]]:
    """Every stored sample in its public form, by id."""
    with db.read() as session:
        rows = session.scalars(select(SampleRow)).all()
        return {r.id: sample_to_dict(r) for r in rows}
