"""Case actions on a case's agenda as forms: book, record and move tripartite meetings;
start, extend and end a placement or change its supervisor; correct an event of the
history (coordinators); show the personnummer in full (a read the access log keeps as
``show-personal``). Each calls the use case the CLI calls, as the signed-in caseworker,
through ``web.acting.act``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from pathway import corrections, moves, placements, supervisor_change
from pathway.context import Kivo
from pathway.meeting_move import move_meeting
from pathway.meetings import parse_moment, record_meeting, schedule_meeting
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from web.acting import act, checked_ids
from web.auth import current_caseworker
from web.choices import supervisor_field, workplace_field
from web.deps import kivo_of
from web.forms import Typed, day_field, id_field, required, text_field
from web.page_language import texts
from web.pages import case_response

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
PLACEMENT_KINDS = ("start", "extend", "end", "supervisor")


@router.post("/cases/{case_id}/meetings")
def book_meeting(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Book a tripartite meeting with the supervisor chosen (none chosen: the open
    placement's is invited)."""

    def work() -> object:
        at = parse_moment(typed.get("at", ""), "at")
        supervisor = id_field(typed, "supervisor", texts.supervisor)  # from a list of ids
        return schedule_meeting(kivo_of(request), case_id, at, supervisor_id=supervisor, by=me.id)

    return act(request, me, case_id, "meeting", typed, work)


@router.post("/cases/{case_id}/meetings/{meeting_id}/record")
def record(request: Request, me: Me, case_id: int, meeting_id: int, typed: Typed) -> Response:
    """Record a booked meeting as held, a no-show or cancelled."""
    checked_ids(meeting_id)
    return act(
        request,
        me,
        case_id,
        f"record-{meeting_id}",
        typed,
        lambda: record_meeting(
            kivo_of(request),
            meeting_id,
            typed.get("outcome", ""),
            notes=text_field(typed, "notes", texts.notes),
            by=me.id,
            case_id=case_id,
        ),
    )


@router.post("/cases/{case_id}/meetings/{meeting_id}/move")
def move(request: Request, me: Me, case_id: int, meeting_id: int, typed: Typed) -> Response:
    """Move a booked meeting to another time (the calendar file follows)."""
    checked_ids(meeting_id)

    def work() -> object:
        return move_meeting(
            kivo_of(request),
            meeting_id,
            parse_moment(typed.get("at", ""), "at"),
            reason=text_field(typed, "reason", texts.reason),
            by=me.id,
            expected_version=id_field(typed, "version", texts.version),
            case_id=case_id,
        )

    return act(request, me, case_id, f"move-{meeting_id}", typed, work)


@router.post("/cases/{case_id}/placement")
def placement(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Start the case's placement, extend it, end it early, or change its supervisor."""
    kind = typed.get("kind", "")
    if kind not in PLACEMENT_KINDS:
        raise InvalidInput("unknown placement action", field="kind")
    work = _PLACEMENT[kind]
    return act(
        request,
        me,
        case_id,
        f"placement-{kind}",
        typed,
        lambda: work(kivo_of(request), me, case_id, typed),
    )


def _start(kivo: Kivo, me: SignedIn, case_id: int, typed: dict[str, str]) -> object:
    workplace = workplace_field(kivo, typed)
    return moves.start_placement(
        kivo,
        case_id,
        supervisor_id=supervisor_field(kivo, typed, workplace),
        workplace_id=workplace,
        programme=typed.get("programme") or None,
        until=day_field(typed, "until", texts.until),
        on=day_field(typed, "on", texts.on),
        by=me.id,
        override=text_field(typed, "override", texts.override),
        expected_version=id_field(typed, "version", texts.version),
    )


def _extend(kivo: Kivo, me: SignedIn, case_id: int, typed: dict[str, str]) -> object:
    return placements.extend(
        kivo,
        case_id,
        until=required(day_field(typed, "until", texts.until), "until", texts.until_needed),
        reason=text_field(typed, "reason", texts.reason),
        by=me.id,
        on=day_field(typed, "on", texts.on),
        override=text_field(typed, "override", texts.override),
        expected_version=id_field(typed, "version", texts.version),
    )


def _end(kivo: Kivo, me: SignedIn, case_id: int, typed: dict[str, str]) -> object:
    return placements.end(
        kivo,
        case_id,
        on=day_field(typed, "on", texts.on) or kivo.today(),
        reason=text_field(typed, "reason", texts.reason) or "",
        by=me.id,
        expected_version=id_field(typed, "version", texts.version),
    )


def _supervisor(kivo: Kivo, me: SignedIn, case_id: int, typed: dict[str, str]) -> object:
    supervisor = id_field(typed, "supervisor", texts.supervisor)  # from a list of ids
    return supervisor_change.change_supervisor(
        kivo,
        case_id,
        required(supervisor, "supervisor", texts.supervisor_needed),
        on=day_field(typed, "on", texts.on),
        reason=text_field(typed, "reason", texts.reason),
        by=me.id,
        override=text_field(typed, "override", texts.override),
        expected_version=id_field(typed, "version", texts.version),
    )


_PLACEMENT = {"start": _start, "extend": _extend, "end": _end, "supervisor": _supervisor}


@router.post("/cases/{case_id}/correct")
def correct(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Undo one event of the history (a coordinator's correction, with the reason)."""

    def work() -> object:
        event = id_field(typed, "event", texts.event)
        return corrections.correct(
            kivo_of(request),
            case_id,
            required(event, "event", texts.event_needed),
            reason=typed.get("reason", ""),
            by=me.id,
            expected_version=id_field(typed, "version", texts.version),
        )

    return act(request, me, case_id, "correct", typed, work)


@router.post("/cases/{case_id}/personnummer")
def show_personnummer(request: Request, me: Me, case_id: int) -> Response:
    """The case page with the personnummer in full: a POST, so it is never in an
    address; the read is logged as ``show-personal``."""
    checked_ids(case_id)
    return case_response(request, me, case_id, show_personal=True)
