"""The API's report documents are the CLI's (``kivo report NAME --json``), on SQLite and
PostgreSQL: one builder in ``pathway.report_documents``, so an integration and a
funder's export read the same keys and the same figures."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from cli.app import app as cli_app
from pathway import moves
from pathway.context import Kivo
from states.case import Outcome
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.integration.support import Staff
from tests.web.api_support import Api, api_app, caller, enrolled
from web.api.lists import REPORTS


@pytest.fixture(scope="module")
def app(web_kivo: Kivo) -> FastAPI:
    return api_app(web_kivo)


@pytest.fixture(scope="module")
def boss(app: FastAPI, web_kivo: Kivo, web_staff: Staff) -> Api:
    """A coordinator, who reads every caseload, as the CLI without ``--by`` does."""
    cases = [enrolled(web_kivo, web_staff.caseworker) for _ in range(3)]
    for case_id in cases:
        moves.advance(web_kivo, case_id, Step.INFORMATION, by=web_staff.caseworker)
    moves.exit_case(web_kivo, cases[1], outcome=Outcome.EMPLOYED, by=web_staff.caseworker)
    return caller(app, web_kivo, "Karin Samordnare", role="coordinator")


def cli_document(kivo: Kivo, *argv: str) -> Any:
    ran = CliRunner().invoke(
        cli_app,
        ["report", *argv, "--json"],
        env={"KIVO_DATABASE_URL": kivo.database, "KIVO_NOW": DEFAULT_NOW, "KIVO_ACTOR": ""},
    )
    assert ran.exit_code == 0, ran.output
    return json.loads(ran.stdout)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_api_gives_the_document_the_cli_prints_for_each_report(
    web_kivo: Kivo, boss: Api, name: str
) -> None:
    year = () if name == "overdue" else ("--year", "2026")
    answered = boss.get(f"/reports/{name}", **({} if name == "overdue" else {"year": 2026}))

    assert answered.status_code == 200, answered.text
    assert answered.json() == cli_document(web_kivo, name, *year)
    if isinstance(answered.json(), dict) and name != "overdue":
        assert {"from", "to"} <= set(answered.json())  # the period as the options name it


def test_a_caseworkers_report_is_the_clis_for_their_caseload(
    web_kivo: Kivo, web_staff: Staff, boss: Api
) -> None:
    answered = boss.get("/reports/funnel", year=2026, caseworker=web_staff.caseworker)
    own = cli_document(
        web_kivo, "funnel", "--year", "2026", "--caseworker", str(web_staff.caseworker)
    )

    assert answered.json() == own
    assert sum(own["states"].values()) >= 3
