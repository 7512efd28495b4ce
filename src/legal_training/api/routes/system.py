"""Liveness and service information."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from legal_training import __version__
from legal_training.api.deps import DatabaseDep
from legal_training.api.schemas.stats import HealthPublic, InfoPublic

router = APIRouter(prefix="/api", tags=["system"])
info_router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health", response_model=HealthPublic)
def health(db: DatabaseDep) -> dict[str, Any]:
    """Unauthenticated liveness: the database answers. No counts or configuration leak here."""
    try:
        with db.read() as session:
            session.execute(text("SELECT 1"))
        database = "connected"
    except Exception:  # the probe must answer even when the database is down
        database = "unavailable"
    return {"status": "healthy" if database == "connected" else "degraded", "database": database}


@info_router.get("/info", response_model=InfoPublic)
def info(db: DatabaseDep) -> dict[str, Any]:
    return {
        "success": True,
        "name": "Legal Training Platform",
        "version": __version__,
        "database": db.dialect,
        "docs": "/docs",
        "openapi": "/openapi.json",
    }
