"""Browse, search and edit samples: the original's data routes, paginated and validated."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from legal_training.api.deps import DatabaseDep
from legal_training.api.errors import BadRequest, NotFound
from legal_training.api.schemas import (
    DownloadRequest,
    SampleCreate,
    SampleResponse,
    SamplesPage,
    SampleUpdate,
    WriteResponse,
)
from legal_training.catalog import get_catalog
from legal_training.storage.batches import BatchRepository
from legal_training.storage.samples import SampleFilters, SampleRepository
from legal_training.storage.search import SEARCH_FIELDS

router = APIRouter(prefix="/api", tags=["data"])

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
Text = Annotated[str | None, Query(max_length=300)]


def sample_filters(
    topic: Text = None,
    difficulty: Text = None,
    jurisdiction: Text = None,
    sample_type: Text = None,
    practice_area: Text = None,
    provider: Text = None,
    model: Text = None,
    batch_id: Text = None,
    min_quality: Annotated[float | None, Query(description="Minimum quality score.")] = None,
) -> SampleFilters:
    """Filters from query parameters; catalog names normalised (``foundational`` → ``basic``)."""
    texts = {
        "topic": topic,
        "difficulty": difficulty,
        "jurisdiction": jurisdiction,
        "sample_type": sample_type,
        "practice_area": practice_area,
        "provider": provider,
        "model": model,
        "batch_id": batch_id,
    }
    for name, value in texts.items():
        # Checked here, not left to the query: streamed exports run it after the 200 is sent,
        # and PostgreSQL refuses NUL in text, which would cut the download short.
        if value and "\x00" in value:
            raise BadRequest(f"{name} must not contain NUL (\\x00) characters")
    catalog = get_catalog()
    if difficulty:
        difficulty = catalog.difficulty(difficulty).id
    if jurisdiction:
        jurisdiction = catalog.jurisdiction(jurisdiction).id
    if min_quality is not None and not 0 <= min_quality <= 100:
        raise BadRequest("min_quality must be between 0 and 100")
    return SampleFilters(
        topic=topic or None,
        difficulty=difficulty or None,
        jurisdiction=jurisdiction or None,
        sample_type=sample_type or None,
        practice_area=practice_area or None,
        provider=provider or None,
        model=model or None,
        batch_id=batch_id or None,
        min_quality=min_quality,
    )


FiltersDep = Annotated[SampleFilters, Depends(sample_filters)]


@router.get("/data", response_model=SamplesPage)
def list_samples(
    db: DatabaseDep, filters: FiltersDep, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """A page of samples, newest first, with the total matching the filters."""
    with db.read() as session:
        samples, total = SampleRepository(session, db.dialect).page(
            filters, limit=limit, offset=offset
        )
    return {
        "samples": samples,
        "total": total,
        "count": len(samples),
        "limit": limit,
        "offset": offset,
    }


@router.get("/sample/{sample_id}", response_model=SampleResponse)
def get_sample(sample_id: str, db: DatabaseDep) -> dict[str, Any]:
    with db.read() as session:
        return {"sample": SampleRepository(session, db.dialect).get(sample_id)}


@router.put("/sample/{sample_id}", response_model=WriteResponse)
def update_sample(sample_id: str, body: SampleUpdate, db: DatabaseDep) -> dict[str, Any]:
    """Partial update: only the fields sent change; ``id`` may change if the new one is free."""
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise BadRequest("nothing to update: send at least one field")
    nulls = [
        k
        for k, v in changes.items()
        if v is None
        and k in {"id", "question", "answer", "topic", "difficulty", "case_citation", "reasoning"}
    ]
    if nulls:
        raise BadRequest(f"required field(s) cannot be null: {', '.join(nulls)}")
    with db.write() as session:
        repo = SampleRepository(session, db.dialect)
        row = repo.update(sample_id, changes)
        sample = repo.get(row.id)
        total = repo.count()
    return {"message": f"sample {sample_id!r} updated", "total_samples": total, "sample": sample}


@router.delete("/sample/{sample_id}", response_model=WriteResponse)
def delete_sample(sample_id: str, db: DatabaseDep) -> dict[str, Any]:
    with db.write() as session:
        repo = SampleRepository(session, db.dialect)
        repo.delete(sample_id)
        total = repo.count()
    return {"message": f"sample {sample_id!r} deleted", "total_samples": total}


@router.post("/add", response_model=WriteResponse, status_code=201)
def add_sample(body: SampleCreate, db: DatabaseDep) -> dict[str, Any]:
    """Append one sample (the 7 required fields, plus optional metadata)."""
    with db.write() as session:
        repo = SampleRepository(session, db.dialect)
        row = repo.add(body.model_dump(exclude_none=True))
        sample = repo.get(row.id)
        total = repo.count()
    return {"message": f"sample {row.id!r} added", "total_samples": total, "sample": sample}


@router.get("/search")
def search_samples(
    db: DatabaseDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find.")],
    field: Annotated[str, Query(description=f"One of: {', '.join(SEARCH_FIELDS)}")] = "all",
    limit: Limit = 100,
) -> dict[str, Any]:
    """Full-text search (all words must match; stemmed); never a regex or raw SQL."""
    with db.read() as session:
        results = SampleRepository(session, db.dialect).search(q, field=field, limit=limit)
    return {"success": True, "results": results, "count": len(results), "query": q, "field": field}


@router.get("/samples/filter")
def filter_samples(
    db: DatabaseDep, filters: FiltersDep, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Exact-match filters (V2's route): ``/api/data``'s page plus the filters applied."""
    page = list_samples(db, filters, limit=limit, offset=offset)
    return {"success": True, **page, "filters": filters.as_dict()}


@router.get("/samples/random")
def random_samples(
    db: DatabaseDep, filters: FiltersDep, count: Annotated[int, Query(ge=1, le=100)] = 5
) -> dict[str, Any]:
    with db.read() as session:
        samples = SampleRepository(session, db.dialect).random(count, filters)
    return {"success": True, "samples": samples, "count": len(samples)}


@router.get("/sample/{sample_id}/download")
def download_sample(sample_id: str, db: DatabaseDep) -> Response:
    with db.read() as session:
        sample = SampleRepository(session, db.dialect).get(sample_id)
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in sample_id)[:150]
    return Response(
        json.dumps(sample, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}.json"'},
    )


@router.post("/samples/download")
def download_samples(body: DownloadRequest, db: DatabaseDep) -> Response:
    """Selected samples as JSON Lines, in the order asked for."""
    with db.read() as session:
        samples = SampleRepository(session, db.dialect).by_ids(body.sample_ids)
    if not samples:
        raise NotFound("none of the requested sample ids exist")
    text = "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in samples)
    return Response(
        text,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="samples_{len(samples)}.jsonl"'},
    )


@router.get("/batch/{batch_id}/samples")
def batch_samples(
    batch_id: str, db: DatabaseDep, limit: Limit = 1000, offset: Offset = 0
) -> dict[str, Any]:
    with db.read() as session:
        samples, total = SampleRepository(session, db.dialect).page(
            SampleFilters(batch_id=batch_id), limit=limit, offset=offset
        )
        info = BatchRepository(session).find(batch_id)
    if total == 0 and info is None:
        raise NotFound(f"batch {batch_id!r} not found and no samples carry that batch id")
    return {
        "success": True,
        "batch_id": batch_id,
        "samples": samples,
        "count": len(samples),
        "total": total,
        "batch_info": info,
    }
