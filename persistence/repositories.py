"""Repositories: they add and get domain records; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from persistence.mapping import copy_onto, to_record, to_row
from persistence.tables import (
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    PersonRow,
    PlacementRow,
    SupervisorRow,
    WorkplaceRow,
)
from states.errors import NotFound
from states.records import (
    Case,
    CaseEvent,
    Caseworker,
    Person,
    Placement,
    Supervisor,
    SupervisorLoad,
    Workplace,
    WorkplaceLoad,
)

R = TypeVar("R")
T = TypeVar("T", bound=SQLModel)


class _Repository(Generic[R, T]):
    record: type[R]
    row: type[T]
    noun: str

    def __init__(self, session: Session) -> None:
        self.session = session
        self._loaded: dict[int, T] = {}  # the identity map holds rows weakly; we must not

    def _row(self, record_id: int | None) -> T | None:
        """The row as first loaded in this transaction, so its version is the one read."""
        if record_id is not None and record_id in self._loaded:
            return self._loaded[record_id]
        row = self.session.get(self.row, record_id)
        if row is not None and record_id is not None:
            self._loaded[record_id] = row
        return row

    def add(self, record: R) -> R:
        """Insert and flush, so the record learns its id inside the transaction."""
        row = to_row(record, self.row, **self._extra(record))
        self.session.add(row)
        self.session.flush()
        record.id = row.id  # type: ignore[attr-defined]
        return record

    def get(self, record_id: int) -> R:
        row = self._row(record_id)
        if row is None:
            raise NotFound(f"no {self.noun} with id {record_id}", what=self.noun, id=record_id)
        return to_record(row, self.record)

    def find(self, record_id: int) -> R | None:
        row = self._row(record_id)
        return None if row is None else to_record(row, self.record)

    def save(self, record: R) -> None:
        row = self._row(record.id)  # type: ignore[attr-defined]
        if row is None:
            raise NotFound(f"no {self.noun} with id {record.id}", what=self.noun)  # type: ignore[attr-defined]
        copy_onto(row, record)
        for key, value in self._extra(record).items():
            setattr(row, key, value)
        self.session.flush()

    def all(self) -> list[R]:
        rows = self.session.exec(select(self.row).order_by(self.row.id)).all()  # type: ignore[attr-defined]
        return [to_record(row, self.record) for row in rows]

    def _extra(self, record: R) -> dict[str, object]:
        return {}


class PersonRepository(_Repository[Person, PersonRow]):
    record, row, noun = Person, PersonRow, "person"

    def by_personnummer(self, digits: str, *, lock: bool = False) -> Person | None:
        """With ``lock``, concurrent enrolments of one person queue here (PostgreSQL)."""
        query = select(PersonRow).where(PersonRow.personnummer == digits)
        row = self.session.exec(query.with_for_update() if lock else query).first()
        return None if row is None else to_record(row, Person)


class CaseworkerRepository(_Repository[Caseworker, CaseworkerRow]):
    record, row, noun = Caseworker, CaseworkerRow, "caseworker"


def _open_placements() -> SelectOfScalar[int]:
    return select(func.count(col(PlacementRow.id))).where(col(PlacementRow.ended_on).is_(None))


class WorkplaceRepository(_Repository[Workplace, WorkplaceRow]):
    record, row, noun = Workplace, WorkplaceRow, "workplace"

    def loads(self) -> list[WorkplaceLoad]:
        """Every workplace with its open placements and its active supervisors' capacity,
        counted in SQL."""
        placements = (
            _open_placements()
            .where(PlacementRow.workplace_id == WorkplaceRow.id)
            .correlate(WorkplaceRow)
            .scalar_subquery()
        )
        active = (SupervisorRow.workplace_id == WorkplaceRow.id, col(SupervisorRow.active))
        supervisors = (
            select(func.count(col(SupervisorRow.id)))
            .where(*active)
            .correlate(WorkplaceRow)
            .scalar_subquery()
        )
        capacity = (
            select(func.coalesce(func.sum(SupervisorRow.capacity), 0))
            .where(*active)
            .correlate(WorkplaceRow)
            .scalar_subquery()
        )
        query = select(WorkplaceRow, placements, supervisors, capacity).order_by(
            col(WorkplaceRow.id)
        )
        return [
            WorkplaceLoad(
                id=_id(row.id),
                name=row.name,
                employer=row.employer,
                active=row.active,
                placements=int(count),
                supervisors=int(people),
                capacity=int(room),
            )
            for row, count, people, room in self.session.exec(query).all()
        ]


class SupervisorRepository(_Repository[Supervisor, SupervisorRow]):
    record, row, noun = Supervisor, SupervisorRow, "supervisor"

    def locked(self, record_id: int) -> Supervisor:
        """The supervisor, its row locked (PostgreSQL) so that two moves checking one
        supervisor's capacity queue instead of both finding room."""
        query = select(SupervisorRow).where(SupervisorRow.id == record_id).with_for_update()
        row = self.session.exec(query).first()
        if row is None:
            raise NotFound(f"no supervisor with id {record_id}", what="supervisor", id=record_id)
        self._loaded[record_id] = row
        return to_record(row, Supervisor)

    def load(self, supervisor_id: int, *, excluding_case: int | None = None) -> int:
        """Open placements with the supervisor (other than ``excluding_case``'s)."""
        query = _open_placements().where(PlacementRow.supervisor_id == supervisor_id)
        if excluding_case is not None:
            query = query.where(PlacementRow.case_id != excluding_case)
        return int(self.session.exec(query).one())

    def loads(
        self, *, workplace_id: int | None = None, untrained_on: date | None = None
    ) -> list[SupervisorLoad]:
        """Supervisors with their load, counted in SQL; ``untrained_on``: only those
        without supervisor training completed by that day."""
        load = (
            _open_placements()
            .where(PlacementRow.supervisor_id == SupervisorRow.id)
            .correlate(SupervisorRow)
            .scalar_subquery()
        )
        query = select(SupervisorRow, WorkplaceRow.name, load).join(
            WorkplaceRow, col(WorkplaceRow.id) == SupervisorRow.workplace_id
        )
        if workplace_id is not None:
            query = query.where(SupervisorRow.workplace_id == workplace_id)
        if untrained_on is not None:
            query = query.where(
                or_(
                    col(SupervisorRow.trained_on).is_(None),
                    col(SupervisorRow.trained_on) > untrained_on,
                )
            )
        query = query.order_by(col(SupervisorRow.id))
        return [
            SupervisorLoad(
                id=_id(row.id),
                name=row.name,
                workplace_id=row.workplace_id,
                workplace=workplace,
                trained_on=row.trained_on,
                capacity=row.capacity,
                active=row.active,
                load=int(count),
            )
            for row, workplace, count in self.session.exec(query).all()
        ]


def _id(value: int | None) -> int:
    assert value is not None
    return value


class CaseRepository(_Repository[Case, CaseRow]):
    """Cases carry a version; saving a stale one raises a conflict at flush."""

    record, row, noun = Case, CaseRow, "case"

    def _extra(self, record: Case) -> dict[str, object]:
        return {"step": record.step.number if record.step else None}

    def for_person(self, person_id: int) -> list[Case]:
        rows = self.session.exec(select(CaseRow).where(CaseRow.person_id == person_id)).all()
        return [to_record(row, Case) for row in rows]

    def save(self, record: Case) -> None:
        row = self._row(record.id)
        if row is None:
            raise NotFound(f"no case with id {record.id}", what="case", id=record.id)
        copy_onto(row, record)
        row.step = record.step.number if record.step else None
        self.session.flush()
        record.version = row.version


class EventRepository(_Repository[CaseEvent, CaseEventRow]):
    """The append-only history: only ``append`` and reads."""

    record, row, noun = CaseEvent, CaseEventRow, "event"

    def append(self, event: CaseEvent) -> CaseEvent:
        last = self.session.exec(
            select(func.max(CaseEventRow.seq)).where(CaseEventRow.case_id == event.case_id)
        ).one()
        event.seq = (last or 0) + 1
        return self.add(event)

    def for_case(self, case_id: int) -> list[CaseEvent]:
        query = select(CaseEventRow).where(CaseEventRow.case_id == case_id)
        rows = self.session.exec(query.order_by(col(CaseEventRow.seq))).all()
        return [to_record(row, CaseEvent) for row in rows]


class PlacementRepository(_Repository[Placement, PlacementRow]):
    record, row, noun = Placement, PlacementRow, "placement"

    def open_for_case(self, case_id: int) -> Sequence[Placement]:
        query = select(PlacementRow).where(
            PlacementRow.case_id == case_id, col(PlacementRow.ended_on).is_(None)
        )
        return [to_record(row, Placement) for row in self.session.exec(query).all()]
