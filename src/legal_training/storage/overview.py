"""The dataset at a glance: counts per catalog dimension, per provider and model, the quality
score distribution and token totals, each one grouped query on the narrow ``samples`` table.

Used by the dashboard's Overview, which loads it after the page itself (at 200,000 samples the
grouped scans take a few hundred milliseconds together; the page must not wait for them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from legal_training.storage.models import SampleRow

#: Quality-score buckets: [0, 10), [10, 20), ..., [90, 100), and exactly 100.
QUALITY_BUCKET_WIDTH = 10


def _counts(session: Session, column: Any) -> list[dict[str, Any]]:
    count = func.count().label("count")
    statement = select(column, count).group_by(column).order_by(count.desc(), column)
    return [{"value": value, "count": int(n)} for value, n in session.execute(statement)]


def dataset_overview(session: Session) -> dict[str, Any]:
    """Everything the Overview shows except recent batches."""
    total, tokens = session.execute(
        select(func.count(), func.coalesce(func.sum(SampleRow.total_tokens), 0))
    ).one()
    by_model = session.execute(
        select(
            SampleRow.provider,
            SampleRow.model,
            func.count(),
            func.coalesce(func.sum(SampleRow.total_tokens), 0),
        )
        .group_by(SampleRow.provider, SampleRow.model)
        .order_by(func.count().desc())
    ).all()
    bucket = case(
        (SampleRow.quality_score.is_(None), -1),
        (SampleRow.quality_score >= 100, 100),
        else_=func.floor(SampleRow.quality_score / QUALITY_BUCKET_WIDTH) * QUALITY_BUCKET_WIDTH,
    ).label("bucket")
    quality = {
        int(b): int(n)
        for b, n in session.execute(select(bucket, func.count()).group_by(bucket))
        if b is not None
    }
    judge_score = SampleRow.quality[("judge", "overall")].as_float()
    judge_status = SampleRow.quality[("judge", "status")].as_string()
    judged = {
        int(b): int(n)
        for b, n in session.execute(
            select(func.round(judge_score).label("b"), func.count())
            .where(judge_status == "judged")
            .group_by("b")
        )
        if b is not None
    }
    unjudged = session.scalar(
        select(func.count()).select_from(SampleRow).where(judge_status == "unjudged")
    )
    repaired = session.scalar(
        select(func.count())
        .select_from(SampleRow)
        .where(SampleRow.quality[("repair", "repaired")].as_boolean().is_(True))
    )
    return {
        "judge": {
            "scores": [{"score": n, "count": judged.get(n, 0)} for n in range(1, 6)],
            "judged": sum(judged.values()),
            "unjudged": int(unjudged or 0),
        },
        "repaired": int(repaired or 0),
        "total": int(total or 0),
        "total_tokens": int(tokens or 0),
        "difficulty": _counts(session, SampleRow.difficulty),
        "jurisdiction": _counts(session, SampleRow.jurisdiction),
        "practice_area": _counts(session, SampleRow.practice_area),
        "sample_type": _counts(session, SampleRow.sample_type),
        "models": [
            {"provider": p, "model": m, "count": int(n), "tokens": int(t or 0)}
            for p, m, n, t in by_model
        ],
        "quality": {
            "unscored": quality.pop(-1, 0),
            "buckets": [
                {"low": low, "high": low + QUALITY_BUCKET_WIDTH, "count": quality.get(low, 0)}
                for low in range(0, 100, QUALITY_BUCKET_WIDTH)
            ],
            "perfect": quality.get(100, 0),
        },
    }
