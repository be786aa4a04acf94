"""What an allowed move writes, planned as plain data, then applied set-based.

``plan_move`` turns one case's allowed move into a ``CasePlan``: the case as the move
leaves it, its history event, the placement it opens, and what it does to the case's
follow-ups, reminders and booked meetings (``pathway.scheduling`` says what is planned).
``apply`` writes the plans of many cases with one statement per table, in the order a
single move always wrote: the versioned case rows first (a concurrent change of any of
them is a conflict before anything else is touched), the placements ended and opened,
the follow-ups changed and added with their reminders, the meetings cancelled, and the
history events last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pathway.context import Kivo
from pathway.place_release import Left, release_left
from pathway.ports import UnitOfWork
from pathway.scheduling import (
    EMPLOYMENT_STEPS,
    Entry,
    cancellations,
    new_items,
    placed,
    planned_for,
    reminders_for,
    resumptions,
    superseded,
    suspensions,
)
from states.case import EXITED, LEAVING_MOVES, OPENING_MOVES, PAUSED, Move, MoveKind
from states.judge import Verdict
from states.records import Case, CaseEvent, Caseworker, Followup, Placement
from states.schedule import Planned


@dataclass(slots=True)
class CasePlan:
    """One case's writes: plain data until ``apply``."""

    case: Case  # as the move leaves it; the version still the one read
    move: Move
    verdict: Verdict
    from_state: str
    override: str | None
    event: CaseEvent
    placement: Placement | None = None
    added: list[Followup] = field(default_factory=list)  # their placement set on apply
    changed: list[Followup] = field(default_factory=list)  # cancelled, suspended, resumed
    dropped: list[int] = field(default_factory=list)  # items whose pending reminders drop
    requeued: list[Followup] = field(default_factory=list)  # resumed: reminders again
    cancel_meetings: str | None = None  # an exit: the booked meetings' reason
    open_placements: bool = True  # whether the case had open placements when read
    undo: dict[str, object] = field(default_factory=dict)  # what a correction restores


def plan_move(
    kivo: Kivo,
    case: Case,
    move: Move,
    verdict: Verdict,
    actor: Caseworker | None,
    override: str | None,
    entered: date | None,
    open_items: Sequence[Followup] = (),
) -> CasePlan:
    """The writes of an allowed move (``case`` is changed in memory); ``entered``: the day
    the case entered its current step (for an exit from employment), ``open_items``: its
    pending and suspended follow-ups as read in this transaction."""
    assert case.id is not None
    step_before = case.step
    undo: dict[str, object] = {
        "paused_from": case.paused_from,
        "last_move_on": _iso(case.last_move_on),
    }
    was = {item.id: _item_state(item) for item in open_items}
    from_state = moved(case, move, verdict)
    employed: Entry | None = None
    if move.kind is MoveKind.EXIT and step_before is not None and entered is not None:
        employed = (step_before, entered) if step_before.number in EMPLOYMENT_STEPS else None
    plan = CasePlan(
        case=case,
        move=move,
        verdict=verdict,
        from_state=from_state,
        override=override,
        event=event_of(kivo, case.id, move, verdict, from_state, actor, override),
        placement=placement_of(case.id, move),
    )
    planned = planned_for(kivo, move, employed)
    _plan_items(plan, case.id, planned, open_items)
    undo["items"] = [[item.id, *was[item.id]] for item in plan.changed]
    plan.undo = undo
    if move.kind is MoveKind.EXIT:
        plan.cancel_meetings = f"case exited on {move.on.isoformat()}"
    return plan


def _item_state(item: Followup) -> list[object]:
    """What a move may change of an open item, as a correction puts it back."""
    return [item.status, item.due.isoformat(), _iso(item.suspended_on), item.cancel_reason]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _plan_items(
    plan: CasePlan, case_id: int, planned: list[Planned], open_items: Sequence[Followup]
) -> None:
    move = plan.move
    replaced = superseded(open_items, planned, f"planned again from {move.on.isoformat()}")
    changed = list(replaced)
    if move.kind in LEAVING_MOVES:
        changed += cancellations(open_items, f"{move.kind.value} on {move.on.isoformat()}")
    elif move.kind is MoveKind.PAUSE:
        changed += suspensions(open_items, move.on)
    elif move.kind is MoveKind.RESUME:
        plan.requeued = resumptions(open_items, move.on)
        changed += plan.requeued
    elif move.kind is MoveKind.START_PLACEMENT and move.to is not None:
        changed += placed(
            open_items,
            planned,
            move.to,
            f"planned again with the placement from {move.on.isoformat()}",
        )
    plan.changed = changed
    again = {id(item) for item in plan.requeued}
    plan.dropped = [i.id for i in changed if i.id is not None and id(i) not in again]
    plan.added = new_items(case_id, planned, move.to, None, open_items)


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


def placement_of(case_id: int, move: Move) -> Placement | None:
    """The placement an advance into a workplace step opens, or a placement start in the
    step the case is in; a step at no workplace has none (``moves.advance`` refuses a
    workplace or supervisor named for one)."""
    if move.kind not in OPENING_MOVES or move.to is None or not move.to.at_workplace:
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


def event_of(
    kivo: Kivo,
    case_id: int,
    move: Move,
    verdict: Verdict,
    from_state: str,
    actor: Caseworker | None,
    override: str | None,
) -> CaseEvent:
    """The history event of an allowed move (its placement added when it has an id)."""
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
        data=event_data(move, None, override, kivo.fingerprint),
    )


def event_data(
    move: Move, placement_id: int | None, override: str | None, rules: str | None = None
) -> dict[str, object]:
    """The event's data; ``rules``: the fingerprint of the rule set that judged the move
    (``states.ruleset.fingerprint``), so a move made under a loosened copy shows."""
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
        "training_share": move.training_share,
        "extent": move.extent,
        "rules": rules,
    }
    return {key: value for key, value in data.items() if value is not None}


def apply(kivo: Kivo, uow: UnitOfWork, plans: Sequence[CasePlan]) -> None:
    """Write the plans set-based, in the caller's transaction. Each event records what
    its move wrote (``undo``), for a correction to undo exactly that."""
    uow.pipeline.save_cases([plan.case for plan in plans])
    closing = [
        _id(plan.case) for plan in plans if plan.open_placements and plan.move.kind in LEAVING_MOVES
    ]
    ended = uow.pipeline.open_placement_ids(closing) if closing else {}
    exiting = [_id(plan.case) for plan in plans if plan.cancel_meetings]
    booked = uow.pipeline.booked_meeting_ids(exiting) if exiting else {}
    uow.pipeline.close_placements(
        [
            (_id(plan.case), plan.move.on, plan.move.kind.value)
            for plan in plans
            if _id(plan.case) in ended
        ]
    )
    leaving = [_id(plan.case) for plan in plans if plan.move.kind in LEAVING_MOVES]
    placed = uow.pipeline.accepted_proposal_ids(leaving) if leaving else {}
    release_left(  # a participant leaving a place gives its position back
        kivo,
        uow,
        [
            Left(_id(plan.case), plan.move.on, plan.move.kind.value, plan.event.actor_id)
            for plan in plans
            if plan.move.kind in LEAVING_MOVES and _id(plan.case) in placed
        ],
    )
    uow.pipeline.add_placements([plan.placement for plan in plans if plan.placement is not None])
    for plan in plans:
        if plan.placement is not None:
            plan.event.data = event_data(
                plan.move, plan.placement.id, plan.override, kivo.fingerprint
            )
            for item in plan.added:
                item.placement_id = plan.placement.id
    uow.pipeline.save_items([item for plan in plans for item in plan.changed])
    uow.pipeline.drop_reminders([ident for plan in plans for ident in plan.dropped])
    uow.pipeline.cancel_booked_meetings(
        [(_id(plan.case), plan.cancel_meetings) for plan in plans if plan.cancel_meetings]
    )
    added = [item for plan in plans for item in plan.added]
    requeued = [item for plan in plans for item in plan.requeued]
    uow.pipeline.add_followups(added)
    uow.pipeline.add_reminders(reminders_for(kivo, added))
    if requeued:  # queued before: one dropped comes back, a sent one stays sent
        uow.reminders.add_many(reminders_for(kivo, requeued))
    for plan in plans:
        case_id = _id(plan.case)
        undo = dict(plan.undo)
        undo["ended"] = ended.get(case_id, [])
        undo["added"] = [item.id for item in plan.added]
        undo["meetings"] = booked.get(case_id, [])
        plan.event.data["undo"] = undo
    uow.pipeline.append_events([plan.event for plan in plans])


def _id(case: Case) -> int:
    assert case.id is not None
    return case.id
