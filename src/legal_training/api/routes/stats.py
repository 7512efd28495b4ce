"""Dataset statistics routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from legal_training.api.deps import DatabaseDep
from legal_training.api.schemas.stats import DetailedStatsPublic, StatsPublic, TokenStatsPublic
from legal_training.storage import stats

router = APIRouter(prefix="/api", tags=["stats"])


@router.get("/stats", response_model=StatsPublic)
def basic(db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"success": True, **stats.basic_stats(session)}


@router.get("/stats/detailed", response_model=DetailedStatsPublic)
def detailed(db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"success": True, "stats": stats.detailed_stats(session)}


@router.get("/stats/tokens", response_model=TokenStatsPublic)
def tokens(db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"success": True, **stats.token_stats(session)}
