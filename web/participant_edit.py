"""The participant edit form (``kivo participant edit``) on the pages: a GET form filled
with the details as they stand, a POST that calls the same use case as the signed-in
caseworker. Every problem is shown at once and the form keeps what was typed; only the
fields that differ from what stands are changed (an emptied e-mail or phone removes it,
as in the CLI). The personnummer travels in the posted form only, never in an address.
A coordinator protects the identity here too (``participant protect``), or lifts it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pathway.editing import edit_participant, participant_problems
from pathway.errors import Refused
from pathway.participant_details import ParticipantDetails, participant_details
from pathway.protection import protect_participant
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from web.acting import checked_ids, status_of
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed
from web.page_language import texts
from web.render import flash, page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]


@router.get("/cases/{case_id}/edit")
def edit_form(request: Request, me: Me, case_id: int) -> Response:
    """The form, filled with the participant's details (the read is logged)."""
    checked_ids(case_id)
    details = participant_details(kivo_of(request), case_id, by=me.id)
    return _form(request, me, details)


@router.post("/cases/{case_id}/edit")
def edit(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Save what changed; a refusal answers the form again with every problem."""
    checked_ids(case_id)
    kivo = kivo_of(request)
    details = participant_details(kivo, case_id, by=me.id)
    wanted = _changed(details, typed)
    problems: list[Exception] = list(participant_problems(kivo, **wanted))
    if not problems and not any(v is not None for k, v in wanted.items() if k != "reason"):
        problems.append(InvalidInput(texts.pe_nothing))
    if problems:
        return _form(request, me, details, 400, problems, typed)
    try:
        edit_participant(
            kivo,
            case_id,
            name=wanted["name"],
            email=wanted["email"],
            phone=wanted["phone"],
            personnummer=wanted["personnummer"],
            reason=wanted["reason"],
            by=me.id,
        )
    except (Refused, InvalidInput) as error:
        return _form(request, me, details, status_of(error), [error], typed)
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/protect")
def protect(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Protect the participant's identity, or lift the protection (``kivo participant
    protect``): a coordinator's, with the reason (the use case refuses anyone else)."""
    checked_ids(case_id)
    kivo = kivo_of(request)
    details = participant_details(kivo, case_id, by=me.id)
    try:
        protect_participant(
            kivo,
            case_id,
            reason=typed.get("reason") or None,
            by=me.id,
            lift=details.protected,
        )
    except (Refused, InvalidInput) as error:
        return _form(request, me, details, status_of(error), [error], typed)
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _changed(details: ParticipantDetails, typed: dict[str, str]) -> dict[str, str | None]:
    """The fields typed differently from what stands (``None``: leave as it is)."""
    standing = {"name": details.name, "email": details.email, "phone": details.phone}
    wanted: dict[str, str | None] = {
        name: typed[name] if name in typed and typed[name] != (now or "") else None
        for name, now in standing.items()
    }
    wanted["personnummer"] = typed.get("personnummer") or None
    wanted["reason"] = typed.get("reason") or None
    return wanted


def _form(
    request: Request,
    me: SignedIn,
    details: ParticipantDetails,
    status: int = 200,
    problems: list[Exception] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        "participant_edit.html",
        status,
        user=me,
        details=details,
        problems=problems or [],
        typed=typed or {},
    )
