"""What a move plans: follow-ups, tripartite meetings, decisions and their reminders,
written in the move's own transaction, on SQLite and PostgreSQL.

Every test enrols its own case and reads back the stored rows, not the use case's word.
Today is 2026-03-02; a case is enrolled on 2026-01-12 with consent.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from pathway import moves
from pathway.clock import clock_from
from pathway.context import Kivo
from pathway.errors import Refused
from persistence.tables import FollowupRow, ReminderRow
from states.case import Outcome
from states.steps import Step
from tests.integration.support import Staff, engine_of, enrol_case, table_contents

DAY = timedelta(days=1)
STARTED = date(2026, 1, 19)
PLANNED_END = date(2026, 4, 30)
WORKPLACE_ITEMS = {
    "tripartite-start",
    "tripartite-midpoint",
    "tripartite-end",
    "placement-contact",
    "extension-decision",
}
AFTER_EMPLOYMENT = [
    "after-employment-4w",
    "after-employment-3m",
    "after-employment-6m",
    "after-employment-12m",
]


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def on_day(kivo: Kivo, day: str) -> Kivo:
    """The same kivo with its clock at 09:00 on ``day``."""
    return dataclasses.replace(kivo, clock=clock_from(f"{day}T09:00"))


def followups_of(kivo: Kivo, case_id: int) -> list[FollowupRow]:
    query = select(FollowupRow).where(FollowupRow.case_id == case_id)
    with Session(engine_of(kivo.database)) as session:
        return list(session.exec(query.order_by(col(FollowupRow.due), col(FollowupRow.id))))


def reminders_of(kivo: Kivo, case_id: int) -> list[ReminderRow]:
    query = select(ReminderRow).where(ReminderRow.case_id == case_id)
    with Session(engine_of(kivo.database)) as session:
        return list(session.exec(query.order_by(col(ReminderRow.id))))


def named(rows: list[FollowupRow], *names: str) -> list[FollowupRow]:
    return [row for row in rows if row.name in names]


def in_short_practice(kivo: Kivo, staff: Staff, *, until: date | None = PLANNED_END) -> int:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=STARTED,
        supervisor_id=staff.supervisor,
        until=until,
        by=staff.caseworker,
    )
    return case_id


# Entering a step


def test_entering_a_workplace_step_plans_three_meetings_contacts_and_an_extension_decision(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    result = moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=STARTED,
        supervisor_id=staff.supervisor,
        until=PLANNED_END,
    )

    rows = followups_of(kivo, case_id)
    assert [(row.name, row.kind, row.due) for row in rows] == [
        ("tripartite-start", "meeting", date(2026, 1, 19)),
        ("placement-contact", "follow-up", date(2026, 2, 2)),
        ("placement-contact", "follow-up", date(2026, 2, 16)),
        ("placement-contact", "follow-up", date(2026, 3, 2)),
        ("tripartite-midpoint", "meeting", date(2026, 3, 10)),
        ("placement-contact", "follow-up", date(2026, 3, 16)),
        ("placement-contact", "follow-up", date(2026, 3, 30)),
        ("extension-decision", "decision", date(2026, 4, 2)),
        ("placement-contact", "follow-up", date(2026, 4, 13)),
        ("tripartite-end", "meeting", date(2026, 4, 23)),
        ("placement-contact", "follow-up", date(2026, 4, 27)),
    ]
    for row in rows:
        assert (row.status, row.step, row.keep) == ("pending", 2, False)
        assert row.placement_id == result.placement_id
        assert row.title


def test_each_planned_item_gets_its_reminders_in_the_same_move(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)

    rows = {row.id: row for row in followups_of(kivo, case_id)}
    sent: dict[tuple[int | None, str], tuple[date, date, str]] = {
        (r.followup_id, r.kind): (r.due, r.send_on, r.status) for r in reminders_of(kivo, case_id)
    }
    (contact,) = [r for r in rows.values() if r.due == date(2026, 3, 16)]
    assert sent[(contact.id, "before")] == (contact.due, date(2026, 3, 14), "pending")
    assert sent[(contact.id, "due")] == (contact.due, date(2026, 3, 16), "pending")
    assert sent[(contact.id, "escalation")] == (contact.due, date(2026, 3, 23), "pending")
    (first,) = [r for r in rows.values() if r.name == "tripartite-start"]
    assert (first.id, "before") not in sent  # its heads-up was past when it was planned
    assert {(first.id, "due"), (first.id, "escalation")} <= set(sent)
    assert {followup_id for followup_id, _ in sent} == set(rows)


def test_a_workplace_step_without_a_planned_end_plans_no_midpoint_end_or_decision(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff, until=None)

    rows = followups_of(kivo, case_id)
    assert Counter(row.name for row in rows) == {"tripartite-start": 1, "placement-contact": 26}
    contacts = named(rows, "placement-contact")
    assert contacts[0].due == STARTED + 14 * DAY
    assert contacts[-1].due == STARTED + 364 * DAY


def test_entering_a_study_step_plans_a_contact_every_30_days(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=STARTED, until=date(2026, 6, 30))

    rows = followups_of(kivo, case_id)
    assert {row.name for row in rows} == {"study-contact"}
    assert [row.due for row in rows] == [STARTED + n * 30 * DAY for n in range(1, 6)]
    assert all(row.step == 4 and row.placement_id is None for row in rows)


def test_entering_the_information_step_plans_nothing(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.INFORMATION, on=STARTED)
    assert followups_of(kivo, case_id) == []


# Leaving a step


def test_leaving_a_step_cancels_its_open_items_with_a_reason_and_drops_their_reminders(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    before = {row.id for row in followups_of(kivo, case_id)}

    moves.advance(
        kivo, case_id, Step.FIXED_TERM, workplace_id=staff.workplace, until=date(2026, 12, 31)
    )

    rows = followups_of(kivo, case_id)
    old = [row for row in rows if row.id in before]
    assert {(row.status, row.cancel_reason) for row in old} == {
        ("cancelled", "advanced on 2026-03-02")
    }
    new = [row for row in rows if row.id not in before]
    assert {row.name for row in new} == WORKPLACE_ITEMS
    assert {(row.status, row.step) for row in new} == {("pending", 7)}
    for reminder in reminders_of(kivo, case_id):
        expected = "dropped" if reminder.followup_id in before else "pending"
        assert reminder.status == expected, reminder


def test_an_item_already_done_stays_done_when_the_step_is_left(kivo: Kivo, staff: Staff) -> None:
    from pathway.followups import mark_done

    case_id = in_short_practice(kivo, staff)
    (first,) = named(followups_of(kivo, case_id), "tripartite-start")
    assert first.id is not None
    mark_done(kivo, first.id, on=STARTED)

    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="the practice ended early")

    (after,) = [row for row in followups_of(kivo, case_id) if row.id == first.id]
    assert (after.status, after.done_on, after.cancel_reason) == ("done", STARTED, None)


# Pause and resume


def test_a_pause_suspends_open_items_and_drops_their_reminders(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)

    moves.pause(kivo, case_id, reason="ill", on=date(2026, 3, 2))

    rows = followups_of(kivo, case_id)
    assert {(row.status, row.suspended_on) for row in rows} == {("suspended", date(2026, 3, 2))}
    assert {reminder.status for reminder in reminders_of(kivo, case_id)} == {"dropped"}


def test_a_resume_moves_every_suspended_item_on_by_the_length_of_the_pause(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    planned = {row.id: row.due for row in followups_of(kivo, case_id)}
    moves.pause(kivo, case_id, reason="ill", on=date(2026, 3, 2))

    later = on_day(kivo, "2026-03-20")
    moves.resume(later, case_id, on=date(2026, 3, 20))

    rows = followups_of(kivo, case_id)
    assert {row.id: row.due for row in rows} == {i: due + 18 * DAY for i, due in planned.items()}
    assert {(row.status, row.suspended_on) for row in rows} == {("pending", None)}
    pending = [r for r in reminders_of(kivo, case_id) if r.status == "pending"]
    shifted = {row.id: row.due for row in rows}
    assert {r.followup_id for r in pending} == set(shifted)
    assert all(r.due == shifted[r.followup_id] for r in pending)
    assert all(r.send_on >= date(2026, 3, 20) or r.kind != "before" for r in pending)


def test_a_resume_on_the_day_of_the_pause_keeps_the_due_dates(kivo: Kivo, staff: Staff) -> None:
    case_id = in_short_practice(kivo, staff)
    planned = {row.id: row.due for row in followups_of(kivo, case_id)}

    moves.pause(kivo, case_id, reason="a misunderstanding", on=date(2026, 3, 2))
    moves.resume(kivo, case_id, on=date(2026, 3, 2))

    rows = followups_of(kivo, case_id)
    assert {row.id: (row.due, row.status) for row in rows} == {
        i: (due, "pending") for i, due in planned.items()
    }
    pending = Counter(r.followup_id for r in reminders_of(kivo, case_id) if r.status == "pending")
    assert set(pending) == set(planned)


# Falling back


def test_a_fall_back_plans_a_fallback_risk_check_within_14_days(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=STARTED, until=date(2026, 6, 30))

    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="dropped out", on=date(2026, 3, 2))

    rows = followups_of(kivo, case_id)
    assert {row.status for row in named(rows, "study-contact")} == {"cancelled"}
    assert {row.cancel_reason for row in named(rows, "study-contact")} == {
        "fell_back on 2026-03-02"
    }
    (risk,) = named(rows, "fallback-risk")
    assert (risk.kind, risk.due, risk.status, risk.step) == (
        "follow-up",
        date(2026, 3, 16),
        "pending",
        1,
    )


def test_falling_back_into_a_workplace_step_plans_that_steps_items_too(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=STARTED,
        workplace_id=staff.workplace,
        until=date(2026, 12, 31),
    )

    moves.fall_back(kivo, case_id, Step.SHORT_PRACTICE, reason="the job ended early")

    pending = [row for row in followups_of(kivo, case_id) if row.status == "pending"]
    assert {row.name for row in pending} == {
        "tripartite-start",
        "placement-contact",
        "fallback-risk",
    }
    assert {row.step for row in pending} == {2}
    (start,) = named(pending, "tripartite-start")
    assert start.due == date(2026, 3, 2)


# Exit


def test_exit_to_employment_plans_the_follow_ups_after_employment_from_its_start(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.FIXED_TERM, on=STARTED, workplace_id=staff.workplace, until=PLANNED_END
    )

    moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 3, 2))

    rows = followups_of(kivo, case_id)
    kept = [row for row in rows if row.status == "pending"]
    assert [row.name for row in kept] == [
        *AFTER_EMPLOYMENT[:2],
        "after-exit-6m",
        AFTER_EMPLOYMENT[3],
    ]
    # Into employment from its start; ESF+'s six months after leaving from the exit.
    assert [row.due for row in kept] == [
        STARTED + 28 * DAY,
        STARTED + 91 * DAY,
        date(2026, 3, 2) + 182 * DAY,
        STARTED + 365 * DAY,
    ]
    assert all(row.keep for row in kept)
    assert {row.status for row in rows if not row.keep} == {"cancelled"}


def test_exit_to_employment_from_permanent_employment_plans_its_follow_ups_only_once(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.PERMANENT, on=STARTED, workplace_id=staff.workplace)
    planned = [(row.id, row.name, row.due) for row in followups_of(kivo, case_id)]
    assert [name for _, name, _ in planned] == AFTER_EMPLOYMENT

    moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 3, 2))

    rows = followups_of(kivo, case_id)
    assert [(row.id, row.name, row.due) for row in rows if row.name != "after-exit-6m"] == planned
    assert [row.due for row in rows if row.name == "after-exit-6m"] == [date(2026, 8, 31)]
    assert {row.status for row in rows} == {"pending"}
    reminders = Counter((r.followup_id, r.kind) for r in reminders_of(kivo, case_id))
    assert set(reminders.values()) == {1}


def test_exit_to_employment_from_outside_employment_plans_from_the_exit(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)

    moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 3, 2))

    kept = [row for row in followups_of(kivo, case_id) if row.status == "pending"]
    assert [(row.due - date(2026, 3, 2)).days for row in kept] == [28, 91, 182, 365]


def test_entering_permanent_employment_again_plans_its_follow_ups_from_the_latest_entry(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.PERMANENT, on=STARTED, workplace_id=staff.workplace)
    moves.fall_back(kivo, case_id, Step.SHORT_PRACTICE, reason="laid off", on=date(2026, 2, 2))
    again = date(2026, 3, 2)

    moves.advance(kivo, case_id, Step.PERMANENT, on=again, workplace_id=staff.workplace)

    rows = followups_of(kivo, case_id)
    after = [row for row in rows if row.name in AFTER_EMPLOYMENT]
    pending = [row for row in after if row.status == "pending"]
    assert [(row.due - again).days for row in pending] == [28, 91, 182, 365]
    old = [row for row in after if row.status == "cancelled"]
    assert [row.name for row in old] == AFTER_EMPLOYMENT
    assert {row.cancel_reason for row in old} == {"planned again from 2026-03-02"}
    reminders = Counter((r.followup_id, r.status) for r in reminders_of(kivo, case_id))
    assert not any(
        status == "pending" for (followup, status) in reminders if followup in {r.id for r in old}
    )


def test_exit_to_employment_after_falling_back_into_fixed_term_plans_from_that_entry(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.PERMANENT, on=STARTED, workplace_id=staff.workplace)
    entered = date(2026, 2, 2)
    moves.fall_back(kivo, case_id, Step.FIXED_TERM, reason="back on contract", on=entered)

    moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 3, 2))

    pending = {row.name: row.due for row in followups_of(kivo, case_id) if row.status == "pending"}
    exit_plans = ["after-employment-4w", "after-employment-3m", "after-employment-12m"]
    assert [(pending[name] - entered).days for name in exit_plans] == [28, 91, 365]
    assert pending["after-exit-6m"] == date(2026, 3, 2) + 182 * DAY


def test_an_exit_for_another_reason_cancels_what_is_open_and_plans_only_the_6_months_check(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)

    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, on=date(2026, 3, 2))

    rows = followups_of(kivo, case_id)
    (after,) = named(rows, "after-exit-6m")  # ESF+: every leaver, six months after leaving
    assert (after.status, after.due, after.keep) == ("pending", date(2026, 8, 31), True)
    rows = [row for row in rows if row is not after]
    assert {row.name for row in rows} == WORKPLACE_ITEMS
    assert {row.status for row in rows} == {"cancelled"}
    assert {row.cancel_reason for row in rows} == {"exited on 2026-03-02"}
    dropped = {r.status for r in reminders_of(kivo, case_id) if r.followup_id != after.id}
    assert dropped == {"dropped"}


# Nothing planned without a move


def test_a_refused_move_plans_nothing(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff, consent=False)
    before = table_contents(kivo.database)

    with pytest.raises(Refused):
        moves.advance(
            kivo, case_id, Step.SHORT_PRACTICE, on=STARTED, supervisor_id=staff.supervisor
        )

    assert table_contents(kivo.database) == before


def test_a_dry_run_plans_nothing(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    before = table_contents(kivo.database)

    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=STARTED,
        supervisor_id=staff.supervisor,
        until=PLANNED_END,
        dry_run=True,
    )

    assert table_contents(kivo.database) == before
