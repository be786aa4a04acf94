"""The access log's review (loggkontroll): who read or changed which case, when and
from where, as a query a coordinator runs (``kivo audit reads``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from pathway import actors
from pathway.clock import LOCAL
from pathway.listing import DEFAULT_LIMIT, MAX_ROWS, check_paging
from states.errors import InvalidInput
from states.messages import N_, Hint, Message

if TYPE_CHECKING:
    from pathway.context import Kivo
    from states.access import AccessEntry


@dataclass(frozen=True)
class AccessPage:
    """A page of the access log, oldest first; ``more``: rows follow (continue ``after``
    ``last_id``)."""

    rows: list[AccessEntry]
    more: bool

    @property
    def last_id(self) -> int | None:
        return self.rows[-1].id if self.rows else None


def access_reads(
    kivo: Kivo,
    *,
    actor: int | None,
    case_id: int | None = None,
    caseworker_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    after: int | None = None,
) -> AccessPage:
    """The access log's rows for a case, a caseworker and/or the days ``start`` to
    ``end`` (both included, Swedish time), by id; only a coordinator (``actor``) reviews
    it. ``limit`` 0: every row."""
    check_paging(limit, offset)
    if start is not None and end is not None and end < start:
        params = {"to": TO, "end": end.isoformat(), "from": FROM, "start": start.isoformat()}
        raise InvalidInput(Message(N_("{to} {end} is before {from} {start}"), params), field="to")
    with kivo.uow(read_only=True) as uow:
        actors.require_coordinator(
            actors.actor_of(uow, actor), "review the access log", option="--actor"
        )
        rows = uow.access.page(
            case_id=case_id,
            caseworker_id=caseworker_id,
            start=_midnight(start),
            end=_midnight(end + timedelta(days=1)) if end is not None else None,
            after=after,
            offset=offset,
            size=limit + 1 if limit else MAX_ROWS,
        )
    if limit and len(rows) > limit:
        return AccessPage(rows[:limit], True)
    return AccessPage(rows, False)


FROM, TO = Hint("from", "--from"), Hint("to", "--to")
"""The days the review covers: the CLI's ``--from`` and ``--to``."""


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=LOCAL)
