"""Who calls the API: a bearer token from the organisation's provider (``web.bearer``,
scopes ``kivo.read`` and ``kivo.write``) or the browser's signed-in session.

A session's state-changing request must carry the session's CSRF token in the
``X-CSRF-Token`` header (403 without it); a bearer call needs none, as no browser sends
a bearer token on its own."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from pathway.context import Kivo
from pathway.errors import NotPermitted
from pathway.workspace import SignedIn, owner_of
from states.errors import NotFound
from web.auth import optional_caseworker
from web.bearer import BEARER, READ, WRITE, BearerAuth
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


Reader = Annotated[Caller, Depends(reader)]
Writer = Annotated[Caller, Depends(writer)]


def caseload(me: Caller, caseworker: int | None) -> int | None:
    """Whose caseload a request names: a caseworker's own (another's is refused, 403);
    a coordinator's, anyone's (``None``: every one)."""
    if me.coordinator:
        return caseworker
    if caseworker is not None and caseworker != me.id:
        raise NotPermitted(
            f"caseworker {me.id} works on their own caseload only, not caseworker "
            f"{caseworker}'s: only a coordinator works on every caseload",
            action="another caseload",
            actor=me.id,
        )
    return me.id


def may_override(me: Caller, override: str | None) -> None:
    """Only a coordinator overrides a rule: anyone else asking to is refused (403), as
    the pages refuse, before anything is judged."""
    if override and not me.coordinator:
        raise NotPermitted(
            "only a coordinator may override a blocking rule",
            action="override",
            actor=me.id,
        )


def require_visible(kivo: Kivo, who: SignedIn, case_id: int) -> None:
    """``NotFound`` (404) for a case that does not exist or is not the caller's own, before
    an action whose use case takes no case to check (a follow-up or meeting by its id)."""
    owner = owner_of(kivo, case_id)
    if not who.coordinator and owner != who.id:
        raise NotFound(f"no case with id {case_id}", what="case", id=case_id)
