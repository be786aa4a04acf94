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
        raise InvalidInput(
            "--expect-version is the version of one case: name exactly one --case",
            field="expected_version",
        )
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
            raise Refused(
                f"caseworker {caseworker_id} is already inactive",
                [structural("caseworker-inactive", f"caseworker {caseworker_id} is inactive")],
            )
        result = None
        if handover_to is not None:
            _check_parties(uow, caseworker_id, handover_to)
            result = _handover(kivo, uow, caseworker_id, handover_to, None, day, actor, note, False)
        else:
            left = uow.handover.counts(caseworker_id)
            if left.cases:
                raise Refused(
                    f"caseworker {caseworker_id} still owns {left.cases} case(s) that need "
                    "someone: name who takes them with --handover-to",
                    [_still_owns(caseworker_id, left)],
                )
        worker.active = False
        uow.caseworkers.save(worker)
        uow.commit()
    return DeactivationResult(caseworker_id, result)


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
        raise Refused(
            f"the handover date {day.isoformat()} is before {latest.isoformat()}, when a "
            "case it moves was opened or last handed over",
            [structural("date-before-last-transfer", f"date it {latest.isoformat()} or later")],
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
    if from_id == to_id:
        raise Refused(
            "a caseload cannot be handed over to the caseworker who has it",
            [structural("same-caseworker", f"caseworker {to_id} already owns these cases")],
        )
    if not receiver.active:
        raise Refused(
            f"caseworker {to_id} is no longer active and cannot take over cases",
            [structural("caseworker-inactive", f"caseworker {to_id} is inactive")],
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
        if case.caseworker_id != from_id:
            problems.append(
                structural(
                    "not-in-caseload",
                    f"case {case_id} belongs to "
                    + (f"caseworker {case.caseworker_id}" if case.caseworker_id else "nobody")
                    + f", not to caseworker {from_id}",
                )
            )
        elif not case.live:
            problems.append(
                structural(
                    "nothing-to-hand-over",
                    f"case {case_id} has exited with nothing pending: there is nothing to "
                    "hand over",
                )
            )
    if problems:
        raise Refused("caseload transfer refused", problems)


def _still_owns(caseworker_id: int, left: CaseloadCounts) -> Violation:
    return structural(
        "caseload-not-handed-over",
        f"caseworker {caseworker_id} owns {left.cases} case(s) with {left.followups} pending "
        f"follow-up(s) and {left.meetings} scheduled meeting(s)",
    )


def _day(kivo: Kivo, on: date | None) -> date:
    day = on or kivo.today()
    if day > kivo.today():
        raise InvalidInput(
            f"the handover date {day.isoformat()} is after today ({kivo.today().isoformat()}): "
            "record a handover when it happens",
            field="on",
        )
    return day


def _note(note: str | None) -> str | None:
    if note is None:
        return None
    if not note.strip():
        raise InvalidInput(
            "a handover note cannot be blank: leave --note out instead", field="note"
        )
    return note.strip()
