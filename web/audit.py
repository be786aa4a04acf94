"""Loggkontroll (coordinators): the access log's rows, filtered by case, caseworker and
days, through the same use case as ``kivo audit reads``. A caseworker is answered 404:
the page does not exist for them."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from pathway.audit import access_reads
from pathway.workspace import SignedIn, active_caseworkers
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import parse_day
from web.page_language import texts
from web.pages import MAX_ID
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
Id = Annotated[int | None, Query(ge=1, le=MAX_ID)]
PAGE_SIZE = 100


@router.get("/audit")
def audit(
    request: Request,
    me: Me,
    case: Id = None,
    caseworker: Id = None,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    after: Id = None,
) -> Response:
    if not me.coordinator:
        raise HTTPException(status_code=404)
    kivo = kivo_of(request)
    filters: dict[str, Any] = {"case": case, "caseworker": caseworker, "from": start, "to": end}
    found = access_reads(
        kivo,
        actor=me.id,
        case_id=case,
        caseworker_id=caseworker,
        start=parse_day(start, "from", texts.audit_from),
        end=parse_day(end, "to", texts.audit_to),
        limit=PAGE_SIZE,
        after=after,
    )
    workers = active_caseworkers(kivo)
    return page(
        request,
        "audit.html",
        user=me,
        rows=found.rows,
        names={w.id: w.name for w in workers},
        workers=workers,
        filters=filters,
        next_query=urlencode(
            {k: v for k, v in {**filters, "after": found.last_id}.items() if v is not None}
        )
        if found.more
        else None,
    )
