"""The Alembic migrations, run on brand-new databases of each kind (no template)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData, insert, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import persistence.tables  # noqa: F401  (registers the tables on the metadata)
from pathway import enrolment, moves
from pathway.bootstrap import bootstrap, init_database
from persistence import migrate
from persistence.engine import make_engine
from states.errors import NotInitialised
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.integration.support import TODAY, table_contents

KIVO_TABLES = {
    "caseworker",
    "person",
    "workplace",
    "supervisor",
    "kivo_case",
    "case_event",
    "placement",
}


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def triggers(connection: Connection) -> list[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    else:
        query = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal UNION ALL "
            "SELECT proname FROM pg_proc WHERE proname = 'case_event_append_only' ORDER BY 1"
        )
    return [str(name) for name in connection.execute(text(query)).scalars()]


def schema(engine: Engine) -> dict[str, Any]:
    """Tables, columns, indexes, constraints and triggers, as comparable data."""
    with engine.connect() as connection:
        inspector = inspect(connection)
        tables: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            tables[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
                ],
                "indexes": sorted(
                    (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
                ),
                "foreign_keys": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(table)
                ),
            }
        return {"tables": tables, "triggers": triggers(connection)}


def add_some_data(url: str) -> int:
    kivo = bootstrap(url, now=DEFAULT_NOW)
    try:
        case_id = enrolment.enrol(kivo, "Amira Deltagare", consent=True, on=TODAY).case_id
        moves.advance(kivo, case_id, Step.STUDY_PREP, on=TODAY)
        return case_id
    finally:
        kivo.close()


def test_the_revision_the_code_expects_is_the_newest_migration() -> None:
    assert migrate.head_revision() == migrate.SCHEMA_HEAD


def test_a_fresh_database_upgrades_to_head_and_a_second_upgrade_changes_nothing(
    engine: Engine, empty_database_url: str
) -> None:
    assert migrate.current_revision(engine) is None

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    add_some_data(empty_database_url)
    schema_before, data_before = schema(engine), table_contents(empty_database_url)
    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.head_revision()
    assert schema(engine) == schema_before
    assert table_contents(empty_database_url) == data_before
    assert set(schema_before["tables"]) >= KIVO_TABLES
    assert schema_before["triggers"] != []  # the append-only guard


def test_the_migrated_schema_matches_the_table_models(engine: Engine) -> None:
    migrate.upgrade(engine)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrading_to_base_removes_the_schema_and_upgrading_again_rebuilds_it(
    engine: Engine, empty_database_url: str
) -> None:
    migrate.upgrade(engine)
    migrated = schema(engine)
    add_some_data(empty_database_url)

    migrate.downgrade(engine, "base")

    assert migrate.current_revision(engine) is None
    assert schema(engine) == {
        "tables": {"alembic_version": migrated["tables"]["alembic_version"]},
        "triggers": [],
    }
    migrate.upgrade(engine)
    assert schema(engine) == migrated
    assert all(
        rows == []
        for table, rows in table_contents(empty_database_url).items()
        if table != "alembic_version"
    )
    add_some_data(empty_database_url)  # the rebuilt schema works ...
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM case_event"))  # ... and guards its history


def test_bootstrap_on_a_database_without_the_schema_raises_not_initialised_and_creates_nothing(
    engine: Engine, empty_database_url: str
) -> None:
    with pytest.raises(NotInitialised) as error:
        bootstrap(empty_database_url, now=DEFAULT_NOW)

    assert error.value.params == {"found": None, "expected": migrate.SCHEMA_HEAD}
    assert "kivo init" in error.value.message
    assert schema(engine)["tables"] == {}


def test_bootstrap_on_a_database_at_another_revision_raises_not_initialised(
    engine: Engine, empty_database_url: str
) -> None:
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))

    with pytest.raises(NotInitialised) as error:
        bootstrap(empty_database_url, now=DEFAULT_NOW)

    assert error.value.params["found"] == "0000"


def test_init_creates_the_schema_and_running_it_again_changes_nothing(
    engine: Engine, empty_database_url: str
) -> None:
    first = init_database(empty_database_url)
    add_some_data(empty_database_url)
    data = table_contents(empty_database_url)
    second = init_database(empty_database_url)

    assert (first.before, first.after) == (None, migrate.SCHEMA_HEAD)
    assert (second.before, second.after) == (migrate.SCHEMA_HEAD, migrate.SCHEMA_HEAD)
    assert table_contents(empty_database_url) == data
    kivo = bootstrap(empty_database_url, now=DEFAULT_NOW)
    kivo.close()


def test_the_schema_keeps_a_case_and_its_history_consistent(
    engine: Engine, empty_database_url: str
) -> None:
    migrate.upgrade(engine)
    case_id = add_some_data(empty_database_url)

    with pytest.raises(DBAPIError), engine.begin() as connection:  # an event needs its case
        connection.execute(
            text(
                'INSERT INTO case_event (case_id, seq, kind, "on", recorded_at, warnings, '
                "overrides, data) VALUES (999, 1, 'enrolled', :on, :at, '[]', '[]', '{}')"
            ),
            {"on": date(2026, 3, 2), "at": "2026-03-02 08:00:00+00"},
        )
    with pytest.raises(DBAPIError), engine.begin() as connection:  # seq is unique per case
        connection.execute(
            text(
                'INSERT INTO case_event (case_id, seq, kind, "on", recorded_at, warnings, '
                "overrides, data) VALUES (:case, 1, 'note', :on, :at, '[]', '[]', '{}')"
            ),
            {"case": case_id, "on": date(2026, 3, 2), "at": "2026-03-02 08:00:00+00"},
        )


FIRST = "0001"
AT = datetime(2025, 11, 3, 8, 30, tzinfo=UTC)


def fill_at_the_first_migration(engine: Engine) -> None:
    """Data as kivo 0001 wrote it, with Core inserts into the reflected 0001 tables: a
    coordinator and a caseworker, people with and without a personnummer, a workplace
    and its supervisor, and three cases whose histories replay to their states."""
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    history = [
        (1, 1, "enrolled", None, "enrolled", date(2025, 9, 1), {}),
        (1, 2, "consent", None, None, date(2025, 9, 2), {}),
        (1, 3, "advanced", "enrolled", "short-practice", date(2025, 9, 15), {"placement": 1}),
        (2, 1, "enrolled", None, "enrolled", date(2025, 9, 1), {}),
        (2, 2, "advanced", "enrolled", "study-prep", date(2025, 9, 8), {}),
        (2, 3, "paused", "study-prep", "paused", date(2025, 10, 1), {}),
        (3, 1, "enrolled", None, "enrolled", date(2025, 9, 1), {}),
        (3, 2, "exited", "enrolled", "exited", date(2025, 10, 20), {"outcome": "moved"}),
    ]
    with engine.begin() as connection:
        connection.execute(
            insert(t["caseworker"]),
            [
                {"name": "Karin Ek", "email": None, "role": "coordinator", "active": True},
                {
                    "name": "Anna Lindqvist",
                    "email": "anna@x.se",
                    "role": "caseworker",
                    "active": True,
                },
            ],
        )
        connection.execute(
            insert(t["person"]),
            [
                {
                    "name": "Amina Haddad",
                    "personnummer": "199804123389",
                    "gender": "woman",
                    "birth_year": 1998,
                    "groups": ["newly-arrived"],
                },
                {
                    "name": "Jöns Ærlig-Østergård",
                    "personnummer": None,
                    "gender": "man",
                    "birth_year": None,
                    "groups": [],
                },
                {
                    "name": "Leila N",
                    "personnummer": None,
                    "gender": "non-binary",
                    "birth_year": 1990,
                    "groups": ["youth", "disability"],
                },
            ],
        )
        connection.execute(
            insert(t["workplace"]),
            [{"name": "Visby bageri", "employer": "Bageriet AB", "active": True}],
        )
        connection.execute(
            insert(t["supervisor"]),
            [
                {
                    "name": "Sven Berg",
                    "workplace_id": 1,
                    "trained_on": date(2025, 6, 1),
                    "capacity": 2,
                    "active": True,
                }
            ],
        )
        connection.execute(
            insert(t["kivo_case"]),
            [
                {
                    "person_id": 1,
                    "state": "short-practice",
                    "step": 2,
                    "paused_from": None,
                    "caseworker_id": 2,
                    "opened_on": date(2025, 9, 1),
                    "closed_on": None,
                    "outcome": None,
                    "consent_on": date(2025, 9, 2),
                    "last_move_on": date(2025, 9, 15),
                    "version": 3,
                },
                {
                    "person_id": 2,
                    "state": "paused",
                    "step": 4,
                    "paused_from": "study-prep",
                    "caseworker_id": 2,
                    "opened_on": date(2025, 9, 1),
                    "closed_on": None,
                    "outcome": None,
                    "consent_on": None,
                    "last_move_on": date(2025, 10, 1),
                    "version": 3,
                },
                {
                    "person_id": 3,
                    "state": "exited",
                    "step": None,
                    "paused_from": None,
                    "caseworker_id": None,
                    "opened_on": date(2025, 9, 1),
                    "closed_on": date(2025, 10, 20),
                    "outcome": "moved",
                    "consent_on": None,
                    "last_move_on": date(2025, 10, 20),
                    "version": 2,
                },
            ],
        )
        connection.execute(
            insert(t["case_event"]),
            [
                {
                    "case_id": case,
                    "seq": seq,
                    "kind": kind,
                    "from_state": before,
                    "to_state": after,
                    "on": on,
                    "recorded_at": AT,
                    "actor_id": 2,
                    "reason": "föräldraledig" if kind == "paused" else None,
                    "warnings": [],
                    "overrides": [],
                    "data": data,
                }
                for case, seq, kind, before, after, on, data in history
            ],
        )
        connection.execute(
            insert(t["placement"]),
            [
                {
                    "case_id": 1,
                    "step": 2,
                    "workplace_id": 1,
                    "supervisor_id": 1,
                    "programme": "PRAKTIK",
                    "start": date(2025, 9, 15),
                    "planned_end": date(2025, 12, 12),
                    "ended_on": None,
                    "end_reason": None,
                }
            ],
        )


def rows_of(engine: Engine, tables: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of the given tables, only the given columns, in id order."""
    with engine.connect() as connection:
        return {
            table: [
                dict(row._mapping)
                for row in connection.execute(
                    text(
                        f"SELECT {', '.join(quoted_name(c) for c in columns)} "
                        f'FROM "{table}" ORDER BY id'
                    )
                )
            ]
            for table, columns in tables.items()
        }


def quoted_name(column: str) -> str:
    return f'"{column}"'


def columns_at(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        inspector = inspect(connection)
        return {
            table: [c["name"] for c in inspector.get_columns(table)]
            for table in inspector.get_table_names()
            if table != migrate.VERSION_TABLE
        }


def test_a_database_filled_at_the_first_migration_upgrades_to_head_with_every_row_intact(
    engine: Engine, empty_database_url: str
) -> None:
    migrate.upgrade(engine, FIRST)
    fill_at_the_first_migration(engine)
    first_tables = columns_at(engine)
    before = rows_of(engine, first_tables)

    migrate.upgrade(engine)

    assert migrate.current_revision(engine) == migrate.SCHEMA_HEAD
    assert rows_of(engine, first_tables) == before
    assert sum(len(rows) for rows in before.values()) == 19
    checks, findings = diagnose_upgraded(empty_database_url)
    assert [f.code for f in findings if f.severity == "error"] == [], findings
    assert [c.status for c in checks] == ["ok"] * 3
    kivo = bootstrap(empty_database_url, now=DEFAULT_NOW)  # and the old cases move on
    try:
        moves.resume(kivo, 2, on=TODAY)
        moves.advance(kivo, 2, Step.VOCATIONAL_TRAINING, on=TODAY)
    finally:
        kivo.close()
    assert rows_of(engine, {"person": first_tables["person"]}) == {"person": before["person"]}


def diagnose_upgraded(url: str) -> tuple[list[Any], list[Any]]:
    from pathway.doctor import examine

    kivo = bootstrap(url, now=DEFAULT_NOW)
    try:
        return examine(kivo)
    finally:
        kivo.close()


def test_downgrading_to_the_first_migration_and_upgrading_again_round_trips(
    engine: Engine, empty_database_url: str
) -> None:
    migrate.upgrade(engine, FIRST)
    first_schema = schema(engine)
    fill_at_the_first_migration(engine)
    first_tables = columns_at(engine)
    migrate.upgrade(engine)
    head_schema = schema(engine)
    add_some_data(empty_database_url)  # a case with follow-ups and reminders, at head
    kept = rows_of(engine, first_tables)

    migrate.downgrade(engine, FIRST)

    assert migrate.current_revision(engine) == FIRST
    assert schema(engine) == first_schema
    assert rows_of(engine, first_tables) == kept  # the tables of 0001 keep every row
    migrate.upgrade(engine)
    assert schema(engine) == head_schema
    assert rows_of(engine, first_tables) == kept
    add_some_data(empty_database_url)  # and the upgraded schema works again
