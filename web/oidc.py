"""Sign-in through the organisation's OpenID provider (authorization code + PKCE).

``GET /login/oidc`` sends the browser to the provider (discovered from the issuer's
``/.well-known/openid-configuration``) with a fresh state, nonce and S256 code
challenge, all kept in the signed session cookie; ``GET /auth/callback`` checks the
state, exchanges the code with the code verifier, checks the ID token (signature,
issuer, audience, nonce) and finds the caseworker by the e-mail claim through
``pathway.signin``. A caseworker who is unknown, deactivated or not alone with that
address is refused with a page in Swedish; on success the session is renewed and holds
``caseworker_id``.

Settings (environment): ``KIVO_OIDC_ISSUER``, ``KIVO_OIDC_CLIENT_ID``,
``KIVO_OIDC_CLIENT_SECRET``; optional ``KIVO_OIDC_REDIRECT_URI`` (the callback URL the
provider has registered, when kivo runs behind a reverse proxy) and
``KIVO_OIDC_EMAIL_CLAIM`` (``email`` by default).
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from pathway.context import Kivo
from pathway.errors import SignInRefused
from pathway.language import text
from pathway.signin import caseworker_signing_in
from states.errors import InvalidInput
from states.messages import N_
from web.page_language import current

log = logging.getLogger("kivo.web.oidc")

ENV_ISSUER = "KIVO_OIDC_ISSUER"
ENV_CLIENT_ID = "KIVO_OIDC_CLIENT_ID"
ENV_CLIENT_SECRET = "KIVO_OIDC_CLIENT_SECRET"
ENV_REDIRECT_URI = "KIVO_OIDC_REDIRECT_URI"
ENV_EMAIL_CLAIM = "KIVO_OIDC_EMAIL_CLAIM"
NEXT_KEY = "oidc_next"  # where to go after signing in (a path of this site)


class SettingsMissing(InvalidInput):
    """OpenID Connect is half configured: an issuer without its client id or secret
    (``kivo serve`` then refuses to start, saying which variable to set)."""

    code = "oidc-settings-missing"


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str | None = None
    email_claim: str = "email"
    scope: str = "openid email"

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OidcSettings | None:
        """The settings from the environment; None when ``KIVO_OIDC_ISSUER`` is not set
        (sign-in through a provider is off). An issuer without its client id and secret
        is ``SettingsMissing``, naming the variables to set."""
        env = os.environ if environ is None else environ
        issuer = env.get(ENV_ISSUER, "").strip()
        if not issuer:
            return None
        client_id = env.get(ENV_CLIENT_ID, "").strip()
        secret = env.get(ENV_CLIENT_SECRET, "")
        missing = [
            name
            for name, value in ((ENV_CLIENT_ID, client_id), (ENV_CLIENT_SECRET, secret))
            if not value
        ]
        if missing:
            raise SettingsMissing(
                f"{ENV_ISSUER} is set but {' and '.join(missing)} is not: "
                "set the client registered for kivo at the identity provider",
                missing=missing,
            )
        return cls(
            issuer=issuer,
            client_id=client_id,
            client_secret=secret,
            redirect_uri=env.get(ENV_REDIRECT_URI, "").strip() or None,
            email_claim=env.get(ENV_EMAIL_CLAIM, "").strip() or "email",
        )


# The sentences a person sees (English msgids; the page's language at the sign-in page).
REFUSED = {
    "unknown": N_(
        "No caseworker in kivo has the e-mail address the sign-in gave. "
        "Ask a coordinator to add your e-mail address in kivo."
    ),
    "inactive": N_("Your account in kivo is deactivated. Contact a coordinator."),
    "ambiguous": N_(
        "Several caseworkers in kivo have the same e-mail address as you. "
        "A coordinator needs to correct that before you can sign in."
    ),
    "no-email": N_(
        "The identity provider sent no e-mail address, so kivo cannot see who you are. "
        "Contact whoever runs sign-in in your organisation."
    ),
}
FAILED = N_(
    "The sign-in could not be completed. It may have taken too long or been started "
    "in another tab. Try again."
)
UNAVAILABLE = N_("The sign-in service does not answer right now. Try again in a while.")
NOT_WORKING = N_("Sign-in is not working")
SIGN_IN_FAILED = N_("The sign-in failed")
CANNOT_SIGN_IN = N_("You cannot sign in")
BACK_TO_SIGN_IN = N_("Back to sign-in")


def sign_in_page(title: str, sentence: str, *, status: int) -> HTMLResponse:
    """A small page in the reader's language that says why signing in did not work, with
    a way back. (The workspace's own templates may replace it; it is complete and
    accessible.)"""
    lang = current()
    title, sentence = text(lang, title), text(lang, sentence)
    body = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – kivo</title>
</head>
<body>
<header><p>kivo</p></header>
<main>
<h1>{html.escape(title)}</h1>
<p>{html.escape(sentence)}</p>
<p><a href="/login">{html.escape(text(lang, BACK_TO_SIGN_IN))}</a></p>
</main>
</body>
</html>
"""
    return HTMLResponse(body, status_code=status)


def _local_path(value: str | None) -> str | None:
    """A path on this site to return to, or None: never another site (``//host``,
    ``/\\host`` or a scheme), so the sign-in cannot be used to send people elsewhere."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 0x20 or char == "\x7f" for char in value):
        return None
    return value


def oidc_router(kivo: Kivo, settings: OidcSettings) -> APIRouter:
    """The two sign-in routes for ``settings``' provider; include the router in an app
    with Starlette's ``SessionMiddleware`` (the state, nonce and code verifier live in
    the session until the provider sends the browser back)."""
    oauth = OAuth()
    oauth.register(
        "kivo",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.discovery_url,
        client_kwargs={"scope": settings.scope, "code_challenge_method": "S256"},
    )
    client: Any = oauth.create_client("kivo")
    router = APIRouter(include_in_schema=False)

    @router.get("/login/oidc", name="oidc_login")
    async def start(request: Request, next: str | None = None) -> Response:
        redirect_uri = settings.redirect_uri or str(request.url_for("oidc_callback"))
        target = _local_path(next)
        if target is None:
            request.session.pop(NEXT_KEY, None)
        else:
            request.session[NEXT_KEY] = target
        try:
            response: Response = await client.authorize_redirect(request, redirect_uri)
        except httpx.HTTPError as exc:
            log.warning("OpenID provider unreachable: %s", type(exc).__name__)
            return sign_in_page(NOT_WORKING, UNAVAILABLE, status=503)
        return response

    @router.get("/auth/callback", name="oidc_callback")
    async def callback(request: Request) -> Response:
        given_issuer = request.query_params.get("iss")
        if given_issuer is not None and given_issuer.rstrip("/") != settings.issuer.rstrip("/"):
            log.warning("sign-in refused: the response names another issuer")
            return sign_in_page(SIGN_IN_FAILED, FAILED, status=400)
        try:
            token = await client.authorize_access_token(request)
            claims: Mapping[str, Any] | None = token.get("userinfo")
            if claims is None:  # no ID token: not OpenID Connect
                raise OAuthError(description="no ID token")
            if settings.email_claim not in claims:  # sent from the userinfo endpoint only
                more = await client.userinfo(token=token)
                if more.get("sub") != claims.get("sub"):  # OIDC Core 5.3.2: same person
                    raise OAuthError(description="userinfo names another subject")
                claims = {**claims, **more}
        except OAuthError as exc:
            # the provider's error, a missing or foreign state, a refused code exchange
            log.warning("sign-in failed: %s", exc.error or "oauth-error")
            return sign_in_page(SIGN_IN_FAILED, FAILED, status=400)
        except JoseError as exc:  # the ID token: signature, issuer, audience, nonce
            log.warning("sign-in failed: ID token refused (%s)", exc.error)
            return sign_in_page(SIGN_IN_FAILED, FAILED, status=400)
        except httpx.HTTPError as exc:
            log.warning("OpenID provider unreachable: %s", type(exc).__name__)
            return sign_in_page(NOT_WORKING, UNAVAILABLE, status=503)
        if claims.get("email_verified") is False:
            log.warning("sign-in refused: e-mail address not verified")
            return sign_in_page(CANNOT_SIGN_IN, REFUSED["no-email"], status=403)
        email = claims.get(settings.email_claim)
        try:
            worker = await run_in_threadpool(
                caseworker_signing_in, kivo, email if isinstance(email, str) else ""
            )
        except SignInRefused as refused:
            reason = str(refused.params.get("reason", "unknown"))
            log.warning("sign-in refused: %s", reason)
            return sign_in_page(CANNOT_SIGN_IN, REFUSED.get(reason, REFUSED["unknown"]), status=403)
        target = _local_path(request.session.get(NEXT_KEY)) or "/"
        request.session.clear()  # a new session for the signed-in caseworker
        request.session["caseworker_id"] = worker.id
        log.info("signed in: caseworker %s", worker.id)
        return RedirectResponse(target, status_code=303)

    return router
