"""Import and export routes: JSONL text, uploaded files and streamed exports."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from legal_training.api.deps import DatabaseDep, FiltersDep, SettingsDep
from legal_training.api.errors import BadRequest
from legal_training.api.schemas.samples import ImportResponse, JsonlImportRequest
from legal_training.publishing.export import publish_filters
from legal_training.storage import io as sample_io
from legal_training.storage.samples import SampleRepository

router = APIRouter(prefix="/api", tags=["import-export"])


def _total(db: DatabaseDep) -> int:
    with db.read() as session:
        return SampleRepository(session, db.dialect).count()


@router.post("/import/jsonl", response_model=ImportResponse)
def import_jsonl(body: JsonlImportRequest, db: DatabaseDep) -> dict[str, Any]:
    """Bulk import: JSON Lines in ``content``, all or nothing."""
    if not body.content.strip():
        raise BadRequest("content is empty: send JSON Lines, one sample per line")
    outcome = sample_io.import_rows(db, sample_io.iter_jsonl(body.content.splitlines()))
    return {
        "message": f"imported {outcome.imported} samples",
        "imported": outcome.imported,
        "total_samples": _total(db),
    }


@router.post("/import", response_model=ImportResponse)
def import_upload(file: UploadFile, db: DatabaseDep, settings: SettingsDep) -> dict[str, Any]:
    """Upload a .jsonl, .json, .parquet or .csv file; all or nothing."""
    fmt = sample_io.detect_format(file.filename or "")
    work_dir = settings.data_dir / "tmp"
    work_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=f".{fmt}", dir=work_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(file.file, handle, length=1024 * 1024)
        if path.stat().st_size == 0:
            raise BadRequest("the uploaded file is empty")
        try:
            outcome = sample_io.import_file(db, path, fmt=fmt)
        except (OSError, ValueError) as exc:
            if isinstance(exc, sample_io.ImportFailedError):
                raise
            raise BadRequest(f"could not read the file as {fmt}: {type(exc).__name__}") from exc
        except Exception as exc:  # polars/pyarrow raise their own types for corrupt files
            raise BadRequest(f"could not read the file as {fmt}: {type(exc).__name__}") from exc
    finally:
        path.unlink(missing_ok=True)
    return {
        "message": f"imported {outcome.imported} samples from {file.filename}",
        "imported": outcome.imported,
        "total_samples": _total(db),
    }


_EXPORT_TYPES = ("application/vnd.apache.parquet", "application/x-ndjson", "text/csv")


@router.get(
    "/export",
    response_model=None,
    response_class=Response,
    responses={
        200: {
            "content": {media_type: {} for media_type in _EXPORT_TYPES},
            "description": "The samples in the chosen format, as a download",
        }
    },
)
def export_samples(
    db: DatabaseDep,
    settings: SettingsDep,
    filters: FiltersDep,
    format: Annotated[str, Query(description="parquet, jsonl or csv")] = "parquet",
    include_simulator: Annotated[
        bool, Query(description="Also export samples made by the built-in simulator.")
    ] = False,
) -> StreamingResponse | FileResponse:
    """The dataset (or a filtered part) as a download, streamed; Parquet uses ZSTD. Simulator
    samples are left out unless asked for (or filtered for), as in publishing."""
    filters = publish_filters(filters, include_simulator=include_simulator)
    if format not in sample_io.EXPORT_FORMATS:
        raise BadRequest(
            f"unsupported export format {format!r}; valid values: "
            f"{', '.join(sample_io.EXPORT_FORMATS)}"
        )
    if format == "parquet":
        work_dir = settings.data_dir / "tmp"
        work_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="export-", suffix=".parquet", dir=work_dir)
        os.close(fd)
        path = Path(name)
        try:
            sample_io.write_parquet(db, str(path), filters)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return FileResponse(
            path,
            media_type="application/vnd.apache.parquet",
            filename="legal_training.parquet",
            background=BackgroundTask(path.unlink, missing_ok=True),
        )
    if format == "jsonl":
        return StreamingResponse(
            sample_io.stream_jsonl(db, filters),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="legal_training.jsonl"'},
        )
    return StreamingResponse(
        sample_io.stream_csv(db, filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="legal_training.csv"'},
    )
