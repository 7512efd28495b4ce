"""The legal vocabulary as the API serves it: topics, jurisdictions, sample types, difficulties."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from legal_training.api.schemas.catalog import (
    DifficultiesPublic,
    JurisdictionsPublic,
    SampleTypesPublic,
    TopicsPublic,
)
from legal_training.catalog import get_catalog

router = APIRouter(prefix="/api", tags=["catalog"])


@router.get("/topics", response_model=TopicsPublic)
def topics(
    jurisdiction: Annotated[str | None, Query(max_length=50)] = None,
    practice_area: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """All 75 topics (UK, US, EU, International), optionally filtered."""
    catalog = get_catalog()
    jurisdiction_id = catalog.jurisdiction(jurisdiction).id if jurisdiction else None
    found = catalog.filter_topics(jurisdiction=jurisdiction_id, practice_area=practice_area)
    return {
        "success": True,
        "topics": [
            {
                "practice_area": t.practice_area,
                "topic": t.topic,
                "full_name": t.full_name,
                "jurisdiction": t.jurisdiction,
                "difficulty": t.default_difficulty,
            }
            for t in found
        ],
        "count": len(found),
        "practice_areas": catalog.practice_areas(jurisdiction_id),
    }


@router.get("/jurisdictions", response_model=JurisdictionsPublic)
def jurisdictions() -> dict[str, Any]:
    catalog = get_catalog()
    return {
        "success": True,
        "jurisdictions": [
            {
                "id": j.id,
                "name": j.name,
                "legal_system": j.legal_system,
                "citation_format": j.citation_format,
                "authorities": list(j.authorities),
                "topic_count": len(catalog.filter_topics(jurisdiction=j.id)),
                "enabled": True,
            }
            for j in catalog.jurisdictions
        ],
        "default": "uk",
    }


@router.get("/sample-types", response_model=SampleTypesPublic)
def sample_types() -> dict[str, Any]:
    catalog = get_catalog()
    items: list[dict[str, Any]] = [
        {
            "id": s.id,
            "name": s.name,
            "description": s.description,
            "focus": s.focus,
            "example": s.example,
            "structure": s.structure_name,
            "sections": list(s.sections),
        }
        for s in catalog.sample_types
    ]
    items.append(
        {
            "id": catalog.rotation_sample_type,
            "name": "Balanced Mix",
            "description": "Rotates through every sample type in turn.",
            "focus": "Even coverage of all sample types",
            "example": "",
            "structure": None,
            "sections": [],
        }
    )
    return {"success": True, "sample_types": items, "default": catalog.default_sample_type}


@router.get("/difficulties", response_model=DifficultiesPublic)
def difficulties() -> dict[str, Any]:
    catalog = get_catalog()
    return {
        "success": True,
        "difficulties": [
            {
                "id": d.id,
                "min_words": d.min_words,
                "min_citations": d.min_citations,
                "reasoning_steps": d.reasoning_steps,
                "min_steps": d.min_steps,
                "max_steps": d.max_steps,
                "min_reasoning_chars": d.min_reasoning_chars,
                "complexity": d.complexity,
                "description": d.description,
            }
            for d in catalog.difficulties
        ],
        "aliases": catalog.difficulty_aliases,
    }
