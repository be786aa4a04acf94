"""End-to-end: run the installed ``kivo`` command as a caseworker would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module marked ``both_databases`` (its tests seed through the command, not by
    copying a SQLite file) runs on PostgreSQL too; the others run on SQLite."""
    wanted = metafunc.definition.get_closest_marker("both_databases")
    if wanted and "e2e_database" in metafunc.fixturenames:
        metafunc.parametrize("e2e_database", BOTH, indirect=True)


@pytest.fixture
def e2e_database(request: pytest.FixtureRequest) -> Any:
    """A fresh migrated database: SQLite, or PostgreSQL for a ``both_databases`` test."""
    kind = getattr(request, "param", "sqlite")
    databases = request.getfixturevalue(f"{kind}_databases")
    with databases.fresh() as url:
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
    with no other ``KIVO_`` setting of the caller's environment leaking in."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    environment.update({"KIVO_DATABASE_URL": url, "KIVO_NOW": now, "COLUMNS": "200"})
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


@pytest.fixture
def kivo_cli(e2e_database: str, tmp_path: Path) -> Kivo:
    """Run ``kivo ARGS`` on a fresh migrated SQLite database; returns code and output."""

    def run(
        *args: str,
        now: str = DEFAULT_NOW,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Ran:
        return run_kivo(e2e_database, tmp_path, *args, now=now, env=env, stdin=stdin)

    return run


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
