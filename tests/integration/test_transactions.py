"""One transaction per change: all of it is written, or none of it.

Failures are injected into the real SQL unit of work at the last moment (after the
case row and its placement were flushed), and stale versions are passed in on purpose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Self

import pytest

from pathway import enrolment, moves
from pathway.context import Kivo
from pathway.ports import UnitOfWork
from persistence.engine import make_engine
from persistence.pipeline_store import PipelineStore
from persistence.repositories import EventRepository
from persistence.unit_of_work import SqlUnitOfWork
from states.case import Outcome
from states.errors import Conflict
from states.records import CaseEvent
from states.steps import Step
from tests.integration.support import (
    TODAY,
    Staff,
    enrol_case,
    events_of,
    placements_of,
    stored_case,
    table_contents,
)


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


class DiskFull(Exception):
    pass


class _UnwritableHistory(EventRepository):
    def append(self, event: CaseEvent) -> CaseEvent:
        raise DiskFull("the history could not be written")


class _UnwritableMoveHistory(PipelineStore):
    def append_events(self, events: Sequence[CaseEvent]) -> None:
        raise DiskFull("the history could not be written")


class _FailingUnitOfWork(SqlUnitOfWork):
    """The real unit of work, except that the chosen last step fails."""

    fail_at: str = "history"

    def __enter__(self) -> Self:
        super().__enter__()
        if self.fail_at == "history":
            self.events = _UnwritableHistory(self.session)
            self.pipeline = _UnwritableMoveHistory(self.connection)
        return self

    def commit(self) -> None:
        if self.fail_at == "commit":
            self.session.flush()  # everything reached the database, but is not committed
            raise DiskFull("the commit failed")
        super().commit()


@pytest.fixture(scope="module")
def shared(module_kivo: Kivo, module_staff: Staff) -> tuple[Kivo, Staff, int]:
    """The same case for the tests below, which must write nothing at all."""
    return module_kivo, module_staff, put_in_a_placement(module_kivo, module_staff)


@pytest.fixture(scope="module")
def failing_kivo(shared: tuple[Kivo, Staff, int]) -> Iterator[Callable[[str], Kivo]]:
    """kivo whose unit of work fails at ``history`` (writing the event) or ``commit``."""
    kivo = shared[0]
    engine = make_engine(kivo.database)

    def make(fail_at: str) -> Kivo:
        def unit_of_work(*, read_only: bool = False) -> UnitOfWork:
            uow = _FailingUnitOfWork(engine, read_only=read_only)
            uow.fail_at = fail_at
            return uow

        return dataclasses.replace(kivo, uow=unit_of_work)

    yield make
    engine.dispose()


Change = Callable[[Kivo, Staff, int], object]

CHANGES: dict[str, Change] = {
    "advance into a placement": lambda k, s, c: moves.advance(
        k, c, Step.FIXED_TERM, on=TODAY, workplace_id=s.workplace, until=date(2026, 8, 31)
    ),
    "fall back": lambda k, s, c: moves.fall_back(
        k, c, Step.INFORMATION, reason="dropped out", on=TODAY
    ),
    "pause": lambda k, s, c: moves.pause(k, c, reason="ill", on=TODAY),
    "exit": lambda k, s, c: moves.exit_case(k, c, outcome=Outcome.EMPLOYED, on=TODAY),
    "enrol": lambda k, s, c: enrolment.enrol(k, "Ny Deltagare", consent=True, on=TODAY),
}


def put_in_a_placement(kivo: Kivo, staff: Staff) -> int:
    """A case in step 3 with an open placement (at a workplace, so it can be ended)."""
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.STUDY_PRACTICE, on=date(2026, 2, 2), supervisor_id=staff.supervisor
    )
    assert len(placements_of(kivo, case_id)) == 1
    return case_id


@pytest.fixture
def case_in_a_placement(kivo: Kivo, staff: Staff) -> int:
    return put_in_a_placement(kivo, staff)


@pytest.mark.parametrize("fail_at", ["history", "commit"])
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_that_fails_half_way_leaves_no_trace(
    shared: tuple[Kivo, Staff, int],
    failing_kivo: Callable[[str], Kivo],
    change: Change,
    fail_at: str,
) -> None:
    kivo, staff, case_id = shared
    before = table_contents(kivo.database)

    with pytest.raises(DiskFull):  # not refused: the change got as far as writing
        change(failing_kivo(fail_at), staff, case_id)

    assert table_contents(kivo.database) == before


MOVES: dict[str, Callable[[Kivo, int, int], object]] = {
    "advance": lambda k, c, v: moves.advance(
        k, c, Step.PERMANENT, on=TODAY, workplace_id=1, expected_version=v
    ),
    "fall back": lambda k, c, v: moves.fall_back(
        k, c, Step.INFORMATION, reason="r", on=TODAY, expected_version=v
    ),
    "pause": lambda k, c, v: moves.pause(k, c, reason="r", on=TODAY, expected_version=v),
    "exit": lambda k, c, v: moves.exit_case(
        k, c, outcome=Outcome.OTHER, on=TODAY, expected_version=v
    ),
}


@pytest.mark.parametrize("offset", [-1, +1], ids=["stale", "from the future"])
@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
def test_a_move_expecting_another_version_is_a_conflict_and_writes_nothing(
    shared: tuple[Kivo, Staff, int],
    move: Callable[[Kivo, int, int], object],
    offset: int,
) -> None:
    kivo, _, case_id = shared
    version = stored_case(kivo, case_id).version
    before = table_contents(kivo.database)

    with pytest.raises(Conflict) as conflict:
        move(kivo, case_id, version + offset)

    assert conflict.value.params == {"case_id": case_id, "version": version}
    assert "reload" in conflict.value.message
    assert table_contents(kivo.database) == before


def test_resuming_with_a_stale_version_is_a_conflict_and_writes_nothing(
    kivo: Kivo, case_in_a_placement: int
) -> None:
    paused = moves.pause(kivo, case_in_a_placement, reason="ill", on=TODAY)
    before = table_contents(kivo.database)

    with pytest.raises(Conflict):
        moves.resume(kivo, case_in_a_placement, on=TODAY, expected_version=paused.version - 1)

    assert table_contents(kivo.database) == before


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
def test_a_move_expecting_the_current_version_goes_through_and_bumps_it(
    kivo: Kivo, case_in_a_placement: int, move: Callable[[Kivo, int, int], object]
) -> None:
    version = stored_case(kivo, case_in_a_placement).version

    move(kivo, case_in_a_placement, version)

    assert stored_case(kivo, case_in_a_placement).version == version + 1
    assert len(events_of(kivo, case_in_a_placement)) == 4  # enrolled, consent, 2 moves
