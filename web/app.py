"""The web workspace: an application factory over the same use cases as the CLI.

``create_app(kivo, dev_login=...)`` builds the FastAPI app for one process; ``kivo
serve`` runs it under uvicorn (``web.server``)."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pathway.context import Kivo
from states.errors import Conflict, InvalidInput, KivoError, NotFound
from web.api import PREFIX as API_PREFIX
from web.api import create_api
from web.auth import SignInRequired
from web.bearer import BearerAuth
from web.deps import WebSettings
from web.importing import MAX_UPLOAD_BYTES
from web.page_language import PageLanguage
from web.render import render_error
from web.security import Guard, TooLarge, require_csrf

HERE = Path(__file__).parent
SESSION_COOKIE = "kivo_session"
SESSION_MAX_AGE = 10 * 60 * 60  # a working day


def create_app(
    kivo: Kivo,
    *,
    dev_login: bool,
    secret_key: str | None = None,
    secure_cookies: bool = True,
    bearer: BearerAuth | None = None,
) -> FastAPI:
    """The app for one process. ``secret_key`` signs the session cookie (``KIVO_SECRET_KEY``;
    a random one only for a single ``--dev-login`` process); ``secure_cookies``: the
    cookie goes over HTTPS only (off only when serving on a loopback address);
    ``bearer``: how API tokens are checked (by default from ``KIVO_OIDC_*``)."""
    if secret_key is None:
        if not dev_login:
            raise InvalidInput("set KIVO_SECRET_KEY: it signs the session cookies")
        secret_key = secrets.token_urlsafe(32)
    app = FastAPI(
        title="kivo",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # the JSON API publishes its own document under /api/v1
        dependencies=[Depends(require_csrf)],
    )
    app.state.kivo = kivo
    app.state.web_settings = WebSettings(dev_login=dev_login)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=secure_cookies,
    )
    app.add_middleware(Guard, larger={"/import": MAX_UPLOAD_BYTES})
    app.add_middleware(PageLanguage)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _handle_errors(app)

    from web import (
        actions,
        agenda_actions,
        audit,
        bulk,
        data_protection,
        employers,
        erasure,
        handover,
        importing,
        page_language,
        pages,
        participant_edit,
        places,
        profile_form,
        proposal_end,
        reports,
        retention,
        review,
        sign_in,
    )

    app.include_router(sign_in.router)
    app.include_router(page_language.router)
    bearer = _sign_in_through_provider(app, kivo, dev_login, bearer)
    app.mount(API_PREFIX, create_api(kivo, bearer))
    app.include_router(bulk.router)
    app.include_router(actions.router)  # first: /cases/new before /cases/{case_id}
    app.include_router(agenda_actions.router)
    app.include_router(participant_edit.router)
    app.include_router(profile_form.router)
    app.include_router(proposal_end.router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.include_router(handover.router)
    app.include_router(importing.router)
    app.include_router(data_protection.router)
    app.include_router(audit.router)
    app.include_router(places.router)
    app.include_router(employers.router)
    app.include_router(retention.router)
    app.include_router(review.router)
    app.include_router(erasure.router)
    return app


def _sign_in_through_provider(
    app: FastAPI, kivo: Kivo, dev_login: bool, bearer: BearerAuth | None
) -> BearerAuth | None:
    """OpenID Connect sign-in and bearer tokens, when ``KIVO_OIDC_ISSUER`` is set (a
    half-configured provider is bad input, naming what to set)."""
    from web.bearer import BearerSettings, install
    from web.oidc import OidcSettings, oidc_router

    oidc = OidcSettings.from_env()
    if oidc is not None:
        app.include_router(oidc_router(kivo, oidc))
    if bearer is None:
        settings = BearerSettings.from_env()
        bearer = None if settings is None else BearerAuth(kivo, settings)
    if bearer is not None:
        install(app, bearer)
    app.state.web_settings = WebSettings(dev_login=dev_login, oidc=oidc is not None)
    return bearer


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    def to_login(request: Request, error: Exception) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, StarletteHTTPException) else 500
        return render_error(request, status)

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, error: Exception) -> Response:
        return render_error(request, 400)

    @app.exception_handler(KivoError)
    def domain_error(request: Request, error: Exception) -> Response:
        if isinstance(error, NotFound):
            return render_error(request, 404)
        if isinstance(error, Conflict):
            return render_error(request, 409)
        detail = (error.said or error.message) if isinstance(error, InvalidInput) else None
        return render_error(request, 400, detail)

    @app.exception_handler(TooLarge)
    def too_large(request: Request, error: Exception) -> Response:
        return render_error(request, 413)

    @app.exception_handler(Exception)
    def unexpected(request: Request, error: Exception) -> Response:
        return render_error(request, 500)
