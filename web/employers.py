"""En arbetsgivare: a workplace's employer side on one page: the contacts logged with it
and the next agreed step, its places, the placements there now, its supervisors and
their training; a form logs a contact (``employers.record_contact``, the signed-in
caseworker as who made it). A caseworker sees the placements of their own caseload; a
coordinator, every one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pathway import employers
from pathway.errors import Refused
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from states.places import ContactKind
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed, day_field
from web.page_language import texts
from web.render import flash, page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
KINDS = tuple(k.value for k in ContactKind)


@router.get("/employers/{workplace_id}")
def employer_page(request: Request, me: Me, workplace_id: int) -> Response:
    return employer_response(request, me, workplace_id)


def employer_response(
    request: Request,
    me: SignedIn,
    workplace_id: int,
    status: int = 200,
    refused: Exception | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    view = employers.employer_view(kivo_of(request), workplace_id)
    mine = [p for p in view.placements if me.coordinator or p.caseworker_id == me.id]
    answer = page(
        request,
        "employer.html",
        status,
        user=me,
        employer=view,
        placements=mine,
        kinds=KINDS,
        refused=refused,
        typed=typed or {},
    )
    if refused is not None:
        answer.headers["HX-Replace-Url"] = f"/employers/{workplace_id}"
    return answer


@router.post("/employers/{workplace_id}/contacts")
def log_contact(request: Request, me: Me, workplace_id: int, typed: Typed) -> Response:
    """Log a dated contact (call, visit, meeting, e-mail), its note and the next step."""
    kivo = kivo_of(request)
    try:
        employers.record_contact(
            kivo,
            workplace_id,
            on=day_field(typed, "on", texts.on),
            kind=typed.get("kind", ""),
            note=typed.get("note", ""),
            next_on=day_field(typed, "next", texts.em_next),
            by=me.id,
        )
    except (Refused, InvalidInput) as error:
        status = 422 if isinstance(error, Refused) else 400
        return employer_response(request, me, workplace_id, status, error, typed)
    flash(request, texts.saved)
    return RedirectResponse(f"/employers/{workplace_id}", status_code=303)
