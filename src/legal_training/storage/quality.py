"""Quality figures of a set of samples (one batch): computed in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legal_training.storage.models import SampleRow

# Thresholds of the "Needs Review" flags (average characters).
SHORT_ANSWER_CHARS = 300
SHORT_REASONING_CHARS = 100
SHORT_CITATION_CHARS = 50


def _distribution(session: Session, column: Any, batch_id: str) -> dict[str, int]:
    rows = session.execute(
        select(column, func.count()).where(SampleRow.batch_id == batch_id).group_by(column)
    )
    return {str(value): int(n) for value, n in rows}


def batch_quality(session: Session, batch_id: str) -> dict[str, Any] | None:
    where = SampleRow.batch_id == batch_id
    row = session.execute(
        select(
            func.count(),
            func.sum(SampleRow.total_tokens),
            func.avg(SampleRow.answer_chars),
            func.avg(SampleRow.reasoning_chars),
            func.avg(SampleRow.citation_chars),
            func.avg(SampleRow.quality_score),
            func.min(SampleRow.quality_score),
        ).where(where)
    ).one()
    total = int(row[0] or 0)
    if total == 0:
        return None
    avg_answer, avg_reasoning, avg_citation = (float(v or 0) for v in row[2:5])
    flags = []
    if avg_answer < SHORT_ANSWER_CHARS:
        flags.append("Short answers")
    if avg_reasoning < SHORT_REASONING_CHARS:
        flags.append("Short reasoning")
    if avg_citation < SHORT_CITATION_CHARS:
        flags.append("Short citations")
    flagged = int(
        session.scalar(
            select(func.count()).where(where, SampleRow.quality_score < 100)  # lenient-mode keeps
        )
        or 0
    )
    return {
        "total_samples": total,
        "total_tokens": int(row[1] or 0),
        "avg_tokens": round(int(row[1] or 0) / total, 1),
        "avg_answer_length": round(avg_answer, 1),
        "avg_reasoning_length": round(avg_reasoning, 1),
        "avg_citation_length": round(avg_citation, 1),
        "avg_quality_score": round(float(row[5]), 1) if row[5] is not None else None,
        "min_quality_score": round(float(row[6]), 1) if row[6] is not None else None,
        "samples_with_flags": flagged,
        "difficulty_distribution": _distribution(session, SampleRow.difficulty, batch_id),
        "topic_distribution": _distribution(session, SampleRow.topic, batch_id),
        "sample_type_distribution": _distribution(session, SampleRow.sample_type, batch_id),
        "jurisdiction_distribution": _distribution(session, SampleRow.jurisdiction, batch_id),
        "provider_distribution": _distribution(session, SampleRow.provider, batch_id),
        "flags": flags,
        "rating": "Good" if not flags else "Needs Review",
    }
