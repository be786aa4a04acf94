"""Moving a case along the path: advance, fall back, pause, resume, exit.

Each call is one transaction: the case's new state, its history event and its placement
are written together or not at all. The rules are judged inside the same transaction,
on the state as stored, so a concurrent change can never slip between judging and
writing (the case's version column turns such a race into a conflict).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pathway.context import Kivo
from pathway.errors import Refused
from pathway.facts import (
    facts_in,
    needs_employers,
    participant_placements,
    scoped_total_violation,
    spans_placements,
    supervisor_facts,
)
from pathway.ports import UnitOfWork
from pathway.results import MoveResult
from pathway.scheduling import after_move, employment_entry
from pathway.views import next_moves_of
from states.case import (
    EXITED,
    LEAVING_MOVES,
    PAUSED,
    Move,
    MoveKind,
    Outcome,
    Role,
)
from states.errors import Conflict, InvalidInput, quoted
from states.fixed_term import SAVA, employment_kind
from states.judge import Verdict, judge
from states.machine import TRIGGERS
from states.programmes import (
    Catalogue,
    extent_violation,
    too_short,
    training_share_violation,
)
from states.records import Case, CaseEvent, Caseworker, Placement
from states.steps import Step
from states.violations import Violation, structural

WORKPLACE_STEPS = frozenset({2, 3, 6, 7, 8, 9})
FIXED_TERM = 7


def advance(
    kivo: Kivo,
    case_id: int,
    to: Step,
    *,
    on: date | None = None,
    workplace_id: int | None = None,
    supervisor_id: int | None = None,
    programme: str | None = None,
    until: date | None = None,
    by: int | None = None,
    override: str | None = None,
    dry_run: bool = False,
    expected_version: int | None = None,
    training_share: int | None = None,
    extent: int | None = None,
    employment_kind: str | None = None,
) -> MoveResult:
    """Move a case forward to ``to`` (steps may be skipped), opening its placement.
    ``training_share``: the planned percent of the time in training or supervision;
    ``extent``: the employment's percent of full time; both recorded in the event and
    checked for a programme that requires them (YA). ``employment_kind``: for fixed-term
    employment (7), SÄVA (the default), vikariat or säsong, recorded on the placement:
    LAS counts each kind by its own rule."""
    require_written_override(override)
    kind = kind_of_employment(to, employment_kind)
    if training_share is not None and not 0 <= training_share <= 100:
        raise InvalidInput(
            f"the training share is a percentage from 0 to 100, not {training_share}",
            field="training_share",
        )
    if extent is not None and not 1 <= extent <= 100:
        raise InvalidInput(
            f"the extent is a percentage of full time from 1 to 100, not {extent}",
            field="extent",
        )
    with kivo.uow() as uow:
        # Locked: two moves placing participants with one supervisor queue here, so the
        # capacity rule counts the placement the other one opened.
        supervisor = uow.supervisors.locked(supervisor_id) if supervisor_id is not None else None
        if supervisor is not None and workplace_id is None:
            workplace_id = supervisor.workplace_id
        workplace = uow.workplaces.get(workplace_id) if workplace_id is not None else None
        if supervisor is not None and supervisor.workplace_id != workplace_id:
            raise InvalidInput(
                f"supervisor {supervisor_id} works at workplace {supervisor.workplace_id}, "
                f"not at workplace {workplace_id}",
                field="supervisor",
            )
        move = Move(
            MoveKind.ADVANCE,
            on=on or kivo.today(),
            to=to,
            workplace_id=workplace_id,
            supervisor=(
                supervisor_facts(uow, supervisor, case_id) if supervisor is not None else None
            ),
            programme=programme_code(kivo.catalogue, programme),
            until=until,
            workplace_active=workplace.active if workplace is not None else True,
            employment_kind=kind,
        )
        move = with_default_end(kivo.catalogue, move)
        extra = scoped_total_violations(kivo.catalogue, uow, case_id, move)
        known = kivo.catalogue.find(move.programme)
        if known is not None:
            found = (
                training_share_violation(known, training_share),
                extent_violation(known, extent),
                too_short(known, move.start, move.until),
            )
            extra += [violation for violation in found if violation is not None]
        recorded = {"training_share": training_share, "extent": extent}
        data: dict[str, object] | None = {
            key: value for key, value in recorded.items() if value is not None
        } or None
        return _apply(
            kivo, uow, case_id, move, by, override, dry_run, expected_version, extra, data
        )


def kind_of_employment(to: Step, given: str | None) -> str | None:
    """The kind a fixed-term employment is recorded as: SÄVA unless given; given for any
    other step, or unknown, is bad input."""
    if given is None:
        return SAVA if to.number == FIXED_TERM else None
    kind = employment_kind(given)
    if to.number != FIXED_TERM:
        raise InvalidInput(
            f"an employment kind is recorded for fixed-term employment (step {FIXED_TERM}), "
            f"not for step {to.number}",
            field="employment_kind",
        )
    if kind is None:
        raise InvalidInput(
            f"unknown employment kind {quoted(given)}: choose one of SÄVA, vikariat, säsong",
            field="employment_kind",
        )
    return kind


def scoped_total_violations(
    catalogue: Catalogue, uow: UnitOfWork, case_id: int, move: Move
) -> list[Violation]:
    """For a programme whose total spans placements (PIS and ARBETSTRANING per
    participant, PRAKTIK per employer): the participant's earlier placements under it in
    that scope count towards the total (``programme-total-too-long``); an earlier one
    still open counts up to this move's start, which ends it."""
    if not spans_placements(catalogue, move.programme) or move.until is None:
        return []
    person = uow.people.get(uow.cases.get(case_id).person_id)
    workplaces = uow.workplaces.all() if needs_employers(catalogue, move.programme) else []
    placements = participant_placements(uow, person)
    found = scoped_total_violation(catalogue, move, placements, workplaces)
    return [found] if found else []


def weighed_with(kivo: Kivo, verdict: Verdict, extra: list[Violation], move: Move) -> Verdict:
    """The verdict with the checks that need more than the facts, weighed alike."""
    if not extra or not verdict.target:
        return verdict
    return Verdict(verdict.target, (*verdict.violations, *kivo.rules.weigh(extra, move.to)))


def programme_code(catalogue: Catalogue, programme: str | None) -> str | None:
    """The catalogue's spelling of a known programme; an unknown one as given (upper case),
    for the rules to refuse by name."""
    if not programme or not programme.strip():
        return None
    known = catalogue.find(programme)
    return known.code if known else programme.strip().upper()


def with_default_end(catalogue: Catalogue, move: Move) -> Move:
    """A workplace step under a known programme, without --until, ends as the programme
    plans by default."""
    programme = catalogue.find(move.programme)
    if move.until is not None or programme is None or move.to is None:
        return move
    if move.to.number not in WORKPLACE_STEPS:
        return move
    return replace(move, until=programme.default_end(move.start))


def fall_back(
    kivo: Kivo,
    case_id: int,
    to: Step,
    *,
    reason: str,
    on: date | None = None,
    by: int | None = None,
    expected_version: int | None = None,
) -> MoveResult:
    """Move a case back to an earlier step; the reason is required and recorded."""
    move = Move(MoveKind.FALL_BACK, on=on or kivo.today(), to=to, reason=_required(reason))
    with kivo.uow() as uow:
        return _apply(kivo, uow, case_id, move, by, None, False, expected_version)


def pause(
    kivo: Kivo,
    case_id: int,
    *,
    reason: str,
    on: date | None = None,
    by: int | None = None,
    expected_version: int | None = None,
) -> MoveResult:
    move = Move(MoveKind.PAUSE, on=on or kivo.today(), reason=_required(reason))
    with kivo.uow() as uow:
        return _apply(kivo, uow, case_id, move, by, None, False, expected_version)


def resume(
    kivo: Kivo,
    case_id: int,
    *,
    on: date | None = None,
    by: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> MoveResult:
    move = Move(MoveKind.RESUME, on=on or kivo.today(), reason=reason)
    with kivo.uow() as uow:
        return _apply(kivo, uow, case_id, move, by, None, False, expected_version)


def exit_case(
    kivo: Kivo,
    case_id: int,
    *,
    outcome: Outcome,
    on: date | None = None,
    by: int | None = None,
    reason: str | None = None,
    qualification: bool = False,
    expected_version: int | None = None,
) -> MoveResult:
    """Close a case with its outcome; an exited case never moves again. ``qualification``:
    the participant gained a qualification on leaving (an ESF+ result)."""
    move = Move(
        MoveKind.EXIT,
        on=on or kivo.today(),
        outcome=outcome,
        reason=reason,
        qualification=qualification,
    )
    with kivo.uow() as uow:
        return _apply(kivo, uow, case_id, move, by, None, False, expected_version)


def _required(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("a reason is required for this move: give --reason", field="reason")
    return reason.strip()


def _apply(
    kivo: Kivo,
    uow: UnitOfWork,
    case_id: int,
    move: Move,
    by: int | None,
    override: str | None,
    dry_run: bool,
    expected_version: int | None,
    extra: list[Violation] | None = None,
    data: dict[str, object] | None = None,
) -> MoveResult:
    case = case_at_version(uow, case_id, expected_version)
    actor = actor_of(uow, by)
    person = uow.people.get(case.person_id)
    facts = facts_in(uow, case, person, kivo.catalogue)
    verdict = weighed_with(kivo, judge(facts, move, kivo.rules, kivo.today()), extra or [], move)
    overridden = settle(verdict, actor, override)
    if verdict.blocking and not overridden:
        raise Refused(
            f"case {case_id}: {TRIGGERS[move.kind].replace('_', ' ')} refused",
            verdict.blocking + verdict.warnings,
            [next_move.__dict__ for next_move in next_moves_of(kivo, facts, move)],
        )
    assert verdict.target is not None
    before = replace(case)
    used = override if overridden else None
    placement_id = None if dry_run else _write(kivo, uow, case, move, verdict, actor, used, data)
    return MoveResult(
        case_id=case_id,
        kind=move.kind.value,
        from_state=before.state,
        to_state=verdict.target,
        step=(move.to.number if move.to else (case.step.number if case.step else None)),
        on=move.on,
        version=case.version,
        dry_run=dry_run,
        warnings=[v.to_dict() for v in verdict.warnings],
        overridden=overridden,
        placement_id=placement_id,
    )


def case_at_version(
    uow: UnitOfWork, case_id: int, expected_version: int | None, *, lock: bool = False
) -> Case:
    """The case, if still at the version the caller looked at (``None``: any version);
    every use case that changes a case takes ``expected_version``. ``lock``: for a write
    that does not go through the versioned save (a set-based UPDATE), lock the row."""
    case = uow.cases.locked(case_id) if lock else uow.cases.get(case_id)
    if expected_version is not None and case.version != expected_version:
        raise Conflict(
            f"case {case_id} is at version {case.version}, not {expected_version}: "
            "someone changed it since you looked; reload and try again",
            case_id=case_id,
            version=case.version,
        )
    return case


def actor_of(uow: UnitOfWork, by: int | None) -> Caseworker | None:
    if by is None:
        return None
    actor = uow.caseworkers.get(by)
    if not actor.active:
        raise InvalidInput(f"caseworker {by} is no longer active", field="by")
    return actor


def require_written_override(override: str | None) -> None:
    """An override is a written decision: a blank reason is bad input, before any read."""
    if override is not None and not override.strip():
        raise InvalidInput("an override needs a written reason", field="override")


def settle(verdict: Verdict, actor: Caseworker | None, override: str | None) -> list[str]:
    """The blocking codes a coordinator's written override lifts (none for a caseworker)."""
    if not override or not verdict.blocking:
        return []
    problems = list(verdict.blocking)
    if actor is None or actor.role != Role.COORDINATOR.value:
        problems.append(
            structural(
                "override-not-permitted",
                "only a coordinator may override a blocking rule: give --by with a "
                "coordinator's id",
            )
        )
    if len(problems) > len(verdict.blocking) or not all(v.overridable for v in problems):
        raise Refused("override refused", (*problems, *verdict.warnings))
    return [v.code for v in verdict.blocking]


def _write(
    kivo: Kivo,
    uow: UnitOfWork,
    case: Case,
    move: Move,
    verdict: Verdict,
    actor: Caseworker | None,
    override: str | None,
    data: dict[str, object] | None = None,
) -> int | None:
    assert case.id is not None
    employed = employment_entry(uow, case) if move.kind is MoveKind.EXIT else None
    from_state = moved(case, move, verdict)
    # The case row first: its versioned UPDATE locks it, so a concurrent move of the
    # same case conflicts here, before either touches placements or follow-ups.
    uow.cases.save(case)
    if move.kind in LEAVING_MOVES:
        for placement in uow.placements.open_for_case(case.id):
            placement.ended_on, placement.end_reason = move.on, move.kind.value
            uow.placements.save(placement)
    placement_id = _open_placement(uow, case.id, move)
    after_move(kivo, uow, case.id, move, placement_id, employed)
    uow.events.append(
        event_of(kivo, case.id, move, verdict, from_state, actor, override, placement_id, data)
    )
    uow.commit()
    return placement_id


def moved(case: Case, move: Move, verdict: Verdict) -> str:
    """The case as the allowed move leaves it (in memory); the state it came from."""
    assert verdict.target is not None
    from_state = case.state
    case.paused_from = from_state if verdict.target == PAUSED else None
    case.state = verdict.target
    case.last_move_on = move.on
    if verdict.target == EXITED:
        case.closed_on = move.on
        case.outcome = move.outcome.value if move.outcome else None
    return from_state


def event_of(
    kivo: Kivo,
    case_id: int,
    move: Move,
    verdict: Verdict,
    from_state: str,
    actor: Caseworker | None,
    override: str | None,
    placement_id: int | None,
    data: dict[str, object] | None = None,
) -> CaseEvent:
    """The history event of an allowed move."""
    return CaseEvent(
        case_id=case_id,
        kind=move.kind.value,
        on=move.on,
        recorded_at=kivo.now(),
        from_state=from_state,
        to_state=verdict.target,
        actor_id=actor.id if actor else None,
        reason=move.reason or override,
        warnings=[v.to_dict() for v in verdict.warnings],
        overrides=[v.code for v in verdict.blocking] if override else [],
        data={**_event_data(move, placement_id, override), **(data or {})},
    )


def _open_placement(uow: UnitOfWork, case_id: int, move: Move) -> int | None:
    placement = placement_of(case_id, move)
    if placement is None:
        return None
    (placement_id,) = uow.placements.add_many([placement])
    return placement_id


def placement_of(case_id: int, move: Move) -> Placement | None:
    """The placement an advance opens: a workplace step, or any step with a workplace."""
    if move.kind is not MoveKind.ADVANCE or move.to is None:
        return None
    if move.to.number not in WORKPLACE_STEPS and move.workplace_id is None:
        return None
    return Placement(
        case_id=case_id,
        step=move.to.number,
        start=move.on,
        workplace_id=move.workplace_id,
        supervisor_id=move.supervisor.id if move.supervisor else None,
        programme=move.programme,
        planned_end=move.until,
        employment_kind=move.employment_kind,
    )


def _event_data(move: Move, placement_id: int | None, override: str | None) -> dict[str, object]:
    data: dict[str, object] = {
        "workplace_id": move.workplace_id,
        "supervisor_id": move.supervisor.id if move.supervisor else None,
        "programme": move.programme,
        "until": move.until.isoformat() if move.until else None,
        "employment_kind": move.employment_kind,
        "outcome": move.outcome.value if move.outcome else None,
        "qualification": True if move.qualification else None,
        "placement_id": placement_id,
        "override_reason": override,
    }
    return {key: value for key, value in data.items() if value is not None}
