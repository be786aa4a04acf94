"""The JSON API, ``/api/v1``: the CLI's use cases for other systems and for the
workspace's own scripts, with its OpenAPI document at ``/api/v1/openapi.json``.

A sub-application mounted by ``web.app.create_app``: the session cookie and the
security headers of the workspace hold for it too; its errors are JSON
(``web.api.errors``); its callers are a bearer token or the signed-in session
(``web.api.caller``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pathway.context import Kivo
from web.bearer import BearerAuth, install

PREFIX = "/api/v1"
DESCRIPTION = """The case-management engine's JSON API: the same use cases as the `kivo`
command, with the same rules, roles and access log.

Call it with an OAuth2 bearer token from the organisation's OpenID provider (scope
`kivo.read` to read, `kivo.write` to change; the caseworker is the one with the token's
e-mail address), or from a signed-in browser session (a change then needs the page's CSRF
token in the `X-CSRF-Token` header).

Statuses mirror the CLI's exit codes: 400 bad input, 422 refused by the rules (with
`violations`), 401 no valid sign-in, 403 a role, scope or CSRF refusal, 404 unknown or
not the caller's, 409 a version conflict."""


def create_api(kivo: Kivo, bearer: BearerAuth | None = None) -> FastAPI:
    """The API for one process; ``bearer``: how tokens are checked (none: only the
    signed-in session may call it)."""
    from web.api import actions, cases, lists, places
    from web.api.errors import install_handlers

    api = FastAPI(
        title="kivo API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # Swagger UI needs inline script, which the CSP forbids
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api.state.kivo = kivo
    if bearer is not None:
        install(api, bearer)
    install_handlers(api)
    api.include_router(cases.router)
    api.include_router(actions.router)
    api.include_router(lists.router)
    api.include_router(places.router)
    _document_errors_as_given(api)
    return api


def _document_errors_as_given(api: FastAPI) -> None:
    """The document without FastAPI's own 422 "Validation Error" answers: a malformed
    request answers 400 here (``web.api.errors``), and 422 is the rules' refusal."""
    original = api.openapi

    def document() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        found = original()
        for path in found.get("paths", {}).values():
            for operation in path.values():
                answers = operation.get("responses", {})
                if answers.get("422", {}).get("description") == "Validation Error":
                    del answers["422"]
        schemas = found.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        api.openapi_schema = found
        return found

    api.openapi = document  # type: ignore[method-assign]
