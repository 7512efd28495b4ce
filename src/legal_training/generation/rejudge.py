"""Judge samples already stored: those never judged, or kept "unjudged" after a judge failure.

The gate keeps a sample whose judge call failed rather than lose it; this is the later pass
that fills in the scores (``legal-training judge --batch-id ID | --all``). It records the
judge's verdict on each sample and leaves ``accepted`` alone: a stored sample is the user's to
curate, so a low score is information here, not a deletion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from legal_training.catalog import CatalogError, get_catalog
from legal_training.catalog.fields import SampleFilters
from legal_training.generation.judge import JudgeConfig, judge_sample
from legal_training.providers.router import FailoverRouter
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository

__all__ = ["RejudgeSummary", "needs_judging", "rejudge_samples"]

_CHUNK: Final = 200


@dataclass
class RejudgeSummary:
    """Samples looked at, judged now, still unjudged (the judge failed again), and tokens."""

    considered: int = 0
    judged: int = 0
    unjudged: int = 0
    tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "considered": self.considered,
            "judged": self.judged,
            "unjudged": self.unjudged,
            "tokens": self.tokens,
        }


def _spec_of(sample: dict[str, Any]) -> dict[str, Any]:
    """The catalog entries a rubric needs; imported samples may lack or misspell them, and
    fall back to the catalog defaults rather than stop the whole pass."""
    catalog = get_catalog()

    def pick(getter: Callable[[str], Any], value: object, default: str) -> Any:
        try:
            return getter(str(value)) if value else getter(default)
        except CatalogError:
            return getter(default)

    return {
        "sample_type": pick(
            catalog.sample_type, sample.get("sample_type"), catalog.default_sample_type
        ),
        "jurisdiction": pick(catalog.jurisdiction, sample.get("jurisdiction"), "uk"),
        "difficulty": pick(catalog.difficulty, sample.get("difficulty"), "intermediate"),
    }


def needs_judging(sample: dict[str, Any], *, again: bool = False) -> bool:
    judge = (sample.get("quality") or {}).get("judge")
    return again or not isinstance(judge, dict) or judge.get("status") != "judged"


async def rejudge_samples(
    db: Database,
    config: JudgeConfig,
    *,
    router: FailoverRouter,
    batch_id: str | None = None,
    again: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> RejudgeSummary:
    """Judge every stored sample (of ``batch_id``) that has no judged verdict yet."""
    with db.read() as session:
        ids = [
            sample["id"]
            for chunk in SampleRepository(session, db.dialect).iter_chunks(
                SampleFilters(batch_id=batch_id), columns=["id"]
            )
            for sample in chunk
        ]
    summary = RejudgeSummary()
    for start in range(0, len(ids), _CHUNK):
        with db.read() as session:
            samples = SampleRepository(session, db.dialect).by_ids(ids[start : start + _CHUNK])
        for sample in samples:
            summary.considered += 1
            if not needs_judging(sample, again=again):
                continue
            result = await judge_sample(
                sample,
                config,
                router=router,
                **_spec_of(sample),
            )
            summary.tokens += result.tokens
            if result.judged:
                summary.judged += 1
            else:
                summary.unjudged += 1
            quality = {**(sample.get("quality") or {}), "judge": result.record}
            with db.write() as session:
                SampleRepository(session, db.dialect).update(sample["id"], {"quality": quality})
            if on_progress is not None:
                on_progress(summary.considered)
    return summary
