"""The coordinator's monthly log review (``kivo audit review``): the month's reads of a
case outside the reader's caseload at the time, and every read of a protected person's
case (``states.review``). One read transaction, a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from pathway import actors
from pathway.clock import LOCAL
from states.ownership import owners
from states.review import READS, ReviewLine, month_days, parse_month, reviewed

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.ports import UnitOfWork
    from states.access import AccessEntry

PAGE = 5000  # access-log rows read at a time


@dataclass(frozen=True)
class LogReview:
    """The month reviewed (``YYYY-MM``), how many reads it held, and those to look at."""

    month: str
    reads: int
    rows: list[ReviewLine]


def log_review(kivo: Kivo, month: str, *, actor: int | None) -> LogReview:
    """The reads of ``month`` (``YYYY-MM``, Swedish time) to review; a coordinator's
    (``actor``) only. A month that is not one is InvalidInput, before anything is read."""
    year, number = parse_month(month)
    first, following = month_days(year, number)
    with kivo.uow(read_only=True) as uow:
        actors.require_coordinator(
            actors.actor_of(uow, actor), "review the access log", option="--actor"
        )
        entries = _month(uow, first, following)
        case_ids = sorted({entry.case_id for entry in entries})
        current = uow.access.owners(case_ids)
        histories = uow.pipeline.histories(case_ids)
        periods = {cid: owners(histories.get(cid, []), current.get(cid)) for cid in case_ids}
        workers = {w.id: (w.name, w.role) for w in uow.caseworkers.all() if w.id is not None}
        protected = uow.protection.protections(case_ids)
    lines = reviewed(entries, periods, workers, protected, LOCAL)
    reads = sum(1 for entry in entries if entry.action in READS)
    return LogReview(f"{year:04d}-{number:02d}", reads, lines)


def _month(uow: UnitOfWork, first: date, following: date) -> list[AccessEntry]:
    """The access log's rows of the month, a page at a time (by id)."""
    found: list[AccessEntry] = []
    after: int | None = None
    while True:
        page = uow.access.page(
            case_id=None,
            caseworker_id=None,
            start=_midnight(first),
            end=_midnight(following),
            after=after,
            offset=0,
            size=PAGE,
        )
        found.extend(page)
        if len(page) < PAGE:
            return found
        after = page[-1].id


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL)
