"""The one definition of a sample's fields and of the filters over them.

Storage, the API schemas, the CLI, exports and the quality gate all read their field lists from
here, so that adding a metadata field or a filter is one edit, and the surfaces cannot drift
apart (a CLI export that silently lacks a filter the API has, say).

Fields
    ``REQUIRED`` fields are the seven every sample has (text; ``case_citation`` and
    ``reasoning`` may be empty in imported data); ``METADATA`` fields are optional labels;
    ``TIMESTAMP`` fields are set by storage when absent. ``long_text`` fields are kept in their
    own table so that filters and counts never read answer pages.

Filters
    :class:`SampleFilters` is an exact-match filter set (plus ``min_quality``). Each edge builds
    one from its own input with :meth:`SampleFilters.build`, which normalises catalog names and
    refuses values no backend can store (:class:`FilterError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal

from legal_training.catalog.models import get_catalog
from legal_training.errors import DomainError

FieldKind = Literal["required", "metadata", "timestamp"]


@dataclass(frozen=True)
class SampleField:
    """One field of a sample as every layer sees it."""

    name: str
    kind: FieldKind
    description: str
    max_length: int | None = None
    long_text: bool = False
    may_be_empty: bool = False


SAMPLE_FIELD_SPECS: Final[tuple[SampleField, ...]] = (
    SampleField("id", "required", "Unique sample id", max_length=200),
    SampleField("question", "required", "The legal question or scenario", long_text=True),
    SampleField("answer", "required", "The structured answer", long_text=True),
    SampleField("topic", "required", "Catalog topic", max_length=300),
    SampleField("difficulty", "required", "Difficulty level", max_length=50),
    SampleField(
        "case_citation",
        "required",
        "Principal authorities relied on",
        long_text=True,
        may_be_empty=True,
    ),
    SampleField(
        "reasoning", "required", "Step-by-step reasoning", long_text=True, may_be_empty=True
    ),
    SampleField("sample_type", "metadata", "Sample type", max_length=50),
    SampleField("jurisdiction", "metadata", "Jurisdiction id", max_length=50),
    SampleField("practice_area", "metadata", "Practice area", max_length=200),
    SampleField("provider", "metadata", "Provider that generated the sample", max_length=100),
    SampleField("model", "metadata", "Model that generated the sample", max_length=200),
    SampleField("batch_id", "metadata", "Batch that generated the sample", max_length=100),
    SampleField("created_at", "timestamp", "Creation time (UTC, ISO 8601)"),
    SampleField("updated_at", "timestamp", "Last update (UTC, ISO 8601)"),
)


def _names(*, kind: FieldKind | None = None, long_text: bool | None = None) -> tuple[str, ...]:
    return tuple(
        spec.name
        for spec in SAMPLE_FIELD_SPECS
        if (kind is None or spec.kind == kind)
        and (long_text is None or spec.long_text == long_text)
    )


REQUIRED_FIELDS: Final = _names(kind="required")
METADATA_FIELDS: Final = _names(kind="metadata")
TIMESTAMP_FIELDS: Final = _names(kind="timestamp")
SAMPLE_FIELDS: Final = REQUIRED_FIELDS + METADATA_FIELDS + TIMESTAMP_FIELDS
# The quality report travels with a sample but is not one of its labelled fields.
QUALITY_FIELDS: Final[tuple[str, ...]] = ("quality",)
# Stored in the separate texts table; everything else is a narrow column.
TEXT_FIELDS: Final = _names(long_text=True)
MAY_BE_EMPTY: Final = frozenset(spec.name for spec in SAMPLE_FIELD_SPECS if spec.may_be_empty)
MAX_LENGTHS: Final = {s.name: s.max_length for s in SAMPLE_FIELD_SPECS if s.max_length}
DESCRIPTIONS: Final = {spec.name: spec.description for spec in SAMPLE_FIELD_SPECS}
# Texts the full-text index covers (``topic`` with the long texts).
SEARCHABLE_FIELDS: Final[tuple[str, ...]] = ("question", "answer", "topic", "case_citation")


class FilterError(DomainError, ValueError):
    """A filter value that cannot be used (out of range, NUL)."""

    code = "invalid_filter"


def _filter(description: str) -> Any:
    return field(default=None, metadata={"description": description, "public": True})


@dataclass(frozen=True)
class SampleFilters:
    """Exact-match filters shared by listing, random picks, export and publishing.

    Every field marked ``public`` is offered by each edge (query parameters, CLI options,
    push bodies); ``exclude_provider`` is internal (publishing leaves simulator samples out).
    """

    topic: str | None = _filter("Catalog topic")
    difficulty: str | None = _filter("Difficulty (aliases such as 'foundational' accepted)")
    jurisdiction: str | None = _filter("Jurisdiction id or name")
    sample_type: str | None = _filter("Sample type")
    practice_area: str | None = _filter("Practice area")
    provider: str | None = _filter("Provider that generated the sample")
    model: str | None = _filter("Model that generated the sample")
    batch_id: str | None = _filter("Batch that generated the sample")
    min_quality: float | None = _filter("Minimum quality score (0-100)")
    exclude_provider: str | None = None

    @classmethod
    def build(cls, **values: Any) -> SampleFilters:
        """Filters from user input: blanks ignored, catalog names normalised, bad values refused.

        Refused here rather than left to the query: streamed exports run the query after the
        response has started, and PostgreSQL refuses NUL in text, which would cut a download
        short.
        """
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise FilterError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        clean: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, str):
                if "\x00" in value:
                    raise FilterError(f"{name} must not contain NUL (\\x00) characters")
                value = value or None
            clean[name] = value
        catalog = get_catalog()
        if clean.get("difficulty"):
            clean["difficulty"] = catalog.difficulty(clean["difficulty"]).id
        if clean.get("jurisdiction"):
            clean["jurisdiction"] = catalog.jurisdiction(clean["jurisdiction"]).id
        quality = clean.get("min_quality")
        if quality is not None and not 0 <= quality <= 100:
            raise FilterError("min_quality must be between 0 and 100")
        return cls(**clean)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class FilterField:
    """A public filter as the edges offer it."""

    name: str
    type: type
    description: str


PUBLIC_FILTERS: Final[tuple[FilterField, ...]] = tuple(
    FilterField(f.name, float if f.name == "min_quality" else str, f.metadata["description"])
    for f in fields(SampleFilters)
    if f.metadata.get("public")
)
