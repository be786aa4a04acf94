"""Placements: the case's own, and the filtered list, each filtered and ordered in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import col, or_, select

from persistence.mapping import to_record
from persistence.repositories import PlacementRepository as _Placements
from persistence.repositories import in_slices
from persistence.tables import CaseRow, CaseworkerRow, PersonRow, PlacementRow
from states.protection import shown_name
from states.records import OpenPlacement, Placement


class PlacementRepository(_Placements):
    def add_many(self, records: Sequence[Placement]) -> list[int]:
        """Insert placements with one statement; each learns its id (returned in order)."""
        return self._add_many(records)

    def for_cases(self, case_ids: Sequence[int]) -> dict[int, list[Placement]]:
        """Every placement of several cases, read set-based, each case's earliest first
        (a case without placements is left out); they can be saved (``save_many``)."""
        found: dict[int, list[Placement]] = {}
        for part in in_slices(case_ids):
            query = (
                select(PlacementRow)
                .where(col(PlacementRow.case_id).in_(part))
                .order_by(col(PlacementRow.case_id), col(PlacementRow.start), col(PlacementRow.id))
            )
            for row in self.session.exec(query).all():
                assert row.id is not None
                self._loaded.setdefault(row.id, row)
                found.setdefault(row.case_id, []).append(to_record(row, Placement))
        return found

    def for_case(self, case_id: int) -> list[Placement]:
        """Every placement of a case, earliest first."""
        query = (
            select(PlacementRow)
            .where(PlacementRow.case_id == case_id)
            .order_by(col(PlacementRow.start), col(PlacementRow.id))
        )
        return [to_record(row, Placement) for row in self.session.exec(query).all()]

    def listing(
        self,
        *,
        workplace_id: int | None = None,
        programme: str | None = None,
        active_on: date | None = None,
        ending_before: date | None = None,
    ) -> list[Placement]:
        """Placements by workplace and programme; ``active_on`` a day within them (started,
        not yet ended); ``ending_before`` open ones whose planned end comes before a day."""
        query = select(PlacementRow)
        if workplace_id is not None:
            query = query.where(PlacementRow.workplace_id == workplace_id)
        if programme is not None:
            query = query.where(PlacementRow.programme == programme)
        if active_on is not None:
            query = query.where(
                col(PlacementRow.start) <= active_on,
                or_(col(PlacementRow.ended_on).is_(None), col(PlacementRow.ended_on) > active_on),
            )
        if ending_before is not None:
            query = query.where(
                col(PlacementRow.ended_on).is_(None),
                col(PlacementRow.planned_end).is_not(None),
                col(PlacementRow.planned_end) < ending_before,
            )
        query = query.order_by(col(PlacementRow.start), col(PlacementRow.id))
        return [to_record(row, Placement) for row in self.session.exec(query).all()]

    def open_with(
        self,
        *,
        supervisor_id: int | None = None,
        workplace_id: int | None = None,
        case_id: int | None = None,
    ) -> list[OpenPlacement]:
        """Open placements with a supervisor, at a workplace or of a case, with the
        participant and the responsible caseworker, earliest first."""
        query = (
            select(PlacementRow, PersonRow, CaseRow, CaseworkerRow)
            .join(CaseRow, col(CaseRow.id) == PlacementRow.case_id)
            .join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
            .outerjoin(CaseworkerRow, col(CaseworkerRow.id) == CaseRow.caseworker_id)
            .where(col(PlacementRow.ended_on).is_(None))
        )
        if supervisor_id is not None:
            query = query.where(PlacementRow.supervisor_id == supervisor_id)
        if workplace_id is not None:
            query = query.where(PlacementRow.workplace_id == workplace_id)
        if case_id is not None:
            query = query.where(PlacementRow.case_id == case_id)
        query = query.order_by(col(PlacementRow.start), col(PlacementRow.id))
        found = []
        for placement, person, case, worker in self.session.exec(query).all():
            assert placement.id is not None
            found.append(
                OpenPlacement(
                    placement_id=placement.id,
                    case_id=placement.case_id,
                    step=placement.step,
                    participant=shown_name(person.name, person.protected_initials),
                    personnummer=person.personnummer,
                    caseworker_id=case.caseworker_id,
                    caseworker=worker.name if worker is not None else None,
                    workplace_id=placement.workplace_id,
                    supervisor_id=placement.supervisor_id,
                    programme=placement.programme,
                    start=placement.start,
                    planned_end=placement.planned_end,
                )
            )
        return found
