"""Who calls the API: a bearer token from the organisation's provider (``web.bearer``,
scopes ``kivo.read`` and ``kivo.write``) or the browser's signed-in session.

A session's state-changing request must carry the session's CSRF token in the
``X-CSRF-Token`` header (403 without it); a bearer call needs none, as no browser sends
a bearer token on its own.

Who may do what (another caseworker's case or caseload, an override) is the use case's
check, given the caller as ``by``: the API answers what the CLI and the pages answer."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from pathway.workspace import SignedIn
from web.auth import optional_caseworker
from web.bearer import BEARER, READ, WRITE, BearerAuth, Service
from web.security import CSRF_HEADER, CSRF_SESSION_KEY


@dataclass(frozen=True)
class Caller(SignedIn):
    """The caseworker an API request acts as, and how they were recognised."""

    via: str = "session"  # or "bearer"


def _unauthenticated() -> HTTPException:
    return HTTPException(
        status_code=401,
        detail={
            "code": "invalid-token",
            "message": "sign in, or send a bearer token (Authorization: Bearer <token>)",
        },
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


async def _caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None, scope: str
) -> Caller:
    if request.headers.get("authorization") is not None:
        auth = getattr(request.app.state, "kivo_bearer", None)
        if not isinstance(auth, BearerAuth):
            raise _unauthenticated()
        worker = await auth.caseworker(credentials, scope)
        assert worker.id is not None
        return Caller(worker.id, worker.name, worker.role, "bearer")
    if "session" not in request.scope:
        raise _unauthenticated()
    signed = await run_in_threadpool(optional_caseworker, request)
    if signed is None:
        raise _unauthenticated()
    if scope == WRITE:
        _require_csrf(request)
    return Caller(signed.id, signed.name, signed.role, "session")


def _require_csrf(request: Request) -> None:
    expected = request.session.get(CSRF_SESSION_KEY)
    given = request.headers.get(CSRF_HEADER)
    if not isinstance(expected, str) or given is None or not hmac.compare_digest(given, expected):
        raise HTTPException(
            status_code=403,
            detail={
                "code": "csrf",
                "message": "a change from a browser session needs the page's CSRF token "
                "in the X-CSRF-Token header",
            },
        )


async def reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caller:
    """A caller who may read: a token with ``kivo.read``, or a signed-in session."""
    return await _caller(request, credentials, READ)


async def writer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caller:
    """A caller who may change: a token with ``kivo.write``, or a signed-in session whose
    request carries the CSRF header."""
    return await _caller(request, credentials, WRITE)


async def place_reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caller | Service:
    """Who may read the places: any reader, or a service's token (``web.bearer``)."""
    auth = getattr(request.app.state, "kivo_bearer", None)
    if request.headers.get("authorization") is None or not isinstance(auth, BearerAuth):
        return await _caller(request, credentials, READ)
    found = await auth.place_reader(credentials)
    if isinstance(found, Service):
        return found
    assert found.id is not None
    return Caller(found.id, found.name, found.role, "bearer")


Reader = Annotated[Caller, Depends(reader)]
PlaceReader = Annotated[Caller | Service, Depends(place_reader)]
Writer = Annotated[Caller, Depends(writer)]
