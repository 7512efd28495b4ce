"""``legal-training generate`` and ``generate-one``: batches and single samples, in this process.

``generate`` runs a batch with a live display.

The command owns its own :class:`BatchEngine` (no auto-resume of other batches: a CLI run must
not adopt batches a server left behind) and follows the batch through the event bus. Ctrl-C
stops the batch (status ``stopped``; continue it with ``--resume ID``).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.live import Live
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from legal_training.batches.engine import BatchEngine, BatchStateError
from legal_training.batches.events import (
    ErrorEvent,
    InMemoryEventBus,
    ProgressEvent,
    SnapshotEvent,
    StatusEvent,
)
from legal_training.batches.params import BatchRequest, BatchValidationError
from legal_training.batches.snapshots import engine_snapshot_source
from legal_training.catalog import CatalogError
from legal_training.cli.common import console, fail, open_database, out
from legal_training.generation.judge import judge_from_settings
from legal_training.generation.pipeline import (
    GenerationOutcome,
    GenerationSpec,
    generate_one,
    resolve_spec,
)
from legal_training.generation.verification import (
    DEFAULT_CITATION_POLICY,
    CitationPolicy,
)
from legal_training.generation.verification import citation_policy as parse_citation_policy
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings, get_settings
from legal_training.simulator.embedded import build_registry_with_simulator
from legal_training.storage.db import Database

_CITATION_POLICY_HELP = (
    "What the authority check rejects: standard (a misattributed authority, or none the "
    "index knows), verified_only (any authority it does not know) or plausible (only "
    "impossible citations)."
)


def _view(state: dict[str, Any], progress: Progress) -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_row("accepted", f"{state['accepted']}/{state['total']}")
    table.add_row("rejected", str(state["rejected"]))
    for reason, n in state["reasons"].most_common(6):
        table.add_row(f"  {reason}", str(n))
    table.add_row("tokens", f"{state['tokens']:,}")
    rate = state.get("rate")
    table.add_row("rate", f"{rate:.1f} samples/min" if rate else "-")
    eta = state.get("eta")
    table.add_row("eta", f"{eta:.0f} s" if eta is not None else "-")
    table.add_row("provider", f"{state.get('provider') or '-'} / {state.get('model') or '-'}")
    return Group(progress, table)


async def _run(request: BatchRequest | None, resume_id: str | None) -> int:
    settings = get_settings()
    db = open_database(settings)
    registry = build_registry_with_simulator(settings)
    bus = InMemoryEventBus()
    engine = BatchEngine(
        database=db,
        registry=registry,
        bus=bus,
        auto_resume=False,
        judge=judge_from_settings(settings),
    )
    bus.set_snapshot_source(engine_snapshot_source(engine))
    try:
        if resume_id is not None:
            info = await engine.resume(resume_id)
            batch_id, total = resume_id, int(info["total"])
        else:
            assert request is not None
            created = await engine.create(request)
            batch_id, total = created["batch_id"], int(created["count"])
        console.print(f"batch [bold]{batch_id}[/bold]: {total} samples")
        state: dict[str, Any] = {
            "accepted": 0,
            "total": total,
            "rejected": 0,
            "reasons": Counter[str](),
            "tokens": 0,
        }
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=console
        )
        task = progress.add_task("generating", total=total)
        final = "running"
        with Live(_view(state, progress), console=console, refresh_per_second=4) as live:
            try:
                async for envelope in engine.bus.subscribe(batch_id, 0):
                    event = envelope.event
                    if isinstance(event, ProgressEvent):
                        state.update(
                            accepted=event.samples_generated,
                            rejected=event.samples_rejected,
                            tokens=event.tokens_used,
                            rate=event.rate_per_minute,
                            eta=event.eta_seconds,
                            provider=event.provider,
                            model=event.model,
                        )
                    elif isinstance(event, ErrorEvent) and event.category == "quality":
                        for reason in event.reasons:
                            state["reasons"][reason] += 1
                    elif isinstance(event, StatusEvent | SnapshotEvent):
                        state["accepted"] = event.samples_generated
                        if event.terminal:
                            final = event.status
                    progress.update(task, completed=state["accepted"])
                    live.update(_view(state, progress))
                    if final != "running":
                        break
            except (KeyboardInterrupt, asyncio.CancelledError):
                await engine.stop(batch_id)
                final = "stopped"
        await engine.wait(batch_id)
        status = engine.status(batch_id)
        console.print(
            f"[bold]{status['status']}[/bold]: {status['samples_generated']}/{status['total']} "
            f"accepted, {status['samples_rejected']} rejected, {status['tokens_used']:,} tokens"
            + (f" ({status['stop_reason']})" if status.get("stop_reason") else "")
        )
        return 0 if status["status"] == "completed" else 1
    finally:
        await engine.aclose()
        await registry.aclose()
        db.dispose()


def generate_command(
    count: Annotated[int | None, typer.Option(help="New accepted samples wanted.")] = None,
    provider: Annotated[str, typer.Option(help="Provider id or 'auto'.")] = "auto",
    model: Annotated[str | None, typer.Option()] = None,
    topic: Annotated[
        list[str] | None, typer.Option(help="'Practice Area - Topic' (repeatable).")
    ] = None,
    difficulty: Annotated[str | None, typer.Option()] = None,
    sample_type: Annotated[str, typer.Option(help="A sample type or 'balance'.")] = "case_analysis",
    jurisdiction: Annotated[str | None, typer.Option()] = None,
    quality_mode: Annotated[str, typer.Option(help="strict or lenient.")] = "strict",
    citation_policy: Annotated[
        str, typer.Option(help=_CITATION_POLICY_HELP)
    ] = DEFAULT_CITATION_POLICY,
    max_tokens_total: Annotated[int | None, typer.Option(help="Token cap.")] = None,
    resume: Annotated[str | None, typer.Option(help="Continue this batch id.")] = None,
) -> None:
    """Run a batch in this process with a live display (Ctrl-C stops it)."""
    if resume is None and count is None:
        console.print("[red]error:[/red] give --count N (or --resume ID)")
        raise typer.Exit(2)
    request = (
        None
        if resume
        else BatchRequest(
            count=count,
            provider=provider,
            model=model,
            topics=topic or None,
            difficulty=difficulty,
            sample_type=sample_type,
            jurisdiction=jurisdiction,
            quality_mode=quality_mode,
            max_tokens_total=max_tokens_total,
            citation_policy=citation_policy,
        )
    )
    try:
        code = asyncio.run(_run(request, resume))
    except (BatchValidationError, CatalogError, BatchStateError, LookupError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    raise typer.Exit(code)


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
    citation_policy: Annotated[
        str, typer.Option(help=_CITATION_POLICY_HELP)
    ] = DEFAULT_CITATION_POLICY,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Generate one sample and print it with its quality report."""
    settings = get_settings()
    try:
        policy = parse_citation_policy(citation_policy)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
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
        raise fail(str(exc), 2) from exc
    db = open_database(settings)
    outcome = asyncio.run(_generate_one(settings, db, spec, save=save, policy=policy))
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
    settings: Settings, db: Database, spec: GenerationSpec, *, save: bool, policy: CitationPolicy
) -> GenerationOutcome:
    registry = build_registry_with_simulator(settings)
    try:
        return await generate_one(
            spec, router=FailoverRouter(registry), db=db, save=save, citation_policy=policy
        )
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
