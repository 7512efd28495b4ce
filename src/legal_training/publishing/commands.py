"""``legal-training publish`` and the export helper behind ``legal-training export --format hf``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from legal_training.publishing.export import (
    EXPORT_FORMATS,
    EmptySelectionError,
    ExportOptions,
    ExportResult,
    FieldSelectionError,
    export_dataset,
    normalise_format,
    select_fields,
)
from legal_training.publishing.hub import HubError, PushOptions, push_dataset
from legal_training.publishing.splits import SplitConfig, SplitConfigError
from legal_training.settings import Settings, get_settings
from legal_training.storage.db import Database
from legal_training.storage.io import UnsupportedFormatError
from legal_training.storage.samples import SampleFilters


def register(app: typer.Typer) -> None:
    """Add ``publish`` to the main CLI."""
    app.command("publish")(publish_command)


def _progress(console: Console, *, rows: bool = True) -> Progress:
    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}")]
    if rows:
        columns.append(TextColumn("{task.completed:,} rows"))
    return Progress(*columns, TimeElapsedColumn(), console=console)


def _database(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.migrate()
    return db


def _fail(console: Console, message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def run_export(
    db: Database,
    output: Path,
    fmt: str,
    options: ExportOptions,
    *,
    overwrite: bool = False,
    console: Console | None = None,
) -> ExportResult:
    """Export with a progress display; every format, ``hf`` included. For the ``export`` command."""
    console = console or Console(stderr=True)
    fmt = normalise_format(fmt, EXPORT_FORMATS)
    with _progress(console) as progress:
        task = progress.add_task(f"Exporting {fmt}", total=None)
        result = export_dataset(
            db,
            output,
            fmt,
            options,
            overwrite=overwrite,
            progress=lambda n: progress.update(task, completed=n),
        )
    splits = ", ".join(f"{k} {v:,}" for k, v in result.splits.items())
    console.print(
        f"[green]Exported {result.total:,} samples to {output}[/green]"
        + (f" ({splits})" if splits else "")
    )
    return result


def _split_config(train: float, validation: float, test: float, seed: int) -> SplitConfig:
    return SplitConfig(train=train, validation=validation, test=test, seed=seed)


def publish_command(
    repo: Annotated[
        str, typer.Argument(help="Dataset repo: 'name' (under your user) or 'org/name'.")
    ],
    private: Annotated[
        bool, typer.Option("--private/--public", help="Visibility, applied to existing repos too.")
    ] = False,
    format: Annotated[
        str, typer.Option("--format", help="parquet, jsonl or csv ('json' = jsonl).")
    ] = "parquet",
    topic: Annotated[str | None, typer.Option()] = None,
    difficulty: Annotated[str | None, typer.Option()] = None,
    jurisdiction: Annotated[str | None, typer.Option()] = None,
    sample_type: Annotated[str | None, typer.Option()] = None,
    practice_area: Annotated[str | None, typer.Option()] = None,
    batch_id: Annotated[str | None, typer.Option()] = None,
    min_quality: Annotated[
        float | None, typer.Option(help="Minimum quality score (0-100).")
    ] = None,
    include_simulator: Annotated[
        bool, typer.Option("--include-simulator", help="Also publish simulator samples.")
    ] = False,
    token_env: Annotated[
        str | None,
        typer.Option(
            "--token-env",
            help="Environment variable holding the token (default: HF_TOKEN, HUGGINGFACE_TOKEN).",
        ),
    ] = None,
    train: Annotated[float, typer.Option(help="Train share.")] = 0.8,
    validation: Annotated[float, typer.Option(help="Validation share.")] = 0.1,
    test: Annotated[float, typer.Option(help="Test share.")] = 0.1,
    seed: Annotated[int, typer.Option(help="Seed of the deterministic split.")] = 42,
) -> None:
    """Publish the dataset (data per split + dataset card, one commit) to the Hugging Face Hub."""
    console = Console(stderr=True)
    settings = get_settings()
    try:
        fmt = normalise_format(format, ("parquet", "jsonl", "csv"))
        split = _split_config(train, validation, test, seed)
        fields = select_fields(None)
    except (UnsupportedFormatError, SplitConfigError, FieldSelectionError) as exc:
        raise _fail(console, str(exc), 2) from exc
    token: str | None = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise _fail(console, f"environment variable {token_env} is not set", 2)
    filters = SampleFilters(
        topic=topic,
        difficulty=difficulty,
        jurisdiction=jurisdiction,
        sample_type=sample_type,
        practice_area=practice_area,
        batch_id=batch_id,
        min_quality=min_quality,
    )
    options = PushOptions(
        repo_name=repo,
        format=fmt,
        private=private,
        export=ExportOptions(
            filters=filters, fields=fields, include_simulator=include_simulator, split=split
        ),
    )
    db = _database(settings)
    try:
        with _progress(console, rows=False) as progress:
            task = progress.add_task("Publishing", total=None)
            result = push_dataset(
                db,
                settings,
                options,
                token=token,
                progress=lambda message: progress.update(task, description=message),
            )
    except (HubError, EmptySelectionError) as exc:
        raise _fail(console, str(exc)) from exc
    finally:
        db.dispose()
    splits = ", ".join(f"{k} {v:,}" for k, v in result.counts.get("splits", {}).items())
    console.print(
        f"[green]Published {result.counts.get('total', 0):,} samples[/green] ({splits}) "
        f"to {result.repo_url}\ncommit {result.commit_id}",
        highlight=False,
    )
