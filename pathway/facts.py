"""From stored records to the facts the pure rules judge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from pathway.clock import LOCAL
from states.case import CaseFacts, Move, MoveKind, SupervisorFacts
from states.fixed_term import SAVA
from states.personnummer import Personnummer
from states.programmes import (
    EMPLOYER,
    PARTICIPANT,
    PLACEMENT,
    Catalogue,
    Programme,
    las_exempt,
    scoped_total_too_long,
)
from states.records import Case, CaseEvent, Person, Placement, Supervisor, Workplace
from states.violations import Violation

if TYPE_CHECKING:  # the ports (and the report and digest types they name) cost ~27 ms
    from pathway.ports import UnitOfWork

FIXED_TERM = 7
FixedTermStays = tuple[tuple[int | None, date, date, str], ...]  # workplace, start, end, kind
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
        permit_date=person.permit_date,
        last_move_on=case.last_move_on,
        opened_on=case.opened_on,
        meetings_held_in_step=meetings_held_in_step,
    )


def facts_in(uow: UnitOfWork, case: Case, person: Person, catalogue: Catalogue) -> CaseFacts:
    """The facts, with what only the database knows (meetings held in the current step,
    the participant's fixed-term stays by employer), judged against ``catalogue`` (the
    kivo instance's)."""
    facts = facts_of(case, person, meetings_held_in_step=meetings_held_in_step(uow, case))
    stays = fixed_term_stays(uow, person, catalogue)
    return replace(facts, fixed_term_stays=stays, catalogue=catalogue)


def participant_placements(
    uow: UnitOfWork, person: Person, *, excluding: int | None = None
) -> list[Placement]:
    """Every placement of the participant, in all their cases (``excluding`` one id)."""
    if person.id is None:
        return []
    ids = [c.id for c in uow.cases.for_person(person.id) if c.id is not None]
    found = uow.placements.for_cases(ids) if ids else {}
    return [p for placements in found.values() for p in placements if p.id != excluding]


def fixed_term_stays(
    uow: UnitOfWork, person: Person, catalogue: Catalogue, *, excluding: int | None = None
) -> FixedTermStays:
    """The participant's fixed-term stays (step 7) that have an end, ended or planned, each
    listed under every workplace of its employer: LAS counts employment with the employer,
    so a stay at one of its workplaces counts for all of them. A workplace without an
    employer recorded counts alone."""
    stays = stays_among(participant_placements(uow, person, excluding=excluding), catalogue)
    if not stays:
        return ()
    return by_employer(stays, uow.workplaces.all())


def stays_among(placements: Iterable[Placement], catalogue: Catalogue) -> FixedTermStays:
    """Of a participant's placements, the fixed-term ones (step 7) that have an end and
    that LAS applies to (not ``las_exempt`` in ``catalogue``: sheltered public employment
    is not counted), with their kind of employment (SÄVA when none was recorded)."""
    return tuple(
        (p.workplace_id, p.start, end, p.employment_kind or SAVA)
        for p in placements
        if p.step == FIXED_TERM
        and (end := p.ended_on or p.planned_end) is not None
        and not las_exempt(p.programme, catalogue)
    )


def earlier_in_scope(
    placements: Iterable[Placement],
    programme: Programme,
    workplace_id: int | None,
    start: date,
    workplaces: Iterable[Workplace] = (),
) -> list[tuple[date, date]]:
    """Of a participant's placements, those under ``programme`` in the scope of its total
    (``total_scope``: the participant's all, those at this workplace, or at the
    workplaces of its employer, ``workplaces`` naming the employers) that began before
    ``start``, each cut off at ``start``: what the total adds to a placement from it."""
    same = _in_scope(programme.total_scope, workplace_id, workplaces)
    return [
        (p.start, min(end, start))
        for p in placements
        if p.programme == programme.code
        and same(p.workplace_id)
        and p.start < start
        and (end := p.ended_on or p.planned_end) is not None
    ]


def _in_scope(
    scope: str, workplace_id: int | None, workplaces: Iterable[Workplace]
) -> Callable[[int | None], bool]:
    if scope == PARTICIPANT:
        return lambda _: True
    if scope == PLACEMENT or workplace_id is None:
        return lambda _: False
    here = {workplace_id}
    if scope == EMPLOYER:
        employer_of = {w.id: employer_key(w) for w in workplaces if w.id is not None}
        key = employer_of.get(workplace_id)
        if key is not None:
            here = {at for at, other in employer_of.items() if other == key}
    return lambda at: at in here


def scoped_total_violation(
    catalogue: Catalogue,
    move: Move,
    placements: Iterable[Placement],
    workplaces: Iterable[Workplace] = (),
) -> Violation | None:
    """``programme-total-too-long`` for a programme whose total spans placements: the
    participant's earlier ones in its scope (``placements``: all of theirs; an earlier one
    still open counts up to this move's start, which ends it) and this one together."""
    programme = catalogue.find(move.programme)
    if programme is None or programme.total_scope == PLACEMENT or move.until is None:
        return None
    earlier = earlier_in_scope(placements, programme, move.workplace_id, move.start, workplaces)
    text = scoped_total_too_long(programme, earlier, move.start, move.until)
    return Violation("programme-total-too-long", text) if text else None


def needs_employers(catalogue: Catalogue, programme: str | None) -> bool:
    """Whether the programme's total is counted per employer (read the workplaces)."""
    found = catalogue.find(programme)
    return found is not None and found.total_scope == EMPLOYER


def spans_placements(catalogue: Catalogue, programme: str | None) -> bool:
    """Whether the programme's total counts more than the placement itself."""
    found = catalogue.find(programme)
    return found is not None and found.total_scope != PLACEMENT


def employer_key(workplace: Workplace) -> str | None:
    """The employer as written, with case and spacing folded; ``None`` when unknown."""
    if not workplace.employer or not workplace.employer.strip():
        return None
    return " ".join(workplace.employer.split()).casefold()


def by_employer(
    stays: Iterable[tuple[int | None, date, date, str]], workplaces: Iterable[Workplace]
) -> FixedTermStays:
    """Each stay under its own workplace and every other workplace of the same employer."""
    employer_of = {w.id: employer_key(w) for w in workplaces if w.id is not None}
    sharing: dict[str, list[int]] = {}
    for known, key in employer_of.items():
        if key is not None:
            sharing.setdefault(key, []).append(known)
    expanded: list[tuple[int | None, date, date, str]] = []
    for at, start, end, kind in stays:
        key = employer_of.get(at) if at is not None else None
        counted: list[int | None] = list(sharing[key]) if key is not None else [at]
        expanded += [(each, start, end, kind) for each in counted]
    return tuple(expanded)


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
    catalogue: Catalogue,
) -> CaseFacts:
    """``facts_in`` from what was read already: the case's history, its placements and
    the moments of its meetings recorded as held (for a batch, read set-based)."""
    entered = entered_on(case, events)
    count = 0
    if entered is not None:
        since = datetime.combine(entered, time(), LOCAL)
        count = sum(1 for at in held if at >= since)
    facts = facts_of(case, person, meetings_held_in_step=count)
    stays = stays_among(placements, catalogue)
    return replace(facts, fixed_term_stays=stays, catalogue=catalogue)


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
