"""The participant's profile for matching (``kivo profile set``) as a form on the pages:
a GET form filled with the profile as it stands, a POST that calls the same use case as
the signed-in caseworker with the fields typed differently (a list field comma-separated;
one emptied is cleared, as ``--clear`` does). Every problem is shown at once, and the
form keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pathway import profiles
from pathway.errors import Refused
from pathway.language import render
from pathway.profiles import ProfileView
from pathway.workspace import SignedIn, owner_of
from states import profiles as rules
from states.errors import InvalidInput, quoted
from states.messages import N_
from web.acting import checked_ids, status_of
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed
from web.page_language import current, texts
from web.render import flash, page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
LISTS: dict[str, Callable[[list[str]], list[str]]] = {
    "interests": rules.parse_interests,
    "languages": rules.parse_languages,
    "licences": rules.parse_licences,
    "certificates": rules.parse_certificates,
    "adaptations": rules.parse_adaptations,
}
NOT_A_WHOLE_NUMBER = N_("{label}: {value} is not a whole number")
CLEARED = {"max_hours": "hours"}  # the names ``--clear`` knows the fields by


@router.get("/cases/{case_id}/profile")
def profile_form(request: Request, me: Me, case_id: int) -> Response:
    """The form, filled with the profile (the read is logged)."""
    return _form(request, me, _profile(request, me, case_id))


@router.post("/cases/{case_id}/profile")
def save_profile(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Save the fields typed differently; a refusal answers the form with every problem."""
    kivo = kivo_of(request)
    current = _profile(request, me, case_id)
    wanted, problems = _changes(current, typed)
    if not problems and not wanted:
        problems.append(InvalidInput(texts.pf_nothing))
    if problems:
        return _form(request, me, current, 400, problems, typed)
    clear = [CLEARED.get(name, name) for name, value in wanted.items() if value in ([], None)]
    given = {name: value for name, value in wanted.items() if value not in ([], None)}
    try:
        profiles.set_profile(kivo, case_id, **given, clear=clear, by=me.id)
    except (Refused, InvalidInput) as error:
        return _form(request, me, current, status_of(error), [error], typed)
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _profile(request: Request, me: SignedIn, case_id: int) -> ProfileView:
    checked_ids(case_id)
    kivo = kivo_of(request)
    owner_of(kivo, case_id, by=me.id)  # another's case: unknown (404); the read logged
    return profiles.show_profile(kivo, case_id)


def shown(current: ProfileView) -> dict[str, str]:
    """The profile as the form shows it: lists comma-separated."""
    values: dict[str, str] = {name: ", ".join(getattr(current, name)) for name in LISTS}
    values["max_hours"] = "" if current.max_hours is None else str(current.max_hours)
    values["municipality"] = current.municipality or ""
    return values


def _changes(current: ProfileView, typed: dict[str, str]) -> tuple[dict[str, Any], list[Exception]]:
    """The fields typed differently, parsed as the use case parses them (an emptied one:
    ``[]`` or ``None``, to clear), and every problem among them."""
    before = shown(current)
    wanted: dict[str, Any] = {}
    problems: list[Exception] = []
    for name, now in before.items():
        text = typed.get(name)
        if text is None or text.strip() == now:
            continue
        try:
            wanted[name] = _parsed(name, text)
        except InvalidInput as problem:
            problems.append(problem)
    return wanted, problems


def _parsed(name: str, text: str) -> Any:
    if name in LISTS:
        return LISTS[name]([part for part in text.split(",") if part.strip()])
    if not text.strip():
        return None
    if name == "municipality":
        return rules.parse_municipality(text)
    if not (text.strip().isascii() and text.strip().isdigit()) or len(text.strip()) > 3:
        said = {"label": texts.pf_max_hours, "value": quoted(text)}
        raise InvalidInput(render(current(), NOT_A_WHOLE_NUMBER, said), field=name)
    return rules.parse_max_hours(int(text))


def _form(
    request: Request,
    me: SignedIn,
    current: ProfileView,
    status: int = 200,
    problems: list[Exception] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        "profile_edit.html",
        status,
        user=me,
        profile=current,
        values={**shown(current), **(typed or {})},
        problems=problems or [],
        areas=rules.AREAS,
        adaptations=list(rules.ADAPTATIONS),
    )
