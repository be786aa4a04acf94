"""Places, their append-only events, and the employer contact log (``states.places``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from persistence.mapping import copy_onto, to_record, to_row
from persistence.place_tables import EmployerContactRow, PlaceEventRow, PlaceRow
from persistence.profile_tables import PlaceRequirementRow
from persistence.repositories import _Repository
from states.errors import NotFound
from states.places import EmployerContact, Place, PlaceEvent
from states.profiles import area_mask, fold


class PlaceRepository(_Repository[Place, PlaceRow]):
    """Places carry a version: a stale save (someone took a position first) conflicts."""

    record, row, noun = Place, PlaceRow, "place"

    def add(self, record: Place) -> Place:
        """Insert a place with what matching reads set-based: its requirements one row
        each, its areas as bits, its last step."""
        row = to_row(
            record,
            PlaceRow,
            area_mask=area_mask(record.areas),
            top_step=max(record.steps, default=9),
            municipality_key=fold(record.municipality) if record.municipality else None,
        )
        row.version = 1
        self.session.add(row)
        self.session.flush()
        record.id, record.version = row.id, row.version
        for requirement in sorted(set(record.requirements)):
            self.session.add(PlaceRequirementRow(place_id=_id(row.id), requirement=requirement))
        if record.requirements:
            self.session.flush()
        return record

    def locked(self, place_id: int) -> Place:
        """The place, its row locked (PostgreSQL; SQLite's writer holds the write lock
        already), so two writers taking its last position queue instead of both finding
        it free."""
        query = select(PlaceRow).where(PlaceRow.id == place_id).with_for_update()
        row = self.session.exec(query).first()
        if row is None:
            raise NotFound.with_id("place", place_id)
        self._loaded[place_id] = row
        return to_record(row, Place)

    def save(self, record: Place) -> None:
        row = self._row(record.id)
        if row is None:
            raise NotFound.with_id("place", record.id)
        copy_onto(row, record)
        self.session.flush()
        record.version = row.version

    def listing(
        self,
        *,
        status: str | None = None,
        workplace_id: int | None = None,
        step: int | None = None,
        limit: int | None = None,
    ) -> list[Place]:
        """Places, oldest first. The step is filtered here, not in SQL: the steps are a
        JSON list, and a municipality's places number hundreds, not millions."""
        query = select(PlaceRow).order_by(col(PlaceRow.id))
        if status is not None:
            query = query.where(PlaceRow.status == status)
        if workplace_id is not None:
            query = query.where(PlaceRow.workplace_id == workplace_id)
        found = [to_record(row, Place) for row in self.session.exec(query).all()]
        if step is not None:
            found = [place for place in found if step in place.steps]
        return found if limit is None else found[:limit]

    def append_event(self, event: PlaceEvent) -> PlaceEvent:
        """Append an event numbered after the place's last one."""
        last = self.session.exec(
            select(func.max(PlaceEventRow.seq)).where(PlaceEventRow.place_id == event.place_id)
        ).one()
        event.seq = int(last or 0) + 1
        row = to_row(event, PlaceEventRow)
        self.session.add(row)
        self.session.flush()
        event.id = row.id
        return event

    def events(self, place_id: int) -> list[PlaceEvent]:
        query = (
            select(PlaceEventRow)
            .where(PlaceEventRow.place_id == place_id)
            .order_by(col(PlaceEventRow.seq))
        )
        return [to_record(row, PlaceEvent) for row in self.session.exec(query).all()]

    def events_of(self, place_ids: Sequence[int]) -> dict[int, list[PlaceEvent]]:
        """Several places' histories, each in order (none: left out)."""
        found: dict[int, list[PlaceEvent]] = {}
        if not place_ids:
            return found
        query = (
            select(PlaceEventRow)
            .where(col(PlaceEventRow.place_id).in_(list(place_ids)))
            .order_by(col(PlaceEventRow.place_id), col(PlaceEventRow.seq))
        )
        for row in self.session.exec(query).all():
            found.setdefault(row.place_id, []).append(to_record(row, PlaceEvent))
        return found


class EmployerContactRepository(_Repository[EmployerContact, EmployerContactRow]):
    record, row, noun = EmployerContact, EmployerContactRow, "employer contact"

    def for_workplace(self, workplace_id: int) -> list[EmployerContact]:
        """The workplace's contacts, newest first (then the last recorded first)."""
        query = (
            select(EmployerContactRow)
            .where(EmployerContactRow.workplace_id == workplace_id)
            .order_by(col(EmployerContactRow.on).desc(), col(EmployerContactRow.id).desc())
        )
        return [to_record(row, EmployerContact) for row in self.session.exec(query).all()]

    def latest_per_workplace(self) -> list[EmployerContact]:
        """Each workplace's latest contact (the last recorded of its latest day)."""
        latest: dict[int, EmployerContactRow] = {}
        query = select(EmployerContactRow).order_by(
            col(EmployerContactRow.on), col(EmployerContactRow.id)
        )
        for row in self.session.exec(query).all():
            latest[row.workplace_id] = row
        return [to_record(row, EmployerContact) for _, row in sorted(latest.items())]

    def days_by_workplace(self) -> dict[int, list[date]]:
        """Every workplace's contact days, earliest first (none: left out)."""
        query = select(col(EmployerContactRow.workplace_id), col(EmployerContactRow.on)).order_by(
            col(EmployerContactRow.workplace_id), col(EmployerContactRow.on)
        )
        found: dict[int, list[date]] = {}
        for workplace_id, day in self.session.exec(query).all():
            found.setdefault(workplace_id, []).append(day)
        return found


def _id(value: int | None) -> int:
    assert value is not None
    return value
