"""Programme targets: how many placements each programme should start in a year.

A coordinator sets them (``kivo target set``); the ``targets`` report sets the year's
results beside them.
"""

from __future__ import annotations

from pathway.context import Kivo
from states.calendar_bounds import MAX_COUNT
from states.errors import InvalidInput, quoted
from states.programmes import default_catalogue
from states.reports import Target, check_year


def set_target(kivo: Kivo, programme: str, year: int, count: int) -> Target:
    """Set (or replace) ``programme``'s target for ``year``; the programme must be in the
    catalogue and the count a whole number of placements, from 0 to a million."""
    code = default_catalogue().get(programme).code
    check_year(year)
    if not 0 <= count <= MAX_COUNT:
        shown = quoted(str(count))
        raise InvalidInput(
            f"a target is from 0 to {MAX_COUNT:,} placements, not {shown}", field="count"
        )
    with kivo.uow() as uow:
        target = uow.targets.set(code, year, count, kivo.now())
        uow.commit()
    return target


def list_targets(kivo: Kivo) -> list[Target]:
    """Every target set, by year and programme."""
    with kivo.uow(read_only=True) as uow:
        return uow.targets.all()
