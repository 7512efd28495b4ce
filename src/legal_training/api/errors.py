"""One JSON error shape for every failure, and the exceptions that carry their status.

Shape (pinned by tests/api/test_error_shape.py)::

    {"success": false, "error": "<human message>", "code": "<stable_code>", "details": <any>}

``error`` stays a string so clients of the original API (which read ``error``) keep working.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from legal_training.catalog import CatalogError
from legal_training.storage.batches import BatchNotFoundError
from legal_training.storage.io import ImportFailedError, UnsupportedFormatError
from legal_training.storage.records import SampleValidationError
from legal_training.storage.samples import DuplicateSampleError, SampleNotFoundError
from legal_training.storage.search import SearchQueryError

logger = structlog.get_logger(__name__)


class ApiError(Exception):
    """An error with an HTTP status, a stable code and optional structured details."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(ApiError):
    status_code = 400
    code = "bad_request"


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class Conflict(ApiError):
    status_code = 409
    code = "conflict"


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class PayloadTooLarge(ApiError):
    status_code = 413
    code = "payload_too_large"


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

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details)

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

    @app.exception_handler(SampleValidationError)
    async def _sample_invalid(_: Request, exc: SampleValidationError) -> JSONResponse:
        return error_response(400, "invalid_sample", str(exc), exc.problems)

    @app.exception_handler(CatalogError)
    async def _catalog(_: Request, exc: CatalogError) -> JSONResponse:
        return error_response(
            400, f"invalid_{exc.kind}", str(exc), {"field": exc.kind, "valid_values": exc.valid}
        )

    @app.exception_handler(SampleNotFoundError)
    async def _sample_missing(_: Request, exc: SampleNotFoundError) -> JSONResponse:
        return error_response(404, "sample_not_found", str(exc))

    @app.exception_handler(BatchNotFoundError)
    async def _batch_missing(_: Request, exc: BatchNotFoundError) -> JSONResponse:
        return error_response(404, "batch_not_found", str(exc))

    @app.exception_handler(DuplicateSampleError)
    async def _duplicate(_: Request, exc: DuplicateSampleError) -> JSONResponse:
        return error_response(409, "duplicate_id", str(exc), {"ids": exc.ids[:100]})

    @app.exception_handler(SearchQueryError)
    async def _search(_: Request, exc: SearchQueryError) -> JSONResponse:
        return error_response(400, "invalid_query", str(exc))

    @app.exception_handler(UnsupportedFormatError)
    async def _format(_: Request, exc: UnsupportedFormatError) -> JSONResponse:
        return error_response(400, "unsupported_format", str(exc))

    @app.exception_handler(ImportFailedError)
    async def _import(_: Request, exc: ImportFailedError) -> JSONResponse:
        outcome = exc.outcome
        details = {
            "problem_count": outcome.problem_count,
            "rows_read": outcome.rows_read,
            "problems": [{"line": p.line, "message": p.message} for p in outcome.problems],
        }
        if exc.only_duplicates:
            return error_response(409, "duplicate_id", str(exc), details)
        return error_response(400, "invalid_import", str(exc), details)

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
