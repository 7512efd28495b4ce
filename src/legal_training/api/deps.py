"""Named dependencies: settings, database, the API-key guard."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from legal_training.api.errors import Unauthorized
from legal_training.settings import Settings
from legal_training.storage.db import Database


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


def require_api_key(request: Request, settings: SettingsDep) -> None:
    """When ``LEGAL_TRAINING_API_KEY`` is set, demand it (constant-time comparison)."""
    if settings.api_key is None:
        return
    presented = _presented_key(request)
    expected = settings.api_key.get_secret_value()
    if presented is None or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Unauthorized(
            "missing or wrong API key: send 'Authorization: Bearer <LEGAL_TRAINING_API_KEY>'"
        )


ApiKeyDep = Depends(require_api_key)
