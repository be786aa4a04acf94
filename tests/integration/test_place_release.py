"""Automatic position release on real databases (SQLite and PostgreSQL): a participant
in an accepted proposal who leaves the place (the case exits, falls back out of the
place's step, or the placement ends early) gives the position back in the same
transaction as the leaving; a pause keeps it; a refused or previewed move releases
nothing."""

from __future__ import annotations

from datetime import date

import pytest

from pathway import batch, moves, placements, places, proposals
from pathway.context import Kivo
from pathway.errors import Refused
from states.case import Outcome
from states.steps import Step
from tests.integration.support import Staff, enrol_case, table_contents
from tests.integration.test_places import opened


def proposed(kivo: Kivo, staff: Staff, place: int) -> tuple[int, int]:
    case = enrol_case(kivo, staff)
    return case, proposals.propose(kivo, place, case, on=date(2026, 2, 16)).id


def placed(kivo: Kivo, staff: Staff, positions: int = 1) -> tuple[int, int, int]:
    """A place with one position per participant, the participant in it: ids."""
    place = opened(kivo, staff, positions=positions, steps=[2])
    case, proposal = proposed(kivo, staff, place)
    proposals.accept(kivo, proposal, on=date(2026, 2, 23), by=staff.caseworker)
    assert places.show_place(kivo, place).status == "filled"
    return place, case, proposal


def assert_released(kivo: Kivo, place: int, proposal: int, how: str, on: date) -> None:
    view = places.show_place(kivo, place)
    assert (view.status, view.taken, view.free) == ("open", 0, 1)
    released = [e for e in view.history if e.kind == "released"]
    assert [(e.on, e.data["left_on"], e.reason) for e in released] == [
        (on, on.isoformat(), f"the participant left the place: {how} on {on.isoformat()}")
    ]
    assert view.history[-1].kind == "reopened"
    (line,) = proposals.list_proposals(kivo, place_id=place)
    assert (line.id, line.status, line.decided_on) == (proposal, "ended", on)


def test_an_exit_gives_the_position_back_in_the_same_transaction(kivo: Kivo, staff: Staff) -> None:
    place, case, proposal = placed(kivo, staff)
    moves.exit_case(kivo, case, outcome=Outcome.OTHER, on=date(2026, 2, 27), by=staff.caseworker)
    assert_released(kivo, place, proposal, "exited", date(2026, 2, 27))
    (line,) = proposals.list_proposals(kivo, place_id=place)
    assert line.reason == "the participant left the place: exited on 2026-02-27"


def test_a_fall_back_out_of_the_places_step_gives_the_position_back(
    kivo: Kivo, staff: Staff
) -> None:
    place, case, proposal = placed(kivo, staff)
    moves.fall_back(kivo, case, Step.INFORMATION, reason="not ready", on=date(2026, 2, 25))
    assert_released(kivo, place, proposal, "fell back", date(2026, 2, 25))


def test_a_placement_ended_early_gives_the_position_back_and_the_case_stays(
    kivo: Kivo, staff: Staff
) -> None:
    place, case, proposal = placed(kivo, staff)
    placements.end(kivo, case, on=date(2026, 2, 26), reason="the bakery closed")
    assert_released(kivo, place, proposal, "placement ended", date(2026, 2, 26))
    assert moves.pause(kivo, case, reason="waiting").to_state == "paused"


def test_a_pause_keeps_the_position_and_a_preview_or_refusal_releases_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    place, case, _ = placed(kivo, staff)
    moves.pause(kivo, case, reason="ill", on=date(2026, 2, 24))
    assert places.show_place(kivo, place).taken == 1
    before = table_contents(kivo.database)
    moves.exit_case(kivo, case, outcome=Outcome.OTHER, dry_run=True)
    with pytest.raises(Refused):
        moves.fall_back(kivo, case, Step.INFORMATION, reason="ill")  # paused: resume first
    assert table_contents(kivo.database) == before
    moves.exit_case(kivo, case, outcome=Outcome.OTHER)
    assert (places.show_place(kivo, place).taken, places.show_place(kivo, place).status) == (
        0,
        "open",
    )


def test_a_leaving_dated_before_the_places_last_change_is_recorded_on_that_change(
    kivo: Kivo, staff: Staff
) -> None:
    """Two positions, taken on the 23rd and the 26th (filled then): the first participant's
    exit dated the 24th still goes through, the place's release recorded on the 26th."""
    place = opened(kivo, staff, positions=2, steps=[2])
    first, one = proposed(kivo, staff, place)
    _, two = proposed(kivo, staff, place)
    proposals.accept(kivo, one, on=date(2026, 2, 23))
    proposals.accept(kivo, two, on=date(2026, 2, 26))
    moves.exit_case(kivo, first, outcome=Outcome.OTHER, on=date(2026, 2, 24))
    view = places.show_place(kivo, place)
    (released,) = [e for e in view.history if e.kind == "released"]
    assert (released.on, released.data["left_on"]) == (date(2026, 2, 26), "2026-02-24")
    assert (view.status, view.taken) == ("open", 1)
    assert [p.status for p in proposals.list_proposals(kivo, place_id=place)] == [
        "ended",
        "accepted",
    ]


def test_accepting_another_place_ends_the_earlier_through_the_same_release(
    kivo: Kivo, staff: Staff
) -> None:
    place, case, proposal = placed(kivo, staff)
    later = opened(kivo, staff, positions=1, steps=[2, 7])
    moved_on = proposals.propose(kivo, later, case).id
    done = proposals.accept(kivo, moved_on, until=date(2026, 9, 1))
    assert (done.ended_proposal_id, done.step) == (proposal, 7)
    assert_released(kivo, place, proposal, "advanced", kivo.today())


def test_a_batch_advance_out_of_the_places_step_releases_every_position_it_held(
    kivo: Kivo, staff: Staff
) -> None:
    """The batch goes through the same pipeline: two participants advanced together into
    a study step give both positions of their place back, in the chunk's transaction."""
    place = opened(kivo, staff, positions=2, steps=[2])
    held = [proposed(kivo, staff, place) for _ in range(2)]
    for _, proposal in held:
        proposals.accept(kivo, proposal, on=date(2026, 2, 23))
    assert places.show_place(kivo, place).status == "filled"
    done = batch.batch_advance(kivo, [case for case, _ in held], Step.STUDY_PREP)
    assert done.moved == 2, done
    view = places.show_place(kivo, place)
    assert (view.status, view.taken) == ("open", 0)
    assert [p.status for p in proposals.list_proposals(kivo, place_id=place)] == ["ended"] * 2
