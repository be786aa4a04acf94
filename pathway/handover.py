"""Caseload handover: cases move from one caseworker to another with all that is pending.

"Nothing may fall between two chairs": a transfer moves every chosen case in one
transaction and records a ``transferred`` event on each, carrying the handover note, so
the history answers who owned a case on any day. Deactivating a caseworker hands the
whole caseload over first, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.moves import actor_of, case_at_version
from pathway.ports import UnitOfWork
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.ownership import CaseloadCounts
from states.records import Caseworker
from states.violations import Violation, structural


@dataclass(frozen=True)
class HandoverResult:
    """What moved (or, in a dry run, would move)."""

    from_id: int
    to_id: int
    cases: int
    followups: int
    meetings: int
    reminders: int
    on: date
    dry_run: bool

    def moved(self) -> dict[str, int]:
        return {"cases": self.cases, "followups": self.followups, "meetings": self.meetings}


@dataclass(frozen=True)
class DeactivationResult:
    caseworker_id: int
    handover: HandoverResult | None


def transfer_caseload(
    kivo: Kivo,
    from_id: int,
    to_id: int,
    *,
    case_ids: Sequence[int] | None = None,
    note: str | None = None,
    on: date | None = None,
    by: int | None = None,
    dry_run: bool = False,
    expected_version: int | None = None,
) -> HandoverResult:
    """Move ``from_id``'s cases that still need someone (or only ``case_ids``) to
    ``to_id``, with their follow-ups, meetings and reminders. ``expected_version``: of
    the one case named, refused as a conflict if it changed since the caller looked."""
    day, note = _day(kivo, on), _note(note)
    chosen = sorted(set(case_ids)) if case_ids else None
    if expected_version is not None and (chosen is None or len(chosen) != 1):
        said = Message(N_("--expect-version is the version of one case: name exactly one --case"))
        raise InvalidInput(said, field="expected_version")
    with kivo.uow() as uow:
        actor = actors.require_coordinator(actor_of(uow, by), "transfer caseloads")
        _check_parties(uow, from_id, to_id)
        if chosen is not None:
            if expected_version is not None:
                case_at_version(uow, chosen[0], expected_version, lock=True)
            _check_cases(uow, from_id, chosen)
        result = _handover(kivo, uow, from_id, to_id, chosen, day, actor, note, dry_run)
        if not dry_run:
            uow.commit()
    return result


def deactivate_caseworker(
    kivo: Kivo,
    caseworker_id: int,
    *,
    handover_to: int | None = None,
    note: str | None = None,
    on: date | None = None,
    by: int | None = None,
) -> DeactivationResult:
    """Hand the whole caseload over (when there is one), then deactivate; one transaction.
    Refused for someone who still owns cases when no one is named to take them."""
    day, note = _day(kivo, on), _note(note)
    with kivo.uow() as uow:
        actor = actors.require_coordinator(actor_of(uow, by), "deactivate a colleague")
        worker = uow.caseworkers.get(caseworker_id)
        if not worker.active:
            who = {"caseworker": caseworker_id}
            raise Refused.saying(
                Message(N_("caseworker {caseworker} is already inactive"), who),
                [structural("caseworker-inactive", Message(INACTIVE, who))],
            )
        result = None
        if handover_to is not None:
            _check_parties(uow, caseworker_id, handover_to)
            result = _handover(kivo, uow, caseworker_id, handover_to, None, day, actor, note, False)
        else:
            left = uow.handover.counts(caseworker_id)
            if left.cases:
                said = {"caseworker": caseworker_id, "cases": left.cases, "how": HANDOVER_TO}
                still = N_(
                    "caseworker {caseworker} still owns {cases} case(s) that need someone: name "
                    "who takes them with {how}"
                )
                raise Refused.saying(Message(still, said), [_still_owns(caseworker_id, left)])
        worker.active = False
        uow.caseworkers.save(worker)
        uow.commit()
    return DeactivationResult(caseworker_id, result)


INACTIVE = N_("caseworker {caseworker} is inactive")
HANDOVER_TO = Hint("handover_to", "--handover-to")


def _handover(
    kivo: Kivo,
    uow: UnitOfWork,
    from_id: int,
    to_id: int,
    chosen: list[int] | None,
    day: date,
    actor: Caseworker | None,
    note: str | None,
    dry_run: bool,
) -> HandoverResult:
    counts = uow.handover.counts(from_id, chosen)
    latest = uow.handover.latest_transfer(from_id, chosen)
    if latest is not None and day < latest:
        said = {"day": day.isoformat(), "latest": latest.isoformat()}
        before = N_(
            "the handover date {day} is before {latest}, when a case it moves was opened or "
            "last handed over"
        )
        later = Message(N_("date it {latest} or later"), said)
        raise Refused.saying(
            Message(before, said), [structural("date-before-last-transfer", later)]
        )
    if not dry_run and counts.cases:
        uow.handover.transfer(
            from_id,
            to_id,
            case_ids=chosen,
            on=day,
            recorded_at=kivo.now(),
            actor_id=actor.id if actor else None,
            note=note,
            address=kivo.address,  # each case's access-log row, set-based
        )
    return HandoverResult(
        from_id, to_id, counts.cases, counts.followups, counts.meetings, counts.reminders,
        day, dry_run,
    )  # fmt: skip


def _check_parties(uow: UnitOfWork, from_id: int, to_id: int) -> None:
    uow.caseworkers.get(from_id)
    receiver = uow.caseworkers.get(to_id)
    who = {"caseworker": to_id}
    if from_id == to_id:
        owns = Message(N_("caseworker {caseworker} already owns these cases"), who)
        raise Refused.saying(
            Message(N_("a caseload cannot be handed over to the caseworker who has it")),
            [structural("same-caseworker", owns)],
        )
    if not receiver.active:
        gone = N_("caseworker {caseworker} is no longer active and cannot take over cases")
        raise Refused.saying(
            Message(gone, who), [structural("caseworker-inactive", Message(INACTIVE, who))]
        )


def _check_cases(uow: UnitOfWork, from_id: int, chosen: list[int]) -> None:
    """Every named case exists (else not found), belongs to ``from_id`` and still needs
    someone (else refused)."""
    found = {case.id: case for case in uow.handover.cases(chosen)}
    for case_id in chosen:
        if case_id not in found:
            uow.cases.get(case_id)  # raises NotFound
    problems: list[Violation] = []
    for case_id in chosen:
        case = found[case_id]
        said = {"case": case_id, "owner": case.caseworker_id, "caseworker": from_id}
        if case.caseworker_id != from_id:
            owned = N_("case {case} belongs to caseworker {owner}, not to caseworker {caseworker}")
            if not case.caseworker_id:
                owned = N_("case {case} belongs to nobody, not to caseworker {caseworker}")
            problems.append(structural("not-in-caseload", Message(owned, said)))
        elif not case.live:
            exited = N_(
                "case {case} has exited with nothing pending: there is nothing to hand over"
            )
            problems.append(structural("nothing-to-hand-over", Message(exited, said)))
    if problems:
        raise Refused.saying(Message(N_("caseload transfer refused")), problems)


def _still_owns(caseworker_id: int, left: CaseloadCounts) -> Violation:
    owns = N_(
        "caseworker {caseworker} owns {cases} case(s) with {followups} pending follow-up(s) "
        "and {meetings} scheduled meeting(s)"
    )
    said = {
        "caseworker": caseworker_id,
        "cases": left.cases,
        "followups": left.followups,
        "meetings": left.meetings,
    }
    return structural("caseload-not-handed-over", Message(owns, said))


def _day(kivo: Kivo, on: date | None) -> date:
    day = on or kivo.today()
    if day > kivo.today():
        after = N_(
            "the handover date {day} is after today ({today}): record a handover when it happens"
        )
        said = {"day": day.isoformat(), "today": kivo.today().isoformat()}
        raise InvalidInput(Message(after, said), field="on")
    return day


def _note(note: str | None) -> str | None:
    if note is None:
        return None
    if not note.strip():
        said = Message(
            N_("a handover note cannot be blank: leave {how} out instead"),
            {"how": Hint("note", "--note")},
        )
        raise InvalidInput(said, field="note")
    return note.strip()
