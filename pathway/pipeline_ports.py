"""The storage port of the move pipeline (``pathway.pipeline``): the case-level reads and
writes it makes set-based, straight to the driver (``persistence.pipeline_store``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from states.records import Case, CaseEvent, Caseworker, Person

Loaded = tuple[Case, Person, bool, bool]
"""A case with its participant, whether it has open follow-ups and open placements."""


class PipelineStore(Protocol):
    def load(self, case_ids: Sequence[int]) -> dict[int, Loaded]:
        """The cases that exist of ``case_ids``, each with its participant (one query),
        the versions read (for ``cases.save_many``)."""
        ...

    def caseworker(self, caseworker_id: int) -> Caseworker | None: ...

    def employers(self) -> dict[int, str | None]:
        """Every workplace's employer as written (``None`` when unknown), by id."""
        ...

    def close_placements(self, closing: Sequence[tuple[int, date, str]]) -> None:
        """End the open placements of cases: (case id, day, reason) each."""
        ...

    def cancel_booked_meetings(self, cancelling: Sequence[tuple[int, str]]) -> None:
        """Cancel the meetings still booked of cases, the reason added to their notes:
        (case id, reason) each."""
        ...

    def append_events(self, events: Sequence[CaseEvent]) -> None:
        """Append one event per case (distinct cases), each numbered after its case's
        last as stored now."""
        ...
