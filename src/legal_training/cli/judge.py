"""``legal-training judge``: score stored samples that were never judged or kept unjudged
(see :mod:`legal_training.generation.rejudge`)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from legal_training.cli.common import console, fail, open_database, out
from legal_training.generation.judge import JudgeConfig, judge_from_settings
from legal_training.generation.rejudge import RejudgeSummary, rejudge_samples
from legal_training.providers.router import FailoverRouter
from legal_training.settings import get_settings
from legal_training.simulator.embedded import build_registry_with_simulator


def judge_command(
    batch_id: Annotated[str | None, typer.Option(help="Judge the samples of this batch.")] = None,
    all_samples: Annotated[bool, typer.Option("--all", help="Judge every stored sample.")] = False,
    provider: Annotated[
        str | None, typer.Option(help="Judge provider (default: LEGAL_TRAINING_JUDGE_PROVIDER).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Judge model (default: LEGAL_TRAINING_JUDGE_MODEL).")
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Judge samples that already have scores too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Judge stored samples that have no judge scores yet and record the scores on each."""
    if (batch_id is None) == (not all_samples):
        raise fail("give --batch-id ID or --all", 2)
    settings = get_settings()
    base = judge_from_settings(settings) or JudgeConfig()
    config = JudgeConfig(provider=provider or base.provider, model=model or base.model)
    summary = asyncio.run(_run(config, batch_id, again))
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    out.print(
        f"{summary.considered} samples considered: {summary.judged} judged, "
        f"{summary.unjudged} still unjudged, {summary.tokens:,} judge tokens"
    )
    if summary.considered == 0:
        console.print("no samples matched")


async def _run(config: JudgeConfig, batch_id: str | None, again: bool) -> RejudgeSummary:
    settings = get_settings()
    db = open_database(settings)
    registry = build_registry_with_simulator(settings)
    try:
        return await rejudge_samples(
            db, config, router=FailoverRouter(registry), batch_id=batch_id, again=again
        )
    finally:
        await registry.aclose()
        db.dispose()
