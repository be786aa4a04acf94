"""Fixtures for the web workspace: the app over a real database, and browsers (TestClient
sessions) signed in as a chosen caseworker through ``--dev-login``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from tests.conftest import DEFAULT_NOW
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.integration.support import Staff, add_staff
from web.app import create_app

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class Browser:
    """A signed-in session: its client and the CSRF token its pages carry."""

    client: TestClient
    token: str

    def get(self, url: str) -> str:
        response: Response = self.client.get(url)
        assert response.status_code == 200, response.text
        return response.text

    def post(self, url: str, data: dict[str, str]) -> Response:
        """A form post carrying the session's token, as the page's form does."""
        response: Response = self.client.post(url, data={**data, "csrf_token": self.token})
        return response


def token_of(page: str) -> str:
    found = CSRF_META.search(page)
    assert found is not None, "every page carries the CSRF token in a meta element"
    return found.group(1)


def signed_in(app: FastAPI, caseworker_id: int) -> Browser:
    """A browser that signed in as the caseworker through the dev-login form."""
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    token = token_of(client.get("/login").text)
    done = client.post("/login", data={"caseworker_id": str(caseworker_id), "csrf_token": token})
    assert done.status_code == 303, done.text
    return Browser(client, token_of(client.get("/").text))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def web_kivo(request: pytest.FixtureRequest) -> Iterator[Kivo]:
    """kivo on one database of each kind, shared by a module (its tests enrol their own
    participants)."""
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue(fixture)
    with databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            yield kivo
        finally:
            kivo.close()


@pytest.fixture(scope="module")
def sqlite_kivo(sqlite_databases: SqliteDatabases) -> Iterator[Kivo]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            yield kivo
        finally:
            kivo.close()


@pytest.fixture(scope="module")
def web_staff(web_kivo: Kivo) -> Staff:
    return add_staff(web_kivo)


@pytest.fixture(scope="module")
def web_app(web_kivo: Kivo) -> FastAPI:
    return create_app(web_kivo, dev_login=True, secure_cookies=False)


@pytest.fixture
def browser_for(web_app: FastAPI) -> Callable[[int], Browser]:
    return lambda caseworker_id: signed_in(web_app, caseworker_id)
