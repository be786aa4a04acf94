"""Tripartite meetings through the use cases, on SQLite and PostgreSQL: booking, recording,
listing, the calendar export, and the rule that a placement needs one held.

Today is Monday 2026-03-02, 09:00 in Sweden (UTC+1). A case in short practice started
2026-01-19 with a planned end 2026-04-30 has planned meetings due 2026-01-19 (start),
2026-03-10 (midpoint) and 2026-04-23 (a week before the end).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from pathway import directory, moves, reports, views
from pathway.context import Kivo
from pathway.digest import weekly_digest
from pathway.errors import Refused
from pathway.meetings import (
    list_meetings,
    meetings_calendar,
    parse_moment,
    record_meeting,
    schedule_meeting,
)
from persistence.tables import FollowupRow, MeetingRow, ReminderRow
from states.agenda import MeetingEntry
from states.case import Outcome
from states.errors import InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import (
    Staff,
    engine_of,
    enrol_case,
    events_of,
    fresh_personnummer,
    table_contents,
)

LOCAL = ZoneInfo("Europe/Stockholm")
STARTED = date(2026, 1, 19)
PLANNED_END = date(2026, 4, 30)
START_DUE, MIDPOINT_DUE, END_DUE = date(2026, 1, 19), date(2026, 3, 10), date(2026, 4, 23)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def in_short_practice(kivo: Kivo, staff: Staff, *, pnr: str | None = None) -> int:
    case_id = enrol_case(kivo, staff, pnr=pnr)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=STARTED,
        supervisor_id=staff.supervisor,
        until=PLANNED_END,
    )
    return case_id


def planned_meetings(kivo: Kivo, case_id: int) -> dict[date, FollowupRow]:
    """The case's planned meetings by due date."""
    query = select(FollowupRow).where(FollowupRow.case_id == case_id, FollowupRow.kind == "meeting")
    with Session(engine_of(kivo.database)) as session:
        return {row.due: row for row in session.exec(query.order_by(col(FollowupRow.id)))}


def stored_meeting(kivo: Kivo, meeting_id: int) -> MeetingRow:
    with Session(engine_of(kivo.database)) as session:
        row = session.get(MeetingRow, meeting_id)
        assert row is not None
        return row


def reminder_statuses(kivo: Kivo, followup_id: int | None) -> set[str]:
    query = select(ReminderRow.status).where(ReminderRow.followup_id == followup_id)
    with Session(engine_of(kivo.database)) as session:
        return set(session.exec(query))


def book(kivo: Kivo, case_id: int, at: str, **details: int) -> MeetingEntry:
    return schedule_meeting(kivo, case_id, local(at), **details)


def events_in(calendar: bytes) -> list[Event]:
    return [e for e in Calendar.from_ical(calendar).walk("VEVENT") if isinstance(e, Event)]


# Booking


def test_a_booked_meeting_stands_for_the_planned_meeting_due_nearest_to_it(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)

    meeting = book(kivo, case_id, "2026-03-12T10:00")

    planned = planned_meetings(kivo, case_id)
    assert meeting.followup_id == planned[MIDPOINT_DUE].id
    assert (meeting.case_id, meeting.status, meeting.participant) == (
        case_id,
        "scheduled",
        "Amira Deltagare",
    )
    assert meeting.at == local("2026-03-12T10:00")
    assert meeting.at.utcoffset() == local("2026-03-12T10:00").utcoffset()
    assert (meeting.supervisor_id, meeting.supervisor, meeting.workplace) == (
        staff.supervisor,
        "Sven Handledare",
        "Bageriet i Visby",
    )
    assert meeting.caseworker_id == staff.caseworker
    row = stored_meeting(kivo, meeting.id)
    assert row.at.replace(tzinfo=row.at.tzinfo or UTC) == datetime(2026, 3, 12, 9, tzinfo=UTC)
    assert (row.uid, row.followup_id, row.status) == (meeting.uid, meeting.followup_id, "scheduled")


def test_a_second_meeting_stands_for_the_nearest_planned_meeting_not_yet_booked(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    planned = planned_meetings(kivo, case_id)

    first = book(kivo, case_id, "2026-03-12T10:00")
    second = book(kivo, case_id, "2026-03-11T10:00")

    assert first.followup_id == planned[MIDPOINT_DUE].id
    assert second.followup_id == planned[END_DUE].id


def test_of_two_planned_meetings_as_near_the_earlier_is_chosen(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    planned = planned_meetings(kivo, case_id)
    halfway = date.fromordinal((MIDPOINT_DUE.toordinal() + END_DUE.toordinal()) // 2)
    assert (halfway - MIDPOINT_DUE) == (END_DUE - halfway)

    meeting = book(kivo, case_id, f"{halfway.isoformat()}T10:00")

    assert meeting.followup_id == planned[MIDPOINT_DUE].id


def test_a_meeting_for_a_case_without_planned_meetings_stands_for_none(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.INFORMATION, on=STARTED)

    meeting = book(kivo, case_id, "2026-03-12T10:00")

    assert (meeting.followup_id, meeting.supervisor_id, meeting.supervisor) == (None, None, None)


def test_a_named_supervisor_is_invited_instead_of_the_placements(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)

    meeting = book(kivo, case_id, "2026-03-12T10:00", supervisor_id=staff.other_supervisor)

    assert (meeting.supervisor_id, meeting.workplace) == (staff.other_supervisor, "Vården Norr")


def test_every_meeting_gets_a_uid_of_its_own_that_never_changes(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    first = book(kivo, case_id, "2026-02-27T10:00")
    second = book(kivo, case_id, "2026-03-12T10:00")

    recorded = record_meeting(kivo, first.id, "held")

    assert first.uid != second.uid
    assert re.fullmatch(r"kivo-meeting-[a-p]{32}@kivo", first.uid)  # no run of digits
    assert recorded.meeting.uid == stored_meeting(kivo, first.id).uid == first.uid


def test_booking_a_meeting_for_an_exited_case_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        book(kivo, case_id, "2026-03-12T10:00")

    (violation,) = refused.value.violations
    assert (violation.code, violation.overridable) == ("case-exited", False)
    assert table_contents(kivo.database) == before


def test_booking_with_an_unknown_supervisor_or_case_is_not_found_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(NotFound, match="no supervisor with id 99"):
        book(kivo, case_id, "2026-03-12T10:00", supervisor_id=99)
    with pytest.raises(NotFound, match="no case with id 999"):
        book(kivo, 999, "2026-03-12T10:00")

    assert table_contents(kivo.database) == before


def test_a_moment_without_a_zone_is_swedish_time() -> None:
    assert parse_moment("2026-03-10T10:00") == local("2026-03-10T10:00")
    assert parse_moment(" 2026-07-01 10:00 ") == local("2026-07-01T10:00")
    assert parse_moment("2026-07-01T10:00").utcoffset() == local("2026-07-01T10:00").utcoffset()


def test_a_moment_with_a_zone_keeps_it() -> None:
    moment = parse_moment("2026-03-10T09:00+00:00")
    assert moment == local("2026-03-10T10:00")
    assert parse_moment("2026-03-10T09:00Z") == moment


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("tomorrow", "'tomorrow' is not a date and time in ISO form such as 2026-03-10T10:00"),
        ("2026-02-30T10:00", "is not a date and time in ISO form"),
        ("2026-03-10T25:00", "is not a date and time in ISO form"),
        ("2026-03-10", "has no time of day"),
        ("", "is not a date and time"),
    ],
)
def test_a_moment_that_is_not_an_iso_date_and_time_is_invalid_input(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_moment(text)
    assert says in caught.value.message
    assert "--at" in caught.value.message


# Recording


def test_a_held_meeting_marks_its_planned_meeting_done_on_its_day_and_drops_its_reminders(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-02-27T10:00")
    planned = planned_meetings(kivo, case_id)
    assert meeting.followup_id == planned[MIDPOINT_DUE].id

    recorded = record_meeting(kivo, meeting.id, "held", notes="  agreed on tasks  ")

    assert recorded.followup_done == planned[MIDPOINT_DUE].id
    assert (recorded.meeting.status, recorded.meeting.notes) == ("held", "agreed on tasks")
    after = planned_meetings(kivo, case_id)
    assert (after[MIDPOINT_DUE].status, after[MIDPOINT_DUE].done_on) == (
        "done",
        date(2026, 2, 27),
    )
    assert reminder_statuses(kivo, planned[MIDPOINT_DUE].id) == {"dropped"}
    assert {after[START_DUE].status, after[END_DUE].status} == {"pending"}
    assert reminder_statuses(kivo, planned[END_DUE].id) == {"pending"}
    row = stored_meeting(kivo, meeting.id)
    assert (row.status, row.notes) == ("held", "agreed on tasks")


def test_the_day_a_meeting_was_held_is_its_day_in_sweden(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-02-27T00:30")  # 2026-02-26 23:30 in UTC

    record_meeting(kivo, meeting.id, "held")

    done = [row for row in planned_meetings(kivo, case_id).values() if row.status == "done"]
    assert [row.done_on for row in done] == [date(2026, 2, 27)]


def test_a_meeting_held_after_its_plan_changed_completes_no_planned_meeting_of_the_new_step(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-03-02T08:00")
    moves.advance(
        kivo, case_id, Step.FIXED_TERM, workplace_id=staff.workplace, until=date(2026, 12, 31)
    )

    recorded = record_meeting(kivo, meeting.id, "held")

    query = select(FollowupRow).where(
        FollowupRow.case_id == case_id, FollowupRow.step == 7, FollowupRow.kind == "meeting"
    )
    with Session(engine_of(kivo.database)) as session:
        new_step = session.exec(query).all()
    assert recorded.followup_done is None
    assert new_step
    assert {row.status for row in new_step} == {"pending"}
    assert recorded.meeting.status == "held"


@pytest.mark.parametrize(
    ("at", "says"),
    [
        ("2026-01-11T10:00", "before case"),  # enrolled 2026-01-12
        ("2026-01-18T10:00", "before the case's placement started (2026-01-19)"),
    ],
)
def test_a_meeting_before_the_enrolment_or_its_placement_is_bad_input_and_writes_nothing(
    kivo: Kivo, staff: Staff, at: str, says: str
) -> None:
    case_id = in_short_practice(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput) as invalid:
        book(kivo, case_id, at)

    assert says in invalid.value.message
    assert table_contents(kivo.database) == before


def test_a_meeting_before_any_placement_may_be_booked_from_the_enrolment_on(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    assert book(kivo, case_id, "2026-01-12T10:00").case_id == case_id


@pytest.mark.parametrize("outcome", ["no-show", "cancelled"])
def test_a_meeting_that_did_not_take_place_leaves_its_planned_meeting_open_for_another(
    kivo: Kivo, staff: Staff, outcome: str
) -> None:
    case_id = in_short_practice(kivo, staff)
    missed = book(kivo, case_id, "2026-02-27T10:00")

    recorded = record_meeting(kivo, missed.id, outcome)
    again = book(kivo, case_id, "2026-03-09T10:00")

    assert recorded.followup_done is None
    assert recorded.meeting.status == outcome
    planned = planned_meetings(kivo, case_id)
    assert planned[MIDPOINT_DUE].status == "pending"
    assert reminder_statuses(kivo, planned[MIDPOINT_DUE].id) == {"pending"}
    assert again.followup_id == missed.followup_id == planned[MIDPOINT_DUE].id


def test_a_meeting_can_be_held_earlier_today(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-03-02T15:00")  # later today: its day has come

    assert record_meeting(kivo, meeting.id, "held").meeting.status == "held"


@pytest.mark.parametrize("first", ["held", "no-show", "cancelled"])
def test_a_meeting_is_recorded_only_once(kivo: Kivo, staff: Staff, first: str) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-02-27T10:00")
    record_meeting(kivo, meeting.id, first)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        record_meeting(kivo, meeting.id, "held")

    (violation,) = refused.value.violations
    assert violation.code == "meeting-already-recorded"
    assert f"already recorded as {first}" in violation.message
    assert table_contents(kivo.database) == before


def outcome_of(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as error:  # collected and checked by the test
        return error


def test_two_people_recording_the_same_meeting_at_once_record_it_once(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-02-27T10:00")
    outcomes: list[object] = []
    second = threading.Thread(
        target=lambda: outcomes.append(outcome_of(lambda: record_meeting(kivo, meeting.id, "held")))
    )

    with kivo.uow() as first:
        found = first.meetings.locked(meeting.id)
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second one waits for the first"
        found.status = "no-show"
        first.meetings.save(found)
        first.commit()
    second.join(20)

    (outcome,) = outcomes
    assert isinstance(outcome, Refused), outcome
    assert [v.code for v in outcome.violations] == ["meeting-already-recorded"]
    assert stored_meeting(kivo, meeting.id).status == "no-show"
    assert planned_meetings(kivo, case_id)[MIDPOINT_DUE].status == "pending"


@pytest.mark.parametrize("outcome", ["held", "no-show"])
def test_a_meeting_in_the_future_cannot_have_taken_place(
    kivo: Kivo, staff: Staff, outcome: str
) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-03-03T10:00")
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        record_meeting(kivo, meeting.id, outcome)

    (violation,) = refused.value.violations
    assert violation.code == "meeting-in-future"
    assert "2026-03-03, after today (2026-03-02)" in violation.message
    assert table_contents(kivo.database) == before


def test_a_meeting_in_the_future_can_be_cancelled(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-04-01T10:00")

    assert record_meeting(kivo, meeting.id, "cancelled").meeting.status == "cancelled"


def test_recording_an_unknown_meeting_or_outcome_fails_clearly(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-02-27T10:00")

    with pytest.raises(NotFound, match="no meeting with id 999"):
        record_meeting(kivo, 999, "held")
    with pytest.raises(InvalidInput, match="unknown meeting outcome 'late'"):
        record_meeting(kivo, meeting.id, "late")


# The rule: leaving a placement step needs a held meeting


def test_leaving_a_placement_without_a_held_meeting_is_recorded_as_a_warning(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    book(kivo, case_id, "2026-02-27T10:00")  # booked, never recorded as held

    result = moves.advance(
        kivo, case_id, Step.FIXED_TERM, workplace_id=staff.workplace, until=date(2026, 12, 1)
    )

    assert [w["code"] for w in result.warnings] == ["meeting-not-held"]
    assert result.to_state == "fixed-term"
    assert events_of(kivo, case_id)[-1].warnings == result.warnings


def test_a_meeting_held_during_the_placement_satisfies_the_rule(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    view = views.show_case(kivo, case_id)
    assert all("meeting-not-held" in {w["code"] for w in n.warnings} for n in view.next)
    record_meeting(kivo, book(kivo, case_id, "2026-01-19T08:00").id, "held")  # the first day

    assert all(n.warnings == [] for n in views.show_case(kivo, case_id).next)
    result = moves.fall_back(kivo, case_id, Step.INFORMATION, reason="the practice ended")

    assert result.warnings == []
    assert events_of(kivo, case_id)[-1].warnings == []


def test_a_meeting_held_before_the_case_entered_its_step_does_not_count(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    record_meeting(kivo, book(kivo, case_id, "2026-02-27T10:00").id, "held")
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 3, 1),
        workplace_id=staff.workplace,
        until=date(2026, 12, 31),
    )

    result = moves.exit_case(kivo, case_id, outcome=Outcome.JOB_SEEKING)

    assert [w["code"] for w in result.warnings] == ["meeting-not-held"]


def test_a_case_paused_in_a_placement_still_counts_the_meetings_held_in_it(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    record_meeting(kivo, book(kivo, case_id, "2026-02-27T10:00").id, "held")
    moves.pause(kivo, case_id, reason="ill")

    result = moves.exit_case(kivo, case_id, outcome=Outcome.JOB_SEEKING)

    assert result.warnings == []


# Listing


def test_meetings_are_listed_in_time_order_with_every_status(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    late = book(kivo, case_id, "2026-04-20T13:00")
    early = book(kivo, case_id, "2026-02-27T10:00")
    record_meeting(kivo, early.id, "held")

    listed = list_meetings(kivo, case_id=case_id)

    assert [(m.id, m.status) for m in listed] == [(early.id, "held"), (late.id, "scheduled")]
    assert listed[1].at == local("2026-04-20T13:00")
    assert listed[1].at.utcoffset() == local("2026-04-20T13:00").utcoffset()


def test_meetings_are_listed_by_case_and_by_caseworker(kivo: Kivo, staff: Staff) -> None:
    mine = in_short_practice(kivo, staff)
    other_worker = directory.add_caseworker(kivo, "Olle Annan").id
    assert other_worker is not None
    theirs = enrol_case(kivo, staff, name="Bo Deltagare")
    with kivo.uow() as uow:  # hand the second case to the other caseworker
        case = uow.cases.get(theirs)
        case.caseworker_id = other_worker
        uow.cases.save(case)
        uow.commit()
    a, b = book(kivo, mine, "2026-03-05T10:00"), book(kivo, theirs, "2026-03-04T10:00")

    assert [m.id for m in list_meetings(kivo)] == [b.id, a.id]
    assert [m.id for m in list_meetings(kivo, case_id=mine)] == [a.id]
    assert [m.id for m in list_meetings(kivo, caseworker_id=staff.caseworker)] == [a.id]
    assert [m.id for m in list_meetings(kivo, caseworker_id=other_worker)] == [b.id]
    assert list_meetings(kivo, case_id=mine, caseworker_id=other_worker) == []


def test_the_from_and_to_days_are_swedish_days_and_both_included(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    after_midnight = book(kivo, case_id, "2026-03-10T00:30")  # 2026-03-09 23:30 UTC
    before_midnight = book(kivo, case_id, "2026-03-11T23:30")  # 22:30 UTC

    def between(first: str | None, last: str | None) -> list[int]:
        return [
            m.id
            for m in list_meetings(
                kivo,
                first=date.fromisoformat(first) if first else None,
                last=date.fromisoformat(last) if last else None,
            )
        ]

    both = [after_midnight.id, before_midnight.id]
    assert between("2026-03-10", "2026-03-11") == both
    assert between("2026-03-10", "2026-03-10") == [after_midnight.id]
    assert between(None, "2026-03-09") == []
    assert between("2026-03-11", None) == [before_midnight.id]
    assert between("2026-03-12", None) == []


def test_a_from_day_after_the_to_day_is_invalid_input(kivo: Kivo) -> None:
    with pytest.raises(InvalidInput, match="--from 2026-03-12 is after --to 2026-03-10"):
        list_meetings(kivo, first=date(2026, 3, 12), last=date(2026, 3, 10))


def test_listing_for_an_unknown_case_or_caseworker_is_not_found(kivo: Kivo) -> None:
    with pytest.raises(NotFound, match="no case with id 999"):
        list_meetings(kivo, case_id=999)
    with pytest.raises(NotFound, match="no caseworker with id 999"):
        list_meetings(kivo, caseworker_id=999)


# The calendar


def test_the_calendar_parses_and_holds_one_event_per_upcoming_booked_meeting(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    past = book(kivo, case_id, "2026-02-27T10:00")
    earlier_today = book(kivo, case_id, "2026-03-02T08:00")
    coming = book(kivo, case_id, "2026-03-12T10:00")
    called_off = book(kivo, case_id, "2026-03-20T10:00")
    record_meeting(kivo, called_off.id, "cancelled")
    assert past.id != earlier_today.id

    calendar = Calendar.from_ical(meetings_calendar(kivo))

    assert calendar["VERSION"] == "2.0"
    assert "kivo" in str(calendar["PRODID"])
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [earlier_today.uid, coming.uid]
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"


def test_an_event_says_when_in_swedish_time_for_an_hour_and_names_only_the_case(
    kivo: Kivo, staff: Staff
) -> None:
    pnr = fresh_personnummer("19980412")
    case_id = in_short_practice(kivo, staff, pnr=pnr)
    meeting = book(kivo, case_id, "2026-06-12T10:00")

    data = meetings_calendar(kivo)
    (event,) = events_in(data)

    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == local("2026-06-12T10:00")
    assert str(start.tzinfo) == "Europe/Stockholm"
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert end - start == local("2026-06-12T11:00") - local("2026-06-12T10:00")
    assert event.decoded("DTSTAMP") == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert str(event["UID"]) == meeting.uid
    assert str(event["SUMMARY"]) == f"Tripartite meeting, case {case_id}"
    assert str(event["LOCATION"]) == "Bageriet i Visby"
    text = data.decode()
    assert "Amira" not in text
    assert pnr not in text
    assert pnr[2:8] not in text.replace("\r\n ", "")


def test_two_exports_give_every_meeting_the_same_uid(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    book(kivo, case_id, "2026-03-12T10:00")
    book(kivo, case_id, "2026-04-21T10:00")

    first = meetings_calendar(kivo)
    book(kivo, case_id, "2026-03-05T10:00")
    second = meetings_calendar(kivo)

    uids = [str(e["UID"]) for e in events_in(first)]
    again = [str(e["UID"]) for e in events_in(second)]
    assert len(set(uids)) == 2
    assert set(uids) < set(again)
    assert len(again) == 3
    assert meetings_calendar(kivo) == second  # nothing changed: the very same file


def test_the_calendar_of_a_caseworker_holds_only_their_cases(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    meeting = book(kivo, case_id, "2026-03-12T10:00")
    other_worker = directory.add_caseworker(kivo, "Olle Annan").id
    assert other_worker is not None

    mine = events_in(meetings_calendar(kivo, caseworker_id=staff.caseworker))
    theirs = events_in(meetings_calendar(kivo, caseworker_id=other_worker))

    assert [str(e["UID"]) for e in mine] == [meeting.uid]
    assert theirs == []
    with pytest.raises(NotFound, match="no caseworker with id 999"):
        meetings_calendar(kivo, caseworker_id=999)


def test_an_empty_calendar_still_parses(kivo: Kivo) -> None:
    calendar = Calendar.from_ical(meetings_calendar(kivo))
    assert calendar.walk("VEVENT") == []
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_exiting_cancels_the_booked_meetings_so_calendar_digest_and_overdue_forget_them(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    past = book(kivo, case_id, "2026-02-27T10:00")  # never recorded
    coming = book(kivo, case_id, "2026-03-04T10:00")
    held = book(kivo, case_id, "2026-02-20T10:00")
    record_meeting(kivo, held.id, "held")

    moves.exit_case(kivo, case_id, outcome=Outcome.JOB_SEEKING)

    statuses = {m.id: m.status for m in list_meetings(kivo, case_id=case_id)}
    assert statuses == {past.id: "cancelled", coming.id: "cancelled", held.id: "held"}
    assert "case exited on 2026-03-02" in (stored_meeting(kivo, coming.id).notes or "")
    assert events_in(meetings_calendar(kivo, caseworker_id=staff.caseworker)) == []
    digest = weekly_digest(kivo, caseworker_id=staff.caseworker)
    assert all(m.case_id != case_id for c in digest.caseworkers for m in c.meetings)
    overdue = reports.overdue(kivo).caseworkers
    assert [
        c for c in overdue if c.caseworker_id == staff.caseworker and c.unrecorded_meetings
    ] == []
