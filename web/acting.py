"""The one shape of a case action from a page: do it as the signed-in caseworker, then
redirect to the case page (redirect-after-post); a refused or malformed save answers
the case page again with every violated rule and what was typed (nothing was written).

Whose case it is, is the use case's check (``by``): another caseworker's case answers
404 from there, before anything is read or written."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pathway.errors import Refused
from pathway.workspace import SignedIn
from states.errors import InvalidInput, NotFound
from web.page_language import texts
from web.pages import MAX_ID, case_response
from web.render import flash


def status_of(error: Exception) -> int:
    """422 for a refusal by the rules, 400 for bad input."""
    return 422 if isinstance(error, Refused) else 400


def checked_ids(*ids: int) -> None:
    """An address naming an id out of range names nothing: 404, as an unknown one."""
    for ident in ids:
        if not 1 <= ident <= MAX_ID:
            raise NotFound(f"no record with id {ident}", id=ident)


def no_override_unless(me: SignedIn, typed: dict[str, str]) -> None:
    """An override reason from anyone but a coordinator is refused outright (403); the
    use case refuses it as well, whatever the entry point."""
    if typed.get("override") and not me.coordinator:
        raise HTTPException(status_code=403, detail="override")


def act(
    request: Request,
    me: SignedIn,
    case_id: int,
    form: str,
    typed: dict[str, str],
    work: Callable[[], object],
) -> Response:
    """Run ``work`` (one use case, one transaction); answer the redirect, or the case
    page with the refusal and ``form`` open with what was typed."""
    checked_ids(case_id)
    try:
        work()
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, status_of(error), refused=error, typed=typed, form=form
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
