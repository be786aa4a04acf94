"""Tripartite meetings: book one, record what happened, list them, export a calendar.

A booked meeting stands for the case's planned meeting (a follow-up of kind "meeting")
due nearest to it; recorded as held, it satisfies that item and no other: done on the
meeting's day, its reminders dropped. A meeting belongs to the case's open placement, so
it cannot be on a day before the placement started (or before the case was opened).
Each meeting has a UID fixed when it is booked, so a calendar imported twice updates its
events instead of doubling them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from pathway import actors
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.ports import UnitOfWork
from states.agenda import MeetingEntry
from states.calendar_bounds import LATEST, check_moment
from states.case import EXITED
from states.errors import InvalidInput, NotFound, quoted
from states.messages import N_, Hint, Message
from states.records import Case, Followup, Meeting, Placement
from states.violations import Violation, structural

SCHEDULED = "scheduled"
OUTCOMES = ("held", "no-show", "cancelled")
TAKEN_PLACE = ("held", "no-show")  # what can only be said of a meeting once its day came
DURATION = timedelta(hours=1)
PRODID = "-//kivo//tripartite meetings//EN"
LETTERS = str.maketrans("0123456789", "ghijklmnop")
EXAMPLE = Message(N_("such as 2026-03-10T10:00 (Swedish time unless a zone is given)"))
MEETING_TIME = Message(N_("the meeting's time"))


@dataclass(frozen=True)
class RecordedMeeting:
    """A meeting as recorded, and the planned item it satisfied (if it was held)."""

    meeting: MeetingEntry
    followup_done: int | None


def parse_moment(text: str, what: str = "at") -> datetime:
    """An ISO date and time; without a zone it is Swedish local time."""
    raw = text.strip()
    params = {"option": Hint(what, f"--{what}"), "given": quoted(text), "example": EXAMPLE}
    try:
        date.fromisoformat(raw)
    except ValueError:
        pass
    else:
        raise InvalidInput(
            Message(N_("{option} {given} has no time of day: give one, {example}"), params)
        )
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            Message(N_("{option} {given} is not a date and time in ISO form {example}"), params),
            field=what,
        ) from None
    return check_moment(moment if moment.tzinfo else moment.replace(tzinfo=LOCAL), f"--{what}")


def new_uid() -> str:
    """A globally unique UID (RFC 5545 3.8.4.7), so calendars of two kivo databases never
    clash. Its 128 random bits are spelt in letters: a run of digits in a calendar could be
    mistaken for a personnummer."""
    return f"kivo-meeting-{uuid.uuid4().hex.translate(LETTERS)}@kivo"


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def day_start(day: date) -> datetime:
    """The first moment of a Swedish calendar day."""
    return datetime.combine(day, time(), LOCAL)


def schedule_meeting(
    kivo: Kivo,
    case_id: int,
    at: datetime,
    *,
    supervisor_id: int | None = None,
    by: int | None = None,
) -> MeetingEntry:
    """Book a tripartite meeting; without a supervisor, the open placement's is invited.
    ``by``: who books it (their own case, or a coordinator)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=LOCAL)
    check_moment(at, MEETING_TIME)  # stored, it must never break a calendar
    with kivo.uow() as uow:
        actors.acting_on(kivo, uow, by, case_id, "book-meeting")
        case = uow.cases.get(case_id)
        if case.state == EXITED:
            exited = Message(N_("the case has exited: no meeting can be booked"))
            raise Refused.saying(
                Message(N_("case {case}: booking a meeting refused"), {"case": case_id}),
                [structural("case-exited", exited)],
            )
        placement = _belongs_to(uow, case, local_day(at))
        if supervisor_id is not None:
            uow.supervisors.get(supervisor_id)
        elif placement is not None:
            supervisor_id = placement.supervisor_id
        planned = nearest(uow.followups.unbooked_meetings(case_id), local_day(at))
        meeting = uow.meetings.add(
            Meeting(
                case_id=case_id,
                at=at,
                uid=new_uid(),
                supervisor_id=supervisor_id,
                followup_id=planned.id if planned else None,
            )
        )
        entry = _entry(uow, meeting)
        uow.commit()
    return entry


def _belongs_to(uow: UnitOfWork, case: Case, day: date) -> Placement | None:
    """The open placement a meeting on ``day`` belongs to; a day before the case's
    enrolment, or before that placement started, is bad input."""
    assert case.id is not None
    if day < case.opened_on:
        raise InvalidInput(
            Message(
                N_("the meeting's day {day} is before case {case} was opened ({opened})"),
                {"day": day.isoformat(), "case": case.id, "opened": case.opened_on.isoformat()},
            ),
            field="at",
        )
    placements = uow.placements.open_for_case(case.id)
    placement = max(placements, key=lambda p: (p.start, p.id or 0), default=None)
    if placement is not None and day < placement.start:
        raise InvalidInput(
            Message(
                N_("the meeting's day {day} is before the case's placement started ({start})"),
                {"day": day.isoformat(), "start": placement.start.isoformat()},
            ),
            field="at",
        )
    return placement


def record_meeting(
    kivo: Kivo,
    meeting_id: int,
    outcome: str,
    *,
    notes: str | None = None,
    by: int | None = None,
    case_id: int | None = None,
) -> RecordedMeeting:
    """Record a booked meeting as held, a no-show or cancelled (once). ``by``: who
    records it (a meeting of another caseworker's case is answered as unknown);
    ``case_id``: the case the caller holds it to be on (another's: unknown too)."""
    if outcome not in OUTCOMES:
        raise InvalidInput(
            Message(
                N_("unknown meeting outcome {given}: choose one of {choices}"),
                {"given": quoted(outcome), "choices": ", ".join(OUTCOMES)},
            ),
            field="outcome",
        )
    with kivo.uow() as uow:
        meeting = uow.meetings.locked(meeting_id)
        unknown = NotFound.with_id("meeting", meeting_id)
        if case_id is not None and meeting.case_id != case_id:
            raise unknown
        actors.acting_on(kivo, uow, by, meeting.case_id, "record-meeting", missing=unknown)
        day = local_day(meeting.at)
        problems = _recording_problems(meeting, outcome, day, kivo.today())
        if problems:
            head = Message(N_("meeting {meeting}: recording refused"), {"meeting": meeting_id})
            raise Refused.saying(head, problems)
        meeting.status = outcome
        meeting.notes = (notes or "").strip() or meeting.notes
        done = _satisfy(uow, meeting, day) if outcome == "held" else None
        uow.meetings.save(meeting)
        entry = _entry(uow, meeting)
        uow.commit()
    return RecordedMeeting(entry, done)


def _recording_problems(meeting: Meeting, outcome: str, day: date, today: date) -> list[Violation]:
    problems = []
    if meeting.status != SCHEDULED:
        problems.append(
            structural(
                "meeting-already-recorded",
                Message(
                    N_("meeting {meeting} was already recorded as {status}"),
                    {"meeting": meeting.id, "status": meeting.status},
                ),
            )
        )
    if outcome in TAKEN_PLACE and day > today:
        problems.append(
            structural(
                "meeting-in-future",
                Message(
                    N_(
                        "meeting {meeting} is on {day}, after today ({today}): record it "
                        "once it has taken place"
                    ),
                    {"meeting": meeting.id, "day": day.isoformat(), "today": today.isoformat()},
                ),
            )
        )
    return problems


def _satisfy(uow: UnitOfWork, meeting: Meeting, day: date) -> int | None:
    """Mark the planned meeting this one was booked for as done; its reminders go unsent.

    Only that item, and only while it is pending: once the plan changed (the case moved
    on, the placement ended) the meeting completes nothing of another step's plan."""
    linked = uow.followups.find(meeting.followup_id) if meeting.followup_id else None
    if linked is None or linked.id is None or linked.status != "pending":
        return None
    linked.status, linked.done_on = "done", day
    uow.followups.save(linked)
    uow.reminders.drop_pending([linked.id])
    return linked.id


def nearest(items: Sequence[Followup], day: date) -> Followup | None:
    """The item due nearest to ``day``; of two as near, the earlier."""
    return min(items, key=lambda f: (abs((f.due - day).days), f.due, f.id or 0), default=None)


def list_meetings(
    kivo: Kivo,
    *,
    case_id: int | None = None,
    caseworker_id: int | None = None,
    first: date | None = None,
    last: date | None = None,
) -> list[MeetingEntry]:
    """Meetings of any status in time order, from ``first`` to ``last`` (both included)."""
    if first is not None and last is not None and first > last:
        raise InvalidInput(
            Message(
                N_("{start} {first} is after {end} {last}"),
                {
                    "start": Hint("from", "--from"),
                    "first": first.isoformat(),
                    "end": Hint("to", "--to"),
                    "last": last.isoformat(),
                },
            ),
            field="from",
        )
    with kivo.uow(read_only=True) as uow:
        _check_filters(uow, case_id, caseworker_id)
        entries = uow.meetings.lines(
            case_id=case_id,
            caseworker_id=caseworker_id,
            start=day_start(first) if first else None,
            end=day_start(last + timedelta(days=1)) if last else None,
        )
    return [local_entry(entry) for entry in entries]


def meetings_calendar(kivo: Kivo, *, caseworker_id: int | None = None) -> bytes:
    """Upcoming booked meetings (from today on) as an RFC 5545 calendar."""
    today = kivo.today()
    with kivo.uow(read_only=True) as uow:
        _check_filters(uow, None, caseworker_id)
        entries = uow.meetings.lines(
            caseworker_id=caseworker_id, statuses=(SCHEDULED,), start=day_start(today)
        )
    return calendar_of([local_entry(e) for e in entries], stamp=kivo.now(), today=today)


def calendar_of(entries: Sequence[MeetingEntry], *, stamp: datetime, today: date) -> bytes:
    """One VEVENT per meeting: its stable UID and SEQUENCE (how often it was moved),
    Swedish local time, an hour long.

    The summary names the case by its id only: a calendar leaves kivo, so it carries no
    participant's name or personnummer."""
    from icalendar import Calendar, Event, Timezone

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "kivo: tripartite meetings")
    calendar.add("x-wr-timezone", str(LOCAL))
    last = max([local_day(e.at) for e in entries], default=today)
    until = min(last.year, LATEST.year) + 2  # a meeting booked before dates were bounded
    calendar.add_component(
        Timezone.from_tzid(
            str(LOCAL), first_date=date(today.year, 1, 1), last_date=date(until, 1, 1)
        )
    )
    for entry in entries:
        start = entry.at.astimezone(LOCAL)
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("sequence", entry.sequence)  # moved: the same event, a later version
        event.add("dtstart", start)
        event.add("dtend", (start.astimezone(UTC) + DURATION).astimezone(LOCAL))
        event.add("summary", f"Tripartite meeting, case {entry.case_id}")
        event.add("description", _description(entry))
        if entry.workplace:
            event.add("location", entry.workplace)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _description(entry: MeetingEntry) -> str:
    lines = [
        f"Tripartite meeting (trepartssamtal) in kivo case {entry.case_id}: "
        "participant, workplace supervisor and caseworker.",
    ]
    if entry.supervisor:
        where = f" ({entry.workplace})" if entry.workplace else ""
        lines.append(f"Supervisor: {entry.supervisor}{where}.")
    lines.append(f"Afterwards: kivo meeting record {entry.id} --held (or --no-show).")
    return "\n".join(lines)


def _check_filters(uow: UnitOfWork, case_id: int | None, caseworker_id: int | None) -> None:
    if case_id is not None:
        uow.cases.get(case_id)
    if caseworker_id is not None:
        uow.caseworkers.get(caseworker_id)


def _entry(uow: UnitOfWork, meeting: Meeting) -> MeetingEntry:
    (entry,) = uow.meetings.lines(meeting_id=meeting.id)
    return local_entry(entry)


def local_entry(entry: MeetingEntry) -> MeetingEntry:
    return replace(entry, at=entry.at.astimezone(LOCAL))
