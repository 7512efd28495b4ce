"""``legal-training publish``: the dataset, split, with its card, to the Hugging Face Hub."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from legal_training.catalog.fields import SampleFilters
from legal_training.cli.common import (
    console,
    fail,
    open_database,
    row_progress,
    with_filter_options,
)
from legal_training.publishing.export import (
    DATA_FORMATS,
    EmptySelectionError,
    ExportOptions,
    FieldSelectionError,
    normalise_format,
    select_fields,
)
from legal_training.publishing.hub import HubError, PushOptions, push_dataset
from legal_training.publishing.splits import SplitConfig, SplitConfigError
from legal_training.settings import get_settings
from legal_training.storage.io import UnsupportedFormatError


@with_filter_options
def publish_command(
    repo: Annotated[
        str, typer.Argument(help="Dataset repo: 'name' (under your user) or 'org/name'.")
    ],
    filters: SampleFilters,
    private: Annotated[
        bool, typer.Option("--private/--public", help="Visibility, applied to existing repos too.")
    ] = False,
    format: Annotated[
        str, typer.Option("--format", help="parquet, jsonl or csv ('json' = jsonl).")
    ] = "parquet",
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
    settings = get_settings()
    try:
        fmt = normalise_format(format, DATA_FORMATS)
        split = SplitConfig(train=train, validation=validation, test=test, seed=seed)
        fields = select_fields(None)
    except (UnsupportedFormatError, SplitConfigError, FieldSelectionError) as exc:
        raise fail(str(exc), 2) from exc
    token: str | None = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise fail(f"environment variable {token_env} is not set", 2)
    options = PushOptions(
        repo_name=repo,
        format=fmt,
        private=private,
        export=ExportOptions(
            filters=filters, fields=fields, include_simulator=include_simulator, split=split
        ),
    )
    db = open_database(settings)
    try:
        with row_progress(rows=False) as progress:
            task = progress.add_task("Publishing", total=None)
            result = push_dataset(
                db,
                settings,
                options,
                token=token,
                progress=lambda message: progress.update(task, description=message),
            )
    except (HubError, EmptySelectionError) as exc:
        raise fail(str(exc)) from exc
    finally:
        db.dispose()
    splits = ", ".join(f"{k} {v:,}" for k, v in result.counts.get("splits", {}).items())
    console.print(
        f"[green]Published {result.counts.get('total', 0):,} samples[/green] ({splits}) "
        f"to {result.repo_url}\ncommit {result.commit_id}",
        highlight=False,
    )
