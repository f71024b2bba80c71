"""Errors of the web app, and the handlers that turn every failure into one JSON shape.

Every 4xx/5xx answer is ``{"error": CODE, "message": TEXT, "detail": [...] | null}``;
a server error says only "internal error" (no traceback, no SQL) and is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from rasad.errors import RasadError
from rasad.store import StoreError
from rasad.web.models import ErrorBody

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    414: "uri_too_long",
    422: "invalid_request",
    500: "internal",
    503: "unavailable",
}


class WebSetupError(RasadError):
    """The web app cannot start: front-end packages, database or settings are missing."""

    code = "web_setup"


class ApiError(Exception):
    """An answer other than 200, raised by a route."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(status: int, message: str, code: str | None = None, detail: Any = None) -> bytes:
    return bytes(
        JSONResponse(
            {"error": code or _CODES.get(status, "error"), "message": message, "detail": detail}
        ).body
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error statuses."""
    return {s: {"model": ErrorBody, "description": _CODES.get(s, "error")} for s in statuses}


def _response(
    status: int, message: str, code: str | None = None, detail: Any = None
) -> JSONResponse:
    return JSONResponse(
        {"error": code or _CODES.get(status, "error"), "message": message, "detail": detail},
        status_code=status,
    )


def _loc(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "body")]
    return ".".join(parts) or "request"


def _problem(err: dict[str, Any]) -> str:
    """A validation problem in plain words (a regular expression is no explanation)."""
    if err.get("type") == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern", ""))
        if pattern.startswith("^-?[0-9]"):
            return "four numbers min_lon,min_lat,max_lon,max_lat separated by commas"
        if pattern.startswith("^[0-9]{4}"):
            return "a day as YYYY-MM-DD"
        if "\\x00" in pattern:
            return "no control characters allowed"
    return str(err.get("msg", ""))


def install_handlers(app: FastAPI) -> None:
    log = logging.getLogger("rasad.web")

    async def api_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _response(exc.status, exc.message, exc.code)

    async def validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        detail = [{"param": _loc(e.get("loc", ())), "problem": _problem(e)} for e in exc.errors()]
        message = "; ".join(f"{d['param']}: {d['problem']}" for d in detail) or "invalid request"
        return _response(422, message, "invalid_request", detail)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        message = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "")
        resp = _response(exc.status_code, message)
        if exc.headers:
            resp.headers.update(exc.headers)
        return resp

    async def unavailable(_request: Request, exc: Exception) -> JSONResponse:
        log.error("database unavailable: %s", exc)
        return _response(503, "the database is not available")

    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return _response(500, "internal error")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(OperationalError, unavailable)
    app.add_exception_handler(StoreError, unavailable)
    app.add_exception_handler(Exception, internal)
