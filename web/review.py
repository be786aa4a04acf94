"""Loggkontroll (coordinators): the monthly log review as a page, the same use case as
``kivo audit review``. A caseworker is answered as if there were no such page (404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from pathway.review import log_review
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from web.auth import current_caseworker
from web.deps import kivo_of
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]


@router.get("/audit/review")
def review(
    request: Request,
    me: Me,
    month: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    if not me.coordinator:
        raise HTTPException(status_code=404)
    kivo = kivo_of(request)
    chosen = month or kivo.today().strftime("%Y-%m")
    try:
        found = log_review(kivo, chosen, actor=me.id)
    except InvalidInput as error:
        return page(
            request, "review.html", 400, user=me, month=chosen, found=None, error=str(error)
        )
    return page(request, "review.html", user=me, month=chosen, found=found, error=None)
