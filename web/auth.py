"""Who is signed in.

The contract with every way of signing in (``--dev-login`` here, OpenID Connect later):
the signed-in caseworker's id is ``request.session["caseworker_id"]``, and nothing else.
Each request looks the caseworker up through a use case, so one deactivated since
signing in is signed out at their next click."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from pathway.workspace import SignedIn, signed_in
from states.errors import InactiveActor, UnknownActor
from web.deps import kivo_of

SESSION_KEY = "caseworker_id"


class SignInRequired(Exception):
    """No one (active) is signed in: the page answers with a redirect to ``/login``."""


def current_caseworker(request: Request) -> SignedIn:
    """FastAPI dependency: the signed-in caseworker, or a redirect to ``/login``."""
    found = optional_caseworker(request)
    if found is None:
        raise SignInRequired
    return found


async def session_reader(request: Request) -> int:
    """FastAPI dependency of a page whose own use case checks who reads, in the page's
    transaction (``reading_as``): the id the session names, looked up nowhere here (an
    ``async`` dependency, so no trip to the thread pool either); none: ``/login``."""
    caseworker_id = request.session.get(SESSION_KEY)
    if not isinstance(caseworker_id, int):
        raise SignInRequired
    return caseworker_id


@contextmanager
def reading_as(request: Request) -> Iterator[None]:
    """Around a page's use case given ``session_reader``'s id: a caseworker unknown or
    deactivated since signing in is signed out and sent to ``/login``, as
    ``current_caseworker`` does."""
    try:
        yield
    except (UnknownActor, InactiveActor):
        sign_out(request)
        raise SignInRequired from None


def optional_caseworker(request: Request) -> SignedIn | None:
    caseworker_id = request.session.get(SESSION_KEY)
    if not isinstance(caseworker_id, int):
        return None
    found = signed_in(kivo_of(request), caseworker_id)
    if found is None:
        sign_out(request)
    return found


def sign_in(request: Request, caseworker_id: int) -> None:
    """Start a fresh session for the caseworker (a new CSRF token with it)."""
    request.session.clear()
    request.session[SESSION_KEY] = caseworker_id


def sign_out(request: Request) -> None:
    request.session.clear()
