"""Radering på begäran (GDPR art. 17), for coordinators: a preview of the person, their
cases and the rule that keeps their data, then the confirmation with the request's
reference. The same use case as ``kivo person erase``; a caseworker gets 404 (the page
does not exist for them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pathway.erasure import erase_person, preview_erasure
from pathway.errors import Refused
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
TEMPLATE = "erasure.html"


def _coordinator(me: SignedIn) -> None:
    if not me.coordinator:
        raise HTTPException(status_code=404)


@router.get("/people/{person_id}/erase")
def erase_form(request: Request, me: Me, person_id: int) -> Response:
    """What an erasure of the person would remove, or the rules that keep their data."""
    _coordinator(me)
    preview = preview_erasure(kivo_of(request), str(person_id), by=me.id)
    return page(request, TEMPLATE, user=me, preview=preview, typed={}, done=None)


@router.post("/people/{person_id}/erase")
def erase(request: Request, me: Me, person_id: int, typed: Typed) -> Response:
    """Erase the person for the request the reason names; a refusal shows the rule."""
    _coordinator(me)
    kivo = kivo_of(request)
    try:
        done = erase_person(kivo, str(person_id), reason=typed.get("reason"), by=me.id)
    except (Refused, InvalidInput) as error:
        preview = preview_erasure(kivo, str(person_id), by=me.id)
        status = 422 if isinstance(error, Refused) else 400
        return page(request, TEMPLATE, status, user=me, preview=preview, typed=typed, refused=error)
    return page(request, TEMPLATE, user=me, preview=None, typed={}, done=done)
