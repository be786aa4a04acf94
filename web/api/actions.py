"""The other case actions, each the use case the CLI calls with the caller as the actor:
consent, follow-ups, tripartite meetings, the placement, notes; and the case's agenda
(placements, follow-ups, meetings) to find what to act on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from pathway import adhoc_followups, enrolment, moves, notes, placements, supervisor_change
from pathway.context import Kivo
from pathway.enrolment import ConsentWithdrawn
from pathway.followups import mark_done
from pathway.meeting_move import MovedMeeting, move_meeting
from pathway.meetings import (
    RecordedMeeting,
    parse_moment,
    record_meeting,
    schedule_meeting,
)
from pathway.notes import NoteLine
from pathway.placements import Ended, Extended
from pathway.results import MoveResult, plain
from pathway.supervisor_change import SupervisorChanged
from pathway.views import read_case
from pathway.workspace import CaseAgenda, case_agenda
from states.agenda import FollowupEntry, MeetingEntry
from states.errors import InvalidInput
from web.api.caller import Caller, Reader, Writer
from web.api.cases import CaseId
from web.api.models import (
    MAX_ID,
    MOVE,
    ConsentGiven,
    ConsentIn,
    FollowupDoneIn,
    FollowupIn,
    MeetingIn,
    MeetingMoveIn,
    MeetingRecordIn,
    NoteIn,
    PlacementIn,
    answers,
)
from web.deps import kivo_of

router = APIRouter(tags=["case actions"])

ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
CHANGES = (403, 404, 409, 422)
FOLLOWUP = {"id": 8, "case_id": 3, "due": "2026-04-01", "title": "Ring arbetsgivaren"}
NOTE = {
    "id": 1,
    "case_id": 3,
    "recorded_at": "2026-03-02T10:15:00+01:00",
    "author_id": 2,
    "author": "Hanna",
    "text": "Ringde.",
}
MEETING = {"id": 5, "case_id": 3, "at": "2026-03-10T10:00:00+01:00", "status": "scheduled"}


@router.get(
    "/cases/{case_id}/agenda",
    responses=answers(
        {"placements": [], "followups": [FOLLOWUP], "meetings": [MEETING]},
        statuses=(404,),
        model=CaseAgenda,
    ),
)
def agenda(request: Request, me: Reader, case_id: CaseId) -> Any:
    """The case's placements, follow-ups (every status) and meetings. The read is logged."""
    kivo = kivo_of(request)
    read_case(kivo, case_id, by=me.id)
    return plain(case_agenda(kivo, case_id))


@router.post(
    "/cases/{case_id}/consent",
    responses=answers(
        {"case_id": 3, "consent_on": "2026-03-02"},
        statuses=CHANGES,
        model=ConsentGiven | ConsentWithdrawn,
    ),
)
def consent(request: Request, me: Writer, case_id: CaseId, body: ConsentIn) -> Any:
    """Record the participant's consent to share information, or (``withdraw``) its
    withdrawal."""
    kivo = kivo_of(request)
    common: dict[str, Any] = {"on": body.on, "by": me.id, "expected_version": body.expected_version}
    if body.withdraw:
        return plain(enrolment.withdraw_consent(kivo, case_id, **common))
    return {"case_id": case_id, "consent_on": enrolment.record_consent(kivo, case_id, **common)}


@router.post(
    "/cases/{case_id}/followups",
    status_code=201,
    responses=answers(FOLLOWUP, statuses=CHANGES, ok=201, model=FollowupEntry),
)
def add_followup(request: Request, me: Writer, case_id: CaseId, body: FollowupIn) -> Any:
    """Plan an ad-hoc follow-up on the case."""
    kivo = kivo_of(request)
    return plain(
        adhoc_followups.add_followup(
            kivo, case_id, body.due, body.title, by=me.id, expected_version=body.expected_version
        )
    )


@router.post(
    "/cases/{case_id}/followups/{followup_id}/done",
    responses=answers({**FOLLOWUP, "status": "done"}, statuses=CHANGES, model=FollowupEntry),
)
def followup_done(
    request: Request, me: Writer, case_id: CaseId, followup_id: ItemId, body: FollowupDoneIn
) -> Any:
    """Mark a follow-up done, with what it found."""
    done = mark_done(
        kivo_of(request),
        followup_id,
        on=body.on,
        notes=body.notes,
        finding=body.finding or None,
        by=me.id,
        case_id=case_id,
    )
    return plain(done)


@router.post(
    "/cases/{case_id}/meetings",
    status_code=201,
    responses=answers(MEETING, statuses=CHANGES, ok=201, model=MeetingEntry),
)
def book_meeting(request: Request, me: Writer, case_id: CaseId, body: MeetingIn) -> Any:
    """Book a tripartite meeting (the open placement's supervisor invited by default)."""
    kivo = kivo_of(request)
    at = parse_moment(body.at, "at")
    return plain(schedule_meeting(kivo, case_id, at, supervisor_id=body.supervisor, by=me.id))


@router.post(
    "/cases/{case_id}/meetings/{meeting_id}/record",
    responses=answers({**MEETING, "status": "held"}, statuses=CHANGES, model=RecordedMeeting),
)
def record(
    request: Request, me: Writer, case_id: CaseId, meeting_id: ItemId, body: MeetingRecordIn
) -> Any:
    """Record a booked meeting as held, a no-show or cancelled."""
    recorded = record_meeting(
        kivo_of(request), meeting_id, body.outcome, notes=body.notes, by=me.id, case_id=case_id
    )
    return plain(recorded)


@router.post(
    "/cases/{case_id}/meetings/{meeting_id}/move",
    responses=answers(MEETING, statuses=CHANGES, model=MovedMeeting),
)
def reschedule(
    request: Request, me: Writer, case_id: CaseId, meeting_id: ItemId, body: MeetingMoveIn
) -> Any:
    """Move a booked meeting to another time, with the reason."""
    moved = move_meeting(
        kivo_of(request),
        meeting_id,
        parse_moment(body.at, "at"),
        by=me.id,
        reason=body.reason,
        expected_version=body.expected_version,
        case_id=case_id,
    )
    return plain(moved)


@router.post(
    "/cases/{case_id}/placement",
    responses=answers(
        MOVE, statuses=CHANGES, model=MoveResult | Extended | Ended | SupervisorChanged
    ),
)
def placement(request: Request, me: Writer, case_id: CaseId, body: PlacementIn) -> Any:
    """``start`` the placement of a case in a workplace step without one; ``extend`` the
    open one ``until`` a day, ``end`` it early, or change its ``supervisor``."""
    return plain(_placement(kivo_of(request), me, case_id, body))


def _placement(kivo: Kivo, me: Caller, case_id: int, body: PlacementIn) -> Any:
    common: dict[str, Any] = {"by": me.id, "expected_version": body.expected_version}
    if body.action == "start":
        return moves.start_placement(
            kivo,
            case_id,
            supervisor_id=body.supervisor,
            workplace_id=body.workplace,
            programme=body.programme,
            until=body.until,
            on=body.on,
            override=body.override,
            **common,
        )
    if body.action == "extend":
        if body.until is None:
            raise InvalidInput("an extension needs the day it runs until", field="until")
        return placements.extend(
            kivo, case_id, until=body.until, reason=body.reason, on=body.on,
            override=body.override, **common,
        )  # fmt: skip
    if body.action == "end":
        on = body.on or kivo.today()
        return placements.end(kivo, case_id, on=on, reason=body.reason or "", **common)
    if body.action == "supervisor":
        if body.supervisor is None:
            raise InvalidInput("a change of supervisor names the new one", field="supervisor")
        return supervisor_change.change_supervisor(
            kivo, case_id, body.supervisor, on=body.on, reason=body.reason,
            override=body.override, **common,
        )  # fmt: skip
    raise InvalidInput(
        "unknown placement action: choose start, extend, end or supervisor", field="action"
    )


@router.get(
    "/cases/{case_id}/notes",
    responses=answers([NOTE], statuses=(404,), model=list[NoteLine]),
)
def case_notes(request: Request, me: Reader, case_id: CaseId) -> Any:
    """The case's notes, oldest first. The read is logged."""
    kivo = kivo_of(request)
    read_case(kivo, case_id, by=me.id)
    return plain(notes.list_notes(kivo, case_id))


@router.post(
    "/cases/{case_id}/notes",
    status_code=201,
    responses=answers(NOTE, statuses=CHANGES, ok=201, model=NoteLine),
)
def add_note(request: Request, me: Writer, case_id: CaseId, body: NoteIn) -> Any:
    """Keep a dated note on the case."""
    kivo = kivo_of(request)
    return plain(notes.add_note(kivo, case_id, body.text, by=me.id))
