"""What every use case is given: a way to open a unit of work, the clock and the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from pathway.clock import Clock, today

if TYPE_CHECKING:  # types only: a command imports the ports it uses, not all of them
    from pathway.ports import UnitOfWorkFactory
    from states.programmes import Catalogue
    from states.ruleset import RuleSet


@dataclass(frozen=True)
class Kivo:
    uow: UnitOfWorkFactory
    clock: Clock
    rules: RuleSet
    database: str
    close: Callable[[], None]

    @property
    def catalogue(self) -> Catalogue:
        """The programmes catalogue in effect: the rule set carries it."""
        return self.rules.catalogue

    def today(self) -> date:
        return today(self.clock)

    def now(self) -> datetime:
        return self.clock.now()
