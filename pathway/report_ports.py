"""Storage ports for one capability; ``pathway.ports.UnitOfWork`` exposes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from states.reports import (
    EsfRow,
    FallbackStep,
    Flow,
    LeadTime,
    OutcomeCount,
    OverdueLine,
    StepTimes,
    Target,
    TargetResult,
)


class ReportQueries(Protocol):
    """The reports' read side, aggregated in SQL (``persistence.report_queries``).

    Every period is ``first`` to ``last`` with both days included; ``caseworker_id``
    narrows to the cases that caseworker holds now.
    """

    def states_on(self, day: date, *, caseworker_id: int | None = None) -> dict[str, int]:
        """Cases per state at the end of ``day``: the current state of every case not
        changed since, the history replayed up to ``day`` for the others."""
        ...

    def replayed_states_on(self, day: date, *, caseworker_id: int | None = None) -> dict[str, int]:
        """``states_on`` by replaying every case's whole history up to ``day``: the
        reference ``states_on`` must equal (slow at scale; for the tests)."""
        ...

    def flows(
        self,
        first: date,
        last: date,
        *,
        kinds: tuple[str, ...],
        caseworker_id: int | None = None,
    ) -> list[Flow]: ...

    def exits(self, first: date, last: date, *, caseworker_id: int | None = None) -> int: ...

    def outcomes(
        self, first: date, last: date, *, by: str, caseworker_id: int | None = None
    ) -> list[OutcomeCount]: ...

    def fallback_steps(
        self, first: date, last: date, *, window_days: int, caseworker_id: int | None = None
    ) -> list[FallbackStep]: ...

    def step_times(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[StepTimes]: ...

    def lead_time(
        self, first: date, last: date, *, by: str | None = None, caseworker_id: int | None = None
    ) -> LeadTime:
        """The totals, and with ``by`` (gender, group, caseworker) the same per value."""
        ...

    def target_results(
        self, year: int, *, caseworker_id: int | None = None
    ) -> list[TargetResult]: ...

    def overdue(
        self, day: date, moment: datetime, *, caseworker_id: int | None = None
    ) -> list[OverdueLine]:
        """Pending items due before ``day``, and booked meetings before ``moment`` that
        were never recorded, per caseworker."""
        ...

    def esf(self, first: date, last: date, *, caseworker_id: int | None = None) -> list[EsfRow]: ...


class TargetRepository(Protocol):
    """Programme targets per year (``persistence.targets``)."""

    def set(self, programme: str, year: int, count: int, at: datetime) -> Target:
        """Set (or replace) the target of ``programme`` for ``year``."""
        ...

    def all(self) -> list[Target]: ...
