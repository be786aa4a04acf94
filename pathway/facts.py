"""From stored records to the facts the pure rules judge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from pathway.clock import LOCAL
from states.case import CaseFacts, MoveKind, SupervisorFacts
from states.personnummer import Personnummer
from states.records import Case, CaseEvent, Person, Placement, Supervisor

if TYPE_CHECKING:  # the ports (and the report and digest types they name) cost ~27 ms
    from pathway.ports import UnitOfWork

FIXED_TERM = 7
ENTERING = (MoveKind.ADVANCE.value, MoveKind.FALL_BACK.value)  # a resume returns, not enters


def facts_of(case: Case, person: Person, *, meetings_held_in_step: int = 0) -> CaseFacts:
    birth_date = Personnummer(person.personnummer).birth_date if person.personnummer else None
    return CaseFacts(
        state=case.state,
        paused_from=case.paused_from,
        consent_on=case.consent_on,
        birth_date=birth_date,
        birth_year=person.birth_year,
        groups=frozenset(person.groups),
        last_move_on=case.last_move_on,
        opened_on=case.opened_on,
        meetings_held_in_step=meetings_held_in_step,
    )


def facts_in(uow: UnitOfWork, case: Case, person: Person) -> CaseFacts:
    """The facts, with what only the database knows (meetings held in the current step)."""
    facts = facts_of(case, person, meetings_held_in_step=meetings_held_in_step(uow, case))
    return replace(facts, fixed_term_stays=fixed_term_stays(uow, case))


def fixed_term_stays(uow: UnitOfWork, case: Case) -> tuple[tuple[int | None, date, date], ...]:
    """The case's fixed-term placements (step 7) that have an end, ended or planned."""
    if case.id is None:
        return ()
    return stays_among(uow.placements.for_case(case.id))


def stays_among(placements: Iterable[Placement]) -> tuple[tuple[int | None, date, date], ...]:
    """Of a case's placements, the fixed-term ones (step 7) that have an end."""
    return tuple(
        (p.workplace_id, p.start, end)
        for p in placements
        if p.step == FIXED_TERM and (end := p.ended_on or p.planned_end) is not None
    )


def meetings_held_in_step(uow: UnitOfWork, case: Case) -> int:
    """Meetings recorded as held on or after the day the case entered its current step
    (a paused case is still in the step it was paused from)."""
    entered = step_entered_on(uow, case)
    if entered is None or case.id is None:
        return 0
    return uow.meetings.held_since(case.id, datetime.combine(entered, time(), LOCAL))


def step_entered_on(uow: UnitOfWork, case: Case) -> date | None:
    if case.step is None or case.id is None:
        return None
    return entered_on(case, uow.events.for_case(case.id))


def entered_on(case: Case, events: Iterable[CaseEvent]) -> date | None:
    """From a case's history, the day it last entered its current step."""
    step = case.step
    if step is None:
        return None
    return max(
        (event.on for event in events if event.kind in ENTERING and event.to_state == step.slug),
        default=None,
    )


def facts_from(
    case: Case,
    person: Person,
    events: Iterable[CaseEvent],
    placements: Iterable[Placement],
    held: Iterable[datetime],
) -> CaseFacts:
    """``facts_in`` from what was read already: the case's history, its placements and
    the moments of its meetings recorded as held (for a batch, read set-based)."""
    entered = entered_on(case, events)
    count = 0
    if entered is not None:
        since = datetime.combine(entered, time(), LOCAL)
        count = sum(1 for at in held if at >= since)
    facts = facts_of(case, person, meetings_held_in_step=count)
    return replace(facts, fixed_term_stays=stays_among(placements))


def supervisor_facts(uow: UnitOfWork, supervisor: Supervisor, case_id: int) -> SupervisorFacts:
    """What the rules know of a supervisor: training, capacity, whether active, and the
    load (open placements) counted in SQL without the moving case's own, which the move
    ends."""
    assert supervisor.id is not None
    return SupervisorFacts(
        id=supervisor.id,
        workplace_id=supervisor.workplace_id,
        trained_on=supervisor.trained_on,
        capacity=supervisor.capacity,
        load=uow.supervisors.load(supervisor.id, excluding_case=case_id),
        active=supervisor.active,
    )
