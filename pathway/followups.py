"""Follow-ups: what is due, and marking one done (its reminders then go unsent)."""

from __future__ import annotations

from datetime import date

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from states.agenda import FOLLOWUP_STATUSES, FollowupEntry, finding_of
from states.errors import InvalidInput, NotFound, quoted
from states.messages import N_, Hint, Message
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
        raise InvalidInput(
            Message(
                N_("unknown status {given}: choose one of {choices}"),
                {"given": quoted(status), "choices": choices},
            )
        )
    if overdue and status != "pending":
        raise InvalidInput(
            Message(
                N_("{overdue} lists pending items only: leave out {status}"),
                {"overdue": Hint("overdue", "--overdue"), "status": Hint("status", "--status")},
            )
        )
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
            head = Message(N_("follow-up {followup}: done refused"), {"followup": followup_id})
            raise Refused.saying(head, problems)
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
                Message(
                    N_(
                        "the date {day} is after today ({today}): record a follow-up once it "
                        "is done"
                    ),
                    {"day": day.isoformat(), "today": today.isoformat()},
                ),
            )
        )
    elif day < case.opened_on:
        problems.append(
            structural(
                "date-before-case",
                Message(
                    N_("the date {day} is before case {case} was opened ({opened})"),
                    {"day": day.isoformat(), "case": case.id, "opened": case.opened_on.isoformat()},
                ),
            )
        )
    return problems


def _not_pending(item: Followup) -> Message:
    """Why an item that is no longer pending cannot be marked done."""
    if item.status == "done":
        if item.done_on is None:
            return Message(N_("follow-up {followup} is already done"), {"followup": item.id})
        return Message(
            N_("follow-up {followup} is already done on {on}"),
            {"followup": item.id, "on": item.done_on.isoformat()},
        )
    if item.status == "suspended":
        return Message(
            N_("follow-up {followup} is suspended while the case is paused: resume the case first"),
            {"followup": item.id},
        )
    if not item.cancel_reason:
        return Message(N_("follow-up {followup} was cancelled"), {"followup": item.id})
    return Message(
        N_("follow-up {followup} was cancelled ({reason})"),
        {"followup": item.id, "reason": item.cancel_reason},
    )
