"""``legal-training import``, ``export`` and ``stats``: the dataset in and out of the database."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from legal_training.catalog.fields import SampleFilters
from legal_training.cli.common import (
    console,
    fail,
    open_database,
    out,
    row_progress,
    with_filter_options,
)
from legal_training.publishing.export import (
    EXPORT_FORMATS,
    SIMULATOR_PROVIDER,
    ExportOptions,
    ExportResult,
    export_dataset,
    normalise_format,
)
from legal_training.settings import get_settings
from legal_training.storage import io as sample_io
from legal_training.storage import stats as dataset_stats
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository


def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    format: Annotated[
        str | None, typer.Option(help="jsonl, json, parquet or csv (default: from the suffix).")
    ] = None,
) -> None:
    """Import samples from a file, all or nothing (every bad line is reported)."""
    settings = get_settings()
    try:
        fmt = sample_io.detect_format(f"x.{format}" if format else file.name)
    except sample_io.UnsupportedFormatError as exc:
        raise fail(str(exc), 2) from exc
    db = open_database(settings)
    with row_progress() as progress:
        task = progress.add_task(f"Importing {file.name}", total=None)
        try:
            outcome = sample_io.import_file(
                db, file, fmt=fmt, progress=lambda n: progress.update(task, completed=n)
            )
        except sample_io.ImportFailedError as exc:
            progress.stop()
            console.print(
                "[red]Import rejected; nothing was saved.[/red] "
                f"{exc.outcome.problem_count} problem(s):"
            )
            for problem in exc.outcome.problems[:50]:
                console.print(f"  line {problem.line}: {problem.message}")
            raise typer.Exit(1) from exc
    console.print(f"[green]Imported {outcome.imported:,} samples.[/green]")


@with_filter_options
def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="File (or folder, for hf).")],
    filters: SampleFilters,
    format: Annotated[str, typer.Option(help="parquet, jsonl, csv or hf.")] = "parquet",
    include_simulator: Annotated[
        bool, typer.Option("--include-simulator", help="Keep samples made by the simulator.")
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an hf folder.")] = False,
) -> None:
    """Export samples: Parquet (ZSTD), JSONL, CSV, or an `hf` folder with splits and a card.

    Written atomically; samples made by the built-in simulator are left out unless asked for.
    """
    db = open_database(get_settings())
    options = ExportOptions(filters=filters, include_simulator=include_simulator)
    try:
        run_export(db, output, format, options, overwrite=overwrite)
    except (sample_io.UnsupportedFormatError, FileExistsError, ValueError) as exc:
        raise fail(str(exc), 2) from exc
    left_out = simulator_samples_left_out(db, options)
    if left_out:
        console.print(
            f"[yellow]{left_out:,} sample(s) made by the built-in simulator were left out; "
            "add --include-simulator to export them too.[/yellow]"
        )


def simulator_samples_left_out(db: Database, options: ExportOptions) -> int:
    """How many samples matching the filters an export left out for being simulator-made."""
    if options.include_simulator or options.filters.provider is not None:
        return 0
    with db.read() as session:
        return SampleRepository(session, db.dialect).count(
            replace(options.filters, provider=SIMULATOR_PROVIDER)
        )


def run_export(
    db: Database,
    output: Path,
    fmt: str,
    options: ExportOptions,
    *,
    overwrite: bool = False,
    console: Console = console,
) -> ExportResult:
    """Export with a progress display on ``console``; every format, ``hf`` included."""
    fmt = normalise_format(fmt, EXPORT_FORMATS)
    with row_progress(console) as progress:
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


def stats_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Dataset statistics."""
    db = open_database(get_settings())
    with db.read() as session:
        basic = dataset_stats.basic_stats(session)
        tokens = dataset_stats.token_stats(session)
    if as_json:
        out.print_json(json.dumps({"stats": basic, "tokens": tokens}))
        return
    out.print(
        f"[bold]{basic['total']:,}[/bold] samples, {basic['unique_topics']} topics, "
        f"{tokens['total_tokens']:,} tokens ({tokens['encoding']})"
    )
    for key, label in (
        ("difficulty_distribution", "difficulty"),
        ("jurisdiction_distribution", "jurisdiction"),
        ("sample_type_distribution", "sample_type"),
        ("top_topics", "topic"),
    ):
        table = Table(title=label.replace("_", " ").title())
        table.add_column(label)
        table.add_column("count", justify="right")
        for row in basic[key]:
            table.add_row(str(row[label]), f"{row['count']:,}")
        out.print(table)
