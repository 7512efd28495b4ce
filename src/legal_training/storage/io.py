"""Import and export of samples: Parquet, JSONL, JSON and CSV, streamed in chunks through Polars.

Imports are all-or-nothing: every row is validated (and every bad row reported with its line or
row number) inside one transaction that is rolled back if anything is wrong, so a failed import
leaves the dataset exactly as it was. Rows travel in chunks, so a million-row file is never held in
memory as Python objects. Exports write to a temporary file that is renamed into place only when
complete, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from legal_training.catalog.fields import REQUIRED_FIELDS, SAMPLE_FIELDS, SampleFilters
from legal_training.errors import DomainError
from legal_training.storage.db import Database
from legal_training.storage.derive import ChunkDeriver, Derived
from legal_training.storage.records import SampleValidationError, prepare_new_sample
from legal_training.storage.samples import SampleRepository

ImportFormat = Literal["jsonl", "json", "parquet", "csv"]
ExportFormat = Literal["parquet", "jsonl", "csv"]
IMPORT_FORMATS: tuple[str, ...] = ("jsonl", "json", "parquet", "csv")
EXPORT_FORMATS: tuple[str, ...] = ("parquet", "jsonl", "csv")
EXPORT_FIELDS: tuple[str, ...] = (*SAMPLE_FIELDS, "quality")
CHUNK_ROWS = 2000
ANALYZE_AFTER_ROWS = 10_000  # a large import changes the data's shape: refresh planner stats
MAX_REPORTED_PROBLEMS = 200
# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str


@dataclass
class ImportOutcome:
    """What an import did, or (when ``problems`` is not empty) why it did nothing."""

    imported: int = 0
    rows_read: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0
    duplicate_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add_problem(self, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append(ImportProblem(line, message))


class ImportFailedError(DomainError, ValueError):
    """An import that was rolled back; carries every problem found (up to a reporting cap)."""

    def __init__(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome
        first = outcome.problems[0] if outcome.problems else None
        summary = f"line {first.line}: {first.message}" if first else "no rows"
        super().__init__(
            f"import rejected, nothing was saved: {outcome.problem_count} problem(s); "
            f"first: {summary}"
        )

    @property
    def only_duplicates(self) -> bool:
        return bool(self.outcome.duplicate_ids) and self.outcome.problem_count == len(
            self.outcome.duplicate_ids
        )

    def error_status(self) -> int:
        return 409 if self.only_duplicates else 400

    def error_code(self) -> str:
        return "duplicate_id" if self.only_duplicates else "invalid_import"

    def error_details(self) -> Any:
        return {
            "problem_count": self.outcome.problem_count,
            "rows_read": self.outcome.rows_read,
            "problems": [{"line": p.line, "message": p.message} for p in self.outcome.problems],
        }


class UnsupportedFormatError(DomainError, ValueError):
    """A file format we do not read or write; ``valid_values`` lists those we do."""

    code = "unsupported_format"

    def __init__(self, message: str, *, valid_values: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.valid_values = list(valid_values) if valid_values is not None else None

    def error_details(self) -> Any:
        if self.valid_values is None:
            return None
        return {"field": "format", "valid_values": self.valid_values}


# -- reading ---------------------------------------------------------------------------------
Row = tuple[int, Any]  # (line or row number, parsed value or a ParseProblem)


@dataclass(frozen=True)
class ParseProblem:
    message: str


def iter_jsonl(lines: Iterable[str]) -> Iterator[Row]:
    """Numbered records of JSON Lines text; blank lines are skipped, bad lines reported."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ParseProblem(f"invalid JSON: {exc.msg} (column {exc.colno})")


def iter_json(text: str) -> Iterator[Row]:
    """Records of a JSON array (or a single object); numbered by position from 1."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield exc.lineno, ParseProblem(f"invalid JSON: {exc.msg} (column {exc.colno})")
        return
    if isinstance(data, dict):
        data = data.get("samples", [data]) if "samples" in data else [data]
    if not isinstance(data, list):
        yield 1, ParseProblem("expected a JSON array of sample objects")
        return
    yield from enumerate(data, start=1)


def _frame_rows(frames: Iterable[pl.DataFrame], *, first_row: int = 1) -> Iterator[Row]:
    number = first_row
    for frame in frames:
        for record in frame.iter_rows(named=True):
            yield number, record
            number += 1


def iter_parquet(path: Path, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Row]:
    """Rows of a Parquet file (any compression), one chunk in memory at a time."""
    frames = pl.scan_parquet(path).collect_batches(chunk_size=chunk_rows)
    yield from _frame_rows(frames)


def _unescape_csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'") and value[1:2] in (*_FORMULA_TRIGGERS, "'"):
        return value[1:]
    return value


def iter_csv(path: Path, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Row]:
    """Rows of a CSV file with a header; line 1 is the header, so data starts at line 2.

    Every column is read as text (no type guessing), and our own formula-injection escaping is
    undone, so a CSV we exported imports back unchanged.
    """
    frames = pl.scan_csv(path, infer_schema=False).collect_batches(chunk_size=chunk_rows)
    for number, record in _frame_rows(frames, first_row=2):
        row = {k: _unescape_csv_cell(v) for k, v in record.items()}
        for name in REQUIRED_FIELDS:  # CSV cannot tell an empty text from a missing one
            if name in row and row[name] is None:
                row[name] = ""
        yield number, row


def detect_format(filename: str) -> ImportFormat:
    suffix = Path(filename).suffix.lower().lstrip(".")
    aliases: dict[str, ImportFormat] = {
        "jsonl": "jsonl",
        "ndjson": "jsonl",
        "json": "json",
        "parquet": "parquet",
        "pq": "parquet",
        "csv": "csv",
    }
    if suffix not in aliases:
        raise UnsupportedFormatError(
            f"unsupported file type {suffix or '(none)'!r}; "
            "use one of: .jsonl, .json, .parquet, .csv"
        )
    return aliases[suffix]


def iter_file(path: Path, fmt: ImportFormat) -> Iterator[Row]:
    if fmt == "parquet":
        return iter_parquet(path)
    if fmt == "csv":
        return iter_csv(path)
    if fmt == "json":
        return iter_json(path.read_text("utf-8"))
    handle = path.open("r", encoding="utf-8")
    return _closing(iter_jsonl(handle), handle)


def _closing(rows: Iterator[Row], handle: IO[str]) -> Iterator[Row]:
    with handle:
        yield from rows


# -- importing -------------------------------------------------------------------------------
def import_rows(
    db: Database,
    rows: Iterable[Row],
    *,
    progress: ProgressCallback | None = None,
    chunk_rows: int = CHUNK_ROWS,
    workers: int | None = None,
) -> ImportOutcome:
    """Validate and insert every row in one transaction; raise ``ImportFailedError`` on any problem.

    ``workers`` processes derive the token counts and band keys (default: one per core; 1 derives
    in this process).

    Checks: JSON syntax, the 7 required fields and their types, known difficulty/jurisdiction,
    duplicate ids inside the payload and ids already in the dataset.
    """
    outcome = ImportOutcome()
    seen: dict[str, int] = {}
    pending: list[tuple[int, dict[str, Any]]] = []
    deriver = ChunkDeriver(workers)

    def write(repo: SampleRepository, derived: Derived) -> None:
        chunk, keys = derived
        if outcome.ok:
            repo.insert_prepared(chunk, band_keys=keys)
            outcome.imported += len(chunk)

    def flush(repo: SampleRepository) -> None:
        if not pending:
            return
        existing = repo.existing_ids(v["id"] for _, v in pending)
        for number, values in pending:
            if values["id"] in existing:
                outcome.add_problem(number, f"id {values['id']!r} already exists in the dataset")
                outcome.duplicate_ids.append(values["id"])
        if outcome.ok:
            for derived in deriver.submit([v for _, v in pending]):
                write(repo, derived)
        pending.clear()
        if progress is not None:
            progress(outcome.rows_read)

    try:
        with db.write() as session:
            repo = SampleRepository(session, db.dialect)
            for number, value in rows:
                outcome.rows_read += 1
                if isinstance(value, ParseProblem):
                    outcome.add_problem(number, value.message)
                    continue
                try:
                    values = prepare_new_sample(value, derive=False)
                except SampleValidationError as exc:
                    outcome.add_problem(number, "; ".join(exc.problems))
                    continue
                first = seen.setdefault(values["id"], number)
                if first != number:
                    outcome.add_problem(
                        number, f"id {values['id']!r} repeats the id on line {first}"
                    )
                    outcome.duplicate_ids.append(values["id"])
                    continue
                pending.append((number, values))
                if len(pending) >= chunk_rows:
                    flush(repo)
            flush(repo)
            if outcome.ok:
                for derived in deriver.drain():
                    write(repo, derived)
            if outcome.rows_read == 0:
                outcome.add_problem(0, "no samples found in the input")
            if not outcome.ok:
                raise ImportFailedError(outcome)
    except ImportFailedError:
        outcome.imported = 0
        raise
    finally:
        deriver.close()
    if outcome.imported >= ANALYZE_AFTER_ROWS:
        db.analyze()
    return outcome


def import_file(
    db: Database,
    path: Path,
    *,
    fmt: ImportFormat | None = None,
    progress: ProgressCallback | None = None,
) -> ImportOutcome:
    return import_rows(db, iter_file(path, fmt or detect_format(path.name)), progress=progress)


# -- exporting -------------------------------------------------------------------------------
def _export_record(sample: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: sample.get(name) for name in fields}


def export_cell(value: Any) -> str | None:
    """One value as flat text for a Parquet/CSV column: objects and lists as JSON, None kept."""
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value if isinstance(value, str) else str(value)


def escape_csv_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas; reversible by the CSV importer (see ``iter_csv``)."""
    if isinstance(value, str) and value.startswith((*_FORMULA_TRIGGERS, "'")):
        return "'" + value
    return value


_TIMESTAMP_COLUMNS = ("created_at", "updated_at")


def parquet_schema(fields: Sequence[str]) -> pa.Schema:
    """Text columns, with the timestamps as UTC timestamps; shared by every Parquet writer."""
    timestamp = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [(name, timestamp if name in _TIMESTAMP_COLUMNS else pa.string()) for name in fields]
    )


def _timestamp_text(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else export_cell(value)


def parquet_table(chunk: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """A chunk of sample dicts as an Arrow table of ``schema`` (built through Polars)."""
    frame = pl.DataFrame(
        {
            name: [
                _timestamp_text(row.get(name))
                if name in _TIMESTAMP_COLUMNS
                else export_cell(row.get(name))
                for row in chunk
            ]
            for name in schema.names
        },
        schema={name: pl.String for name in schema.names},
    )
    frame = frame.with_columns(
        pl.col(c).str.to_datetime(time_zone="UTC", time_unit="us")
        for c in _TIMESTAMP_COLUMNS
        if c in schema.names
    )
    return frame.to_arrow().cast(schema)


def iter_export_chunks(
    db: Database, filters: SampleFilters, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[list[dict[str, Any]]]:
    with db.read() as session:
        yield from SampleRepository(session, db.dialect).iter_chunks(filters, chunk_size=chunk_rows)


def stream_jsonl(
    db: Database, filters: SampleFilters, fields: tuple[str, ...] = EXPORT_FIELDS
) -> Iterator[bytes]:
    for chunk in iter_export_chunks(db, filters):
        lines = (json.dumps(_export_record(s, fields), ensure_ascii=False) for s in chunk)
        yield ("\n".join(lines) + "\n").encode("utf-8")


def stream_csv(
    db: Database, filters: SampleFilters, fields: tuple[str, ...] = EXPORT_FIELDS
) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def drain() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(fields)
    yield drain()
    for chunk in iter_export_chunks(db, filters):
        for sample in chunk:
            writer.writerow(
                escape_csv_cell(export_cell(v)) for v in _export_record(sample, fields).values()
            )
        yield drain()


def write_parquet(
    db: Database,
    handle: IO[bytes] | str,
    filters: SampleFilters,
    fields: tuple[str, ...] = EXPORT_FIELDS,
    *,
    progress: ProgressCallback | None = None,
) -> int:
    """Write a ZSTD-compressed Parquet file chunk by chunk; returns the row count."""
    schema = parquet_schema(fields)
    written = 0
    with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
        for chunk in iter_export_chunks(db, filters):
            writer.write_table(parquet_table([_export_record(s, fields) for s in chunk], schema))
            written += len(chunk)
            if progress is not None:
                progress(written)
        if written == 0:
            writer.write_table(schema.empty_table())
    return written


def export_to_path(
    db: Database,
    path: Path,
    fmt: ExportFormat,
    filters: SampleFilters | None = None,
    fields: tuple[str, ...] = EXPORT_FIELDS,
    *,
    progress: ProgressCallback | None = None,
) -> int:
    """Export to ``path`` atomically (temporary file in the same folder, then rename)."""
    if fmt not in EXPORT_FORMATS:
        raise UnsupportedFormatError(
            f"unsupported export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}"
        )
    filters = filters or SampleFilters()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if fmt == "parquet":
                count = write_parquet(db, handle, filters, fields, progress=progress)
            else:
                stream = stream_jsonl if fmt == "jsonl" else stream_csv
                count = 0
                for piece in stream(db, filters, fields):
                    handle.write(piece)
                count = _count_rows(db, filters)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


def _count_rows(db: Database, filters: SampleFilters) -> int:
    with db.read() as session:
        return SampleRepository(session, db.dialect).count(filters)
