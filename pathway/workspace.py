"""Reads for the web workspace: who is signed in, whose case it is, the caseworker's day,
the details a case list row shows, and one case's agenda (placements, follow-ups,
meetings, its calendar). Read-only: each call is one read transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from pathway import actors
from pathway.meetings import SCHEDULED, calendar_of, day_start, local_entry
from states.access import READ, READ_AGENDA, may_see
from states.agenda import FollowupEntry, MeetingEntry
from states.digest import PlacementLine
from states.records import Caseworker, Placement

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pathway.context import Kivo
    from pathway.ports import UnitOfWork

ENDING_WITHIN_DAYS = 14
IDLE_DAYS = 60
COORDINATOR = "coordinator"


@dataclass(frozen=True)
class SignedIn:
    """The caseworker a session acts as."""

    id: int
    name: str
    role: str

    @property
    def coordinator(self) -> bool:
        return self.role == COORDINATOR


def signed_in(kivo: Kivo, caseworker_id: int) -> SignedIn | None:
    """The active caseworker with this id; ``None`` when unknown or deactivated (the
    session is then signed out)."""
    with kivo.uow(read_only=True) as uow:
        worker = uow.caseworkers.read(caseworker_id)
    if worker is None or not worker.active or worker.id is None:
        return None
    return signed_in_as(worker)


def signed_in_as(worker: Caseworker) -> SignedIn:
    """The session's view of a caseworker a use case has checked (active, stored)."""
    assert worker.id is not None
    return SignedIn(worker.id, worker.name, worker.role)


def active_caseworkers(kivo: Kivo) -> list[Caseworker]:
    """Everyone who may sign in, by name."""
    with kivo.uow(read_only=True) as uow:
        workers = uow.caseworkers.all()
    return sorted((w for w in workers if w.active), key=lambda w: (w.name, w.id or 0))


def owner_of(kivo: Kivo, case_id: int, *, by: int | None = None) -> int | None:
    """The caseworker responsible for the case (``NotFound`` for no such case); ``by``:
    who asks (another caseworker's case is answered as no such case; logged)."""
    with kivo.uow(read_only=by is None) as uow:
        if by is not None:
            actors.acting_on(kivo, uow, by, case_id, READ)
        owner = uow.cases.get(case_id).caseworker_id
        if by is not None:
            uow.commit()
    return owner


@dataclass(frozen=True)
class IdleCase:
    case_id: int
    name: str
    step: int | None
    last_on: date


@dataclass(frozen=True)
class Today:
    """A caseworker's day: what is due today, what is overdue, the meetings of the day,
    placements ending within ``ENDING_WITHIN_DAYS`` and cases with nothing recorded for
    ``IDLE_DAYS``."""

    day: date
    due_today: list[FollowupEntry]
    overdue: list[FollowupEntry]
    meetings: list[MeetingEntry]
    ending: list[PlacementLine]
    idle: list[IdleCase]
    unrecorded: list[MeetingEntry] = field(default_factory=list)
    """Booked meetings of days gone by, still not recorded (held, no-show, cancelled)."""


def today_for(kivo: Kivo, caseworker_id: int, *, by: int | None = None) -> Today:
    """``caseworker_id``'s day; ``by``: who asks (a caseworker sees their own day only,
    a coordinator anyone's)."""
    day = kivo.today()
    with kivo.uow(read_only=True) as uow:
        found = actors.caseload_of(actors.actor_of(uow, by), caseworker_id)
        caseworker_id = caseworker_id if found is None else found
        due = uow.followups.lines(caseworker_id=caseworker_id, statuses=("pending",), due_by=day)
        booked = uow.meetings.lines(
            caseworker_id=caseworker_id,
            statuses=(SCHEDULED,),
            end=day_start(day + timedelta(days=1)),
        )
        ending = uow.digest.placements_ending(
            day, day + timedelta(days=ENDING_WITHIN_DAYS), caseworker_id=caseworker_id
        )
        idle = uow.queries.idle(caseworker_id=caseworker_id, last_by=day - timedelta(IDLE_DAYS))
    return Today(
        day=day,
        due_today=[f for f in due if f.due == day],
        overdue=[f for f in due if f.due < day],
        meetings=[local_entry(m) for m in booked if m.at >= day_start(day)],
        unrecorded=[local_entry(m) for m in booked if m.at < day_start(day)],
        ending=[p for p in ending if p.ended_on is None],
        idle=[IdleCase(*found) for found in idle],
    )


@dataclass(frozen=True)
class RowDetail:
    """What a case list row adds to the listed case: days in the current step (or
    state) and the next pending item."""

    days_in_step: int
    next_due: FollowupEntry | None


def row_details(
    kivo: Kivo, case_ids: Sequence[int], *, by: int | None = None
) -> dict[int, RowDetail]:
    """Details of a page of cases (a page: a few dozen ids), in two statements. ``by``:
    who lists them (a case not theirs is answered as unknown; a list is not logged)."""
    day = kivo.today()
    with kivo.uow(read_only=True) as uow:
        if by is not None:
            actor, owners = actors.actor_of(uow, by), uow.access.owners(list(case_ids))
            for case_id in case_ids:
                if case_id not in owners or not may_see(actor, owners[case_id]):
                    raise actors.hidden(case_id)
        moved = uow.events.last_on(list(case_ids), moves_only=True)
        pending = (
            uow.followups.lines(case_ids=list(case_ids), statuses=("pending",)) if case_ids else []
        )
    first: dict[int, FollowupEntry] = {}
    for item in pending:  # earliest due first
        first.setdefault(item.case_id, item)
    details = {}
    for case_id in case_ids:
        since = moved.get(case_id, day)
        details[case_id] = RowDetail((day - since).days, first.get(case_id))
    return details


@dataclass(frozen=True)
class CaseAgenda:
    """A case's placements, follow-ups (every status) and meetings."""

    placements: list[Placement]
    followups: list[FollowupEntry]
    meetings: list[MeetingEntry]


def case_agenda(kivo: Kivo, case_id: int, *, by: int | None = None) -> CaseAgenda:
    """``by``: who reads it (their own case, or a coordinator; checked and logged as
    ``read-agenda``, in the same transaction as the reads)."""
    with kivo.uow(read_only=by is None) as uow:
        if by is None:
            uow.cases.get(case_id)
        else:
            actors.acting_on(kivo, uow, by, case_id, READ_AGENDA)
        agenda = agenda_in(uow, case_id)
        if by is not None:
            uow.commit()
    return agenda


def agenda_in(uow: UnitOfWork, case_id: int) -> CaseAgenda:
    """``case_agenda``'s reads in the caller's unit of work (who reads: the caller's check)."""
    placements = uow.placements.for_case(case_id)
    followups = uow.followups.lines(case_id=case_id)
    meetings = [local_entry(m) for m in uow.meetings.lines(case_id=case_id)]
    return CaseAgenda(
        sorted(placements, key=lambda p: (p.start, p.id or 0)),
        sorted(followups, key=lambda f: (f.due, f.id)),
        meetings,
    )


def case_calendar(kivo: Kivo, case_id: int, *, by: int | None = None) -> bytes:
    """The case's booked meetings as an RFC 5545 calendar (no personal data in it)."""
    entries = [m for m in case_agenda(kivo, case_id, by=by).meetings if m.status == SCHEDULED]
    return calendar_of(entries, stamp=kivo.now(), today=kivo.today())
