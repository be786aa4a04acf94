"""Fixtures shared by the integration tests: staff and places to move cases between,
a database per module (where tests keep to their own cases), PostgreSQL-only databases,
and brand-new databases without any schema (for the migration tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from tests.conftest import DEFAULT_NOW
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.integration.support import Staff, add_staff


@pytest.fixture
def staff(kivo: Kivo) -> Staff:
    """A coordinator, a caseworker, two workplaces and their supervisors."""
    return add_staff(kivo)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_kivo(request: pytest.FixtureRequest) -> Iterator[Kivo]:
    """kivo on one database of each kind shared by a whole module.

    For tests that each enrol their own participants and look only at those, or whose
    every call must leave the database as it was (and check that it did). A module opts
    in by overriding ``kivo`` and ``staff`` with ``module_kivo`` and ``module_staff``.
    """
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue(fixture)
    with databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            yield kivo
        finally:
            kivo.close()


@pytest.fixture(scope="module")
def module_staff(module_kivo: Kivo) -> Staff:
    return add_staff(module_kivo)


@pytest.fixture
def postgres_only_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database, for behaviour only PostgreSQL has."""
    with postgres_databases.fresh() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new database of each kind with no schema at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kivo.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        with databases.empty() as url:
            yield url
