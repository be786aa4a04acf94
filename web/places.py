"""Platser: the places workplaces offer, their lifecycle, the ranked candidates with their
reasons, and proposals (propose, accept, decline). Each form posts the CSRF token and
calls exactly the use case the CLI calls, the signed-in caseworker as the actor
(``by=me.id``): a caseworker ranks and proposes their own caseload, a coordinator every
case; another caseworker's case answers as unknown. A refused save answers the page
again with the rule that refused it; nothing was written."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathway import matching, places, proposals
from pathway.directory import list_supervisors, list_workplaces
from pathway.errors import Refused
from pathway.language import render
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from states.messages import N_
from states.places import PlaceStatus
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed, day_field, id_field, text_field
from web.page_language import current, programme_options, texts
from web.pages import MAX_ID
from web.render import flash, page

router = APIRouter()

NOT_A_WHOLE_NUMBER = N_("{label}: give a whole number")

Me = Annotated[SignedIn, Depends(current_caseworker)]
STATUSES = tuple(s.value for s in PlaceStatus)
CHANGES = {"agree": places.agree_place, "open": places.open_place}
MATCHABLE = ("contact", "agreed", "open")


@router.get("/places")
def place_list(
    request: Request,
    me: Me,
    status: Annotated[str | None, Query(max_length=20)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
) -> Response:
    if status not in STATUSES:
        status = None
    if step not in (2, 3, 6, 7, 8, 9):
        step = None
    found = places.list_places(kivo_of(request), status=status, step=step, limit=200)
    return page(
        request,
        "places.html",
        user=me,
        rows=found,
        statuses=STATUSES,
        filters={"status": status, "step": step},
    )


@router.get("/places/new")
def new_place_form(request: Request, me: Me) -> Response:
    return _new_page(request, me, {}, None)


def _new_page(
    request: Request, me: SignedIn, typed: dict[str, str], refused: Exception | None
) -> Response:
    kivo = kivo_of(request)
    status = 200 if refused is None else (422 if isinstance(refused, Refused) else 400)
    workplaces = list_workplaces(kivo)
    names = {w.id: w.name for w in workplaces}
    answer = page(
        request,
        "place_new.html",
        status,
        user=me,
        typed=typed,
        refused=refused,
        workplace_options=[(w.id, w.name) for w in workplaces if w.active],
        supervisor_options=[
            (s.id, f"{s.name} ({names.get(s.workplace_id, '')})")
            for s in list_supervisors(kivo)
            if s.active
        ],
        programme_options=programme_options(current(), kivo.catalogue),
    )
    if refused is not None:
        answer.headers["HX-Replace-Url"] = "/places/new"
    return answer


@router.post("/places/new")
def add_place(request: Request, me: Me, typed: Typed) -> Response:
    kivo = kivo_of(request)
    try:
        workplace = id_field(typed, "workplace", texts.workplace)
        if workplace is None:
            raise InvalidInput(texts.workplace_needed, field="workplace")
        done = places.add_place(
            kivo,
            workplace,
            title=typed.get("title", ""),
            positions=_count(typed, "positions", texts.pl_positions) or 0,
            steps=_list(typed.get("steps", "")),
            programmes=[typed["programme"]] if typed.get("programme") else [],
            requires=_list(typed.get("requires", "")),
            hours=_count(typed, "hours", texts.pl_hours),
            municipality=typed.get("municipality") or None,
            supervisor_id=id_field(typed, "supervisor", texts.supervisor),
            earliest_start=day_field(typed, "start", texts.pl_start),
            tasks=[line.strip() for line in typed.get("tasks", "").splitlines() if line.strip()],
            on=day_field(typed, "on", texts.on),
            by=me.id,
        )
    except (Refused, InvalidInput) as error:
        return _new_page(request, me, typed, error)
    flash(request, texts.saved)
    return RedirectResponse(f"/places/{done.place_id}", status_code=303)


@router.get("/places/{place_id}")
def place_page(
    request: Request,
    me: Me,
    place_id: int,
    why_not: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    return place_response(request, me, place_id, why_not=why_not)


def place_response(
    request: Request,
    me: SignedIn,
    place_id: int,
    status: int = 200,
    *,
    why_not: int | None = None,
    **extra: Any,
) -> Response:
    """The place: its facts and history, its proposals, and (while it can take someone)
    the ranked candidates of the signed-in caseworker's caseload with their reasons."""
    kivo = kivo_of(request)
    view = places.show_place(kivo, place_id)
    ranking = None
    if view.status in MATCHABLE:
        ranking = matching.match_place(kivo, place_id, limit=20, why_not=why_not, by=me.id)
    offered = proposals.list_proposals(kivo, place_id=place_id, limit=200)
    answer = page(
        request,
        "place.html",
        status,
        user=me,
        place=view,
        ranking=ranking,
        offered=offered,
        why_not=why_not,
        **{"refused": None, "typed": {}, "form": None, **extra},
    )
    if extra:
        answer.headers["HX-Replace-Url"] = f"/places/{place_id}"
    return answer


@router.post("/places/{place_id}/status")
def change_status(request: Request, me: Me, place_id: int, typed: Typed) -> Response:
    """Agree, open or cancel the place (a cancellation needs its reason)."""
    kivo = kivo_of(request)
    action = typed.get("action", "")
    try:
        on = day_field(typed, "on", texts.on)
        if action == "cancel":
            reason = text_field(typed, "reason", texts.reason)
            places.cancel_place(kivo, place_id, reason=reason, on=on, by=me.id)
        elif action in CHANGES:
            CHANGES[action](kivo, place_id, on=on, by=me.id)
        else:
            raise InvalidInput(texts.unknown_change, field="action")
    except (Refused, InvalidInput) as error:
        return place_response(
            request, me, place_id, _status(error), refused=error, typed=typed, form=action
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/places/{place_id}", status_code=303)


@router.post("/places/{place_id}/proposals")
def propose(request: Request, me: Me, place_id: int, typed: Typed) -> Response:
    """Propose a case for the place (one of the caseworker's own, or any for a
    coordinator); answered on the place's page."""
    kivo = kivo_of(request)
    try:
        case_id = id_field(typed, "case", texts.pl_case)
        if case_id is None:
            raise InvalidInput(texts.case_needed, field="case")
        proposals.propose(kivo, place_id, case_id, by=me.id)
    except (Refused, InvalidInput) as error:
        return place_response(
            request, me, place_id, _status(error), refused=error, typed=typed, form="propose"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/places/{place_id}", status_code=303)


@router.post("/proposals/{proposal_id}/accept")
def accept(request: Request, me: Me, proposal_id: int, typed: Typed) -> Response:
    """Both said yes: the case moves into the place in one transaction (the move's
    rules judge it as an advance; a refusal names the rule and writes nothing)."""
    return _answer(request, me, proposal_id, typed, "accept")


@router.post("/proposals/{proposal_id}/decline")
def decline(request: Request, me: Me, proposal_id: int, typed: Typed) -> Response:
    """The participant or the employer says no, with the reason."""
    return _answer(request, me, proposal_id, typed, "decline")


def _answer(
    request: Request, me: SignedIn, proposal_id: int, typed: dict[str, str], kind: str
) -> Response:
    kivo = kivo_of(request)
    place_id = id_field(typed, "place", texts.pl_place)
    try:
        on = day_field(typed, "on", texts.on)
        if kind == "accept":
            until = day_field(typed, "until", texts.until)
            done = proposals.accept(kivo, proposal_id, on=on, until=until, by=me.id)
            place_id = done.place_id
        else:
            line = proposals.decline(
                kivo,
                proposal_id,
                declined_by=typed.get("declined_by", ""),
                reason=text_field(typed, "reason", texts.reason),
                on=on,
                by=me.id,
            )
            place_id = line.place_id
    except (Refused, InvalidInput) as error:
        if place_id is None:
            raise
        form = f"{kind}-{proposal_id}"
        return place_response(
            request, me, place_id, _status(error), refused=error, typed=typed, form=form
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/places/{place_id}", status_code=303)


@router.get("/cases/{case_id}/matches")
def case_matches(request: Request, me: Me, case_id: int) -> Response:
    """The open places the case could take, with the reasons (the case page loads it
    in its section; without JavaScript the section links here)."""
    kivo = kivo_of(request)
    try:
        ranking = matching.match_case(kivo, case_id, limit=10, by=me.id)
        refused = None
    except Refused as error:
        ranking, refused = None, error
    template = "_case_matches_rows.html" if request.headers.get("hx-request") else "matches.html"
    return page(request, template, user=me, case_id=case_id, ranking=ranking, refused=refused)


def _status(error: Exception) -> int:
    return 422 if isinstance(error, Refused) else 400


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _count(typed: dict[str, str], name: str, label: str) -> int | None:
    value = typed.get(name)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 4:
        raise InvalidInput(render(current(), NOT_A_WHOLE_NUMBER, {"label": label}), field=name)
    return int(value)
