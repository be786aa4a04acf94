"""Giving an open placement another supervisor (``kivo placement supervisor``): one
transaction of placement, scheduled meetings and history, held to the supervisor rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from pathway import directory, moves, placements
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.meetings import list_meetings, record_meeting, schedule_meeting
from pathway.supervisor_change import change_supervisor
from states.errors import InvalidInput, NotFound
from tests.integration.support import (
    Staff,
    add_staff,
    assert_history_replays_to_stored_state,
    enrol_case,
    events_of,
    placements_of,
    rules_file,
)
from tests.integration.test_concurrency import run_together
from tests.integration.test_supervisors import START, codes, place, supervisor_with_room_for

CHANGED_ON = date(2026, 2, 16)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL)


def supervisors_of_meetings(kivo: Kivo, case_id: int) -> list[tuple[date, str, int | None]]:
    return [(m.at.date(), m.status, m.supervisor_id) for m in list_meetings(kivo, case_id=case_id)]


def open_supervisor(kivo: Kivo, case_id: int) -> int | None:
    (placement,) = [p for p in placements_of(kivo, case_id) if p.ended_on is None]
    return placement.supervisor_id


def loads(kivo: Kivo) -> dict[int, int]:
    return {s.id: s.load for s in directory.supervisor_loads(kivo)}


def test_a_new_supervisor_takes_over_the_placement_and_the_history_says_from_whom_to_whom(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor)
    maja = supervisor_with_room_for(kivo, staff, 2)

    result = change_supervisor(
        kivo, case_id, maja, on=CHANGED_ON, reason="Sven har slutat", by=staff.caseworker
    )

    assert (result.old_supervisor_id, result.new_supervisor_id) == (staff.supervisor, maja)
    assert (result.changed_on, result.warnings, result.overridden) == (CHANGED_ON, [], [])
    assert open_supervisor(kivo, case_id) == maja
    last = events_of(kivo, case_id)[-1]
    assert (last.kind, last.on, last.reason, last.actor_id) == (
        "supervisor_changed",
        CHANGED_ON,
        "Sven har slutat",
        staff.caseworker,
    )
    assert last.data == {
        "placement_id": result.placement_id,
        "old_supervisor_id": staff.supervisor,
        "new_supervisor_id": maja,
        "meetings_moved": 0,
        "rules": kivo.fingerprint,
    }
    assert last.from_state == last.to_state == "short-practice"
    assert_history_replays_to_stored_state(kivo, case_id)


def test_the_change_frees_the_old_supervisors_place_and_takes_one_of_the_new(
    kivo: Kivo, staff: Staff
) -> None:
    maja, eva = supervisor_with_room_for(kivo, staff, 1), supervisor_with_room_for(kivo, staff, 1)
    case_id = place(kivo, staff, maja)

    change_supervisor(kivo, case_id, eva, on=CHANGED_ON)

    assert (loads(kivo)[maja], loads(kivo)[eva]) == (0, 1)
    place(kivo, staff, maja)  # Maja has room again
    assert loads(kivo)[maja] == 1


def test_scheduled_meetings_from_the_day_invite_the_new_supervisor_and_the_rest_stay(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor)
    held = schedule_meeting(kivo, case_id, at(date(2026, 2, 2)))
    record_meeting(kivo, held.id, "held")
    schedule_meeting(kivo, case_id, at(date(2026, 2, 13)))  # before the change, unrecorded
    schedule_meeting(kivo, case_id, at(CHANGED_ON, 8))  # the morning of the change
    schedule_meeting(kivo, case_id, at(date(2026, 3, 10)))
    schedule_meeting(  # booked with someone else on purpose: left alone
        kivo, case_id, at(date(2026, 3, 12)), supervisor_id=staff.untrained_supervisor
    )
    maja = supervisor_with_room_for(kivo, staff, 2)

    result = change_supervisor(kivo, case_id, maja, on=CHANGED_ON)

    assert result.meetings_moved == 2
    assert supervisors_of_meetings(kivo, case_id) == [
        (date(2026, 2, 2), "held", staff.supervisor),
        (date(2026, 2, 13), "scheduled", staff.supervisor),
        (CHANGED_ON, "scheduled", maja),
        (date(2026, 3, 10), "scheduled", maja),
        (date(2026, 3, 12), "scheduled", staff.untrained_supervisor),
    ]
    assert events_of(kivo, case_id)[-1].data["meetings_moved"] == 2


def test_a_new_supervisor_without_room_is_refused_and_nothing_is_written(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    place(kivo, staff, maja)
    case_id = place(kivo, staff, staff.supervisor)
    schedule_meeting(kivo, case_id, at(date(2026, 3, 10)))
    before = (len(events_of(kivo, case_id)), supervisors_of_meetings(kivo, case_id))

    with pytest.raises(Refused) as refused:
        change_supervisor(kivo, case_id, maja, on=CHANGED_ON)

    assert codes(refused) == {"supervisor-full"}
    assert open_supervisor(kivo, case_id) == staff.supervisor
    assert (len(events_of(kivo, case_id)), supervisors_of_meetings(kivo, case_id)) == before


def test_an_untrained_or_deactivated_new_supervisor_is_refused(kivo: Kivo, staff: Staff) -> None:
    case_id = place(kivo, staff, staff.supervisor)
    gone = supervisor_with_room_for(kivo, staff, 2)
    directory.deactivate_supervisor(kivo, gone)

    with pytest.raises(Refused) as untrained:
        change_supervisor(kivo, case_id, staff.untrained_supervisor, on=CHANGED_ON)
    with pytest.raises(Refused) as inactive:
        change_supervisor(kivo, case_id, gone, on=CHANGED_ON)

    assert codes(untrained) == {"supervisor-untrained"}
    assert codes(inactive) == {"supervisor-inactive"}
    assert open_supervisor(kivo, case_id) == staff.supervisor


def test_a_coordinator_overrides_an_untrained_new_supervisor_with_a_reason_in_the_history(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor)

    result = change_supervisor(
        kivo,
        case_id,
        staff.untrained_supervisor,
        on=CHANGED_ON,
        by=staff.coordinator,
        override="Ulla går handledarutbildningen i mars",
    )

    assert result.overridden == ["supervisor-untrained"]
    last = events_of(kivo, case_id)[-1]
    assert last.overrides == ["supervisor-untrained"]
    assert last.reason == last.data["override_reason"] == "Ulla går handledarutbildningen i mars"
    assert open_supervisor(kivo, case_id) == staff.untrained_supervisor


def test_a_caseworker_may_not_override_the_supervisor_rules(kivo: Kivo, staff: Staff) -> None:
    case_id = place(kivo, staff, staff.supervisor)

    with pytest.raises(Refused) as refused:
        change_supervisor(
            kivo,
            case_id,
            staff.untrained_supervisor,
            on=CHANGED_ON,
            by=staff.caseworker,
            override="please",
        )

    assert codes(refused) == {"supervisor-untrained", "override-not-permitted"}
    assert open_supervisor(kivo, case_id) == staff.supervisor


def test_the_training_rule_as_a_warning_in_the_rules_file_lets_the_change_through(
    make_kivo: Callable[..., Kivo], tmp_path: Path
) -> None:
    kivo = make_kivo(rules=str(rules_file(tmp_path, "supervisor-untrained")))
    staff = add_staff(kivo)
    case_id = place(kivo, staff, staff.supervisor)

    result = change_supervisor(kivo, case_id, staff.untrained_supervisor, on=CHANGED_ON)

    assert [w["code"] for w in result.warnings] == ["supervisor-untrained"]
    assert [w["code"] for w in events_of(kivo, case_id)[-1].warnings] == ["supervisor-untrained"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: {"supervisor_id": s.supervisor}, "supervisor"),  # the one it has
        (lambda s: {"supervisor_id": s.other_supervisor}, "supervisor"),  # another workplace
        (lambda s: {"supervisor_id": s.untrained_supervisor, "on": date(2026, 3, 3)}, "on"),
        (lambda s: {"supervisor_id": s.untrained_supervisor, "on": date(2026, 1, 18)}, "on"),
        (lambda s: {"supervisor_id": s.untrained_supervisor, "override": "  "}, "override"),
    ],
    ids=["same-supervisor", "other-workplace", "after-today", "before-start", "blank-override"],
)
def test_a_change_that_can_never_be_right_is_bad_input_and_writes_nothing(
    kivo: Kivo, staff: Staff, change: Callable[[Staff], dict[str, object]], field: str
) -> None:
    case_id = place(kivo, staff, staff.supervisor)
    before = len(events_of(kivo, case_id))
    arguments = {"on": CHANGED_ON, **change(staff)}
    supervisor_id = arguments.pop("supervisor_id")
    assert isinstance(supervisor_id, int)

    with pytest.raises(InvalidInput) as error:
        change_supervisor(kivo, case_id, supervisor_id, **arguments)  # type: ignore[arg-type]

    assert error.value.params["field"] == field
    assert open_supervisor(kivo, case_id) == staff.supervisor
    assert len(events_of(kivo, case_id)) == before


def test_an_unknown_supervisor_is_not_found_and_a_case_without_a_placement_is_refused(
    kivo: Kivo, staff: Staff
) -> None:
    placed, waiting = place(kivo, staff, staff.supervisor), enrol_case(kivo, staff)

    with pytest.raises(NotFound):
        change_supervisor(kivo, placed, 9999, on=CHANGED_ON)
    with pytest.raises(Refused) as refused:
        change_supervisor(kivo, waiting, staff.supervisor, on=CHANGED_ON)

    assert codes(refused) == {"no-open-placement"}


def test_after_the_change_an_extension_no_longer_warns_of_the_deactivated_supervisor(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 2)
    case_id = place(kivo, staff, maja)
    directory.deactivate_supervisor(kivo, maja)
    warned = placements.extend(kivo, case_id, until=date(2026, 4, 15), on=date(2026, 2, 2))
    assert "extension-supervisor-inactive" in {w["code"] for w in warned.warnings}

    change_supervisor(kivo, case_id, staff.supervisor, on=CHANGED_ON)
    again = placements.extend(kivo, case_id, until=date(2026, 4, 30), on=CHANGED_ON)

    assert "extension-supervisor-inactive" not in {w["code"] for w in again.warnings}


def test_changes_racing_for_a_supervisors_last_place_let_exactly_one_through(
    kivo: Kivo, staff: Staff
) -> None:
    maja = supervisor_with_room_for(kivo, staff, 1)
    cases = [place(kivo, staff, staff.supervisor) for _ in range(4)]

    def changing(case_id: int) -> Callable[[], object]:
        return lambda: change_supervisor(kivo, case_id, maja, on=CHANGED_ON)

    results = run_together(*(changing(case_id) for case_id in cases))

    refused = [r for r in results if isinstance(r, Refused)]
    assert len([r for r in results if not isinstance(r, Exception)]) == 1, results
    assert len(refused) == 3, results
    assert all({v.code for v in r.violations} == {"supervisor-full"} for r in refused)
    assert loads(kivo)[maja] == 1
    assert sum(open_supervisor(kivo, case_id) == maja for case_id in cases) == 1


def test_a_paused_case_keeps_its_placement_and_may_change_supervisor(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = place(kivo, staff, staff.supervisor)
    moves.pause(kivo, case_id, reason="illness", on=date(2026, 2, 1))
    maja = supervisor_with_room_for(kivo, staff, 1)

    change_supervisor(kivo, case_id, maja, on=CHANGED_ON)

    assert open_supervisor(kivo, case_id) == maja
    assert events_of(kivo, case_id)[-1].from_state == "paused"
    assert_history_replays_to_stored_state(kivo, case_id)
    assert START < CHANGED_ON
