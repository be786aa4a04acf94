"""The reads behind the web workspace (``pathway.workspace``) and the listing's programme
filter, on SQLite and PostgreSQL; plus the dry run every move now takes (the pages'
preview). Each test gives its cases a caseworker of its own, so the module can share
one database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pathway import directory, enrolment, handover, moves, workspace
from pathway.context import Kivo
from pathway.errors import NotPermitted
from pathway.listing import list_cases
from pathway.views import read_case
from states.case import Outcome
from states.errors import InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import TODAY, Staff, fresh_personnummer


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def new_caseworker(kivo: Kivo, name: str = "Vera Egen") -> int:
    worker = directory.add_caseworker(kivo, name)
    assert worker.id is not None
    return worker.id


def enrol(kivo: Kivo, caseworker: int, on: date, name: str = "Nils Deltagare") -> int:
    return enrolment.enrol(
        kivo,
        name,
        personnummer=fresh_personnummer(),
        caseworker_id=caseworker,
        consent=True,
        on=on,
    ).case_id


def placed(kivo: Kivo, staff: Staff, case_id: int, *, on: date, until: date) -> None:
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=on,
        workplace_id=staff.workplace,
        supervisor_id=staff.supervisor,
        programme="praktik",
        until=until,
    )


def test_the_signed_in_caseworker_is_found_only_while_active(kivo: Kivo, staff: Staff) -> None:
    worker = new_caseworker(kivo)
    found = workspace.signed_in(kivo, worker)
    assert found is not None
    assert (found.name, found.role, found.coordinator) == ("Vera Egen", "caseworker", False)
    boss = workspace.signed_in(kivo, staff.coordinator)
    assert boss is not None
    assert boss.coordinator
    assert workspace.signed_in(kivo, 987654) is None
    handover.deactivate_caseworker(kivo, worker, by=staff.coordinator)
    assert workspace.signed_in(kivo, worker) is None
    assert worker not in {w.id for w in workspace.active_caseworkers(kivo)}


def test_the_owner_of_a_case_and_no_case(kivo: Kivo) -> None:
    worker = new_caseworker(kivo)
    case_id = enrol(kivo, worker, date(2026, 2, 1))
    assert workspace.owner_of(kivo, case_id) == worker
    with pytest.raises(NotFound):
        workspace.owner_of(kivo, 987654)


def test_today_holds_the_caseworkers_due_overdue_ending_and_idle_cases_only(
    kivo: Kivo, staff: Staff
) -> None:
    worker, colleague = new_caseworker(kivo), new_caseworker(kivo, "Kim Annan")
    idle = enrol(kivo, worker, date(2025, 12, 1), "Ida Stilla")
    busy = enrol(kivo, worker, date(2026, 1, 20), "Bo Placerad")
    placed(kivo, staff, busy, on=date(2026, 2, 1), until=date(2026, 3, 10))
    theirs = enrol(kivo, colleague, date(2025, 11, 1))

    day = workspace.today_for(kivo, worker)

    assert day.day == TODAY
    assert day.overdue, "a placement from 1 February has follow-ups due before today"
    assert all(f.due < TODAY and f.case_id == busy for f in day.overdue)
    assert all(f.due == TODAY for f in day.due_today)
    assert [p.case_id for p in day.ending] == [busy]
    assert [c.case_id for c in day.idle] == [idle]
    assert day.idle[0].last_on == date(2025, 12, 1)
    everything = {f.case_id for f in day.overdue + day.due_today} | {c.case_id for c in day.idle}
    assert theirs not in everything


def test_idle_cases_are_the_open_ones_quiet_longest_counting_their_latest_event(
    kivo: Kivo, staff: Staff
) -> None:
    worker = new_caseworker(kivo)
    older = enrol(kivo, worker, date(2025, 10, 1), "Ola Äldst")
    newer = enrol(kivo, worker, date(2025, 12, 1), "Nina Nyare")
    paused = enrol(kivo, worker, date(2025, 9, 1), "Per Pausad")
    moves.pause(kivo, paused, reason="sjukskriven", on=date(2025, 11, 1))
    closed = enrol(kivo, worker, date(2025, 9, 1), "Stina Stängd")
    moves.exit_case(kivo, closed, outcome=Outcome.OTHER, on=date(2025, 9, 15))
    lately = enrol(kivo, worker, date(2025, 9, 1), "Lina Nyss")
    moves.pause(kivo, lately, reason="flytt", on=TODAY)

    idle = workspace.today_for(kivo, worker).idle

    assert [(c.case_id, c.last_on) for c in idle] == [
        (older, date(2025, 10, 1)),
        (paused, date(2025, 11, 1)),  # paused counts as open; its pause is its latest event
        (newer, date(2025, 12, 1)),
    ]  # the exited case and the one paused today are not idle
    assert idle[0].name == "Ola Äldst"  # with the name the page shows


def test_a_row_shows_the_days_in_its_step_and_the_next_pending_item(
    kivo: Kivo, staff: Staff
) -> None:
    worker = new_caseworker(kivo)
    waiting = enrol(kivo, worker, date(2026, 2, 20))
    busy = enrol(kivo, worker, date(2026, 1, 20))
    placed(kivo, staff, busy, on=date(2026, 2, 1), until=date(2026, 5, 1))

    details = workspace.row_details(kivo, [waiting, busy])

    assert details[waiting].days_in_step == (TODAY - date(2026, 2, 20)).days
    assert details[waiting].next_due is None
    assert details[busy].days_in_step == (TODAY - date(2026, 2, 1)).days
    first = details[busy].next_due
    assert first is not None
    agenda = workspace.case_agenda(kivo, busy)
    pending = [f for f in agenda.followups if f.status == "pending"]
    assert first.due == min(f.due for f in pending)
    assert [p.step for p in agenda.placements] == [2]


def test_the_case_list_filters_by_an_open_placements_programme(kivo: Kivo, staff: Staff) -> None:
    worker = new_caseworker(kivo)
    practice = enrol(kivo, worker, date(2026, 1, 20))
    placed(kivo, staff, practice, on=date(2026, 2, 1), until=date(2026, 5, 1))
    enrol(kivo, worker, date(2026, 1, 20))
    listed = list_cases(kivo, caseworker_id=worker, programme="praktik", limit=0)
    assert [row.id for row in listed] == [practice]
    assert [row.id for row in list_cases(kivo, caseworker_id=worker, programme="PIS")] == []
    with pytest.raises(InvalidInput, match="unknown programme"):
        list_cases(kivo, programme="NOPE")


def test_a_case_calendar_holds_its_booked_meetings_without_names(kivo: Kivo) -> None:
    worker = new_caseworker(kivo)
    case_id = enrol(kivo, worker, date(2026, 2, 1), "Greta Kalender")
    from pathway.meetings import parse_moment, schedule_meeting

    schedule_meeting(kivo, case_id, parse_moment("2026-03-05T10:00"))
    calendar = workspace.case_calendar(kivo, case_id).decode()
    assert calendar.count("BEGIN:VEVENT") == 1
    assert "Greta" not in calendar


@pytest.mark.parametrize("kind", ["fall_back", "pause", "resume", "exit"])
def test_every_move_has_a_dry_run_that_judges_and_writes_nothing(kivo: Kivo, kind: str) -> None:
    worker = new_caseworker(kivo)
    case_id = enrol(kivo, worker, date(2026, 1, 5))
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=date(2026, 1, 10))
    if kind == "resume":
        moves.pause(kivo, case_id, reason="sjuk", on=date(2026, 2, 1))
    before = read_case(kivo, case_id).view
    result = {
        "fall_back": lambda: moves.fall_back(
            kivo, case_id, Step.INFORMATION, reason="tillbaka", dry_run=True
        ),
        "pause": lambda: moves.pause(kivo, case_id, reason="sjuk", dry_run=True),
        "resume": lambda: moves.resume(kivo, case_id, dry_run=True),
        "exit": lambda: moves.exit_case(kivo, case_id, outcome=Outcome.STUDIES, dry_run=True),
    }[kind]()
    assert result.dry_run
    after = read_case(kivo, case_id).view
    assert (after.state, after.version, len(after.history)) == (
        before.state,
        before.version,
        len(before.history),
    )


def test_the_workspace_reads_check_and_log_who_reads_them(kivo: Kivo, staff: Staff) -> None:
    from pathway.audit import access_reads
    from pathway.notes import list_notes
    from pathway.reports import caseload_for

    worker, colleague = new_caseworker(kivo), new_caseworker(kivo, "Kim Annan")
    mine = enrol(kivo, worker, date(2026, 1, 20))
    theirs = enrol(kivo, colleague, date(2026, 1, 20))

    assert workspace.case_agenda(kivo, mine, by=worker).placements == []
    assert list_notes(kivo, mine, by=worker) == []
    assert workspace.owner_of(kivo, mine, by=worker) == worker
    rows = access_reads(kivo, actor=staff.coordinator, case_id=mine, limit=0).rows
    assert [(r.caseworker_id, r.action) for r in rows][-3:] == [
        (worker, "read-agenda"),
        (worker, "read-notes"),
        (worker, "read"),
    ]
    for read in (
        lambda: workspace.case_agenda(kivo, theirs, by=worker),
        lambda: list_notes(kivo, theirs, by=worker),
        lambda: workspace.owner_of(kivo, theirs, by=worker),
        lambda: workspace.case_calendar(kivo, theirs, by=worker),
    ):
        with pytest.raises(NotFound):
            read()
    assert workspace.case_agenda(kivo, theirs, by=staff.coordinator).meetings == []
    assert caseload_for(kivo, by=worker) == worker
    assert caseload_for(kivo, by=staff.coordinator, caseworker_id=colleague) == colleague
    with pytest.raises(NotPermitted):
        caseload_for(kivo, by=worker, caseworker_id=colleague)
    with pytest.raises(NotPermitted):
        workspace.today_for(kivo, colleague, by=worker)
    assert workspace.today_for(kivo, colleague, by=staff.coordinator).day == TODAY


def test_an_item_named_on_another_case_is_answered_as_unknown(kivo: Kivo, staff: Staff) -> None:
    from datetime import datetime

    from pathway.clock import LOCAL
    from pathway.meeting_move import move_meeting
    from pathway.meetings import record_meeting, schedule_meeting

    worker = new_caseworker(kivo)
    one, other = enrol(kivo, worker, date(2026, 1, 20)), enrol(kivo, worker, date(2026, 1, 20))
    meeting = schedule_meeting(kivo, one, datetime(2026, 3, 2, 8, tzinfo=LOCAL), by=worker)
    with pytest.raises(NotFound):
        record_meeting(kivo, meeting.id, "held", by=worker, case_id=other)
    with pytest.raises(NotFound):
        move_meeting(kivo, meeting.id, datetime(2026, 3, 9, 8, tzinfo=LOCAL), case_id=other)
    assert record_meeting(kivo, meeting.id, "held", by=worker, case_id=one).meeting.status == "held"


def test_an_import_named_by_a_caseworker_is_refused_before_the_file_is_read(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    from pathway.importing import import_file

    path = tmp_path / "people.csv"
    path.write_text("name;personnummer\n", encoding="utf-8")
    with pytest.raises(NotPermitted, match="only a coordinator may import participants"):
        import_file(kivo, path, dry_run=True, by=staff.caseworker)
    path.write_text("not, a header we know\n", encoding="utf-8")
    with pytest.raises(NotPermitted):
        import_file(kivo, path, dry_run=True, by=staff.caseworker)
    with pytest.raises(InvalidInput):  # a coordinator's import goes on to read the file
        import_file(kivo, path, dry_run=True, by=staff.coordinator)


def test_row_details_for_someone_answer_another_caseworkers_case_as_unknown(
    kivo: Kivo, staff: Staff
) -> None:
    worker, colleague = new_caseworker(kivo), new_caseworker(kivo, "Kim Annan")
    mine, theirs = enrol(kivo, worker, date(2026, 2, 1)), enrol(kivo, colleague, date(2026, 2, 1))
    assert set(workspace.row_details(kivo, [mine], by=worker)) == {mine}
    with pytest.raises(NotFound):
        workspace.row_details(kivo, [mine, theirs], by=worker)
    assert set(workspace.row_details(kivo, [mine, theirs], by=staff.coordinator)) == {mine, theirs}
