"""The weekly letter (``pathway.digest``) on SQLite and PostgreSQL: what each caseworker
has due in a week, the meetings booked, placements starting and ending, and what is
overdue; the coordinator's totals; and that reading it writes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from pathway import directory, moves
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.digest import Digest, weekly_digest
from states.digest import week_of
from states.errors import NotFound
from states.records import Meeting
from states.steps import Step
from tests.integration.support import Staff, enrol_case, table_contents

MONDAY = date(2026, 3, 2)  # the week of tests.conftest.DEFAULT_NOW: 2026-03-02 – 2026-03-08
PLACEMENT_END = date(2026, 4, 30)


@dataclass(frozen=True)
class Caseload:
    """Two caseworkers' cases: each starts a short practice on Monday 2 March."""

    other_caseworker: int
    anna: int  # staff.caseworker's case; practice until 30 April
    bo: int  # the other caseworker's case; practice until 30 April, left on 4 March
    cilla: int  # staff.caseworker's case, enrolled only


def _practice(kivo: Kivo, staff: Staff, case_id: int, on: date) -> None:
    moves.advance(kivo, case_id, Step.INFORMATION, on=date(2026, 1, 14))
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        supervisor_id=staff.supervisor,
        programme="PRAKTIK",
        until=PLACEMENT_END,
        on=on,
    )


@pytest.fixture
def caseload(kivo: Kivo, staff: Staff) -> Caseload:
    other = directory.add_caseworker(kivo, "Bertil Handläggare").id
    assert other is not None
    anna = enrol_case(kivo, staff, name="Anna Andersson")
    bo = enrolment_for(kivo, other, "Bo Bengtsson")
    cilla = enrol_case(kivo, staff, name="Cilla Carlsson")
    _practice(kivo, staff, anna, MONDAY)
    _practice(kivo, staff, bo, MONDAY)
    return Caseload(other, anna, bo, cilla)


def enrolment_for(kivo: Kivo, caseworker: int, name: str) -> int:
    from pathway.enrolment import enrol

    return enrol(kivo, name, caseworker_id=caseworker, consent=True, on=date(2026, 1, 12)).case_id


def _letter_of(digest: Digest, caseworker: int | None) -> dict[str, list[tuple[object, ...]]]:
    (part,) = [p for p in digest.caseworkers if p.caseworker_id == caseworker]
    return {
        "due": [(d.case_id, d.name, d.due, d.status) for d in part.due],
        "meetings": [(m.case_id, m.at, m.status) for m in part.meetings],
        "starting": [(p.case_id, p.step, p.start) for p in part.starting],
        "ending": [(p.case_id, p.ended_on or p.planned_end) for p in part.ending],
        "overdue": [(d.case_id, d.name, d.due) for d in part.overdue],
    }


def _book(kivo: Kivo, case_id: int, at: datetime, status: str = "scheduled") -> None:
    with kivo.uow() as uow:
        uow.meetings.add(Meeting(case_id=case_id, at=at, uid=f"{uuid.uuid4()}@test", status=status))
        uow.commit()


def _mark_done(kivo: Kivo, case_id: int, name: str, on: date) -> None:
    with kivo.uow() as uow:
        (item,) = [f for f in uow.followups.open_for_case(case_id) if f.name == name]
        item.status, item.done_on = "done", on
        uow.followups.save(item)
        uow.commit()


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 3, 2), date(2026, 3, 2)),
        (date(2026, 3, 5), date(2026, 3, 2)),
        (date(2026, 3, 8), date(2026, 3, 2)),
        (date(2026, 3, 9), date(2026, 3, 9)),
        (date(2027, 1, 1), date(2026, 12, 28)),
    ],
)
def test_the_week_runs_from_monday_to_sunday_whatever_day_of_it_is_given(
    day: date, monday: date
) -> None:
    week = week_of(day)
    assert (week.start, week.end) == (monday, monday + timedelta(days=6))
    assert day in week


def test_a_placement_starting_this_week_brings_its_first_meeting_into_its_caseworkers_letter(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    digest = weekly_digest(kivo)

    assert (digest.week, digest.start, digest.end) == ("2026-W10", MONDAY, date(2026, 3, 8))
    mine = _letter_of(digest, staff.caseworker)
    assert mine["due"] == [(caseload.anna, "tripartite-start", MONDAY, "pending")]
    assert mine["starting"] == [(caseload.anna, 2, MONDAY)]
    assert mine["overdue"] == []
    theirs = _letter_of(digest, caseload.other_caseworker)
    assert theirs["due"] == [(caseload.bo, "tripartite-start", MONDAY, "pending")]
    assert theirs["starting"] == [(caseload.bo, 2, MONDAY)]


def test_a_caseworkers_letter_holds_only_their_own_cases(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    digest = weekly_digest(kivo, caseworker_id=caseload.other_caseworker)

    assert digest.caseworker_id == caseload.other_caseworker
    assert [p.caseworker_id for p in digest.caseworkers] == [caseload.other_caseworker]
    lines = _letter_of(digest, caseload.other_caseworker)
    cases = {line[0] for group in lines.values() for line in group}
    assert cases == {caseload.bo}
    assert digest.caseworkers[0].caseworker == "Bertil Handläggare"


def test_what_is_still_pending_from_before_the_week_is_overdue_and_what_was_done_is_not(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    _mark_done(kivo, caseload.bo, "tripartite-start", MONDAY)

    digest = weekly_digest(kivo, week=date(2026, 3, 18))  # Wednesday of week 12

    assert (digest.start, digest.end) == (date(2026, 3, 16), date(2026, 3, 22))
    mine = _letter_of(digest, staff.caseworker)
    assert mine["overdue"] == [(caseload.anna, "tripartite-start", MONDAY)]
    assert mine["due"] == [(caseload.anna, "placement-contact", date(2026, 3, 16), "pending")]
    theirs = _letter_of(digest, caseload.other_caseworker)
    assert theirs["overdue"] == []
    assert theirs["due"] == [(caseload.bo, "placement-contact", date(2026, 3, 16), "pending")]


def test_an_item_done_in_its_week_stays_in_that_weeks_letter_as_done(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    _mark_done(kivo, caseload.anna, "tripartite-start", MONDAY)

    mine = _letter_of(weekly_digest(kivo), staff.caseworker)

    assert mine["due"] == [(caseload.anna, "tripartite-start", MONDAY, "done")]


def test_placements_end_in_the_week_they_ended_or_are_planned_to_end(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    moves.advance(kivo, caseload.bo, Step.STUDY_PREP, on=date(2026, 3, 2))

    this_week = weekly_digest(kivo)
    planned_week = weekly_digest(kivo, week=PLACEMENT_END)

    assert _letter_of(this_week, caseload.other_caseworker)["ending"] == [
        (caseload.bo, date(2026, 3, 2))
    ]
    assert _letter_of(this_week, staff.caseworker)["ending"] == []
    assert _letter_of(planned_week, staff.caseworker)["ending"] == [(caseload.anna, PLACEMENT_END)]
    assert _letter_of(planned_week, caseload.other_caseworker)["ending"] == []


def test_leaving_a_step_takes_its_cancelled_items_out_of_the_letter(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    moves.advance(kivo, caseload.bo, Step.STUDY_PREP, on=MONDAY)

    theirs = _letter_of(weekly_digest(kivo, week=date(2026, 3, 16)), caseload.other_caseworker)

    assert theirs["due"] == []
    assert theirs["overdue"] == []


def test_booked_meetings_fall_in_the_week_of_their_swedish_date_and_cancelled_ones_do_not(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    wednesday = datetime(2026, 3, 4, 10, 0, tzinfo=LOCAL)
    late_sunday = datetime(2026, 3, 8, 23, 30, tzinfo=LOCAL)  # 22:30 UTC
    early_monday = datetime(2026, 3, 9, 0, 30, tzinfo=LOCAL)  # still Sunday in UTC
    last_sunday = datetime(2026, 3, 1, 23, 59, tzinfo=LOCAL)
    for at in (wednesday, late_sunday, early_monday, last_sunday):
        _book(kivo, caseload.anna, at)
    _book(kivo, caseload.anna, wednesday + timedelta(hours=2), status="cancelled")
    _book(kivo, caseload.bo, wednesday, status="held")

    digest = weekly_digest(kivo)

    (mine,) = [p for p in digest.caseworkers if p.caseworker_id == staff.caseworker]
    assert [(m.case_id, m.at.astimezone(LOCAL), m.status) for m in mine.meetings] == [
        (caseload.anna, wednesday, "scheduled"),
        (caseload.anna, late_sunday, "scheduled"),
    ]
    assert _letter_of(digest, caseload.other_caseworker)["meetings"] == [
        (caseload.bo, wednesday, "held")
    ]


def test_the_coordinators_view_lists_every_active_caseworker_and_totals_add_up(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    idle = directory.add_caseworker(kivo, "Idun Ledig").id
    assert idle is not None

    digest = weekly_digest(kivo, week=date(2026, 3, 18))

    shown = [p.caseworker_id for p in digest.caseworkers]
    assert shown == sorted([staff.caseworker, caseload.other_caseworker, idle])  # no coordinator
    assert staff.coordinator not in shown
    idle_part = digest.caseworkers[shown.index(idle)]
    assert (idle_part.due, idle_part.overdue, idle_part.counts.due) == ([], [], 0)
    for field in ("due", "meetings", "starting", "ending", "overdue"):
        assert getattr(digest.totals, field) == sum(
            getattr(p.counts, field) for p in digest.caseworkers
        )
    assert digest.totals.due == 2
    assert digest.totals.overdue == 2


def test_cases_without_a_caseworker_come_last_as_unassigned(
    kivo: Kivo, staff: Staff, caseload: Caseload
) -> None:
    from pathway.enrolment import enrol

    orphan = enrol(kivo, "Ove Utan", consent=True, on=date(2026, 1, 12)).case_id
    _practice(kivo, staff, orphan, MONDAY)

    digest = weekly_digest(kivo)

    assert digest.caseworkers[-1].caseworker_id is None
    assert _letter_of(digest, None)["starting"] == [(orphan, 2, MONDAY)]


def test_an_unknown_caseworker_is_not_found(kivo: Kivo, caseload: Caseload) -> None:
    with pytest.raises(NotFound, match="no caseworker with id 9999"):
        weekly_digest(kivo, caseworker_id=9999)


def test_reading_the_letter_writes_nothing(kivo: Kivo, staff: Staff, caseload: Caseload) -> None:
    before = table_contents(kivo.database)

    weekly_digest(kivo)
    weekly_digest(kivo, caseworker_id=staff.caseworker, week=date(2026, 4, 1))

    assert table_contents(kivo.database) == before
