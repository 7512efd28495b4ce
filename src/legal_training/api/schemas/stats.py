"""Dataset statistics and service information."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from legal_training.api.schemas.common import Envelope


class StatsPublic(Envelope):
    total: int


class DetailedStatsPublic(Envelope):
    stats: dict[str, Any]


class TokenStatsPublic(Envelope):
    total_tokens: int
    encoding: str


class HealthPublic(BaseModel):
    status: str
    database: str


class InfoPublic(Envelope):
    name: str
    version: str
