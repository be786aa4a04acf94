"""Erasure keeps the statistics: on random caseloads (the benchmark's seeded generator,
small sizes), every report — funnel, outcomes by each breakdown, fallbacks, time in step,
lead time, targets, overdue, the ESF+ rows and aggregates — gives identical results
before and after erasing any subset of the persons whose cases have all closed, on
SQLite and PostgreSQL. Only the personnummer leaves the ESF+ rows (it is what goes).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import persistence.tables  # noqa: F401  (every table in the metadata)
from benchmarks.caseload import NOW, generate
from pathway import moves, reports
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.erasure import erase_person
from persistence.engine import make_engine
from states.case import Outcome
from tests.databases import PostgresDatabases, SqliteDatabases

CI_EXAMPLES = 200
EXAMPLES = settings(
    max_examples=CI_EXAMPLES if os.environ.get("CI") else 10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
START, END = date(2020, 1, 1), date(2026, 3, 2)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest) -> SqliteDatabases | PostgresDatabases:
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    found: SqliteDatabases | PostgresDatabases = request.getfixturevalue(fixture)
    return found


def every_report(kivo: Kivo) -> dict[str, Any]:
    """Each report over the whole caseload, as the plain results the CLI prints."""
    esf = reports.esf(kivo, start=START, end=END)
    return {
        "funnel": reports.funnel(kivo, start=START, end=END),
        **{
            f"outcomes-{by}": reports.outcomes(kivo, by=by, start=START, end=END)
            for by in ("gender", "group", "caseworker")
        },
        "fallbacks": reports.fallbacks(kivo, start=START, end=END),
        "time-in-step": reports.time_in_step(kivo, start=START, end=END),
        **{
            f"lead-time-{by}": reports.lead_time(kivo, by=by, start=START, end=END)
            for by in (None, "gender")
        },
        **{f"targets-{year}": reports.targets(kivo, year=year) for year in (2024, 2025, 2026)},
        "overdue": reports.overdue(kivo),
        "esf": replace(esf, rows=[replace(row, personnummer=None) for row in esf.rows]),
        "esf-indicators": reports.esf_indicators(kivo, start=START, end=END),
    }


def closed_people(engine: Engine) -> list[int]:
    """The persons whose every case has closed: those an erasure may erase."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT person_id FROM kivo_case GROUP BY person_id "
                "HAVING COUNT(*) = COUNT(closed_on) ORDER BY person_id"
            )
        ).scalars()
        return [int(ident) for ident in found]


def coordinator_of(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT MIN(id) FROM caseworker WHERE role = 'coordinator'")
            ).scalar_one()
        )


@pytest.fixture
def reused(databases: SqliteDatabases | PostgresDatabases) -> Iterator[Callable[[], str]]:
    """A database for each example: a fresh copy on SQLite (a file copy); on PostgreSQL
    one database emptied for each example (creating and dropping a database per example
    costs seconds on a busy machine). Emptying it is test set-up: the replica role lets
    the deletes past the append-only triggers and the foreign keys."""
    if isinstance(databases, SqliteDatabases):
        with ExitStack() as stack:
            yield lambda: stack.enter_context(databases.fresh())
        return
    with databases.fresh() as url:
        engine = make_engine(url)

        def emptied() -> str:
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                for table in reversed(SQLModel.metadata.sorted_tables):
                    connection.execute(text(f'DELETE FROM "{table.name}"'))
            return url

        yield emptied
        engine.dispose()


@EXAMPLES
@given(
    size=st.integers(3, 14),
    seed=st.integers(0, 2**16),
    exits=st.lists(st.booleans(), min_size=14, max_size=14),
    chosen=st.lists(st.booleans(), min_size=14, max_size=14),
)
def test_every_report_counts_the_same_after_erasing_any_closed_people(
    reused: Callable[[], str], size: int, seed: int, exits: list[bool], chosen: list[bool]
) -> None:
    url = reused()
    engine = make_engine(url)
    kivo = bootstrap(url, now=NOW)
    try:
        generate(engine, size, seed)
        by = coordinator_of(engine)
        _close_some(kivo, engine, exits, by)
        eligible = closed_people(engine)
        erased = [person for person, pick in zip(eligible, chosen, strict=False) if pick]
        before = every_report(kivo)

        for person in erased:
            erase_person(kivo, str(person), reason="request 2026-01", by=by)

        assert every_report(kivo) == before
        assert _erased_count(engine) == len(erased)
    finally:
        kivo.close()
        engine.dispose()


def _close_some(kivo: Kivo, engine: Engine, exits: list[bool], by: int) -> None:
    """Exit the drawn open cases through the real move, so more people may be erased."""
    with engine.connect() as connection:
        open_cases = connection.execute(
            text(
                "SELECT id FROM kivo_case WHERE closed_on IS NULL AND state <> 'paused' ORDER BY id"
            )
        ).scalars()
        wanted = [int(case) for case, pick in zip(open_cases, exits, strict=False) if pick]
    for case_id in wanted:
        moves.exit_case(kivo, case_id, outcome=Outcome.JOB_SEEKING, by=by)


def _erased_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT COUNT(*) FROM person WHERE erased_on IS NOT NULL")
            ).scalar_one()
        )
