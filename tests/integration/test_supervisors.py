"""Supervisors' capacity, deactivated supervisors and workplaces, and their loads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pathway import directory, moves, placements
from pathway.context import Kivo
from pathway.errors import Refused
from states.errors import InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import (
    TRAINED_ON,
    Staff,
    add_staff,
    enrol_case,
    events_of,
    personnummer,
    placements_of,
    rules_file,
)
from tests.integration.test_concurrency import run_together

START = date(2026, 1, 19)


def supervisor_with_room_for(kivo: Kivo, staff: Staff, capacity: int) -> int:
    added = directory.add_supervisor(
        kivo,
        "Maja Handledare",
        workplace_id=staff.workplace,
        trained_on=TRAINED_ON,
        capacity=capacity,
    )
    assert added.id is not None
    return added.id


def place(
    kivo: Kivo, staff: Staff, supervisor: int, *, case_id: int | None = None, **extra: object
) -> int:
    """Advance a (new) case into short practice with ``supervisor``; return the case id."""
    case_id = case_id if case_id is not None else enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=START,
        supervisor_id=supervisor,
        until=date(2026, 3, 31),
        **extra,  # type: ignore[arg-type]
    )
    return case_id


def codes(refused: pytest.ExceptionInfo[Refused]) -> set[str]:
    return {v.code for v in refused.value.violations}


# supervisor-full


def test_a_supervisor_takes_participants_up_to_their_capacity(kivo: Kivo, staff: Staff) -> None:
    maja = supervisor_with_room_for(kivo, staff, 2)
    first, second = place(kivo, staff, maja), place(kivo, staff, maja)

    assert {p.case_id for p in placements.listing(kivo, workplace_id=staff.workplace)} == {
        first,
        second,
    }


def test_a_placement_beyond_the_supervisors_capacity_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    place(kivo, staff, maja)
    case_id = enrol_case(kivo, staff)
    before = len(events_of(kivo, case_id))

    with pytest.raises(Refused) as refused:
        place(kivo, staff, maja, case_id=case_id)

    assert codes(refused) == {"supervisor-full"}
    (violation,) = refused.value.violations
    assert violation.overridable
    assert "capacity is 1" in violation.message
    assert placements_of(kivo, case_id) == []
    assert len(events_of(kivo, case_id)) == before


def test_a_coordinator_overrides_a_full_supervisor_with_a_reason_kept_in_the_history(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    place(kivo, staff, maja)
    case_id = enrol_case(kivo, staff)

    result = moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=START,
        supervisor_id=maja,
        until=date(2026, 3, 31),
        by=staff.coordinator,
        override="two short placements overlap by a week",
    )

    assert result.overridden == ["supervisor-full"]
    last = events_of(kivo, case_id)[-1]
    assert last.overrides == ["supervisor-full"]
    assert last.data["override_reason"] == "two short placements overlap by a week"
    (load,) = [s for s in directory.supervisor_loads(kivo) if s.id == maja]
    assert (load.load, load.free) == (2, 0)


def test_a_caseworker_may_not_override_a_full_supervisor(kivo: Kivo, staff: Staff) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    place(kivo, staff, maja)
    case_id = enrol_case(kivo, staff)

    with pytest.raises(Refused) as refused:
        place(kivo, staff, maja, case_id=case_id, by=staff.caseworker, override="please")

    assert codes(refused) == {"supervisor-full", "override-not-permitted"}
    assert placements_of(kivo, case_id) == []


def test_an_ended_placement_frees_the_supervisors_place(kivo: Kivo, staff: Staff) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    first = place(kivo, staff, maja)
    placements.end(kivo, first, on=date(2026, 2, 20), reason="found a job")

    second = place(kivo, staff, maja)

    assert [p.case_id for p in placements.listing(kivo, active_on=date(2026, 3, 1))] == [second]


def test_a_case_moving_on_with_its_own_supervisor_does_not_count_against_them(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    case_id = place(kivo, staff, maja)

    moves.advance(
        kivo,
        case_id,
        Step.STUDY_PRACTICE,
        on=date(2026, 2, 2),
        supervisor_id=maja,
        until=date(2026, 4, 30),
    )

    open_ones = [p for p in placements_of(kivo, case_id) if p.ended_on is None]
    assert [(p.step, p.supervisor_id) for p in open_ones] == [(3, maja)]


def test_a_paused_case_keeps_its_place_with_the_supervisor(kivo: Kivo, staff: Staff) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    first = place(kivo, staff, maja)
    moves.pause(kivo, first, reason="illness", on=date(2026, 2, 1))

    with pytest.raises(Refused) as refused:
        place(kivo, staff, maja)

    assert codes(refused) == {"supervisor-full"}


def test_the_capacity_rule_turned_off_in_the_rules_file_lets_the_placement_through(
    make_kivo: Callable[..., Kivo], tmp_path: Path
) -> None:
    kivo = make_kivo(rules=str(rules_file(tmp_path, "supervisor-full")))
    staff = add_staff(kivo)
    maja = supervisor_with_room_for(kivo, staff, 1)
    place(kivo, staff, maja)
    case_id = enrol_case(kivo, staff)

    result = moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=START, supervisor_id=maja, until=date(2026, 3, 31)
    )

    assert [w["code"] for w in result.warnings] == ["supervisor-full"]


# Loads


def test_supervisor_loads_count_open_placements_and_free_capacity(kivo: Kivo, staff: Staff) -> None:
    maja = supervisor_with_room_for(kivo, staff, 3)
    ended = place(kivo, staff, maja)
    place(kivo, staff, maja)
    place(kivo, staff, staff.supervisor)
    placements.end(kivo, ended, on=date(2026, 2, 1), reason="moved away")

    loads = {s.id: s for s in directory.supervisor_loads(kivo)}

    assert (loads[maja].load, loads[maja].capacity, loads[maja].free) == (1, 3, 2)
    assert (loads[staff.supervisor].load, loads[staff.untrained_supervisor].load) == (1, 0)
    assert loads[maja].workplace == "Bageriet i Visby"


def test_supervisor_loads_filter_by_workplace_and_by_missing_training(
    kivo: Kivo, staff: Staff
) -> None:
    at_other = directory.supervisor_loads(kivo, workplace_id=staff.other_workplace)
    untrained = directory.supervisor_loads(kivo, untrained=True)

    assert [s.id for s in at_other] == [staff.other_supervisor]
    assert [s.id for s in untrained] == [staff.untrained_supervisor]


def test_supervisor_loads_at_an_unknown_workplace_are_not_found(kivo: Kivo) -> None:
    with pytest.raises(NotFound):
        directory.supervisor_loads(kivo, workplace_id=999)


def test_workplace_loads_count_open_placements_and_active_supervisors(
    kivo: Kivo, staff: Staff
) -> None:
    place(kivo, staff, staff.supervisor)
    place(kivo, staff, staff.supervisor)
    directory.deactivate_supervisor(kivo, staff.untrained_supervisor)

    loads = {w.id: w for w in directory.workplace_loads(kivo)}

    here, other = loads[staff.workplace], loads[staff.other_workplace]
    assert (here.placements, here.supervisors, here.capacity) == (2, 1, 50)
    assert (other.placements, other.supervisors, other.active) == (0, 1, True)


# Deactivation


def test_deactivating_a_supervisor_lists_their_open_placements_masked(
    kivo: Kivo, staff: Staff
) -> None:
    pnr = personnummer("19980412", "338")
    case_id = enrol_case(kivo, staff, pnr=pnr, name="Amina Haddad")
    place(kivo, staff, staff.supervisor, case_id=case_id)

    done = directory.deactivate_supervisor(kivo, staff.supervisor)

    assert (done.kind, done.id, done.was_active) == ("supervisor", staff.supervisor, True)
    (open_one,) = done.placements
    assert (open_one.case_id, open_one.participant) == (case_id, "Amina Haddad")
    assert open_one.personnummer == "19980412-****"
    assert (open_one.caseworker_id, open_one.caseworker) == (staff.caseworker, "Hanna Handläggare")
    assert (open_one.start, open_one.planned_end) == (START, date(2026, 3, 31))
    (load,) = [s for s in directory.supervisor_loads(kivo) if s.id == staff.supervisor]
    assert (load.active, load.load, load.free) == (False, 1, 0)


def test_deactivating_a_supervisor_twice_changes_nothing_and_lists_again(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor)
    directory.deactivate_supervisor(kivo, staff.supervisor)

    again = directory.deactivate_supervisor(kivo, staff.supervisor)

    assert again.was_active is False
    assert [p.case_id for p in again.placements] == [case_id]


def test_a_deactivated_supervisor_takes_no_new_placement(kivo: Kivo, staff: Staff) -> None:
    directory.deactivate_supervisor(kivo, staff.supervisor)
    case_id = enrol_case(kivo, staff)

    with pytest.raises(Refused) as refused:
        place(kivo, staff, staff.supervisor, case_id=case_id)

    assert codes(refused) == {"supervisor-inactive"}
    assert placements_of(kivo, case_id) == []


def test_a_deactivated_workplace_takes_no_new_placement_but_keeps_its_open_ones(
    kivo: Kivo, staff: Staff
) -> None:
    running = place(kivo, staff, staff.supervisor)

    done = directory.deactivate_workplace(kivo, staff.workplace)
    case_id = enrol_case(kivo, staff)
    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            case_id,
            Step.FIXED_TERM,
            on=START,
            workplace_id=staff.workplace,
            until=date(2026, 6, 30),
        )

    assert (done.kind, done.was_active) == ("workplace", True)
    assert [p.case_id for p in done.placements] == [running]
    assert codes(refused) == {"workplace-inactive"}
    assert [p.ended_on for p in placements_of(kivo, running)] == [None]


def test_deactivating_an_unknown_supervisor_or_workplace_is_not_found(kivo: Kivo) -> None:
    with pytest.raises(NotFound):
        directory.deactivate_supervisor(kivo, 999)
    with pytest.raises(NotFound):
        directory.deactivate_workplace(kivo, 999)


# Extension overrides


def test_a_coordinator_overrides_an_extension_beyond_the_total_with_a_reason(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor, programme="praktik")

    result = placements.extend(
        kivo,
        case_id,
        until=date(2026, 7, 23),
        by=staff.coordinator,
        override="the employer offers a job from August",
    )

    assert set(result.overridden) == {"programme-total-too-long"}
    last = events_of(kivo, case_id)[-1]
    assert (last.kind, set(last.overrides)) == ("extended", {"programme-total-too-long"})
    assert last.reason == "the employer offers a job from August"
    assert last.data["override_reason"] == "the employer offers a job from August"
    assert placements_of(kivo, case_id)[0].planned_end == date(2026, 7, 23)


def test_a_caseworker_may_not_override_an_extensions_limits(kivo: Kivo, staff: Staff) -> None:
    case_id = place(kivo, staff, staff.supervisor, programme="praktik")
    before = len(events_of(kivo, case_id))

    with pytest.raises(Refused) as refused:
        placements.extend(
            kivo, case_id, until=date(2026, 7, 23), by=staff.caseworker, override="please"
        )

    assert codes(refused) == {"programme-total-too-long", "override-not-permitted"}
    assert len(events_of(kivo, case_id)) == before


def test_an_extension_override_without_a_written_reason_is_bad_input(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor, programme="praktik")
    with pytest.raises(InvalidInput):
        placements.extend(
            kivo, case_id, until=date(2026, 7, 23), by=staff.coordinator, override="  "
        )


def test_an_extension_within_limits_records_no_override_even_when_one_is_given(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor, programme="praktik")

    result = placements.extend(
        kivo, case_id, until=date(2026, 4, 30), by=staff.coordinator, override="just in case"
    )

    assert result.overridden == []
    assert events_of(kivo, case_id)[-1].overrides == []


def test_an_extension_honours_a_programme_rule_turned_into_a_warning(
    make_kivo: Callable[..., Kivo], tmp_path: Path
) -> None:
    kivo = make_kivo(rules=str(rules_file(tmp_path, "programme-total-too-long")))
    staff = add_staff(kivo)
    case_id = place(kivo, staff, staff.supervisor, programme="praktik")

    result = placements.extend(kivo, case_id, until=date(2026, 7, 23))

    assert [w["code"] for w in result.warnings] == ["programme-total-too-long"]
    assert events_of(kivo, case_id)[-1].warnings[0]["code"] == "programme-total-too-long"


def test_an_extension_honours_a_programme_rule_turned_off(
    make_kivo: Callable[..., Kivo], tmp_path: Path
) -> None:
    off = rules_file(tmp_path, "programme-total-too-long", 'severity = "blocking"\nenabled = false')
    kivo = make_kivo(rules=str(off))
    staff = add_staff(kivo)
    case_id = place(kivo, staff, staff.supervisor, programme="praktik")

    result = placements.extend(kivo, case_id, until=date(2026, 7, 23))

    assert (result.warnings, result.overridden) == ([], [])


# Concurrency


def test_placements_racing_for_a_supervisors_last_place_let_exactly_one_through(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    cases = [enrol_case(kivo, staff) for _ in range(4)]

    def placing(case_id: int) -> Callable[[], object]:
        return lambda: place(kivo, staff, maja, case_id=case_id)

    results = run_together(*(placing(case_id) for case_id in cases))

    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(placed) == 1, results
    assert len(refused) == 3, results
    assert all({v.code for v in r.violations} == {"supervisor-full"} for r in refused)
    (load,) = [s for s in directory.supervisor_loads(kivo) if s.id == maja]
    assert load.load == 1
