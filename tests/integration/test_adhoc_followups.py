"""Ad-hoc follow-ups, on SQLite and PostgreSQL: the item, its reminders and its history
event in one transaction; the step's rules for what leaving and pausing do to it; and
the refusals, which write nothing.

Today is Monday 2026-03-02, 09:00 in Sweden. Reminders: two days before, on the day, a
week after.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from pathway import moves
from pathway.adhoc_followups import add_followup
from pathway.context import Kivo
from pathway.errors import Refused
from persistence.tables import FollowupRow, ReminderRow
from states.case import Outcome
from states.errors import Conflict, InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import (
    Staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    placements_of,
    stored_case,
    table_contents,
)

TODAY = date(2026, 3, 2)


def stored(kivo: Kivo, followup_id: int) -> FollowupRow:
    with Session(engine_of(kivo.database)) as session:
        row = session.get(FollowupRow, followup_id)
        assert row is not None
        return row


def reminders(kivo: Kivo, followup_id: int) -> list[tuple[str, date, date, str]]:
    query = (
        select(ReminderRow)
        .where(ReminderRow.followup_id == followup_id)
        .order_by(col(ReminderRow.id))
    )
    with Session(engine_of(kivo.database)) as session:
        return [(r.kind, r.due, r.send_on, r.status) for r in session.exec(query)]


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


def test_an_ad_hoc_follow_up_is_planned_in_the_cases_step_and_placement_with_its_reminders(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    (placement,) = placements_of(kivo, case_id)
    version = stored_case(kivo, case_id).version

    item = add_followup(kivo, case_id, date(2026, 3, 20), "  Ring om CV:t  ", by=staff.caseworker)

    row = stored(kivo, item.id)
    assert (row.case_id, row.name, row.kind, row.title, row.due, row.status) == (
        case_id,
        "ad-hoc",
        "follow-up",
        "Ring om CV:t",
        date(2026, 3, 20),
        "pending",
    )
    assert (row.step, row.placement_id, row.keep) == (2, placement.id, False)
    assert (item.id, item.title, item.due, item.participant) == (
        row.id,
        "Ring om CV:t",
        date(2026, 3, 20),
        "Amira Deltagare",
    )
    assert reminders(kivo, item.id) == [
        ("before", date(2026, 3, 20), date(2026, 3, 18), "pending"),
        ("due", date(2026, 3, 20), date(2026, 3, 20), "pending"),
        ("escalation", date(2026, 3, 20), date(2026, 3, 27), "pending"),
    ]
    event = events_of(kivo, case_id)[-1]
    assert (event.kind, event.on, event.actor_id, event.data) == (
        "followup_added",
        TODAY,
        staff.caseworker,
        {"followup_id": item.id, "due": "2026-03-20"},
    )
    assert stored_case(kivo, case_id).version == version + 1
    assert_history_replays_to_stored_state(kivo, case_id)


def test_one_due_today_gets_no_heads_up_already_past_and_a_case_without_a_step_takes_one(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)

    item = add_followup(kivo, case_id, TODAY, "Första samtalet")

    assert (stored(kivo, item.id).step, stored(kivo, item.id).placement_id) == (None, None)
    assert [r[0] for r in reminders(kivo, item.id)] == ["due", "escalation"]


def test_leaving_the_step_cancels_it_and_drops_its_reminders_as_for_the_planned_items(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    item = add_followup(kivo, case_id, date(2026, 3, 20), "Ring om CV:t")

    moves.advance(kivo, case_id, Step.STUDY_PREP)

    assert stored(kivo, item.id).status == "cancelled"
    assert {r[3] for r in reminders(kivo, item.id)} == {"dropped"}


def test_a_due_date_before_today_or_a_bad_title_is_bad_input_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput, match="before today") as error:
        add_followup(kivo, case_id, date(2026, 3, 1), "Ring")
    assert error.value.params == {"field": "due"}
    for title, problem in [
        ("", "is empty"),
        ("  ", "is empty"),
        ("Ring\x1b]0;hacked\x07", "control character"),
        ("rad ett\nrad två", "control character"),
        ("x" * 201, "longer than 200"),
    ]:
        with pytest.raises(InvalidInput, match=problem) as error:
            add_followup(kivo, case_id, date(2026, 3, 20), title)
        assert error.value.params == {"field": "title"}

    assert table_contents(kivo.database) == before


def test_an_exited_or_unknown_case_or_a_stale_version_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    exited = enrol_case(kivo, staff)
    moves.exit_case(kivo, exited, outcome=Outcome.MOVED)
    active = enrol_case(kivo, staff, name="Bo Aktiv")
    version = stored_case(kivo, active).version
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        add_followup(kivo, exited, date(2026, 3, 20), "Ring")
    assert [v.code for v in refused.value.violations] == ["case-exited"]
    with pytest.raises(NotFound, match="no case with id 999"):
        add_followup(kivo, 999, date(2026, 3, 20), "Ring")
    with pytest.raises(Conflict):
        add_followup(kivo, active, date(2026, 3, 20), "Ring", expected_version=version + 1)

    assert table_contents(kivo.database) == before
    assert add_followup(kivo, active, date(2026, 3, 20), "Ring", expected_version=version).id
