"""Correcting a recorded move or exit, on SQLite and PostgreSQL.

A correction puts back exactly what the move wrote (case, placement, follow-ups,
reminders, meetings), keeps both events in the history (which still replays to the
state), is refused naming what depends on the move, and writes nothing when refused.

Today is Monday 2026-03-02 in Sweden.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from pathway import moves
from pathway.context import Kivo
from pathway.corrections import correct
from pathway.errors import Refused
from pathway.followups import mark_done
from pathway.importing import import_participants
from pathway.meetings import record_meeting, schedule_meeting
from states.case import Outcome
from states.errors import InvalidInput, KivoError, NotFound
from states.import_rows import REQUIRED_COLUMNS
from states.steps import Step
from tests.integration.support import (
    Staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    fresh_personnummer,
    placements_of,
    stored_case,
    table_contents,
)

LOCAL = ZoneInfo("Europe/Stockholm")
SHORT_PRACTICE = Step(2)


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def rows(kivo: Kivo, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine_of(kivo.database).connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params).all()]


def items(kivo: Kivo, case_id: int) -> dict[int, tuple[Any, ...]]:
    """Each follow-up of the case: status, due day, suspension, cancel reason, placement."""
    found = rows(
        kivo,
        "SELECT id, status, due, suspended_on, cancel_reason, placement_id FROM followup "
        "WHERE case_id = :case ORDER BY id",
        case=case_id,
    )
    return {row[0]: tuple(str(v) if isinstance(v, date) else v for v in row[1:]) for row in found}


def pending_reminders(kivo: Kivo, case_id: int) -> set[tuple[Any, ...]]:
    found = rows(
        kivo,
        "SELECT followup_id, kind, due FROM reminder WHERE case_id = :case AND status = 'pending'",
        case=case_id,
    )
    return {(f, k, str(d)) for f, k, d in found}


def case_fields(kivo: Kivo, case_id: int) -> tuple[Any, ...]:
    case = stored_case(kivo, case_id)
    return (case.state, case.step, case.paused_from, case.closed_on, case.outcome)


def placed(kivo: Kivo, staff: Staff, case_id: int) -> None:
    """The case in information since 2026-01-14, then in short practice from 2026-02-02."""
    moves.advance(kivo, case_id, Step(1), on=date(2026, 1, 14), by=staff.caseworker)
    moves.advance(
        kivo,
        case_id,
        SHORT_PRACTICE,
        on=date(2026, 2, 2),
        supervisor_id=staff.supervisor,
        programme="PRAKTIK",
        until=date(2026, 4, 30),
        by=staff.caseworker,
    )


def test_correcting_an_advance_into_a_workplace_step_puts_the_case_back_as_it_was(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step(1), on=date(2026, 1, 14), by=staff.caseworker)
    case_before, items_before = case_fields(kivo, case_id), items(kivo, case_id)
    reminders_before = pending_reminders(kivo, case_id)
    version = stored_case(kivo, case_id).version
    moved = moves.advance(
        kivo,
        case_id,
        SHORT_PRACTICE,
        on=date(2026, 2, 2),
        supervisor_id=staff.supervisor,
        programme="PRAKTIK",
        until=date(2026, 4, 30),
        by=staff.caseworker,
    )
    planned = set(items(kivo, case_id)) - set(items_before)
    assert planned
    assert placements_of(kivo, case_id)
    assert pending_reminders(kivo, case_id) != reminders_before

    done = correct(kivo, case_id, 4, reason="advanced the wrong participant", by=staff.coordinator)

    assert (done.event, done.kind, done.seq, done.from_state, done.to_state) == (
        4,
        "advanced",
        5,
        "short-practice",
        "information",
    )
    assert done.placement_removed == moved.placement_id
    assert sorted(done.followups_cancelled) == sorted(planned)
    assert case_fields(kivo, case_id) == case_before
    stored = stored_case(kivo, case_id)
    assert (stored.last_move_on, stored.version) == (date(2026, 1, 14), version + 2)
    assert placements_of(kivo, case_id) == []
    after = items(kivo, case_id)
    assert {i: after[i] for i in items_before} == items_before  # pending again, as they were
    assert {after[i][0] for i in planned} == {"cancelled"}
    assert {after[i][3] for i in planned} == {"correction of event 4"}
    assert {after[i][4] for i in planned} == {None}
    assert pending_reminders(kivo, case_id) == reminders_before
    events = events_of(kivo, case_id)
    assert [(e.seq, e.kind, e.from_state, e.to_state) for e in events[-2:]] == [
        (4, "advanced", "information", "short-practice"),
        (5, "correction", "short-practice", "information"),
    ]
    assert (events[-1].reason, events[-1].actor_id, events[-1].data["corrects"]) == (
        "advanced the wrong participant",
        staff.coordinator,
        4,
    )
    assert_history_replays_to_stored_state(kivo, case_id)


def test_correcting_an_exit_opens_the_case_again_with_its_placement_items_and_meetings(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    placed(kivo, staff, case_id)
    meeting = schedule_meeting(kivo, case_id, datetime(2026, 3, 10, 10, tzinfo=LOCAL))
    case_before, items_before = case_fields(kivo, case_id), items(kivo, case_id)
    reminders_before = pending_reminders(kivo, case_id)
    placements_before = [(p.id, p.ended_on, p.end_reason) for p in placements_of(kivo, case_id)]
    meeting_before = rows(kivo, "SELECT status, notes FROM meeting WHERE id = :m", m=meeting.id)
    moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, by=staff.caseworker)
    assert case_fields(kivo, case_id)[0] == "exited"
    assert rows(kivo, "SELECT status FROM meeting WHERE id = :m", m=meeting.id) == [("cancelled",)]

    done = correct(kivo, case_id, 5, reason="the exit was for another case", by=staff.coordinator)

    assert case_fields(kivo, case_id) == case_before
    assert stored_case(kivo, case_id).last_move_on == date(2026, 2, 2)
    assert [
        (p.id, p.ended_on, p.end_reason) for p in placements_of(kivo, case_id)
    ] == placements_before
    assert done.placements_reopened == [placements_before[0][0]]
    assert done.meetings_restored == [meeting.id]
    assert rows(kivo, "SELECT status, notes FROM meeting WHERE id = :m", m=meeting.id) == (
        meeting_before
    )
    after = items(kivo, case_id)
    assert {i: after[i] for i in items_before} == items_before
    exit_items = set(after) - set(items_before)  # the follow-ups after employment
    assert exit_items
    assert {after[i][0] for i in exit_items} == {"cancelled"}
    assert pending_reminders(kivo, case_id) == reminders_before
    assert_history_replays_to_stored_state(kivo, case_id)
    # the case moves on as if the exit had never been recorded
    moves.exit_case(kivo, case_id, outcome=Outcome.STUDIES, by=staff.caseworker)
    assert case_fields(kivo, case_id)[4] == "studies"
    assert_history_replays_to_stored_state(kivo, case_id)


def test_correcting_a_pause_and_then_the_resume_after_it_keeps_items_and_history_right(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    placed(kivo, staff, case_id)
    running = items(kivo, case_id)
    reminders = pending_reminders(kivo, case_id)
    moves.pause(kivo, case_id, reason="sick leave", on=date(2026, 2, 16), by=staff.caseworker)
    paused = items(kivo, case_id)
    paused_reminders = pending_reminders(kivo, case_id)
    moves.resume(kivo, case_id, by=staff.caseworker)
    assert items(kivo, case_id) != paused
    assert reminders
    assert paused_reminders != reminders

    correct(kivo, case_id, 6, reason="resumed too early", by=staff.coordinator)
    assert case_fields(kivo, case_id)[:3] == ("paused", 2, "short-practice")
    assert items(kivo, case_id) == paused
    assert pending_reminders(kivo, case_id) == paused_reminders
    assert_history_replays_to_stored_state(kivo, case_id)

    correct(kivo, case_id, 5, reason="never paused", by=staff.coordinator)
    assert case_fields(kivo, case_id)[:3] == ("short-practice", 2, None)
    assert items(kivo, case_id) == running
    assert pending_reminders(kivo, case_id) == reminders
    assert [e.kind for e in events_of(kivo, case_id)][-4:] == [
        "paused",
        "resumed",
        "correction",
        "correction",
    ]
    assert_history_replays_to_stored_state(kivo, case_id)


def refusal(kivo: Kivo, case_id: int, event: int, **given: Any) -> KivoError:
    """The error a correction raises; the whole database as it was."""
    before = table_contents(kivo.database)
    with pytest.raises(KivoError) as raised:
        correct(kivo, case_id, event, **{"reason": "a mistake", **given})
    assert table_contents(kivo.database) == before
    return raised.value


def test_a_correction_is_refused_naming_every_later_move_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    placed(kivo, staff, case_id)
    moves.pause(kivo, case_id, reason="sick leave", by=staff.caseworker)
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, by=staff.caseworker)

    error = refusal(kivo, case_id, 3, by=staff.coordinator)

    assert isinstance(error, Refused)
    assert "event 3 (an advance on 2026-01-14) cannot be corrected" in error.message
    assert [(v.code, v.params["event"]) for v in error.violations] == [
        ("later-event", 4),
        ("later-event", 5),
        ("later-event", 6),
    ]
    assert "event 5 (paused on 2026-03-02) depends on it" in error.violations[1].message


def test_a_correction_is_refused_when_a_planned_followup_is_done_or_its_meeting_held(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    placed(kivo, staff, case_id)
    (contact,) = rows(
        kivo,
        "SELECT id FROM followup WHERE case_id = :case AND kind = 'follow-up' ORDER BY due LIMIT 1",
        case=case_id,
    )[0]
    first_meeting = schedule_meeting(kivo, case_id, datetime(2026, 2, 2, 9, tzinfo=LOCAL))
    record_meeting(kivo, first_meeting.id, "held")
    mark_done(kivo, contact)

    error = refusal(kivo, case_id, 4, by=staff.coordinator)

    assert isinstance(error, Refused)
    codes = [v.code for v in error.violations]
    assert codes.count("followup-done") == 2  # the meeting's follow-up, and the other
    assert codes.count("meeting-held") == 1
    assert f"follow-up {contact} (" in " ".join(v.message for v in error.violations)


@pytest.mark.parametrize(
    ("event", "given", "kind", "words"),
    [
        (9, {}, NotFound, "case {case} has no event 9 (its history runs from 1 to 4)"),
        (1, {}, InvalidInput, "event 1 of case {case} is the enrolment, not a move or an exit"),
        (2, {}, InvalidInput, "is a consent event, not a move or an exit"),
        (4, {"by": "caseworker"}, Refused, "is not a coordinator"),
        (4, {"by": None}, InvalidInput, "give --by with a coordinator's id"),
        (4, {"reason": "  "}, InvalidInput, "the reason is empty"),
        (4, {"reason": "a\x1b[2Jb"}, InvalidInput, "the reason contains a control character"),
    ],
)
def test_a_correction_given_bad_input_or_by_a_caseworker_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff, event: int, given: dict[str, Any], kind: type, words: str
) -> None:
    case_id = enrol_case(kivo, staff)
    placed(kivo, staff, case_id)
    who = {"caseworker": staff.caseworker, None: None}
    chosen = {**given, "by": who[given["by"]] if "by" in given else staff.coordinator}

    error = refusal(kivo, case_id, event, **chosen)

    assert isinstance(error, kind)
    assert words.format(case=case_id) in error.message


def test_an_unknown_case_and_an_already_corrected_event_are_refused(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    placed(kivo, staff, case_id)
    correct(kivo, case_id, 4, reason="wrong step", by=staff.coordinator)

    assert isinstance(refusal(kivo, 999_999, 1, by=staff.coordinator), NotFound)
    again = refusal(kivo, case_id, 4, by=staff.coordinator)
    assert isinstance(again, Refused)
    assert "event 4 is already corrected (by event 5)" in again.message
    assert isinstance(refusal(kivo, case_id, 5, by=staff.coordinator), InvalidInput)
    # the advance before it is now the last move in force: it may be corrected too
    correct(kivo, case_id, 3, reason="not ready", by=staff.coordinator)
    assert case_fields(kivo, case_id)[0] == "enrolled"
    assert_history_replays_to_stored_state(kivo, case_id)


def test_an_imported_move_has_no_record_of_its_writes_and_is_refused_with_a_sentence(
    kivo: Kivo, staff: Staff
) -> None:
    header = ";".join(REQUIRED_COLUMNS)
    pnr = fresh_personnummer("19850101")
    line = f"Importerad Person;{pnr};man;;;Hanna Handläggare;2026-01-12;information;2026-01-12"
    import_participants(kivo, [header.split(";"), line.split(";")])
    (case_id,) = (
        row[0]
        for row in rows(
            kivo,
            "SELECT c.id FROM kivo_case c JOIN person p ON p.id = c.person_id "
            "WHERE p.name = 'Importerad Person'",
        )
    )
    advanced = next(e.seq for e in events_of(kivo, case_id) if e.kind == "advanced")

    error = refusal(kivo, case_id, advanced, by=staff.coordinator)

    assert isinstance(error, Refused)
    assert "recorded without what its move wrote" in error.violations[0].message
