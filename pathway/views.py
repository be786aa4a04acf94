"""Reading cases: one case with its history and next moves, and caseload lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathway.facts import facts_in
from pathway.results import CaseView, HistoryLine, NextMove
from states.case import status_of_state
from states.judge import next_steps
from states.ownership import owners
from states.personnummer import Personnummer

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.ports import UnitOfWork
    from states.case import CaseFacts
    from states.records import CaseEvent, CaseSummary


def next_moves_of(kivo: Kivo, facts: CaseFacts) -> list[NextMove]:
    """Steps the case may advance to now, with what each would need or warn about."""
    return [
        NextMove(
            step=step.number,
            slug=step.slug,
            needs=[v.to_dict() for v in verdict.blocking],
            warnings=[v.to_dict() for v in verdict.warnings],
        )
        for step, verdict in next_steps(facts, kivo.rules, kivo.today())
    ]


def show_case(kivo: Kivo, case_id: int, *, show_personal: bool = False) -> CaseView:
    with kivo.uow(read_only=True) as uow:
        case = uow.cases.get(case_id)
        person = uow.people.get(case.person_id)
        worker = uow.caseworkers.find(case.caseworker_id) if case.caseworker_id else None
        events = uow.events.for_case(case_id)
        history = history_lines(uow, events)
        facts = facts_in(uow, case, person)
    assert case.id is not None
    assert person.id is not None
    pnr = Personnummer(person.personnummer) if person.personnummer else None
    return CaseView(
        id=case.id,
        person_id=person.id,
        name=person.name,
        personnummer=(pnr.formatted() if show_personal else pnr.masked()) if pnr else None,
        gender=person.gender,
        birth_year=person.birth_year,
        groups=list(person.groups),
        state=case.state,
        step=case.step.number if case.step else None,
        status=status_of_state(case.state),
        paused_from=case.paused_from,
        outcome=case.outcome,
        caseworker=worker.name if worker else None,
        caseworker_id=case.caseworker_id,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        consent_on=case.consent_on,
        version=case.version,
        history=history,
        next=next_moves_of(kivo, facts),
        owners=[period.to_dict() for period in owners(events, case.caseworker_id)],
    )


def case_history(kivo: Kivo, case_id: int) -> list[HistoryLine]:
    with kivo.uow(read_only=True) as uow:
        uow.cases.get(case_id)
        return history_lines(uow, uow.events.for_case(case_id))


def history_lines(uow: UnitOfWork, events: list[CaseEvent]) -> list[HistoryLine]:
    names: dict[int, str] = {}
    for actor_id in {e.actor_id for e in events if e.actor_id is not None}:
        names[actor_id] = uow.caseworkers.get(actor_id).name
    return [
        HistoryLine(
            seq=e.seq,
            kind=e.kind,
            from_state=e.from_state,
            to_state=e.to_state,
            from_step=e.from_step,
            to_step=e.to_step,
            on=e.on,
            recorded_at=e.recorded_at,
            by=names.get(e.actor_id) if e.actor_id is not None else None,
            by_id=e.actor_id,
            reason=e.reason,
            warnings=e.warnings,
            overrides=e.overrides,
            data=e.data,
        )
        for e in events
    ]


def list_cases(
    kivo: Kivo,
    *,
    step: int | None = None,
    status: str | None = None,
    caseworker_id: int | None = None,
) -> list[CaseSummary]:
    with kivo.uow(read_only=True) as uow:
        if caseworker_id is not None:
            uow.caseworkers.get(caseworker_id)
        return uow.queries.caseload(step=step, status=status, caseworker_id=caseworker_id)
