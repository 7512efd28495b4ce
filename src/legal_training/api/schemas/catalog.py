"""The legal catalog as the API lists it."""

from __future__ import annotations

from typing import Any

from legal_training.api.schemas.common import Envelope


class TopicsPublic(Envelope):
    topics: list[dict[str, Any]]


class JurisdictionsPublic(Envelope):
    jurisdictions: list[dict[str, Any]]


class SampleTypesPublic(Envelope):
    sample_types: list[dict[str, Any]]
    default: str


class DifficultiesPublic(Envelope):
    difficulties: list[dict[str, Any]]
