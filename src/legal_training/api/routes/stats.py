"""Dataset statistics routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from legal_training.api.deps import DatabaseDep
from legal_training.storage import stats

router = APIRouter(prefix="/api", tags=["stats"])


@router.get("/stats")
def basic(db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"success": True, **stats.basic_stats(session)}


@router.get("/stats/detailed")
def detailed(db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"success": True, "stats": stats.detailed_stats(session)}


@router.get("/stats/tokens")
def tokens(db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"success": True, **stats.token_stats(session)}
