"""Repositories: they add and get domain records; they never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Table, bindparam, func, insert
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, SQLModel, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from persistence.mapping import (
    copy_onto,
    field_names,
    record_values,
    to_record,
    to_row,
)
from persistence.mapping import in_slices as in_slices  # where other modules look for it
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


def insert_many(session: Session, table: Table, values: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert rows with one statement (``INSERT … VALUES (…), (…) RETURNING id``), their
    ids in the order of ``values``.

    PostgreSQL: SQLAlchemy orders the returned ids by parameter (one statement with a
    sentinel). SQLite cannot order ``RETURNING`` in one statement, but a writer holds the
    database's write lock (``BEGIN IMMEDIATE``) and each row's id is the next after the
    highest, so the ids of one multi-row insert ascend in the order of its rows.
    """
    if not values:
        return []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        result = connection.execute(insert(table).returning(table.c.id), list(values))
        return sorted(int(row[0]) for row in result)
    ordered = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(row[0]) for row in connection.execute(ordered, list(values))]


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
            raise NotFound.with_id(self.noun, record_id)
        return to_record(row, self.record)

    def find(self, record_id: int) -> R | None:
        row = self._row(record_id)
        return None if row is None else to_record(row, self.record)

    def save(self, record: R) -> None:
        row = self._row(record.id)  # type: ignore[attr-defined]
        if row is None:
            raise NotFound.with_id(self.noun, record.id)  # type: ignore[attr-defined]
        copy_onto(row, record)
        for key, value in self._extra(record).items():
            setattr(row, key, value)
        self.session.flush()

    def save_many(self, records: Sequence[R]) -> None:
        """Save several records with one flush (the ORM sends rows that changed the same
        columns as one executemany)."""
        for record in records:
            row = self._row(record.id)  # type: ignore[attr-defined]
            if row is None:
                raise NotFound.with_id(self.noun, record.id)  # type: ignore[attr-defined]
            copy_onto(row, record)
            for key, value in self._extra(record).items():
                setattr(row, key, value)
        if records:
            self.session.flush()

    def all(self) -> list[R]:
        rows = self.session.exec(select(self.row).order_by(self.row.id)).all()  # type: ignore[attr-defined]
        return [to_record(row, self.record) for row in rows]

    def _add_many(self, records: Sequence[R]) -> list[int]:
        """Insert records with one Core statement (no ORM objects); each learns its id."""
        values = []
        for record in records:
            value = record_values(record)
            value.pop("id", None)
            value.update(self._extra(record))
            values.append(value)
        ids = insert_many(self.session, self.row.__table__, values)  # type: ignore[attr-defined]
        for record, ident in zip(records, ids, strict=True):
            record.id = ident  # type: ignore[attr-defined]
        return ids

    def _extra(self, record: R) -> dict[str, object]:
        return {}


class PersonRepository(_Repository[Person, PersonRow]):
    record, row, noun = Person, PersonRow, "person"

    def add(self, record: Person) -> Person:
        """Insert the person and index their name's words (``persistence.person_words``)."""
        from persistence.person_words import write_words

        super().add(record)
        assert record.id is not None
        write_words(self.session.connection(), [(record.id, record.name)])
        return record

    def save(self, record: Person) -> None:
        """Save the person; a changed name is indexed again."""
        from persistence.person_words import rewrite_words

        row = self._row(record.id)
        renamed = row is not None and row.name != record.name
        super().save(record)
        if renamed and record.id is not None:
            rewrite_words(self.session.connection(), record.id, record.name)

    def by_personnummer(self, digits: str, *, lock: bool = False) -> Person | None:
        """With ``lock``, concurrent enrolments of one person queue here (PostgreSQL)."""
        query = select(PersonRow).where(PersonRow.personnummer == digits)
        row = self.session.exec(query.with_for_update() if lock else query).first()
        return None if row is None else to_record(row, Person)


class CaseworkerRepository(_Repository[Caseworker, CaseworkerRow]):
    record, row, noun = Caseworker, CaseworkerRow, "caseworker"

    def __init__(self, session: Session, *, read_only: bool = False) -> None:
        super().__init__(session)
        self._read_only = read_only
        self._columns: dict[int, dict[str, Any]] = {}  # read-only: the rows read so far

    def read(self, caseworker_id: int) -> Caseworker | None:
        """The caseworker, read as one row of columns (no ORM object, no identity map):
        who acts is looked up on every request and every use case. A read-only
        transaction reads a row once (a page's use cases each check the same reader);
        each read still gets a record of its own."""
        values = self._columns.get(caseworker_id)
        if values is None:
            found = self.session.execute(_CASEWORKER, {"id": caseworker_id}).first()
            if found is None:
                return None
            values = dict(zip(_CASEWORKERS.columns.keys(), found, strict=True))
            if self._read_only:
                self._columns[caseworker_id] = values
        return Caseworker(**{k: values[k] for k in ("id", "name", "email", "role", "active")})


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere (its ``%``, ``_`` and ``\\`` taken
    literally); both sides are lowered by the database, so that its own idea of case holds."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _named(row: Any, text: str) -> Any:
    """Active rows whose id is ``text`` or whose name contains it (any case)."""
    found: Any = func.lower(row.name).like(func.lower(_like(text)), escape="\\")
    if text.isascii() and text.isdigit() and len(text) <= 9:
        found = or_(found, row.id == int(text))
    return (col(row.active), found)


_CASEWORKERS = CaseworkerRow.__table__  # type: ignore[attr-defined]
_CASEWORKER = core_select(_CASEWORKERS).where(_CASEWORKERS.c.id == bindparam("id"))


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

    def named(self, text: str, *, limit: int) -> list[Workplace]:
        """At most ``limit`` active workplaces numbered ``text`` or whose name contains it
        (any case), by name: one indexed-by-id or scanning statement, whatever the
        directory's size."""
        query = select(WorkplaceRow).where(*_named(WorkplaceRow, text))
        query = query.order_by(col(WorkplaceRow.name), col(WorkplaceRow.id)).limit(limit)
        return [to_record(row, Workplace) for row in self.session.exec(query).all()]


class SupervisorRepository(_Repository[Supervisor, SupervisorRow]):
    record, row, noun = Supervisor, SupervisorRow, "supervisor"

    def locked(self, record_id: int) -> Supervisor:
        """The supervisor, its row locked (PostgreSQL) so that two moves checking one
        supervisor's capacity queue instead of both finding room."""
        query = select(SupervisorRow).where(SupervisorRow.id == record_id).with_for_update()
        row = self.session.exec(query).first()
        if row is None:
            raise NotFound.with_id("supervisor", record_id)
        self._loaded[record_id] = row
        return to_record(row, Supervisor)

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

    def named(self, text: str, *, workplace_id: int | None, limit: int) -> list[Supervisor]:
        """At most ``limit`` active supervisors numbered ``text`` or whose name contains
        it (any case; ``""``: every one), at ``workplace_id`` when given, by name."""
        query = select(SupervisorRow).where(*_named(SupervisorRow, text))
        if workplace_id is not None:
            query = query.where(SupervisorRow.workplace_id == workplace_id)
        query = query.order_by(col(SupervisorRow.name), col(SupervisorRow.id)).limit(limit)
        return [to_record(row, Supervisor) for row in self.session.exec(query).all()]


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
            raise NotFound.with_id("case", record.id)
        copy_onto(row, record)
        row.step = record.step.number if record.step else None
        self.session.flush()
        record.version = row.version

    def locked(self, case_id: int) -> Case:
        """The case, its row locked (PostgreSQL; SQLite's writer already holds the write
        lock) so its version cannot move between the caller's check and its write."""
        query = select(CaseRow).where(CaseRow.id == case_id).with_for_update()
        row = self.session.exec(query).first()
        if row is None:
            raise NotFound.with_id("case", case_id)
        self._loaded[case_id] = row
        return to_record(row, Case)

    def touch(self, record: Case) -> None:
        """A change to the case that alters none of its columns (an extension, a
        placement's end, a supervisor change) still moves its version on: the versioned
        UPDATE runs, so a concurrent change of the same case conflicts."""
        row = self._row(record.id)
        if row is None:
            raise NotFound.with_id("case", record.id)
        flag_modified(row, "last_move_on")
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
        self._add_many([event])
        return event

    def for_case(self, case_id: int) -> list[CaseEvent]:
        query = select(CaseEventRow).where(CaseEventRow.case_id == case_id)
        rows = self.session.exec(query.order_by(col(CaseEventRow.seq))).all()
        return [to_record(row, CaseEvent) for row in rows]

    def for_cases(self, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
        """The histories of several cases, read set-based, each in order (a case without
        events is left out): the move pipeline's own read, on the session's connection."""
        from persistence.pipeline_store import PipelineStore

        return PipelineStore(self.session.connection()).histories(case_ids)

    def last_on(self, case_ids: Sequence[int], *, moves_only: bool) -> dict[int, date]:
        """Each case's latest event day (``moves_only``: of the events that changed its
        state), one aggregate per slice of ids; a case without such events is left out."""
        found: dict[int, date] = {}
        statement = _LAST_MOVE if moves_only else _LAST_EVENT
        for ids in in_slices(case_ids):
            for case_id, on in self.session.execute(statement, {"ids": ids}):
                found[case_id] = on if isinstance(on, date) else date.fromisoformat(str(on))
        return found


def _last_on(moves_only: bool) -> Any:
    """Each case's latest event day, built once (an expanding ``IN``: a page's ids)."""
    event = CaseEventRow.__table__.c  # type: ignore[attr-defined]
    query = core_select(event.case_id, func.max(event.on)).where(
        event.case_id.in_(bindparam("ids", expanding=True))
    )
    if moves_only:
        query = query.where(event.to_state.is_not(None))
    return query.group_by(event.case_id)


_LAST_MOVE, _LAST_EVENT = _last_on(True), _last_on(False)


class PlacementRepository(_Repository[Placement, PlacementRow]):
    record, row, noun = Placement, PlacementRow, "placement"

    def open_for_case(self, case_id: int) -> Sequence[Placement]:
        query = select(PlacementRow).where(
            PlacementRow.case_id == case_id, col(PlacementRow.ended_on).is_(None)
        )
        return [to_record(row, Placement) for row in self.session.exec(query).all()]


CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
EVENT: Table = CaseEventRow.__table__  # type: ignore[attr-defined]
_EVENT_READ = (
    'case_id, kind, "on", recorded_at, from_state, to_state, actor_id, reason, warnings, '
    "overrides, data, seq, id"
)  # in the order of CaseEvent's fields
_CASE_READ = (
    "person_id, opened_on, state, paused_from, caseworker_id, closed_on, outcome, "
    "consent_on, last_move_on, version, id"
)  # in the order of Case's fields
_PERSON_READ = (  # Person's order
    "name, personnummer, gender, birth_year, groups, permit_date, characteristics, id"
)


def _columns(listed: str) -> tuple[str, ...]:
    return tuple(name.strip().strip('"') for name in listed.split(","))


for _listed, _kind in ((_EVENT_READ, CaseEvent), (_CASE_READ, Case), (_PERSON_READ, Person)):
    if _columns(_listed) != field_names(_kind):  # records are built from these rows by position
        raise TypeError(f"{_kind.__name__}'s fields are not the columns read: {_listed}")


def _in_list(connection: Connection, head: str, count: int, tail: str = "") -> str:
    """``head`` followed by ``(?, ?, …)`` for ``count`` values in the driver's style."""
    marker = "?" if connection.dialect.name == "sqlite" else "%s"
    return f"{head}({', '.join([marker] * count)}){tail}"
