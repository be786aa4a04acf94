"""Storage ports for one capability; ``pathway.ports.UnitOfWork`` exposes them."""

from __future__ import annotations

from typing import Protocol


class HealthQueries(Protocol):
    """What ``kivo doctor`` checks and the scheduler heartbeats (``persistence.health``)."""
