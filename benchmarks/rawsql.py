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
