"""Engines for SQLite (the default, one file) and PostgreSQL (by URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from persistence.driver import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from persistence.driver import check_file, configure, reason_of
from states.errors import DatabaseUnavailable, KivoError

SUPPORTED = ("sqlite", "postgresql")
POSTGRES_POOL = {"pool_size": 15, "max_overflow": 0}
"""As many connections as SQLAlchemy's default allows at once (5 kept + 10 overflow), all
kept open: with the default, a served page above five concurrent opened and closed a
connection of its own (1,152 PostgreSQL sessions in one 50-client run of the web scenario
against 65 kept; the case page's p95 fell from 1.7–2.9 s to 1.1 s, docs/benchmarks.md)."""


def make_engine(url: str, *, create: bool = True, **kwargs: Any) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys, a busy timeout and 0600 files.

    With ``create=False`` a missing SQLite file is an error, not a new empty database;
    a missing folder is always one (a typo in a path must not become a new tree).
    """
    parsed = parsed_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs = {**POSTGRES_POOL, **kwargs}
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        check_file(parsed.render_as_string(hide_password=True), path, create=create)
        _create_private_file(path)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def parsed_url(url: str) -> URL:
    """The URL, if it is one kivo can open: SQLite or PostgreSQL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            "--database is neither a database URL nor a file path", reason="not a URL"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise _unavailable(
            parsed,
            f"the scheme {backend!r} is not supported (use sqlite:///FILE or postgresql://…)",
        )
    return parsed


@contextmanager
def opening(url: str) -> Iterator[None]:
    """Turn what a driver raises while a database is first opened into one sentence."""
    try:
        yield
    except KivoError:
        raise
    except (SQLAlchemyError, OSError, ImportError) as error:
        raise unavailable(url, error) from None


def unavailable(url: str, error: BaseException) -> DatabaseUnavailable:
    """Why ``url`` cannot be opened, in a sentence (the doctor reports the same)."""
    if isinstance(error, DatabaseUnavailable):
        return error
    return _unavailable(make_url(url), _reason(error))


def _unavailable(parsed: URL, reason: str) -> DatabaseUnavailable:
    shown = parsed.render_as_string(hide_password=True)
    return DatabaseUnavailable(
        f"cannot open the database {shown}: {reason}", database=shown, reason=reason
    )


def _reason(error: BaseException) -> str:
    return reason_of(error)


def _create_private_file(path: Path) -> None:
    """Personal data at rest: a new database file is readable by its owner only."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    configure(dbapi_connection)  # we issue BEGIN ourselves, below


_BEGIN = {mode: f"BEGIN {mode}" for mode in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE")}


def _sqlite_on_begin(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE), so a transaction never
    fails half-way on a lock upgrade; readers ask for ``sqlite_begin="DEFERRED"``."""
    driver = connection.connection.driver_connection
    if driver.in_transaction:  # begun on the driver (the unit of work's pipeline): adopted
        return
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    # Straight to the driver: SQLAlchemy's statement machinery cost more than the BEGIN
    # itself, paid by every transaction (a light move is a handful of statements).
    driver.execute(_BEGIN[mode])


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
