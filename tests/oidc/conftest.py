"""The test OpenID provider for the bearer-token tests, and kivo with the caseworkers
its accounts stand for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pathway import directory
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.oidc.provider import ACCOUNTS, TestProvider, start_provider


@pytest.fixture(scope="session")
def openid_provider() -> Iterator[TestProvider]:
    provider = start_provider(["http://127.0.0.1/auth/callback"])
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def signed_kivo(sqlite_databases: SqliteDatabases) -> Iterator[Kivo]:
    """kivo on SQLite with Anna (active) as the test accounts' caseworker."""
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            directory.add_caseworker(kivo, "Anna Andersson", email=ACCOUNTS["anna"])
            yield kivo
        finally:
            kivo.close()
