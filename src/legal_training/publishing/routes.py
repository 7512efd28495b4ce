"""``POST /api/huggingface/push`` and ``GET /api/huggingface/pushes``: thin HTTP over ``hub.py``.

The request keeps the original's fields (``repo_name``, ``format``, ``private``, ``token``) and adds
filters, split options and ``include_simulator``. ``format`` is checked before anything else, and
an unknown one is a 400 listing the valid values: nothing is built, uploaded or deleted (the
original deleted the local dataset in that case).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from legal_training.api.deps import DatabaseDep, SettingsDep
from legal_training.api.errors import ApiError, BadRequest
from legal_training.publishing.export import (
    DATA_FORMATS,
    EmptySelectionError,
    ExportOptions,
    FieldSelectionError,
    normalise_format,
    select_fields,
)
from legal_training.publishing.hub import (
    DEFAULT_REPO_NAME,
    HubError,
    PushOptions,
    push_dataset,
)
from legal_training.publishing.splits import SplitConfig, SplitConfigError
from legal_training.storage.io import UnsupportedFormatError
from legal_training.storage.pushes import PushRepository
from legal_training.storage.samples import SampleFilters

router = APIRouter(prefix="/api", tags=["publishing"])

_Text = Annotated[str | None, Field(default=None, max_length=300)]


class HubFailure(ApiError):
    """A failed push, carrying the status the Hub failure maps to (401, 400 or 502)."""

    def __init__(self, exc: HubError) -> None:
        super().__init__(str(exc))
        self.status_code = exc.status
        self.code = exc.code


class UnsupportedPushFormat(ApiError):
    status_code = 400
    code = "unsupported_format"


class PushRequest(BaseModel):
    """A push request. ``token`` is write-only: it is never echoed, logged or stored."""

    model_config = ConfigDict(extra="forbid")

    repo_name: str = Field(
        default=DEFAULT_REPO_NAME,
        max_length=200,
        description="Dataset repo name ('name' under the token's user, or 'namespace/name').",
    )
    format: str = Field(
        default="parquet",
        max_length=20,
        description="Data file format: parquet, jsonl or csv. 'json' is accepted as an alias of "
        "jsonl (the files are always JSON Lines, one sample per line).",
    )
    private: bool = Field(default=False, description="Applied to new and existing repos.")
    token: SecretStr | None = Field(
        default=None, description="Hugging Face token; default: HF_TOKEN / HUGGINGFACE_TOKEN."
    )
    topic: _Text
    difficulty: _Text
    jurisdiction: _Text
    sample_type: _Text
    practice_area: _Text
    batch_id: _Text
    min_quality: float | None = Field(default=None, ge=0, le=100)
    fields: list[str] | None = Field(
        default=None, description="Columns to publish (default: every exported field)."
    )
    train_ratio: float = Field(default=0.8, ge=0, le=1)
    validation_ratio: float = Field(default=0.1, ge=0, le=1)
    test_ratio: float = Field(default=0.1, ge=0, le=1)
    seed: int = Field(default=42, description="Seed of the deterministic split.")
    include_simulator: bool = Field(
        default=False, description="Also publish samples made by the built-in simulator."
    )


class PushResponse(BaseModel):
    success: bool = True
    message: str
    repo_id: str
    repo_url: str
    commit_id: str
    commit_url: str
    private: bool
    format: str
    counts: dict[str, Any]


class PushPublic(BaseModel):
    id: int
    repo_id: str
    repo_url: str | None
    commit_id: str | None
    commit_url: str | None
    format: str
    private: bool
    filters: dict[str, Any]
    counts: dict[str, Any]
    success: bool
    error: str | None
    endpoint: str | None
    created_at: str


class PushesPublic(BaseModel):
    data: list[PushPublic]
    count: int


def _options(body: PushRequest, fmt: str) -> PushOptions:
    try:
        split = SplitConfig(
            train=body.train_ratio,
            validation=body.validation_ratio,
            test=body.test_ratio,
            seed=body.seed,
        )
        fields = select_fields(body.fields)
    except (SplitConfigError, FieldSelectionError) as exc:
        raise BadRequest(str(exc)) from exc
    filters = SampleFilters(
        topic=body.topic,
        difficulty=body.difficulty,
        jurisdiction=body.jurisdiction,
        sample_type=body.sample_type,
        practice_area=body.practice_area,
        batch_id=body.batch_id,
        min_quality=body.min_quality,
    )
    export = ExportOptions(
        filters=filters, fields=fields, include_simulator=body.include_simulator, split=split
    )
    return PushOptions(repo_name=body.repo_name, format=fmt, private=body.private, export=export)


@router.post("/huggingface/push", response_model=PushResponse)
def push_to_hub(body: PushRequest, db: DatabaseDep, settings: SettingsDep) -> dict[str, Any]:
    """Publish the (filtered) dataset to a Hugging Face dataset repo: data per split and a
    dataset card, in one commit. Runs in the threadpool (a sync route): uploads block."""
    try:
        fmt = normalise_format(body.format, DATA_FORMATS)
    except UnsupportedFormatError as exc:
        raise UnsupportedPushFormat(
            str(exc), details={"field": "format", "valid_values": [*DATA_FORMATS, "json"]}
        ) from exc
    options = _options(body, fmt)
    try:
        result = push_dataset(db, settings, options, token=body.token)
    except HubError as exc:
        raise HubFailure(exc) from exc
    except EmptySelectionError as exc:
        raise BadRequest(str(exc)) from exc
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
