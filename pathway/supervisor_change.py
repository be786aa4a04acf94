"""Give an open placement another supervisor: when the first one leaves, is off sick for
long or the workplace reorganises, the placement goes on with a new named person.

The change is a decision of its own, recorded as a ``supervisor_changed`` event with the
old and the new supervisor; the placement's tripartite meetings still to come that
invited the old supervisor invite the new one, in the same transaction. The new
supervisor is held to the rules a placement's supervisor is held to when it opens
(trained, room for one more, active), as the rule set in effect weighs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.facts import facts_of, supervisor_facts
from pathway.meetings import day_start
from pathway.moves import case_at_version, require_written_override, settle
from pathway.placements import open_placement, record_placement_event
from pathway.ports import UnitOfWork
from states.case import Move, MoveKind
from states.errors import InvalidInput
from states.judge import Verdict
from states.messages import N_, Message
from states.records import Case, Placement, Supervisor
from states.steps import Step

# consent-missing: a new supervisor gets the participant's information only with consent.
SUPERVISOR_RULES = (
    "consent-missing",
    "supervisor-untrained",
    "supervisor-full",
    "supervisor-inactive",
)


@dataclass(frozen=True)
class SupervisorChanged:
    case_id: int
    placement_id: int
    changed_on: date
    old_supervisor_id: int | None
    new_supervisor_id: int
    meetings_moved: int
    warnings: list[dict[str, object]] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)


def change_supervisor(
    kivo: Kivo,
    case_id: int,
    supervisor_id: int,
    *,
    on: date | None = None,
    reason: str | None = None,
    by: int | None = None,
    override: str | None = None,
    expected_version: int | None = None,
) -> SupervisorChanged:
    """From ``on`` (default today), supervisor ``supervisor_id`` supervises the case's
    open placement; the scheduled meetings from that day that invited the old one invite
    the new one. The new supervisor must work at the placement's workplace."""
    require_written_override(override)
    changed_on = on or kivo.today()
    if changed_on > kivo.today():
        raise InvalidInput(
            Message(
                N_(
                    "the change date {on} is after today ({today}): record the change when "
                    "it has happened"
                ),
                {"on": changed_on.isoformat(), "today": kivo.today().isoformat()},
            ),
            field="on",
        )
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "change-supervisor")
        actors.require_configured_rules(kivo, actor)
        case = case_at_version(uow, case_id, expected_version)
        placement = open_placement(uow, case)
        supervisor = uow.supervisors.locked(supervisor_id)  # capacity: as a move queues
        _check_change(placement, supervisor, changed_on)
        verdict = _verdict(kivo, uow, case, placement, supervisor, changed_on)
        overridden = settle(verdict, actor, override)
        if verdict.blocking and not overridden:
            head = Message(N_("case {case}: supervisor change refused"), {"case": case_id})
            raise Refused.saying(head, verdict.blocking + verdict.warnings)
        old = placement.supervisor_id
        moved = _reinvite(uow, case_id, old, supervisor_id, changed_on)
        placement.supervisor_id = supervisor_id
        uow.placements.save(placement)
        used = override.strip() if overridden and override else None
        warnings = [v.to_dict() for v in verdict.warnings]
        record_placement_event(
            kivo,
            uow,
            case,
            "supervisor_changed",
            changed_on,
            actor.id if actor else None,
            (reason or "").strip() or used,
            {
                "placement_id": placement.id,
                "old_supervisor_id": old,
                "new_supervisor_id": supervisor_id,
                "meetings_moved": moved,
                "override_reason": used,
            },
            warnings=warnings,
            overrides=overridden,
        )
        uow.commit()
    assert placement.id is not None
    return SupervisorChanged(
        case_id, placement.id, changed_on, old, supervisor_id, moved, warnings, overridden
    )


def _check_change(placement: Placement, supervisor: Supervisor, changed_on: date) -> None:
    """Bad input whatever the rules say: another workplace, the same person, a date
    before the placement started."""
    if supervisor.id == placement.supervisor_id:
        raise InvalidInput(
            Message(
                N_("supervisor {supervisor} already supervises placement {placement}"),
                {"supervisor": supervisor.id, "placement": placement.id},
            ),
            field="supervisor",
        )
    if placement.workplace_id is None or supervisor.workplace_id != placement.workplace_id:
        where = (
            Message(N_("workplace {workplace}"), {"workplace": placement.workplace_id})
            if placement.workplace_id is not None
            else Message(N_("no workplace"))
        )
        raise InvalidInput(
            Message(
                N_(
                    "supervisor {supervisor} works at workplace {theirs}, the placement is "
                    "at {where}: choose a supervisor of the placement's workplace"
                ),
                {"supervisor": supervisor.id, "theirs": supervisor.workplace_id, "where": where},
            ),
            field="supervisor",
        )
    if changed_on < placement.start:
        raise InvalidInput(
            Message(
                N_("the change date {on} is before the placement started ({start})"),
                {"on": changed_on.isoformat(), "start": placement.start.isoformat()},
            ),
            field="on",
        )


def _verdict(
    kivo: Kivo,
    uow: UnitOfWork,
    case: Case,
    placement: Placement,
    supervisor: Supervisor,
    changed_on: date,
) -> Verdict:
    """The supervisor rules of the placement's step, as if the placement opened today
    with the new supervisor (whose load does not count this case's own placement)."""
    assert case.id is not None
    move = Move(
        MoveKind.ADVANCE,
        on=changed_on,
        to=Step(placement.step),
        workplace_id=placement.workplace_id,
        supervisor=supervisor_facts(uow, supervisor, case.id),
    )
    facts = facts_of(case, uow.people.get(case.person_id))
    found = [v for v in kivo.rules.evaluate(facts, move) if v.code in SUPERVISOR_RULES]
    return Verdict(case.state, tuple(found))


def _reinvite(uow: UnitOfWork, case_id: int, old: int | None, new: int, on: date) -> int:
    """Scheduled meetings from ``on`` that invited the old supervisor invite the new one."""
    moved = 0
    for entry in uow.meetings.lines(case_id=case_id, statuses=["scheduled"], start=day_start(on)):
        if old is not None and entry.supervisor_id == old:
            meeting = uow.meetings.locked(entry.id)
            meeting.supervisor_id = new
            uow.meetings.save(meeting)
            moved += 1
    return moved
