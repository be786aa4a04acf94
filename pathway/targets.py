"""Programme targets: how many placements each programme should start in a year.

A coordinator sets them (``kivo target set``); the ``targets`` report sets the year's
results beside them.
"""

from __future__ import annotations

from pathway import actors
from pathway.context import Kivo
from states.calendar_bounds import MAX_COUNT
from states.errors import InvalidInput, quoted
from states.messages import N_, Message
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
        closed = N_(
            "programme {code} takes no decisions in {year} ({validity}): a target for it could "
            "never be met"
        )
        said = {"code": found.code, "year": year, "validity": validity_said(found)}
        raise InvalidInput(Message(closed, said), field="year")
    if not 0 <= count <= MAX_COUNT:
        said = {"max": f"{MAX_COUNT:,}", "count": quoted(str(count))}
        out = N_("a target is from 0 to {max} placements, not {count}")
        raise InvalidInput(Message(out, said), field="count")
    with kivo.uow() as uow:
        actors.require_coordinator(actors.actor_of(uow, by), "set targets")
        target = uow.targets.set(found.code, year, count, kivo.now())
        uow.commit()
    return target


def validity(programme: Programme) -> str:
    """Its validity in words: "decisions from 2014-01-15 until 2024-01-01"."""
    return validity_said(programme).english()


def validity_said(programme: Programme) -> Message:
    """Its validity as a catalogue sentence, for the reader's language."""
    start = programme.valid_from.isoformat() if programme.valid_from else Message(N_("the start"))
    if programme.valid_until is None:
        return Message(N_("decisions from {start} until further notice"), {"start": start})
    end = programme.valid_until.isoformat()
    return Message(N_("decisions from {start} until {end}"), {"start": start, "end": end})


def list_targets(kivo: Kivo) -> list[Target]:
    """Every target set, by year and programme."""
    with kivo.uow(read_only=True) as uow:
        return uow.targets.all()
