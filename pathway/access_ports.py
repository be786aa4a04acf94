"""Storage port of the access log; ``pathway.ports.UnitOfWork`` exposes it as ``access``
(implemented by ``persistence.access_log``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from states.access import AccessEntry


class AccessLog(Protocol):
    def owners(self, case_ids: Sequence[int]) -> dict[int, int | None]:
        """``{case_id: caseworker_id}`` of the cases that exist among ``case_ids``: one
        statement."""
        ...

    def page(
        self,
        *,
        case_id: int | None,
        caseworker_id: int | None,
        start: datetime | None,
        end: datetime | None,
        after: int | None,
        offset: int,
        size: int,
    ) -> list[AccessEntry]:
        """At most ``size`` rows matching the filters (``start`` inclusive, ``end``
        exclusive), by id, after the row ``after``, skipping ``offset`` first."""
        ...
