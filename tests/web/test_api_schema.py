"""Schemathesis against the API's own OpenAPI document (``/api/v1/openapi.json``),
through the ASGI app (no network): requests generated from the document, as a
coordinator with both scopes, never answer a server error nor show a traceback, and
every answer has a status and a shape the document declares.

The number of examples per operation is kept small so the whole run stays well under
two minutes on a small machine; the database is a fresh SQLite one with a few cases,
so generated ids sometimes name real records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation, BaseSchema
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from pathway import directory, places, proposals
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.integration.support import add_staff
from tests.web.api_support import api_app, enrolled, mint

EXAMPLES = 15
# Every answer is one the document declares, in the declared shape.
CONFORMANCE = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed(sqlite_databases: SqliteDatabases) -> Iterator[tuple[Kivo, str]]:
    """kivo with staff, a few cases and a coordinator's token."""
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            staff = add_staff(kivo)
            cases = [enrolled(kivo, staff.caseworker) for _ in range(3)]
            for positions in (1, 2):  # places and a proposal for the employer side
                place = places.add_place(
                    kivo, staff.workplace, title="Plats", steps=[2], positions=positions
                ).place_id
                places.agree_place(kivo, place)
                places.open_place(kivo, place)
            proposals.propose(kivo, place, cases[0])
            email = "fuzz.samordnare@kommun.example"
            directory.add_caseworker(kivo, "Fuzz Samordnare", email=email, role="coordinator")
            yield kivo, mint(email)
        finally:
            kivo.close()


def operations(schema: BaseSchema) -> list[APIOperation[Any, Any, Any, Any]]:
    """Every operation of the document (one the document describes wrongly fails here)."""
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        found.append(result.ok())
    assert len(found) >= 20, "every endpoint is in the document"
    return found


def test_generated_requests_never_answer_a_server_error(fuzzed: tuple[Kivo, str]) -> None:
    kivo, token = fuzzed
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app(kivo))
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations(schema):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def never_a_server_error(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.path, response.text)
            assert "Traceback" not in response.text
            case.validate_response(response, checks=CONFORMANCE, headers=headers)

        never_a_server_error()
