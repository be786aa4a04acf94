"""Ending an accepted proposal on the place page (``kivo proposal end``): the participant
has left the place, its position is given back. The same use case as the CLI, as the
signed-in caseworker (another caseworker's proposal is unknown, 404); a refusal answers
the place page with the reason and what was typed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pathway import proposals
from pathway.errors import Refused
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from web.acting import checked_ids, status_of
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed, day_field, id_field, text_field
from web.page_language import texts
from web.places import place_response
from web.render import flash

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]


@router.post("/proposals/{proposal_id}/end")
def end(request: Request, me: Me, proposal_id: int, typed: Typed) -> Response:
    """The participant has left the place: the acceptance ends, with the reason."""
    checked_ids(proposal_id)
    place_id = id_field(typed, "place", texts.pl_place)
    try:
        line = proposals.end_acceptance(
            kivo_of(request),
            proposal_id,
            reason=text_field(typed, "reason", texts.reason),
            on=day_field(typed, "on", texts.on),
            by=me.id,
        )
    except (Refused, InvalidInput) as error:
        if place_id is None:
            raise
        form = f"end-{proposal_id}"
        return place_response(
            request, me, place_id, status_of(error), refused=error, typed=typed, form=form
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/places/{line.place_id}", status_code=303)
