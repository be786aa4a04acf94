"""Storage port of the register extract; ``pathway.ports.UnitOfWork`` exposes it as
``extracts`` (implemented by ``persistence.extract_queries``)."""

from __future__ import annotations

from typing import Protocol

from states.extracts import Held


class ExtractQueries(Protocol):
    def held(self, person_id: int) -> Held | None:
        """Everything held about the person (``None``: there is no such person)."""
        ...
