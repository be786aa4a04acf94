"""The raw-SQL twin's connection: ``sqlite3`` or ``psycopg``, nothing in between.

Statements are written once with ``?`` placeholders; values are given as Python
objects and stored the way SQLAlchemy stores them (SQLite: ISO text, moments in UTC
without a zone; PostgreSQL: native types), so kivo reads the twin's rows and the twin
reads kivo's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import make_url

from persistence.engine import BUSY_TIMEOUT_MS


class RawDatabase:
    """One connection; ``begin``/``commit`` are explicit, as kivo's unit of work is."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self.conn: Any
        if self.sqlite:
            self.conn = sqlite3.connect(parsed.database or "", isolation_level=None)
            for pragma in (
                "journal_mode=WAL",
                "foreign_keys=ON",
                f"busy_timeout={BUSY_TIMEOUT_MS}",
                "synchronous=NORMAL",
            ):
                self.conn.execute(f"PRAGMA {pragma}")
        else:
            import psycopg

            plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self.conn = psycopg.connect(plain, autocommit=True)
        self._sql: dict[str, str] = {}

    def close(self) -> None:
        self.conn.close()

    def begin(self, *, write: bool = True) -> None:
        if self.sqlite:
            self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
        else:
            self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def _text(self, sql: str) -> str:
        if self.sqlite:
            return sql
        if sql not in self._sql:
            self._sql[sql] = sql.replace("?", "%s")
        return self._sql[sql]

    def value(self, value: Any) -> Any:
        """A Python value as the column stores it."""
        if isinstance(value, datetime):
            moment = value.astimezone(UTC)
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else moment
        if isinstance(value, date):
            return value.isoformat() if self.sqlite else value
        if isinstance(value, list | dict):
            if self.sqlite:
                return json.dumps(value)
            from psycopg.types.json import Json

            return Json(value)
        return value

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._text(sql), [self.value(p) for p in params])

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self.run(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.run(sql, params).fetchone()

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """An INSERT … RETURNING id; the new row's id."""
        row = self.run(sql + " RETURNING id", params).fetchone()
        return int(row[0])

    def changed(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self.run(sql, params).rowcount)


# -- the reports' twins: the same query strategy as persistence.report_queries --------

_STATE_KINDS = "'enrolled', 'advanced', 'fell_back', 'paused', 'resumed', 'exited'"
_FLOW_KINDS = "'advanced', 'fell_back', 'exited'"
_CHANGED = f'SELECT case_id FROM case_event WHERE kind IN ({_STATE_KINDS}) AND "on" > ?'


def funnel(raw: RawDatabase, day: date, first: date, last: date) -> tuple[list[Any], list[Any]]:
    """Cases per state at the end of ``day`` (the current states, corrected by a replay of
    the cases changed after ``day`` only) and the flows of ``first``..``last``."""
    states = raw.rows(
        "SELECT state, sum(n) FROM ("
        "SELECT state, count(*) AS n FROM kivo_case GROUP BY state "
        f"UNION ALL SELECT state, -count(*) FROM kivo_case WHERE id IN ({_CHANGED}) "
        "GROUP BY state "
        "UNION ALL SELECT to_state, count(*) FROM (SELECT to_state, row_number() OVER "
        "(PARTITION BY case_id ORDER BY seq DESC) AS latest FROM case_event "
        f'WHERE kind IN ({_STATE_KINDS}) AND "on" <= ? AND case_id IN ({_CHANGED})) AS r '
        "WHERE latest = 1 GROUP BY to_state"
        ") AS parts GROUP BY state",
        (day, day, day),
    )
    flows = raw.rows(
        "SELECT from_state, to_state, kind, count(*) FROM case_event "
        f'WHERE kind IN ({_FLOW_KINDS}) AND "on" >= ? AND "on" <= ? '
        "GROUP BY from_state, to_state, kind",
        (first, last),
    )
    return states, flows


def targets(raw: RawDatabase, year: int) -> tuple[list[Any], list[Any], list[Any]]:
    """Placements started and extensions decided in ``year`` per programme, and the
    year's targets."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    programme = "json_extract(data, '$.programme')" if raw.sqlite else "data ->> 'programme'"
    started = raw.rows(
        "SELECT programme, count(*) FROM placement WHERE programme IS NOT NULL "
        "AND start >= ? AND start <= ? GROUP BY programme",
        (first, last),
    )
    extended = raw.rows(
        f"SELECT {programme}, count(*) FROM case_event WHERE kind = 'extended' "
        f'AND "on" >= ? AND "on" <= ? AND {programme} IS NOT NULL GROUP BY {programme}',
        (first, last),
    )
    goals = raw.rows("SELECT programme, count FROM target WHERE year = ?", (year,))
    return started, extended, goals
