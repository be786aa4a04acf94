"""Gallring (coordinators): the retention schedule's plan for a day, and its application
with the result. The same use cases as ``kivo retention plan`` and ``apply``; anyone but
a coordinator is answered as if the page did not exist."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pathway.errors import Refused
from pathway.retention import apply_retention, load_schedule, plan_retention
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from states.messages import N_
from states.retention import RECORD_KINDS
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed, day_field
from web.page_language import current, in_language
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]

TEXTS = {
    "title": N_("Disposal"),
    "intro": N_(
        "What the disposal schedule makes due for disposal on a day, and why. Disposal "
        "removes the data case by case and writes a disposal record without personal data."
    ),
    "on": N_("Day"),
    "show": N_("Show plan"),
    "decision": N_("Decision"),
    "due": N_("Due for disposal"),
    "nothing": N_("Nothing is due for disposal that day."),
    "case": N_("Case"),
    "kind": N_("Kind of data"),
    "closed_on": N_("Closed"),
    "keep": N_("Kept"),
    "due_since": N_("Due for disposal since"),
    "apply": N_("Dispose"),
    "done": N_("Disposed of"),
    "removed": N_("Removed or emptied data"),
    "cases": N_("Cases"),
    "refused": N_("The disposal could not be done"),
}


def texts_of_page() -> dict[str, str]:
    return in_language(current(), TEXTS)


def _coordinator(me: SignedIn) -> None:
    if not me.coordinator:
        raise HTTPException(status_code=404)


@router.get("/retention")
def retention_plan_page(request: Request, me: Me, on: str | None = None) -> Response:
    _coordinator(me)
    return _render(request, me, {"on": on or ""}, result=None)


@router.post("/retention")
def retention_apply_page(request: Request, me: Me, typed: Typed) -> Response:
    _coordinator(me)
    kivo = kivo_of(request)
    try:
        day = day_field(typed, "on", texts_of_page()["on"]) or kivo.today()
        result = apply_retention(kivo, load_schedule(), on=day, by=me.id)
    except (Refused, InvalidInput) as error:
        status = 422 if isinstance(error, Refused) else 400
        return _render(request, me, typed, result=None, refused=error, status=status)
    return _render(request, me, {"on": day.isoformat()}, result=result)


def _render(
    request: Request,
    me: SignedIn,
    typed: dict[str, str],
    *,
    result: Any,
    refused: Exception | None = None,
    status: int = 200,
) -> Response:
    kivo = kivo_of(request)
    plan = None
    try:
        day: date = day_field(typed, "on", texts_of_page()["on"]) or kivo.today()
        plan = plan_retention(kivo, load_schedule(), on=day, by=me.id)
    except InvalidInput as error:
        refused, status = refused or error, 400 if status == 200 else status
    return page(
        request,
        "retention.html",
        status,
        user=me,
        typed=typed,
        plan=plan,
        result=result,
        refused=refused,
        r=texts_of_page(),
        kinds=in_language(current(), RECORD_KINDS),
    )
