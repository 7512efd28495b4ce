"""``POST /api/huggingface/push`` and ``GET /api/huggingface/pushes``: thin HTTP over ``hub.py``.

The request names the repo, ``format``, ``private`` and an optional ``token``, plus filters, split
options and ``include_simulator``. ``format`` is checked before anything else, and an unknown one
is a 400 listing the valid values: nothing is built, uploaded or deleted.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from legal_training.api.deps import DatabaseDep, SettingsDep
from legal_training.api.schemas.publishing import PushesPublic, PushRequest, PushResponse
from legal_training.catalog.fields import PUBLIC_FILTERS, SampleFilters
from legal_training.publishing.export import (
    DATA_FORMATS,
    ExportOptions,
    normalise_format,
    select_fields,
)
from legal_training.publishing.hub import PushOptions, push_dataset
from legal_training.publishing.splits import SplitConfig
from legal_training.storage.pushes import PushRepository

router = APIRouter(prefix="/api", tags=["publishing"])


def _options(body: PushRequest, fmt: str) -> PushOptions:
    split = SplitConfig(
        train=body.train_ratio,
        validation=body.validation_ratio,
        test=body.test_ratio,
        seed=body.seed,
    )
    fields = select_fields(body.fields)
    filters = SampleFilters.build(**body.model_dump(include={f.name for f in PUBLIC_FILTERS}))
    export = ExportOptions(
        filters=filters, fields=fields, include_simulator=body.include_simulator, split=split
    )
    return PushOptions(repo_name=body.repo_name, format=fmt, private=body.private, export=export)


@router.post("/huggingface/push", response_model=PushResponse)
def push_to_hub(body: PushRequest, db: DatabaseDep, settings: SettingsDep) -> dict[str, Any]:
    """Publish the (filtered) dataset to a Hugging Face dataset repo: data per split and a
    dataset card, in one commit. Runs in the threadpool (a sync route): uploads block."""
    fmt = normalise_format(body.format, DATA_FORMATS)
    result = push_dataset(db, settings, _options(body, fmt), token=body.token)
    total = result.counts.get("total", 0)
    return {
        "success": True,
        "message": f"published {total} samples to {result.repo_id} ({fmt})",
        "repo_id": result.repo_id,
        "repo_url": result.repo_url,
        "commit_id": result.commit_id,
        "commit_url": result.commit_url,
        "private": result.private,
        "format": result.format,
        "counts": result.counts,
    }


@router.get("/huggingface/pushes", response_model=PushesPublic)
def list_pushes(
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> dict[str, Any]:
    """Recorded pushes, newest first: which dataset version went to which repo and commit."""
    with db.read() as session:
        repo = PushRepository(session)
        return {"data": repo.list(limit=limit, offset=offset), "count": repo.count()}
