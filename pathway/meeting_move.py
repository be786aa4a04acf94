"""Move a booked tripartite meeting to another time.

Only a meeting still booked (not held, no-show or cancelled) moves, never into the past,
and under the checks a booking has: the case has not exited, the new day is not before
the case was opened nor before its open placement started. In one transaction:

- the meeting's time changes and its ``sequence`` goes up by one, so the calendar file
  (``kivo meeting ics``) carries the same event (same UID) with a higher SEQUENCE and the
  new DTSTART, and a calendar that imported it before updates it;
- its reminders follow: the planned meeting it stands for (if still pending) is now due
  on the meeting's new day; its pending reminders are dropped and queued again from that
  day, as the rule set plans reminders for any item;
- the case's history records a ``meeting_moved`` event: which meeting, from, to, who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pathway import actors
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.meetings import MEETING_TIME, SCHEDULED, _belongs_to, _entry, local_day
from pathway.moves import case_at_version
from pathway.ports import UnitOfWork
from pathway.scheduling import reminders_for
from states.agenda import MeetingEntry
from states.calendar_bounds import check_moment
from states.case import EXITED
from states.errors import InvalidInput, NotFound
from states.messages import N_, Message
from states.notes import MAX_TITLE, checked_text
from states.records import Case, CaseEvent, Meeting
from states.violations import structural

MEETING_MOVED = "meeting_moved"


@dataclass(frozen=True)
class MovedMeeting:
    """The meeting as it is now, where it was, and the planned item that moved with it."""

    meeting: MeetingEntry
    moved_from: datetime
    followup_id: int | None
    reminders_queued: int


def move_meeting(
    kivo: Kivo,
    meeting_id: int,
    at: datetime,
    *,
    by: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    case_id: int | None = None,
) -> MovedMeeting:
    """Reschedule booked meeting ``meeting_id`` to ``at`` (Swedish time when naive);
    ``reason``: why, kept in the history; ``expected_version``: the case's version the
    caller looked at (a conflict if it moved on); ``case_id``: the case the caller holds
    the meeting to be on (a meeting of another case is answered as unknown)."""
    if reason is not None:
        reason = checked_text(reason, Message(N_("the reason")), limit=MAX_TITLE, field="reason")
    if at.tzinfo is None:
        at = at.replace(tzinfo=LOCAL)
    check_moment(at, MEETING_TIME)
    now = kivo.now()
    if at <= now:
        raise InvalidInput(
            Message(
                N_(
                    "the new time {at} is not after now ({now}): a meeting moves to a time "
                    "still to come"
                ),
                {"at": _minute(at), "now": _minute(now)},
            ),
            field="at",
        )
    with kivo.uow() as uow:
        meeting = uow.meetings.locked(meeting_id)
        unknown = NotFound.with_id("meeting", meeting_id)
        if case_id is not None and meeting.case_id != case_id:
            raise unknown
        actor = actors.acting_on(kivo, uow, by, meeting.case_id, "move-meeting", missing=unknown)
        case = case_at_version(uow, meeting.case_id, expected_version)
        _check_movable(meeting, case)
        if meeting.at == at:
            raise InvalidInput(
                Message(
                    N_("meeting {meeting} is already at {at}"),
                    {"meeting": meeting_id, "at": _minute(at)},
                ),
                field="at",
            )
        _belongs_to(uow, case, local_day(at))
        moved_from = meeting.at
        meeting.at, meeting.sequence = at, meeting.sequence + 1
        uow.meetings.save(meeting)
        followup_id, queued = _reminders_follow(kivo, uow, meeting)
        uow.cases.touch(case)  # a change to the case: its version moves on
        uow.events.append(
            CaseEvent(
                case_id=meeting.case_id,
                kind=MEETING_MOVED,
                on=kivo.today(),
                recorded_at=now,
                from_state=case.state,
                to_state=case.state,
                actor_id=actor.id if actor else None,
                reason=reason,
                data={
                    "meeting_id": meeting_id,
                    "from": moved_from.astimezone(LOCAL).isoformat(),
                    "to": at.astimezone(LOCAL).isoformat(),
                    "sequence": meeting.sequence,
                    **({"followup_id": followup_id} if followup_id is not None else {}),
                },
            )
        )
        entry = _entry(uow, meeting)
        uow.commit()
    return MovedMeeting(entry, moved_from.astimezone(LOCAL), followup_id, queued)


def _minute(moment: datetime) -> str:
    """A moment as a refusal shows it: Swedish local time to the minute."""
    return f"{moment.astimezone(LOCAL):%Y-%m-%d %H:%M}"


def _check_movable(meeting: Meeting, case: Case) -> None:
    problems = []
    if case.state == EXITED:
        exited = Message(N_("the case has exited: none of its meetings can be moved"))
        problems.append(structural("case-exited", exited))
    if meeting.status != SCHEDULED:
        problems.append(
            structural(
                "meeting-already-recorded",
                Message(
                    N_(
                        "meeting {meeting} was recorded as {status}: only a booked meeting "
                        "can be moved"
                    ),
                    {"meeting": meeting.id, "status": meeting.status},
                ),
            )
        )
    if problems:
        head = Message(N_("meeting {meeting}: moving refused"), {"meeting": meeting.id})
        raise Refused.saying(head, problems)


def _reminders_follow(kivo: Kivo, uow: UnitOfWork, meeting: Meeting) -> tuple[int | None, int]:
    """The pending planned meeting this one stands for is now due on the new day: its
    pending reminders go unsent and the rule set's reminders for the new day are queued.
    Returns the item's id (None when there is none pending) and how many were queued."""
    if meeting.followup_id is None:
        return None, 0
    item = uow.followups.locked(meeting.followup_id)
    if item.id is None or item.status != "pending":
        return None, 0
    uow.reminders.drop_pending([item.id])
    item.due = local_day(meeting.at)
    uow.followups.save(item)
    queued = reminders_for(kivo, [item])
    uow.reminders.add_many(queued)
    return item.id, len(queued)
