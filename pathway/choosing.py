"""Choosing a workplace or a supervisor by what a caseworker types (a name, part of
one, or a number) instead of picking from a list of every one: the case page stays the
same size with 20 workplaces or 20,000. Each call is one read of at most a few rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pathway.context import Kivo

if TYPE_CHECKING:
    from pathway.ports import UnitOfWork

MATCHES_SHOWN = 10
"""How many matches an ambiguous choice lists (a caseworker narrows it by typing more)."""
SUPERVISORS_LISTED = 200
"""At most this many of one workplace's supervisors offered in a list."""


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class Found:
    """What a typed text matched: ``chosen`` when exactly one thing was meant (its
    number, its full name, or the only name containing the text), else ``matches`` —
    none, or the first ``MATCHES_SHOWN`` of several (``more``: there were others)."""

    chosen: Choice | None
    matches: list[Choice]
    more: bool = False


def _found(text: str, rows: list[Choice]) -> Found:
    wanted = text.strip().casefold()
    numbered = [r for r in rows if text.strip() == str(r.id)]
    exact = numbered or [r for r in rows if r.name.strip().casefold() == wanted]
    if len(exact) == 1:
        return Found(exact[0], [])
    if len(rows) == 1:
        return Found(rows[0], [])
    return Found(None, rows[:MATCHES_SHOWN], more=len(rows) > MATCHES_SHOWN)


def find_workplace(kivo: Kivo, text: str) -> Found:
    """The active workplace ``text`` names (its number or name, any case)."""
    with kivo.uow(read_only=True) as uow:
        rows = uow.workplaces.named(text.strip(), limit=MATCHES_SHOWN + 1)
    return _found(text, [Choice(_known(w.id), w.name) for w in rows])


def find_supervisor(kivo: Kivo, text: str, *, workplace_id: int | None) -> Found:
    """The active supervisor ``text`` names, at ``workplace_id`` when given."""
    with kivo.uow(read_only=True) as uow:
        rows = uow.supervisors.named(
            text.strip(), workplace_id=workplace_id, limit=MATCHES_SHOWN + 1
        )
    return _found(text, [Choice(_known(s.id), s.name) for s in rows])


def supervisors_at(kivo: Kivo, workplace_id: int | None) -> list[Choice]:
    """The active supervisors of one workplace, by name (none given: none)."""
    if workplace_id is None:
        return []
    with kivo.uow(read_only=True) as uow:
        return supervisors_in(uow, workplace_id)


def supervisors_in(uow: UnitOfWork, workplace_id: int | None) -> list[Choice]:
    """``supervisors_at`` in the caller's unit of work."""
    if workplace_id is None:
        return []
    rows = uow.supervisors.named("", workplace_id=workplace_id, limit=SUPERVISORS_LISTED)
    return [Choice(_known(s.id), s.name) for s in rows]


def names_of(
    kivo: Kivo, workplace_ids: Iterable[int | None], supervisor_ids: Iterable[int | None]
) -> tuple[dict[int, str], dict[int, str]]:
    """The names of a few workplaces and supervisors (a case's placements'), by id."""
    with kivo.uow(read_only=True) as uow:
        return names_in(uow, workplace_ids, supervisor_ids)


def names_in(
    uow: UnitOfWork, workplace_ids: Iterable[int | None], supervisor_ids: Iterable[int | None]
) -> tuple[dict[int, str], dict[int, str]]:
    """``names_of`` in the caller's unit of work."""
    places = {i: uow.workplaces.find(i) for i in set(workplace_ids) if i is not None}
    people = {i: uow.supervisors.find(i) for i in set(supervisor_ids) if i is not None}
    return (
        {i: w.name for i, w in places.items() if w is not None},
        {i: s.name for i, s in people.items() if s is not None},
    )


def _known(record_id: int | None) -> int:
    assert record_id is not None
    return record_id
