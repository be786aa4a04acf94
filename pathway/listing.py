"""Lists that scale: a page of a list is an iterator read from the database a chunk at a
time, so ``--limit 0`` over a million cases holds one chunk in memory, never the list.

Paging: ``limit`` rows (0 = all), after skipping ``offset`` rows and/or continuing
``after`` a row (keyset: the id of the last row of the previous page; the list goes on
from that row's place in the sort order, so deep pages stay as fast as the first).
Every sort is stable: it ends on the id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pathway import actors
from states.calendar_bounds import MAX_COUNT
from states.case import Gender, Outcome, parse_enum, status_of_state
from states.errors import InvalidInput, quoted
from states.messages import N_, Message

if TYPE_CHECKING:
    from pathway.context import Kivo
    from states.listing import ExitFilter, ListedCase

CHUNK = 2000
"""Rows read per statement."""
DEFAULT_LIMIT = 50
CASE_SORTS = ("id", "name", "opened")
MAX_ROWS = MAX_COUNT * 1000
"""The largest ``limit`` or ``offset`` accepted (beyond it a database may overflow)."""


class CaseList:
    """A page of cases, read when iterated (once). After the iteration, ``more`` says
    whether rows follow the page and ``last_id`` is the id to pass as ``after`` for the
    next page."""

    def __init__(
        self,
        kivo: Kivo,
        filters: dict[str, Any],
        *,
        sort: str,
        limit: int,
        offset: int,
        after: tuple[Any, ...] | None,
        chunk: int,
    ) -> None:
        self.kivo = kivo
        self.filters = filters
        self.sort = sort
        self.limit = limit
        self.offset = offset
        self.after = after
        self.chunk = chunk
        self.more = False
        self.last_id: int | None = None
        self.count = 0

    def __iter__(self) -> Iterator[ListedCase]:
        wanted = self.limit or None
        key, offset = self.after, self.offset
        with self.kivo.uow(read_only=True) as uow:
            while True:
                left = None if wanted is None else wanted - self.count
                size = self.chunk if left is None else min(self.chunk, left + 1)
                rows = uow.listing.case_chunk(
                    **self.filters, sort=self.sort, after=key, offset=offset, size=size
                )
                offset = 0
                if left is not None and len(rows) > left:
                    self.more = True
                    rows = rows[:left]
                if rows:
                    self.count += len(rows)
                    self.last_id = rows[-1].id
                    yield from rows
                if self.more or len(rows) < size:
                    return
                key = case_key_of(rows[-1], self.sort)


def list_cases(
    kivo: Kivo,
    *,
    step: int | None = None,
    status: str | None = None,
    caseworker_id: int | None = None,
    sort: str = "id",
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    after: int | None = None,
    chunk: int = CHUNK,
    programme: str | None = None,
    by: int | None = None,
    exited: ExitFilter | None = None,
) -> CaseList:
    """Cases filtered by step, status (active, paused, exited), caseworker or programme
    (an open placement under it: a code of the catalogue), in ``sort``
    order (``id``, ``name`` or ``opened``, then id). Checked now (an unknown caseworker
    or ``after`` case, a bad sort or count is refused before any row is read); the rows
    are read as the result is iterated."""
    if sort not in CASE_SORTS:
        said = {"sort": quoted(sort), "sorts": ", ".join(CASE_SORTS)}
        raise InvalidInput(Message(N_("unknown sort {sort}: choose {sorts}"), said), field="sort")
    if status is not None and status not in ("active", "paused", "exited"):
        said = {"status": quoted(status)}
        unknown = N_("unknown status {status}: choose active, paused or exited")
        raise InvalidInput(Message(unknown, said), field="status")
    check_paging(limit, offset)
    if chunk < 1:
        raise InvalidInput(Message(N_("chunk must be at least 1")), field="chunk")
    key = None
    with kivo.uow(read_only=True) as uow:
        # ``by`` a caseworker: their own caseload (a coordinator's: every one).
        actor = actors.actor_of(uow, by)
        caseworker_id = actors.caseload_of(actor, caseworker_id)
        if caseworker_id is not None and (actor is None or caseworker_id != actor.id):
            uow.caseworkers.get(caseworker_id)  # the actor's own was read just now
        if after is not None:
            key = uow.listing.case_key(after, sort)
            if key is None:
                gone = N_("--after {after}: there is no case {after} to continue after")
                raise InvalidInput(Message(gone, {"after": after}), field="after")
    filters: dict[str, Any] = {"step": step, "status": status, "caseworker_id": caseworker_id}
    if programme is not None:
        filters["programme"] = kivo.catalogue.get(programme).code
    if exited is not None:
        filters["exited"] = _checked_exit(exited)
    return CaseList(kivo, filters, sort=sort, limit=limit, offset=offset, after=key, chunk=chunk)


def _checked_exit(exited: ExitFilter) -> ExitFilter:
    """An exit filter naming a gender or outcome kivo does not know is bad input."""
    if exited.gender is not None:
        parse_enum(Gender, exited.gender, "gender")
    if exited.outcome is not None:
        parse_enum(Outcome, exited.outcome, "outcome")
    if exited.first is not None and exited.last is not None and exited.last < exited.first:
        said = {"last": exited.last.isoformat(), "first": exited.first.isoformat()}
        backwards = N_("the closing period ends ({last}) before it begins ({first})")
        raise InvalidInput(Message(backwards, said), field="closed_to")
    return exited


def check_paging(limit: int, offset: int) -> None:
    for name, value in (("limit", limit), ("offset", offset)):
        if not 0 <= value <= MAX_ROWS:
            said = {"name": name, "value": value, "max": f"{MAX_ROWS:,}"}
            out = N_("--{name} {value} is out of range: give a whole number from 0 to {max}")
            raise InvalidInput(Message(out, said), field=name)


def case_key_of(summary: ListedCase, sort: str) -> tuple[Any, ...]:
    """Where a listed case stands in ``sort`` order (the keyset to continue after it)."""
    if sort == "name":
        return (summary.name, summary.id)
    if sort == "opened":
        return (summary.opened_on, summary.id)
    return (summary.id,)


def case_document(summary: ListedCase) -> dict[str, Any]:
    """A listed case as JSON shows it (the fields of ``ListedCase``, dates in ISO form),
    built directly: ``dataclasses.asdict`` costs more than reading the row."""
    ident, name, state, step, worker_id, worker, opened_on, outcome, version = summary
    return {
        "id": ident,
        "name": name,
        "state": state,
        "step": step,
        "status": status_of_state(state),
        "caseworker_id": worker_id,
        "caseworker": worker,
        "opened_on": opened_on.isoformat(),
        "outcome": outcome,
        "version": version,
    }
