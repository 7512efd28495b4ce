"""``legal-training serve``: the dashboard and the HTTP API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from legal_training.cli.common import console
from legal_training.settings import get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 5001).")] = None,
) -> None:
    """Run the dashboard (at /) and the HTTP API (under /api, docs at /docs)."""
    import uvicorn

    from legal_training.api.app import create_app

    settings = get_settings()
    bind_host = host or settings.host
    bind_port = port or settings.port
    console.print(f"Dashboard on http://{bind_host}:{bind_port}/ (API under /api, docs at /docs)")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="info")
