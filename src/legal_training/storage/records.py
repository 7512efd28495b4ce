"""Turning loosely-typed sample dicts (API bodies, imported rows) into validated column values.

One function decides what a valid sample is, for the API, imports and generation alike, so that a
file that imports cleanly is exactly a file whose rows the API would have accepted one by one.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from legal_training.catalog import CatalogError, get_catalog
from legal_training.catalog.fields import (
    MAX_LENGTHS,
    MAY_BE_EMPTY,
    METADATA_FIELDS,
    QUALITY_FIELDS,
    REQUIRED_FIELDS,
    SAMPLE_FIELDS,
)
from legal_training.errors import DomainError
from legal_training.storage.models import (
    LENGTH_COLUMNS,
    TOKEN_AND_TOTAL_COLUMNS,
    TOKEN_COLUMNS,
    TOTAL_TOKENS,
)
from legal_training.storage.tokens import count_tokens, count_tokens_batch
from legal_training.storage.types import utcnow
from legal_training.text import question_hash

# Columns derived from the texts; never accepted from input.
DERIVED_FIELDS = frozenset(
    {
        "seq",
        *TOKEN_AND_TOTAL_COLUMNS,
        *LENGTH_COLUMNS.values(),
        "question_hash",
        "quality_score",
        "extra",
    }
)


class SampleValidationError(DomainError, ValueError):
    """A sample that cannot be stored; ``problems`` lists every reason, one per field."""

    code = "invalid_sample"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

    def error_details(self) -> Any:
        return self.problems


def _parse_timestamp(value: Any, field: str, problems: list[str]) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{field}: not an ISO 8601 timestamp: {value[:40]!r}")
            return None
    else:
        problems.append(f"{field}: expected an ISO 8601 string, got {type(value).__name__}")
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(data: dict[str, Any], field: str, problems: list[str], *, required: bool) -> None:
    value = data.get(field)
    if value is None:
        if required:
            problems.append(f"{field}: missing")
        return
    if not isinstance(value, str):
        problems.append(f"{field}: expected a string, got {type(value).__name__}")
        return
    if required and field not in MAY_BE_EMPTY and not value.strip():
        problems.append(f"{field}: must not be empty")
    if "\x00" in value:  # PostgreSQL cannot store it; refused on every backend alike
        problems.append(f"{field}: must not contain NUL (\\x00) characters")
    elif not _is_unicode(value):  # a lone surrogate from a "\\ud800" JSON escape
        problems.append(f"{field}: not valid Unicode (lone surrogate)")
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        problems.append(f"{field}: longer than {limit} characters")


def _normalise_catalog_fields(values: dict[str, Any], problems: list[str]) -> None:
    catalog = get_catalog()
    difficulty = values.get("difficulty")
    if isinstance(difficulty, str) and difficulty.strip():
        try:
            values["difficulty"] = catalog.difficulty(difficulty).id
        except CatalogError as exc:
            problems.append(f"difficulty: {exc}")
    jurisdiction = values.get("jurisdiction")
    if isinstance(jurisdiction, str) and jurisdiction.strip():
        try:
            values["jurisdiction"] = catalog.jurisdiction(jurisdiction).id
        except CatalogError as exc:
            problems.append(f"jurisdiction: {exc}")
    topic = values.get("topic")
    if isinstance(topic, str) and topic.strip():
        if not values.get("practice_area") and " - " in topic:
            values["practice_area"] = topic.split(" - ", 1)[0].strip()
        if not values.get("jurisdiction"):
            with contextlib.suppress(CatalogError):
                values["jurisdiction"] = catalog.find_topic(topic).jurisdiction


def derived_columns(values: dict[str, Any]) -> dict[str, Any]:
    """Token counts, lengths and the duplicate hash: computed once, when the texts are written."""
    tokens = {column: count_tokens(values[text]) for text, column in TOKEN_COLUMNS.items()}
    return {
        **tokens,
        TOTAL_TOKENS: sum(tokens.values()),
        **{column: len(values[text]) for text, column in LENGTH_COLUMNS.items()},
        "question_hash": question_hash(values["question"]),
    }


def add_derived_columns(rows: list[dict[str, Any]]) -> None:
    """:func:`derived_columns` for many rows, tokenising each field as one threaded batch."""
    if not rows:
        return
    for source, target in TOKEN_COLUMNS.items():
        for row, n in zip(rows, count_tokens_batch([r[source] for r in rows]), strict=True):
            row[target] = n
    for row in rows:
        row[TOTAL_TOKENS] = sum(row[t] for t in TOKEN_COLUMNS.values())
        for text, column in LENGTH_COLUMNS.items():
            row[column] = len(row[text])
        row["question_hash"] = question_hash(row["question"])


def _is_strict_json(value: Any) -> bool:
    """Whether ``value`` is JSON that PostgreSQL accepts: ``NaN``/``Infinity`` (which Python's
    parser reads from ``NaN`` or ``1e400``) are not JSON and fail the insert there."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    except TypeError:  # not JSON at all: left to the caller's own checks, as before
        return True
    return True


def _quality_columns(quality: Any, problems: list[str]) -> dict[str, Any]:
    if quality is None or quality == "":
        return {}
    if isinstance(quality, str) and quality.strip():  # JSON text from a Parquet/CSV export
        try:
            quality = json.loads(quality)
        except ValueError:
            problems.append("quality: not valid JSON")
            return {}
    if not isinstance(quality, dict):
        problems.append("quality: expected an object")
        return {}
    if not _is_strict_json(quality):
        problems.append("quality: numbers must be finite (no NaN or Infinity)")
        return {}
    score = quality.get("score")
    if score is not None and not isinstance(score, int | float):
        problems.append("quality.score: expected a number")
        score = None
    return {"quality": quality, "quality_score": float(score) if score is not None else None}


def prepare_new_sample(
    data: Any, *, now: datetime | None = None, derive: bool = True
) -> dict[str, Any]:
    """Validate a new sample and return the full set of column values to insert.

    Unknown keys are kept in ``extra`` rather than dropped, so importing a richer file than ours
    loses nothing. ``derive=False`` leaves token counts to the caller (imports count a whole
    chunk at once with :func:`add_derived_columns`).
    """
    if not isinstance(data, dict):
        raise SampleValidationError([f"expected a JSON object, got {type(data).__name__}"])
    problems: list[str] = []
    for field in REQUIRED_FIELDS:
        _check_text(data, field, problems, required=True)
    for field in METADATA_FIELDS:
        _check_text(data, field, problems, required=False)
    values: dict[str, Any] = {f: data.get(f) for f in REQUIRED_FIELDS + METADATA_FIELDS}
    if isinstance(values.get("id"), str):
        values["id"] = values["id"].strip()
    _normalise_catalog_fields(values, problems)
    stamp = now or utcnow()
    created = _parse_timestamp(data.get("created_at"), "created_at", problems)
    updated = _parse_timestamp(data.get("updated_at"), "updated_at", problems)
    quality = _quality_columns(data.get("quality"), problems)
    if problems:
        raise SampleValidationError(problems)
    values["created_at"] = created or stamp
    values["updated_at"] = updated or values["created_at"]
    values.update(quality)
    if derive:
        values.update(derived_columns(values))
    known = set(SAMPLE_FIELDS) | set(QUALITY_FIELDS) | DERIVED_FIELDS
    extra = {k: v for k, v in data.items() if k not in known and v is not None}
    if not _is_strict_json(extra):
        raise SampleValidationError(["extra fields: numbers must be finite (no NaN or Infinity)"])
    values["extra"] = extra or None
    return values


def prepare_update(current: dict[str, Any], changes: Any) -> dict[str, Any]:
    """Validate a partial update against the current row; returns the columns to write."""
    if not isinstance(changes, dict):
        raise SampleValidationError([f"expected a JSON object, got {type(changes).__name__}"])
    unknown = sorted(set(changes) - set(SAMPLE_FIELDS) - set(QUALITY_FIELDS))
    problems = [f"{k}: not an editable field" for k in unknown]
    if "created_at" in changes:
        problems.append("created_at: cannot be changed")
    merged = {**current, **{k: v for k, v in changes.items() if k in SAMPLE_FIELDS}}
    merged.pop("created_at", None)
    merged.pop("updated_at", None)
    if "quality" in changes:
        merged["quality"] = changes["quality"]
    try:
        prepared = prepare_new_sample(merged)
    except SampleValidationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SampleValidationError(problems)
    prepared.pop("created_at")
    prepared.pop("extra")
    prepared["updated_at"] = utcnow()
    if "quality" not in changes:
        prepared.pop("quality", None)
        prepared.pop("quality_score", None)
    return prepared
