"""The ``legal-training`` command line: one Typer app, each area registering its own commands."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="legal-training",
    help="Generate, validate, curate and publish synthetic legal Q&A datasets.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _main() -> None:
    """Legal Training Platform."""
