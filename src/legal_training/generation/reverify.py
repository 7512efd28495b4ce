"""Verify the authorities of samples already stored, and record the result on each sample.

Import does not verify (it stays fast), and the index grows over time, so a stored dataset is
verified here on request: every sample of a batch, or all of them. Each sample's quality
report gets the ``citation_verification`` check as the gate would have written it, plus a
``verification`` summary (policy, when, counts, passed); its score and ``accepted`` flag are
left alone, since curating is the user's decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from legal_training.catalog.fields import SampleFilters
from legal_training.generation.authorities import AuthorityIndex, get_authority_index
from legal_training.generation.checks import CHECK_CITATION_VERIFICATION
from legal_training.generation.citations import parse_citations
from legal_training.generation.quality import verification_check
from legal_training.generation.verification import (
    VERIFICATION_STATUSES,
    CitationPolicy,
    verify_citations,
)
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository

__all__ = ["ReverifySummary", "reverify_quality", "reverify_samples"]

_CHUNK: Final = 500


@dataclass
class ReverifySummary:
    """What a re-verification found across the samples it covered."""

    samples: int = 0
    passed: int = 0
    authorities: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return self.samples - self.passed

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "passed": self.passed,
            "failed": self.failed,
            "authorities": {s: self.authorities[s] for s in VERIFICATION_STATUSES},
        }


def reverify_quality(
    sample: Mapping[str, Any],
    *,
    policy: CitationPolicy,
    index: AuthorityIndex | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The sample's quality report with its authorities verified afresh under ``policy``.

    A sample fails when the policy rejects its authorities or one of them is implausible
    (what the gate's verification and plausibility checks would reject).
    """
    text = "\n".join(str(sample.get(k) or "") for k in ("answer", "case_citation"))
    verification = verify_citations(text, index=index, citations=parse_citations(text))
    check = verification_check(verification, policy)
    passed = check.passed and not verification.count("implausible")
    quality: dict[str, Any] = dict(sample.get("quality") or {})
    checks = dict(quality.get("checks") or {})
    checks[CHECK_CITATION_VERIFICATION] = {"passed": check.passed, **check.details}
    quality["checks"] = checks
    quality["passed"] = [
        *(c for c in quality.get("passed") or () if c != CHECK_CITATION_VERIFICATION),
        *([CHECK_CITATION_VERIFICATION] if check.passed else []),
    ]
    quality["failed"] = [
        *(f for f in quality.get("failed") or () if f.get("check") != CHECK_CITATION_VERIFICATION),
        *([] if check.passed else [{"check": CHECK_CITATION_VERIFICATION, "reason": check.reason}]),
    ]
    moment = now if now is not None else datetime.now(UTC)
    quality["verification"] = {
        "policy": policy,
        "verified_at": moment.isoformat(),
        "passed": passed,
        **verification.counts,
    }
    return quality


def reverify_samples(
    db: Database,
    *,
    batch_id: str | None = None,
    policy: CitationPolicy,
    index: AuthorityIndex | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ReverifySummary:
    """Verify every stored sample (of ``batch_id``, when given) and store the result on it."""
    index = index if index is not None else get_authority_index()
    filters = SampleFilters(batch_id=batch_id)
    with db.read() as session:
        ids = [
            sample["id"]
            for chunk in SampleRepository(session, db.dialect).iter_chunks(filters, columns=["id"])
            for sample in chunk
        ]
    summary = ReverifySummary()
    now = datetime.now(UTC)
    for start in range(0, len(ids), _CHUNK):
        with db.write() as session:
            repo = SampleRepository(session, db.dialect)
            for sample in repo.by_ids(ids[start : start + _CHUNK]):
                quality = reverify_quality(sample, policy=policy, index=index, now=now)
                repo.update(sample["id"], {"quality": quality})
                summary.samples += 1
                summary.passed += bool(quality["verification"]["passed"])
                summary.authorities.update(
                    {s: quality["verification"][s] for s in VERIFICATION_STATUSES}
                )
        if on_progress is not None:
            on_progress(summary.samples)
    return summary
