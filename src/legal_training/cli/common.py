"""What every command shares: the consoles, opening the database, failing with a message."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from legal_training.catalog import CatalogError
from legal_training.catalog.fields import PUBLIC_FILTERS, FilterError, SampleFilters
from legal_training.settings import Settings
from legal_training.storage.db import Database

# Progress, errors and logs go to stderr so that ``--json`` output on stdout stays clean.
console = Console(stderr=True)
out = Console()


def open_database(settings: Settings) -> Database:
    """The configured database, created and migrated on first use."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.migrate()
    return db


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise (``raise fail(...)``)."""
    console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    return typer.Exit(code)


class RowRateColumn(ProgressColumn):
    """Rows per second over rich's recent window, so a long import shows its current pace."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s")


def row_progress(on: Console = console, *, rows: bool = True) -> Progress:
    """A spinner with elapsed time and, for streamed data, the rows done so far and rows/s."""
    columns: list[ProgressColumn] = [
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
    ]
    if rows:
        columns.append(TextColumn("{task.completed:,} rows"))
        columns.append(RowRateColumn())
    return Progress(*columns, TimeElapsedColumn(), console=on)


def with_filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` one ``--<filter>`` option per public filter, passed in as ``filters``.

    The options come from the one filter definition, so ``export`` and ``publish`` offer exactly
    the filters the API does. Bad values (an unknown difficulty, say) exit with code 2.
    """
    signature = inspect.signature(command, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != "filters"]
    options = [
        inspect.Parameter(
            spec.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[spec.type | None, typer.Option(help=spec.description)],
        )
        for spec in PUBLIC_FILTERS
    ]
    names = {spec.name for spec in PUBLIC_FILTERS}

    @functools.wraps(command)
    def wrapper(**values: Any) -> None:
        chosen = {name: values.pop(name) for name in names}
        try:
            filters = SampleFilters.build(**chosen)
        except (FilterError, CatalogError) as exc:
            raise fail(str(exc), 2) from exc
        command(filters=filters, **values)

    wrapper.__signature__ = signature.replace(parameters=[*kept, *options])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in (*kept, *options)}
    return wrapper
