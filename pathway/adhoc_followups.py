"""Ad-hoc follow-ups: a caseworker plans a follow-up the rule set did not (a call about
a CV, a check after a hard week), with the reminders every planned item gets.

In one transaction: the item (kind ``follow-up``, name ``ad-hoc``) is added in the
case's current step and open placement, its reminders are queued as the rule set plans
them (``pathway.scheduling.create``), and the case's history records a
``followup_added`` event (which item, when due, who). It belongs to the step it was
planned in, as the rule set's items do: leaving the step cancels it, a pause suspends
it. Not on an exited case; a due date before today is bad input.
"""

from __future__ import annotations

from datetime import date

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.moves import case_at_version
from pathway.scheduling import create
from states.agenda import FollowupEntry
from states.case import EXITED
from states.errors import InvalidInput
from states.messages import N_, Message
from states.notes import MAX_TITLE, checked_text
from states.records import CaseEvent
from states.schedule import Planned
from states.violations import structural

AD_HOC = "ad-hoc"
FOLLOWUP_ADDED = "followup_added"
TITLE = Message(N_("the follow-up's title"))


def add_followup(
    kivo: Kivo,
    case_id: int,
    due: date,
    title: str,
    *,
    by: int | None = None,
    expected_version: int | None = None,
) -> FollowupEntry:
    """Plan an ad-hoc follow-up on case ``case_id`` due on ``due``; the new item.
    ``expected_version``: the case's version the caller looked at."""
    title = checked_text(title, TITLE, limit=MAX_TITLE, field="title")
    today = kivo.today()
    if due < today:
        raise InvalidInput(
            Message(
                N_(
                    "the due date {due} is before today ({today}): a follow-up is planned "
                    "for today or later"
                ),
                {"due": due.isoformat(), "today": today.isoformat()},
            ),
            field="due",
        )
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "add-followup")
        case = case_at_version(uow, case_id, expected_version)
        if case.state == EXITED:
            exited = Message(N_("the case has exited: no follow-up can be planned"))
            raise Refused.saying(
                Message(N_("case {case}: adding a follow-up refused"), {"case": case_id}),
                [structural("case-exited", exited)],
            )
        placements = uow.placements.open_for_case(case_id)
        placement = max(placements, key=lambda p: (p.start, p.id or 0), default=None)
        plan = Planned(
            name=AD_HOC,
            kind="follow-up",
            title=title,
            due=due,
            anchor="start",
            offset_days=0,
            keep=False,
        )
        (item,) = create(kivo, uow, case_id, [plan], case.step, placement.id if placement else None)
        assert item.id is not None
        uow.cases.touch(case)  # a change to the case: its version moves on
        uow.events.append(
            CaseEvent(
                case_id=case_id,
                kind=FOLLOWUP_ADDED,
                on=today,
                recorded_at=kivo.now(),
                from_state=case.state,
                to_state=case.state,
                actor_id=actor.id if actor else None,
                data={"followup_id": item.id, "due": due.isoformat()},
            )
        )
        (entry,) = uow.followups.lines(followup_id=item.id)
        uow.commit()
    return entry
