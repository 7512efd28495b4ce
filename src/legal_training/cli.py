"""The ``legal-training`` command line: one Typer app, each area registering its own commands."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from legal_training.batches.commands import register as register_batches
from legal_training.catalog import CatalogError
from legal_training.generation.pipeline import (
    GenerationOutcome,
    GenerationSpec,
    generate_one,
    resolve_spec,
)
from legal_training.logging import configure_logging
from legal_training.providers.commands import register as register_providers
from legal_training.providers.router import FailoverRouter
from legal_training.publishing.commands import register as register_publishing
from legal_training.publishing.commands import run_export
from legal_training.publishing.export import ExportOptions
from legal_training.settings import Settings, get_settings
from legal_training.simulator import register as register_simulator
from legal_training.simulator.embedded import build_registry_with_simulator
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
out = Console()


@app.callback()
def _main() -> None:
    """Generate, validate, curate and publish synthetic legal Q&A datasets."""
    configure_logging()


register_simulator(app)
register_providers(app)
register_batches(app)
register_publishing(app)


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
    output: Annotated[Path, typer.Option("--output", "-o", help="File (or folder, for hf).")],
    format: Annotated[str, typer.Option(help="parquet, jsonl, csv or hf.")] = "parquet",
    topic: Annotated[str | None, typer.Option()] = None,
    difficulty: Annotated[str | None, typer.Option()] = None,
    jurisdiction: Annotated[str | None, typer.Option()] = None,
    sample_type: Annotated[str | None, typer.Option()] = None,
    batch_id: Annotated[str | None, typer.Option()] = None,
    min_quality: Annotated[float | None, typer.Option(help="Minimum quality score.")] = None,
    include_simulator: Annotated[
        bool, typer.Option("--include-simulator", help="Keep samples made by the simulator.")
    ] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an hf folder.")] = False,
) -> None:
    """Export samples: Parquet (ZSTD), JSONL, CSV, or an `hf` folder with splits and a card.

    Written atomically; samples made by the built-in simulator are left out unless asked for.
    """
    db = _database(get_settings())
    filters = SampleFilters(
        topic=topic,
        difficulty=difficulty,
        jurisdiction=jurisdiction,
        sample_type=sample_type,
        batch_id=batch_id,
        min_quality=min_quality,
    )
    options = ExportOptions(filters=filters, include_simulator=include_simulator)
    try:
        run_export(db, output, format, options, overwrite=overwrite, console=console)
    except (sample_io.UnsupportedFormatError, FileExistsError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command("generate-one")
def generate_one_command(
    topic: Annotated[
        str | None, typer.Option(help="'Practice Area - Topic' or a topic name.")
    ] = None,
    difficulty: Annotated[str | None, typer.Option(help="basic ... expert.")] = None,
    sample_type: Annotated[str, typer.Option(help="A sample type or 'balance'.")] = "case_analysis",
    provider: Annotated[str, typer.Option(help="A provider id or 'auto'.")] = "auto",
    model: Annotated[str | None, typer.Option()] = None,
    jurisdiction: Annotated[str | None, typer.Option()] = None,
    save: Annotated[bool, typer.Option("--save", help="Store the sample if accepted.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Generate one sample and print it with its quality report."""
    settings = get_settings()
    try:
        spec = resolve_spec(
            topic=topic,
            difficulty=difficulty,
            sample_type=sample_type,
            jurisdiction=jurisdiction,
            provider=provider,
            model=model,
        )
    except CatalogError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    db = _database(settings)
    outcome = asyncio.run(_generate_one(settings, db, spec, save=save))
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "success": outcome.success,
                    "sample": outcome.sample,
                    "quality": outcome.quality.as_dict() if outcome.quality else None,
                    "error": outcome.error,
                    "provider": outcome.provider,
                    "model": outcome.model,
                    "tokens_used": outcome.tokens_used,
                }
            )
        )
    else:
        _print_outcome(outcome)
    if not outcome.success:
        raise typer.Exit(1)


async def _generate_one(
    settings: Settings, db: Database, spec: GenerationSpec, *, save: bool
) -> GenerationOutcome:
    registry = build_registry_with_simulator(settings)
    try:
        return await generate_one(spec, router=FailoverRouter(registry), db=db, save=save)
    finally:
        await registry.aclose()


def _print_outcome(outcome: GenerationOutcome) -> None:
    if outcome.sample is not None:
        sample = outcome.sample
        out.print(
            f"[bold]{sample['topic']}[/bold] · {sample['difficulty']} · "
            f"{sample['sample_type']} · {outcome.provider}/{outcome.model}"
        )
        for name in ("question", "answer", "case_citation", "reasoning"):
            out.rule(name)
            out.print(str(sample[name]))
    if outcome.quality is not None:
        table = Table(title=f"Quality {outcome.quality.score:.0f}/100")
        table.add_column("check")
        table.add_column("result")
        for check in outcome.quality.checks:
            table.add_row(
                check.name,
                "[green]pass[/green]" if check.passed else f"[red]fail[/red] {check.reason}",
            )
        out.print(table)
    state = "[green]accepted[/green]" if outcome.success else "[red]rejected[/red]"
    out.print(f"{state} · {outcome.tokens_used:,} tokens · {outcome.elapsed_s:.1f} s")
    if outcome.error and outcome.quality is None:
        console.print(f"[red]error:[/red] {outcome.error}")


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
