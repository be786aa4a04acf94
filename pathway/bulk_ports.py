"""Storage ports for one capability; ``pathway.ports.UnitOfWork`` exposes them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from states.records import Case, CaseEvent, Person


class BulkWriter(Protocol):
    """Set-based writes for imports (``persistence.bulk``): one statement per chunk."""

    def stored_personnummer(self, digits: Sequence[str]) -> dict[str, int]:
        """Those of ``digits`` already stored (this transaction's own inserts included),
        each with its person id."""
        ...

    def last_person_id(self) -> int:
        """The highest person id now stored (0 for none)."""
        ...

    def add_people(self, people: Sequence[Person]) -> list[int]:
        """Insert people; their new ids, in the order given."""
        ...

    def add_cases(self, cases: Sequence[Case]) -> list[int]:
        """Insert cases as they are (state, step, version); their ids, in order."""
        ...

    def add_events(self, events: Sequence[CaseEvent]) -> None:
        """Append history events with the ``seq`` they carry."""
        ...


class ExportQueries(Protocol):
    """Streaming reads for exports (``persistence.export_queries``): rows come from a
    server-side cursor (PostgreSQL) or in batches, never as one list."""

    def cases(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        """Cases enrolled in the period, with person and caseworker, by case id."""
        ...

    def events(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        """History events effective in the period, by case and seq."""
        ...

    def protected_cases(
        self, kind: str, first: date | None, last: date | None, limit: int = 10
    ) -> list[int]:
        """Up to ``limit`` protected persons' cases among a ``kind`` export's rows."""
        ...

    def followups(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        """Follow-ups, meetings and decisions due in the period, by due date."""
        ...

    def placements(self, first: date | None, last: date | None) -> Iterator[Mapping[str, Any]]:
        """Placements starting in the period, with workplace and supervisor names."""
        ...
