"""The FastAPI application factory.

Nothing is created at import time: ``create_app(settings)`` builds the database handle and wires
routers, so tests build as many independent apps as they like from explicit settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from legal_training import __version__
from legal_training.api.deps import require_api_key
from legal_training.api.errors import install_error_handlers
from legal_training.api.middleware import BodySizeLimitMiddleware
from legal_training.api.routes import catalog, data, stats, system, transfer
from legal_training.logging import configure_logging
from legal_training.settings import Settings
from legal_training.storage.db import Database


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the app. ``database`` lets tests share one handle; otherwise one is made."""
    configure_logging()
    db = database or Database(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db.migrate()
        yield
        if database is None:
            db.dispose()

    app = FastAPI(
        title="Legal Training Platform",
        version=__version__,
        description="Generate, validate, curate and publish synthetic legal Q&A datasets.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = db
    install_error_handlers(app)

    guarded = [Depends(require_api_key)]
    app.include_router(system.router)  # /api/health stays open for probes
    for module in (system, data, transfer, stats, catalog):
        router = module.info_router if module is system else module.router
        app.include_router(router, dependencies=guarded)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key", "Last-Event-ID"],
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app
