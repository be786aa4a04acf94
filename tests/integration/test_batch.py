"""Moving many cases at once (``pathway.batch``), on SQLite and PostgreSQL.

A batch move is the single move applied case by case: the same judge, the same writes
(state, history, placement, follow-ups), committed in chunks. What is read back is the
stored rows, not the result.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from pathway import batch, moves
from pathway.context import Kivo
from persistence.tables import FollowupRow, ReminderRow
from states.errors import InvalidInput
from states.ruleset import load_rules_file
from states.steps import Step
from tests.integration.support import (
    TODAY,
    Staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    placements_of,
    rules_file,
    stored_case,
)


def _cohort(kivo: Kivo, staff: Staff, count: int, *, consent: bool = True) -> list[int]:
    return [enrol_case(kivo, staff, name=f"Deltagare {n}", consent=consent) for n in range(count)]


def _followups_of(kivo: Kivo, case_id: int) -> list[FollowupRow]:
    with Session(engine_of(kivo.database)) as session:
        query = select(FollowupRow).where(FollowupRow.case_id == case_id)
        return list(session.exec(query.order_by(col(FollowupRow.id))).all())


def _reminder_count(kivo: Kivo, case_id: int) -> int:
    with Session(engine_of(kivo.database)) as session:
        query = select(func.count()).where(ReminderRow.case_id == case_id)
        return int(session.exec(query).one())


def test_a_batch_advance_moves_every_case_and_writes_one_history_event_each(
    kivo: Kivo, staff: Staff
) -> None:
    cases = _cohort(kivo, staff, 5)

    result = batch.batch_advance(kivo, cases, Step.INFORMATION, on=TODAY, by=staff.caseworker)

    assert (result.moved, result.refused, result.not_found) == (5, 0, 0)
    for case_id in cases:
        stored = stored_case(kivo, case_id)
        assert (stored.state, stored.step, stored.last_move_on) == ("information", 1, TODAY)
        last = events_of(kivo, case_id)[-1]
        assert (last.kind, last.from_state, last.to_state, last.actor_id) == (
            "advanced",
            "enrolled",
            "information",
            staff.caseworker,
        )
        assert_history_replays_to_stored_state(kivo, case_id)


def test_a_batch_commits_in_chunks_of_the_size_asked_for(kivo: Kivo, staff: Staff) -> None:
    cases = _cohort(kivo, staff, 7)

    result = batch.batch_advance(kivo, cases, Step.INFORMATION, on=TODAY, chunk=3)

    assert (result.moved, result.chunks) == (7, 3)


def test_a_refused_case_is_counted_with_its_rule_and_the_rest_of_its_chunk_still_moves(
    kivo: Kivo, staff: Staff
) -> None:
    first, already_there, last = _cohort(kivo, staff, 3)
    moves.advance(kivo, already_there, Step.INFORMATION, on=TODAY)
    before = len(events_of(kivo, already_there))

    result = batch.batch_advance(kivo, [first, already_there, last], Step.INFORMATION, on=TODAY)

    assert (result.moved, result.refused, result.chunks) == (2, 1, 1)
    assert result.refusals == {"same-step": 1}
    assert result.refused_ids == [already_there]
    assert len(events_of(kivo, already_there)) == before
    assert [stored_case(kivo, c).state for c in (first, last)] == ["information"] * 2


def test_a_batch_move_plans_the_same_follow_ups_and_reminders_as_a_single_move(
    kivo: Kivo, staff: Staff
) -> None:
    single, batched = _cohort(kivo, staff, 2)
    until = TODAY + timedelta(days=120)

    moves.advance(kivo, single, Step.STUDY_PREP, on=TODAY, until=until)
    batch.batch_advance(kivo, [batched], Step.STUDY_PREP, on=TODAY, until=until)

    def plan(case_id: int) -> list[tuple[str, date, str]]:
        return [(f.name, f.due, f.status) for f in _followups_of(kivo, case_id)]

    assert plan(batched) == plan(single)
    assert plan(batched)
    assert _reminder_count(kivo, batched) == _reminder_count(kivo, single) > 0


def test_a_batch_move_to_a_workplace_step_opens_a_placement_for_each_case(
    kivo: Kivo, staff: Staff
) -> None:
    cases = _cohort(kivo, staff, 2)

    result = batch.batch_advance(
        kivo,
        cases,
        Step.FIXED_TERM,
        on=TODAY,
        until=TODAY + timedelta(days=180),
        programme="SAVA",
    )

    # Fixed-term employment needs a workplace: the rules refuse each case by name.
    assert result.moved == 0
    assert result.refusals == {"workplace-missing": 2}
    assert all(placements_of(kivo, case_id) == [] for case_id in cases)


def test_unknown_cases_are_counted_as_not_found_and_do_not_stop_the_batch(
    kivo: Kivo, staff: Staff
) -> None:
    (case_id,) = _cohort(kivo, staff, 1)

    result = batch.batch_advance(kivo, [999_999, case_id], Step.INFORMATION, on=TODAY)

    assert (result.moved, result.not_found) == (1, 1)
    assert stored_case(kivo, case_id).state == "information"


def test_a_chunk_of_less_than_one_case_is_invalid_input(kivo: Kivo, staff: Staff) -> None:
    with pytest.raises(InvalidInput):
        batch.batch_advance(kivo, [1], Step.INFORMATION, chunk=0)


OFF = 'severity = "blocking"\nenabled = false'


def test_a_batch_into_employment_again_replans_the_follow_ups_as_a_single_move_does(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    # An organisation whose employment steps need no named workplace, so a batch may enter
    # them: each case entered permanent employment, fell back, and enters it again today.
    kivo = dataclasses.replace(
        kivo, rules=load_rules_file(rules_file(tmp_path, "workplace-missing", OFF))
    )
    single, batched = _cohort(kivo, staff, 2)
    for case_id in (single, batched):
        moves.advance(kivo, case_id, Step.PERMANENT, on=TODAY - timedelta(days=40))
        moves.fall_back(
            kivo, case_id, Step.INFORMATION, reason="laid off", on=TODAY - timedelta(days=20)
        )

    moves.advance(kivo, single, Step.PERMANENT, on=TODAY)
    batch.batch_advance(kivo, [batched], Step.PERMANENT, on=TODAY)

    def plan(case_id: int) -> list[tuple[str, date, str]]:
        return [(f.name, f.due, f.status) for f in _followups_of(kivo, case_id)]

    assert plan(batched) == plan(single)
    after = [(due, status) for name, due, status in plan(batched) if name.startswith("after-")]
    assert sorted(due for due, status in after if status == "pending")[0] == TODAY + timedelta(
        days=28
    )
