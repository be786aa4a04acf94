"""Errors as JSON, with the statuses that mirror the CLI's exit codes: 400 bad input,
422 refused by the rules (every violation named), 403 a role's refusal or CSRF, 404
unknown or not the caller's, 409 a version conflict; never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pathway.errors import NotPermitted, Refused
from pathway.sentences import say
from states.errors import Conflict, DatabaseUnavailable, InvalidInput, KivoError, NotFound
from states.personnummer import redact
from web.api.sentences import api_hint, language_of, violation_text
from web.security import TooLarge

log = logging.getLogger("kivo.web.api")


def status_of(error: KivoError) -> int:
    """The HTTP status of a domain error (the CLI's exit code, as HTTP says it)."""
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, Refused):
        return 422
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, DatabaseUnavailable):
        return 503
    return 400


def document_of(error: KivoError, lang: str = "en") -> dict[str, Any]:
    """``{code, message, violations?, field?}``, the rules' sentences in ``lang``: a
    message may echo what was typed, so anything written like a personnummer is masked."""
    body: dict[str, Any] = {"code": error.code, "message": redact(error.message)}
    if error.said is not None:
        body["message"] = redact(say(lang, error.said, api_hint))
    if isinstance(error, Refused):
        body["violations"] = [
            {
                "code": v.code,
                "message": redact(violation_text(v, lang)),
                "severity": v.severity.value,
            }
            for v in error.violations
        ]
        if error.next_moves:
            body["next"] = error.next_moves
    if isinstance(error, InvalidInput) and isinstance(error.params.get("field"), str):
        body["field"] = error.params["field"]
    return body


def install_handlers(api: FastAPI) -> None:
    @api.exception_handler(KivoError)
    def domain_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, KivoError)
        lang = language_of(request.headers.get("accept-language"))
        return JSONResponse(document_of(error, lang), status_code=status_of(error))

    @api.exception_handler(RequestValidationError)
    def bad_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problems = [_problem(item) for item in error.errors()]
        return JSONResponse(
            {"code": "invalid-input", "message": "; ".join(problems) or "bad request"},
            status_code=400,
        )

    @api.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if isinstance(error.__cause__, TooLarge):  # FastAPI's "error parsing the body"
            return too_large(request, error.__cause__)
        detail = error.detail
        body = detail if isinstance(detail, dict) else {"code": "http", "message": str(detail)}
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    @api.exception_handler(TooLarge)
    def too_large(request: Request, error: Exception) -> Response:
        return JSONResponse(
            {"code": "too-large", "message": "the request body is too large"}, status_code=413
        )

    @api.exception_handler(Exception)
    def unexpected(request: Request, error: Exception) -> Response:
        log.error("unexpected error in the API: %s", type(error).__name__)
        return JSONResponse(
            {"code": "internal-error", "message": "something went wrong on the server"},
            status_code=500,
        )


def _problem(item: Any) -> str:
    """One validation problem as a sentence naming where (never echoing the value)."""
    where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
    return f"{where or 'body'}: {item.get('msg', 'invalid')}"
