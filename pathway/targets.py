"""Programme targets: how many placements each programme should start in a year.

A coordinator sets them (``kivo target set``); the ``targets`` report sets the year's
results beside them.
"""

from __future__ import annotations

from pathway import actors
from pathway.context import Kivo
from states.calendar_bounds import MAX_COUNT
from states.errors import InvalidInput, quoted
from states.programmes import Programme
from states.reports import Target, check_year


def set_target(
    kivo: Kivo, programme: str, year: int, count: int, *, by: int | None = None
) -> Target:
    """Set (or replace) ``programme``'s target for ``year``; the programme must be in the
    catalogue and open on some day of the year (a target for a year it takes no decisions
    in could never be met), and the count a whole number of placements, from 0 to a million."""
    found = kivo.catalogue.get(programme)
    check_year(year)
    if not found.open_in(year):
        raise InvalidInput(
            f"programme {found.code} takes no decisions in {year} "
            f"({validity(found)}): a target for it could never be met",
            field="year",
        )
    if not 0 <= count <= MAX_COUNT:
        shown = quoted(str(count))
        raise InvalidInput(
            f"a target is from 0 to {MAX_COUNT:,} placements, not {shown}", field="count"
        )
    with kivo.uow() as uow:
        actors.require_coordinator(actors.actor_of(uow, by), "set targets")
        target = uow.targets.set(found.code, year, count, kivo.now())
        uow.commit()
    return target


def validity(programme: Programme) -> str:
    """Its validity in words: "decisions from 2014-01-15 until 2024-01-01"."""
    start = programme.valid_from.isoformat() if programme.valid_from else "the start"
    end = programme.valid_until.isoformat() if programme.valid_until else "further notice"
    return f"decisions from {start} until {end}"


def list_targets(kivo: Kivo) -> list[Target]:
    """Every target set, by year and programme."""
    with kivo.uow(read_only=True) as uow:
        return uow.targets.all()
