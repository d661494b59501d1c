"""HTTP errors of the service, rendered in one JSON shape: {"error": {"status", "code", "message"}}.

ServiceError            base (500)
├── BadRequest          400: the request cannot be understood
├── Unauthorized        401: a write route was called without the admin token
├── Forbidden           403: the admin token is wrong, or write routes are switched off
├── NotFound            404: the named report or resource does not exist
├── PayloadTooLarge     413: a file or the request body is over its limit
├── PayloadInvalid      422: the body or parameters fail validation
│   └── RejectedFiles   422: no file of an upload can be ingested (each with its reason)
├── TooManyRequests     429: a client asked faster than the rate limit (with Retry-After)
├── StoreUnavailable    503: the store cannot be read right now (retry shortly)
└── RequestTimeout      504: the request took longer than the time limit

The store's `StoreUnreachable` (its Chroma server is down or not answering) is answered as
StoreUnavailable, wherever in a request it is raised.

Anything else raised inside the app is caught last and answered as a 500 in the same shape, its
traceback logged but never sent: a client never sees a plain-text "Internal Server Error".
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.store import StoreUnreachable


class ServiceError(Exception):
    """An error with an HTTP status and a message meant for the user."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ServiceError):
    """The request cannot be understood."""

    status = 400
    code = "bad_request"


class Unauthorized(ServiceError):
    """A write route was called without the admin token."""

    status = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    """The admin token is wrong, or write routes are switched off (no token configured)."""

    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    """The named report or resource does not exist."""

    status = 404
    code = "not_found"


class PayloadTooLarge(ServiceError):
    """A file or the request body is over its size limit."""

    status = 413
    code = "payload_too_large"


class PayloadInvalid(ServiceError):
    """The body or the parameters fail validation."""

    status = 422
    code = "invalid_request"


class TooManyRequests(ServiceError):
    """A client asked faster than the rate limit allows; Retry-After says when to try again."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StoreUnavailable(ServiceError):
    """The store cannot be read right now (another process is changing it, or a server is down)."""

    status = 503
    code = "store_unavailable"


class RequestTimeout(ServiceError):
    """The request took longer than the configured time limit."""

    status = 504
    code = "timeout"


_log = logging.getLogger("reportqa.errors")
# Codes for the errors Starlette raises itself (unknown path, wrong method, a body over the limit).
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


class RejectedFiles(PayloadInvalid):
    """No file of an upload can be ingested; `details` gives each file's reason."""

    code = "rejected_files"

    def __init__(self, message: str, details: list[dict[str, str | None]]) -> None:
        super().__init__(message)
        self.details = details


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def install_error_handlers(app: FastAPI) -> None:
    """Every error the app can raise leaves it in the same JSON shape."""

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StoreUnreachable)
    async def _store_unreachable(_: Request, exc: StoreUnreachable) -> JSONResponse:
        _log.warning("store unreachable: %s", exc)
        response = error_response(
            StoreUnavailable("the report store is unavailable; retry shortly")
        )
        response.headers["Retry-After"] = "2"  # a restarting server is back in seconds
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        message = "; ".join(f"{p['where']}: {p['problem']}" for p in problems) or "invalid request"
        body = error_body(422, PayloadInvalid.code, message, problems)
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        body = error_body(exc.status_code, code, str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    # Starlette runs the handler for Exception in its outermost middleware, so it also covers
    # errors raised by other middleware and by streaming responses before their first byte.
    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        return unexpected_error_response(request, exc)


def error_response(exc: ServiceError) -> JSONResponse:
    """The JSON response for one of our errors (with Retry-After for a rate limit)."""
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    details = exc.details if isinstance(exc, RejectedFiles) else None
    body = error_body(exc.status, exc.code, exc.message, details)
    return JSONResponse(body, status_code=exc.status, headers=headers)


def unexpected_error_response(request: Request, exc: BaseException) -> JSONResponse:
    """A 500 in the one shape for an error nobody anticipated; the traceback goes to the log."""
    _log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "服务内部错误,请稍后重试"
    return JSONResponse(error_body(500, ServiceError.code, message), status_code=500)
