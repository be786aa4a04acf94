"""The Alembic migrations, run on brand-new databases of each kind (no template)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
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
