"""The placement lifecycle: extend, end early, list; and the programmes catalogue.

An extension is a decision of its own: it is recorded as an ``extended`` event with the
old and the new planned end, never as a silent edit, and it moves the placement's
end-anchored meetings and reminders in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.facts import (
    FIXED_TERM,
    by_employer,
    earlier_in_scope,
    facts_of,
    participant_placements,
    stays_among,
)
from pathway.moves import REASON, case_at_version, require_written_override, settle
from pathway.place_release import Left, release_left
from pathway.ports import UnitOfWork
from pathway.scheduling import cancel_after, reschedule_placement
from states.case import Move, MoveKind
from states.errors import InvalidInput
from states.judge import Verdict
from states.messages import N_, Hint, Message
from states.programmes import EMPLOYER, extension_violations
from states.records import Case, CaseEvent, Person, Placement
from states.steps import Step
from states.violations import Severity, Violation, structural, violation

# Judged again on an extension, with the new end.
FIXED_TERM_RULES = ("preferential-right", "las-permanent", "las-vikariat")


@dataclass(frozen=True)
class Extended:
    case_id: int
    placement_id: int
    programme: str | None
    decided_on: date
    old_end: date | None
    new_end: date
    followups_moved: int
    followups_added: int
    warnings: list[dict[str, object]] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ended:
    case_id: int
    placement_id: int
    ended_on: date
    reason: str
    followups_cancelled: int


def extend(
    kivo: Kivo,
    case_id: int,
    *,
    until: date,
    reason: str | None = None,
    by: int | None = None,
    on: date | None = None,
    override: str | None = None,
    expected_version: int | None = None,
) -> Extended:
    """Extend the case's open placement to ``until`` by a decision made ``on``.

    A decision dated before the placement's start is bad input. The checks of
    ``extension_checks`` (``extension-after-end``, the programme's ``programme-closed``,
    ``programme-too-long``, ``programme-total-too-long``, and for fixed-term employment
    ``preferential-right``, ``las-permanent`` and ``las-vikariat``) are weighed by the rule
    set in effect: off, a warning or blocking; a coordinator's written ``override`` lifts
    the blocking ones and is recorded in the ``extended`` event."""
    require_written_override(override)
    decided_on = on or kivo.today()
    if decided_on > kivo.today():
        raise InvalidInput(
            Message(
                N_("the decision date {on} is after today ({today})"),
                {"on": decided_on.isoformat(), "today": kivo.today().isoformat()},
            ),
            field="on",
        )
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "extend-placement")
        actors.require_configured_rules(kivo, actor)
        case = case_at_version(uow, case_id, expected_version)
        placement = open_placement(uow, case)
        assert placement.id is not None
        assert case.id is not None
        old_end = placement.planned_end
        if until <= (old_end or placement.start):
            raise InvalidInput(
                Message(
                    N_(
                        "the new end {until} must come after the current planned end {end} "
                        "(to end it early, use {how})"
                    ),
                    {
                        "until": until.isoformat(),
                        "end": (old_end or placement.start).isoformat(),
                        "how": Hint("placement", "`kivo placement end`"),
                    },
                ),
                field="until",
            )
        if decided_on < placement.start:
            raise InvalidInput(
                Message(
                    N_("the decision date {on} is before the placement started ({start})"),
                    {"on": decided_on.isoformat(), "start": placement.start.isoformat()},
                ),
                field="on",
            )
        found = extension_checks(kivo, uow, case, placement, until, decided_on)
        verdict = Verdict(case.state, tuple(kivo.rules.weigh(found, Step(placement.step))))
        overridden = settle(verdict, actor, override)
        if verdict.blocking and not overridden:
            head = Message(N_("case {case}: extension refused"), {"case": case_id})
            raise Refused.saying(head, verdict.blocking + verdict.warnings)
        used = override.strip() if overridden and override else None
        moved, added = reschedule_placement(kivo, uow, placement, placement.start, until)
        placement.planned_end = until
        uow.placements.save(placement)
        warnings = [v.to_dict() for v in verdict.warnings]
        record_placement_event(
            kivo,
            uow,
            case,
            "extended",
            decided_on,
            actor.id if actor else None,
            reason or used,
            {
                "placement_id": placement.id,
                "programme": placement.programme,
                "old_end": old_end.isoformat() if old_end else None,
                "new_end": until.isoformat(),
                "override_reason": used,
            },
            warnings=warnings,
            overrides=overridden,
        )
        uow.commit()
        return Extended(
            case.id,
            placement.id,
            placement.programme,
            decided_on,
            old_end,
            until,
            moved,
            added,
            warnings,
            overridden,
        )


def extension_checks(
    kivo: Kivo, uow: UnitOfWork, case: Case, placement: Placement, until: date, decided_on: date
) -> list[Violation]:
    """What an extension to ``until`` decided on ``decided_on`` breaks, before the rules
    file weighs it: a decision after the current planned end (``extension-after-end``,
    blocking unless overridden), the programme's limits (its total with the participant's
    earlier placements in its scope), and the fixed-term rules with the new end."""
    old_end = placement.planned_end or placement.start
    found = []
    if placement.planned_end is not None and decided_on > placement.planned_end:
        found.append(
            violation(
                "extension-after-end",
                Message(
                    N_(
                        "an extension is decided before the placement's planned end {end}, "
                        "not on {on}: open a new placement instead, or have a coordinator "
                        "override with a reason"
                    ),
                    {"end": old_end.isoformat(), "on": decided_on.isoformat()},
                ),
            )
        )
    person = uow.people.get(case.person_id)
    found += without_consent(kivo, case, person, placement, decided_on)
    others = participant_placements(uow, person, excluding=placement.id)
    programme = kivo.catalogue.find(placement.programme)
    if programme is not None:
        workplaces = uow.workplaces.all() if programme.total_scope == EMPLOYER else []
        earlier = earlier_in_scope(
            others, programme, placement.workplace_id, placement.start, workplaces
        )
        found += extension_violations(
            programme, placement.start, old_end, until, decided_on, earlier
        )
    found += deactivated_partners(uow, placement)
    if placement.step == FIXED_TERM and placement.workplace_id is not None:
        stays = stays_among(others, kivo.catalogue)
        facts = replace(
            facts_of(case, person),
            fixed_term_stays=by_employer(stays, uow.workplaces.all()) if stays else (),
        )
        move = Move(
            MoveKind.ADVANCE,
            on=placement.start,
            to=Step(placement.step),
            workplace_id=placement.workplace_id,
            programme=placement.programme,
            until=until,
            employment_kind=placement.employment_kind,
        )
        found += [v for v in kivo.rules.evaluate(facts, move) if v.code in FIXED_TERM_RULES]
    return found


def without_consent(
    kivo: Kivo, case: Case, person: Person, placement: Placement, decided_on: date
) -> list[Violation]:
    """``consent-missing`` as for entering the placement's step on the decision date: an
    extension goes on sharing the participant's information with the workplace, so it
    waits while consent is withdrawn."""
    move = Move(MoveKind.ADVANCE, on=decided_on, to=Step(placement.step))
    found = kivo.rules.evaluate(facts_of(case, person), move)
    return [v for v in found if v.code == "consent-missing"]


def deactivated_partners(uow: UnitOfWork, placement: Placement) -> list[Violation]:
    """Warnings that the placement's supervisor or workplace was deactivated since it
    opened: the extension goes on, but the agreement behind it needs a new person."""
    supervisor = uow.supervisors.get(placement.supervisor_id) if placement.supervisor_id else None
    workplace = uow.workplaces.get(placement.workplace_id) if placement.workplace_id else None
    found = [
        (
            "supervisor",
            supervisor,
            N_(
                "supervisor {id} ({name}) is deactivated: agree a new supervisor with the "
                "workplace and record them with {how}"
            ),
        ),
        (
            "workplace",
            workplace,
            N_(
                "workplace {id} ({name}) is deactivated: check that it still receives "
                "this participant"
            ),
        ),
    ]
    how = Hint("placement", "`kivo placement supervisor`")
    return [
        violation(
            f"extension-{kind}-inactive",
            Message(template, {"id": record.id, "name": record.name, "how": how}),
            severity=Severity.WARNING,
        )
        for kind, record, template in found
        if record is not None and not record.active
    ]


def end(
    kivo: Kivo,
    case_id: int,
    *,
    on: date,
    reason: str,
    by: int | None = None,
    expected_version: int | None = None,
) -> Ended:
    """End the case's open placement early; what was planned after the end is cancelled."""
    if not reason or not reason.strip():
        raise InvalidInput(
            Message(N_("ending a placement early needs a reason: give {how}"), {"how": REASON}),
            field="reason",
        )
    if on > kivo.today():
        raise InvalidInput(
            Message(
                N_(
                    "the end date {on} is after today ({today}): record the end when it "
                    "has happened"
                ),
                {"on": on.isoformat(), "today": kivo.today().isoformat()},
            ),
            field="on",
        )
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "end-placement")
        case = case_at_version(uow, case_id, expected_version)
        placement = open_placement(uow, case)
        assert placement.id is not None
        assert case.id is not None
        if on < placement.start:
            raise InvalidInput(
                Message(
                    N_("the end date {on} is before the placement started ({start})"),
                    {"on": on.isoformat(), "start": placement.start.isoformat()},
                ),
                field="on",
            )
        text = reason.strip()
        cancelled = cancel_after(uow, placement, on, f"placement ended on {on.isoformat()}: {text}")
        placement.ended_on, placement.end_reason = on, text
        uow.placements.save(placement)
        who = actor.id if actor else None
        release_left(kivo, uow, [Left(case.id, on, "placement_ended", who)])
        record_placement_event(
            kivo,
            uow,
            case,
            "placement_ended",
            on,
            actor.id if actor else None,
            text,
            {"placement_id": placement.id, "planned_end": _iso(placement.planned_end)},
        )
        uow.commit()
        return Ended(case.id, placement.id, on, text, cancelled)


def listing(
    kivo: Kivo,
    *,
    workplace_id: int | None = None,
    programme: str | None = None,
    active_on: date | None = None,
    ending_before: date | None = None,
) -> list[Placement]:
    code = kivo.catalogue.get(programme).code if programme is not None else None
    with kivo.uow(read_only=True) as uow:
        if workplace_id is not None:
            uow.workplaces.get(workplace_id)
        return uow.placements.listing(
            workplace_id=workplace_id,
            programme=code,
            active_on=active_on,
            ending_before=ending_before,
        )


def open_placement(uow: UnitOfWork, case: Case) -> Placement:
    assert case.id is not None
    found = list(uow.placements.open_for_case(case.id))
    if not found:
        none = Message(N_("case {case} has no open placement"), {"case": case.id})
        raise Refused.saying(
            Message(N_("case {case}: no open placement"), {"case": case.id}),
            [structural("no-open-placement", none)],
        )
    return max(found, key=lambda p: (p.start, p.id or 0))


def record_placement_event(
    kivo: Kivo,
    uow: UnitOfWork,
    case: Case,
    kind: str,
    on: date,
    actor_id: int | None,
    reason: str | None,
    data: dict[str, object],
    *,
    warnings: list[dict[str, object]] | None = None,
    overrides: list[str] | None = None,
) -> None:
    assert case.id is not None
    uow.cases.touch(case)  # a change to the case: its version moves on
    uow.events.append(
        CaseEvent(
            case_id=case.id,
            kind=kind,
            on=on,
            recorded_at=kivo.now(),
            from_state=case.state,
            to_state=case.state,
            actor_id=actor_id,
            reason=reason,
            warnings=warnings or [],
            overrides=overrides or [],
            data={k: v for k, v in {**data, "rules": kivo.fingerprint}.items() if v is not None},
        )
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
