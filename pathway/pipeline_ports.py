"""The storage port of the move pipeline (``pathway.pipeline``): the case-level reads and
writes it makes set-based, straight to the driver (``persistence.pipeline_store``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from states.access import AccessEntry
from states.records import (
    Case,
    CaseEvent,
    Caseworker,
    Followup,
    Person,
    Placement,
    Reminder,
    Supervisor,
    Workplace,
)

Loaded = tuple[Case, Person, bool, bool]
"""A case with its participant, whether it has open follow-ups and open placements."""


class PipelineStore(Protocol):
    def load(self, case_ids: Sequence[int]) -> dict[int, Loaded]:
        """The cases that exist of ``case_ids``, each with its participant (one query),
        the versions read (for ``save_cases``)."""
        ...

    def caseworker(self, caseworker_id: int) -> Caseworker | None: ...

    def caseworker_names(self, caseworker_ids: Sequence[int]) -> dict[int, str]:
        """The names of those of ``caseworker_ids`` that exist, by id."""
        ...

    def protected_names(self, case_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """``{case_id: (initials, name)}`` of those of ``case_ids`` whose person's
        identity is protected."""
        ...

    def histories(self, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
        """The histories of cases, each in order; a case without events is left out."""
        ...

    def held_moments(self, case_ids: Sequence[int]) -> dict[int, list[datetime]]:
        """When each case's meetings recorded as held took place; a case with none is
        left out."""
        ...

    def save_cases(self, cases: Sequence[Case]) -> None:
        """Moved cases, read by ``load``: one versioned ``UPDATE … WHERE id = ? AND
        version = ?`` each; any changed since it was read is a conflict."""
        ...

    def supervisor(self, supervisor_id: int) -> Supervisor | None:
        """The supervisor, its row locked (PostgreSQL) so that two moves checking one
        supervisor's capacity queue instead of both finding room."""
        ...

    def supervisor_load(self, supervisor_id: int, excluding_case: int) -> int:
        """Open placements with the supervisor, other than ``excluding_case``'s."""
        ...

    def workplace(self, workplace_id: int) -> Workplace | None: ...

    def open_items(self, case_ids: Sequence[int]) -> dict[int, list[Followup]]:
        """The pending and suspended follow-ups of cases, each case's earliest first."""
        ...

    def save_items(self, items: Sequence[Followup]) -> None:
        """What a move changes of open follow-ups: status, due day, suspension, reason."""
        ...

    def drop_reminders(self, followup_ids: Sequence[int]) -> None:
        """The pending reminders of these follow-ups go unsent."""
        ...

    def employers(self, workplace_ids: Sequence[int]) -> dict[int, str | None]:
        """The employer of each workplace as written (``None`` when unknown), by id."""
        ...

    def placements_of_people(self, person_ids: Sequence[int]) -> dict[int, list[Placement]]:
        """Every placement of each participant, in all their cases, earliest first."""
        ...

    def open_placement_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        """The open placements of cases (those a leaving move ends), by case."""
        ...

    def booked_meeting_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        """The meetings still booked of cases (those an exit cancels), by case."""
        ...

    def accepted_proposal_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        """The accepted proposals of cases (a place a leaving move gives back), by case:
        the move's cheap look before the proposals' repository is opened."""
        ...

    def record_access(self, entries: Sequence[AccessEntry]) -> None:
        """Append access-log rows in the caller's transaction (on the driver: a move
        logs its case without building an ORM session)."""
        ...

    def add_placements(self, placements: Sequence[Placement]) -> None:
        """Insert placements; each learns its id."""
        ...

    def add_followups(self, items: Sequence[Followup]) -> None:
        """Insert follow-ups; each learns its id."""
        ...

    def add_reminders(self, reminders: Sequence[Reminder]) -> None:
        """Queue reminders of follow-ups added in this transaction (none queued yet)."""
        ...

    def close_placements(self, closing: Sequence[tuple[int, date, str]]) -> None:
        """End the open placements of cases: (case id, day, reason) each."""
        ...

    def cancel_booked_meetings(self, cancelling: Sequence[tuple[int, str]]) -> None:
        """Cancel the meetings still booked of cases, the reason added to their notes:
        (case id, reason) each."""
        ...

    def append_events(self, events: Sequence[CaseEvent]) -> None:
        """Append events, each numbered after its case's last as stored now (several of
        one case keep their order)."""
        ...
