"""One JSON error shape for every failure, rendered by one handler per kind of exception.

Every package raises its own :class:`~legal_training.errors.DomainError` subclass, which carries
its status, code and details; routes raise the ``ApiError`` subclasses below only for what the
packages never see. Framework errors (validation, unknown routes) map onto the same shape.

Shape (pinned by tests/api/test_error_shape.py)::

    {"success": false, "error": "<human message>", "code": "<stable_code>", "details": <any>}

``error`` is always a plain human-readable string, so the simplest client can show it.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from legal_training.errors import DomainError

logger = structlog.get_logger(__name__)


class ApiError(DomainError):
    """An error raised by a route itself (a parameter the packages never see, say)."""

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.details = details

    def error_details(self) -> Any:
        return self.details


class BadRequest(ApiError):
    status = 400
    code = "bad_request"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class ServiceUnavailable(ApiError):
    status = 503
    code = "service_unavailable"


class ProviderFailure(ApiError):
    """The provider call behind a request failed (after retries and failover)."""

    status = 502
    code = "provider_error"


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "error": message, "code": code}
    if details is not None:
        body["details"] = details
    return body


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, details), status_code=status)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        location = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        details.append({"field": location, "message": err.get("msg", "invalid value")})
    return details


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception the packages raise to the single error shape and the right status."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.error_status(), exc.error_code(), str(exc), exc.error_details())

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        summary = "; ".join(f"{d['field'] or 'body'}: {d['message']}" for d in details[:5])
        return error_response(422, "validation_error", f"invalid request: {summary}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message)

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses NUL characters in text (SQLite stores them): that is the client's
        # input, not a server fault. Any other data error stays a 500.
        if "NUL (0x00)" in str(exc.orig):
            return error_response(
                400, "invalid_text", "text must not contain NUL (\\x00) characters"
            )
        logger.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return error_response(500, "internal_error", "internal server error")

    @app.exception_handler(UnicodeEncodeError)
    async def _unencodable(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        # Lone surrogates ("\\ud800" escapes in a JSON body) cannot be encoded for the database.
        if "surrogates not allowed" in str(exc):
            return error_response(
                400, "invalid_text", "text must be valid Unicode (no lone surrogates)"
            )
        logger.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return error_response(500, "internal_error", "internal server error")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the type and route only: exception text can carry provider error bodies.
        logger.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return error_response(500, "internal_error", "internal server error")
