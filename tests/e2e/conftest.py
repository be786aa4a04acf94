"""End-to-end: run the installed ``kivo`` command as a caseworker would."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import TextClause
from sqlalchemy.engine import make_url

from tests.databases import PostgresDatabases, SqliteDatabases


def kivo_executable() -> str:
    """The ``kivo`` console script installed next to this Python."""
    beside = Path(sys.executable).parent / "kivo"
    found = str(beside) if beside.exists() else shutil.which("kivo")
    if found is None:
        raise RuntimeError("the kivo command is not installed: pip install -e '.[test]'")
    return found


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Kivo = Callable[..., Ran]


BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

Databases = SqliteDatabases | PostgresDatabases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked ``both_databases`` runs on PostgreSQL too; the others run on
    SQLite. The kind is module-scoped so a module seeds its caseload once per kind."""
    wanted = metafunc.definition.get_closest_marker("both_databases")
    if wanted and "e2e_kind" in metafunc.fixturenames:
        metafunc.parametrize("e2e_kind", BOTH, indirect=True, scope="module")


@pytest.fixture(scope="module")
def e2e_kind(request: pytest.FixtureRequest) -> str:
    """``sqlite``, or ``postgres`` for the second run of a ``both_databases`` module."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="module")
def e2e_databases(e2e_kind: str, request: pytest.FixtureRequest) -> Databases:
    """Where this module's databases come from: fresh ones, and copies of a seeded one."""
    databases: Databases = request.getfixturevalue(f"{e2e_kind}_databases")
    return databases


@pytest.fixture
def e2e_database(e2e_databases: Databases) -> Iterator[str]:
    """A fresh migrated database of this module's kind (a module that seeds a caseload
    overrides this with a copy of its seed)."""
    with e2e_databases.fresh() as url:
        yield url


DEFAULT_NOW = "2026-03-02T09:00"


def run_kivo(
    url: str,
    cwd: Path | None,
    *args: str,
    now: str = DEFAULT_NOW,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
) -> Ran:
    """Run the installed ``kivo ARGS`` on the database at ``url`` at the moment ``now``,
    in English, with no other ``KIVO_`` setting of the caller's environment leaking in."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    environment.update({"KIVO_DATABASE_URL": url, "KIVO_NOW": now, "COLUMNS": "200"})
    environment["KIVO_LANG"] = "en"  # English whatever the developer's locale (LANG)
    environment.update(env or {})
    done = subprocess.run(
        [kivo_executable(), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        input=stdin,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def seed_database(url: str, cwd: Path, lines: Iterable[str], now: str | None = None) -> str:
    """Run each ``kivo`` line (shell-quoted) on ``url``; every one must succeed."""
    for line in lines:
        ran = run_kivo(url, cwd, *shlex.split(line), now=now or DEFAULT_NOW)
        assert ran.code == 0, (line, ran)
    return url


def seeded_copies(lines: Sequence[str], now: str = DEFAULT_NOW) -> tuple[Any, Any]:
    """The two fixtures of a module whose tests each start from one seeded caseload, as
    ``seed, e2e_database = seeded_copies(SEED)``: ``seed`` runs the ``kivo`` lines once
    per database kind, ``e2e_database`` gives each test (and ``kivo_cli``) its own copy."""

    @pytest.fixture(scope="module", name="seed")
    def seed(e2e_databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        with e2e_databases.fresh() as url:
            yield seed_database(url, tmp_path_factory.mktemp("seed"), lines, now=now)

    @pytest.fixture(name="e2e_database")
    def copy_of_seed(e2e_databases: Databases, seed: str) -> Iterator[str]:
        with e2e_databases.copy(seed) as url:
            yield url

    return seed, copy_of_seed


@pytest.fixture
def kivo_cli(e2e_database: str, tmp_path: Path) -> Kivo:
    """Run ``kivo ARGS`` on this test's database; returns code and output."""

    def run(
        *args: str,
        now: str = DEFAULT_NOW,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Ran:
        return run_kivo(e2e_database, tmp_path, *args, now=now, env=env, stdin=stdin)

    return run


def read_rows(url: str, statement: str | TextClause, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one read, on an engine disposed before returning: no connection
    outlives the read (a PostgreSQL database in use cannot be copied or dropped)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = text(statement) if isinstance(statement, str) else statement
            return [tuple(row) for row in connection.execute(query, params)]
    finally:
        engine.dispose()


def table_rows(url: str) -> dict[str, list[str]]:
    """Every row of every table, in a stable order, on SQLite or PostgreSQL: a refused
    command must leave this unchanged."""
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as ``pg_dump`` and ``psql`` spell it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


ACCESS_SEQUENCE = "setval('public.access_log_id_seq'"


def pg_dump(url: str) -> str:
    """The whole database as ``pg_dump`` writes it: schema, every row, sequence values."""
    tool = shutil.which("pg_dump")
    assert tool, "pg_dump is needed to compare a PostgreSQL database before and after"
    done = subprocess.run(
        [tool, "--no-owner", "--no-privileges", "--dbname", libpq_url(url)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # pg_dump 15.14+ brackets its output with a random \\restrict key, which is not data;
    # the access log's sequence moves when a refused command's row is rolled back
    # (PostgreSQL never rolls a sequence back), but no row stays: the rows are compared
    return "\n".join(
        line
        for line in done.stdout.splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict")) and ACCESS_SEQUENCE not in line
    )


def database_dump(url: str) -> str:
    """The whole database as its own dump tool writes it (schema, rows, sequences): a
    refused command must leave this unchanged byte for byte."""
    if not url.startswith("sqlite:///"):
        return pg_dump(url)
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        return "\n".join(db.iterdump())
