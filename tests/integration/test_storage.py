"""SQLite storage: a private file, WAL, foreign keys and a busy timeout on every connection."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from pathway.bootstrap import bootstrap, init_database
from persistence import migrate
from persistence.engine import BUSY_TIMEOUT_MS, make_engine
from persistence.unit_of_work import SqlUnitOfWork
from states.errors import DatabaseUnavailable, NotInitialised


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """A typical umask (022), under which SQLite on its own would create 0644 files."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def settings(connection: Connection) -> tuple[str, int, int]:
    return (
        str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()),
        int(connection.exec_driver_sql("PRAGMA foreign_keys").scalar() or 0),
        int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0),
    )


EXPECTED = ("wal", 1, BUSY_TIMEOUT_MS)


def test_a_new_database_file_and_its_journal_are_readable_by_the_owner_only(
    tmp_path: Path, usual_umask: None
) -> None:
    path = tmp_path / "new folder" / "kivo.db"
    path.parent.mkdir()

    engine = make_engine(f"sqlite:///{path}")
    try:
        created_mode = mode(path)  # before any connection: the engine made the file
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO workplace (name, active) VALUES ('x', 1)"))
            journal = sorted(p.name for p in path.parent.iterdir())
            journal_modes = {p.name: mode(p) for p in path.parent.iterdir()}
    finally:
        engine.dispose()

    assert created_mode == 0o600
    assert journal == ["kivo.db", "kivo.db-shm", "kivo.db-wal"]
    assert journal_modes == dict.fromkeys(journal, 0o600)


def test_init_refuses_a_database_in_a_folder_that_does_not_exist_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "typo" / "kivo.db"

    with pytest.raises(DatabaseUnavailable, match=r"the folder .*typo does not exist"):
        init_database(str(path))

    assert list(tmp_path.iterdir()) == []


def test_an_existing_database_file_is_opened_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "kivo.db"
    sqlite3.connect(path).execute("CREATE TABLE kept (x)").connection.close()

    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            tables = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars()
            assert list(tables) == ["kept"]
    finally:
        engine.dispose()


def test_every_pooled_connection_has_wal_foreign_keys_and_a_busy_timeout(engine: Engine) -> None:
    reading = engine.execution_options(sqlite_begin="DEFERRED")  # three at once, so no writers
    with ExitStack() as stack:
        connections = [stack.enter_context(reading.connect()) for _ in range(3)]
        seen = [settings(connection) for connection in connections]
        distinct = len({id(c.connection.dbapi_connection) for c in connections})
    engine.dispose()  # a new pool: connections made afresh get them too
    with engine.connect() as connection:
        seen.append(settings(connection))

    assert distinct == 3
    assert seen == [EXPECTED] * 4


@pytest.mark.parametrize("read_only", [False, True], ids=["writing", "reading"])
def test_units_of_work_run_on_connections_with_the_same_settings(
    engine: Engine, read_only: bool
) -> None:
    with SqlUnitOfWork(engine, read_only=read_only) as uow:
        assert settings(uow.session.connection()) == EXPECTED


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO kivo_case (person_id, state, opened_on, version) "
                "VALUES (999, 'enrolled', '2026-03-02', 1)"
            )
        )


def test_a_writing_unit_of_work_holds_the_write_lock_from_its_first_read_and_readers_go_on(
    engine: Engine, sqlite_url: str
) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    other_writer = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with SqlUnitOfWork(engine) as writer:
            writer.caseworkers.find(1)  # only a read, yet the lock is taken (BEGIN IMMEDIATE)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other_writer.execute("BEGIN IMMEDIATE")
            with SqlUnitOfWork(engine, read_only=True) as reader:
                assert reader.caseworkers.find(1) is None  # WAL: readers are not blocked
        other_writer.execute("BEGIN IMMEDIATE")  # released when the unit of work ended
        other_writer.execute("ROLLBACK")
    finally:
        other_writer.close()


def test_a_command_on_a_database_that_does_not_exist_creates_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(NotInitialised, match="run `kivo init`"):
        bootstrap(str(missing))
    assert not missing.exists()
