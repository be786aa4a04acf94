"""What a move does to a case's follow-ups, meetings and reminders — in the same
transaction as the move itself (``pathway.planning`` plans it, ``pathway.pipeline``
applies it with the move).

Leaving a step cancels what belonged only to it (``keep`` items survive); pausing
suspends, resuming moves every due date on by the length of the pause; entering a step
plans its items from the rule set; a fall back plans a fallback-risk check; an exit to
employment plans the follow-ups after employment; an exit cancels the booked meetings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from pathway.context import Kivo
from pathway.ports import UnitOfWork
from states.case import Move, MoveKind
from states.records import Followup, Placement, Reminder
from states.schedule import (
    Planned,
    anchor_day,
    on_entering,
    on_exit,
    on_fall_back,
    plan_items,
)
from states.steps import Step

OPEN = ("pending", "suspended")
EMPLOYMENT_STEPS = frozenset({7, 8, 9})
Entry = tuple[Step, date]  # a step and the day the case entered it
# Moves that plan the items of the step they lead to: a placement start plans them as
# entering the step would have, from the placement's start and to its planned end.
ENTERING_PLANS = (MoveKind.ADVANCE, MoveKind.FALL_BACK, MoveKind.START_PLACEMENT)


def planned_for(kivo: Kivo, move: Move, employed: Entry | None = None) -> list[Planned]:
    """What a move plans. An exit plans its items from the latest entry into employment
    (``employed``; the exit's day when the case is not in employment), except those that
    entering that step planned already (kept since, or done); items anchored on the
    ``exit`` (ESF+'s six months after leaving) count from the exit's day whatever the
    employment."""
    items = kivo.rules.schedule
    planned: list[Planned] = []
    if move.kind in ENTERING_PLANS and move.to is not None:
        planned += plan_items(on_entering(items, move.to.number), move.on, move.until)
    if move.kind is MoveKind.FALL_BACK:
        planned += plan_items(on_fall_back(items), move.on, None)
    if move.kind is MoveKind.EXIT and move.outcome is not None:
        exiting = on_exit(items, move.outcome.value)
        if employed is not None:
            entered = {item.name for item in on_entering(items, employed[0].number)}
            exiting = [item for item in exiting if item.name not in entered]
        since = employed[1] if employed is not None else move.on
        from_exit = [item for item in exiting if item.anchor == "exit"]
        planned += plan_items(from_exit, move.on, None)
        planned += plan_items([i for i in exiting if i.anchor != "exit"], since, None)
    return planned


def superseded(
    items: Iterable[Followup], planned: Iterable[Planned], reason: str
) -> list[Followup]:
    """Kept items still open that the move plans again on another day (the case entered
    employment again): cancelled, so the new plan counts from the latest entry."""
    again = {plan.name: plan.due for plan in planned if plan.keep}
    replaced = []
    for item in items:
        if item.keep and item.status in OPEN and again.get(item.name, item.due) != item.due:
            item.status, item.cancel_reason = "cancelled", reason
            replaced.append(item)
    return replaced


def cancellations(items: Iterable[Followup], reason: str) -> list[Followup]:
    """Of a case's open items, those a leaving move cancels (not the kept), marked so."""
    cancelled = []
    for item in items:
        if item.keep:
            continue
        item.status, item.cancel_reason = "cancelled", reason
        cancelled.append(item)
    return cancelled


def placed(
    items: Iterable[Followup], planned: Iterable[Planned], step: Step, reason: str
) -> list[Followup]:
    """Of a case's open items, those entering ``step`` planned without a placement (a
    fall back into it) that a placement start plans again from the placement: cancelled,
    marked so, so that each is planned once, with the placement's dates."""
    again = {plan.name for plan in planned}
    cancelled = []
    for item in items:
        if item.keep or item.placement_id is not None or item.step != step.number:
            continue
        if item.name in again and item.status in OPEN:
            item.status, item.cancel_reason = "cancelled", reason
            cancelled.append(item)
    return cancelled


def suspensions(items: Iterable[Followup], on: date) -> list[Followup]:
    """Of a case's open items, the pending ones a pause suspends, marked so."""
    suspended = []
    for item in items:
        if item.status == "pending":
            item.status, item.suspended_on = "suspended", on
            suspended.append(item)
    return suspended


def resumptions(items: Iterable[Followup], on: date) -> list[Followup]:
    """Of a case's open items, the suspended ones a resume makes pending again, each due
    as much later as the pause lasted."""
    resumed = []
    for item in items:
        if item.status != "suspended" or item.suspended_on is None:
            continue
        item.due += on - item.suspended_on
        item.status, item.suspended_on = "pending", None
        resumed.append(item)
    return resumed


def create(
    kivo: Kivo,
    uow: UnitOfWork,
    case_id: int,
    planned: Iterable[Planned],
    step: Step | None,
    placement_id: int | None,
    *,
    open_items: Sequence[Followup] | None = None,
) -> list[Followup]:
    """Add the planned items (one insert) and queue their reminders (one call).
    ``open_items``: the case's open items as already read in this transaction."""
    items = uow.followups.open_for_case(case_id) if open_items is None else open_items
    made = new_items(case_id, planned, step, placement_id, items)
    uow.followups.add_many(made)
    uow.reminders.add_many(reminders_for(kivo, made))
    return made


def new_items(
    case_id: int,
    planned: Iterable[Planned],
    step: Step | None,
    placement_id: int | None,
    open_items: Iterable[Followup],
) -> list[Followup]:
    """The items a move plans, less the kept ones already running (e.g. the follow-ups
    after employment, running from step 9)."""
    open_kept = {f.name for f in open_items if f.keep and f.status in OPEN}
    return [
        Followup(
            case_id=case_id,
            name=plan.name,
            kind=plan.kind,
            title=plan.title,
            due=plan.due,
            step=step.number if step else None,
            placement_id=placement_id,
            anchor=plan.anchor,
            offset_days=plan.offset_days,
            keep=plan.keep,
        )
        for plan in planned
        if not (plan.keep and plan.name in open_kept)
    ]


def reschedule_placement(
    kivo: Kivo, uow: UnitOfWork, placement: Placement, start: date, new_end: date
) -> tuple[int, int]:
    """The placement's end moves (``placement`` still carries the old one): pending items
    anchored on its end or midpoint move with it (their reminders re-queued), and repeating
    items are planned on from the old end up to the new. Returns (moved, added)."""
    assert placement.id is not None
    moved, have = 0, set()
    for item in uow.followups.open_for_case(placement.case_id):
        if item.placement_id != placement.id:
            continue
        have.add((item.name, item.due))
        base = anchor_day(item.anchor, start, new_end)
        if item.status != "pending" or item.anchor == "start" or base is None:
            continue
        due = base + timedelta(days=item.offset_days)
        if due == item.due:
            continue
        assert item.id is not None
        uow.reminders.drop_pending([item.id])
        item.due = due
        uow.followups.save(item)
        _queue_reminders(kivo, uow, item)
        moved += 1
    repeating = [i for i in on_entering(kivo.rules.schedule, placement.step) if i.every_days]
    extra = [
        plan
        for plan in plan_items(repeating, start, new_end)
        if (plan.name, plan.due) not in have
        and (placement.planned_end is None or plan.due >= placement.planned_end)
        and plan.due >= kivo.today()
    ]
    added = create(kivo, uow, placement.case_id, extra, Step(placement.step), placement.id)
    return moved, len(added)


def cancel_after(uow: UnitOfWork, placement: Placement, after: date, reason: str) -> int:
    """Cancel the placement's open items due after ``after`` (it ended early), with a reason."""
    cancelled = []
    for item in uow.followups.open_for_case(placement.case_id):
        if item.placement_id != placement.id or item.due <= after:
            continue
        item.status, item.cancel_reason = "cancelled", reason
        uow.followups.save(item)
        cancelled.append(item.id)
    uow.reminders.drop_pending(i for i in cancelled if i is not None)
    return len(cancelled)


def reminders_for(kivo: Kivo, items: Iterable[Followup]) -> list[Reminder]:
    """The reminders the rule set sends for items (which have their ids)."""
    today = kivo.today()
    sends = kivo.rules.reminders.sends
    queued: list[Reminder] = []
    for item in items:
        assert item.id is not None
        queued.extend(
            Reminder(
                followup_id=item.id, case_id=item.case_id, kind=kind, due=item.due, send_on=send_on
            )
            for kind, send_on in sends(item.due, today)
        )
    return queued


def _queue_reminders(kivo: Kivo, uow: UnitOfWork, item: Followup) -> None:
    uow.reminders.add_many(reminders_for(kivo, [item]))
