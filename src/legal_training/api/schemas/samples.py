"""Samples: ``SampleCreate``, ``SampleUpdate``, ``SamplePublic`` and the pages that carry them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from legal_training.api.schemas.common import Envelope


class SampleCreate(BaseModel):
    """A new sample: the 7 required fields plus optional metadata."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=200)
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    topic: str = Field(min_length=1, max_length=300)
    difficulty: str = Field(min_length=1, max_length=50)
    case_citation: str
    reasoning: str
    sample_type: str | None = Field(default=None, max_length=50)
    jurisdiction: str | None = Field(default=None, max_length=50)
    practice_area: str | None = Field(default=None, max_length=200)
    provider: str | None = Field(default=None, max_length=100)
    model: str | None = Field(default=None, max_length=200)
    batch_id: str | None = Field(default=None, max_length=100)
    created_at: str | None = None
    updated_at: str | None = None
    quality: dict[str, Any] | None = None


class SampleUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, min_length=1, max_length=200)
    question: str | None = Field(default=None, min_length=1)
    answer: str | None = Field(default=None, min_length=1)
    topic: str | None = Field(default=None, min_length=1, max_length=300)
    difficulty: str | None = Field(default=None, min_length=1, max_length=50)
    case_citation: str | None = None
    reasoning: str | None = None
    sample_type: str | None = Field(default=None, max_length=50)
    jurisdiction: str | None = Field(default=None, max_length=50)
    practice_area: str | None = Field(default=None, max_length=200)
    provider: str | None = Field(default=None, max_length=100)
    model: str | None = Field(default=None, max_length=200)
    batch_id: str | None = Field(default=None, max_length=100)
    quality: dict[str, Any] | None = None


class SamplePublic(BaseModel):
    """A stored sample as the API returns it."""

    model_config = ConfigDict(extra="allow")

    id: str
    question: str
    answer: str
    topic: str
    difficulty: str
    case_citation: str
    reasoning: str
    sample_type: str | None = None
    jurisdiction: str | None = None
    practice_area: str | None = None
    provider: str | None = None
    model: str | None = None
    batch_id: str | None = None
    created_at: str
    updated_at: str
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
    batch_info: dict[str, Any] | None
