"""The ``legal-training`` command line: one Typer app, each area registering its own commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from legal_training.providers.simulator import register as register_simulator
from legal_training.settings import Settings, get_settings
from legal_training.storage import io as sample_io
from legal_training.storage import stats as dataset_stats
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleFilters

app = typer.Typer(
    name="legal-training",
    help="Generate, validate, curate and publish synthetic legal Q&A datasets.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
register_simulator(app)
out = Console()


def _database(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.migrate()
    return db


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 5001).")] = None,
) -> None:
    """Run the HTTP API (docs at /docs)."""
    import uvicorn

    from legal_training.api.app import create_app

    settings = get_settings()
    bind_host = host or settings.host
    bind_port = port or settings.port
    console.print(f"Serving on http://{bind_host}:{bind_port} (docs at /docs)")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="info")


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console,
    )


@app.command("import")
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
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    db = _database(settings)
    with _progress() as progress:
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


@app.command("export")
def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    format: Annotated[str, typer.Option(help="parquet, jsonl or csv.")] = "parquet",
    topic: Annotated[str | None, typer.Option()] = None,
    difficulty: Annotated[str | None, typer.Option()] = None,
    jurisdiction: Annotated[str | None, typer.Option()] = None,
    sample_type: Annotated[str | None, typer.Option()] = None,
    batch_id: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Export samples (Parquet with ZSTD, JSONL or CSV); written atomically."""
    if format not in sample_io.EXPORT_FORMATS:
        console.print(
            f"[red]error:[/red] unsupported format {format!r}; use one of: "
            f"{', '.join(sample_io.EXPORT_FORMATS)}"
        )
        raise typer.Exit(2)
    db = _database(get_settings())
    filters = SampleFilters(
        topic=topic,
        difficulty=difficulty,
        jurisdiction=jurisdiction,
        sample_type=sample_type,
        batch_id=batch_id,
    )
    with _progress() as progress:
        task = progress.add_task(f"Exporting {format}", total=None)
        count = sample_io.export_to_path(
            db,
            output,
            format,  # type: ignore[arg-type]
            filters,
            progress=lambda n: progress.update(task, completed=n),
        )
    console.print(f"[green]Exported {count:,} samples to {output}.[/green]")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Dataset statistics."""
    db = _database(get_settings())
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
