"""Dataset statistics computed in the database from narrow, indexed columns.

Token counts and text lengths are stored with each sample at write time, so no statistic here
re-reads or re-tokenises the texts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legal_training.catalog.fields import SAMPLE_FIELDS
from legal_training.storage.models import LENGTH_COLUMNS, TOKEN_COLUMNS, SampleRow
from legal_training.storage.tokens import ENCODING_LABEL

# Fixed $ per 1M tokens (for rough planning only).
COST_PER_MILLION_TOKENS: dict[str, float] = {
    "llama-3.3-70b": 0.69,
    "llama-3.1-70b": 0.69,
    "llama-3.1-8b": 0.065,
    "mixtral-8x7b": 0.24,
    "gemma-7b": 0.07,
}
_TOKEN_FIELDS = {text: getattr(SampleRow, column) for text, column in TOKEN_COLUMNS.items()}


def _average_lengths(session: Session) -> dict[str, float]:
    """Mean characters per long text, from the lengths stored at write time."""
    averages = session.execute(
        select(*(func.avg(getattr(SampleRow, c)) for c in LENGTH_COLUMNS.values()))
    ).one()
    return {
        text: round(float(value or 0), 1)
        for text, value in zip(LENGTH_COLUMNS, averages, strict=True)
    }


def _distribution(
    session: Session, column: Any, *, limit: int | None = None
) -> list[dict[str, Any]]:
    count = func.count().label("count")
    statement = select(column, count).group_by(column).order_by(count.desc(), column)
    if limit is not None:
        statement = statement.limit(limit)
    return [{"value": value, "count": int(n)} for value, n in session.execute(statement)]


def _named(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [{name: r["value"], "count": r["count"]} for r in rows]


def basic_stats(session: Session) -> dict[str, Any]:
    """``GET /api/stats``: the V2 shape (``count`` keys) plus V1's ``columns``."""
    total = int(session.scalar(select(func.count()).select_from(SampleRow)) or 0)
    unique_topics = int(session.scalar(select(func.count(func.distinct(SampleRow.topic)))) or 0)
    return {
        "total": total,
        "columns": list(SAMPLE_FIELDS),
        "difficulty_distribution": _named(
            _distribution(session, SampleRow.difficulty), "difficulty"
        ),
        "top_topics": _named(_distribution(session, SampleRow.topic, limit=10), "topic"),
        "sample_type_distribution": _named(
            _distribution(session, SampleRow.sample_type), "sample_type"
        ),
        "jurisdiction_distribution": _named(
            _distribution(session, SampleRow.jurisdiction), "jurisdiction"
        ),
        "provider_distribution": _named(_distribution(session, SampleRow.provider), "provider"),
        "avg_lengths": _average_lengths(session),
        "unique_topics": unique_topics,
    }


def detailed_stats(session: Session) -> dict[str, Any]:
    """``GET /api/stats/detailed``: per-difficulty lengths, all topics, practice areas."""
    total = int(session.scalar(select(func.count()).select_from(SampleRow)) or 0)
    by_difficulty = session.execute(
        select(
            SampleRow.difficulty,
            func.count(),
            func.avg(SampleRow.question_chars),
            func.avg(SampleRow.answer_chars),
        )
        .group_by(SampleRow.difficulty)
        .order_by(SampleRow.difficulty)
    ).all()
    topics = _named(_distribution(session, SampleRow.topic), "topic")
    areas = _named(_distribution(session, SampleRow.practice_area), "practice_area")
    return {
        "total_samples": total,
        "difficulty_breakdown": [
            {
                "difficulty": d,
                "count": int(n),
                "avg_question_length": round(float(q or 0), 1),
                "avg_answer_length": round(float(a or 0), 1),
            }
            for d, n, q, a in by_difficulty
        ],
        "topic_breakdown": topics,
        "practice_areas": areas,
        "avg_lengths": _average_lengths(session),
        "unique_topics": len(topics),
        "unique_practice_areas": len(areas),
        "citation_verification": verification_stats(session),
    }


_VERIFICATION_STATUSES = ("verified", "mismatch", "unverified", "implausible")


def verification_stats(session: Session) -> dict[str, Any]:
    """How the stored samples' cited authorities fared against the authority index: the
    counts each quality report's ``citation_verification`` check recorded, summed, and the
    shares of all cited authorities. Samples never verified (imports before ``verify``) are
    left out of both."""
    check = SampleRow.quality["checks"]["citation_verification"]
    row = session.execute(
        select(
            func.count(check["policy"].as_string()),
            *(func.sum(check[status].as_integer()) for status in _VERIFICATION_STATUSES),
        )
    ).one()
    counts = {
        status: int(value or 0)
        for status, value in zip(_VERIFICATION_STATUSES, row[1:], strict=True)
    }
    cited = sum(counts.values())
    return {
        "samples_verified": int(row[0] or 0),
        "authorities": counts,
        "shares": {s: round(n / cited, 4) if cited else 0.0 for s, n in counts.items()},
    }


def token_stats(session: Session) -> dict[str, Any]:
    """``GET /api/stats/tokens`` from the stored counts."""
    sums = session.execute(
        select(
            func.count(),
            func.sum(SampleRow.total_tokens),
            *[func.sum(c) for c in _TOKEN_FIELDS.values()],
        )
    ).one()
    total_samples = int(sums[0] or 0)
    total_tokens = int(sums[1] or 0)
    by_field = {}
    for (name, _), value in zip(_TOKEN_FIELDS.items(), sums[2:], strict=True):
        field_total = int(value or 0)
        by_field[name] = {
            "total": field_total,
            "avg_per_sample": round(field_total / total_samples, 1) if total_samples else 0.0,
            "percentage": round(100 * field_total / total_tokens, 1) if total_tokens else 0.0,
        }
    by_difficulty = {
        d: {
            "total_tokens": int(t or 0),
            "avg_tokens": round(float(a or 0), 1),
            "sample_count": int(n),
        }
        for d, t, a, n in session.execute(
            select(
                SampleRow.difficulty,
                func.sum(SampleRow.total_tokens),
                func.avg(SampleRow.total_tokens),
                func.count(),
            ).group_by(SampleRow.difficulty)
        )
    }
    total_col = func.sum(SampleRow.total_tokens).label("t")
    by_area = [
        {
            "practice_area": area,
            "total_tokens": int(t or 0),
            "avg_tokens": round(float(a or 0), 1),
            "count": int(n),
        }
        for area, t, a, n in session.execute(
            select(
                SampleRow.practice_area, total_col, func.avg(SampleRow.total_tokens), func.count()
            )
            .group_by(SampleRow.practice_area)
            .order_by(total_col.desc())
            .limit(10)
        )
    ]
    return {
        "total_tokens": total_tokens,
        "total_samples": total_samples,
        "avg_tokens_per_sample": round(total_tokens / total_samples, 1) if total_samples else 0.0,
        "tokens_by_field": by_field,
        "tokens_by_difficulty": by_difficulty,
        "tokens_by_practice_area": by_area,
        "estimated_costs": {
            model: round(total_tokens / 1_000_000 * price, 4)
            for model, price in COST_PER_MILLION_TOKENS.items()
        },
        "encoding": ENCODING_LABEL,
    }
