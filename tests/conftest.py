"""Shared fixtures: a migrated database of each kind, and kivo bootstrapped on it.

``database_url`` runs a test on SQLite always and on PostgreSQL when
``KIVO_TEST_POSTGRES_URL`` is set; under CI the PostgreSQL run is mandatory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from tests.databases import POSTGRES_ENV, PostgresDatabases, SqliteDatabases, postgres_url

# The CLI follows the locale (LANG, KIVO_LANG): the tests speak English whatever the
# developer's own locale is, and the `kivo` subprocesses of the e2e tests inherit it.
os.environ["KIVO_LANG"] = "en"

DEFAULT_NOW = "2026-03-02T09:00:00"


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not postgres_url():
        raise pytest.UsageError(f"CI must run the PostgreSQL tests: set {POSTGRES_ENV}")


SKIPPED_ON_POSTGRES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Note each PostgreSQL test that was skipped (CI then fails the session)."""
    if report.skipped and "postgres" in report.keywords:
        SKIPPED_ON_POSTGRES.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI every PostgreSQL test must run: one skipped turns the run red."""
    if os.environ.get("CI") and SKIPPED_ON_POSTGRES:
        listed = "\n  ".join(SKIPPED_ON_POSTGRES[:20])
        print(f"\nCI: {len(SKIPPED_ON_POSTGRES)} PostgreSQL test(s) did not run:\n  {listed}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    url = postgres_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}")
    databases = PostgresDatabases(url)
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated database of each kind."""
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    databases = request.getfixturevalue(fixture)
    with databases.fresh() as url:
        yield url


@pytest.fixture
def sqlite_url(sqlite_databases: SqliteDatabases) -> Iterator[str]:
    with sqlite_databases.fresh() as url:
        yield url


@pytest.fixture
def make_kivo(database_url: str) -> Iterator[Callable[..., Kivo]]:
    """Bootstrap kivo on the test database at a chosen moment (``now``)."""
    opened: list[Kivo] = []

    def make(now: str = DEFAULT_NOW, rules: str | None = None) -> Kivo:
        kivo = bootstrap(database_url, now=now, rules=rules)
        opened.append(kivo)
        return kivo

    yield make
    for kivo in opened:
        kivo.close()


@pytest.fixture
def kivo(make_kivo: Callable[..., Kivo]) -> Kivo:
    return make_kivo()


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
