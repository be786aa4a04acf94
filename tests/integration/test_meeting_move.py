"""Moving a booked meeting, on SQLite and PostgreSQL: the time changes with the calendar
event's SEQUENCE, the planned meeting's reminders follow, the history records the move,
and every refusal leaves the database as it was.

Today is Monday 2026-03-02, 09:00 in Sweden. A case in short practice from 2026-01-19 to
2026-04-30 has its midpoint meeting planned on 2026-03-10; a meeting booked for
2026-03-12 stands for it. Reminders: two days before, on the day, a week after.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from pathway import directory, handover, moves
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.meeting_move import move_meeting
from pathway.meetings import meetings_calendar, record_meeting, schedule_meeting
from persistence.tables import FollowupRow, ReminderRow
from states.agenda import MeetingEntry
from states.case import Outcome
from states.errors import Conflict, InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import (
    Staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    stored_case,
    table_contents,
)

LOCAL = ZoneInfo("Europe/Stockholm")
MIDPOINT_DUE = date(2026, 3, 10)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def in_short_practice(kivo: Kivo, staff: Staff) -> int:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 19),
        supervisor_id=staff.supervisor,
        until=date(2026, 4, 30),
    )
    return case_id


def booked(kivo: Kivo, staff: Staff, at: str = "2026-03-12T10:00") -> MeetingEntry:
    return schedule_meeting(kivo, in_short_practice(kivo, staff), local(at))


def reminders(kivo: Kivo, followup_id: int | None) -> list[tuple[str, date, date, str]]:
    query = (
        select(ReminderRow)
        .where(ReminderRow.followup_id == followup_id)
        .order_by(col(ReminderRow.id))
    )
    with Session(engine_of(kivo.database)) as session:
        return [(r.kind, r.due, r.send_on, r.status) for r in session.exec(query)]


def followup(kivo: Kivo, followup_id: int | None) -> FollowupRow:
    with Session(engine_of(kivo.database)) as session:
        row = session.get(FollowupRow, followup_id)
        assert row is not None
        return row


def calendar_events(kivo: Kivo) -> list[Event]:
    calendar = Calendar.from_ical(meetings_calendar(kivo))
    return [e for e in calendar.walk("VEVENT") if isinstance(e, Event)]


def test_a_moved_meeting_keeps_its_uid_and_the_calendar_event_gets_a_higher_sequence(
    kivo: Kivo, staff: Staff
) -> None:
    meeting = booked(kivo, staff)
    (before,) = calendar_events(kivo)

    moved = move_meeting(kivo, meeting.id, local("2026-03-19T13:30"), by=staff.caseworker)

    (after,) = calendar_events(kivo)
    assert (moved.meeting.id, moved.meeting.uid, moved.meeting.sequence) == (
        meeting.id,
        meeting.uid,
        1,
    )
    assert moved.meeting.at == local("2026-03-19T13:30")
    assert moved.moved_from == local("2026-03-12T10:00")
    assert str(before["UID"]) == str(after["UID"]) == meeting.uid
    assert (before.decoded("SEQUENCE"), after.decoded("SEQUENCE")) == (0, 1)
    assert before.decoded("DTSTART") == local("2026-03-12T10:00")
    assert after.decoded("DTSTART") == local("2026-03-19T13:30")
    again = move_meeting(kivo, meeting.id, local("2026-03-20T09:00"))
    assert again.meeting.sequence == 2
    assert calendar_events(kivo)[0].decoded("SEQUENCE") == 2


def test_the_planned_meetings_reminders_follow_the_meeting_to_its_new_day(
    kivo: Kivo, staff: Staff
) -> None:
    meeting = booked(kivo, staff)
    assert followup(kivo, meeting.followup_id).due == MIDPOINT_DUE
    old = [(kind, due, send_on) for kind, due, send_on, _ in reminders(kivo, meeting.followup_id)]

    moved = move_meeting(kivo, meeting.id, local("2026-03-19T13:30"))

    assert moved.followup_id == meeting.followup_id
    assert moved.reminders_queued == 3
    assert followup(kivo, meeting.followup_id).due == date(2026, 3, 19)
    assert reminders(kivo, meeting.followup_id) == [
        *((kind, due, send_on, "dropped") for kind, due, send_on in old),
        ("before", date(2026, 3, 19), date(2026, 3, 17), "pending"),
        ("due", date(2026, 3, 19), date(2026, 3, 19), "pending"),
        ("escalation", date(2026, 3, 19), date(2026, 3, 26), "pending"),
    ]


def test_a_move_back_to_the_planned_day_brings_the_dropped_reminders_back_once(
    kivo: Kivo, staff: Staff
) -> None:
    meeting = booked(kivo, staff, "2026-03-10T10:00")
    move_meeting(kivo, meeting.id, local("2026-03-19T13:30"))

    move_meeting(kivo, meeting.id, local("2026-03-10T14:00"))

    found = reminders(kivo, meeting.followup_id)
    assert [r for r in found if r[3] == "pending"] == [
        ("before", MIDPOINT_DUE, date(2026, 3, 8), "pending"),
        ("due", MIDPOINT_DUE, MIDPOINT_DUE, "pending"),
        ("escalation", MIDPOINT_DUE, date(2026, 3, 17), "pending"),
    ]
    assert len(found) == 6  # the three of the 19th dropped; none doubled


def test_a_meeting_whose_planned_item_is_not_pending_moves_without_touching_a_reminder(
    kivo: Kivo, staff: Staff
) -> None:
    meeting = booked(kivo, staff)
    moves.pause(kivo, meeting.case_id, reason="sjukskriven")  # its item is suspended
    before = table_contents(kivo.database)["reminder"]

    moved = move_meeting(kivo, meeting.id, local("2026-04-02T10:00"))

    assert (moved.followup_id, moved.reminders_queued) == (None, 0)
    assert followup(kivo, meeting.followup_id).status == "suspended"
    assert followup(kivo, meeting.followup_id).due == MIDPOINT_DUE
    assert table_contents(kivo.database)["reminder"] == before


def test_the_history_records_which_meeting_moved_from_when_to_when_and_who_moved_it(
    kivo: Kivo, staff: Staff
) -> None:
    meeting = booked(kivo, staff)
    version = stored_case(kivo, meeting.case_id).version

    move_meeting(
        kivo, meeting.id, local("2026-03-19T13:30"), by=staff.caseworker, reason="handledaren sjuk"
    )

    event = events_of(kivo, meeting.case_id)[-1]
    assert (event.kind, event.on, event.actor_id, event.reason) == (
        "meeting_moved",
        date(2026, 3, 2),
        staff.caseworker,
        "handledaren sjuk",
    )
    assert event.from_state == event.to_state == "short-practice"
    assert event.data == {
        "meeting_id": meeting.id,
        "from": "2026-03-12T10:00:00+01:00",
        "to": "2026-03-19T13:30:00+01:00",
        "sequence": 1,
        "followup_id": meeting.followup_id,
    }
    assert stored_case(kivo, meeting.case_id).version == version + 1
    assert_history_replays_to_stored_state(kivo, meeting.case_id)


@pytest.mark.parametrize("outcome", ["held", "no-show", "cancelled"])
def test_a_recorded_meeting_is_refused_and_nothing_changes(
    make_kivo: Callable[..., Kivo], staff: Staff, outcome: str
) -> None:
    kivo = make_kivo()
    meeting = booked(kivo, staff, "2026-03-02T08:00")
    record_meeting(kivo, meeting.id, outcome)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        move_meeting(kivo, meeting.id, local("2026-03-19T13:30"))

    assert [v.code for v in refused.value.violations] == ["meeting-already-recorded"]
    assert table_contents(kivo.database) == before


def test_a_meeting_of_an_exited_case_is_refused(kivo: Kivo, staff: Staff) -> None:
    meeting = booked(kivo, staff)
    moves.exit_case(kivo, meeting.case_id, outcome=Outcome.JOB_SEEKING)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        move_meeting(kivo, meeting.id, local("2026-03-19T13:30"))

    assert {v.code for v in refused.value.violations} == {
        "case-exited",
        "meeting-already-recorded",
    }
    assert table_contents(kivo.database) == before


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-03-02T08:59", "is not after now"),
        ("2026-03-02T09:00", "is not after now"),
        ("2025-12-01T10:00", "is not after now"),
        ("2026-03-12T10:00", "is already at 2026-03-12 10:00"),
    ],
)
def test_a_time_in_the_past_or_the_same_time_is_bad_input_and_nothing_changes(
    kivo: Kivo, staff: Staff, at: str, message: str
) -> None:
    meeting = booked(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput, match=message) as error:
        move_meeting(kivo, meeting.id, local(at))

    assert error.value.params["field"] == "at"
    assert table_contents(kivo.database) == before


def test_an_unknown_meeting_an_inactive_mover_or_a_stale_version_changes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    meeting = booked(kivo, staff)
    gone = directory.add_caseworker(kivo, "Olle Slutat").id
    assert gone is not None
    handover.deactivate_caseworker(kivo, gone, by=staff.coordinator)
    version = stored_case(kivo, meeting.case_id).version
    before = table_contents(kivo.database)

    with pytest.raises(NotFound, match="no meeting with id 999"):
        move_meeting(kivo, 999, local("2026-03-19T13:30"))
    with pytest.raises(InvalidInput, match="no longer active"):
        move_meeting(kivo, meeting.id, local("2026-03-19T13:30"), by=gone)
    with pytest.raises(Conflict):
        move_meeting(kivo, meeting.id, local("2026-03-19T13:30"), expected_version=version - 1)
    with pytest.raises(InvalidInput, match="control character"):
        move_meeting(kivo, meeting.id, local("2026-03-19T13:30"), reason="sjuk\x1b[2J")

    assert table_contents(kivo.database) == before
    moved = move_meeting(kivo, meeting.id, local("2026-03-19T13:30"), expected_version=version)
    assert moved.meeting.sequence == 1
