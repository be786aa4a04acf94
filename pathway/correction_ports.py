"""The storage port of corrections (``pathway.corrections``): the follow-ups, meetings and
placements a corrected move wrote, read and put back by id
(``persistence.corrections``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from states.records import Followup, Meeting


class CorrectionStore(Protocol):
    def items(self, ids: Sequence[int]) -> list[Followup]:
        """The follow-ups with these ids, as they are now."""
        ...

    def meetings(self, ids: Sequence[int], *, of_items: Sequence[int] = ()) -> list[Meeting]:
        """Meetings by id, and those booked for any of the follow-ups ``of_items``."""
        ...

    def set_meetings(self, changed: Sequence[Meeting]) -> None:
        """Write each meeting's status and notes."""
        ...

    def reopen_placements(self, ids: Sequence[int]) -> int:
        """Placements open again (no end, no end reason); how many were ended."""
        ...

    def remove_placement(self, placement_id: int) -> bool:
        """Remove a placement that never was; its follow-ups no longer point at it."""
        ...
