"""Placements under a programme: default end, extension, early end, listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import Session, col, select

from pathway import directory, moves, placements
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.supervisor_change import change_supervisor
from persistence.tables import FollowupRow, ReminderRow
from states.errors import Conflict, InvalidInput
from states.steps import Step
from tests.integration.support import (
    TRAINED_ON,
    Staff,
    engine_of,
    enrol_case,
    events_of,
    placements_of,
    stored_case,
    table_contents,
)

Change = Callable[[Kivo, int, int, int], object]


def practice(kivo: Kivo, staff: Staff, *, until: date | None = date(2026, 3, 31)) -> int:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 19),
        supervisor_id=staff.supervisor,
        programme="praktik",
        until=until,
    )
    return case_id


def pending(kivo: Kivo, case_id: int, name: str) -> list[date]:
    with Session(engine_of(kivo.database)) as session:
        rows = session.exec(
            select(FollowupRow).where(
                FollowupRow.case_id == case_id,
                FollowupRow.name == name,
                FollowupRow.status == "pending",
            )
        ).all()
        return sorted(row.due for row in rows)


def pending_reminder_dues(kivo: Kivo, case_id: int) -> set[date]:
    with Session(engine_of(kivo.database)) as session:
        rows = session.exec(
            select(ReminderRow).where(
                ReminderRow.case_id == case_id, col(ReminderRow.status) == "pending"
            )
        ).all()
        return {row.due for row in rows}


def test_advancing_under_a_programme_without_until_plans_the_programmes_default_length(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = practice(kivo, staff, until=None)

    (placement,) = placements_of(kivo, case_id)  # from 2026-01-19: 3 calendar months
    assert (placement.programme, placement.planned_end) == ("PRAKTIK", date(2026, 4, 18))


def test_an_unknown_programme_is_refused_by_its_rule(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            case_id,
            Step.SHORT_PRACTICE,
            on=date(2026, 1, 19),
            supervisor_id=staff.supervisor,
            programme="NOPE",
        )
    assert {v.code for v in refused.value.violations} == {"programme-unknown"}
    assert placements_of(kivo, case_id) == []


def test_extending_moves_end_anchored_items_and_their_reminders_in_one_event(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = practice(kivo, staff)
    assert pending(kivo, case_id, "tripartite-end") == [date(2026, 3, 24)]

    result = placements.extend(
        kivo, case_id, until=date(2026, 5, 31), reason="needs more time", by=staff.caseworker
    )

    assert (result.old_end, result.new_end) == (date(2026, 3, 31), date(2026, 5, 31))
    assert pending(kivo, case_id, "tripartite-end") == [date(2026, 5, 24)]
    assert pending(kivo, case_id, "extension-decision") == [date(2026, 5, 3)]
    assert pending(kivo, case_id, "tripartite-midpoint") == [date(2026, 3, 26)]
    assert max(pending(kivo, case_id, "placement-contact")) > date(2026, 3, 31)
    dues = pending_reminder_dues(kivo, case_id)
    assert date(2026, 5, 24) in dues
    assert date(2026, 3, 24) not in dues
    (placement,) = placements_of(kivo, case_id)
    assert placement.planned_end == date(2026, 5, 31)
    last = events_of(kivo, case_id)[-1]
    assert (last.kind, last.from_state, last.to_state) == (
        "extended",
        "short-practice",
        "short-practice",
    )
    assert last.data["old_end"] == "2026-03-31"
    assert last.data["new_end"] == "2026-05-31"


def test_extending_after_the_supervisor_and_workplace_were_deactivated_warns_of_both(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = practice(kivo, staff)
    (placement,) = placements_of(kivo, case_id)
    assert placement.supervisor_id is not None
    assert placement.workplace_id is not None
    quiet = placements.extend(kivo, case_id, until=date(2026, 4, 15), reason="more time")
    assert quiet.warnings == []
    directory.deactivate_supervisor(kivo, placement.supervisor_id)
    directory.deactivate_workplace(kivo, placement.workplace_id)

    result = placements.extend(kivo, case_id, until=date(2026, 4, 30), reason="more time")

    assert result.new_end == date(2026, 4, 30), "a warning, not a refusal"
    assert [w["code"] for w in result.warnings] == [
        "extension-supervisor-inactive",
        "extension-workplace-inactive",
    ]
    assert "agree a new supervisor" in str(result.warnings[0]["message"])


def test_an_extension_beyond_the_programmes_maximum_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = practice(kivo, staff)
    before = len(events_of(kivo, case_id))

    with pytest.raises(Refused) as refused:
        placements.extend(kivo, case_id, until=date(2026, 7, 23))

    assert "programme-total-too-long" in {v.code for v in refused.value.violations}
    assert len(events_of(kivo, case_id)) == before
    assert placements_of(kivo, case_id)[0].planned_end == date(2026, 3, 31)
    assert pending(kivo, case_id, "tripartite-end") == [date(2026, 3, 24)]


def test_an_extension_without_an_open_placement_is_refused(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    with pytest.raises(Refused):
        placements.extend(kivo, case_id, until=date(2026, 5, 31))


def test_an_extension_must_move_the_end_later(kivo: Kivo, staff: Staff) -> None:
    case_id = practice(kivo, staff)
    with pytest.raises(InvalidInput):
        placements.extend(kivo, case_id, until=date(2026, 3, 1))


def test_ending_early_cancels_what_was_planned_after_the_end(kivo: Kivo, staff: Staff) -> None:
    case_id = practice(kivo, staff)

    result = placements.end(kivo, case_id, on=date(2026, 2, 20), reason="employer closed")

    assert result.followups_cancelled > 0
    assert pending(kivo, case_id, "tripartite-end") == []
    (placement,) = placements_of(kivo, case_id)
    assert (placement.ended_on, placement.end_reason) == (date(2026, 2, 20), "employer closed")
    assert events_of(kivo, case_id)[-1].kind == "placement_ended"


def test_placements_are_listed_by_workplace_programme_and_dates(kivo: Kivo, staff: Staff) -> None:
    case_id = practice(kivo, staff)

    assert [p.case_id for p in placements.listing(kivo, programme="praktik")] == [case_id]
    assert placements.listing(kivo, workplace_id=staff.other_workplace) == []
    assert len(placements.listing(kivo, active_on=date(2026, 2, 1))) == 1
    assert placements.listing(kivo, active_on=date(2026, 1, 1)) == []
    assert len(placements.listing(kivo, ending_before=date(2026, 4, 1))) == 1
    assert placements.listing(kivo, ending_before=date(2026, 3, 31)) == []


CHANGES = {
    "extension": lambda kivo, case_id, other, version: placements.extend(
        kivo, case_id, until=date(2026, 4, 30), expected_version=version
    ),
    "early end": lambda kivo, case_id, other, version: placements.end(
        kivo, case_id, on=date(2026, 2, 20), reason="closed", expected_version=version
    ),
    "supervisor change": lambda kivo, case_id, other, version: change_supervisor(
        kivo, case_id, other, expected_version=version
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_placement_decision_moves_the_case_version_and_refuses_a_stale_one(
    kivo: Kivo, staff: Staff, change: Change
) -> None:
    case_id = practice(kivo, staff)
    other = directory.add_supervisor(
        kivo, "Lena Åberg", workplace_id=staff.workplace, trained_on=TRAINED_ON
    ).id
    assert other is not None
    seen = stored_case(kivo, case_id).version
    before = table_contents(kivo.database)

    with pytest.raises(Conflict):
        change(kivo, case_id, other, seen - 1)
    assert table_contents(kivo.database) == before

    change(kivo, case_id, other, seen)
    assert stored_case(kivo, case_id).version == seen + 1
