"""HTTP errors of the service, rendered in one JSON shape: {"error": {"status", "code", "message"}}.

ServiceError            base (500)
├── BadRequest          400: the request cannot be understood
├── Unauthorized        401: a write route was called without the admin token
├── Forbidden           403: the admin token is wrong, or write routes are switched off
├── NotFound            404: the named report or resource does not exist
└── PayloadInvalid      422: the body or parameters fail validation
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


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


class PayloadInvalid(ServiceError):
    """The body or the parameters fail validation."""

    status = 422
    code = "invalid_request"


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def install_error_handlers(app: FastAPI) -> None:
    """Every error the app can raise leaves it in the same JSON shape."""

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(error_body(exc.status, exc.code, exc.message), status_code=exc.status)

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
        code = "not_found" if exc.status_code == 404 else "http_error"
        body = error_body(exc.status_code, code, str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code)
