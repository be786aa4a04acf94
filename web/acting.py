"""The one shape of a case action from a page: do it as the signed-in caseworker, then
redirect to the case page (redirect-after-post); a refused or malformed save answers
the case page again with every violated rule and what was typed (nothing was written).

Whose case it is, and who may override a rule, are the use case's checks (``by``):
another caseworker's case answers 404 from there, before anything is read or written;
a caseworker's override 403 with the rules it would have lifted."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from pathway.errors import NotPermitted, Refused
from pathway.workspace import SignedIn
from states.errors import InvalidInput, NotFound
from web.page_language import texts
from web.pages import MAX_ID, case_response
from web.render import flash


def status_of(error: Exception) -> int:
    """403 for a role's refusal (a caseworker's override), 422 for a refusal by the
    rules, 400 for bad input."""
    if isinstance(error, NotPermitted):
        return 403
    return 422 if isinstance(error, Refused) else 400


def checked_ids(*ids: int) -> None:
    """An address naming an id out of range names nothing: 404, as an unknown one."""
    for ident in ids:
        if not 1 <= ident <= MAX_ID:
            raise NotFound.with_id("record", ident)


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
