"""Exports for publishing: files (Parquet, JSONL, CSV) and ``hf``, a folder ``datasets`` loads.

``hf`` layout (what the Hub's own converter produces, so the Hub viewer and
``datasets.load_dataset(folder)`` both understand it)::

    README.md                               dataset card, YAML front matter declares the splits
    data/train-00000-of-00001.parquet       one file per non-empty split
    data/validation-00000-of-00001.parquet
    data/test-00000-of-00001.parquet

Everything is written into a temporary sibling of the destination and moved into place with one
rename, so a reader (or a crash) never sees a half-written export. Samples made by the built-in
provider simulator are left out unless asked for: they are canned demo text, not training data.
The database is only ever read here.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Protocol

import pyarrow.parquet as pq

from legal_training.catalog.fields import SampleFilters
from legal_training.errors import DomainError
from legal_training.publishing.card import (
    DEFAULT_LICENSE,
    DEFAULT_PRETTY_NAME,
    CardInputs,
    DatasetProfile,
    SplitFile,
    generation_stats,
    render_card,
)
from legal_training.publishing.splits import SplitConfig, plan_splits
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository

SIMULATOR_PROVIDER = "simulator"
EXPORT_FORMATS: tuple[str, ...] = ("parquet", "jsonl", "csv", "hf")
DATA_FORMATS: tuple[str, ...] = ("parquet", "jsonl", "csv")  # formats of the files in a folder
# "json" is accepted as a name for JSON Lines: the files are always one sample per line.
FORMAT_ALIASES: Mapping[str, str] = MappingProxyType({"json": "jsonl"})
SELECTABLE_FIELDS: tuple[str, ...] = sample_io.EXPORT_FIELDS
CARD_FILE = "README.md"
CHUNK_ROWS = 2000
ProgressCallback = Callable[[int], None]


class EmptySelectionError(DomainError, ValueError):
    """No sample matches: there is nothing to publish."""


class FieldSelectionError(DomainError, ValueError):
    """Unknown field names in a field selection."""


def normalise_format(value: str, allowed: Sequence[str] = EXPORT_FORMATS) -> str:
    """The canonical format name; raises ``UnsupportedFormatError`` listing the valid values."""
    name = FORMAT_ALIASES.get(value.strip().lower(), value.strip().lower())
    if name not in allowed:
        aliases = [f"{a} (= {t})" for a, t in FORMAT_ALIASES.items() if t in allowed]
        raise sample_io.UnsupportedFormatError(
            f"unsupported format {value!r}; valid values: {', '.join([*allowed, *aliases])}",
            valid_values=[*allowed, *(a for a, t in FORMAT_ALIASES.items() if t in allowed)],
        )
    return name


def select_fields(fields: Sequence[str] | None) -> tuple[str, ...]:
    """Validated field selection in the order given (``None``/empty = every exported field)."""
    if not fields:
        return SELECTABLE_FIELDS
    wanted = tuple(dict.fromkeys(f.strip() for f in fields if f.strip()))
    unknown = [f for f in wanted if f not in SELECTABLE_FIELDS]
    if unknown or not wanted:
        raise FieldSelectionError(
            f"unknown field(s): {', '.join(unknown) or '(none given)'}; "
            f"valid values: {', '.join(SELECTABLE_FIELDS)}"
        )
    return wanted


def publish_filters(filters: SampleFilters, *, include_simulator: bool) -> SampleFilters:
    """``filters`` plus the exclusion of simulator samples (unless included or asked for)."""
    if include_simulator or filters.provider == SIMULATOR_PROVIDER:
        return filters
    if filters.exclude_provider not in (None, SIMULATOR_PROVIDER):
        raise ValueError("exclude_provider is reserved for leaving out the simulator")
    return replace(filters, exclude_provider=SIMULATOR_PROVIDER)


def filters_dict(filters: SampleFilters) -> dict[str, Any]:
    """The filters that are set (``0`` is a real ``min_quality``, so only ``None`` is unset)."""
    values = {f.name: getattr(filters, f.name) for f in dataclasses.fields(filters)}
    return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how the folder formats describe it."""

    filters: SampleFilters = field(default_factory=SampleFilters)
    fields: tuple[str, ...] = SELECTABLE_FIELDS
    include_simulator: bool = False
    split: SplitConfig = field(default_factory=SplitConfig)
    repo_id: str | None = None
    pretty_name: str = DEFAULT_PRETTY_NAME
    license: str = DEFAULT_LICENSE

    @property
    def effective_filters(self) -> SampleFilters:
        return publish_filters(self.filters, include_simulator=self.include_simulator)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    format: str
    total: int
    splits: dict[str, int] = field(default_factory=dict)
    files: tuple[str, ...] = ()  # relative to ``path`` for folders; the file name otherwise

    def counts(self) -> dict[str, Any]:
        return {"total": self.total, "splits": dict(self.splits)}


# -- one file per split ---------------------------------------------------------------------------
class _SplitWriter(Protocol):
    def write(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def close(self) -> None: ...


class _ParquetWriter:
    def __init__(self, path: Path, fields: tuple[str, ...]) -> None:
        self.schema = sample_io.parquet_schema(fields)
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        self.writer.write_table(sample_io.parquet_table(rows, self.schema))

    def close(self) -> None:
        self.writer.close()


class _JsonlWriter:
    def __init__(self, path: Path, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            record = {name: sample_io.export_cell(row.get(name)) for name in self.fields}
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.handle.close()


class _CsvWriter:
    def __init__(self, path: Path, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(fields)

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.writer.writerow(
                sample_io.escape_csv_cell(sample_io.export_cell(row.get(n))) for n in self.fields
            )

    def close(self) -> None:
        self.handle.close()


_WRITERS: Mapping[str, Callable[[Path, tuple[str, ...]], _SplitWriter]] = MappingProxyType(
    {"parquet": _ParquetWriter, "jsonl": _JsonlWriter, "csv": _CsvWriter}
)


def split_file_name(split: str, data_format: str) -> str:
    return f"data/{split}-00000-of-00001.{data_format}"


def write_dataset_folder(
    db: Database,
    folder: Path,
    options: ExportOptions,
    *,
    data_format: str = "parquet",
    progress: ProgressCallback | None = None,
) -> ExportResult:
    """Write split data files and the dataset card into ``folder`` (a fresh, private folder).

    Raises :class:`EmptySelectionError` when no sample matches. Not atomic by itself: callers
    write into a temporary folder (:func:`export_dataset`, the Hub push).
    """
    data_format = normalise_format(data_format, DATA_FORMATS)
    filters = options.effective_filters
    fields = select_fields(options.fields)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    profile = DatasetProfile()
    writers: dict[str, _SplitWriter] = {}
    rows_per_split: dict[str, int] = {}
    try:
        with db.read() as session:
            plan = plan_splits(session, filters, options.split)
            repo = SampleRepository(session, db.dialect)
            for chunk in repo.iter_chunks(filters, chunk_size=CHUNK_ROWS):
                routed: dict[str, list[dict[str, Any]]] = {}
                for sample in chunk:
                    split = plan.assignments.get(sample["id"])
                    if split is None:  # arrived after the plan was made: next export has it
                        continue
                    routed.setdefault(split, []).append(sample)
                    profile.add(sample)
                for split, rows in routed.items():
                    if split not in writers:
                        path = folder / split_file_name(split, data_format)
                        writers[split] = _WRITERS[data_format](path, fields)
                    writers[split].write(rows)
                    rows_per_split[split] = rows_per_split.get(split, 0) + len(rows)
                if progress is not None:
                    progress(profile.total)
            generation = generation_stats(session, profile.batch_ids)
    finally:
        for writer in writers.values():
            writer.close()
    if profile.total == 0:
        raise EmptySelectionError("nothing to publish: no samples match the filters")
    splits = {name: rows_per_split[name] for name in options.split.names if name in rows_per_split}
    files = [
        SplitFile(s, name, n, (folder / name).stat().st_size)
        for s, n in splits.items()
        for name in [split_file_name(s, data_format)]
    ]
    inputs = CardInputs(
        files=files,
        fields=fields,
        data_format=data_format,
        split_config=options.split,
        filters=filters_dict(options.filters),
        include_simulator=options.include_simulator,
        near_duplicate_groups=plan.near_duplicate_groups,
        near_duplicate_samples=plan.near_duplicate_samples,
        repo_id=options.repo_id,
        pretty_name=options.pretty_name,
        license=options.license,
    )
    card_text = render_card(profile, inputs, generation)
    (folder / CARD_FILE).write_text(card_text, encoding="utf-8")
    return ExportResult(
        path=folder,
        format=data_format,
        total=profile.total,
        splits=splits,
        files=(CARD_FILE, *(f.path for f in files)),
    )


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def _install_folder(staged: Path, output: Path, *, overwrite: bool) -> None:
    """Move ``staged`` to ``output`` with a rename; an existing export is replaced only if asked."""
    if output.exists() and not (output.is_dir() and not any(output.iterdir())):
        if not overwrite:
            raise FileExistsError(f"{output} already exists and is not empty")
        retired = output.with_name(f".{output.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(output, retired)
        os.replace(staged, output)
        if retired.is_dir():
            shutil.rmtree(retired, ignore_errors=True)
        else:
            retired.unlink(missing_ok=True)
        return
    os.replace(staged, output)


def export_dataset(
    db: Database,
    output: Path,
    fmt: str,
    options: ExportOptions | None = None,
    *,
    overwrite: bool = False,
    progress: ProgressCallback | None = None,
) -> ExportResult:
    """Export to ``output``: a file for parquet/jsonl/csv, a folder for ``hf``; atomic either way.

    A non-empty existing ``hf`` folder is replaced only with ``overwrite=True``.
    """
    fmt = normalise_format(fmt)
    options = options or ExportOptions()
    fields = select_fields(options.fields)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt != "hf":
        total = sample_io.export_to_path(
            db,
            output,
            fmt,  # type: ignore[arg-type]
            options.effective_filters,
            fields,
            progress=progress,
        )
        return ExportResult(path=output, format=fmt, total=total, files=(output.name,))
    if output.exists() and not overwrite and not (output.is_dir() and not any(output.iterdir())):
        raise FileExistsError(f"{output} already exists and is not empty")
    staged = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent))
    try:
        result = write_dataset_folder(db, staged, options, data_format="parquet", progress=progress)
        _fsync_tree(staged)
        _install_folder(staged, output, overwrite=overwrite)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staged)
        raise
    return replace(result, path=output, format="hf")
