"""The benchmarks' synthetic caseload (``benchmarks/caseload.py``) on SQLite and
PostgreSQL: it is written through the bare driver with the secondary indexes (and on
PostgreSQL the foreign keys) dropped for the load, so what it leaves behind must still
be a healthy kivo database (``kivo doctor`` finds nothing wrong, every case's state is
the last state its history moved to), with the schema of a migrated database and the
pools the scenarios use up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from benchmarks.caseload import (
    ENROLLED_SHARE,
    INFORMATION_SHARE,
    NOW,
    TODAY,
    due_reminders_for,
    generate,
    stored_size,
)
from pathway.bootstrap import bootstrap
from pathway.doctor import examine
from persistence.engine import make_engine
from tests.databases import PostgresDatabases, SqliteDatabases

SIZE = 300
TABLES = (
    "caseworker",
    "workplace",
    "supervisor",
    "person",
    "kivo_case",
    "case_event",
    "placement",
    "followup",
    "meeting",
    "reminder",
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest) -> SqliteDatabases | PostgresDatabases:
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    found: SqliteDatabases | PostgresDatabases = request.getfixturevalue(fixture)
    return found


@pytest.fixture
def caseload(databases: SqliteDatabases | PostgresDatabases) -> Iterator[tuple[str, Engine]]:
    """A fresh, migrated database holding a generated caseload of ``SIZE`` cases."""
    with databases.fresh() as url:
        engine = make_engine(url)
        try:
            generate(engine, SIZE)
            yield url, engine
        finally:
            engine.dispose()


def _scalar(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), {"today": TODAY}).scalar_one())


def _schema(engine: Engine) -> set[tuple[str, ...]]:
    """Every index, constraint and trigger, as the database itself describes them."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(
                text("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master")
            )
        else:
            rows = connection.execute(
                text(
                    "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() "
                    "UNION ALL SELECT 'constraint', k.conname, c.relname, "
                    "pg_get_constraintdef(k.oid) FROM pg_constraint k "
                    "JOIN pg_class c ON c.oid = k.conrelid "
                    "WHERE c.relnamespace = current_schema()::regnamespace "
                    "UNION ALL SELECT 'trigger', t.tgname, c.relname, pg_get_triggerdef(t.oid) "
                    "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal "
                    "AND c.relnamespace = current_schema()::regnamespace"
                )
            )
        return {tuple(str(value) for value in row) for row in rows}


def _rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            ]
            for table in TABLES
        }


def test_a_generated_caseload_passes_the_doctor_with_no_error_finding(
    caseload: tuple[str, Engine],
) -> None:
    url, _engine = caseload
    kivo = bootstrap(url, now=NOW)  # the schema is at head, or this refuses to start
    try:
        checks, findings = examine(kivo)
    finally:
        kivo.close()
    assert [f for f in findings if f.severity == "error"] == []
    assert {check.name: check.status for check in checks}["history"] == "ok"


def test_every_generated_case_is_in_the_state_its_last_move_left_it(
    caseload: tuple[str, Engine],
) -> None:
    _url, engine = caseload
    mismatched = _scalar(
        engine,
        "SELECT count(*) FROM kivo_case c JOIN case_event e ON e.case_id = c.id "
        "AND e.seq = (SELECT max(seq) FROM case_event l "
        "WHERE l.case_id = c.id AND l.to_state IS NOT NULL) "
        "WHERE e.to_state <> c.state",
    )
    without = _scalar(
        engine,
        "SELECT count(*) FROM kivo_case c WHERE NOT EXISTS "
        "(SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.to_state IS NOT NULL)",
    )
    assert (mismatched, without) == (0, 0)
    assert _scalar(engine, "SELECT count(*) FROM kivo_case WHERE version < 1") == 0


def test_a_generated_caseload_has_the_pools_the_scenarios_use_up(
    caseload: tuple[str, Engine],
) -> None:
    _url, engine = caseload
    assert stored_size(engine) == SIZE
    enrolled = _scalar(
        engine,
        "SELECT count(*) FROM kivo_case WHERE state = 'enrolled' AND consent_on IS NOT NULL",
    )
    informed = _scalar(
        engine,
        "SELECT count(*) FROM kivo_case WHERE state = 'information' AND consent_on IS NOT NULL",
    )
    waiting = _scalar(
        engine,
        "SELECT count(*) FROM reminder r JOIN followup f ON f.id = r.followup_id "
        "WHERE r.status = 'pending' AND r.kind = 'due' AND r.send_on = :today "
        "AND f.status = 'pending' AND f.due = :today",
    )
    # The pools hold their share of the cases, and more: some walks stop early.
    for pool, share in ((enrolled, ENROLLED_SHARE), (informed, INFORMATION_SHARE)):
        assert 0.75 * share * SIZE <= pool <= SIZE / 2, (pool, share)
    assert waiting >= due_reminders_for(SIZE) == SIZE // 10
    for table in TABLES:
        assert _scalar(engine, f"SELECT count(*) FROM {table}") > 0, table


def test_a_generated_caseload_keeps_the_schema_of_a_migrated_database(
    databases: SqliteDatabases | PostgresDatabases, caseload: tuple[str, Engine]
) -> None:
    _url, engine = caseload
    with databases.fresh() as url:
        migrated = make_engine(url)
        try:
            expected = _schema(migrated)
        finally:
            migrated.dispose()
    assert _schema(engine) == expected
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    assert any("case_event" in row[1] for row in expected if row[0] == "trigger")


def test_the_same_seed_generates_the_same_caseload(
    databases: SqliteDatabases | PostgresDatabases, caseload: tuple[str, Engine]
) -> None:
    _url, engine = caseload
    with databases.fresh() as url:
        again = make_engine(url)
        try:
            generate(again, SIZE)
            assert _rows(again) == _rows(engine)
        finally:
            again.dispose()


def test_the_benchmark_prepares_its_sqlite_files_in_a_folder_it_creates(
    tmp_path: Path,
) -> None:
    from benchmarks.databases import prepare

    folder = tmp_path / "not" / "yet"

    prepared = prepare(1000, str(folder / "bench.db"))

    assert (folder / "bench.db").is_file()
    assert prepared.url == f"sqlite:///{folder / 'bench.db'}"
