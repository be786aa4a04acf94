"""What every use case is given: a way to open a unit of work, the clock and the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property
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
    # The fingerprint of the organisation's configured rule set (``None``: the rule set
    # in force is the configured one). A move judged under another writes only for a
    # coordinator (``pathway.actors.require_configured_rules``).
    configured_rules: str | None = None
    # Where the actions come from, for the access log: the web's client address, ``cli``.
    address: str | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The programmes catalogue in effect: the rule set carries it."""
        return self.rules.catalogue

    @cached_property
    def fingerprint(self) -> str:
        """The rule set's fingerprint (``states.ruleset.fingerprint``), which every event
        it judged records."""
        from states.ruleset import fingerprint

        return fingerprint(self.rules)

    @property
    def loosened(self) -> bool:
        """Whether the rule set in force is not the organisation's configured one."""
        return self.configured_rules is not None and self.configured_rules != self.fingerprint

    def acting_from(self, address: str) -> Kivo:
        """This kivo, its actions logged as coming from ``address`` (a web request's
        client). It shares this kivo's fingerprint, computed once: hashing the rule set
        again for every request cost a case page about a millisecond."""
        moved = replace(self, address=address)
        moved.__dict__["fingerprint"] = self.fingerprint
        return moved

    def today(self) -> date:
        return today(self.clock)

    def now(self) -> datetime:
        return self.clock.now()
