"""The dataset card and the detailed stats carry the share of cited authorities verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legal_training.catalog.fields import SAMPLE_FIELDS
from legal_training.publishing.card import CardInputs, DatasetProfile, SplitFile, render_card
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository
from legal_training.storage.stats import detailed_stats
from tests.conftest import make_sample


def _verified(verified: int, mismatch: int, unverified: int) -> dict[str, Any]:
    check = {
        "passed": mismatch == 0,
        "policy": "standard",
        "verified": verified,
        "mismatch": mismatch,
        "unverified": unverified,
        "implausible": 0,
    }
    return {"score": 90.0, "failed": [], "checks": {"citation_verification": check}}


SAMPLES = [
    make_sample(1, quality=_verified(3, 0, 1)),
    make_sample(2, quality=_verified(2, 1, 1)),
    make_sample(3),
]


def test_card_reports_the_shares_of_cited_authorities() -> None:
    profile = DatasetProfile()
    profile.add_many(SAMPLES)
    card = render_card(
        profile,
        CardInputs(files=[SplitFile("train", "data/train.parquet", 3)], fields=SAMPLE_FIELDS),
    )
    line = next(line for line in card.splitlines() if "Cited authorities" in line)
    assert "8" in line and "62.5% verified" in line and "12.5% mismatch" in line
    assert "25.0% unverified" in line


def test_detailed_stats_sum_the_verification_counts(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    db.migrate()
    try:
        with db.write() as session:
            repo = SampleRepository(session, db.dialect)
            for sample in SAMPLES:
                repo.add(sample)
        with db.read() as session:
            found = detailed_stats(session)["citation_verification"]
    finally:
        db.dispose()
    assert found["samples_verified"] == 2
    assert found["authorities"] == {"verified": 5, "mismatch": 1, "unverified": 2, "implausible": 0}
    assert found["shares"]["verified"] == 0.625
