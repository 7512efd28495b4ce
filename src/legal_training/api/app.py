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
from legal_training.api.routes import catalog, data, generation, stats, system, transfer
from legal_training.batches.routes import install as install_batches
from legal_training.logging import configure_logging
from legal_training.providers import routes as provider_routes
from legal_training.providers.registry import ProviderRegistry
from legal_training.providers.router import FailoverRouter
from legal_training.publishing import routes as publishing_routes
from legal_training.settings import Settings
from legal_training.simulator.embedded import build_registry_with_simulator
from legal_training.storage.db import Database


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    provider_registry: ProviderRegistry | None = None,
) -> FastAPI:
    """Build the app. ``database`` and ``provider_registry`` let tests inject their own;
    otherwise they are made from ``settings`` (with no provider key, the registry holds the
    built-in simulator)."""
    configure_logging()
    db = database or Database(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db.migrate()
        # Built per start-up (not per app object), so an app that is started again after a
        # shutdown gets fresh provider clients instead of the closed ones.
        registry = provider_registry or build_registry_with_simulator(settings)
        app.state.provider_registry = registry
        app.state.failover_router = FailoverRouter(registry)
        yield
        if provider_registry is None:
            await registry.aclose()
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
    app.include_router(system.info_router, dependencies=guarded)
    for router in (
        data.router,
        transfer.router,
        stats.router,
        catalog.router,
        provider_routes.router,
        generation.router,
        publishing_routes.router,
    ):
        app.include_router(router, dependencies=guarded)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key", "Last-Event-ID"],
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    install_batches(app, auto_resume=settings.auto_resume)
    return app
