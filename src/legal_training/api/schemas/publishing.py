"""Hugging Face pushes: the request (filters, splits, token) and the recorded results."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, create_model

from legal_training.catalog.fields import PUBLIC_FILTERS, FilterField
from legal_training.publishing.hub import DEFAULT_REPO_NAME


def _filter_field(spec: FilterField) -> Any:
    if spec.type is float:
        return (float | None, Field(default=None, ge=0, le=100, description=spec.description))
    return (str | None, Field(default=None, max_length=300, description=spec.description))


# The filters a push can select by, from the one filter definition.
FilterBody: type[BaseModel] = create_model(
    "FilterBody", **{spec.name: _filter_field(spec) for spec in PUBLIC_FILTERS}
)


class PushRequest(FilterBody):
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
