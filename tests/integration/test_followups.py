"""Follow-ups through the use cases, on SQLite and PostgreSQL: listing what is due and
overdue, and marking an item done.

Today is 2026-03-02. A case in short practice from 2026-01-19 to 2026-04-30 has eleven
planned items: meetings due 01-19, 03-10 and 04-23, contacts every 14 days from 02-02
to 04-27 and an extension decision due 04-02.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import Session, col, select

from pathway import directory, moves
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.followups import list_followups, mark_done
from persistence.tables import FollowupRow, ReminderRow
from states.agenda import FollowupEntry
from states.errors import InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import Staff, engine_of, enrol_case, table_contents

STARTED = date(2026, 1, 19)
PLANNED_END = date(2026, 4, 30)
ENTRY_FIELDS = {"id", "case_id", "kind", "due", "status", "name", "title", "participant"}


def in_short_practice(kivo: Kivo, staff: Staff, *, name: str = "Amira Deltagare") -> int:
    case_id = enrol_case(kivo, staff, name=name)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=STARTED,
        supervisor_id=staff.supervisor,
        until=PLANNED_END,
    )
    return case_id


def dues(entries: list[FollowupEntry]) -> list[str]:
    return [entry.due.isoformat() for entry in entries]


def item_due(kivo: Kivo, case_id: int, due: str) -> int:
    (entry,) = [e for e in list_followups(kivo, case_id=case_id) if e.due.isoformat() == due]
    return entry.id


def stored(kivo: Kivo, followup_id: int) -> FollowupRow:
    with Session(engine_of(kivo.database)) as session:
        row = session.get(FollowupRow, followup_id)
        assert row is not None
        return row


def reminders(kivo: Kivo, followup_id: int) -> list[ReminderRow]:
    query = select(ReminderRow).where(ReminderRow.followup_id == followup_id)
    with Session(engine_of(kivo.database)) as session:
        return list(session.exec(query.order_by(col(ReminderRow.id))))


# Listing


def test_pending_items_are_listed_earliest_due_first_with_their_case_and_participant(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)

    entries = list_followups(kivo)

    assert dues(entries) == [
        "2026-01-19",
        "2026-02-02",
        "2026-02-16",
        "2026-03-02",
        "2026-03-10",
        "2026-03-16",
        "2026-03-30",
        "2026-04-02",
        "2026-04-13",
        "2026-04-23",
        "2026-04-27",
    ]
    first = entries[0]
    assert (first.case_id, first.participant, first.caseworker_id) == (
        case_id,
        "Amira Deltagare",
        staff.caseworker,
    )
    assert (first.name, first.kind, first.status, first.step) == (
        "tripartite-start",
        "meeting",
        "pending",
        2,
    )
    assert first.title == "Tripartite meeting before or on the first day"
    assert set(first.__dataclass_fields__) >= ENTRY_FIELDS


def test_items_are_listed_by_case_and_by_caseworker(kivo: Kivo, staff: Staff) -> None:
    mine = in_short_practice(kivo, staff)
    theirs = enrol_case(kivo, staff, name="Bo Deltagare")
    other_worker = directory.add_caseworker(kivo, "Olle Annan").id
    assert other_worker is not None
    with kivo.uow() as uow:
        case = uow.cases.get(theirs)
        case.caseworker_id = other_worker
        uow.cases.save(case)
        uow.commit()
    moves.advance(kivo, theirs, Step.STUDY_PREP, on=STARTED, until=PLANNED_END)

    assert {e.case_id for e in list_followups(kivo)} == {mine, theirs}
    assert {e.case_id for e in list_followups(kivo, case_id=theirs)} == {theirs}
    assert {e.case_id for e in list_followups(kivo, caseworker_id=staff.caseworker)} == {mine}
    assert {e.case_id for e in list_followups(kivo, caseworker_id=other_worker)} == {theirs}
    assert {e.name for e in list_followups(kivo, caseworker_id=other_worker)} == {"study-contact"}
    assert list_followups(kivo, case_id=mine, caseworker_id=other_worker) == []


def test_due_by_includes_items_due_on_that_day(kivo: Kivo, staff: Staff) -> None:
    in_short_practice(kivo, staff)

    assert dues(list_followups(kivo, due_by=date(2026, 2, 16))) == [
        "2026-01-19",
        "2026-02-02",
        "2026-02-16",
    ]
    assert list_followups(kivo, due_by=date(2026, 1, 18)) == []


def test_overdue_items_are_the_pending_ones_due_before_today(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    mark_done(kivo, item_due(kivo, case_id, "2026-02-02"), on=date(2026, 2, 2))

    overdue = list_followups(kivo, overdue=True)

    assert dues(overdue) == ["2026-01-19", "2026-02-16"]  # 03-02 is due today, not overdue
    assert {e.status for e in overdue} == {"pending"}
    assert dues(list_followups(kivo, overdue=True, due_by=date(2026, 2, 1))) == ["2026-01-19"]


def test_items_of_any_status_are_listed_on_request(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    mark_done(kivo, item_due(kivo, case_id, "2026-02-02"), on=date(2026, 2, 2))
    moves.pause(kivo, case_id, reason="ill")

    assert list_followups(kivo) == []
    assert dues(list_followups(kivo, status="done")) == ["2026-02-02"]
    assert len(list_followups(kivo, status="suspended")) == 10
    assert len(list_followups(kivo, status="all")) == 11
    assert list_followups(kivo, status="cancelled") == []


def test_an_unknown_status_or_overdue_with_another_status_is_invalid_input(kivo: Kivo) -> None:
    with pytest.raises(InvalidInput, match="unknown status 'late'"):
        list_followups(kivo, status="late")
    with pytest.raises(InvalidInput, match="--overdue lists pending items only"):
        list_followups(kivo, status="done", overdue=True)


def test_listing_for_an_unknown_case_or_caseworker_is_not_found(kivo: Kivo) -> None:
    with pytest.raises(NotFound, match="no case with id 999"):
        list_followups(kivo, case_id=999)
    with pytest.raises(NotFound, match="no caseworker with id 999"):
        list_followups(kivo, caseworker_id=999)


# Done


def test_an_item_done_today_by_default_drops_its_pending_reminders(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-03-16")
    other_id = item_due(kivo, case_id, "2026-03-30")

    entry = mark_done(kivo, item_id, notes="  called the supervisor  ")

    assert (entry.id, entry.status, entry.done_on, entry.notes) == (
        item_id,
        "done",
        date(2026, 3, 2),
        "called the supervisor",
    )
    row = stored(kivo, item_id)
    assert (row.status, row.done_on, row.notes) == (
        "done",
        date(2026, 3, 2),
        "called the supervisor",
    )
    assert {r.status for r in reminders(kivo, item_id)} == {"dropped"}
    assert {r.status for r in reminders(kivo, other_id)} == {"pending"}
    assert item_id not in {e.id for e in list_followups(kivo)}


def test_an_item_may_be_recorded_as_done_on_an_earlier_day(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-02-16")

    assert mark_done(kivo, item_id, on=date(2026, 2, 17)).done_on == date(2026, 2, 17)
    assert stored(kivo, item_id).done_on == date(2026, 2, 17)


def test_what_a_follow_up_found_is_recorded_with_it_and_listed(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-02-16")
    other_id = item_due(kivo, case_id, "2026-03-02")

    entry = mark_done(kivo, item_id, finding="in-education")
    mark_done(kivo, other_id)

    assert (entry.status, entry.finding) == ("done", "in-education")
    assert (stored(kivo, item_id).finding, stored(kivo, other_id).finding) == ("in-education", None)
    listed = {e.id: e.finding for e in list_followups(kivo, case_id=case_id, status="done")}
    assert listed == {item_id: "in-education", other_id: None}


def test_an_unknown_finding_is_invalid_input_naming_the_allowed_ones_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-02-16")
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput) as error:
        mark_done(kivo, item_id, finding="hired")

    assert error.value.message == (
        "unknown finding 'hired': choose one of employed, self-employed, in-education, "
        "job-searching, inactive, unknown"
    )
    assert table_contents(kivo.database) == before


@pytest.mark.parametrize(
    ("prepare", "code", "says"),
    [
        ("done", "followup-not-pending", "is already done on 2026-03-02"),
        ("cancelled", "followup-not-pending", "was cancelled (fell_back on 2026-03-02)"),
        ("suspended", "followup-not-pending", "is suspended while the case is paused"),
    ],
)
def test_only_a_pending_item_can_be_done(
    kivo: Kivo, staff: Staff, prepare: str, code: str, says: str
) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-03-16")
    if prepare == "done":
        mark_done(kivo, item_id)
    elif prepare == "cancelled":
        moves.fall_back(kivo, case_id, Step.INFORMATION, reason="ended")
    else:
        moves.pause(kivo, case_id, reason="ill")
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        mark_done(kivo, item_id)

    (violation,) = refused.value.violations
    assert (violation.code, violation.overridable) == (code, False)
    assert f"follow-up {item_id} {says}" in violation.message
    assert table_contents(kivo.database) == before


def test_a_day_in_the_future_or_before_the_case_was_opened_is_refused(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-03-16")
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as future:
        mark_done(kivo, item_id, on=date(2026, 3, 3))
    with pytest.raises(Refused) as early:
        mark_done(kivo, item_id, on=date(2026, 1, 11))

    (violation,) = future.value.violations
    assert violation.code == "date-in-future"
    assert "2026-03-03 is after today (2026-03-02)" in violation.message
    (violation,) = early.value.violations
    assert violation.code == "date-before-case"
    assert table_contents(kivo.database) == before


def test_every_reason_to_refuse_is_named_at_once(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-03-16")
    mark_done(kivo, item_id)

    with pytest.raises(Refused) as refused:
        mark_done(kivo, item_id, on=date(2026, 4, 1))

    assert [v.code for v in refused.value.violations] == ["followup-not-pending", "date-in-future"]


def test_marking_an_unknown_item_done_is_not_found(kivo: Kivo) -> None:
    with pytest.raises(NotFound, match="no follow-up with id 999"):
        mark_done(kivo, 999)


def outcome_of(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as error:  # collected and checked by the test
        return error


def test_two_people_marking_the_same_item_done_at_once_do_it_once(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    item_id = item_due(kivo, case_id, "2026-02-16")
    outcomes: list[object] = []
    second = threading.Thread(
        target=lambda: outcomes.append(outcome_of(lambda: mark_done(kivo, item_id)))
    )

    with kivo.uow() as first:
        item = first.followups.locked(item_id)
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second one waits for the first"
        item.status, item.done_on = "done", date(2026, 2, 17)
        first.followups.save(item)
        first.commit()
    second.join(20)

    (outcome,) = outcomes
    assert isinstance(outcome, Refused), outcome
    assert [v.code for v in outcome.violations] == ["followup-not-pending"]
    assert stored(kivo, item_id).done_on == date(2026, 2, 17)
