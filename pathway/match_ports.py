"""What profiles and matching need from storage (``persistence.matching``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from states.matching import CaseCandidate, PlaceCandidate, PlaceSettings
from states.profiles import Profile


class ProfileRepository(Protocol):
    def get(self, person_id: int) -> Profile | None: ...
    def save(self, profile: Profile) -> None:
        """Insert or replace the profile, with the capabilities it meets."""
        ...


class MatchQueries(Protocol):
    def settings(self, place_ids: Sequence[int]) -> dict[int, PlaceSettings]:
        """Each place's workplace activity, supervisor and the supervisor's load."""
        ...

    def cases_for_place(
        self,
        *,
        states: Sequence[str],
        requirements: Sequence[str],
        areas: Sequence[str],
        municipality: str | None,
        hours: int | None,
        consent_by: date | None,
        today: date,
        limit: int,
        offset: int = 0,
        caseworker_id: int | None = None,
    ) -> list[CaseCandidate]:
        """The cases the pre-filter keeps for a place, best first (``caseworker_id``:
        only that caseworker's)."""
        ...

    def places_for_case(
        self,
        *,
        after_step: int,
        capabilities: Sequence[str],
        interests: Sequence[str],
        municipality: str | None,
        max_hours: int | None,
        today: date,
        limit: int,
        offset: int = 0,
    ) -> list[PlaceCandidate]:
        """The open places the pre-filter keeps for a case, best first."""
        ...
