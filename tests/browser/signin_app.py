"""A minimal web app around ``web.oidc``'s router, standing in for the workspace's
``web.app.create_app`` in these tests: a signed session cookie, the sign-in routes, a
strict Content-Security-Policy and two tiny Swedish pages (who is signed in; how to
sign in)."""

from __future__ import annotations

import html
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.middleware.base import RequestResponseEndpoint
from starlette.middleware.sessions import SessionMiddleware

from pathway.context import Kivo
from pathway.directory import list_caseworkers
from web.oidc import OidcSettings, oidc_router


def _page(title: str, content: str) -> HTMLResponse:
    return HTMLResponse(f"""<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><title>{html.escape(title)} – kivo</title></head>
<body>
<header><p>kivo</p></header>
<main><h1>{html.escape(title)}</h1>{content}</main>
</body>
</html>
""")


def signin_app(kivo: Kivo, settings: OidcSettings) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def strict_policy(request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = "default-src 'self'"
        return response

    app.add_middleware(SessionMiddleware, secret_key=secrets.token_hex(32), same_site="lax")
    app.include_router(oidc_router(kivo, settings))

    @app.get("/")
    def today(request: Request) -> HTMLResponse:
        signed_in = request.session.get("caseworker_id")
        names = {worker.id: worker.name for worker in list_caseworkers(kivo)}
        if signed_in not in names:
            return _page("Inte inloggad", '<p><a href="/login">Logga in</a></p>')
        who = html.escape(names[signed_in])
        return _page("Idag", f'<p id="signed-in">Inloggad som {who}</p>')

    @app.get("/login")
    def login() -> HTMLResponse:
        return _page(
            "Logga in",
            # back to where the caseworker was going: a path of this site (``next``)
            '<p><a href="/login/oidc?next=/%3Fvy%3Dvecka">'
            "Logga in med organisationens konto</a></p>",
        )

    return app
