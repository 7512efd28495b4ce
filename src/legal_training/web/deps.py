"""What the dashboard's pages ask for, read from the objects the app factory put on
``app.state``. The dashboard is an edge beside the API, not a client of its modules: it reads
the same state, so it never imports ``legal_training.api`` (the API imports the dashboard's
session check and mounts it, so an import the other way would close a cycle)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from legal_training.batches.engine import BatchEngine
from legal_training.providers.registry import ProviderRegistry
from legal_training.settings import Settings
from legal_training.storage.db import Database


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _registry(request: Request) -> ProviderRegistry:
    registry: ProviderRegistry = request.app.state.provider_registry
    return registry


def _engine(request: Request) -> BatchEngine:
    engine: BatchEngine = request.app.state.batch_engine
    return engine


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
ProviderRegistryDep = Annotated[ProviderRegistry, Depends(_registry)]
EngineDep = Annotated[BatchEngine, Depends(_engine)]
