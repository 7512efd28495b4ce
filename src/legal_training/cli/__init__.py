"""The ``legal-training`` command line: one Typer app, one module per area.

``serve`` (the API), ``import``/``export``/``stats`` (:mod:`.data`), ``generate``/
``generate-one`` (:mod:`.generate`), ``providers`` (:mod:`.providers`), ``publish``
(:mod:`.publish`), ``simulate`` (:mod:`.simulate`, a local fake provider) and ``check``/
``verify`` (:mod:`.verify`, the authority check on a file or on the stored dataset).
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from legal_training.cli import (
    data,
    generate,
    judge,
    providers,
    publish,
    serve,
    simulate,
    verify,
)
from legal_training.logging import configure_logging

app = typer.Typer(
    name="legal-training",
    help="Generate, validate, curate and publish synthetic legal Q&A datasets.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also log progress details (to stderr).")
    ] = False,
) -> None:
    """Generate, validate, curate and publish synthetic legal Q&A datasets."""
    # Quiet by default, so log lines do not interleave with live displays; `serve` logs at
    # info level whatever this says (its app factory configures logging again).
    configure_logging(logging.INFO if verbose else logging.WARNING)


app.command("serve")(serve.serve)
app.command("import")(data.import_command)
app.command("export")(data.export_command)
app.command("stats")(data.stats_command)
app.command("generate-one")(generate.generate_one_command)
app.command("generate")(generate.generate_command)
app.command("providers")(providers.providers_command)
app.command("publish")(publish.publish_command)
app.command("simulate")(simulate.simulate)
app.command("check")(verify.check_command)
app.command("verify")(verify.verify_command)
app.command("judge")(judge.judge_command)

__all__ = ["app"]
