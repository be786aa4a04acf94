"""Storage ports for one capability; ``pathway.ports.UnitOfWork`` exposes them."""

from __future__ import annotations

from typing import Protocol


class ReportQueries(Protocol):
    """The reports' read side, aggregated in SQL (``persistence.report_queries``)."""


class TargetRepository(Protocol):
    """Programme targets per year (``persistence.targets``)."""
