"""Samples: ``SampleCreate``, ``SampleUpdate``, ``SamplePublic`` and the pages that carry them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from legal_training.api.schemas.common import Envelope
from legal_training.catalog.fields import SAMPLE_FIELD_SPECS, SampleField


def _create_field(spec: SampleField) -> Any:
    if spec.kind == "required":
        return (str, Field(min_length=None if spec.may_be_empty else 1, max_length=spec.max_length))
    return (str | None, Field(default=None, max_length=spec.max_length))


def _update_field(spec: SampleField) -> Any:
    must_have_text = spec.kind == "required" and not spec.may_be_empty
    return (
        str | None,
        Field(default=None, min_length=1 if must_have_text else None, max_length=spec.max_length),
    )


def _public_field(spec: SampleField) -> Any:
    return (str, ...) if spec.kind != "metadata" else (str | None, None)


def _fields(make: Any, *, timestamps: bool = True) -> dict[str, Any]:
    return {
        spec.name: make(spec)
        for spec in SAMPLE_FIELD_SPECS
        if timestamps or spec.kind != "timestamp"
    }


class _Sample(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Update(BaseModel):
    model_config = ConfigDict(extra="forbid")


_SampleCreateBase: type[BaseModel] = create_model(
    "_SampleCreateBase", __base__=_Sample, **_fields(_create_field)
)
_SampleUpdateBase: type[BaseModel] = create_model(
    "_SampleUpdateBase", __base__=_Update, **_fields(_update_field, timestamps=False)
)
_SamplePublicBase: type[BaseModel] = create_model(
    "_SamplePublicBase", __base__=_Sample, **_fields(_public_field)
)


class SampleCreate(_SampleCreateBase):
    """A new sample: the 7 required fields plus optional metadata (fields from
    :mod:`legal_training.catalog.fields`); unknown keys are kept with the sample."""

    quality: dict[str, Any] | None = None


class SampleUpdate(_SampleUpdateBase):
    """A partial update: only the fields sent are changed."""

    quality: dict[str, Any] | None = None


class SamplePublic(_SamplePublicBase):
    """A stored sample as the API returns it."""

    total_tokens: int = 0
    quality_score: float | None = None
    quality: dict[str, Any] | None = None


class SamplesPage(BaseModel):
    success: bool = True
    samples: list[SamplePublic]
    total: int
    count: int
    limit: int
    offset: int
    after: str | None = None
    next_after: str | None = None


class SampleResponse(BaseModel):
    success: bool = True
    sample: SamplePublic


class WriteResponse(BaseModel):
    success: bool = True
    message: str
    total_samples: int
    sample: SamplePublic | None = None


class JsonlImportRequest(BaseModel):
    """JSON Lines text in ``content`` (one sample per line)."""

    content: str


class ImportResponse(BaseModel):
    success: bool = True
    message: str
    imported: int
    total_samples: int


class DownloadRequest(BaseModel):
    sample_ids: list[str] = Field(min_length=1, max_length=10_000)


class SearchResults(Envelope):
    results: list[SamplePublic]
    count: int
    query: str
    field: str


class FilteredPage(SamplesPage):
    filters: dict[str, Any]


class RandomSamples(Envelope):
    samples: list[SamplePublic]
    count: int


class BatchSamples(Envelope):
    batch_id: str
    samples: list[SamplePublic]
    count: int
    total: int
    next_after: str | None = None
    batch_info: dict[str, Any] | None
