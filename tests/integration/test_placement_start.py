"""`kivo placement start`: the placement of a case already in a workplace step, opened
through the one move pipeline, on SQLite and PostgreSQL; and an advance into a step at
no workplace, which never opens a placement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from pathway import corrections, directory, moves, placements
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.importing import import_participants
from persistence.tables import FollowupRow, ReminderRow
from states.case import Outcome
from states.errors import Conflict, InvalidInput, NotFound
from states.import_rows import REQUIRED_COLUMNS
from states.steps import Step
from tests.integration.support import (
    TRAINED_ON,
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
from tests.integration.test_concurrency import errors_in, run_together

START = date(2026, 2, 2)
UNTIL = date(2026, 4, 30)


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def imported(kivo: Kivo, step: str, *, consent_on: str = "2026-01-12") -> int:
    """A case imported into ``step``: no placement, no follow-ups."""
    name = "Imported " + step.title().replace("-", " ")
    row = [name, fresh_personnummer(), "woman", "", "", "Hanna Handläggare"]
    row += ["2026-01-12", step, consent_on]
    before = {c for c in _case_ids(kivo)}
    assert import_participants(kivo, [list(REQUIRED_COLUMNS), row]).imported == 1
    (case_id,) = set(_case_ids(kivo)) - before
    return case_id


def _case_ids(kivo: Kivo) -> list[int]:
    from persistence.tables import CaseRow

    with Session(engine_of(kivo.database)) as session:
        return [i for i in session.exec(select(CaseRow.id)).all() if i is not None]


def items_of(kivo: Kivo, case_id: int) -> list[FollowupRow]:
    query = select(FollowupRow).where(FollowupRow.case_id == case_id)
    with Session(engine_of(kivo.database)) as session:
        return list(session.exec(query.order_by(col(FollowupRow.id))).all())


def reminders_of(kivo: Kivo, case_id: int) -> list[tuple[str, date, date]]:
    query = select(ReminderRow).where(ReminderRow.case_id == case_id)
    with Session(engine_of(kivo.database)) as session:
        return sorted(
            (row.kind, row.due, row.send_on)
            for row in session.exec(query).all()
            if row.status == "pending"
        )


def planned(kivo: Kivo, case_id: int) -> list[tuple[str, date, str]]:
    """The case's pending items as (name, due, kind): comparable across cases."""
    return sorted(
        (item.name, item.due, item.kind)
        for item in items_of(kivo, case_id)
        if item.status == "pending"
    )


def test_an_imported_case_gets_its_placement_with_what_an_advance_plans(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = imported(kivo, "short-practice")
    assert items_of(kivo, case_id) == []
    assert placements_of(kivo, case_id) == []
    twin = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        twin,
        Step.SHORT_PRACTICE,
        on=START,
        supervisor_id=staff.supervisor,
        programme="praktik",
        until=UNTIL,
    )
    version = stored_case(kivo, case_id).version

    result = moves.start_placement(
        kivo,
        case_id,
        supervisor_id=staff.supervisor,
        programme="praktik",
        until=UNTIL,
        on=START,
        by=staff.caseworker,
    )

    (placement,) = placements_of(kivo, case_id)
    assert result.placement_id == placement.id
    assert (result.kind, result.from_state, result.to_state) == (
        "placement_started",
        "short-practice",
        "short-practice",
    )
    assert (placement.step, placement.start, placement.planned_end) == (2, START, UNTIL)
    assert (placement.workplace_id, placement.supervisor_id) == (
        staff.workplace,
        staff.supervisor,
    )
    assert (placement.programme, placement.ended_on) == ("PRAKTIK", None)
    assert planned(kivo, case_id) == planned(kivo, twin) != []
    assert {item.placement_id for item in items_of(kivo, case_id)} == {placement.id}
    assert len(reminders_of(kivo, case_id)) == len(reminders_of(kivo, twin)) > 0
    case = stored_case(kivo, case_id)
    assert (case.state, case.version, case.last_move_on) == ("short-practice", version + 1, START)
    last = events_of(kivo, case_id)[-1]
    assert (last.kind, last.from_state, last.to_state, last.on) == (
        "placement_started",
        "short-practice",
        "short-practice",
        START,
    )
    assert last.actor_id == staff.caseworker
    undo = last.data.pop("undo")  # what the start wrote, for a correction to undo
    assert last.data.pop("rules") == kivo.fingerprint  # the rule set that judged it
    assert sorted(undo["added"]) == sorted(item.id or 0 for item in items_of(kivo, case_id))
    assert last.data == {
        "workplace_id": staff.workplace,
        "supervisor_id": staff.supervisor,
        "programme": "PRAKTIK",
        "until": UNTIL.isoformat(),
        "placement_id": placement.id,
    }
    assert_history_replays_to_stored_state(kivo, case_id)


def test_a_mistaken_placement_start_is_corrected_away_leaving_the_case_as_imported(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = imported(kivo, "short-practice")
    moves.start_placement(
        kivo,
        case_id,
        supervisor_id=staff.supervisor,
        programme="praktik",
        until=UNTIL,
        on=START,
        by=staff.caseworker,
    )
    seq = len(events_of(kivo, case_id))

    done = corrections.correct(kivo, case_id, seq, reason="wrong participant", by=staff.coordinator)

    assert done.placement_removed is not None
    assert placements_of(kivo, case_id) == []
    assert all(item.status == "cancelled" for item in items_of(kivo, case_id))
    assert stored_case(kivo, case_id).state == "short-practice"
    assert [e.kind for e in events_of(kivo, case_id)][-2:] == ["placement_started", "correction"]
    assert_history_replays_to_stored_state(kivo, case_id)


def test_a_case_fallen_back_into_a_workplace_step_has_its_items_planned_once_with_it(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=date(2026, 1, 19))
    moves.fall_back(kivo, case_id, Step.SHORT_PRACTICE, reason="course paused", on=START)
    before = {(i.name, i.id) for i in items_of(kivo, case_id) if i.status == "pending"}
    assert "fallback-risk" in {name for name, _ in before}
    assert placements_of(kivo, case_id) == []

    moves.start_placement(
        kivo, case_id, supervisor_id=staff.supervisor, until=UNTIL, on=date(2026, 2, 9)
    )

    (placement,) = placements_of(kivo, case_id)
    items = items_of(kivo, case_id)
    pending = [i for i in items if i.status == "pending"]
    once = [i.name for i in pending if i.step == 2 and i.name != "placement-contact"]
    assert once
    assert len(once) == len(set(once))
    assert {i.name for i in pending if i.placement_id is None} == {"fallback-risk"}
    assert all(i.placement_id == placement.id for i in pending if i.name != "fallback-risk")
    replaced = [i for i in items if i.status == "cancelled" and i.step == 2]
    assert replaced
    assert {i.cancel_reason for i in replaced} == {
        "planned again with the placement from 2026-02-09"
    }
    start = next(i for i in pending if i.name == "tripartite-start")
    assert start.due == date(2026, 2, 9)
    assert_history_replays_to_stored_state(kivo, case_id)


def test_after_a_placement_ended_early_another_one_starts_in_the_same_step(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=START, supervisor_id=staff.supervisor, until=UNTIL
    )
    placements.end(kivo, case_id, on=date(2026, 2, 13), reason="the bakery closed")

    moves.start_placement(
        kivo,
        case_id,
        supervisor_id=staff.other_supervisor,
        until=UNTIL,
        on=date(2026, 2, 16),
    )

    first, second = placements_of(kivo, case_id)
    assert first.ended_on == date(2026, 2, 13)
    assert second.ended_on is None
    assert (second.workplace_id, second.start) == (staff.other_workplace, date(2026, 2, 16))
    assert [e.kind for e in events_of(kivo, case_id)][-2:] == [
        "placement_ended",
        "placement_started",
    ]
    assert_history_replays_to_stored_state(kivo, case_id)


def test_a_case_imported_into_workplace_learning_is_not_judged_on_the_way_it_came(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = imported(kivo, "workplace-learning")
    result = moves.start_placement(kivo, case_id, supervisor_id=staff.supervisor, on=START)
    assert result.placement_id is not None
    assert result.warnings == []


def test_employment_without_a_supervisor_starts_at_a_workplace_and_takes_an_advance_s_rules(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = imported(kivo, "fixed-term")
    with pytest.raises(Refused) as refused:  # fixed-term needs a planned end, as to advance
        moves.start_placement(kivo, case_id, workplace_id=staff.workplace, on=START)
    assert [v.code for v in refused.value.violations] == ["end-date-missing"]
    moves.start_placement(kivo, case_id, workplace_id=staff.workplace, on=START, until=UNTIL)
    (placement,) = placements_of(kivo, case_id)
    assert (placement.supervisor_id, placement.employment_kind) == (None, "sava")


def test_a_started_placement_takes_its_supervisors_place(kivo: Kivo, staff: Staff) -> None:
    one = directory.add_supervisor(
        kivo, "Enda Platsen", workplace_id=staff.workplace, trained_on=TRAINED_ON, capacity=1
    )
    assert one.id is not None
    first, second = imported(kivo, "study-practice"), imported(kivo, "study-practice")
    moves.start_placement(kivo, first, supervisor_id=one.id, on=START)
    with pytest.raises(Refused) as refused:
        moves.start_placement(kivo, second, supervisor_id=one.id, on=START)
    assert [v.code for v in refused.value.violations] == ["supervisor-full"]


def refusal(kivo: Kivo, case_id: int, **given: object) -> list[str]:
    """The codes of a refused placement start, after checking it wrote nothing."""
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        moves.start_placement(kivo, case_id, **given)  # type: ignore[arg-type]
    assert table_contents(kivo.database) == before
    return [v.code for v in refused.value.violations]


def test_a_placement_start_is_refused_with_the_rules_sentence_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    at = {"supervisor_id": staff.supervisor, "on": START}
    studying = imported(kivo, "study-prep")
    assert refusal(kivo, studying, **at) == ["no-workplace-step"]
    assert refusal(kivo, enrol_case(kivo, staff), **at) == ["no-workplace-step"]
    placed = enrol_case(kivo, staff)
    moves.advance(kivo, placed, Step.SHORT_PRACTICE, on=START, supervisor_id=staff.supervisor)
    assert refusal(kivo, placed, supervisor_id=staff.supervisor) == ["placement-open"]
    paused = imported(kivo, "short-practice")
    moves.pause(kivo, paused, reason="ill", on=START)
    assert refusal(kivo, paused, **at) == ["case-paused"]
    gone = imported(kivo, "short-practice")
    moves.exit_case(kivo, gone, outcome=Outcome.MOVED, on=START)
    assert refusal(kivo, gone, **at) == ["case-exited"]
    without = imported(kivo, "short-practice", consent_on="")
    assert refusal(kivo, without, **at) == ["consent-missing"]
    fresh = imported(kivo, "short-practice")
    untrained = {"supervisor_id": staff.untrained_supervisor, "on": START}
    assert refusal(kivo, fresh, **untrained) == ["supervisor-untrained"]
    early = {"supervisor_id": staff.supervisor, "on": date(2026, 1, 5)}
    assert refusal(kivo, fresh, **early) == ["date-before-last-move", "consent-missing"]
    with pytest.raises(Refused) as refused:
        moves.start_placement(kivo, studying, **at)  # type: ignore[arg-type]
    assert "study-prep, which happens at no workplace" in refused.value.violations[0].message


def test_bad_input_names_the_problem_and_writes_nothing(kivo: Kivo, staff: Staff) -> None:
    case_id = imported(kivo, "short-practice")
    before = table_contents(kivo.database)
    both = {"supervisor_id": staff.supervisor, "workplace_id": staff.workplace}
    with pytest.raises(InvalidInput, match="not both"):
        moves.start_placement(kivo, case_id, **both)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="name where the placement is"):
        moves.start_placement(kivo, case_id)
    with pytest.raises(NotFound, match="no supervisor with id 999999"):
        moves.start_placement(kivo, case_id, supervisor_id=999999)
    with pytest.raises(NotFound, match="no workplace with id 999999"):
        moves.start_placement(kivo, case_id, workplace_id=999999)
    with pytest.raises(NotFound, match="no case with id 999999"):
        moves.start_placement(kivo, 999999, supervisor_id=staff.supervisor)
    with pytest.raises(InvalidInput, match="employment kind"):
        moves.start_placement(
            kivo, case_id, supervisor_id=staff.supervisor, employment_kind="vikariat"
        )
    assert table_contents(kivo.database) == before


@pytest.mark.parametrize("named", ["workplace_id", "supervisor_id"])
def test_an_advance_into_a_step_at_no_workplace_naming_one_is_bad_input(
    kivo: Kivo, staff: Staff, named: str
) -> None:
    case_id = enrol_case(kivo, staff)
    given = {"workplace_id": staff.workplace, "supervisor_id": staff.supervisor}
    before = table_contents(kivo.database)
    with pytest.raises(InvalidInput, match="step 4 study-prep happens at no workplace"):
        moves.advance(kivo, case_id, Step.STUDY_PREP, **{named: given[named]})  # type: ignore[arg-type]
    assert table_contents(kivo.database) == before


def test_leaving_a_workplace_step_for_one_at_no_workplace_ends_the_placement_and_opens_none(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.STUDY_PRACTICE, on=START, supervisor_id=staff.supervisor, until=UNTIL
    )
    result = moves.advance(kivo, case_id, Step.VOCATIONAL_TRAINING, on=date(2026, 2, 20))
    assert result.placement_id is None
    (placement,) = placements_of(kivo, case_id)
    assert (placement.ended_on, placement.end_reason) == (date(2026, 2, 20), "advanced")


def test_a_placement_start_on_a_case_changed_since_it_was_read_is_a_conflict(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = imported(kivo, "short-practice")
    seen = stored_case(kivo, case_id).version
    moves.start_placement(kivo, case_id, supervisor_id=staff.supervisor, expected_version=seen)
    placements.end(kivo, case_id, on=date(2026, 3, 2), reason="ended the same day")
    before = table_contents(kivo.database)

    with pytest.raises(Conflict):
        moves.start_placement(kivo, case_id, supervisor_id=staff.supervisor, expected_version=seen)

    assert table_contents(kivo.database) == before


def test_two_placements_started_at_once_with_a_supervisor_s_last_place_give_one(
    kivo: Kivo, staff: Staff
) -> None:
    one = directory.add_supervisor(
        kivo, "Sista Platsen", workplace_id=staff.workplace, trained_on=TRAINED_ON, capacity=1
    )
    assert one.id is not None
    first, second = imported(kivo, "short-practice"), imported(kivo, "short-practice")

    results = run_together(
        *[lambda c=c: moves.start_placement(kivo, c, supervisor_id=one.id) for c in (first, second)]
    )

    (error,) = errors_in(results)
    assert isinstance(error, Refused), error
    assert [v.code for v in error.violations] == ["supervisor-full"]
    placed = placements_of(kivo, first) + placements_of(kivo, second)
    assert [p.supervisor_id for p in placed] == [one.id]
    for case_id in (first, second):
        assert_history_replays_to_stored_state(kivo, case_id)
