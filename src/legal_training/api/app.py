"""The FastAPI application factory: the one place where the app is wired.

Nothing is created at import time: ``create_app(settings)`` builds the database handle, the
provider registry (at each start-up), the failover router and the batch engine, and mounts every
router, so tests build as many independent apps as they like from explicit settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from legal_training import __version__
from legal_training.api.deps import ApiKeyDep
from legal_training.api.errors import install_error_handlers
from legal_training.api.middleware import BodySizeLimitMiddleware
from legal_training.api.routes import (
    authorities,
    batches,
    catalog,
    data,
    generation,
    metrics,
    providers,
    publishing,
    stats,
    system,
    transfer,
)
from legal_training.batches.engine import BatchEngine
from legal_training.batches.events import InMemoryEventBus
from legal_training.batches.redis_events import RedisEventBus
from legal_training.batches.snapshots import engine_snapshot_source
from legal_training.generation.judge import judge_from_settings
from legal_training.logging import configure_logging
from legal_training.providers.registry import ProviderRegistry
from legal_training.providers.router import FailoverRouter
from legal_training.settings import Settings
from legal_training.simulator.embedded import build_registry_with_simulator
from legal_training.storage.db import Database
from legal_training.web.mount import mount_dashboard

EngineFactory = Callable[[FastAPI], BatchEngine]


def build_event_bus(settings: Settings) -> InMemoryEventBus | RedisEventBus:
    """Redis streams when ``LEGAL_TRAINING_REDIS_URL`` is set, so every API process streams
    every batch (docs/architecture.md, "Events"); otherwise this process's memory."""
    if settings.redis_url is not None:
        return RedisEventBus(settings.redis_url.get_secret_value())
    return InMemoryEventBus()


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    provider_registry: ProviderRegistry | None = None,
    engine_factory: EngineFactory | None = None,
) -> FastAPI:
    """Build the app. ``database``, ``provider_registry`` and ``engine_factory`` let tests inject
    their own; otherwise they are made from ``settings`` (with no provider key, the registry
    holds the built-in simulator)."""
    configure_logging()
    db = database or Database(settings.resolved_database_url)

    def default_engine(app: FastAPI) -> BatchEngine:
        bus = build_event_bus(settings)
        engine = BatchEngine(
            database=app.state.database,
            registry=app.state.provider_registry,
            router=app.state.failover_router,
            bus=bus,
            auto_resume=settings.auto_resume,
            judge=judge_from_settings(settings),
            lease_s=settings.batch_lease_s,
        )
        # A client that falls behind the bounded logs is sent the database's view of the batch.
        bus.set_snapshot_source(engine_snapshot_source(engine))
        return engine

    make_engine = engine_factory or default_engine

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db.migrate()
        # Built per start-up (not per app object), so an app that is started again after a
        # shutdown gets fresh provider clients instead of the closed ones.
        registry = provider_registry or build_registry_with_simulator(settings)
        app.state.provider_registry = registry
        app.state.failover_router = FailoverRouter(registry)
        # The engine starts after migrations (it recovers batches left running) and stops
        # before the registry closes, leaving running batches ``running`` for the next start.
        engine = make_engine(app)
        app.state.batch_engine = engine
        await engine.start()
        try:
            yield
        finally:
            await engine.aclose()
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

    app.include_router(system.router)  # /api/health stays open for probes
    app.include_router(metrics.router)  # /metrics too, for scrapers (see its module)
    for router in (
        system.info_router,
        data.router,
        transfer.router,
        stats.router,
        catalog.router,
        authorities.router,
        providers.router,
        generation.router,
        batches.router,
        publishing.router,
    ):
        app.include_router(router, dependencies=[ApiKeyDep])

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key", "Last-Event-ID"],
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    mount_dashboard(app)  # the web dashboard at /, its assets at /assets
    return app
