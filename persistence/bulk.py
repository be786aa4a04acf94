"""Set-based writes for imports: one prepared statement executed for a whole chunk.

The import's hot path, so it goes below the ORM and below SQLAlchemy's per-value type
processing: ids are reserved for a whole chunk at once, values are converted once into
what the driver stores, and the driver's ``executemany`` sends the chunk (SQLite reuses
one prepared statement; psycopg pipelines it). Everything runs on the unit of work's
connection, so an import is still one transaction: all or nothing.

Ids: on SQLite the transaction holds the write lock from its first statement (``BEGIN
IMMEDIATE``), so the next ids are simply after the highest; on PostgreSQL they come from
the table's own sequence (``nextval`` for the whole chunk), safe beside other writers,
and the rows go in with ``COPY``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlmodel import Session

from persistence.tables import CaseEventRow, CaseRow, PersonRow
from states.records import Case, CaseEvent, Person

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
EVENT: Table = CaseEventRow.__table__  # type: ignore[attr-defined]

PERSON_COLUMNS = ("id", "name", "personnummer", "gender", "birth_year", "groups")
CASE_COLUMNS = (
    "id",
    "person_id",
    "state",
    "step",
    "paused_from",
    "caseworker_id",
    "opened_on",
    "closed_on",
    "outcome",
    "consent_on",
    "last_move_on",
    "version",
)
EVENT_COLUMNS = (
    "case_id",
    "seq",
    "kind",
    "from_state",
    "to_state",
    "on",
    "recorded_at",
    "actor_id",
    "reason",
    "warnings",
    "overrides",
    "data",
)


class BulkWriter:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._sql: dict[str, str] = {}
        bind = session.get_bind()
        self._sqlite = bind.dialect.name == "sqlite"

    @property
    def _connection(self) -> Connection:
        return self.session.connection()

    def stored_personnummer(self, digits: Sequence[str]) -> dict[str, int]:
        if not digits:
            return {}
        query = select(PERSON.c.personnummer, PERSON.c.id).where(
            PERSON.c.personnummer.in_(list(digits))
        )
        return {row[0]: row[1] for row in self._connection.execute(query)}

    def last_person_id(self) -> int:
        return self._last_id(PERSON)

    def add_people(self, people: Sequence[Person]) -> list[int]:
        ids = self._reserve(PERSON, len(people))
        groups: dict[tuple[str, ...], str] = {}  # a few combinations, encoded once each

        def dumped(value: list[str]) -> str:
            key = tuple(value)
            found = groups.get(key)
            if found is None:
                found = groups[key] = json.dumps(value)
            return found

        rows = [
            (ident, p.name, p.personnummer, p.gender, p.birth_year, dumped(p.groups))
            for ident, p in zip(ids, people, strict=True)
        ]
        self._insert(PERSON, PERSON_COLUMNS, rows)
        from persistence.person_words import write_words

        write_words(
            self._connection, ((ident, p.name) for ident, p in zip(ids, people, strict=True))
        )
        return ids

    def add_cases(self, cases: Sequence[Case]) -> list[int]:
        ids = self._reserve(CASE, len(cases))
        day = self._days()
        rows = [
            (
                ident,
                c.person_id,
                c.state,
                c.step.number if c.step else None,
                c.paused_from,
                c.caseworker_id,
                day(c.opened_on),
                day(c.closed_on),
                c.outcome,
                day(c.consent_on),
                day(c.last_move_on),
                c.version,
            )
            for ident, c in zip(ids, cases, strict=True)
        ]
        self._insert(CASE, CASE_COLUMNS, rows)
        return ids

    def add_events(self, events: Sequence[CaseEvent]) -> None:
        day, dump = self._days(), json.dumps
        last: list[Any] = [None, None, None, None]  # a case's events share mark and moment

        def dumped(value: Any) -> str:
            if value is not last[0]:
                last[0], last[1] = value, dump(value)
            return str(last[1])

        def moment(value: datetime) -> Any:
            if value is not last[2]:
                last[2], last[3] = value, self._moment(value)
            return last[3]

        rows = [
            (
                e.case_id,
                e.seq,
                e.kind,
                e.from_state,
                e.to_state,
                day(e.on),
                moment(e.recorded_at),
                e.actor_id,
                e.reason,
                dumped(e.warnings) if e.warnings else "[]",
                dumped(e.overrides) if e.overrides else "[]",
                dumped(e.data) if e.data else "{}",
            )
            for e in events
        ]
        self._insert(EVENT, EVENT_COLUMNS, rows)

    def _last_id(self, table: Table) -> int:
        return int(self._connection.execute(select(func.max(table.c.id))).scalar() or 0)

    def _reserve(self, table: Table, count: int) -> list[int]:
        if count == 0:
            return []
        if self._sqlite:
            first = self._last_id(table) + 1
            return list(range(first, first + count))
        query = text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :count)"
        )
        return sorted(self._connection.execute(query, {"count": count}).scalars())

    def _insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if not self._sqlite:
            self._copy(table, columns, rows)
            return
        if table.name not in self._sql:
            quote = self._connection.dialect.identifier_preparer.quote
            marker = "?" if self._sqlite else "%s"
            names = ", ".join(quote(column) for column in columns)
            markers = ", ".join(marker for _ in columns)
            self._sql[table.name] = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({markers})"
        self._connection.exec_driver_sql(self._sql[table.name], rows)

    def _copy(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL: COPY FROM STDIN, on the transaction's own connection."""
        quote = self._connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(column) for column in columns)
        driver = self._connection.connection.driver_connection
        assert driver is not None
        statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def _days(self) -> Any:
        """``_day`` remembering what it converted: the dates of a chunk repeat a lot."""
        if not self._sqlite:
            return self._day
        known: dict[date | None, Any] = {None: None}

        def day(value: date | None) -> Any:
            found = known.get(value, known)
            if found is known:
                found = known[value] = self._day(value)
            return found

        return day

    def _day(self, value: date | None) -> Any:
        """SQLite stores dates as ISO text (as SQLAlchemy does); psycopg takes dates."""
        if value is None or not self._sqlite:
            return value
        return value.isoformat()

    def _moment(self, value: datetime) -> Any:
        """Moments in UTC; on SQLite as SQLAlchemy writes them (no zone, microseconds)."""
        utc = value.astimezone(UTC)
        if not self._sqlite:
            return utc
        return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
