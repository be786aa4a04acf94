"""From stored records to the facts the pure rules judge.

``read_facts`` is the one way a move's facts are read, for one case or a batch: set-based
(one query per kind of fact for all the cases), and only the kinds the move's rules can
need (the history and meetings held when a rule judges leaving the case's step or an
exit plans from the employment's start; the participant's placements when fixed-term
stays or a programme's total across placements are judged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from pathway.clock import LOCAL
from states.case import LEAVING_MOVES, OPENING_MOVES, CaseFacts, Move, MoveKind, SupervisorFacts
from states.corrections import effective
from states.fixed_term import SAVA
from states.personnummer import Personnummer
from states.programmes import (
    EMPLOYER,
    PARTICIPANT,
    PLACEMENT,
    Catalogue,
    Programme,
    default_catalogue,
    las_exempt,
)
from states.records import Case, CaseEvent, Person, Placement, Supervisor, Workplace
from states.rules import LEAVING, REGISTRY
from states.steps import Step

if TYPE_CHECKING:  # the ports (and the report and digest types they name) cost ~27 ms
    from pathway.ports import UnitOfWork
    from states.ruleset import RuleSet

FIXED_TERM = 7
EMPLOYMENT_STEPS = frozenset({7, 8, 9})
FixedTermStays = tuple[tuple[int | None, date, date, str], ...]  # workplace, start, end, kind
ENTERING = (MoveKind.ADVANCE.value, MoveKind.FALL_BACK.value)  # a resume returns, not enters


def facts_of(
    case: Case,
    person: Person,
    *,
    meetings_held_in_step: int = 0,
    catalogue: Catalogue | None = None,
) -> CaseFacts:
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
        catalogue=catalogue if catalogue is not None else default_catalogue(),
    )


def participant_placements(
    uow: UnitOfWork, person: Person, *, excluding: int | None = None
) -> list[Placement]:
    """Every placement of the participant, in all their cases (``excluding`` one id)."""
    if person.id is None:
        return []
    ids = [c.id for c in uow.cases.for_person(person.id) if c.id is not None]
    found = uow.placements.for_cases(ids) if ids else {}
    return [p for placements in found.values() for p in placements if p.id != excluding]


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


def entered_on(case: Case, events: Iterable[CaseEvent]) -> date | None:
    """From a case's history, the day it last entered its current step."""
    step = case.step
    if step is None:
        return None
    return max(
        (
            event.on
            for event in effective(list(events))
            if event.kind in ENTERING and event.to_state == step.slug
        ),
        default=None,
    )


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
        load=uow.pipeline.supervisor_load(supervisor.id, case_id),
        active=supervisor.active,
    )


LAS_RULES = ("preferential-right", "las-permanent", "las-vikariat")


@dataclass(frozen=True, slots=True)
class Known:
    """A case's facts for a move, and the day it last entered its current step (when
    its history was read)."""

    facts: CaseFacts
    entered: date | None = None


def read_facts(
    uow: UnitOfWork,
    rules: RuleSet,
    loaded: Mapping[int, tuple[Case, Person]],
    moves: Mapping[int, Move | None],
    *,
    every: bool = False,
) -> dict[int, Known]:
    """The facts of each loaded case for its move; ``every``: every fact, whatever the
    move (``None``: none given), as the next moves of a case are judged."""
    catalogue = rules.catalogue
    needs = {i: None if every else moves[i] for i in loaded}
    history = [i for i, (case, _) in loaded.items() if _needs_history(rules, case, needs[i])]
    meetings = [i for i in history if _needs_meetings(rules, loaded[i][0], needs[i])]
    theirs = [i for i in loaded if _needs_placements(rules, needs[i])]
    histories = uow.pipeline.histories(history) if history else {}
    held = uow.pipeline.held_moments(meetings) if meetings else {}
    people = sorted({ident for i in theirs if (ident := loaded[i][1].id) is not None})
    placements = uow.pipeline.placements_of_people(people) if people else {}
    workplaces = _workplaces(uow, placements, [moves[i] for i in theirs])
    known: dict[int, Known] = {}
    for case_id, (case, person) in loaded.items():
        entered = entered_on(case, histories.get(case_id, ())) if case_id in history else None
        count = _held_since(held.get(case_id, ()), entered)
        facts = facts_of(case, person, meetings_held_in_step=count, catalogue=catalogue)
        if case_id in theirs and person.id in placements:
            facts = _with_placements(
                facts, catalogue, moves[case_id], placements[person.id], workplaces
            )
        known[case_id] = Known(facts, entered)
    return known


def _workplaces(
    uow: UnitOfWork, placements: Mapping[int, list[Placement]], moves: Iterable[Move | None]
) -> list[Workplace]:
    """The employers of the workplaces that count: the participants' placements' and the
    moves' own (a stay elsewhere counts at a move's workplace when the employer is one)."""
    ids = {p.workplace_id for found in placements.values() for p in found}
    ids |= {move.workplace_id for move in moves if move is not None}
    wanted = sorted(at for at in ids if at is not None)
    if not wanted or not any(placements.values()):
        return []
    return [
        Workplace("", employer, id=at) for at, employer in uow.pipeline.employers(wanted).items()
    ]


def _held_since(held: Iterable[datetime], entered: date | None) -> int:
    if entered is None:
        return 0
    since = datetime.combine(entered, time(), LOCAL)
    return sum(1 for at in held if at >= since)


def _with_placements(
    facts: CaseFacts,
    catalogue: Catalogue,
    move: Move | None,
    placements: list[Placement],
    workplaces: list[Workplace],
) -> CaseFacts:
    stays = stays_among(placements, catalogue)
    before: tuple[tuple[date, date], ...] = ()
    programme = catalogue.find(move.programme) if move is not None else None
    if move is not None and programme is not None and programme.total_scope != PLACEMENT:
        before = tuple(
            earlier_in_scope(placements, programme, move.workplace_id, move.start, workplaces)
        )
    return replace(
        facts,
        fixed_term_stays=by_employer(stays, workplaces) if stays else (),
        programme_before=before,
    )


def _needs_history(rules: RuleSet, case: Case, move: Move | None) -> bool:
    step = case.step
    if step is None:
        return False
    if move is None:
        return True
    if move.kind is MoveKind.EXIT and step.number in EMPLOYMENT_STEPS:
        return True
    return _needs_meetings(rules, case, move)


def _needs_meetings(rules: RuleSet, case: Case, move: Move | None) -> bool:
    """Whether a rule judges leaving the case's step by this move (every fact: yes)."""
    if move is None:
        return True
    return move.kind in LEAVING_MOVES and case.step in _steps_of(rules).leaving


def _needs_placements(rules: RuleSet, move: Move | None) -> bool:
    """Whether the participant's placements count: fixed-term stays for a stay at a
    workplace, a programme's total across placements."""
    if move is None:
        return True
    if move.kind not in OPENING_MOVES or move.to is None:
        return False
    if move.until is not None and spans_placements(rules.catalogue, move.programme):
        return True
    return move.workplace_id is not None and move.to in _steps_of(rules).stays


@dataclass(frozen=True, slots=True)
class _RuleSteps:
    leaving: frozenset[Step]  # steps a leaving rule judges (meetings held in them)
    stays: frozenset[Step]  # steps entered where a LAS rule counts fixed-term stays


_STEPS: dict[int, tuple[RuleSet, _RuleSteps]] = {}


def _steps_of(rules: RuleSet) -> _RuleSteps:
    """Which steps the rule set's enabled rules need the history or the placements in;
    worked out once per rule set (a move asks for every case)."""
    found = _STEPS.get(id(rules))
    if found is not None and found[0] is rules:
        return found[1]
    enabled = [rule for rule in rules.rules if rule.enabled]
    steps = _RuleSteps(
        frozenset(
            step
            for rule in enabled
            if REGISTRY[rule.code].applies == LEAVING
            for step in rule.steps
        ),
        frozenset(step for rule in enabled if rule.code in LAS_RULES for step in rule.steps),
    )
    _STEPS[id(rules)] = (rules, steps)
    return steps
