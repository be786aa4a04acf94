"""Follow-ups: what is due, and marking one done (its reminders then go unsent)."""

from __future__ import annotations

from datetime import date

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from states.agenda import FOLLOWUP_STATUSES, FollowupEntry, finding_of
from states.errors import InvalidInput, NotFound, quoted
from states.records import Case, Followup
from states.violations import Violation, structural

ALL = "all"


def list_followups(
    kivo: Kivo,
    *,
    case_id: int | None = None,
    caseworker_id: int | None = None,
    due_by: date | None = None,
    overdue: bool = False,
    status: str = "pending",
) -> list[FollowupEntry]:
    """Items earliest due first; ``overdue`` is pending items due before today."""
    if status not in (*FOLLOWUP_STATUSES, ALL):
        choices = ", ".join((*FOLLOWUP_STATUSES, ALL))
        raise InvalidInput(f"unknown status {quoted(status)}: choose one of {choices}")
    if overdue and status != "pending":
        raise InvalidInput("--overdue lists pending items only: leave out --status")
    with kivo.uow(read_only=True) as uow:
        if case_id is not None:
            uow.cases.get(case_id)
        if caseworker_id is not None:
            uow.caseworkers.get(caseworker_id)
        return uow.followups.lines(
            case_id=case_id,
            caseworker_id=caseworker_id,
            statuses=None if status == ALL else (status,),
            due_by=due_by,
            due_before=kivo.today() if overdue else None,
        )


def mark_done(
    kivo: Kivo,
    followup_id: int,
    *,
    on: date | None = None,
    notes: str | None = None,
    finding: str | None = None,
    by: int | None = None,
    case_id: int | None = None,
) -> FollowupEntry:
    """Mark a pending item done on ``on`` (default today); its pending reminders drop.
    ``case_id``: the case the caller holds it to be on (an item of another case is
    answered as unknown).

    ``finding`` is what the follow-up found (one of ``states.agenda.FINDINGS``), if
    recorded; an unknown one is invalid input and nothing is written.
    """
    found = finding_of(finding)
    day = on or kivo.today()
    with kivo.uow() as uow:
        item = uow.followups.locked(followup_id)
        unknown = NotFound.with_id("follow-up", followup_id)
        if case_id is not None and item.case_id != case_id:
            raise unknown
        actors.acting_on(kivo, uow, by, item.case_id, "followup-done", missing=unknown)
        case = uow.cases.get(item.case_id)
        problems = _done_problems(item, case, day, kivo.today())
        if problems:
            raise Refused(f"follow-up {followup_id}: done refused", problems)
        assert item.id is not None
        item.status, item.done_on = "done", day
        item.notes = (notes or "").strip() or item.notes
        item.finding = found.value if found is not None else None
        uow.followups.save(item)
        uow.reminders.drop_pending([item.id])
        (entry,) = uow.followups.lines(followup_id=item.id)
        uow.commit()
    return entry


def _done_problems(item: Followup, case: Case, day: date, today: date) -> list[Violation]:
    problems = []
    if item.status != "pending":
        problems.append(structural("followup-not-pending", _not_pending(item)))
    if day > today:
        problems.append(
            structural(
                "date-in-future",
                f"the date {day.isoformat()} is after today ({today.isoformat()}): "
                "record a follow-up once it is done",
            )
        )
    elif day < case.opened_on:
        problems.append(
            structural(
                "date-before-case",
                f"the date {day.isoformat()} is before case {case.id} was opened "
                f"({case.opened_on.isoformat()})",
            )
        )
    return problems


def _not_pending(item: Followup) -> str:
    if item.status == "done":
        when = f" on {item.done_on.isoformat()}" if item.done_on else ""
        return f"follow-up {item.id} is already done{when}"
    if item.status == "suspended":
        return f"follow-up {item.id} is suspended while the case is paused: resume the case first"
    reason = f" ({item.cancel_reason})" if item.cancel_reason else ""
    return f"follow-up {item.id} was cancelled{reason}"
