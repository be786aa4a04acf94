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
from typing import Any

from sqlmodel import Session

from persistence.mapping import driver_reads, json_value
from persistence.repositories import in_slices
from states.records import Case, CaseEvent, Caseworker, Person

OPEN = "('pending', 'suspended')"
_LOAD = (
    "SELECT c.person_id, c.opened_on, c.state, c.paused_from, c.caseworker_id, c.closed_on, "
    "c.outcome, c.consent_on, c.last_move_on, c.version, c.id, "
    "p.name, p.personnummer, p.gender, p.birth_year, p.groups, p.permit_date, "
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


class _Sql:
    """The statements in one driver's parameter style, built once per dialect."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.event_insert = _EVENT_INSERT.format(m=marker)
        self.close = _CLOSE.format(m=marker)
        self.cancel_meetings = _CANCEL_MEETINGS.format(m=marker)
        self.caseworker = _CASEWORKER.format(m=marker)
        self._loads: dict[int, str] = {}

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
    def __init__(self, session: Session) -> None:
        self.session = session
        connection = session.connection()
        self._sqlite = connection.dialect.name == "sqlite"
        self._sql = _SQL["sqlite" if self._sqlite else "postgresql"]
        self._cursor = connection.connection.cursor()
        self._day_read, _ = driver_reads(connection)

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

    def employers(self) -> dict[int, str | None]:
        self._cursor.execute("SELECT id, employer FROM workplace")
        return {int(ident): employer for ident, employer in self._cursor.fetchall()}

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

    @property
    def _day(self) -> Callable[[date | None], Any]:
        return _iso if self._sqlite else _same

    def _moment(self, value: datetime) -> Any:
        utc = value.astimezone(UTC)
        if not self._sqlite:
            return utc
        return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _same(value: Any) -> Any:
    return value
