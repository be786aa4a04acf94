"""``/login`` and ``/logout``. With ``--dev-login`` the sign-in page lists the active
caseworkers by name and choosing one signs in as them; otherwise sign-in is through the
organisation's OpenID Connect provider (added beside this module)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from pathway.workspace import active_caseworkers, signed_in
from web.auth import sign_in, sign_out
from web.deps import kivo_of, settings_of
from web.forms import Typed
from web.page_language import texts
from web.render import flash, page

router = APIRouter()


@router.get("/login")
def login_page(request: Request) -> Response:
    dev = settings_of(request).dev_login
    workers = active_caseworkers(kivo_of(request)) if dev else []
    oidc = settings_of(request).oidc
    return page(request, "login.html", dev_login=dev, workers=workers, oidc=oidc)


@router.post("/login")
def login(request: Request, typed: Typed) -> Response:
    """Dev-login only: sign in as the chosen active caseworker."""
    if not settings_of(request).dev_login:
        return page(request, "login.html", 403, dev_login=False, workers=[])
    chosen = typed.get("caseworker_id", "")
    plain = chosen.isascii() and chosen.isdigit() and len(chosen) <= 9
    found = signed_in(kivo_of(request), int(chosen)) if plain else None
    if found is None:
        workers = active_caseworkers(kivo_of(request))
        return page(request, "login.html", 400, dev_login=True, workers=workers)
    sign_in(request, found.id)
    return RedirectResponse("/", status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    flash(request, texts.logged_out)
    return RedirectResponse("/login", status_code=303)
