"""Browse, search, edit and download samples: paginated, validated, never a whole table."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from legal_training.api.deps import DatabaseDep, FiltersDep
from legal_training.api.errors import BadRequest, NotFound
from legal_training.api.schemas.samples import (
    BatchSamples,
    DownloadRequest,
    FilteredPage,
    RandomSamples,
    SampleCreate,
    SampleResponse,
    SamplesPage,
    SampleUpdate,
    SearchResults,
    WriteResponse,
)
from legal_training.catalog.fields import REQUIRED_FIELDS, SampleFilters
from legal_training.storage.batches import BatchRepository
from legal_training.storage.samples import PageCursor, SampleRepository
from legal_training.storage.search import SEARCH_FIELDS

router = APIRouter(prefix="/api", tags=["data"])

Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=100_000_000)]
After = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Keyset cursor: a page's next_after, to fetch the page after it at any depth.",
    ),
]


def _cursor(after: str | None) -> PageCursor | None:
    return PageCursor.decode(after) if after is not None else None


@router.get("/data", response_model=SamplesPage)
def list_samples(
    db: DatabaseDep,
    filters: FiltersDep,
    limit: Limit = 100,
    offset: Offset = 0,
    after: After = None,
) -> dict[str, Any]:
    """A page of samples, newest first, with the total matching the filters.

    ``next_after`` is the cursor to pass as ``after=`` for the next page (``null`` on the last
    page); unlike a growing ``offset`` it costs the same at any depth.
    """
    cursor = _cursor(after)
    with db.read() as session:
        samples, total, next_cursor = SampleRepository(session, db.dialect).page_with_cursor(
            filters, limit=limit, offset=offset, after=cursor
        )
    return {
        "samples": samples,
        "total": total,
        "count": len(samples),
        "limit": limit,
        "offset": offset,
        "after": after,
        "next_after": next_cursor.encode() if next_cursor else None,
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
    nulls = [k for k, v in changes.items() if v is None and k in REQUIRED_FIELDS]
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


@router.get("/search", response_model=SearchResults)
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


@router.get("/samples/filter", response_model=FilteredPage)
def filter_samples(
    db: DatabaseDep,
    filters: FiltersDep,
    limit: Limit = 100,
    offset: Offset = 0,
    after: After = None,
) -> dict[str, Any]:
    """Exact-match filters (V2's route): ``/api/data``'s page plus the filters applied."""
    page = list_samples(db, filters, limit=limit, offset=offset, after=after)
    return {"success": True, **page, "filters": filters.as_dict()}


@router.get("/samples/random", response_model=RandomSamples)
def random_samples(
    db: DatabaseDep, filters: FiltersDep, count: Annotated[int, Query(ge=1, le=100)] = 5
) -> dict[str, Any]:
    with db.read() as session:
        samples = SampleRepository(session, db.dialect).random(count, filters)
    return {"success": True, "samples": samples, "count": len(samples)}


@router.get(
    "/sample/{sample_id}/download",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The sample as JSON"}},
)
def download_sample(sample_id: str, db: DatabaseDep) -> Response:
    with db.read() as session:
        sample = SampleRepository(session, db.dialect).get(sample_id)
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in sample_id)[:150]
    return Response(
        json.dumps(sample, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}.json"'},
    )


@router.post(
    "/samples/download",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines"}},
)
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


@router.get("/batch/{batch_id}/samples", response_model=BatchSamples)
def batch_samples(
    batch_id: str,
    db: DatabaseDep,
    limit: Limit = 1000,
    offset: Offset = 0,
    after: After = None,
) -> dict[str, Any]:
    cursor = _cursor(after)
    with db.read() as session:
        samples, total, next_cursor = SampleRepository(session, db.dialect).page_with_cursor(
            SampleFilters(batch_id=batch_id), limit=limit, offset=offset, after=cursor
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
        "next_after": next_cursor.encode() if next_cursor else None,
        "batch_info": info,
    }
