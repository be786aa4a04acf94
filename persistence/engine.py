"""Engines for SQLite (the default, one file) and PostgreSQL (by URL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from states.errors import NotInitialised

BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, create: bool = True, **kwargs: Any) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys, a busy timeout and 0600 files.

    With ``create=False`` a missing SQLite file is an error, not a new empty database.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not create and not path.exists():
            raise NotInitialised(
                f"there is no database at {path}: run `kivo init` (or check --database)",
                found=None,
            )
        _create_private_file(path)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _create_private_file(path: Path) -> None:
    """Personal data at rest: a new database file is readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE), so a transaction never
    fails half-way on a lock upgrade; readers ask for ``sqlite_begin="DEFERRED"``."""
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
