"""Caseload handover on SQLite and PostgreSQL: what moves, in one transaction, and what
is refused."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlmodel import Session, col

from pathway import directory, moves
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.handover import deactivate_caseworker, transfer_caseload
from pathway.meetings import schedule_meeting
from pathway.views import show_case
from persistence.tables import CaseEventRow, CaseRow, CaseworkerRow, FollowupRow, ReminderRow
from states.case import Outcome
from states.errors import Conflict, InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import (
    Staff,
    add_staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    stored_case,
    table_contents,
)

PLACED_ON = date(2026, 2, 2)
HANDED_OVER_ON = date(2026, 3, 1)


def _placed_case(kivo: Kivo, staff: Staff, name: str = "Amira Deltagare") -> int:
    """A case at short practice: tripartite meetings, contacts and reminders are planned."""
    case_id = enrol_case(kivo, staff, name=name)
    moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=PLACED_ON, supervisor_id=staff.supervisor,
        until=date(2026, 5, 1),
    )  # fmt: skip
    return case_id


def _new_caseworker(kivo: Kivo, name: str = "Ny Handläggare") -> int:
    worker = directory.add_caseworker(kivo, name)
    assert worker.id is not None
    return worker.id


def _count(kivo: Kivo, query: Any) -> int:
    with engine_of(kivo.database).connect() as connection:
        return int(connection.execute(query).scalar() or 0)


def _pending(kivo: Kivo, case_id: int) -> tuple[int, int]:
    """Pending follow-ups and pending reminders of a case."""
    followups = _count(
        kivo,
        select(func.count()).where(
            col(FollowupRow.case_id) == case_id, col(FollowupRow.status) == "pending"
        ),
    )
    reminders = _count(
        kivo,
        select(func.count()).where(
            col(ReminderRow.case_id) == case_id, col(ReminderRow.status) == "pending"
        ),
    )
    return followups, reminders


def test_a_transfer_moves_every_open_case_with_its_followups_meetings_and_reminders(
    kivo: Kivo,
) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    first, second = _placed_case(kivo, staff), _placed_case(kivo, staff, "Bo Deltagare")
    schedule_meeting(kivo, first, datetime(2026, 3, 10, 10, 0))
    followups = sum(_pending(kivo, c)[0] for c in (first, second))
    assert followups > 0
    assert _pending(kivo, first)[1] > 0
    versions = {c: stored_case(kivo, c).version for c in (first, second)}

    result = transfer_caseload(
        kivo, staff.caseworker, receiver, note="Hanna slutar", on=HANDED_OVER_ON,
        by=staff.coordinator,
    )  # fmt: skip

    assert result.moved() == {"cases": 2, "followups": followups, "meetings": 1}
    for case_id in (first, second):
        case = stored_case(kivo, case_id)
        assert case.caseworker_id == receiver
        assert case.version == versions[case_id] + 1
        last = events_of(kivo, case_id)[-1]
        assert last.kind == "transferred"
        assert last.on == HANDED_OVER_ON
        assert last.data == {"from": staff.caseworker, "to": receiver, "note": "Hanna slutar"}
        assert last.reason == "Hanna slutar"
        assert last.actor_id == staff.coordinator
        assert_history_replays_to_stored_state(kivo, case_id)


def test_a_transferred_case_can_still_be_moved_and_its_owners_are_in_the_view(
    kivo: Kivo,
) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    case_id = _placed_case(kivo, staff)
    transfer_caseload(kivo, staff.caseworker, receiver, on=HANDED_OVER_ON, by=staff.coordinator)

    moves.advance(kivo, case_id, Step.VOCATIONAL_TRAINING, on=HANDED_OVER_ON)

    owners = show_case(kivo, case_id).owners
    assert owners == [
        {"caseworker_id": staff.caseworker, "from": "2026-01-12", "to": "2026-03-01"},
        {"caseworker_id": receiver, "from": "2026-03-01", "to": None},
    ]
    assert_history_replays_to_stored_state(kivo, case_id)


def test_a_dry_run_previews_the_same_numbers_and_writes_nothing(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    case_id = _placed_case(kivo, staff)
    schedule_meeting(kivo, case_id, datetime(2026, 3, 10, 10, 0))
    before = table_contents(kivo.database)

    preview = transfer_caseload(
        kivo, staff.caseworker, receiver, dry_run=True, by=staff.coordinator
    )

    assert table_contents(kivo.database) == before
    done = transfer_caseload(kivo, staff.caseworker, receiver, by=staff.coordinator)
    assert preview.moved() == done.moved()
    assert preview.dry_run
    assert not done.dry_run


def test_only_the_named_cases_move_when_cases_are_given(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    moved, stays = _placed_case(kivo, staff), _placed_case(kivo, staff, "Bo Deltagare")

    result = transfer_caseload(
        kivo, staff.caseworker, receiver, case_ids=[moved], by=staff.coordinator
    )

    assert result.cases == 1
    assert stored_case(kivo, moved).caseworker_id == receiver
    assert stored_case(kivo, stays).caseworker_id == staff.caseworker
    assert [e.kind for e in events_of(kivo, stays)][-1] != "transferred"


def test_a_transfer_of_one_case_takes_the_version_the_caller_looked_at(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    case_id = _placed_case(kivo, staff)
    looked_at = stored_case(kivo, case_id).version
    moves.pause(kivo, case_id, reason="illness")  # someone changes it meanwhile
    before = table_contents(kivo.database)

    with pytest.raises(Conflict):
        transfer_caseload(
            kivo,
            staff.caseworker,
            receiver,
            case_ids=[case_id],
            expected_version=looked_at,
            by=staff.coordinator,
        )
    assert table_contents(kivo.database) == before
    with pytest.raises(InvalidInput):
        transfer_caseload(
            kivo, staff.caseworker, receiver, expected_version=looked_at + 1, by=staff.coordinator
        )
    assert table_contents(kivo.database) == before

    current = stored_case(kivo, case_id).version
    transfer_caseload(
        kivo,
        staff.caseworker,
        receiver,
        case_ids=[case_id],
        expected_version=current,
        by=staff.coordinator,
    )
    assert stored_case(kivo, case_id).version == current + 1
    assert stored_case(kivo, case_id).caseworker_id == receiver


@pytest.mark.parametrize("to", ["self", "inactive"])
def test_handing_over_to_oneself_or_to_an_inactive_caseworker_is_refused(
    kivo: Kivo, to: str
) -> None:
    staff = add_staff(kivo)
    _placed_case(kivo, staff)
    receiver = staff.caseworker
    if to == "inactive":
        receiver = _new_caseworker(kivo)
        deactivate_caseworker(kivo, receiver, by=staff.coordinator)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        transfer_caseload(kivo, staff.caseworker, receiver, by=staff.coordinator)

    codes = {v.code for v in refused.value.violations}
    assert codes == {"same-caseworker" if to == "self" else "caseworker-inactive"}
    assert table_contents(kivo.database) == before


def test_unknown_caseworkers_and_cases_are_not_found_and_write_nothing(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    _placed_case(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(NotFound):
        transfer_caseload(kivo, 9999, receiver, by=staff.coordinator)
    with pytest.raises(NotFound):
        transfer_caseload(kivo, staff.caseworker, 9999, by=staff.coordinator)
    with pytest.raises(NotFound):
        transfer_caseload(kivo, staff.caseworker, receiver, case_ids=[9999], by=staff.coordinator)
    assert table_contents(kivo.database) == before


def test_a_case_of_someone_else_or_a_future_date_is_refused(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    case_id = _placed_case(kivo, staff)
    transfer_caseload(kivo, staff.caseworker, receiver, on=HANDED_OVER_ON, by=staff.coordinator)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        transfer_caseload(
            kivo, staff.caseworker, receiver, case_ids=[case_id], by=staff.coordinator
        )
    assert [v.code for v in refused.value.violations] == ["not-in-caseload"]
    with pytest.raises(InvalidInput):
        transfer_caseload(
            kivo, receiver, staff.caseworker, on=date(2030, 1, 1), by=staff.coordinator
        )
    with pytest.raises(Refused) as refused:
        transfer_caseload(
            kivo, receiver, staff.caseworker, on=date(2026, 2, 1), by=staff.coordinator
        )
    assert [v.code for v in refused.value.violations] == ["date-before-last-transfer"]
    assert table_contents(kivo.database) == before


def test_deactivating_someone_with_open_cases_needs_a_handover(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    case_id = _placed_case(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        deactivate_caseworker(kivo, staff.caseworker, by=staff.coordinator)

    assert [v.code for v in refused.value.violations] == ["caseload-not-handed-over"]
    assert table_contents(kivo.database) == before
    receiver = _new_caseworker(kivo)
    done = deactivate_caseworker(
        kivo, staff.caseworker, handover_to=receiver, note="slutar", by=staff.coordinator
    )
    assert done.handover is not None
    assert done.handover.cases == 1
    assert stored_case(kivo, case_id).caseworker_id == receiver
    assert not _active(kivo, staff.caseworker)


def test_deactivating_an_inactive_caseworker_or_handing_over_to_oneself_is_refused(
    kivo: Kivo,
) -> None:
    staff = add_staff(kivo)
    _placed_case(kivo, staff)
    with pytest.raises(Refused):
        deactivate_caseworker(
            kivo, staff.caseworker, handover_to=staff.caseworker, by=staff.coordinator
        )
    assert _active(kivo, staff.caseworker)
    idle = _new_caseworker(kivo)
    deactivate_caseworker(kivo, idle, by=staff.coordinator)
    with pytest.raises(Refused):
        deactivate_caseworker(kivo, idle, by=staff.coordinator)


def test_an_exited_case_with_followups_after_employment_moves_too(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.PERMANENT, on=PLACED_ON, workplace_id=staff.workplace)

    moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 2, 20))
    assert _pending(kivo, case_id)[0] > 0
    receiver = _new_caseworker(kivo)

    deactivate_caseworker(kivo, staff.caseworker, handover_to=receiver, by=staff.coordinator)

    assert stored_case(kivo, case_id).caseworker_id == receiver


def test_five_thousand_cases_move_in_one_update_statement(kivo: Kivo) -> None:
    staff = add_staff(kivo)
    receiver = _new_caseworker(kivo)
    _bulk_cases(kivo, staff.caseworker, 5000)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = kivo.uow().engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = transfer_caseload(
            kivo, staff.caseworker, receiver, note="omorganisation", by=staff.coordinator
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert result.cases == 5000
    case_updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE KIVO_CASE")]
    event_inserts = [
        s for s in statements if s.lstrip().upper().startswith("INSERT INTO CASE_EVENT")
    ]
    assert len(case_updates) == 1
    assert len(event_inserts) == 1
    owned = _count(kivo, select(func.count()).where(col(CaseRow.caseworker_id) == receiver))
    transfers = _count(kivo, select(func.count()).where(col(CaseEventRow.kind) == "transferred"))
    assert owned == 5000
    assert transfers == 5000


def _bulk_cases(kivo: Kivo, caseworker_id: int, n: int) -> None:
    """``n`` enrolled cases written directly (enrolling them one by one would be slow)."""
    from persistence.tables import PersonRow

    with Session(engine_of(kivo.database)) as session:
        connection = session.connection()
        connection.execute(insert(PersonRow), [{"name": f"P{i}", "groups": []} for i in range(n)])
        ids = (
            connection.execute(
                select(col(PersonRow.id))
                .where(col(PersonRow.name).like("P%"))
                .order_by(col(PersonRow.id))
            )
            .scalars()
            .all()
        )
        connection.execute(
            insert(CaseRow),
            [
                {"person_id": pid, "state": "enrolled", "opened_on": date(2026, 1, 5),
                 "caseworker_id": caseworker_id, "last_move_on": date(2026, 1, 5), "version": 1}
                for pid in ids
            ],
        )  # fmt: skip
        case_ids = (
            connection.execute(
                select(col(CaseRow.id)).where(col(CaseRow.caseworker_id) == caseworker_id)
            )
            .scalars()
            .all()
        )
        connection.execute(
            insert(CaseEventRow),
            [
                {"case_id": cid, "seq": 1, "kind": "enrolled", "to_state": "enrolled",
                 "on": date(2026, 1, 5), "recorded_at": datetime(2026, 1, 5, 9, 0),
                 "warnings": [], "overrides": [], "data": {}}
                for cid in case_ids
            ],
        )  # fmt: skip
        session.commit()


def _active(kivo: Kivo, caseworker_id: int) -> bool:
    with Session(engine_of(kivo.database)) as session:
        row = session.get(CaseworkerRow, caseworker_id)
        assert row is not None
        return row.active
