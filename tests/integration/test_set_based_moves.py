"""The set-based reads and writes behind batch moves and a move's follow-ups, on SQLite and
PostgreSQL: several cases read at once give each case what reading it alone gives, a
stale case is a conflict that writes nothing, and a batch move leaves a case exactly as
a single move does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from pathway import batch, moves
from pathway.context import Kivo
from pathway.errors import Refused
from persistence.tables import FollowupRow, PlacementRow, ReminderRow
from states.errors import Conflict
from states.records import Case, Followup
from states.steps import Step
from tests.integration.support import (
    Staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    stored_case,
)

PRACTICE_ON = date(2026, 1, 19)
LEAVE_ON = date(2026, 2, 16)


def _in_practice(kivo: Kivo, staff: Staff, name: str) -> int:
    case_id = enrol_case(kivo, staff, name=name)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=PRACTICE_ON,
        supervisor_id=staff.supervisor,
        programme="pis",
        until=date(2026, 4, 30),
        by=staff.caseworker,
    )
    return case_id


def _stored(kivo: Kivo, case_id: int) -> dict[str, Any]:
    """What a move left of a case, without ids (two cases get different ones)."""
    with Session(engine_of(kivo.database)) as session:
        placements = session.exec(
            select(PlacementRow)
            .where(PlacementRow.case_id == case_id)
            .order_by(col(PlacementRow.id))
        ).all()
        items = session.exec(
            select(FollowupRow).where(FollowupRow.case_id == case_id).order_by(col(FollowupRow.id))
        ).all()
        reminders = session.exec(
            select(ReminderRow).where(ReminderRow.case_id == case_id).order_by(col(ReminderRow.id))
        ).all()
    case = stored_case(kivo, case_id)
    return {
        "case": (case.state, case.step, case.last_move_on, case.version),
        "placements": [
            (p.step, p.start, p.planned_end, p.ended_on, p.end_reason, p.programme)
            for p in placements
        ],
        "items": [
            (f.name, f.due, f.status, f.step, f.cancel_reason, f.placement_id is None)
            for f in items
        ],
        "reminders": [(r.kind, r.due, r.send_on, r.status) for r in reminders],
        "events": [
            (e.seq, e.kind, e.from_state, e.to_state, e.on, e.actor_id, sorted(e.data))
            for e in events_of(kivo, case_id)
        ],
    }


def test_a_batch_move_out_of_a_placement_leaves_a_case_exactly_as_a_single_move_does(
    kivo: Kivo, staff: Staff
) -> None:
    single = _in_practice(kivo, staff, "Ensam Deltagare")
    batched = _in_practice(kivo, staff, "Grupp Deltagare")

    moves.advance(kivo, single, Step.STUDY_PREP, on=LEAVE_ON, by=staff.caseworker)
    result = batch.batch_advance(kivo, [batched], Step.STUDY_PREP, on=LEAVE_ON, by=staff.caseworker)

    assert result.moved == 1
    after = _stored(kivo, batched)
    assert after == _stored(kivo, single)
    assert after["placements"][0][3:5] == (LEAVE_ON, "advanced")
    assert any(item[2] == "cancelled" for item in after["items"])
    assert any(reminder[3] == "dropped" for reminder in after["reminders"])
    assert_history_replays_to_stored_state(kivo, batched)


def test_a_batch_advance_counts_the_participants_earlier_pis_as_a_single_move_does(
    kivo: Kivo, staff: Staff
) -> None:
    """PIS is at most 6 months for the participant: a batch move, like a single one,
    counts the placement the case fell back from (28 days) with the new one (178)."""
    single = _in_practice(kivo, staff, "Ensam Deltagare")
    batched = _in_practice(kivo, staff, "Grupp Deltagare")
    for case_id in (single, batched):
        moves.fall_back(kivo, case_id, Step.INFORMATION, reason="ill", on=LEAVE_ON)
    again, until = LEAVE_ON + timedelta(days=7), date(2026, 8, 20)

    with pytest.raises(Refused) as refused:
        moves.advance(kivo, single, Step.STUDY_PRACTICE, on=again, programme="PIS", until=until)
    result = batch.batch_advance(
        kivo, [batched], Step.STUDY_PRACTICE, on=again, programme="PIS", until=until
    )

    blocking = {v.code for v in refused.value.violations if v.blocking}
    assert "programme-total-too-long" in blocking
    assert set(result.refusals) == blocking
    assert _stored(kivo, batched)["placements"] == _stored(kivo, single)["placements"]


def test_a_case_named_twice_in_a_batch_is_moved_once_and_the_repeat_refused(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)

    result = batch.batch_advance(kivo, [case_id, case_id], Step.INFORMATION, on=PRACTICE_ON)

    assert (result.moved, result.refused, result.refusals) == (1, 1, {"same-step": 1})
    assert [e.kind for e in events_of(kivo, case_id)].count("advanced") == 1
    assert_history_replays_to_stored_state(kivo, case_id)


def test_saving_cases_one_of_which_changed_since_it_was_read_is_a_conflict_that_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    first, second = enrol_case(kivo, staff, name="Första"), enrol_case(kivo, staff, name="Andra")
    with kivo.uow() as uow:
        read = {i: loaded[0] for i, loaded in uow.pipeline.load([first, second]).items()}
    moves.advance(kivo, second, Step.INFORMATION, on=PRACTICE_ON)  # someone else, meanwhile
    for case in read.values():
        case.state, case.last_move_on = "information", LEAVE_ON

    with pytest.raises(Conflict):
        _save_all(kivo, list(read.values()))

    stored = stored_case(kivo, first)
    assert (stored.state, stored.version) == ("enrolled", read[first].version)
    assert stored_case(kivo, second).last_move_on == PRACTICE_ON


def _save_all(kivo: Kivo, cases: list[Case]) -> None:
    with kivo.uow() as uow:
        uow.pipeline.save_cases(cases)
        uow.commit()


def test_saving_cases_as_read_moves_each_one_version_on(kivo: Kivo, staff: Staff) -> None:
    first, second = enrol_case(kivo, staff, name="Första"), enrol_case(kivo, staff, name="Andra")
    with kivo.uow() as uow:
        read = {i: loaded[0] for i, loaded in uow.pipeline.load([first, second]).items()}
    versions = {case_id: case.version for case_id, case in read.items()}
    for case in read.values():
        case.state, case.last_move_on = "information", LEAVE_ON

    _save_all(kivo, list(read.values()))

    for case_id in (first, second):
        stored = stored_case(kivo, case_id)
        assert (stored.state, stored.step) == ("information", 1)
        assert stored.version == read[case_id].version == versions[case_id] + 1


def test_reading_several_cases_at_once_gives_each_what_reading_it_alone_gives(
    kivo: Kivo, staff: Staff
) -> None:
    practising = _in_practice(kivo, staff, "Praktik Deltagare")
    enrolled = enrol_case(kivo, staff, name="Ny Deltagare")
    ids = [practising, enrolled, 999_999]

    with kivo.uow(read_only=True) as uow:
        loaded = uow.pipeline.load(ids)
        cases = {case_id: case for case_id, (case, _, _, _) in loaded.items()}
        people = {person.id: person for _, person, _, _ in loaded.values()}
        flags = {case_id: (items, open_) for case_id, (_, _, items, open_) in loaded.items()}
        histories = uow.events.for_cases(ids)
        placements = uow.placements.for_cases(ids)
        theirs = uow.pipeline.placements_of_people([case.person_id for case in cases.values()])
        items = uow.pipeline.open_items(ids)
        alone = {case_id: uow.cases.get(case_id) for case_id in (practising, enrolled)}
        assert cases == alone
        assert people == {case.person_id: uow.people.get(case.person_id) for case in alone.values()}
        assert flags == {practising: (True, True), enrolled: (False, False)}
        assert histories == {c: uow.events.for_case(c) for c in (practising, enrolled)}
        assert placements == {practising: uow.placements.for_case(practising)}
        assert theirs == {alone[practising].person_id: uow.placements.for_case(practising)}
        assert items == {practising: uow.followups.open_for_case(practising)}
        assert uow.meetings.held_moments(ids) == {}


def test_adding_follow_ups_at_once_gives_each_its_own_id_in_order(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    items = [
        Followup(case_id=case_id, name=f"check-{n}", kind="contact", title=f"Check {n}", due=due)
        for n, due in enumerate(PRACTICE_ON + timedelta(days=d) for d in (9, 3, 6))
    ]

    with kivo.uow() as uow:
        ids = uow.followups.add_many(items)
        uow.commit()

    assert ids == [item.id for item in items]
    assert len(set(ids)) == 3
    with kivo.uow(read_only=True) as uow:
        assert [uow.followups.get(ident).name for ident in ids] == ["check-0", "check-1", "check-2"]
