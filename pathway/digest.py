"""The weekly letter: per caseworker, what is due this week, the meetings booked, the
placements starting and ending, and what is overdue; with the coordinator's totals.

Read-only: one read transaction, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pathway.clock import LOCAL
from pathway.context import Kivo
from states.digest import DueLine, MeetingLine, PlacementLine, Week, week_of
from states.records import Caseworker


@dataclass(frozen=True)
class DigestCounts:
    due: int
    meetings: int
    starting: int
    ending: int
    overdue: int

    def __add__(self, other: DigestCounts) -> DigestCounts:
        return DigestCounts(
            self.due + other.due,
            self.meetings + other.meetings,
            self.starting + other.starting,
            self.ending + other.ending,
            self.overdue + other.overdue,
        )


NOTHING = DigestCounts(0, 0, 0, 0, 0)


@dataclass(frozen=True)
class CaseworkerLetter:
    """One caseworker's part of the letter; ``caseworker_id`` None is unassigned cases."""

    caseworker_id: int | None
    caseworker: str | None
    counts: DigestCounts
    due: list[DueLine]
    meetings: list[MeetingLine]
    starting: list[PlacementLine]
    ending: list[PlacementLine]
    overdue: list[DueLine]


@dataclass(frozen=True)
class Digest:
    """The letter for one week; without a caseworker it is the coordinator's overall view."""

    week: str
    start: date
    end: date
    caseworker_id: int | None
    totals: DigestCounts
    caseworkers: list[CaseworkerLetter]


def weekly_digest(
    kivo: Kivo, *, week: date | None = None, caseworker_id: int | None = None
) -> Digest:
    """The letter for the week (Monday–Sunday) holding ``week`` (default: today)."""
    span = week_of(week or kivo.today())
    first, last = _moments(span)
    with kivo.uow(read_only=True) as uow:
        workers = (
            [uow.caseworkers.get(caseworker_id)]
            if caseworker_id is not None
            else uow.caseworkers.all()
        )
        lines = uow.digest
        due = lines.due_between(span.start, span.end, caseworker_id=caseworker_id)
        meetings = lines.meetings_between(first, last, caseworker_id=caseworker_id)
        starting = lines.placements_starting(span.start, span.end, caseworker_id=caseworker_id)
        ending = lines.placements_ending(span.start, span.end, caseworker_id=caseworker_id)
        overdue = lines.overdue_before(span.start, caseworker_id=caseworker_id)
    names = {w.id: w.name for w in workers}
    owners = {
        line.caseworker_id for group in (due, meetings, starting, ending, overdue) for line in group
    }
    shown = _shown(workers, owners, everyone=caseworker_id is None)
    letters = [
        _letter(owner, names.get(owner), due, meetings, starting, ending, overdue)
        for owner in shown
    ]
    totals = sum((letter.counts for letter in letters), NOTHING)
    return Digest(span.label, span.start, span.end, caseworker_id, totals, letters)


def _moments(span: Week) -> tuple[datetime, datetime]:
    """The week as moments: Monday 00:00 up to the next Monday 00:00, Swedish time."""
    first = datetime.combine(span.start, time(), LOCAL)
    return first, datetime.combine(span.end + timedelta(days=1), time(), LOCAL)


def _shown(
    workers: list[Caseworker], owners: set[int | None], *, everyone: bool
) -> list[int | None]:
    """Every active caseworker (an empty week is news too), and anyone else with lines;
    unassigned cases last."""
    if not everyone:
        return [w.id for w in workers]
    ids = {w.id for w in workers if w.active and w.role == "caseworker"} | owners
    known = sorted(i for i in ids if i is not None)
    return [*known, None] if None in ids else list(known)


def _letter(
    owner: int | None,
    name: str | None,
    due: Iterable[DueLine],
    meetings: Iterable[MeetingLine],
    starting: Iterable[PlacementLine],
    ending: Iterable[PlacementLine],
    overdue: Iterable[DueLine],
) -> CaseworkerLetter:
    mine_due = [line for line in due if line.caseworker_id == owner]
    mine_meetings = [line for line in meetings if line.caseworker_id == owner]
    mine_starting = [line for line in starting if line.caseworker_id == owner]
    mine_ending = [line for line in ending if line.caseworker_id == owner]
    mine_overdue = [line for line in overdue if line.caseworker_id == owner]
    counts = DigestCounts(
        len(mine_due), len(mine_meetings), len(mine_starting), len(mine_ending), len(mine_overdue)
    )
    return CaseworkerLetter(
        owner, name, counts, mine_due, mine_meetings, mine_starting, mine_ending, mine_overdue
    )
