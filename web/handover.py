"""Överlämning (coordinators): hand one caseworker's whole caseload to another, with its
follow-ups, meetings and reminders; a preview first (the use case's dry run), then the
confirmation. The same use case as ``kivo caseload transfer``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pathway.errors import Refused
from pathway.handover import transfer_caseload
from pathway.workspace import SignedIn, active_caseworkers
from states.errors import InvalidInput
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed, id_field, text_field
from web.page_language import texts
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]


def _coordinator(me: SignedIn) -> None:
    if not me.coordinator:
        raise HTTPException(status_code=403, detail="coordinators only")


@router.get("/handover")
def handover_form(request: Request, me: Me) -> Response:
    _coordinator(me)
    workers = active_caseworkers(kivo_of(request))
    return page(request, "handover.html", user=me, workers=workers, typed={}, result=None)


@router.post("/handover")
def handover(request: Request, me: Me, typed: Typed) -> Response:
    _coordinator(me)
    kivo = kivo_of(request)
    workers = active_caseworkers(kivo)
    preview = typed.get("intent") != "save"
    try:
        from_id = id_field(typed, "from", texts.h_from)
        to_id = id_field(typed, "to", texts.h_to)
        if from_id is None or to_id is None:
            raise InvalidInput(texts.h_choose_both, field="to")
        result = transfer_caseload(
            kivo,
            from_id,
            to_id,
            note=text_field(typed, "note", texts.notes),
            by=me.id,
            dry_run=preview,
        )
    except (Refused, InvalidInput) as error:
        status = 422 if isinstance(error, Refused) else 400
        return page(
            request, "handover.html", status, user=me, workers=workers, typed=typed, refused=error
        )
    return page(request, "handover.html", user=me, workers=workers, typed=typed, result=result)
