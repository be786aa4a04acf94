"""The move pipeline's case-level reads and writes, straight to the driver.

Every move, one case or a batch, goes through ``pathway.pipeline``; what it reads and
writes per case is here as SQL text built once per dialect and run on the DBAPI cursor
of the unit of work's transaction. Through SQLAlchemy each statement cost ten times its
own time (building, compiling, result processing): the light single move is a handful
of statements, so that overhead was most of it.

Values go in and come out as SQLAlchemy stores and reads them (``persistence.mapping``):
dates as ISO text on SQLite, moments in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from persistence.mapping import in_slices, json_value, reads_of
from states.access import AccessEntry
from states.errors import Conflict
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

if TYPE_CHECKING:  # the case page reads here too, and imports neither SQLAlchemy nor the ORM
    from sqlalchemy import Connection

OPEN = "('pending', 'suspended')"
_LOAD = (
    "SELECT c.person_id, c.opened_on, c.state, c.paused_from, c.caseworker_id, c.closed_on, "
    "c.outcome, c.consent_on, c.last_move_on, c.version, c.id, "
    # the name as every output shows it: a protected person's initials (states.protection)
    "COALESCE(p.protected_initials, p.name), p.personnummer, p.gender, p.birth_year, "
    "p.groups, p.permit_date, "
    "p.characteristics, "
    f"EXISTS (SELECT 1 FROM followup f WHERE f.case_id = c.id AND f.status IN {OPEN}), "
    "EXISTS (SELECT 1 FROM placement pl WHERE pl.case_id = c.id AND pl.ended_on IS NULL) "
    "FROM kivo_case c JOIN person p ON p.id = c.person_id WHERE c.id "
)
_EVENT_INSERT = (
    'INSERT INTO case_event (case_id, seq, kind, from_state, to_state, "on", recorded_at, '
    "actor_id, reason, warnings, overrides, data) VALUES ({m}, "
    "(SELECT COALESCE(MAX(e.seq), 0) + 1 FROM case_event e WHERE e.case_id = {m}), "
    "{m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m})"
)
_CLOSE = (
    "UPDATE placement SET ended_on = {m}, end_reason = {m} WHERE case_id = {m} AND ended_on IS NULL"
)
_CANCEL_MEETINGS = (
    "UPDATE meeting SET status = 'cancelled', notes = CASE WHEN notes IS NULL OR notes = '' "
    "THEN {m} ELSE notes || '; ' || {m} END WHERE case_id = {m} AND status = 'scheduled'"
)
_CASEWORKER = "SELECT name, email, role, active, id FROM caseworker WHERE id = {m}"
_CASE_UPDATE = (
    "UPDATE kivo_case SET state = {m}, step = {m}, paused_from = {m}, closed_on = {m}, "
    "outcome = {m}, last_move_on = {m}, version = {m} WHERE id = {m} AND version = {m}"
)


_PLACEMENT_INSERT = (
    "INSERT INTO placement (case_id, step, start, workplace_id, supervisor_id, programme, "
    "planned_end, ended_on, end_reason, employment_kind) "
    "VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}) RETURNING id"
)
_FOLLOWUP_INSERT = (
    "INSERT INTO followup (case_id, name, kind, title, due, status, step, placement_id, "
    "anchor, offset_days, keep, done_on, suspended_on, notes, cancel_reason, finding) "
    "VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}) "
    "RETURNING id"
)
_REMINDER_INSERT = (
    "INSERT INTO reminder (followup_id, case_id, kind, due, send_on, status, attempts) "
    "VALUES ({m}, {m}, {m}, {m}, {m}, 'pending', 0)"
)
_PLACEMENTS_OF_PEOPLE = (
    "SELECT pl.case_id, pl.step, pl.start, pl.workplace_id, pl.supervisor_id, pl.programme, "
    "pl.planned_end, pl.ended_on, pl.end_reason, pl.id, pl.employment_kind, c.person_id "
    "FROM placement pl JOIN kivo_case c ON c.id = pl.case_id WHERE c.person_id IN "
)


_OPEN_ITEMS = (
    "SELECT case_id, name, kind, title, due, status, step, placement_id, anchor, "
    "offset_days, keep, done_on, suspended_on, notes, cancel_reason, finding, id "
    f"FROM followup WHERE status IN {OPEN} AND case_id IN "
)
_ITEM_UPDATE = (
    "UPDATE followup SET status = {m}, due = {m}, suspended_on = {m}, cancel_reason = {m} "
    "WHERE id = {m}"
)
_DROP = "UPDATE reminder SET status = 'dropped' WHERE followup_id = {m} AND status = 'pending'"
_SUPERVISOR = (
    "SELECT name, workplace_id, trained_on, capacity, active, id FROM supervisor WHERE id = {m}"
)
_LOAD_OF = (
    "SELECT COUNT(*) FROM placement WHERE supervisor_id = {m} AND ended_on IS NULL "
    "AND case_id != {m}"
)
_WORKPLACE = "SELECT name, employer, active, id FROM workplace WHERE id = {m}"
_HISTORIES = (  # in the order of CaseEvent's fields
    'SELECT case_id, kind, "on", recorded_at, from_state, to_state, actor_id, reason, '
    "warnings, overrides, data, seq, id FROM case_event WHERE case_id IN "
)
_HELD = "SELECT case_id, at FROM meeting WHERE status = 'held' AND case_id IN "
_ACCESS_INSERT = (
    "INSERT INTO access_log (at, caseworker_id, case_id, action, address) "
    "VALUES ({m}, {m}, {m}, {m}, {m})"
)


class _Sql:
    """The statements in one driver's parameter style, built once per dialect."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.event_insert = _EVENT_INSERT.format(m=marker)
        self.close = _CLOSE.format(m=marker)
        self.cancel_meetings = _CANCEL_MEETINGS.format(m=marker)
        self.caseworker = _CASEWORKER.format(m=marker)
        self.case_update = _CASE_UPDATE.format(m=marker)
        self.placement_insert = _PLACEMENT_INSERT.format(m=marker)
        self.followup_insert = _FOLLOWUP_INSERT.format(m=marker)
        self.reminder_insert = _REMINDER_INSERT.format(m=marker)
        self.item_update = _ITEM_UPDATE.format(m=marker)
        self.drop = _DROP.format(m=marker)
        self.supervisor = _SUPERVISOR.format(m=marker)
        self.load_of = _LOAD_OF.format(m=marker)
        self.workplace = _WORKPLACE.format(m=marker)
        self.access_insert = _ACCESS_INSERT.format(m=marker)
        self._loads: dict[int, str] = {}

    def listed(self, head: str, count: int, tail: str = "") -> str:
        return f"{head}({', '.join([self.marker] * count)}){tail}"

    def load(self, count: int) -> str:
        found = self._loads.get(count)
        if found is None:
            if count == 1:
                found = f"{_LOAD}= {self.marker}"
            else:
                found = f"{_LOAD}IN ({', '.join([self.marker] * count)})"
            self._loads[count] = found
        return found


_SQL = {"sqlite": _Sql("?"), "postgresql": _Sql("%s")}


class PipelineStore:
    """On the unit of work's connection, in its begun transaction (never an ORM session);
    or on a bare driver connection (``on_driver``), for read-only one-case reads."""

    connection: Connection | None

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dbapi: Any = connection.connection
        self._on(connection.connection.cursor(), sqlite=connection.dialect.name == "sqlite")

    @classmethod
    def on_driver(cls, dbapi_connection: Any, *, sqlite: bool) -> PipelineStore:
        """On a driver connection (the pool's, or a bare one), in the transaction it is
        in, without a SQLAlchemy ``Connection``."""
        store = cls.__new__(cls)
        store.connection, store.dbapi = None, dbapi_connection
        store._on(dbapi_connection.cursor(), sqlite=sqlite)
        return store

    def _on(self, cursor: Any, *, sqlite: bool) -> None:
        self._sqlite = sqlite
        self._sql = _SQL["sqlite" if sqlite else "postgresql"]
        self._cursor = cursor
        self._day_read, self._moment_read = reads_of(sqlite=sqlite)

    def load(self, case_ids: Sequence[int]) -> dict[int, tuple[Case, Person, bool, bool]]:
        found: dict[int, tuple[Case, Person, bool, bool]] = {}
        cursor, day = self._cursor, self._day_read
        for part in in_slices(case_ids):
            cursor.execute(self._sql.load(len(part)), part)
            for row in cursor.fetchall():
                case = Case(
                    row[0],
                    day(row[1]),
                    row[2],
                    row[3],
                    row[4],
                    None if row[5] is None else day(row[5]),
                    row[6],
                    None if row[7] is None else day(row[7]),
                    None if row[8] is None else day(row[8]),
                    row[9],
                    row[10],
                )
                person = Person(
                    row[11],
                    row[12],
                    row[13],
                    row[14],
                    json_value(row[15]),
                    None if row[16] is None else day(row[16]),
                    json_value(row[17]),
                    row[0],
                )
                found[row[10]] = (case, person, bool(row[18]), bool(row[19]))
        return found

    def caseworker(self, caseworker_id: int) -> Caseworker | None:
        self._cursor.execute(self._sql.caseworker, (caseworker_id,))
        row = self._cursor.fetchone()
        if row is None:
            return None
        return Caseworker(row[0], row[1], row[2], bool(row[3]), row[4])

    def caseworker_names(self, caseworker_ids: Sequence[int]) -> dict[int, str]:
        """The names of those of ``caseworker_ids`` that exist, by id."""
        found: dict[int, str] = {}
        for part in in_slices(caseworker_ids):
            head = "SELECT id, name FROM caseworker WHERE id IN "
            self._cursor.execute(self._sql.listed(head, len(part)), part)
            found.update((int(ident), name) for ident, name in self._cursor.fetchall())
        return found

    def protected_names(self, case_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """``{case_id: (initials, name)}`` of the cases among ``case_ids`` whose person's
        identity is protected (``states.protection``): the mask and what it hides."""
        found: dict[int, tuple[str, str]] = {}
        head = (
            "SELECT c.id, p.protected_initials, p.name FROM kivo_case c "
            "JOIN person p ON p.id = c.person_id "
            "WHERE p.protected_initials IS NOT NULL AND c.id IN "
        )
        for part in in_slices(case_ids):
            self._cursor.execute(self._sql.listed(head, len(part)), part)
            found.update(
                (int(ident), (mask, name)) for ident, mask, name in self._cursor.fetchall()
            )
        return found

    def histories(self, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
        """The histories of cases, each in order (a case without events is left out): the
        same values as the ORM gives (dates, moments in UTC, the JSON columns decoded)."""
        day, moment = self._day_read, self._moment_read
        found: dict[int, list[CaseEvent]] = {}
        for part in in_slices(case_ids):
            self._cursor.execute(
                self._sql.listed(_HISTORIES, len(part), " ORDER BY case_id, seq"), part
            )
            for row in self._cursor.fetchall():
                case_id, warnings, overrides, data = row[0], row[8], row[9], row[10]
                event = CaseEvent(
                    case_id,
                    row[1],
                    day(row[2]),
                    moment(row[3]),
                    row[4],
                    row[5],
                    row[6],
                    row[7],
                    [] if warnings == "[]" else json_value(warnings),
                    [] if overrides == "[]" else json_value(overrides),
                    {} if data == "{}" else json_value(data),
                    row[11],
                    row[12],
                )
                events = found.get(case_id)
                if events is None:
                    found[case_id] = [event]
                else:
                    events.append(event)
        return found

    def held_moments(self, case_ids: Sequence[int]) -> dict[int, list[datetime]]:
        """When each case's meetings recorded as held took place (UTC); a case with none
        is left out."""
        moment = self._moment_read
        found: dict[int, list[datetime]] = {}
        for part in in_slices(case_ids):
            self._cursor.execute(self._sql.listed(_HELD, len(part), " ORDER BY case_id, at"), part)
            for case_id, at in self._cursor.fetchall():
                found.setdefault(case_id, []).append(moment(at))
        return found

    def supervisor(self, supervisor_id: int) -> Supervisor | None:
        sql = self._sql.supervisor if self._sqlite else f"{self._sql.supervisor} FOR UPDATE"
        self._cursor.execute(sql, (supervisor_id,))
        row = self._cursor.fetchone()
        if row is None:
            return None
        trained = None if row[2] is None else self._day_read(row[2])
        return Supervisor(row[0], row[1], trained, row[3], bool(row[4]), row[5])

    def supervisor_load(self, supervisor_id: int, excluding_case: int) -> int:
        self._cursor.execute(self._sql.load_of, (supervisor_id, excluding_case))
        return _returned(self._cursor.fetchone())

    def workplace(self, workplace_id: int) -> Workplace | None:
        self._cursor.execute(self._sql.workplace, (workplace_id,))
        row = self._cursor.fetchone()
        return None if row is None else Workplace(row[0], row[1], bool(row[2]), row[3])

    def open_items(self, case_ids: Sequence[int]) -> dict[int, list[Followup]]:
        found: dict[int, list[Followup]] = {}
        day = self._day_read
        for part in in_slices(case_ids):
            sql = self._sql.listed(_OPEN_ITEMS, len(part), " ORDER BY case_id, due, id")
            self._cursor.execute(sql, part)
            for row in self._cursor.fetchall():
                item = Followup(
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    day(row[4]),
                    row[5],
                    row[6],
                    row[7],
                    row[8],
                    row[9],
                    bool(row[10]),
                    None if row[11] is None else day(row[11]),
                    None if row[12] is None else day(row[12]),
                    row[13],
                    row[14],
                    row[15],
                    row[16],
                )
                found.setdefault(item.case_id, []).append(item)
        return found

    def save_items(self, items: Sequence[Followup]) -> None:
        if items:
            day = self._day
            rows = [
                (f.status, day(f.due), day(f.suspended_on), f.cancel_reason, f.id) for f in items
            ]
            self._cursor.executemany(self._sql.item_update, rows)

    def drop_reminders(self, followup_ids: Sequence[int]) -> None:
        if followup_ids:
            self._cursor.executemany(self._sql.drop, [(ident,) for ident in followup_ids])

    def employers(self, workplace_ids: Sequence[int]) -> dict[int, str | None]:
        found: dict[int, str | None] = {}
        for part in in_slices(workplace_ids):
            head = "SELECT id, employer FROM workplace WHERE id IN "
            self._cursor.execute(self._sql.listed(head, len(part)), part)
            found.update((int(ident), employer) for ident, employer in self._cursor.fetchall())
        return found

    def placements_of_people(self, person_ids: Sequence[int]) -> dict[int, list[Placement]]:
        found: dict[int, list[Placement]] = {}
        day = self._day_read
        for part in in_slices(person_ids):
            sql = self._sql.listed(_PLACEMENTS_OF_PEOPLE, len(part), " ORDER BY pl.start, pl.id")
            self._cursor.execute(sql, part)
            for row in self._cursor.fetchall():
                placement = Placement(
                    row[0],
                    row[1],
                    day(row[2]),
                    row[3],
                    row[4],
                    row[5],
                    None if row[6] is None else day(row[6]),
                    None if row[7] is None else day(row[7]),
                    row[8],
                    row[9],
                    row[10],
                )
                found.setdefault(row[11], []).append(placement)
        return found

    def open_placement_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        return self._ids_of(
            "SELECT case_id, id FROM placement WHERE ended_on IS NULL AND case_id IN ", case_ids
        )

    def booked_meeting_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        return self._ids_of(
            "SELECT case_id, id FROM meeting WHERE status = 'scheduled' AND case_id IN ", case_ids
        )

    def accepted_proposal_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        return self._ids_of(
            "SELECT case_id, id FROM proposal WHERE status = 'accepted' AND case_id IN ", case_ids
        )

    def _ids_of(self, head: str, case_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for part in in_slices(case_ids):
            self._cursor.execute(self._sql.listed(head, len(part), " ORDER BY id"), part)
            for case_id, ident in self._cursor.fetchall():
                found.setdefault(int(case_id), []).append(int(ident))
        return found

    def add_placements(self, placements: Sequence[Placement]) -> None:
        day, cursor, sql = self._day, self._cursor, self._sql.placement_insert
        for p in placements:
            cursor.execute(
                sql,
                (
                    p.case_id,
                    p.step,
                    day(p.start),
                    p.workplace_id,
                    p.supervisor_id,
                    p.programme,
                    day(p.planned_end),
                    day(p.ended_on),
                    p.end_reason,
                    p.employment_kind,
                ),
            )
            p.id = _returned(cursor.fetchone())

    def add_followups(self, items: Sequence[Followup]) -> None:
        day, cursor, sql = self._day, self._cursor, self._sql.followup_insert
        for f in items:
            cursor.execute(
                sql,
                (
                    f.case_id,
                    f.name,
                    f.kind,
                    f.title,
                    day(f.due),
                    f.status,
                    f.step,
                    f.placement_id,
                    f.anchor,
                    f.offset_days,
                    f.keep,
                    day(f.done_on),
                    day(f.suspended_on),
                    f.notes,
                    f.cancel_reason,
                    f.finding,
                ),
            )
            f.id = _returned(cursor.fetchone())

    def add_reminders(self, reminders: Sequence[Reminder]) -> None:
        if reminders:
            day = self._day
            rows = [
                (r.followup_id, r.case_id, r.kind, day(r.due), day(r.send_on)) for r in reminders
            ]
            self._cursor.executemany(self._sql.reminder_insert, rows)

    def save_cases(self, cases: Sequence[Case]) -> None:
        """The moved cases (read by ``load``): a versioned ``UPDATE`` of what a move changes;
        a case changed since it was read is a conflict (nothing is kept: the caller's
        transaction rolls back). Each case learns its new version."""
        if not cases:
            return
        day = self._day
        rows = [
            (
                case.state,
                case.step.number if case.step else None,
                case.paused_from,
                day(case.closed_on),
                case.outcome,
                day(case.last_move_on),
                case.version + 1,
                case.id,
                case.version,
            )
            for case in cases
        ]
        if len(rows) == 1:
            self._cursor.execute(self._sql.case_update, rows[0])
        else:
            self._cursor.executemany(self._sql.case_update, rows)
        if self._cursor.rowcount != len(rows):
            changed = len(rows) - self._cursor.rowcount
            raise Conflict(
                f"{changed} of {len(rows)} cases changed since they were read: someone "
                "changed them at the same time; reload and try again"
            )
        for case in cases:
            case.version += 1

    def close_placements(self, closing: Sequence[tuple[int, date, str]]) -> None:
        if closing:
            day = self._day
            rows = [(day(on), reason, case_id) for case_id, on, reason in closing]
            self._cursor.executemany(self._sql.close, rows)

    def cancel_booked_meetings(self, cancelling: Sequence[tuple[int, str]]) -> None:
        if cancelling:
            rows = [(reason, reason, case_id) for case_id, reason in cancelling]
            self._cursor.executemany(self._sql.cancel_meetings, rows)

    def append_events(self, events: Sequence[CaseEvent]) -> None:
        if not events:
            return
        day, moment, dump = self._day, self._moment, json.dumps
        rows = [
            (
                e.case_id,
                e.case_id,
                e.kind,
                e.from_state,
                e.to_state,
                day(e.on),
                moment(e.recorded_at),
                e.actor_id,
                e.reason,
                dump(e.warnings) if e.warnings else "[]",
                dump(e.overrides) if e.overrides else "[]",
                dump(e.data) if e.data else "{}",
            )
            for e in events
        ]
        if len(rows) == 1:
            self._cursor.execute(self._sql.event_insert, rows[0])
        else:
            self._cursor.executemany(self._sql.event_insert, rows)

    def record_access(self, entries: Sequence[AccessEntry]) -> None:
        if not entries:
            return
        moment = self._moment
        rows = [(moment(e.at), e.caseworker_id, e.case_id, e.action, e.address) for e in entries]
        if len(rows) == 1:
            self._cursor.execute(self._sql.access_insert, rows[0])
        else:
            self._cursor.executemany(self._sql.access_insert, rows)

    @property
    def _day(self) -> Callable[[date | None], Any]:
        return _iso if self._sqlite else _same

    def _moment(self, value: datetime) -> Any:
        utc = value.astimezone(UTC)
        if not self._sqlite:
            return utc
        return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _returned(row: Any) -> int:
    assert row is not None, "an insert returned no id"
    return int(row[0])


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _same(value: Any) -> Any:
    return value
